package configstore

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// appendSimplePath gives the key and the depth of ConfigPath.Join for
// every path it takes, and takes the plain ones.
func TestAppendSimplePath(t *testing.T) {
	plain := []string{"Site7", "Default Web Site", "a/b", "/a/", "/a", "a/", "a.b", "..x", "x..", " x ", "Site 1/app",
		"A-B_c.d/E F", "UPPER/Case", "a/b/c/d"}
	other := []string{"", "/", "//", ".", "..", " . ", " ", "a//", "a//b", "//a", "a/./b", "a/../b", "a/ /b", "a/ . /b",
		`a\b`, `\a`, "%2e%2e", "a%2fb", "x%", "ü", "a\tb", "a&amp;b", "a&#x2F;b", "a&#47;b", "a\nb", "\x01", "a:b", "a~b"}
	siteApp, err := ServerPath.Join("Site A/App")
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []ConfigPath{ServerPath, siteApp} {
		for _, raw := range append(slices.Clone(plain), other...) {
			prefix := appendLevel([]byte("junk"), base)[len("junk"):]
			key, n, ok := appendSimplePath(bytes.Clone(prefix), len(base.segs) > 0, []byte(raw))
			if want := slices.Contains(plain, raw); ok != want {
				t.Errorf("%v: appendSimplePath(%q) ok = %t, want %t", base, raw, ok, want)
			}
			if !ok {
				continue
			}
			cp, err := base.Join(xmldoc.DecodeValue([]byte(raw)))
			if err != nil {
				t.Errorf("%v: appendSimplePath takes %q, Join refuses it: %v", base, raw, err)
				continue
			}
			if want := appendLevel(nil, cp); string(key) != string(want) {
				t.Errorf("%v: appendSimplePath(%q) key %q, Join's %q", base, raw, key, want)
			}
			if n != len(cp.segs)-len(base.segs) {
				t.Errorf("%v: appendSimplePath(%q) %d segments, Join's %d", base, raw, n, len(cp.segs)-len(base.segs))
			}
		}
	}
}

// simpleLevel reads a <location> tag with a path alone, and no other
// tag: its key and depth are those of locationWith's Location.
func TestSimpleLevel(t *testing.T) {
	tags := []struct {
		tag    string
		simple bool
	}{
		{`<location path="Site1">`, true},
		{`<location path='Site1/App' >`, true},
		{`<location    path = "/Site1/" >`, true},
		{"<location\n  path=\"S\">", true},
		{`<location path="Site1" overrideMode="Allow">`, false},
		{`<location overrideMode="Deny" path="Site1">`, false},
		{`<location path="Site1" inheritInChildApplications="false">`, false},
		{`<location Path="Site1">`, false},
		{`<location>`, false},
		{`<location path="">`, false},
		{`<location path="a&amp;b">`, false},
		{`<location path="a&#47;b">`, false},
	}
	var b strings.Builder
	b.WriteString(strings.Replace(hierarchyHost, "{{SERVER}}", "", 1))
	xml := b.String()
	var locs strings.Builder
	for _, c := range tags {
		locs.WriteString(c.tag + `<system.webServer><caching /></system.webServer></location>` + "\n")
	}
	xml = strings.Replace(xml, "</configuration>", locs.String()+"</configuration>", 1)
	s := openHost(t, xml)
	v := &validator{s: s, seen: map[string]bool{}, unchecked: map[string]bool{}}
	fc := v.newFileCheck(s.apphost, []*File{s.apphost})
	root, ok := s.apphost.doc.Root().Raw()
	if !ok {
		t.Fatal("no raw view")
	}
	i := 0
	root.EachChild(func(r xmldoc.Raw) bool {
		if !r.NameIs("location") {
			return true
		}
		c := tags[i]
		i++
		key, depth, ok := fc.simpleLevel(r)
		if ok != c.simple {
			t.Errorf("%s: simpleLevel ok = %t, want %t", c.tag, ok, c.simple)
		}
		if !ok {
			return true
		}
		key = bytes.Clone(key)
		loc, err := s.apphost.locationWith(nil, r.Attr)
		if err != nil {
			t.Errorf("%s: %v", c.tag, err)
			return true
		}
		if want := appendLevel(nil, loc.Config); string(key) != string(want) || depth != loc.Config.Depth() {
			t.Errorf("%s: simpleLevel %q depth %d, locationWith %q depth %d", c.tag, key, depth, want, loc.Config.Depth())
		}
		return true
	})
	if i != len(tags) {
		t.Fatalf("%d <location> tags read, want %d", i, len(tags))
	}
}

// levelSeen finds every level kept, by its key alone, with the names
// kept last for it, through the table's growth.
func TestLevelSeen(t *testing.T) {
	var l levelSeen
	const n = 3000
	key := func(i int) []byte { return fmt.Appendf(nil, "site%d/app", i) }
	names := func(i int) []string { return []string{fmt.Sprint("a", i%7), fmt.Sprint("b", i%5)} }
	shared0, shared1 := l.addNames([]string{"shared"})
	for i := range n {
		at, h := l.find(key(i))
		if at >= 0 {
			t.Fatalf("level %d found before it is kept", i)
		}
		if i%3 == 0 {
			l.keepRange(at, h, key(i), shared0, shared1)
		} else {
			l.keep(at, h, key(i), names(i))
		}
	}
	// Levels kept again: names replaced.
	for i := 0; i < n; i += 10 {
		at, h := l.find(key(i))
		l.keep(at, h, key(i), []string{"again"})
	}
	for i := range n {
		at, _ := l.find(key(i))
		if at < 0 {
			t.Fatalf("level %d not found", i)
		}
		want := names(i)
		switch {
		case i%10 == 0:
			want = []string{"again"}
		case i%3 == 0:
			want = []string{"shared"}
		}
		if got := l.levelNamesOf(at); !reflect.DeepEqual(got, want) {
			t.Fatalf("level %d names %v, want %v", i, got, want)
		}
		if k := l.levels[at]; string(l.keys[k.keyStart:k.keyStart+k.keyN]) != string(key(i)) {
			t.Fatalf("level %d found as %q", i, l.keys[k.keyStart:k.keyStart+k.keyN])
		}
	}
	for _, k := range []string{"site1/ap", "site1/app/", "site3000/app", "", "site1"} {
		if at, _ := l.find([]byte(k)); at >= 0 {
			t.Errorf("%q found as level %d", k, at)
		}
	}
	if len(l.levels) != n || 2*len(l.levels) > len(l.slots) {
		t.Errorf("%d levels in %d slots", len(l.levels), len(l.slots))
	}
}

// seedLines puts the line cursor at the start of the line of a
// <location>'s tag, and the findings of texts checked in full far below
// one another (more than a thousand lines) keep their columns.
func TestSeedLines(t *testing.T) {
	var locs strings.Builder
	for i := range 8 {
		indent := strings.Repeat(" ", 1+i)
		fmt.Fprintf(&locs, "<location path=\"S%d\">\n<system.webServer>\n%s<caching enabled=\"no%d\" />\n</system.webServer></location>%s",
			i, indent, i, strings.Repeat("\n", 1100+i))
		// a repeat of the text (checked again: the same column)
		fmt.Fprintf(&locs, "<location path=\"T%d\">\n<system.webServer>\n%s<caching enabled=\"no%d\" />\n</system.webServer></location>\n",
			i, indent, i)
	}
	host := strings.Replace(hierarchyHost, "{{SERVER}}", locs.String(), 1)
	s := openHost(t, host)
	v := &validator{s: s, seen: map[string]bool{}, unchecked: map[string]bool{}}
	fc := v.newFileCheck(s.apphost, []*File{s.apphost})
	root, _ := s.apphost.doc.Root().Raw()
	src := s.apphost.doc.Source()
	seeded := 0
	root.EachChild(func(r xmldoc.Raw) bool {
		if !r.NameIs("location") {
			return true
		}
		fc.seedLines(r)
		c := v.lines[s.apphost]
		if c == nil {
			t.Fatal("no line cursor")
		}
		if c.off > 0 && src[c.off-1] != '\n' || 1+bytes.Count(src[:c.off], []byte{'\n'}) != c.line || c.line != r.Line() {
			t.Fatalf("cursor at line %d offset %d, not the start of line %d", c.line, c.off, r.Line())
		}
		seeded++
		return true
	})
	if seeded != 16 {
		t.Fatalf("%d <location> tags seeded, want 16", seeded)
	}
	want := findingTexts(s.validate(true, false))
	if len(want) != 16 {
		t.Fatalf("%d findings, want 16:\n%s", len(want), strings.Join(want, "\n"))
	}
	for _, split := range []bool{false, true} {
		if got := findingTexts(s.validate(false, split)); !reflect.DeepEqual(got, want) {
			t.Errorf("split %t:\n%s\nwant\n%s", split, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
