//go:build unix

package configstore

import (
	"io"
	"io/fs"
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
	info      fs.FileInfo // of the opened file, for Store.verifyUnchanged
}

// openFlags opens a configuration file without blocking: a named pipe
// would otherwise wait for a writer before openConfig can refuse it.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// readFile returns the contents of a file. Large files are mapped; writers
// replace files by rename, never in place, so a mapping stays valid while
// we hold the write lock.
func readFile(path string, noMap bool) (mapped, error) {
	f, info, err := openConfig(path)
	if err != nil {
		return mapped{}, err
	}
	if noMap || info.Size() < mmapThreshold || int64(int(info.Size())) != info.Size() {
		return readWhole(f, path, info)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return readWhole(f, path, info)
	}
	return mapped{
		data:      b,
		info:      info,
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
