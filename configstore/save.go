package configstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// Changed returns the files that edits changed, applicationHost.config first.
func (s *Store) Changed() []*File {
	var out []*File
	if s.apphost.Changed() {
		out = append(out, s.apphost)
	}
	var paths []string
	for p, f := range s.files {
		if f.Changed() {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		out = append(out, s.files[p])
	}
	return out
}

// SaveHook runs before files are replaced, with the files about to change
// (configuration history keeps a copy of applicationHost.config here).
type SaveHook func(files []*File) error

// Save writes every changed file as one all-or-nothing step: each new
// version goes to a temporary file in the same directory and is synced;
// only when all are written are they renamed into place, and if a rename
// fails the files already replaced are put back. Nothing is written when
// nothing changed.
func (s *Store) Save(hook SaveHook) ([]*File, error) {
	changed := s.Changed()
	if len(changed) == 0 {
		return nil, nil
	}
	if s.unlock == nil {
		return nil, errors.New("configstore: Save needs a store opened for writing")
	}
	if hook != nil {
		if err := hook(changed); err != nil {
			return nil, err
		}
	}
	type pending struct {
		f       *File
		tmp     string
		old     string // hard link to the previous version, for rollback
		renamed bool
	}
	var ps []*pending
	cleanup := func() {
		for _, p := range ps {
			if p.tmp != "" && !p.renamed {
				os.Remove(p.tmp)
			}
			if p.old != "" {
				os.Remove(p.old)
			}
		}
	}
	for _, f := range changed {
		tmp, err := writeTemp(f)
		if err != nil {
			cleanup()
			return nil, err
		}
		ps = append(ps, &pending{f: f, tmp: tmp})
	}
	for _, p := range ps {
		if !p.f.exists {
			continue
		}
		old := p.tmp + ".old"
		if err := os.Link(p.f.Path, old); err == nil {
			p.old = old
		}
	}
	for i, p := range ps {
		if err := rename(p.tmp, p.f.Path); err != nil {
			for _, q := range ps[:i] {
				if q.old != "" {
					os.Rename(q.old, q.f.Path)
					q.old = ""
				} else if !q.f.exists {
					os.Remove(q.f.Path)
				}
			}
			cleanup()
			return nil, &ConfigFileError{File: p.f.Path, Kind: ErrUnreadable, Description: "Cannot write configuration file: " + err.Error(), Err: err}
		}
		p.renamed = true
		syncDir(filepath.Dir(p.f.Path))
	}
	cleanup()
	return changed, nil
}

// rename is os.Rename; tests replace it to make a commit fail half-way.
var rename = os.Rename

// writeTemp writes a file's new content next to it and syncs it.
func writeTemp(f *File) (string, error) {
	dir := filepath.Dir(f.Path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", &ConfigFileError{File: f.Path, Kind: ErrUnreadable,
			Description: fmt.Sprintf("Cannot write configuration file: the directory %s does not exist", dir)}
	}
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(f.Path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.Path)+".tmp-"+strconv.FormatInt(time.Now().UnixNano(), 36)+"-*")
	if err != nil {
		return "", &ConfigFileError{File: f.Path, Kind: ErrUnreadable, Description: "Cannot write configuration file: " + err.Error(), Err: err}
	}
	fail := func(err error) (string, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", &ConfigFileError{File: f.Path, Kind: ErrUnreadable, Description: "Cannot write configuration file: " + err.Error(), Err: err}
	}
	// The document buffers its own writes; handing it the file lets it
	// copy large untouched ranges file to file (xmldoc.Options.CopyRange).
	if _, err := f.doc.WriteTo(tmp); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	return tmp.Name(), nil
}

// syncDir makes a rename durable; not every system supports it, so errors
// are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
