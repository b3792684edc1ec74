package section

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LoadDirs adds every *.xml file of each directory to s, directory by
// directory and within one in name order, so later files extend or
// override earlier ones (see Schema.Add). A directory that does not
// exist is skipped: the per-user schema directory is optional. This is
// the package's only file-system access.
func LoadDirs(s *Schema, dirs []string) error {
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		entries, err := os.ReadDir(dir) // sorted by name
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read schema directory: %w", err)
		}
		for _, e := range entries {
			if !strings.EqualFold(filepath.Ext(e.Name()), ".xml") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("read schema file: %w", err)
			}
			if err := s.Add(path, data); err != nil {
				return err
			}
		}
	}
	return nil
}
