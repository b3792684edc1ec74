package configstore

import (
	_ "embed"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:embed template/applicationHost.config
var defaultTemplate string

// DefaultConfig returns the built-in applicationHost.config for a config
// stored at path: CRLF line endings as IIS writes, the site's content in
// <config dir>/wwwroot and logs in <config dir>/logs.
func DefaultConfig(path string) []byte {
	dir := filepath.Dir(path)
	r := strings.NewReplacer(
		"{{WWWROOT}}", filepath.Join(dir, "wwwroot"),
		"{{LOGDIR}}", filepath.Join(dir, "logs"),
	)
	text := r.Replace(defaultTemplate)
	return []byte(strings.ReplaceAll(text, "\n", "\r\n"))
}

// CreateDefault writes the built-in applicationHost.config at path, with
// its wwwroot directory, unless the file exists. It reports whether it
// created the file.
func CreateDefault(path string) (bool, error) {
	if _, err := os.Stat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(filepath.Join(dir, "wwwroot"), 0o755); err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil // another invocation created it first
		}
		return false, err
	}
	if _, err := f.Write(DefaultConfig(path)); err != nil {
		f.Close()
		os.Remove(path)
		return false, err
	}
	return true, f.Close()
}
