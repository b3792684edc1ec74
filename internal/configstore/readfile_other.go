//go:build !unix

package configstore

import (
	"io"
	"io/fs"
	"os"
)

// mapped is the contents of a file.
type mapped struct {
	data    []byte
	release func()
	evict   func(from, to int)
	info    fs.FileInfo

	copyRange func(w io.Writer, from, to int) error
}

// openFlags opens a configuration file for reading.
const openFlags = os.O_RDONLY

// readFile returns the contents of a file.
func readFile(path string, _ bool) (mapped, error) {
	f, info, err := openConfig(path)
	if err != nil {
		return mapped{}, err
	}
	return readWhole(f, path, info)
}
