package cmd

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestManPages checks that docs/man holds exactly the pages the help text
// gives; -update rewrites them.
func TestManPages(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "man")
	pages := manPages()
	if *updateDocs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(dir, "*.1"))
		for _, f := range old {
			if _, ok := pages[filepath.Base(f)]; !ok {
				os.Remove(f)
			}
		}
		for name, text := range pages {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	var have []string
	for _, f := range files {
		have = append(have, filepath.Base(f))
	}
	var want []string
	for name := range pages {
		want = append(want, name)
	}
	sort.Strings(want)
	if strings.Join(have, " ") != strings.Join(want, " ") {
		t.Fatalf("docs/man has %v, want %v; run go test ./internal/cmd -run TestManPages -update", have, want)
	}
	for name, text := range pages {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != text {
			t.Errorf("docs/man/%s is stale; run go test ./internal/cmd -run TestManPages -update", name)
		}
	}
	// The pages carry the help text itself.
	if !strings.Contains(pages["appcmd-config.1"], `APPCMD validate CONFIG [<file>]`) || !strings.Contains(pages["appcmd.1"], "Supported object types:") {
		t.Error("pages without the help text")
	}
}
