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
			section, body := "system.applicationHost/sites", "<sites>"+c.sites
			if c.pools != "" {
				section, body = "system.applicationHost/applicationPools", "<applicationPools>"+c.pools+"</applicationPools><sites>"+site("S", "1")
			}
			host := hostSites(body)
			host = strings.Replace(host, "{{SERVER}}", "", 1)
			host = strings.Replace(host, `<section name="sites"`, `<section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" /><section name="sites"`, 1)
			s := openHost(t, host)
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

// A <remove> or <clear> of the collection whose entries a merge leaves
// out needs those entries: the merge starts again with placeholders, and
// gives what Effective gives for the kept ones. modules is a collection
// with both, at the root of its section.
func TestEffectiveEntriesRemoveClear(t *testing.T) {
	mod := func(name string) string { return `<add name="` + name + `" type="T.` + name + `" />` }
	cases := []struct {
		name, body, keep string
		want             []string // names kept; nil with wantErr
		wantErr          string
	}{
		{"cleared, then the same name again", mod("P") + `<clear />` + mod("P") + mod("Q"), "q", []string{"Q"}, ""},
		{"removed, then the same name again", mod("P") + mod("Q") + `<remove name="P" />` + mod("P"), "Q", []string{"Q"}, ""},
		{"the kept entry removed", mod("P") + mod("Q") + `<remove name="Q" />`, "Q", []string{}, ""},
		{"a duplicate after a clear", mod("P") + `<clear />` + mod("Q") + mod("Q"), "P", nil, "duplicate"},
		{"a duplicate before a clear", mod("Q") + mod("Q") + `<clear />`, "P", nil, "duplicate"},
		{"a duplicate of a removed entry's name is none", mod("Q") + `<remove name="Q" />` + mod("Q"), "P", []string{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host := strings.Replace(hierarchyHost, `<section name="webSocket"`, `<section name="modules" overrideModeDefault="Deny" /><section name="webSocket"`, 1)
			host = strings.Replace(host, "{{SERVER}}", "<system.webServer><modules>"+c.body+"</modules></system.webServer>", 1)
			s := openHost(t, host)
			const section = "system.webServer/modules"
			got, err := s.EffectiveEntries(ServerPath, section, func(v string) bool { return strings.EqualFold(v, c.keep) })
			_, ferr := s.Effective(ServerPath, section)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(strings.ToLower(err.Error()), c.wantErr) || ferr == nil || ferr.Error() != err.Error() {
					t.Fatalf("EffectiveEntries says %v, Effective %v, want an error with %q from both", err, ferr, c.wantErr)
				}
				return
			}
			if err != nil || ferr != nil {
				t.Fatal(err, ferr)
			}
			names := []string{}
			for _, it := range got.Root.Items {
				names = append(names, it.Attr("name").Value)
			}
			if strings.Join(names, ",") != strings.Join(c.want, ",") {
				t.Fatalf("kept %v, want %v", names, c.want)
			}
		})
	}
}

// KeyIndexed knows the entries a keys-only merge leaves out, and the
// edits of the merged view that Indexed and Unindexed report.
func TestKeyIndexed(t *testing.T) {
	site := func(name, id string) string { return `<site name="` + name + `" id="` + id + `" />` }
	host := hostSites("<sites>" + site("A", "1") + site("B", "2") + site("C", "3"))
	s := openHost(t, strings.Replace(host, "{{SERVER}}", "", 1))
	eff, err := s.EffectiveEntriesFor(ServerPath, "system.applicationHost/sites", nil, false, func(v string) bool { return v == "B" }, false)
	if err != nil {
		t.Fatal(err)
	}
	root, coll := eff.Root, eff.Schema.Root.Collection
	if len(root.Items) != 1 || root.Items[0].Placeholder() {
		t.Fatalf("items %d, want B alone, merged", len(root.Items))
	}
	probe := func(name, id string) *EffElement {
		return &EffElement{Name: "site", Attrs: []*EffAttr{{Name: "name", Value: name}, {Name: "id", Value: id}}}
	}
	for _, c := range []struct {
		name, id string
		want     bool
	}{{"a", "9", true}, {"Z", "3", true}, {"Z", "9", false}, {"b", "8", true}} {
		if has, ok := root.KeyIndexed(coll, probe(c.name, c.id)); !ok || has != c.want {
			t.Errorf("KeyIndexed(%s, %s) = %v, %v; want %v, true", c.name, c.id, has, ok, c.want)
		}
	}
	root.Indexed(coll, probe("Z", "9"))
	if has, _ := root.KeyIndexed(coll, probe("z", "10")); !has {
		t.Error("an entry Indexed is not found")
	}
	root.Unindexed(coll, root.Items[0])
	if has, _ := root.KeyIndexed(coll, probe("B", "20")); has {
		t.Error("an entry Unindexed is still found")
	}
}

// openHost opens a store on an applicationHost.config alone, closed when
// the test ends.
func openHost(t *testing.T, host string) *Store {
	t.Helper()
	return openHostIn(t, t.TempDir(), host, Options{})
}

// openHostIn is openHost with the file written in dir and opened with opts
// (its AppHostPath set).
func openHostIn(t *testing.T, dir, host string, opts Options) *Store {
	t.Helper()
	testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host})
	opts.AppHostPath = filepath.Join(dir, "applicationHost.config")
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
