package configstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Locks of web.config files. applicationHost.config's lock (Open) makes
// the writers of one applicationHost.config take turns, but two
// applicationHost.config files can map sites to the same folder, and
// their writers would then lose each other's updates of the web.config
// there. So a writing store also locks the folder of every web.config
// before it reads it (the real folder, after following links: one lock
// whichever way the file is reached), and holds the lock until Close.
// A folder is locked rather than the file: saves replace the file by
// rename, and a folder lock leaves no lock file among the site's content.
//
// Two writers must never wait for each other in a circle, so folder locks
// are taken in the order of their names. A store that needs a folder that
// sorts before one it holds tries it without waiting; only if that fails
// does it let go of the later folders, wait for the earlier one, take the
// later ones again in order, and check that none of the files it read
// under them changed meanwhile (ConflictError if one did).

// dirLock is one locked folder.
type dirLock struct {
	dir    string  // real path of the folder
	unlock func()  // nil while let go
	files  []*File // files read under the lock
}

// lockFolderOf locks the folder of a web.config about to be read. A folder
// that does not exist needs no lock: nothing can be written there.
func (s *Store) lockFolderOf(path string) (*dirLock, error) {
	dir, ok := realFolder(path)
	if !ok {
		return nil, nil
	}
	for _, l := range s.locks {
		if l.dir == dir {
			return l, nil
		}
	}
	lockErr := func(err error) error {
		return &ConfigFileError{File: path, Kind: ErrUnreadable, Description: "Cannot lock configuration file: " + err.Error(), Err: err}
	}
	var later []*dirLock
	for _, l := range s.locks {
		if l.dir > dir {
			later = append(later, l)
		}
	}
	l := &dirLock{dir: dir}
	if len(later) == 0 {
		unlock, err := lockFolder(dir)
		if err != nil {
			return nil, lockErr(err)
		}
		l.unlock = unlock
	} else {
		unlock, ok, err := tryLockFolder(dir)
		if err != nil {
			return nil, lockErr(err)
		}
		if !ok {
			for i := len(later) - 1; i >= 0; i-- {
				later[i].unlock()
				later[i].unlock = nil
			}
			if unlock, err = lockFolder(dir); err != nil {
				return nil, lockErr(err)
			}
			for _, m := range later {
				if m.unlock, err = lockFolder(m.dir); err != nil {
					unlock()
					return nil, lockErr(err)
				}
				for _, f := range m.files {
					if fileChanged(f) {
						unlock()
						return nil, &ConfigFileError{File: f.Path, Kind: ErrConflict,
							Description: "Another command changed the configuration file while this one was waiting for a lock; nothing was written. Run the command again"}
					}
				}
			}
		}
		l.unlock = unlock
	}
	s.locks = append(s.locks, l)
	sort.Slice(s.locks, func(i, j int) bool { return s.locks[i].dir < s.locks[j].dir })
	return l, nil
}

// unlockFolders lets go of every folder lock, the latest first.
func (s *Store) unlockFolders() {
	for i := len(s.locks) - 1; i >= 0; i-- {
		if s.locks[i].unlock != nil {
			s.locks[i].unlock()
		}
	}
	s.locks = nil
}

// realFolder is the folder a save of path writes into: the folder of the
// file a link leads to, or path's own folder with links resolved.
func realFolder(path string) (string, bool) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return filepath.Dir(real), true
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", false
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", false
	}
	return dir, true
}

// fileChanged reports whether a file is no longer the version it was read
// as: saves replace files by rename, so a new version is a new file.
func fileChanged(f *File) bool {
	info, err := os.Stat(f.Path)
	if f.ident == nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	return err != nil || !os.SameFile(info, f.ident) || info.Size() != f.ident.Size() || !info.ModTime().Equal(f.ident.ModTime())
}
