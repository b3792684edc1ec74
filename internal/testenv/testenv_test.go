package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteTreeAndCorpusFiles(t *testing.T) {
	dir := t.TempDir()
	WriteTree(t, dir, map[string]string{"a/x.config": "x", "a/b/y.config": "y", "c/z.txt": "z"})
	if b, err := os.ReadFile(filepath.Join(dir, "a", "b", "y.config")); err != nil || string(b) != "y" {
		t.Fatalf("a/b/y.config = %q, %v", b, err)
	}
	if got := CorpusFiles(t, dir, "a", "c"); len(got) != 1 || filepath.Base(got[0]) != "x.config" {
		t.Errorf("CorpusFiles(a, c) = %q, want only a/x.config", got)
	}
	// No file at all: the test is skipped, as on a clone without ../shared.
	var inner *testing.T
	t.Run("missing", func(t *testing.T) {
		inner = t
		CorpusFiles(t, dir, "none")
		t.Error("CorpusFiles returned without skipping")
	})
	if !inner.Skipped() {
		t.Error("CorpusFiles did not skip on an empty corpus")
	}
}

func TestRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("skipped: needs /proc/self/status")
	}
	if RSS() <= 0 {
		t.Errorf("RSS() = %d, want > 0", RSS())
	}
}
