package xmldoc_test

// Benchmarks of the format-preserving layer on generated applicationHost
// files (bench/genconfig/gen: CRLF, about 1.5 KB per site), and tests of
// the child index that makes large files fast (Document.big): the index
// must find exactly the children a plain XML parser sees, keep one *Element
// per element while it is held, and see edits. The end-to-end comparison
// with xmlstarlet is bench/run.sh; see docs/performance.md.
//
//	go test -run XXX -bench . -benchmem ./configstore/xmldoc/

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

var sizes = []int{1000, 10000}

var generated = map[int][]byte{}

func config(n int) []byte {
	if b, ok := generated[n]; ok {
		return b
	}
	b := gen.Bytes(n, 1)
	generated[n] = b
	return b
}

func sizeName(n int) string { return fmt.Sprintf("sites=%dk", n/1000) }

// BenchmarkParse is the well-formedness check every load pays; it also
// builds the child index of the few big elements.
func BenchmarkParse(b *testing.B) {
	for _, n := range sizes {
		src := config(n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := xmldoc.Parse(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// findLocation returns the <location> of a site, the way configstore
// searches: by name and attribute, without building the other elements.
func findLocation(d *xmldoc.Document, site string) *xmldoc.Element {
	var loc *xmldoc.Element
	d.Root().EachChildWhere("location", "path", func(p string, _ bool) bool { return p == site }, func(c *xmldoc.Element) bool {
		loc = c
		return false
	})
	return loc
}

// findSite returns the <site> element of a site, as configstore.FindSite.
func findSite(d *xmldoc.Document, name string) *xmldoc.Element {
	sites := d.Root().Child("system.applicationHost").Child("sites")
	var found *xmldoc.Element
	sites.EachChildWhere("site", "name", func(v string, _ bool) bool { return strings.EqualFold(v, name) }, func(c *xmldoc.Element) bool {
		found = c
		return false
	})
	return found
}

// setPingInterval is the benchmark command's edit at the document level.
func setPingInterval(tb testing.TB, d *xmldoc.Document, site string) {
	if findSite(d, site) == nil {
		tb.Fatal("no site " + site)
	}
	loc := findLocation(d, site)
	if loc == nil {
		tb.Fatal("no location " + site)
	}
	sw := loc.Child("system.webServer")
	ws := sw.Child("webSocket")
	if ws == nil {
		ws = xmldoc.NewElement("webSocket")
		sw.AppendChild(ws)
	}
	ws.SetAttr("pingInterval", "00:00:30")
}

// BenchmarkSetAttrAndWrite is the whole edit of the benchmark command at the
// document level: parse, find the site and its location (both at the end
// of the file), change or add <webSocket pingInterval>, write.
func BenchmarkSetAttrAndWrite(b *testing.B) {
	for _, n := range sizes {
		src := config(n)
		for _, k := range []int{n, n - 1} { // n is even: an existing <webSocket>; n-1: none
			kind := "existing"
			if !gen.HasWebSocket(k) {
				kind = "new"
			}
			site := "Site" + strconv.Itoa(k)
			b.Run(sizeName(n)+"/"+kind, func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					d, err := xmldoc.Parse(src)
					if err != nil {
						b.Fatal(err)
					}
					setPingInterval(b, d, site)
					if _, err := d.WriteTo(io.Discard); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRescan measures searching a parsed document again, as a
// command does several times, with garbage collections in between.
func BenchmarkRescan(b *testing.B) {
	for _, n := range sizes {
		src := config(n)
		d, err := xmldoc.Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		site := "Site" + strconv.Itoa(n)
		b.Run(sizeName(n)+"/where", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if findSite(d, site) == nil || findLocation(d, site) == nil {
					b.Fatal("not found")
				}
			}
		})
		// Every child built, as callers that use EachChild do.
		b.Run(sizeName(n)+"/each", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				count := 0
				d.Root().EachChild(func(c *xmldoc.Element) bool {
					if c.Name() == "location" {
						count++
					}
					return true
				})
				if count != n+1 {
					b.Fatalf("%d locations", count)
				}
			}
		})
	}
}

// stdTree lists elements and attributes as encoding/xml reads them.
func stdTree(t *testing.T, src []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(src))
	var b strings.Builder
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			b.WriteString(strings.Repeat(" ", depth) + tok.Name.Local)
			for _, a := range tok.Attr {
				b.WriteString(" " + a.Name.Local + "=" + a.Value)
			}
			b.WriteString("\n")
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

func ourTree(e *xmldoc.Element, depth int, b *strings.Builder) {
	b.WriteString(strings.Repeat(" ", depth) + e.Name())
	for _, a := range e.Attrs() {
		b.WriteString(" " + a.Name + "=" + a.Value)
	}
	b.WriteString("\n")
	e.EachChild(func(c *xmldoc.Element) bool {
		ourTree(c, depth+1, b)
		return true
	})
}

// TestIndexMatchesXMLParser walks a generated file, whose long lists are
// found through the child index, and compares it with encoding/xml, twice
// (the second walk reuses the index, after the elements were collected).
func TestIndexMatchesXMLParser(t *testing.T) {
	src := config(1000)
	want := stdTree(t, src)
	d, err := xmldoc.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		var b strings.Builder
		ourTree(d.Root(), 0, &b)
		if got := b.String(); got != want {
			t.Fatalf("walk %d differs from encoding/xml", i)
		}
		runtime.GC()
	}
	if !bytes.Equal(d.Bytes(), src) {
		t.Fatal("round trip not byte-identical")
	}
}

// TestIndexIdentity: an element that is held is the same *Element on every
// search, across garbage collections; one that is not held may be rebuilt.
func TestIndexIdentity(t *testing.T) {
	d, err := xmldoc.Parse(config(1000))
	if err != nil {
		t.Fatal(err)
	}
	held := findSite(d, "Site500")
	loc := findLocation(d, "Site500")
	for range 3 {
		runtime.GC()
		if findSite(d, "Site500") != held || findLocation(d, "Site500") != loc {
			t.Fatal("a held element was rebuilt as another *Element")
		}
		var viaEach *xmldoc.Element
		d.Root().EachChild(func(c *xmldoc.Element) bool {
			if p, _ := c.Attr("path"); p == "Site500" {
				viaEach = c
				return false
			}
			return true
		})
		if viaEach != loc {
			t.Fatal("EachChild and EachChildWhere disagree")
		}
	}
	if held.Parent() != d.Root().Child("system.applicationHost").Child("sites") {
		t.Fatal("parent identity lost")
	}
}

// TestIndexSeesEdits: searches see renamed, added and removed elements.
func TestIndexSeesEdits(t *testing.T) {
	src := config(1000)
	d, err := xmldoc.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	s := findSite(d, "Site700")
	s.SetAttr("name", "Renamed")
	if findSite(d, "Site700") != nil || findSite(d, "Renamed") != s {
		t.Fatal("rename not seen")
	}
	sites := s.Parent()
	n := xmldoc.NewElement("site")
	n.SetAttr("name", "Added")
	sites.InsertBefore(n, s)
	if findSite(d, "Added") != n {
		t.Fatal("insert not seen")
	}
	gone := findSite(d, "Site10")
	sites.RemoveChild(gone)
	runtime.GC()
	if findSite(d, "Site10") != nil {
		t.Fatal("removal not seen")
	}
	count := 0
	sites.EachChildNamed("site", func(*xmldoc.Element) bool { count++; return true })
	if count != 1001 { // Default Web Site + 1000 - 1 + 1
		t.Fatalf("%d sites", count)
	}
	setPingInterval(t, d, "Site999") // a new <webSocket>
	setPingInterval(t, d, "Site1000")
	out := d.Bytes()
	if _, err := xmldoc.Parse(out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `<site name="Renamed" id="701"`) ||
		!strings.Contains(string(out), "<site name=\"Added\" />\r\n            <site name=\"Renamed\"") ||
		strings.Contains(string(out), `<site name="Site10" `) {
		i := bytes.Index(out, []byte(`name="Added"`))
		t.Fatalf("edits not written as expected:\n%s", out[i-200:i+300])
	}
	for _, k := range []int{999, 1000} {
		l := findLocation(d, "Site"+strconv.Itoa(k)).Child("system.webServer").Child("webSocket")
		if v, _ := l.Attr("pingInterval"); v != "00:00:30" {
			t.Fatalf("Site%d pingInterval = %q", k, v)
		}
	}
}

// TestPositions compares line numbers, asked for in random order (they are
// counted from the last one asked for), with a plain count.
func TestPositions(t *testing.T) {
	src := config(1000)
	d, err := xmldoc.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		off := r.IntN(len(src) + 1)
		line, col := d.Position(off)
		wantLine := 1 + bytes.Count(src[:off], []byte("\n"))
		wantCol := off - bytes.LastIndexByte(src[:off], '\n')
		if line != wantLine || col != wantCol {
			t.Fatalf("Position(%d) = %d:%d, want %d:%d", off, line, col, wantLine, wantCol)
		}
	}
	if got := findSite(d, "Site1000").Line(); got != 1+bytes.Count(src[:bytes.Index(src, []byte(`<site name="Site1000"`))], []byte("\n")) {
		t.Fatalf("Line() = %d", got)
	}
}

// TestSearchesAgreeUnderEdits edits a long list at random and checks after
// each step that the searches by name and attribute (which use the index
// and its attribute cache) find exactly what a filter over EachChild finds.
func TestSearchesAgreeUnderEdits(t *testing.T) {
	d, err := xmldoc.Parse(config(1000))
	if err != nil {
		t.Fatal(err)
	}
	sites := d.Root().Child("system.applicationHost").Child("sites")
	r := rand.New(rand.NewPCG(3, 4))
	held := map[*xmldoc.Element]bool{}
	keep := func(v string, ok bool) bool { return ok && strings.HasSuffix(v, "7") }
	for step := range 300 {
		all := sites.Children()
		c := all[r.IntN(len(all))]
		switch r.IntN(5) {
		case 0:
			c.SetAttr("name", "Edited"+strconv.Itoa(step)+"7")
		case 1:
			c.RemoveAttr("name")
		case 2:
			if c.Name() == "site" {
				sites.RemoveChild(c)
			}
		case 3:
			n := xmldoc.NewElement("site")
			n.SetAttr("name", "New"+strconv.Itoa(step))
			sites.InsertBefore(n, c)
		case 4:
			held[c] = true
			runtime.GC()
		}
		var want, got []*xmldoc.Element
		sites.EachChild(func(e *xmldoc.Element) bool {
			if e.Name() == "site" && keep(e.Attr("name")) {
				want = append(want, e)
			}
			return true
		})
		sites.EachChildWhere("site", "name", keep, func(e *xmldoc.Element) bool {
			got = append(got, e)
			return true
		})
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: EachChildWhere found %d sites, EachChild %d", step, len(got), len(want))
		}
	}
	if _, err := xmldoc.Parse(d.Bytes()); err != nil {
		t.Fatal(err)
	}
}
