//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package configstore

import (
	"path/filepath"

	"github.com/rogpeppe/go-internal/lockedfile"
)

// lockFolder locks a folder through a lock file in it, where folders
// cannot be locked themselves.
func lockFolder(dir string) (func(), error) {
	return lockedfile.MutexAt(filepath.Join(dir, ".web.config.lock")).Lock()
}

// tryLockFolder cannot try without waiting here; it waits. Writers whose
// folders are reached in opposite orders could then wait for each other,
// which needs two applicationHost.config files mapping two folders
// crosswise.
func tryLockFolder(dir string) (func(), bool, error) {
	unlock, err := lockFolder(dir)
	return unlock, err == nil, err
}
