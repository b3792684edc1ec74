package configstore

import (
	"time"

	"github.com/rogpeppe/go-internal/diff"
)

// Diff checks the changed files as Save would (CheckSave) and returns the
// unified diff of each against its version on disk, applicationHost.config
// first: the output of -whatif, and of the public API's Manager.Diff.
func (s *Store) Diff() ([]byte, error) {
	if err := s.CheckSave(); err != nil {
		return nil, err
	}
	var out []byte
	for _, f := range s.Changed() {
		var old []byte
		oldName := f.Path
		if f.Exists() {
			b, err := ReadConfigFile(f.Path)
			if err != nil {
				return nil, err
			}
			old = b
		} else {
			oldName = "/dev/null"
		}
		out = append(out, diff.Diff(oldName, old, f.Path, f.Doc().Bytes())...)
	}
	return out, nil
}

// Stale returns the files this store read, or found missing, that another
// writer has replaced, created or deleted since: a long-lived reader (the
// public API's Manager) calls it under the write lock to refuse a commit
// over changes it never saw.
func (s *Store) Stale() []string {
	var out []string
	if s.apphost.ident != nil && fileChanged(s.apphost) {
		out = append(out, s.apphost.Path)
	}
	for _, f := range s.tops() {
		if fileChanged(f) {
			out = append(out, f.Path)
		}
	}
	for _, p := range s.Files()[len(s.tops())+1:] {
		f := s.files[p]
		if f == nil {
			continue // unreadable when read: nothing was based on it
		}
		if fileChanged(f) {
			out = append(out, p)
		}
	}
	return out
}

// HistoryHook is the SaveHook of every command and of the public API's
// Commit: it keeps configuration history (KeepHistory at time now) when a
// save replaces applicationHost.config.
func (s *Store) HistoryHook(now time.Time) SaveHook {
	return func(files []*File) error {
		for _, f := range files {
			if f == s.AppHost() && f.Exists() {
				return s.KeepHistory(now)
			}
		}
		return nil
	}
}
