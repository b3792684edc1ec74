//go:build !unix

package configstore

import (
	"io"
	"os"
)

// mapped is the contents of a file.
type mapped struct {
	data    []byte
	release func()
	evict   func(from, to int)

	copyRange func(w io.Writer, from, to int) error
}

// readFile returns the contents of a file.
func readFile(path string) (mapped, error) {
	b, err := os.ReadFile(path)
	return mapped{data: b}, err
}
