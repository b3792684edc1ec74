package configstore

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/section"
	"github.com/appcmd-project/appcmd/internal/testenv"
)

// tail is what follows the sites in a hierarchyHost document: the part the
// write-layer tests edit.
func tail(t *testing.T, f *File) string {
	t.Helper()
	b := string(f.Doc().Bytes())
	i := strings.Index(b, "</system.applicationHost>\n")
	if i < 0 {
		t.Fatalf("no sites in:\n%s", b)
	}
	return b[i+len("</system.applicationHost>\n"):]
}

func mustPath(t *testing.T, s string) ConfigPath {
	t.Helper()
	cp, err := ParseConfigPath(s)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

const ws = "system.webServer/webSocket"

// TestSectionAt finds or creates the webSocket section for a level of
// applicationHost.config and sets an attribute there: location paths are
// compared as config paths, a location with an override mode is reused
// only when it already holds the section, and new groups go before the
// first <location>.
func TestSectionAt(t *testing.T) {
	tests := []struct {
		name, server, level string
		want                string // "" when nothing may be found or made
		create              bool
	}{
		{
			name:   "server level: group made before the first location",
			server: "    <location path=\"S\">\n        <system.webServer>\n            <caching enabled=\"false\" />\n        </system.webServer>\n    </location>",
			create: true,
			want:   "    <system.webServer>\n        <webSocket enabled=\"false\" />\n    </system.webServer>\n    <location path=\"S\">\n        <system.webServer>\n            <caching enabled=\"false\" />\n        </system.webServer>\n    </location>\n</configuration>\n",
		},
		{
			name:   "location path in another case, with a slash and a backslash",
			server: "    <location path=\"s\\app/\">\n        <system.webServer>\n            <caching enabled=\"false\" />\n        </system.webServer>\n    </location>",
			level:  "S/app",
			create: true,
			want:   "    <location path=\"s\\app/\">\n        <system.webServer>\n            <caching enabled=\"false\" />\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>\n</configuration>\n",
		},
		{
			name:   "a location with a mode is not used for a new section",
			server: "    <location path=\"S\" overrideMode=\"Deny\">\n        <system.webServer>\n            <caching />\n        </system.webServer>\n    </location>",
			level:  "S",
			create: true,
			want:   "    <location path=\"S\" overrideMode=\"Deny\">\n        <system.webServer>\n            <caching />\n        </system.webServer>\n    </location>\n    <location path=\"S\">\n        <system.webServer>\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>\n</configuration>\n",
		},
		{
			name:   "a location with a mode that holds the section is used",
			server: "    <location path=\"S\" overrideMode=\"Allow\">\n        <system.webServer>\n            <webSocket />\n        </system.webServer>\n    </location>",
			level:  "S",
			want:   "    <location path=\"S\" overrideMode=\"Allow\">\n        <system.webServer>\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>\n</configuration>\n",
		},
		{
			name:   "location path=\"\" holding the section wins over the root",
			server: "    <location path=\"\" overrideMode=\"Allow\">\n        <system.webServer>\n            <webSocket />\n        </system.webServer>\n    </location>",
			want:   "    <location path=\"\" overrideMode=\"Allow\">\n        <system.webServer>\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>\n</configuration>\n",
		},
		{
			name:   "without create nothing is made",
			server: "    <location path=\"S/app\">\n        <system.webServer>\n            <webSocket />\n        </system.webServer>\n    </location>",
			level:  "S",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTree(t, tt.server, nil)
			n, err := s.SectionAt(s.AppHost(), mustPath(t, tt.level), ws, tt.create)
			if err != nil {
				t.Fatal(err)
			}
			if n == nil {
				if tt.want != "" {
					t.Fatal("section not found")
				}
				if s.AppHost().Changed() {
					t.Error("the file changed although nothing was created")
				}
				return
			}
			if tt.want == "" {
				t.Fatal("section found or made")
			}
			n.SetAttr("enabled", "false")
			if got := tail(t, s.AppHost()); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestSectionAtNewFile creates a web.config in the style of the file above
// it (here LF and two spaces).
func TestSectionAtNewFile(t *testing.T) {
	host := strings.ReplaceAll(strings.Replace(hierarchyHost, "{{SERVER}}", "", 1), "    ", "  ")
	dir := t.TempDir()
	testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host, "root/.keep": ""})
	s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.FileAt(SitePath("S"))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.SectionAt(f, mustPath(t, "S/d"), ws, false); n != nil || err != nil || f.Doc() != nil {
		t.Fatalf("without create: %v, %v, document %v", n, err, f.Doc() != nil)
	}
	n, err := s.SectionAt(f, mustPath(t, "S/d"), ws, true)
	if err != nil {
		t.Fatal(err)
	}
	n.SetAttr("enabled", "false")
	want := "<configuration>\n  <location path=\"d\">\n    <system.webServer>\n      <webSocket enabled=\"false\" />\n    </system.webServer>\n  </location>\n</configuration>\n"
	if got := string(f.Doc().Bytes()); !strings.HasSuffix(got, want) {
		t.Errorf("got\n%s\nwant it to end with\n%s", got, want)
	}
	if _, err := s.SectionAt(s.AppHost(), mustPath(t, "S"), ws, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SectionAt(f, ServerPath, ws, true); err == nil {
		t.Error("a web.config took settings for the server level")
	}
}

// TestPrune removes settings and checks that what became empty went with
// them: child elements, the section, its group and a <location>, but not
// an element that still holds something.
func TestPrune(t *testing.T) {
	loc := "    <location path=\"S\">\n        <system.webServer>\n            <webSocket enabled=\"false\" />\n%s        </system.webServer>\n    </location>"
	tests := []struct {
		name, server string
		edit         func(n *Node)
		want         string
	}{
		{"last attribute: the location goes", strings.Replace(loc, "%s", "", 1),
			func(n *Node) { n.RemoveAttr("enabled") }, "</configuration>\n"},
		{"a sibling section keeps the group", strings.Replace(loc, "%s", "            <caching />\n", 1),
			func(n *Node) { n.RemoveAttr("enabled") },
			"    <location path=\"S\">\n        <system.webServer>\n            <caching />\n        </system.webServer>\n    </location>\n</configuration>\n"},
		{"an attribute that is not there changes nothing", strings.Replace(loc, "%s", "", 1),
			func(n *Node) { n.RemoveAttr("pingInterval") }, strings.Replace(loc, "%s", "", 1) + "\n</configuration>\n"},
		{"the section with its content", strings.Replace(loc, "%s", "", 1),
			func(n *Node) { n.Remove() }, "</configuration>\n"},
		{"an emptied child element", strings.Replace(strings.Replace(loc, "%s", "", 1), "<webSocket enabled=\"false\" />", "<webSocket><x /></webSocket>", 1),
			func(n *Node) { n.RemoveChild("x") }, "</configuration>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTree(t, tt.server, nil)
			n, err := s.SectionAt(s.AppHost(), SitePath("S"), ws, false)
			if err != nil || n == nil {
				t.Fatalf("section: %v, %v", n, err)
			}
			tt.edit(n)
			if got := tail(t, s.AppHost()); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestCollectionEdits places staticContent entries: new entries after the
// last directive (before other child elements), <remove> before the first
// local <add>, <clear /> with copies for a take-over, and a cleared list.
func TestCollectionEdits(t *testing.T) {
	const sc = "system.webServer/staticContent"
	server := "    <system.webServer>\n        <staticContent>\n            <mimeMap fileExtension=\".a\" mimeType=\"x/a\" />\n        </staticContent>\n    </system.webServer>\n" +
		"    <location path=\"S\">\n        <system.webServer>\n            <staticContent>\n                <mimeMap fileExtension=\".b\" mimeType=\"x/b\" />\n                <clientCache cacheControlMode=\"NoControl\" />\n            </staticContent>\n        </system.webServer>\n    </location>"
	entry := func(ext string) *Node {
		n := NewItem("mimeMap")
		n.SetAttr("fileExtension", ext)
		n.SetAttr("mimeType", "x/n")
		return n
	}
	head := "    <system.webServer>\n        <staticContent>\n            <mimeMap fileExtension=\".a\" mimeType=\"x/a\" />\n        </staticContent>\n    </system.webServer>\n    <location path=\"S\">\n        <system.webServer>\n            <staticContent>\n"
	end := "            </staticContent>\n        </system.webServer>\n    </location>\n</configuration>\n"
	tests := []struct {
		name string
		edit func(n *Node, coll *section.Collection, items []*EffElement)
		want string
	}{
		{"append before other children", func(n *Node, coll *section.Collection, _ []*EffElement) { n.AppendItem(coll, entry(".n")) },
			"                <mimeMap fileExtension=\".b\" mimeType=\"x/b\" />\n                <mimeMap fileExtension=\".n\" mimeType=\"x/n\" />\n                <clientCache cacheControlMode=\"NoControl\" />\n"},
		{"insert before and after local entries", func(n *Node, coll *section.Collection, items []*EffElement) {
			n.InsertItemBefore(entry(".m"), items[1])
			n.InsertItemAfter(coll, entry(".o"), items[1])
		}, "                <mimeMap fileExtension=\".m\" mimeType=\"x/n\" />\n                <mimeMap fileExtension=\".b\" mimeType=\"x/b\" />\n                <mimeMap fileExtension=\".o\" mimeType=\"x/n\" />\n                <clientCache cacheControlMode=\"NoControl\" />\n"},
		{"hide an inherited entry", func(n *Node, coll *section.Collection, items []*EffElement) { n.RemoveInherited(coll, items[0]) },
			"                <remove fileExtension=\".a\" />\n                <mimeMap fileExtension=\".b\" mimeType=\"x/b\" />\n                <clientCache cacheControlMode=\"NoControl\" />\n"},
		{"override an inherited entry", func(n *Node, coll *section.Collection, items []*EffElement) {
			n.OverrideItem(coll, items[0]).SetAttr("mimeType", "x/z")
		}, "                <remove fileExtension=\".a\" />\n                <mimeMap fileExtension=\".b\" mimeType=\"x/b\" />\n                <mimeMap fileExtension=\".a\" mimeType=\"x/z\" />\n                <clientCache cacheControlMode=\"NoControl\" />\n"},
		{"take over the list", func(n *Node, coll *section.Collection, items []*EffElement) {
			n.TakeOverItems(coll, items, 0, entry(".n"))
		},
			"                <clientCache cacheControlMode=\"NoControl\" />\n                <clear />\n                <mimeMap fileExtension=\".n\" mimeType=\"x/n\" />\n                <mimeMap fileExtension=\".a\" mimeType=\"x/a\" />\n                <mimeMap fileExtension=\".b\" mimeType=\"x/b\" />\n"},
		{"clear and hide", func(n *Node, coll *section.Collection, _ []*EffElement) { n.ClearItems(coll); n.AddClear(coll) },
			"                <clientCache cacheControlMode=\"NoControl\" />\n                <clear />\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTree(t, server, nil)
			eff, err := s.Effective(SitePath("S"), sc)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.SectionAt(s.AppHost(), SitePath("S"), sc, false)
			if err != nil || n == nil {
				t.Fatalf("section: %v, %v", n, err)
			}
			tt.edit(n, eff.Schema.Root.Collection, eff.Root.Items)
			if got, want := tail(t, s.AppHost()), head+tt.want+end; got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	// A local entry's source is its element; removing the last one of a
	// location prunes the location.
	s := openTree(t, server, nil)
	eff, err := s.Effective(SitePath("S"), sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := eff.Root.Items[1].CheckItemLock(s.AppHost()); err != nil {
		t.Fatal(err)
	}
	eff.Root.Items[1].Source().Remove()
	n, _ := s.SectionAt(s.AppHost(), SitePath("S"), sc, false)
	n.Child("clientCache", false).Remove()
	if got := tail(t, s.AppHost()); strings.Contains(got, "location") {
		t.Errorf("location left:\n%s", got)
	}
}

// TestCheckItemLock refuses to change an entry that a file above locked
// with lockItem.
func TestCheckItemLock(t *testing.T) {
	s := openTree(t, "    <system.webServer>\n        <staticContent>\n            <mimeMap fileExtension=\".a\" mimeType=\"x/a\" lockItem=\"true\" />\n        </staticContent>\n    </system.webServer>", nil)
	eff, err := s.Effective(SitePath("S"), "system.webServer/staticContent")
	if err != nil {
		t.Fatal(err)
	}
	it := eff.Root.Items[0]
	if err := it.CheckItemLock(s.AppHost()); err != nil {
		t.Errorf("the defining file: %v", err)
	}
	f, err := s.FileAt(SitePath("S"))
	if err != nil {
		t.Fatal(err)
	}
	var le *LockError
	if err := it.CheckItemLock(f); !errors.As(err, &le) || le.Line != 29 || le.File != s.AppHost().Path {
		t.Errorf("a file below: %v, want a lock error at line 29 of applicationHost.config", err)
	}
}

// TestSetSectionMode locks and unlocks webSocket for a site.
func TestSetSectionMode(t *testing.T) {
	tests := []struct {
		name, server, mode, want string
	}{
		{"new tag with an empty section", "", "Allow",
			"    <location path=\"S\" overrideMode=\"Allow\">\n        <system.webServer>\n            <webSocket />\n        </system.webServer>\n    </location>\n\n</configuration>\n"},
		{"a tag of only this section changes its mode",
			"    <location path=\"s\" allowOverride=\"false\">\n        <system.webServer>\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>", "Allow",
			"    <location path=\"s\" overrideMode=\"Allow\">\n        <system.webServer>\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>\n</configuration>\n"},
		{"the section moves out of a shared tag",
			"    <location path=\"S\">\n        <system.webServer>\n            <caching />\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>", "Deny",
			"    <location path=\"S\">\n        <system.webServer>\n            <caching />\n        </system.webServer>\n    </location>\n    <location path=\"S\" overrideMode=\"Deny\">\n        <system.webServer>\n            <webSocket enabled=\"false\" />\n        </system.webServer>\n    </location>\n</configuration>\n"},
		{"a tag with the mode already holds it",
			"    <location path=\"S\" overrideMode=\"Deny\">\n        <system.webServer>\n            <caching />\n            <webSocket />\n        </system.webServer>\n    </location>", "deny",
			"    <location path=\"S\" overrideMode=\"Deny\">\n        <system.webServer>\n            <caching />\n            <webSocket />\n        </system.webServer>\n    </location>\n</configuration>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTree(t, tt.server, nil)
			s.SetSectionMode(ws, SitePath("S"), tt.mode)
			if got := tail(t, s.AppHost()); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRevision(t *testing.T) {
	s := openTree(t, "", nil)
	f, err := s.FileAt(SitePath("S"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Revision(); ok {
		t.Error("a missing file has a revision")
	}
	r0, ok := s.AppHost().Revision()
	if !ok {
		t.Fatal("no revision")
	}
	n, _ := s.SectionAt(s.AppHost(), ServerPath, ws, true)
	n.SetAttr("enabled", "false")
	if r1, _ := s.AppHost().Revision(); r1 == r0 {
		t.Error("an edit kept the revision")
	}
}
