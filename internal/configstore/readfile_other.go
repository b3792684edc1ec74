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

// openConfig opens a configuration file and checks what it is.
func openConfig(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = checkConfigFile(path, info)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// readFile returns the contents of a file.
func readFile(path string, _ bool) (mapped, error) {
	f, info, err := openConfig(path)
	if err != nil {
		return mapped{}, err
	}
	defer f.Close()
	b, err := readAllBounded(f, path)
	return mapped{data: b, info: info}, err
}
