package commit

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// TestMergeChanges merges elements given as data into the default
// configuration and checks the change set: only what differs, entries
// matched by key, new entries with their differing values, <clear /> and
// <remove />.
func TestMergeChanges(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	if _, err := configstore.CreateDefault(path); err != nil {
		t.Fatal(err)
	}
	s, err := configstore.Open(configstore.Options{AppHostPath: path, Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kv := func(pairs ...string) []KeyValue {
		var out []KeyValue
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, KeyValue{Name: pairs[i], Value: pairs[i+1]})
		}
		return out
	}
	el := func(name string, attrs []KeyValue, children ...*Tree) *Tree {
		return &Tree{Name: name, Attrs: attrs, Children: children}
	}
	tests := []struct {
		section string
		tree    *Tree
		want    []string // Kind:path[=value]
		err     string
	}{
		{"system.webServer/defaultDocument",
			el("defaultDocument", kv("enabled", "True"), el("files", nil, el("add", kv("value", "index.htm")))),
			nil, ""},
		{"system.webServer/defaultDocument",
			el("defaultDocument", kv("enabled", "false"), el("files", nil, el("add", kv("value", "home.html")))),
			[]string{"set:enabled=false", "add:files.[value='home.html']"}, ""},
		{"system.webServer/defaultDocument",
			el("defaultDocument", nil, el("files", nil, el("clear", nil), el("add", kv("value", "index.htm")), el("remove", kv("value", "x")))),
			[]string{"clearitems:files", "add:files.[value='index.htm']", "remove:files.[value='x']"}, ""},
		// A new pool: its key, and only values that differ from
		// applicationPoolDefaults and the schema.
		{"system.applicationHost/applicationPools",
			el("applicationPools", nil, el("add", kv("name", "P", "managedRuntimeVersion", "v4.0", "queueLength", "2000"),
				el("processModel", kv("identityType", "ApplicationPoolIdentity", "idleTimeout", "00:05:00")))),
			[]string{"add:[name='P',queueLength='2000']", "set:[name='P'].processModel.idleTimeout=00:05:00"}, ""},
		// An existing pool: changed in place.
		{"system.applicationHost/applicationPools",
			el("applicationPools", nil, el("add", kv("name", "defaultapppool", "autoStart", "false"))),
			[]string{"set:[name='defaultapppool'].autoStart=false"}, ""},
		{"system.webServer/defaultDocument",
			el("defaultDocument", nil, el("nothing", nil)),
			nil, `Unknown attribute "nothing"`},
	}
	for i, tt := range tests {
		eff, err := s.Effective(configstore.ServerPath, tt.section)
		if err != nil {
			t.Fatal(err)
		}
		chs, err := MergeChanges(nil, eff.Schema.Root, eff.Root, tt.tree)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%d: error %v, want %q", i, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		var got []string
		for _, c := range chs {
			s := map[Kind]string{Set: "set", Add: "add", Remove: "remove", ClearItems: "clearitems"}[c.Kind] + ":" + c.Path.String()
			if c.Kind == Set {
				s += "=" + c.Value
			}
			got = append(got, s)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%d: changes\n  %v\nwant\n  %v", i, got, tt.want)
		}
	}

	// Applying a listing of the configuration to itself changes nothing,
	// for every section the template declares.
	for _, name := range s.SectionNames() {
		eff, err := s.Effective(configstore.ServerPath, name)
		if err != nil {
			t.Fatal(err)
		}
		chs, err := MergeChanges(nil, eff.Schema.Root, eff.Root, treeOf(eff.Root))
		if err != nil || len(chs) != 0 {
			t.Errorf("%s: self-merge gave %v, %v", name, chs, err)
		}
	}
}

// treeOf is what /config:* lists: every attribute, entries, children.
func treeOf(e *configstore.EffElement) *Tree {
	t := &Tree{Name: e.Name}
	for _, a := range e.Attrs {
		t.Attrs = append(t.Attrs, KeyValue{Name: a.Name, Value: a.Value})
	}
	for _, it := range e.Items {
		t.Children = append(t.Children, treeOf(it))
	}
	for _, c := range e.Children {
		t.Children = append(t.Children, treeOf(c))
	}
	return t
}
