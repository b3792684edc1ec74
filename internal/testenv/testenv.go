// Package testenv holds helpers shared by the tests of several packages.
// Only _test.go files import it; the program never links it.
package testenv

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// CheckImports parses the non-test Go files of the current directory (the
// package under test) and reports, through t.Errorf, every import for which
// why returns a non-empty reason: "<file> imports <path>: <reason>".
func CheckImports(t testing.TB, why func(path string) string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources: %v", err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if reason := why(p); reason != "" {
				t.Errorf("%s imports %s: %s", f, p, reason)
			}
		}
	}
}

// RSS returns the resident set size of this process in bytes, read from
// /proc/self/status; 0 where that file does not exist (not Linux).
func RSS() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// WriteTree writes files (slash-separated path under dir → content),
// creating the folders they need.
func WriteTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// CorpusFiles lists the *.config files of the given folders of the shared
// corpus (corpus is its path relative to the package under test, dirs may
// be glob patterns), and skips the test when there are none: a lone clone
// has no ../shared.
func CorpusFiles(t testing.TB, corpus string, dirs ...string) []string {
	t.Helper()
	var files []string
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(corpus, d, "*.config"))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("skipped: needs ../shared/corpus")
	}
	return files
}
