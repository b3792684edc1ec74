package wsserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWatchFolders (issue 13, item 6): missing web.config paths are
// watched through the nearest folder that exists, so many of them cost one
// target; a file appearing in new folders, a file edited, a file removed
// and a dangling link's target appearing are all reported.
func TestWatchFolders(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	os.MkdirAll(filepath.Join(site, "app"), 0o755)
	existing := filepath.Join(site, "app", "web.config")
	os.WriteFile(existing, []byte("<configuration/>"), 0o644)
	os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(site, "linked"))
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{site, filepath.Join(site, "app"), existing, dir} {
		os.Chtimes(p, old, old) // settled: no names compared
	}
	files := []string{existing, filepath.Join(site, "linked", "web.config")}
	for i := 0; i < 2000; i++ {
		files = append(files, filepath.Join(site, fmt.Sprintf("u%d", i), "web.config"), filepath.Join(site, "app", fmt.Sprintf("u%d", i), "v", "web.config"))
	}
	var w fileWatch
	w.reset(files, time.Now())
	// existing, site (for site/u*), site/app (for site/app/u*/v), the link.
	if n := w.watched(); n != 4 {
		t.Fatalf("watched %d targets for %d files, want 4: %v", n, len(files), w.prints)
	}
	if got := w.changed(files); len(got) != 0 {
		t.Fatalf("changed %v with nothing changed", got)
	}
	step := func(what string, do func(), want ...string) {
		t.Helper()
		do()
		got := w.changed(files)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: changed %q, want %q", what, got, want)
		}
		if again := w.changed(files); len(again) != 0 {
			t.Fatalf("%s: changed again %q", what, again)
		}
	}
	deep := filepath.Join(site, "app", "u7", "v", "web.config")
	step("a web.config in new folders", func() {
		os.MkdirAll(filepath.Dir(deep), 0o755)
		os.WriteFile(deep, []byte("<configuration/>"), 0o644)
	}, deep)
	step("that web.config edited", func() { os.WriteFile(deep, []byte("<configuration></configuration>"), 0o644) }, deep)
	step("an existing web.config removed", func() { os.Remove(existing) }, existing, filepath.Join(site, "app"))
	step("the link's target created", func() {
		os.MkdirAll(filepath.Join(dir, "elsewhere"), 0o755)
		os.WriteFile(filepath.Join(dir, "elsewhere", "web.config"), []byte("<configuration/>"), 0o644)
	}, filepath.Join(site, "linked", "web.config"))
	// Two entries within one coarse timestamp tick: the folder's names
	// tell them apart while its time is recent.
	a, b := filepath.Join(site, "u1", "web.config"), filepath.Join(site, "u2", "web.config")
	step("first of two quick folders", func() { os.MkdirAll(filepath.Dir(a), 0o755) }, site)
	mt, _ := os.Stat(site)
	step("second, same folder time", func() {
		os.MkdirAll(filepath.Dir(b), 0o755)
		os.Chtimes(site, mt.ModTime(), mt.ModTime())
	}, site)
	// Forgotten files stop being polled.
	w.changed(files[:1])
	if n := w.watched(); n != 1 {
		t.Fatalf("watched %d targets after the list shrank to one file, want 1", n)
	}
}
