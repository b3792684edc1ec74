package commit

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// declareAll writes an applicationHost.config that declares every section
// of the schema (unlocked, allowed everywhere), with section groups nested.
func declareAll(names []string) string {
	type group struct {
		sections []string
		groups   map[string]*group
	}
	root := &group{groups: map[string]*group{}}
	for _, n := range names {
		parts := strings.Split(n, "/")
		g := root
		for _, p := range parts[:len(parts)-1] {
			if g.groups[p] == nil {
				g.groups[p] = &group{groups: map[string]*group{}}
			}
			g = g.groups[p]
		}
		g.sections = append(g.sections, parts[len(parts)-1])
	}
	var b strings.Builder
	var write func(g *group, ind string)
	write = func(g *group, ind string) {
		for _, s := range g.sections {
			fmt.Fprintf(&b, "%s<section name=%q overrideModeDefault=\"Allow\" />\n", ind, s)
		}
		var keys []string
		for k := range g.groups {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s<sectionGroup name=%q>\n", ind, k)
			write(g.groups[k], ind+"  ")
			fmt.Fprintf(&b, "%s</sectionGroup>\n", ind)
		}
	}
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n<configSections>\n")
	write(root, "  ")
	b.WriteString("</configSections>\n</configuration>\n")
	return b.String()
}

// sampleValue finds a value the attribute accepts.
func sampleValue(a *section.Attribute, n int) (string, bool) {
	cands := []string{fmt.Sprintf("x%d", n), fmt.Sprintf("/x%d", n), "true", "1", "00:00:01", "00:01:00", "1.00:00:00", "10", "100", "65535", "4096"}
	for _, e := range a.Enums {
		cands = append([]string{e.Name}, cands...)
	}
	for _, f := range a.Flags {
		if f.Value != 0 {
			cands = append([]string{f.Name}, cands...)
		}
	}
	if v := a.Validator; v != nil && (v.Type == section.ValidateIntegerRange || v.Type == section.ValidateTimeSpanRange) && !v.Exclude {
		cands = append([]string{fmt.Sprint(v.Min), fmt.Sprint(v.Max), fmt.Sprintf("%02d:%02d:%02d", v.Min/3600, v.Min/60%60, v.Min%60)}, cands...)
	}
	for _, c := range cands {
		if _, err := a.Normalize(c); err == nil {
			return c, true
		}
	}
	return "", false
}

// itemSelector builds a selector that sets every key and required
// attribute of an item.
func itemSelector(item *section.Element, n int) (*Selector, bool) {
	sel := &Selector{}
	for _, a := range item.Attributes {
		if !a.Required && !a.IsUniqueKey && !a.IsCombinedKey {
			continue
		}
		v, ok := sampleValue(a, n)
		if !ok {
			return nil, false
		}
		sel.Keys = append(sel.Keys, KeyValue{Name: a.Name, Value: v})
	}
	if len(sel.Keys) == 0 {
		// A collection without keys: give its first attribute a value.
		for _, a := range item.Attributes {
			if v, ok := sampleValue(a, n); ok {
				sel.Keys = append(sel.Keys, KeyValue{Name: a.Name, Value: v})
				break
			}
		}
	}
	return sel, len(sel.Keys) > 0
}

// collectionPaths lists a path to every collection of an element, adding
// entries on the way down to reach nested collections.
func collectionPaths(e *section.Element, prefix Path, out *[]Path, depth int) {
	if depth > 6 {
		return
	}
	if c := e.Collection; c != nil && len(c.AddElements) > 0 {
		*out = append(*out, prefix)
		for _, name := range c.AddElements[:1] {
			item := c.ItemFor(name)
			if sel, ok := itemSelector(item, depth); ok {
				collectionPaths(item, append(append(Path{}, prefix...), Step{Selector: sel}), out, depth+1)
			}
		}
	}
	for _, c := range e.Elements {
		if c.IsCollectionDefault {
			continue
		}
		collectionPaths(c, append(append(Path{}, prefix...), Step{Name: c.Name}), out, depth+1)
	}
}

// TestEveryIISCollection adds an entry to every collection of every section
// in the real IIS schema files (nested collections through a parent entry
// added first) and reads it back from the effective section.
func TestEveryIISCollection(t *testing.T) {
	schemaDir := filepath.Join(sharedDir, "iis-schema")
	if _, err := os.Stat(schemaDir); err != nil {
		t.Skip("skipped: needs ../shared/iis-schema")
	}
	schema := section.Builtin()
	if err := section.LoadDirs(schema, []string{schemaDir}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range schema.Names() {
		if strings.Contains(n, "/") {
			names = append(names, n)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	tested := 0
	for _, name := range names {
		var paths []Path
		collectionPaths(schema.Section(name).Root, nil, &paths, 0)
		for _, p := range paths {
			os.WriteFile(path, []byte(declareAll(names)), 0o644)
			s, err := configstore.Open(configstore.Options{AppHostPath: path, SchemaDirs: []string{schemaDir}, Write: true})
			if err != nil {
				t.Fatal(err)
			}
			// Add the parent entries of nested collections first.
			var changes []Change
			for i, st := range p {
				if st.Selector != nil {
					changes = append(changes, Change{Kind: Add, Path: append(Path{}, p[:i+1]...)})
				}
			}
			var coll *section.Collection
			el := schema.Section(name).Root
			for _, st := range p {
				if st.Selector == nil {
					el = el.Element(st.Name)
				} else {
					el = el.Collection.ItemFor(el.Collection.AddElements[0])
				}
			}
			coll = el.Collection
			sel, ok := itemSelector(coll.ItemFor(coll.AddElements[0]), 99)
			if !ok {
				s.Close()
				continue
			}
			full := append(append(Path{}, p...), Step{Selector: sel})
			changes = append(changes, Change{Kind: Add, Path: full})
			_, err = Apply(s, Request{Section: name, Level: configstore.ServerPath, Changes: changes})
			if err != nil {
				t.Errorf("%s %s: %v", name, full, err)
				s.Close()
				continue
			}
			eff, err := s.Effective(configstore.ServerPath, name)
			if err != nil {
				t.Errorf("%s %s: read back: %v", name, full, err)
			} else if _, _, err := resolveFrom(eff.Root, full, findItem); err != nil {
				t.Errorf("%s %s: entry not found after add: %v", name, full, err)
			}
			s.Close()
			tested++
		}
	}
	if tested < 100 {
		t.Errorf("only %d collections tested", tested)
	}
	t.Logf("%d collections tested", tested)
}
