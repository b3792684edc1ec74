package cmd

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Parts of docs/ are generated from the tables of this package (the
// command table, the error rules) and checked for staleness here, as
// cmd/go checks its alldocs.go. After changing a table, run
//
//	go test ./internal/cmd -run TestDocs -update
var updateDocs = flag.Bool("update", false, "rewrite the generated parts of docs/")

// TestErrorRules checks every error rule with its example: describe must
// pick that rule (no earlier rule shadows it) and give its code and a
// non-empty text.
func TestErrorRules(t *testing.T) {
	for i, r := range errorRules {
		got := describe(r.example)
		want, ok := r.match(r.example)
		if !ok {
			t.Errorf("rule %d (%s): its example does not match it", i, r.when)
			continue
		}
		if got.code != r.code || got.text != want || got.text == "" {
			t.Errorf("rule %d (%s): describe gave code %d %q, want %d %q", i, r.when, got.code, got.text, r.code, want)
		}
	}
	// An error of no known type keeps its text, framed, with exit 1.
	if d := describe(fmt.Errorf("disk on fire")); d.code != exitFailure || d.text != "ERROR ( message:disk on fire )" {
		t.Errorf("unknown error: %d %q", d.code, d.text)
	}
}

// TestDocs checks the generated sections of docs/errors.md and
// docs/objects.md.
func TestDocs(t *testing.T) {
	for _, d := range []struct {
		file, name string
		gen        func() string
	}{
		{"errors.md", "error table", errorDocs},
		{"objects.md", "command table", commandDocs},
	} {
		path := filepath.Join("..", "..", "docs", d.file)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		begin := "<!-- BEGIN generated " + d.name + " -->\n"
		end := "<!-- END generated " + d.name + " -->"
		s := string(b)
		i, j := strings.Index(s, begin), strings.Index(s, end)
		if i < 0 || j < i {
			t.Fatalf("%s: no %q ... %q markers", path, begin, end)
		}
		want := d.gen()
		if s[i+len(begin):j] == want {
			continue
		}
		if !*updateDocs {
			t.Errorf("%s: the %s is stale; run go test ./internal/cmd -run TestDocs -update", path, d.name)
			continue
		}
		if err := os.WriteFile(path, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// cell makes a text fit a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ⏎ ")
}

func errorDocs() string {
	var b strings.Builder
	b.WriteString("| code | when | origin | example text |\n|---|---|---|---|\n")
	for _, r := range errorRules {
		fmt.Fprintf(&b, "| %d | %s | %s | `%s` |\n", r.code, cell(r.when), r.origin, cell(describe(r.example).text))
	}
	return b.String()
}

func commandDocs() string {
	var b strings.Builder
	b.WriteString("| command | identifier | general parameters | /in | what it does |\n|---|---|---|---|---|\n")
	for _, c := range commands {
		params := append([]string{}, c.takes...)
		for i, p := range params {
			params[i] = "`/" + p + "`"
		}
		in := ""
		if c.in {
			in = "yes"
		}
		ident := c.ident
		if c.verb == serveVerb {
			ident = "[SITE ...]"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n",
			strings.TrimSpace(c.verb+" "+strings.ToLower(c.object)), cell(ident), strings.Join(params, " "), in, cell(c.summary))
	}
	fmt.Fprintf(&b, "\nEvery command also takes `/%s`; any other general parameter is refused with `Unknown attribute` (exit 87).\n",
		strings.Join(universalParams, "`, `/"))
	return b.String()
}
