package configstore

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// modules and handlers write a server-level section and a location for
// site S ("name|" starts the server text: TestEachEntry reads it so).
func modules(server, loc string) string { return atTwoLevels("modules", server, loc) }

func handlers(server, loc string) string { return atTwoLevels("handlers", server, loc) }

func atTwoLevels(name, server, loc string) string {
	return name + "|<system.webServer><" + name + ">" + server + "</" + name + "></system.webServer>" +
		`<location path="S"><system.webServer><` + name + ">" + loc + "</" + name + "></system.webServer></location>"
}

// EachEntry gives the entries Effective's Root.Items holds (values and
// origins, collection defaults applied), in the same order, and fails
// with Effective's error before giving any.
func TestEachEntry(t *testing.T) {
	site := func(name, id, extra string) string {
		return `<site name="` + name + `" id="` + id + `"` + extra + `><application path="/"><virtualDirectory path="/" physicalPath="p` + id + `" /></application>` +
			`<application path="/a" applicationPool="P` + id + `"><virtualDirectory path="/" physicalPath="a` + id + `" /></application>` +
			`<bindings><binding protocol="http" bindingInformation="*:80:s` + id + `" /></bindings></site>`
	}
	var many strings.Builder
	for i := 1; i <= 300; i++ {
		many.WriteString(site(fmt.Sprint("M", i), fmt.Sprint(i), ""))
	}
	sitesDefaults := `<siteDefaults serverAutoStart="false"><limits maxConnections="7" /></siteDefaults>` +
		`<applicationDefaults applicationPool="DefPool" /><virtualDirectoryDefaults allowSubDirConfig="false" />`
	cases := []struct {
		name, sites, pools, server, wantErr string
	}{
		{"sites with defaults", sitesDefaults + site("A", "1", "") + site("B", "2", ` serverAutoStart="true"`) +
			`<site name="C" id="3"><applicationDefaults applicationPool="CPool" /><application path="/"><virtualDirectory path="/" physicalPath="c" /></application></site>`, "", "", ""},
		{"many sites", many.String(), "", "", ""},
		{"no sites", "", "", "", ""},
		{"bad attribute before a duplicate", site("A", "1", "") + site("B", "2", ` bogus="1"`) + site("A", "3", ""), "", "", "bogus"},
		{"duplicate id", site("A", "1", "") + site("B", "1", ""), "", "", "duplicate"},
		{"bad value in a nested entry", site("A", "1", "") + `<site name="B" id="2"><application path="/" preloadEnabled="maybe" /></site>`, "", "", "preloadEnabled"},
		{"pools with defaults", "", `<applicationPoolDefaults managedRuntimeVersion="v2.0"><processModel idleTimeout="00:01:00" /></applicationPoolDefaults>` +
			`<add name="P" /><add name="Q" managedRuntimeVersion="" /><add name="R" startMode="AlwaysRunning" />`, "", ""},
		{"pools: duplicate", "", `<add name="P" /><add name="p" />`, "", "duplicate"},
		// A site level: the server's instance, then the location's.
		{"modules: a location adds, removes", "", "", modules(`<add name="A" /><add name="B" /><add name="C" />`, `<remove name="B" /><add name="L" />`), ""},
		{"modules: a location clears", "", "", modules(`<add name="A" /><add name="B" />`, `<clear /><add name="L" /><add name="M" />`), ""},
		{"modules: duplicate in a location", "", "", modules(`<add name="A" />`, `<add name="A" />`), "duplicate"},
		{"handlers: a location prepends", "", "", handlers(`<add name="A" path="*" verb="*" /><add name="B" path="*" verb="*" />`, `<add name="L" path="*.x" verb="GET" />`), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			section, body, cp := "system.applicationHost/sites", "<sites>"+c.sites, ServerPath
			if name, _, ok := strings.Cut(c.server, "|"); ok {
				section, cp, body = "system.webServer/"+name, SitePath("S"), "<sites>"+site("S", "1", "")
				c.server = c.server[len(name)+1:]
			} else if c.pools != "" {
				section, body = "system.applicationHost/applicationPools", "<applicationPools>"+c.pools+"</applicationPools><sites>"+site("S", "1", "")
			}
			host := strings.Replace(hierarchyHost, hierarchyHost[strings.Index(hierarchyHost, "<sites>"):strings.Index(hierarchyHost, "</sites>")], body, 1)
			host = strings.Replace(host, "{{SERVER}}", c.server, 1)
			host = strings.Replace(host, `<section name="sites"`, `<section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" /><section name="sites"`, 1)
			host = strings.Replace(host, `<section name="caching"`, `<section name="modules" /><section name="handlers" /><section name="caching"`, 1)
			testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host})
			s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			full, ferr := s.Effective(cp, section)
			var got []string
			eff, err := s.EachEntry(cp, section, func(it *EffElement) bool {
				got = append(got, render(it))
				return true
			})
			if c.wantErr != "" {
				if ferr == nil || !strings.Contains(ferr.Error(), c.wantErr) {
					t.Fatalf("Effective: %v, want an error with %q", ferr, c.wantErr)
				}
				if err == nil || err.Error() != ferr.Error() || len(got) > 0 {
					t.Fatalf("EachEntry: %v after %d entries, want %v before any", err, len(got), ferr)
				}
				return
			}
			if ferr != nil || err != nil {
				t.Fatalf("Effective: %v, EachEntry: %v", ferr, err)
			}
			if len(full.Root.Items) == 0 && c.name != "no sites" {
				t.Fatal("no entries: the case tests nothing")
			}
			var want []string
			for _, it := range full.Root.Items {
				want = append(want, render(it))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("EachEntry gave\n%s\nEffective has\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if len(eff.Root.Items) != 0 {
				t.Fatalf("EachEntry's section holds %d entries", len(eff.Root.Items))
			}
			full.Root.Items = nil
			if render(eff.Root) != render(full.Root) {
				t.Fatalf("section without entries:\n%s\nwant\n%s", render(eff.Root), render(full.Root))
			}
			// Stopping early gives a prefix.
			n := 0
			if _, err := s.EachEntry(cp, section, func(*EffElement) bool { n++; return n < 2 }); err != nil || n != min(2, len(want)) {
				t.Fatalf("stopped after %d entries (%v), want %d", n, err, min(2, len(want)))
			}
		})
	}
}
