package iisconfig

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoCLIImport keeps programs that use the API from linking the CLI
// (cobra, colour output) and the test server: the package sits on the
// engine (commit, configstore, iis, section), which imports neither.
func TestNoCLIImport(t *testing.T) {
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
			if strings.HasSuffix(p, "/internal/cmd") || strings.HasSuffix(p, "/internal/wsserver") || strings.HasPrefix(p, "github.com/spf13/") {
				t.Errorf("%s imports %s: the API must not link the CLI or the test server", f, p)
			}
		}
	}
}
