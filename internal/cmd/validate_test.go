package cmd

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// TestValidateCorpus runs validate config on every real file of
// ../shared/corpus (MANIFEST.tsv and MALFORMED.tsv): each gets a result
// (exit 0 with "OK", or exit 13 with FILE:LINE:COLUMN: RULE: lines), and
// the malformed ones name a line.
func TestValidateCorpus(t *testing.T) {
	corpus := "../../../shared/corpus"
	var files []string
	for _, list := range []string{"MANIFEST.tsv", "MALFORMED.tsv"} {
		f, err := os.Open(filepath.Join(corpus, list))
		if err != nil {
			t.Skip("skipped: needs ../shared/corpus")
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			name, _, _ := strings.Cut(sc.Text(), "\t")
			if name != "file" && name != "-" && name != "" {
				files = append(files, name)
			}
		}
		f.Close()
	}
	if len(files) < 50 {
		t.Fatalf("only %d corpus files listed", len(files))
	}
	finding := regexp.MustCompile(`^(.+):([0-9]+):([0-9]+): ([a-z-]+): .+$`)
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(corpus, name)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ios, _, out, errOut := testStreams()
			env := func(k string) (string, bool) {
				if k == "HOME" || k == "XDG_CONFIG_HOME" {
					return t.TempDir(), true
				}
				return "", false
			}
			code := runArgs([]string{"validate", "config", path}, ios, env)
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			switch code {
			case exitOK:
				if len(lines) != 1 || !strings.HasPrefix(lines[0], "OK: no problems in ") {
					t.Fatalf("exit 0 with %q", out)
				}
			case exitInvalidData:
				for _, l := range lines {
					m := finding.FindStringSubmatch(l)
					if m == nil {
						t.Fatalf("not a finding: %q", l)
					}
					if m[2] == "0" && m[4] != "unreadable" {
						t.Errorf("finding without a line: %q", l)
					}
				}
				if strings.HasPrefix(name, "malformed/") && !strings.Contains(lines[0], ": malformed: ") {
					t.Errorf("malformed file: %q", lines[0])
				}
			default:
				t.Fatalf("exit %d: %s%s", code, out, errOut)
			}
			after, _ := os.ReadFile(path)
			if string(after) != string(before) {
				t.Fatal("file changed")
			}
		})
	}
}

// batchGC turns the collector off up to a limit of the file's size (at
// least 48 MiB) and restores both settings; GOGC or GOMEMLIMIT in the
// environment leave them alone.
func TestBatchGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(limit)
	for _, c := range []struct{ size, want int64 }{{1 << 20, 48 << 20}, {200 << 20, 200 << 20}} {
		restore := batchGC(c.size)
		if got := debug.SetMemoryLimit(-1); got != c.want {
			t.Errorf("size %d: limit %d, want %d", c.size, got, c.want)
		}
		if got := debug.SetGCPercent(-1); got != -1 {
			t.Errorf("size %d: GC percent %d while validating, want off", c.size, got)
		}
		restore()
		if got := debug.SetGCPercent(77); got != 77 {
			t.Errorf("GC percent %d after, want 77", got)
		}
		if got := debug.SetMemoryLimit(-1); got != 1<<40 {
			t.Errorf("limit %d after, want the one before", got)
		}
	}
	t.Setenv("GOGC", "50")
	batchGC(1 << 30)()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("with GOGC set: GC percent %d, want it left alone", got)
	}
}
