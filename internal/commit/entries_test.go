package commit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// TestEntryEdits: edits of sites named by their name merge only those
// sites (effectiveHere, validate), yet refuse every duplicate key the
// whole merge refuses, with the same text, including one already in the
// file in another site.
func TestEntryEdits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	if _, err := configstore.CreateDefault(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const sites = `<site name="A" id="2" /><site name="B" id="3"><bindings><binding protocol="http" bindingInformation="*:81:" /></bindings></site><site name="C" id="4" />`
	good := strings.Replace(string(data), "<sites>", "<sites>"+sites, 1)
	dupName := strings.Replace(good, `<site name="C" id="4" />`, `<site name="C" id="4" /><site name="c" id="5" />`, 1)
	dupID := strings.Replace(good, `<site name="C" id="4" />`, `<site name="C" id="4" /><site name="E" id="4" />`, 1)
	sel := func(kvs ...string) Step {
		s := &Selector{}
		for i := 0; i < len(kvs); i += 2 {
			s.Keys = append(s.Keys, KeyValue{Name: kvs[i], Value: kvs[i+1]})
		}
		return Step{Selector: s}
	}
	name := func(n string) Step { return sel("name", n) }
	attr := func(n string) Step { return Step{Name: n} }
	tests := []struct {
		file    string
		changes []Change
		checked bool // KeysChecked
		err     string
	}{
		{good, []Change{{Kind: Set, Path: Path{name("B"), attr("serverAutoStart")}, Value: "false"}}, false, ""},
		{good, []Change{{Kind: Remove, Path: Path{name("b")}}}, false, ""},
		{good, []Change{{Kind: Add, Path: Path{name("D"), attr("bindings"), sel("protocol", "http", "bindingInformation", "*:82:")}}}, false, NotFoundText},
		{good, []Change{{Kind: Add, Path: Path{sel("name", "D", "id", "9")}}, {Kind: Add, Path: Path{name("D"), sel("path", "/")}}}, false, ""},
		// Duplicates made by the change set.
		{good, []Change{{Kind: Add, Path: Path{sel("name", "D", "id", "3")}}}, true, "New site object missing required attributes. Cannot add duplicate collection entry of type 'site' with unique key attribute 'name' set to 'D'\n\n."},
		{good, []Change{{Kind: Add, Path: Path{sel("name", "b", "id", "9")}}}, true, "Cannot add duplicate collection entry of type 'site' with unique key attribute 'name' set to 'b'"},
		{good, []Change{{Kind: Add, Path: Path{sel("name", "D", "id", "9")}}, {Kind: Add, Path: Path{sel("name", "F", "id", "9")}}}, true, "unique key attribute 'name' set to 'F'"},
		{good, []Change{{Kind: Set, Path: Path{name("B"), attr("id")}, Value: "4"}}, true, "Cannot add duplicate collection entry of type 'site' with unique key attribute 'name' set to 'C'"},
		{good, []Change{{Kind: Set, Path: Path{name("B"), attr("name")}, Value: "a"}}, true, "Cannot add duplicate collection entry of type 'site' with unique key attribute 'name' set to 'a'"},
		{good, []Change{{Kind: Clear, Path: Path{name("B"), attr("name")}}}, true, "Missing required attribute 'name'"},
		// Duplicates already in the file, in another site.
		{dupName, []Change{{Kind: Set, Path: Path{name("A"), attr("serverAutoStart")}, Value: "false"}}, false, "Cannot add duplicate collection entry of type 'site' with unique key attribute 'name' set to 'c'"},
		{dupID, []Change{{Kind: Remove, Path: Path{name("A")}}}, false, "Cannot add duplicate collection entry of type 'site' with unique key attribute 'name' set to 'E'"},
		{dupID, []Change{{Kind: Add, Path: Path{sel("name", "D", "id", "9")}}}, true, "unique key attribute 'name' set to 'E'"},
	}
	for i, tt := range tests {
		if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := configstore.Open(configstore.Options{AppHostPath: path, Write: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Apply(s, Request{Section: "system.applicationHost/sites", Level: configstore.ServerPath, Commit: "apphost", Changes: tt.changes, KeysChecked: tt.checked})
		s.Close()
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%d: %v", i, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%d: error %v, want %q", i, err, tt.err)
		}
	}
}
