//go:build unix

package configstore

import (
	"io"
	"os"
	"syscall"
)

// mmapThreshold is the size above which files are mapped instead of read:
// a mapped file is not Go heap, so the garbage collector's pacing is not
// inflated by it and big files cost about their size in memory.
const mmapThreshold = 1 << 20

// mapped is the contents of a file: mapped, or read into memory.
type mapped struct {
	data      []byte
	release   func()             // unmaps; nil for read files
	evict     func(from, to int) // drops pages from memory; nil for read files
	copyRange func(w io.Writer, from, to int) error
}

// readFile returns the contents of a file. Large files are mapped; writers
// replace files by rename, never in place, so a mapping stays valid while
// we hold the write lock.
func readFile(path string) (mapped, error) {
	f, err := os.Open(path)
	if err != nil {
		return mapped{}, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return mapped{}, err
	}
	if info.IsDir() {
		f.Close()
		return mapped{}, &os.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	if info.Size() < mmapThreshold || int64(int(info.Size())) != info.Size() {
		defer f.Close()
		b, err := io.ReadAll(f)
		return mapped{data: b}, err
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		return mapped{data: b}, err
	}
	return mapped{
		data:      b,
		release:   func() { syscall.Munmap(b); f.Close() },
		evict:     evicter(b),
		copyRange: rangeCopier(f),
	}, nil
}

// rangeCopier copies a range of the original file to w. When w is a file
// too, io.Copy lets the kernel copy between the files (copy_file_range)
// without mapping the pages into this process. The file stays open, and
// the same, while the store holds the write lock: writers replace by rename.
func rangeCopier(f *os.File) func(w io.Writer, from, to int) error {
	return func(w io.Writer, from, to int) error {
		if _, err := f.Seek(int64(from), io.SeekStart); err != nil {
			return err
		}
		n, err := io.Copy(w, io.LimitReader(f, int64(to-from)))
		if err == nil && n != int64(to-from) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
}
