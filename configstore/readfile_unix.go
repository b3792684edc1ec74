//go:build unix

package configstore

import (
	"os"
	"syscall"
)

// mmapThreshold is the size above which files are mapped instead of read:
// a mapped file is not Go heap, so the garbage collector's pacing is not
// inflated by it and big files cost about their size in memory.
const mmapThreshold = 1 << 20

// readFile returns the contents of a file and, for mapped files, a function
// that unmaps them. Writers replace files by rename, never in place, so a
// mapping stays valid while we hold the write lock.
func readFile(path string) ([]byte, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if info.IsDir() {
		return nil, nil, &os.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	if info.Size() < mmapThreshold || int64(int(info.Size())) != info.Size() {
		b, err := os.ReadFile(path)
		return b, nil, err
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		b, err := os.ReadFile(path)
		return b, nil, err
	}
	return b, func() { syscall.Munmap(b) }, nil
}
