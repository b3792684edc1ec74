package configstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// Changed returns the files that edits changed, applicationHost.config
// first, then machine.config and the root web.config.
func (s *Store) Changed() []*File {
	var out []*File
	if s.apphost.Changed() {
		out = append(out, s.apphost)
	}
	for _, f := range s.tops() {
		if f.Changed() {
			out = append(out, f)
		}
	}
	out = appendChanged(out, s.files)
	return appendChanged(out, s.sources)
}

// appendChanged appends the changed files of m to out, in path order.
func appendChanged(out []*File, m map[string]*File) []*File {
	var paths []string
	for p, f := range m {
		if f.Changed() {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		out = append(out, m[p])
	}
	return out
}

// SaveHook runs once every new version is written and checked, just
// before files are replaced, with the files about to change
// (configuration history keeps a copy of applicationHost.config here; a
// save that fails after the hook takes that copy back).
type SaveHook func(files []*File) error

// Save writes every changed file as one all-or-nothing step: each new
// version goes to a temporary file in the same directory, is checked
// against the reader's limits and synced; only when all are written are
// they renamed into place, and if a rename fails the files already
// replaced are put back. Nothing is written when nothing changed, and a
// failed save leaves no trace: no temporary file, no history entry.
func (s *Store) Save(hook SaveHook) ([]*File, error) {
	changed := s.Changed()
	if len(changed) == 0 {
		return nil, nil
	}
	if s.unlock == nil {
		return nil, errors.New("configstore: Save needs a store opened for writing")
	}
	for _, f := range changed {
		if err := s.checkInside(f); err != nil {
			return nil, err
		}
	}
	type pending struct {
		f       *File
		dst     string // f.Path with symbolic links resolved
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
		if s.topFile(f) && !f.exists {
			if err := s.makeTopFolder(f); err != nil {
				cleanup()
				return nil, err
			}
		}
		dst, err := writePath(f.Path)
		if err != nil {
			cleanup()
			return nil, &ConfigFileError{File: f.Path, Kind: ErrUnreadable, Write: true, Description: "Cannot write configuration file: " + err.Error(), Err: err}
		}
		removeStaleTemps(dst)
		tmp, err := writeTemp(f, dst)
		if err != nil {
			cleanup()
			return nil, err
		}
		ps = append(ps, &pending{f: f, dst: dst, tmp: tmp})
	}
	if hook != nil {
		s.saving, s.history = true, nil
		err := hook(changed)
		s.saving = false
		if err != nil {
			cleanup()
			s.settleHistory(s.history, false)
			s.history = nil
			return nil, err
		}
	}
	for _, p := range ps {
		if !p.f.exists {
			continue
		}
		old := p.tmp + ".old"
		if err := os.Link(p.dst, old); err == nil {
			p.old = old
		}
	}
	for i, p := range ps {
		if err := s.rename(p.tmp, p.dst); err != nil {
			for _, q := range ps[:i] {
				if q.old != "" {
					os.Rename(q.old, q.dst)
					q.old = ""
				} else if !q.f.exists {
					os.Remove(q.dst)
				}
			}
			cleanup()
			s.settleHistory(s.history, false)
			s.history = nil
			return nil, &ConfigFileError{File: p.f.Path, Kind: ErrUnreadable, Write: true, Description: "Cannot write configuration file: " + err.Error(), Err: err}
		}
		p.renamed = true
		syncDir(filepath.Dir(p.dst))
	}
	cleanup()
	// The files are replaced: a failure to prune old history entries is
	// not a failure of the save.
	s.settleHistory(s.history, true)
	s.history = nil
	return changed, nil
}

// CheckSave reports the error that saving the changed files would give
// before anything is renamed: a web.config whose real path leaves its
// virtual directory, or a file the reader would refuse. -whatif uses it,
// so that it refuses what a real run refuses.
func (s *Store) CheckSave() error {
	for _, f := range s.Changed() {
		if err := s.checkInside(f); err != nil {
			return err
		}
		if _, err := f.doc.Render(); err != nil {
			return writeError(f, err)
		}
	}
	return nil
}

// checkInside refuses to write a web.config whose real path, after
// following symbolic links in its folders or the file itself, is not
// inside the physical path of the virtual directory it belongs to: a
// link must not let a command run as root rewrite a file elsewhere.
// Links that stay inside are written through as usual; Options.FollowLinks
// allows the rest.
func (s *Store) checkInside(f *File) error {
	if f.AppHost || f.root == "" || s.followLinks {
		return nil
	}
	real, err := filepath.EvalSymlinks(f.Path)
	if err != nil {
		// A new file: its folder, resolved, plus its name.
		dir, derr := filepath.EvalSymlinks(filepath.Dir(f.Path))
		if derr != nil {
			return nil // writeTemp reports the missing folder
		}
		real = filepath.Join(dir, filepath.Base(f.Path))
	}
	root, err := filepath.EvalSymlinks(f.root)
	if err != nil {
		root = filepath.Clean(f.root)
	}
	if rel, err := filepath.Rel(root, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
		return nil
	}
	return &ConfigFileError{File: f.Path, Kind: ErrRefused, Write: true, Description: fmt.Sprintf(
		"Cannot write configuration file: through a symbolic link it is %s, outside %s, the physical path of its virtual directory; nothing was written. To write through such links, add -followLinks or set %s=1", real, root, EnvFollowLinks)}
}

// EnvFollowLinks is the environment variable that sets
// Options.FollowLinks for every command (docs/files.md).
const EnvFollowLinks = "APPCMD_FOLLOW_LINKS"

// writePath is where a file's new version goes: a configuration file that
// is a symbolic link (into a git checkout, say) is written through, so the
// link stays a link and its target gets the new content.
func writePath(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(path); lerr == nil {
			return "", fmt.Errorf("%s is a symbolic link to a file that does not exist", path)
		}
		return path, nil // a new file
	}
	return real, err
}

// tempPrefix starts the names of the temporary files next to path.
func tempPrefix(path string) string {
	return "." + filepath.Base(path) + ".tmp-"
}

// removeStaleTemps deletes temporary files that a writer killed between
// creating and renaming them left next to path. Every writer holds the
// store's exclusive lock, which Save's caller holds now, so none of them
// belongs to a live writer.
func removeStaleTemps(path string) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), globEscape(tempPrefix(path))+"*"))
	for _, name := range stale {
		os.Remove(name)
	}
}

// globEscape quotes the pattern characters of a literal file name.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeTemp writes a file's new content next to dst (f.Path, or the file
// it links to) and syncs it.
func writeTemp(f *File, dst string) (string, error) {
	dir := filepath.Dir(dst)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", &ConfigFileError{File: f.Path, Kind: ErrUnreadable, Write: true,
			Description: fmt.Sprintf("Cannot write configuration file: the directory %s does not exist", dir)}
	}
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(dst); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(dst)+strconv.FormatInt(time.Now().UnixNano(), 36)+"-*")
	if err != nil {
		return "", writeError(f, err)
	}
	fail := func(err error) (string, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", writeError(f, err)
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
	if f.doc.Unverified() {
		// The writer could not prove the limits on the way (see
		// xmldoc.Document.WriteTo): read the new version back.
		if err := verifyWritten(tmp.Name()); err != nil {
			return fail(err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	return tmp.Name(), nil
}

// verifyWritten parses a written file as the reader will.
func verifyWritten(path string) error {
	m, err := readFile(path, false)
	if err != nil {
		return err
	}
	if m.release != nil {
		defer m.release()
	}
	_, err = xmldoc.Parse(m.data)
	return err
}

// writeError is the configuration error of a failed write. Values and
// sizes the reader would refuse are invalid data (exit 13), like the
// edits that produced them; anything else is a file that cannot be
// written.
func writeError(f *File, err error) error {
	var ve *xmldoc.ValueError
	var le *xmldoc.LimitError
	var se *xmldoc.SyntaxError
	switch {
	case errors.As(err, &ve), errors.As(err, &le):
		// The writer's last check of names, values and sizes; commit
		// refuses bad values earlier with a better message.
		return &ConfigFileError{File: f.Path, Kind: ErrMalformed, Write: true, Description: "Cannot write configuration file: " + err.Error(), Err: err}
	case errors.As(err, &se):
		return &ConfigFileError{File: f.Path, Kind: ErrMalformed, Write: true, Description: "Cannot write configuration file: the new version would not be readable (" + se.Msg + "); nothing was written", Err: err}
	}
	return &ConfigFileError{File: f.Path, Kind: ErrUnreadable, Write: true, Description: "Cannot write configuration file: " + err.Error(), Err: err}
}

// syncDir makes a rename durable; not every system supports it, so errors
// are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
