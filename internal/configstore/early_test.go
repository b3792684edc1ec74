package configstore

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// The early check runs for the long lists of the server level and is
// taken where validate would ask the quick check; a file that fails to
// load after a long list was read stops and waits for its check (the
// file it reads is unmapped on Close).
func TestEarlyChecks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2)))
	var sites, pools strings.Builder
	for i := range splitEntries + 10 {
		fmt.Fprintf(&sites, `<site name="S%d" id="%d"><application path="/"><virtualDirectory path="/" physicalPath="/nowhere/%d" /></application></site>`, i, i+1, i)
		fmt.Fprintf(&pools, `<add name="P%d" managedRuntimeVersion="v4.0" />`, i)
	}
	host := func(inner, after string) string {
		h := hostSites("<sites>" + inner)
		h = strings.Replace(h, "<sites>", "<applicationPools>"+pools.String()+"</applicationPools><sites>", 1)
		h = strings.Replace(h, "{{SERVER}}", "", 1)
		h = strings.Replace(h, `<section name="sites"`, `<section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" /><section name="sites"`, 1)
		return strings.Replace(h, "</configuration>", after+"</configuration>", 1)
	}
	write := func(t *testing.T, text string) string {
		dir := t.TempDir()
		testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": text})
		return filepath.Join(dir, "applicationHost.config")
	}
	t.Run("taken", func(t *testing.T) {
		for name, inner := range map[string]string{"clean": sites.String(), "duplicate": sites.String() + `<site name="s5" id="99999" />`} {
			s, err := Open(Options{AppHostPath: write(t, host(inner, `<location path="S1"><system.webServer><webSocket enabled="false" /></system.webServer></location>`)), Validating: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.early.lists) != 2 {
				t.Fatalf("%s: %d lists checked early, want the sites and the pools", name, len(s.early.lists))
			}
			got := s.Validate()
			plain, _ := Open(Options{AppHostPath: s.apphost.Path})
			want := plain.validate(true, false)
			if strings.Join(findingTexts(got), "\n") != strings.Join(findingTexts(want), "\n") || (len(want.Findings) == 0) != (name == "clean") {
				t.Errorf("%s: early\n%s\nmerged\n%s", name, strings.Join(findingTexts(got), "\n"), strings.Join(findingTexts(want), "\n"))
			}
			// Asked: every part of each list was read by then.
			for off, l := range s.early.lists {
				if int(l.check.next.Load()) < l.check.n {
					t.Errorf("%s: list at %d: %d of %d entries taken", name, off, l.check.next.Load(), l.check.n)
				}
			}
			plain.Close()
			s.Close()
		}
	})
	t.Run("not a section", func(t *testing.T) {
		// A long list the schema does not make a section (the files of
		// defaultDocument): noted, not checked early, checked as before.
		var files strings.Builder
		for i := range splitEntries + 10 {
			fmt.Fprintf(&files, `<add value="default-document-%d.htm" />`, i)
		}
		text := strings.Replace(host(sites.String(), ""), "{{SERVER}}", "", 1)
		text = strings.Replace(text, "</configuration>", `<system.webServer><defaultDocument><files>`+files.String()+`<add value="Default-Document-7.htm" /></files></defaultDocument></system.webServer></configuration>`, 1)
		s, err := Open(Options{AppHostPath: write(t, text), Validating: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		unchecked := 0
		for _, l := range s.early.lists {
			if <-l.ready; l.check == nil {
				unchecked++
			}
		}
		if len(s.early.lists) != 3 || unchecked != 1 {
			t.Fatalf("%d lists noted, %d not checked early; want 3 and 1", len(s.early.lists), unchecked)
		}
		got := s.Validate()
		plain, _ := Open(Options{AppHostPath: s.apphost.Path})
		defer plain.Close()
		want := plain.validate(true, false)
		if strings.Join(findingTexts(got), "\n") != strings.Join(findingTexts(want), "\n") || len(want.Findings) == 0 {
			t.Errorf("early\n%s\nmerged\n%s", strings.Join(findingTexts(got), "\n"), strings.Join(findingTexts(want), "\n"))
		}
	})
	t.Run("fails later", func(t *testing.T) {
		// The lists are read, then the file turns out malformed.
		for i := 0; i < 20; i++ {
			s, err := Open(Options{AppHostPath: write(t, host(sites.String(), `<location path="S1"><oops></location>`)), Validating: true})
			if err == nil {
				s.Close()
				t.Fatal("a malformed file opened")
			}
		}
	})
	t.Run("not asked", func(t *testing.T) {
		// Closed without Validate: the checks stop.
		s, err := Open(Options{AppHostPath: write(t, host(sites.String(), "")), Validating: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		// Close waited for every check (result ran, and its parts are
		// let go).
		for off, l := range s.early.lists {
			if l.check.parts != nil {
				t.Errorf("list at %d: still checking after Close", off)
			}
		}
	})
}

// The web.config search takes the sites section from the file level's
// walk where Store.sitesSection would find that same one, and asks
// Store.sitesSection otherwise.
func TestSitesFromWalk(t *testing.T) {
	sites := `<sites><virtualDirectoryDefaults allowSubDirConfig="false" /><site name="A" id="1" /></sites>`
	cases := map[string]struct {
		body     string // replaces the sites section
		fromWalk bool
	}{
		"file level":        {sites, true},
		"and in location .": {sites, true},
		"only in location":  {"", false},
		"configSource":      {`<sites configSource="sites.config" />`, false},
		"no sites at all":   {"", false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			host := strings.Replace(hierarchyHost, hierarchyHost[strings.Index(hierarchyHost, "<sites>"):strings.Index(hierarchyHost, "</sites>")+len("</sites>")], c.body, 1)
			host = strings.Replace(host, "{{SERVER}}", "", 1)
			switch name {
			case "and in location .", "only in location":
				host = strings.Replace(host, "</configuration>", `<location path="."><system.applicationHost><sites><site name="L" id="9" /></sites></system.applicationHost></location></configuration>`, 1)
			}
			dir := t.TempDir()
			testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host, "sites.config": sites})
			s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			v := &validator{s: s, seen: map[string]bool{}, unchecked: map[string]bool{}}
			v.newFileCheck(s.apphost, []*File{s.apphost}).walkTop()
			if (v.topSites != nil) != (name != "only in location" && name != "no sites at all") {
				t.Fatalf("walk found sites: %v", v.topSites != nil)
			}
			want, wantDefs, wantErr := s.sitesSection()
			got, defs, err := v.sitesSection()
			if (want == nil) != (got == nil) || want != nil && !sameSource(got, want) || defs != wantDefs || (err == nil) != (wantErr == nil) {
				t.Fatalf("walk: %v %+v %v; Store: %v %+v %v", got, defs, err, want, wantDefs, wantErr)
			}
			if fromWalk := v.topSites != nil && got == v.topSites.Element; fromWalk != c.fromWalk {
				t.Fatalf("from the walk: %t, want %t", fromWalk, c.fromWalk)
			}
		})
	}
}
