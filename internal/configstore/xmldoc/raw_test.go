package xmldoc

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// describe writes an element's names, attributes and children, through
// Element (raw false) or through Raw.
func describeElement(b *strings.Builder, e *Element, depth int) {
	fmt.Fprintf(b, "%*s%d <%s", depth, "", e.Line(), e.Name())
	for _, a := range e.Attrs() {
		fmt.Fprintf(b, " %s=%q", a.Name, a.Value)
	}
	b.WriteString(">\n")
	e.EachChild(func(c *Element) bool { describeElement(b, c, depth+1); return true })
}

func describeRaw(b *strings.Builder, r Raw, depth int) {
	fmt.Fprintf(b, "%*s%d <%s", depth, "", r.Line(), r.Name())
	if !r.NameIs(r.Name()) || r.NameIs(r.Name()+"x") {
		b.WriteString(" NameIs disagrees")
	}
	r.EachAttr(func(name, value string) bool {
		fmt.Fprintf(b, " %s=%q", name, value)
		if v, ok := r.Attr(name); !ok || v != value {
			fmt.Fprintf(b, " (Attr gives %q %t)", v, ok)
		}
		return true
	})
	var viaRaw []string
	r.EachAttrRaw(func(name string, raw []byte) bool {
		if v, d := r.Value(raw), DecodeValue(raw); v != d {
			fmt.Fprintf(b, " (Value %q, DecodeValue %q)", v, d)
		}
		viaRaw = append(viaRaw, name+"="+r.Value(raw))
		return true
	})
	i := 0
	r.EachAttr(func(name, value string) bool {
		if i >= len(viaRaw) || viaRaw[i] != name+"="+value {
			fmt.Fprintf(b, " (EachAttrRaw gives %q)", viaRaw)
		}
		i++
		return true
	})
	if i != len(viaRaw) {
		fmt.Fprintf(b, " (EachAttrRaw gives %q)", viaRaw)
	}
	if _, ok := r.Attr("no-such-attribute"); ok {
		b.WriteString(" (Attr finds an absent attribute)")
	}
	b.WriteString(">\n")
	r.EachChild(func(c Raw) bool { describeRaw(b, c, depth+1); return true })
}

// Raw reads what Element reads, on every corpus file and on markup that
// a raw reader could stumble on.
func TestRaw(t *testing.T) {
	docs := map[string]string{
		"markup": `<?xml version="1.0"?><!-- c --><r a='1' b="x&amp;y&#10;z"><!-- <no/> --><?pi <no/>?>` +
			`<a x="1 > 2" y='"'/><![CDATA[<no/>]]><b>text<c/><c></c></b><d
			  e = "multi
line" /></r>`,
		"self": `<r/>`,
		"big":  bigRaw,
	}
	withCorpus(t, docs, "apphost", "apphost-full", "webconfig")
	for name, src := range docs {
		d, err := Parse([]byte(src))
		if err != nil {
			continue // the malformed corpus files
		}
		var want, got strings.Builder
		describeElement(&want, d.Root(), 0)
		if name == "big" && d.big[d.Root().start] == nil {
			t.Fatal("no child index for the big document: the test misses Raw's indexed path")
		}
		r, ok := d.Root().Raw()
		if !ok {
			t.Fatalf("%s: no raw view of an unedited document", name)
		}
		describeRaw(&got, r, 0)
		if got.String() != want.String() {
			t.Fatalf("%s: raw view\n%s\nelements\n%s", name, got.String(), want.String())
		}
		// The detached element of each child reads the same as the child.
		var viaRaw, viaParent strings.Builder
		r.EachChild(func(c Raw) bool { describeElement(&viaRaw, c.Element(), 1); return true })
		d.Root().EachChild(func(c *Element) bool { describeElement(&viaParent, c, 1); return true })
		if viaRaw.String() != viaParent.String() {
			t.Fatalf("%s: Raw.Element\n%s\nchildren\n%s", name, viaRaw.String(), viaParent.String())
		}
		// Reading only the first child of each child, and of that one
		// (the end of a child not read to its end is found anew).
		var firstRaw, firstElem strings.Builder
		r.EachChild(func(c Raw) bool {
			firstRaw.WriteString(c.Name() + ":")
			c.EachChild(func(g Raw) bool {
				firstRaw.WriteString(g.Name() + ",")
				g.EachChild(func(h Raw) bool { firstRaw.WriteString(h.Name() + ";"); return false })
				return false
			})
			return true
		})
		d.Root().EachChild(func(c *Element) bool {
			firstElem.WriteString(c.Name() + ":")
			if g := c.FirstChild(); g != nil {
				firstElem.WriteString(g.Name() + ",")
				if h := g.FirstChild(); h != nil {
					firstElem.WriteString(h.Name() + ";")
				}
			}
			return true
		})
		if firstRaw.String() != firstElem.String() {
			t.Fatalf("%s: first children raw\n%s\nelements\n%s", name, firstRaw.String(), firstElem.String())
		}
		// Stopping early.
		n := 0
		r.EachChild(func(Raw) bool { n++; return false })
		r.EachAttr(func(string, string) bool { n++; return false })
		if n > 2 {
			t.Fatalf("%s: EachChild or EachAttr went on after false", name)
		}
	}
	d := mustParse(t, `<r><a/></r>`)
	d.Root().Child("a").SetAttr("x", "1")
	if _, ok := d.Root().Raw(); ok {
		t.Fatal("a raw view of an edited document")
	}
}

// FuzzRaw: on any document Parse accepts, Raw reads what Element reads.
func FuzzRaw(f *testing.F) {
	f.Add(`<r a='1'><a x="1 > 2"/><!-- <c/> --><b><c/></b></r>`)
	f.Add(`<?xml version="1.0"?><r><![CDATA[<x/>]]><a b="&lt;&#65;"/></r>`)
	f.Add("<r>\n<a\tb = 'x\ny' />\n</r>")
	f.Fuzz(func(t *testing.T, src string) {
		d, err := Parse([]byte(src))
		if err != nil {
			return
		}
		r, ok := d.Root().Raw()
		if !ok {
			t.Fatal("no raw view of an unedited document")
		}
		var want, got strings.Builder
		describeElement(&want, d.Root(), 0)
		describeRaw(&got, r, 0)
		if got.String() != want.String() {
			t.Fatalf("raw view\n%s\nelements\n%s", got.String(), want.String())
		}
	})
}

// A fork reads what its document reads, while both are read at once (go
// test -race checks that they share nothing that is written), and an
// edited document has none.
func TestFork(t *testing.T) {
	docs := map[string]string{"big": bigRaw}
	withCorpus(t, docs, "apphost", "apphost-full")
	for name, src := range docs {
		d, err := Parse([]byte(src))
		if err != nil {
			continue
		}
		var want strings.Builder
		describeElement(&want, d.Root(), 0)
		f := d.Fork()
		if f == nil {
			t.Fatalf("%s: no fork of an unedited document", name)
		}
		read := func(d *Document, out *[2]string) {
			var e, r strings.Builder
			describeElement(&e, d.Root(), 0)
			raw, _ := d.Root().Raw()
			describeRaw(&r, raw, 0)
			out[0], out[1] = e.String(), r.String()
		}
		var a, b [2]string
		done := make(chan bool)
		go func() { read(f, &b); done <- true }()
		read(d, &a)
		<-done
		for i, got := range []string{a[0], a[1], b[0], b[1]} {
			if got != want.String() {
				t.Fatalf("%s: read %d differs:\n%s\nwant\n%s", name, i, got, want.String())
			}
		}
		d.Root().SetAttr("forked", "no")
		if d.Fork() != nil {
			t.Fatalf("%s: a fork of an edited document", name)
		}
	}
}

// bigRaw is long enough for the check's child index (bigElement), which
// Raw.EachChild then follows.
var bigRaw = "<r><!-- x -->" + strings.Repeat("<a x='1'><b y=\"2\"/><!-- <c/> --></a>\n", bigElement/20) + "</r>"

// withCorpus adds the corpus files of the given kinds to docs, by path.
func withCorpus(t *testing.T, docs map[string]string, kinds ...string) {
	t.Helper()
	for _, f := range testenv.CorpusFiles(t, corpus, kinds...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(src)
	}
}

// EachChildRaw shows pre the children read from the source, builds only
// those pre asks for, gives edited children to fn without pre, and stops
// when pre says so.
func TestEachChildRaw(t *testing.T) {
	d, err := Parse([]byte(`<r><a k="1"/><!-- <a k="0"/> --><b/><a k="2"><c/></a><a k="3"/></r>`))
	if err != nil {
		t.Fatal(err)
	}
	var edited *Element
	d.Root().EachChild(func(c *Element) bool {
		if v, _ := c.Attr("k"); v == "2" {
			edited = c
		}
		return true
	})
	edited.SetAttr("k", "two")
	for _, tt := range []struct {
		name       string
		stopAt     string // pre stops at the child with this k
		saw, built string
	}{
		{"all", "", "a1 b a3", "b a-two"},
		{"stopped", "3", "a1 b a3", "b a-two"},
		{"stopped early", "1", "a1", ""},
	} {
		var saw, built []string
		label := func(name, k string) string { return name + k }
		d.Root().EachChildRaw(func(r Raw) (bool, bool) {
			k, _ := r.Attr("k")
			saw = append(saw, label(r.Name(), k))
			if tt.stopAt != "" && k == tt.stopAt {
				return false, false
			}
			return r.Name() == "b", true
		}, func(c *Element) bool {
			k, _ := c.Attr("k")
			if k != "" {
				k = "-" + k
			}
			built = append(built, label(c.Name(), k))
			return true
		})
		if got := strings.Join(saw, " "); got != tt.saw {
			t.Errorf("%s: pre saw %q, want %q", tt.name, got, tt.saw)
		}
		if got := strings.Join(built, " "); got != tt.built {
			t.Errorf("%s: fn got %q, want %q", tt.name, got, tt.built)
		}
	}
}

// Options.Closed tells of each long list, innermost first, once it is
// read to its end, with its path and a view that reads as the document's
// own; small elements are not told of. EachChildIn over parts of the
// list, through forks, reads what EachChild reads.
func TestClosed(t *testing.T) {
	inner := "<list>" + strings.Repeat("<a x='1'><b y=\"2\"/><!-- <c/> --></a>\n", bigElement/20) + "</list>"
	src := "<r><small><a/></small><g>" + inner + "</g><other>" + inner + "</other></r>"
	type told struct {
		path string
		raw  Raw
	}
	var got []told
	d, err := ParseOptions([]byte(src), Options{Closed: func(path []string, list Raw) {
		got = append(got, told{strings.Join(path, "/"), list})
	}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, g := range got {
		paths = append(paths, g.path)
	}
	if want := "r/g/list r/g r/other/list r/other r"; strings.Join(paths, " ") != want {
		t.Fatalf("told of %q, want %q", paths, want)
	}
	// Each view against the same element read through the document.
	byOffset := map[int]Raw{}
	var walk func(r Raw)
	walk = func(r Raw) {
		byOffset[r.Offset()] = r
		r.EachChild(func(c Raw) bool {
			if c.IndexedChildren() >= 0 {
				walk(c)
			}
			return true
		})
	}
	root, _ := d.Root().Raw()
	walk(root)
	for _, g := range got {
		own, ok := byOffset[g.raw.Offset()]
		if !ok {
			t.Fatalf("%s: no element at offset %d", g.path, g.raw.Offset())
		}
		var want, view strings.Builder
		describeRaw(&want, own, 0)
		describeRaw(&view, g.raw, 0)
		if view.String() != want.String() {
			t.Fatalf("%s: view\n%s\ndocument\n%s", g.path, view.String(), want.String())
		}
		n := g.raw.IndexedChildren()
		if n < 0 {
			t.Fatalf("%s: not indexed", g.path)
		}
		// Parts through forks, in any order, read the list.
		var all, parts strings.Builder
		g.raw.EachChild(func(c Raw) bool { describeRaw(&all, c, 0); return true })
		cut := []int{0, n / 3, n / 3, n - 1, n}
		for i := len(cut) - 1; i > 0; i-- {
			f, ok := g.raw.Fork()
			if !ok {
				t.Fatal("no fork of an unedited document")
			}
			var part strings.Builder
			f.EachChildIn(cut[i-1], cut[i], func(c Raw) bool { describeRaw(&part, c, 0); return true })
			parts.WriteString(part.String() + "\x00")
		}
		joined := strings.Split(strings.TrimSuffix(parts.String(), "\x00"), "\x00")
		slices.Reverse(joined)
		if strings.Join(joined, "") != all.String() {
			t.Fatalf("%s: the parts read otherwise than the whole", g.path)
		}
	}
	// Without long lists: nothing told.
	got = nil
	if _, err := ParseOptions([]byte(`<r><a/><b><c/></b></r>`), Options{Closed: func(path []string, _ Raw) { got = append(got, told{}) }}); err != nil || len(got) != 0 {
		t.Fatalf("told %d times, %v", len(got), err)
	}
}

// EachChildExcept reads what EachChild reads but the children of that
// name, in a long list and in a short one, with names that share the
// skipped one's fingerprint (its length and first 7 bytes) and prefix.
func TestEachChildExcept(t *testing.T) {
	kids := "<location/><locationX/><locatioN/><locations/><x:location/><location a='1'><location/></location><other/>"
	for name, src := range map[string]string{
		"short": "<r>" + kids + "</r>",
		"long":  "<r>" + strings.Repeat(kids, bigElement/len(kids)+1) + "</r>",
	} {
		d, err := Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		r, _ := d.Root().Raw()
		if (r.IndexedChildren() >= 0) != (name == "long") {
			t.Fatalf("%s: indexed %d", name, r.IndexedChildren())
		}
		var want, got strings.Builder
		r.EachChild(func(c Raw) bool {
			if !c.NameIs("location") {
				describeRaw(&want, c, 0)
			}
			return true
		})
		r.EachChildExcept("location", func(c Raw) bool { describeRaw(&got, c, 0); return true })
		if got.String() != want.String() || !strings.Contains(got.String(), "locationX") {
			t.Fatalf("%s: EachChildExcept\n%s\nwant\n%s", name, got.String(), want.String())
		}
		// fn's false stops the walk.
		n := 0
		r.EachChildExcept("location", func(Raw) bool { n++; return n < 2 })
		if n != 2 {
			t.Fatalf("%s: %d children after a stop", name, n)
		}
	}
}

// Raw.tag takes a start tag's end from EachAttrRaw only where that read
// the tag to its end: a read stopped early (fn false) leaves no record,
// and one element's record is not another's. Values holding '>' and "/>"
// make a wrong end show.
func TestTagRead(t *testing.T) {
	d, err := Parse([]byte(`<r><a x="1 > 2" y="/>"><b z="3"/></a><c x="/>" y=">"/><e x=">"></e><f/></r>`))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := d.Root().Raw()
	var kids []Raw
	root.EachChild(func(c Raw) bool { kids = append(kids, c); return true })
	read := func(c Raw) string {
		var names []string
		c.EachChild(func(g Raw) bool { names = append(names, g.Name()); return true })
		return fmt.Sprintf("%q %d %v", c.Body(), c.BodyLine(), names)
	}
	var want []string
	for _, c := range kids {
		want = append(want, read(c)) // each tag read by tag itself
	}
	all := func(string, []byte) bool { return true }
	for i, c := range kids {
		for _, step := range []func(){
			func() { c.EachAttrRaw(func(string, []byte) bool { return false }) },
			func() { c.EachAttrRaw(all) },
			func() { c.EachAttrRaw(all); kids[(i+1)%len(kids)].EachAttrRaw(all) },
			func() {
				c.EachAttrRaw(all)
				kids[(i+1)%len(kids)].EachAttrRaw(func(string, []byte) bool { return false })
			},
		} {
			step()
			if got := read(c); got != want[i] {
				t.Errorf("<%s>: %s, want %s", c.Name(), got, want[i])
			}
		}
	}
}
