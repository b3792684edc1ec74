package commit

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/testenv"
)

const sharedDir = "../../../shared"

// lineDiff returns the lines of b that are not in a, checking that every
// line of a survives in order (the edit only inserts or replaces lines).
// It is a plain LCS, fine for files of a few thousand lines.
func lineDiff(t *testing.T, a, b []byte) (removed, added []string) {
	t.Helper()
	la := strings.SplitAfter(string(a), "\n")
	lb := strings.SplitAfter(string(b), "\n")
	n, m := len(la), len(lb)
	// Trim the common prefix and suffix so the table stays small.
	p := 0
	for p < n && p < m && la[p] == lb[p] {
		p++
	}
	s := 0
	for s < n-p && s < m-p && la[n-1-s] == lb[m-1-s] {
		s++
	}
	la, lb = la[p:n-s], lb[p:m-s]
	n, m = len(la), len(lb)
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if la[i] == lb[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case la[i] == lb[j]:
			i++
			j++
		case dp[i+1][j] >= dp[i][j+1]:
			removed = append(removed, la[i])
			i++
		default:
			added = append(added, lb[j])
			j++
		}
	}
	removed = append(removed, la[i:]...)
	added = append(added, lb[j:]...)
	return removed, added
}

// TestCorpusPingIntervalDiff sets pingInterval for a site of every real
// applicationHost.config, once where the file has no <location> for it
// (a new tag) and once in the location tag the file already has, and
// checks with a line diff that only the expected lines changed, in the
// file's own line ending and indentation.
func TestCorpusPingIntervalDiff(t *testing.T) {
	files := testenv.CorpusFiles(t, filepath.Join(sharedDir, "corpus"), "apphost")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			nl := "\n"
			if bytes.Contains(src, []byte("\r\n")) {
				nl = "\r\n"
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "applicationHost.config")
			schema := filepath.Join(sharedDir, "iis-schema")

			// A site with a <location> already, and the new-location case
			// with a site name that has none.
			s, err := configstore.Open(configstore.Options{AppHostPath: f, SchemaDirs: []string{schema}})
			if err != nil {
				t.Fatal(err)
			}
			sites, _ := s.Sites()
			locs, _ := s.AppHost().Locations(nil)
			declared := s.Declarations().Lookup("system.webServer/webSocket") != nil
			s.Close()
			var withLoc, withoutLoc string
			for _, site := range sites {
				has := false
				for _, l := range locs {
					if strings.EqualFold(l.Path, site.Name) && len(l.Element.Children()) > 0 && l.Element.Child("system.webServer") != nil {
						has = true
					}
				}
				if has && withLoc == "" {
					withLoc = site.Name
				}
				if !has && withoutLoc == "" {
					withoutLoc = site.Name
				}
			}
			for _, tc := range []struct {
				site  string
				lines int
			}{{withoutLoc, 5}, {withLoc, 1}} {
				if tc.site == "" {
					continue
				}
				if err := os.WriteFile(path, src, 0o644); err != nil {
					t.Fatal(err)
				}
				st, err := configstore.Open(configstore.Options{AppHostPath: path, SchemaDirs: []string{schema}, Write: true})
				if err != nil {
					t.Fatal(err)
				}
				_, err = Apply(st, Request{Section: "system.webServer/webSocket", Level: configstore.SitePath(tc.site), Commit: "apphost",
					Changes: []Change{{Kind: Set, Path: Path{{Name: "pingInterval"}}, Value: "00:00:30"}}})
				if !declared {
					// IIS 7.5-era files have no webSocket section: IIS says so.
					var use *configstore.UnknownSectionError
					if !errors.As(err, &use) {
						t.Errorf("%s: err = %v, want a missing-declaration error", tc.site, err)
					}
					st.Close()
					continue
				}
				if err == nil {
					_, err = st.Save(nil)
				}
				st.Close()
				if err != nil {
					t.Fatalf("%s: %v", tc.site, err)
				}
				got, _ := os.ReadFile(path)
				removed, added := lineDiff(t, src, got)
				if len(removed) != 0 || len(added) != tc.lines {
					t.Fatalf("%s: removed %q, added %q; want %d added lines only", tc.site, removed, added, tc.lines)
				}
				want := regexp.MustCompile(`^[ \t]*<webSocket pingInterval="00:00:30" />` + nl + `$`)
				found := false
				for _, l := range added {
					if !strings.HasSuffix(l, nl) || strings.Contains(strings.TrimSuffix(l, nl), "\r") {
						t.Errorf("%s: added line %q does not use the file's line ending", tc.site, l)
					}
					found = found || want.MatchString(l)
				}
				if !found {
					t.Errorf("%s: no webSocket line among %q", tc.site, added)
				}
			}
		})
	}
}
