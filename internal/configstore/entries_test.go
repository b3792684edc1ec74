package configstore

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// EffectiveEntries agrees with Effective on the entries it keeps, and on
// errors (duplicate keys among the entries it leaves out included).
func TestEffectiveEntries(t *testing.T) {
	site := func(name, id string) string {
		return `<site name="` + name + `" id="` + id + `"><application path="/"><virtualDirectory path="/" physicalPath="p` + id + `" /></application></site>`
	}
	cases := []struct {
		name, sites, pools, keep string
		want                     []string // names kept; nil with wantErr
		wantErr                  string
	}{
		{"one of three", site("A", "1") + site("B", "2") + site("C", "3"), "", "b", []string{"B"}, ""},
		{"none", site("A", "1") + site("B", "2"), "", "Z", []string{}, ""},
		{"duplicate name among the others", site("A", "1") + site("B", "2") + site("A", "3"), "", "B", nil, "duplicate"},
		{"duplicate id among the others", site("A", "1") + site("B", "2") + site("C", "1"), "", "B", nil, "duplicate"},
		{"bad attribute in another entry is not merged", site("A", "1") + `<site name="B" id="2" bogus="1" />`, "", "A", []string{"A"}, ""},
		{"pools: one of two", "", `<add name="P" /><add name="Q" managedRuntimeVersion="" />`, "q", []string{"Q"}, ""},
		{"pools: duplicate among the others", "", `<add name="P" /><add name="Q" /><add name="P" />`, "Q", nil, "duplicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			section, body := "system.applicationHost/sites", "<sites>"+c.sites
			if c.pools != "" {
				section, body = "system.applicationHost/applicationPools", "<applicationPools>"+c.pools+"</applicationPools><sites>"+site("S", "1")
			}
			host := strings.Replace(hierarchyHost, hierarchyHost[strings.Index(hierarchyHost, "<sites>"):strings.Index(hierarchyHost, "</sites>")], body, 1)
			host = strings.Replace(host, "{{SERVER}}", "", 1)
			host = strings.Replace(host, `<section name="sites"`, `<section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" /><section name="sites"`, 1)
			testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host})
			s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got, err := s.EffectiveEntries(ServerPath, section, func(v string) bool { return strings.EqualFold(v, c.keep) })
			if c.wantErr != "" {
				if err == nil || !strings.Contains(strings.ToLower(err.Error()), c.wantErr) {
					t.Fatalf("error %v, want one with %q", err, c.wantErr)
				}
				if _, ferr := s.Effective(ServerPath, section); ferr == nil || ferr.Error() != err.Error() {
					t.Fatalf("Effective says %v, EffectiveEntries %v", ferr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, it := range got.Root.Items {
				names = append(names, it.Attr("name").Value)
			}
			if strings.Join(names, ",") != strings.Join(c.want, ",") {
				t.Fatalf("kept %v, want %v", names, c.want)
			}
			full, err := s.Effective(ServerPath, section)
			if err != nil {
				if c.name == "bad attribute in another entry is not merged" {
					return // the whole section is refused; the one entry is not
				}
				t.Fatal(err)
			}
			for _, it := range got.Root.Items {
				for _, f := range full.Root.Items {
					if f.Attr("name").Value == it.Attr("name").Value && render(f) != render(it) {
						t.Fatalf("entry differs:\n%s\nwant\n%s", render(it), render(f))
					}
				}
			}
		})
	}
}

// render writes an effective element with its values and origins.
func render(e *EffElement) string {
	var b strings.Builder
	var walk func(e *EffElement, ind string)
	walk = func(e *EffElement, ind string) {
		b.WriteString(ind + e.Name)
		for _, a := range e.Attrs {
			b.WriteString(" " + a.Name + "=" + a.Value + "@" + a.Origin.String())
		}
		b.WriteString("\n")
		for _, c := range e.Children {
			walk(c, ind+" ")
		}
		for _, c := range e.Items {
			walk(c, ind+"  - ")
		}
	}
	walk(e, "")
	return b.String()
}
