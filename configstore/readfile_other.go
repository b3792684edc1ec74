//go:build !unix

package configstore

import "os"

// readFile returns the contents of a file.
func readFile(path string) ([]byte, func(), error) {
	b, err := os.ReadFile(path)
	return b, nil, err
}
