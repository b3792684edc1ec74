package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The checked-in builtin/gen_*.xml are what the generator writes from the
// reference pages and decisions today (run go generate ./internal/section/
// after changing either).
func TestGeneratedUpToDate(t *testing.T) {
	const ref, schema = "../../../../shared/iis-config-reference", "../../../../shared/iis-schema"
	if _, err := os.Stat(ref); err != nil {
		t.Skip("skipped: needs ../shared (the IIS configuration reference)")
	}
	out := t.TempDir()
	for _, f := range handWritten {
		data, err := os.ReadFile(filepath.Join("../builtin", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(ref, schema, out, io.Discard); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "gen_") {
			continue
		}
		n++
		got, _ := os.ReadFile(filepath.Join(out, e.Name()))
		want, err := os.ReadFile(filepath.Join("../builtin", e.Name()))
		if err != nil || string(got) != string(want) {
			t.Errorf("builtin/%s is stale: run go generate ./internal/section/", e.Name())
		}
	}
	if n == 0 {
		t.Error("the generator wrote nothing")
	}
}
