package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkListConfigDefault is the in-process part of start-up (issue 14
// item 4): one `list config -section:system.webServer/webSocket` on the
// built-in template, everything after the Go runtime and package inits.
// bench/startup.sh measures the whole process.
func BenchmarkListConfigDefault(b *testing.B) {
	dir := b.TempDir()
	// The default file, created from the template on the first run.
	env := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": filepath.Join(dir, ".config")}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var out, errb bytes.Buffer
	ios := &ioStreams{In: os.Stdin, Out: &out, ErrOut: &errb}
	args := []string{"list", "config", "-section:system.webServer/webSocket"}
	if code := runArgs(args, ios, getenv); code != 0 {
		b.Fatalf("exit %d: %s", code, errb.String())
	}
	b.ResetTimer()
	for b.Loop() {
		out.Reset()
		if code := runArgs(args, ios, getenv); code != 0 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
}
