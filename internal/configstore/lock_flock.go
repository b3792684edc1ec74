//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package configstore

import (
	"errors"
	"os"
	"syscall"
)

// lockFolder takes an exclusive flock on a folder, waiting for it.
func lockFolder(dir string) (func(), error) {
	unlock, _, err := flockFolder(dir, true)
	return unlock, err
}

// tryLockFolder takes the lock only if it is free now.
func tryLockFolder(dir string) (func(), bool, error) {
	return flockFolder(dir, false)
}

func flockFolder(dir string, wait bool) (func(), bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, false, err
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if !wait && errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, &os.PathError{Op: "flock", Path: dir, Err: err}
	}
	// Closing the folder releases the lock.
	return func() { f.Close() }, true, nil
}
