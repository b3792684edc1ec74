package xmldoc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

const corpus = "../../../../shared/corpus"

// walk loads every element and attribute so lazy parsing is exercised too.
func walk(e *Element) int {
	n := 1
	e.Attrs()
	for _, c := range e.Children() {
		n += walk(c)
	}
	return n
}

func TestCorpusRoundTrip(t *testing.T) {
	for _, f := range testenv.CorpusFiles(t, corpus, "apphost", "apphost-full", "webconfig") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(src)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		walk(d.Root())
		if got := d.Bytes(); !bytes.Equal(got, src) {
			t.Errorf("%s: unchanged document not byte-identical", filepath.Base(f))
		}
		// Forcing every element through the dirty path must still reproduce
		// the source exactly.
		markAll(d.Root())
		d.changed = true
		if got := d.Bytes(); !bytes.Equal(got, src) {
			t.Errorf("%s: rewritten document not byte-identical:\n%s", filepath.Base(f), firstDiff(src, got))
		}
	}
}

func markAll(e *Element) {
	e.pin()
	e.loadAttrs()
	e.load()
	e.tagDirty, e.contentDirty, e.descDirty = true, true, true
	for _, c := range e.Children() {
		markAll(c)
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return "want: " + string(a[lo:min(len(a), i+80)]) + "\n got: " + string(b[lo:min(len(b), i+80)])
}

func TestMalformedCorpus(t *testing.T) {
	want := map[string]int{
		"01-Azure-Samples-nodejs-docs-hello-world.config": 62,
		"02-tjanczuk-iisnode.config":                      125,
	}
	for _, f := range testenv.CorpusFiles(t, corpus, "malformed") {
		src, _ := os.ReadFile(f)
		_, err := Parse(src)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("%s: err = %v, want SyntaxError", filepath.Base(f), err)
			continue
		}
		if se.Line != want[filepath.Base(f)] {
			t.Errorf("%s: line %d, want %d (%v)", filepath.Base(f), se.Line, want[filepath.Base(f)], err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, msg string
		line           int
	}{
		{"doctype", "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", "DTD", 1},
		{"entity", "<x a='&foo;'/>", "unknown entity", 1},
		{"bare amp", "<x>\n a & b</x>", "'&'", 2},
		{"mismatch", "<a>\n<b>\n</a>", "mismatched end tag", 3},
		{"unclosed", "<a>\n<b/>", "not closed", 2},
		{"dup attr", "<a x='1' x='2'/>", "duplicate attribute", 1},
		{"unquoted", "<a x=1/>", "quoted", 1},
		{"lt in attr", "<a x='<'/>", "'<'", 1},
		{"two roots", "<a/><b/>", "one root", 1},
		{"text after", "<a/>x", "after the root", 1},
		{"empty", "  ", "no root", 1},
		{"decl late", "<a><?xml version='1.0'?></a>", "declaration", 1},
		{"no space", "<a x='1'y='2'/>", "white space", 1},
		{"utf16", "\xff\xfe<\x00", "UTF-16", 1},
		{"truncated end tag", "<a>\n</a", "end of file in end tag", 2},
		{"too deep", "<r>\n" + strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth) + "</r>", "nested more than 1000 deep", 2},
		{"deep enough", "<r>" + strings.Repeat("<a>", MaxDepth-1) + strings.Repeat("</a>", MaxDepth-1) + "</r>\n<", "root", 2},
		{"long value", "<a\nx='" + strings.Repeat("v", MaxAttrValue+1) + "'/>", "longer than 4194304 bytes", 2},
		{"long unterminated value", "<a\nx='" + strings.Repeat("v", MaxAttrValue+10), "longer than 4194304 bytes", 2},
		{"long enough value", "<a x='" + strings.Repeat("v", MaxAttrValue) + "'/>\n<", "root", 2},
		{"many attributes", "<a" + strings.Repeat(" x", 0) + manyAttrs(MaxAttrs+1) + "/>", "more than 1000 attributes", 1},
		{"bad char before structure error", "<a>\x01\n</b>", "invalid character", 1},
		{"bad char where the structure breaks", "<a>\n<b \x00c='1'/></a>", "invalid character", 2},
		{"structure error before bad char", "<a>\n</b>\x01", "mismatched", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("err = %v, want SyntaxError", err)
			}
			if !strings.Contains(se.Msg, tt.msg) || se.Line != tt.line {
				t.Errorf("got %v, want line %d containing %q", err, tt.line, tt.msg)
			}
		})
	}
}

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " a%d=''", i)
	}
	return b.String()
}

// TestLargeFileErrorOrder: in a file big enough for the parallel character
// check, the earlier of a bad character and a structure error is reported.
func TestLargeFileErrorOrder(t *testing.T) {
	pad := "<r>" + strings.Repeat("<a x='1'/>\n", parallelCheck/10)
	for _, tt := range []struct{ src, msg string }{
		{pad + "\x01</r>", "invalid character"},
		{pad + "</b>\x01</r>", "mismatched"},
		{"<r>\x01" + pad + "</b>", "invalid character"},
		{pad + "<b \x00c='1'/></r>", "invalid character"},
	} {
		_, err := Parse([]byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("got %v, want %q", err, tt.msg)
		}
	}
}

func mustParse(t *testing.T, s string) *Document {
	t.Helper()
	d, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func path(e *Element, names ...string) *Element {
	for _, n := range names {
		e = e.Child(n)
	}
	return e
}

func TestEdits(t *testing.T) {
	const crlf = "\uFEFF<?xml version=\"1.0\"?>\r\n<configuration>\r\n    <system.webServer>\r\n        <webSocket enabled='true'   pingInterval=\"00:00:05\" />\r\n        <defaultDocument>\r\n            <files>\r\n                <!-- keep -->\r\n                <add value=\"a.htm\" />\r\n            </files>\r\n        </defaultDocument>\r\n    </system.webServer>\r\n</configuration>"
	tests := []struct {
		name string
		src  string
		edit func(d *Document)
		want string
	}{
		{"set existing keeps quotes and spacing", crlf, func(d *Document) {
			path(d.Root(), "system.webServer", "webSocket").SetAttr("enabled", "false")
		}, strings.Replace(crlf, "enabled='true'", "enabled='false'", 1)},
		{"set same value is no edit", crlf, func(d *Document) {
			path(d.Root(), "system.webServer", "webSocket").SetAttr("enabled", "true")
		}, crlf},
		{"add attribute", crlf, func(d *Document) {
			path(d.Root(), "system.webServer", "webSocket").SetAttr("receiveBufferLimit", "8192")
		}, strings.Replace(crlf, `"00:00:05" />`, `"00:00:05" receiveBufferLimit="8192" />`, 1)},
		{"remove attribute", crlf, func(d *Document) {
			path(d.Root(), "system.webServer", "webSocket").RemoveAttr("pingInterval")
		}, strings.Replace(crlf, `   pingInterval="00:00:05"`, ``, 1)},
		{"append child copies sibling indent and CRLF", crlf, func(d *Document) {
			a := NewElement("add")
			a.SetAttr("value", "b & c.htm")
			path(d.Root(), "system.webServer", "defaultDocument", "files").AppendChild(a)
		}, strings.Replace(crlf, "<add value=\"a.htm\" />\r\n", "<add value=\"a.htm\" />\r\n                <add value=\"b &amp; c.htm\" />\r\n", 1)},
		{"insert before", crlf, func(d *Document) {
			f := path(d.Root(), "system.webServer", "defaultDocument", "files")
			f.InsertBefore(NewElement("clear"), f.Child("add"))
		}, strings.Replace(crlf, "<add value=\"a.htm\" />", "<clear />\r\n                <add value=\"a.htm\" />", 1)},
		{"remove child", crlf, func(d *Document) {
			f := path(d.Root(), "system.webServer", "defaultDocument", "files")
			f.RemoveChild(f.Child("add"))
		}, strings.Replace(crlf, "\r\n                <add value=\"a.htm\" />", "", 1)},
		{"open self-closing element", crlf, func(d *Document) {
			ws := path(d.Root(), "system.webServer", "webSocket")
			ws.AppendChild(NewElement("x"))
		}, strings.Replace(crlf, `"00:00:05" />`, "\"00:00:05\">\r\n            <x />\r\n        </webSocket>", 1)},
		{"new subtree at root", crlf, func(d *Document) {
			loc := NewElement("location")
			loc.SetAttr("path", "Default Web Site")
			sw := NewElement("system.webServer")
			ws := NewElement("webSocket")
			ws.SetAttr("pingInterval", "00:00:10")
			sw.AppendChild(ws)
			loc.AppendChild(sw)
			d.Root().AppendChild(loc)
		}, strings.Replace(crlf, "    </system.webServer>\r\n</configuration>", "    </system.webServer>\r\n    <location path=\"Default Web Site\">\r\n        <system.webServer>\r\n            <webSocket pingInterval=\"00:00:10\" />\r\n        </system.webServer>\r\n    </location>\r\n</configuration>", 1)},
		{"tabs and LF", "<configuration>\n\t<a>\n\t\t<b />\n\t</a>\n</configuration>\n", func(d *Document) {
			path(d.Root(), "a").AppendChild(NewElement("c"))
			d.Root().AppendChild(NewElement("d"))
		}, "<configuration>\n\t<a>\n\t\t<b />\n\t\t<c />\n\t</a>\n\t<d />\n</configuration>\n"},
		{"empty parent gets unit indent", "<configuration>\n  <a />\n  <b></b>\n</configuration>", func(d *Document) {
			path(d.Root(), "b").AppendChild(NewElement("c"))
		}, "<configuration>\n  <a />\n  <b>\n    <c />\n  </b>\n</configuration>"},
		{"after trailing comment", "<r>\n  <a>\n    <b />\n    <!-- c --></a>\n</r>", func(d *Document) {
			path(d.Root(), "a").AppendChild(NewElement("n"))
		}, "<r>\n  <a>\n    <b />\n    <!-- c -->\n    <n />\n  </a>\n</r>"},
		{"multi-line attributes", "<r>\n  <a\n    x=\"1\"\n    y=\"2\" />\n</r>", func(d *Document) {
			path(d.Root(), "a").SetAttr("z", "3")
		}, "<r>\n  <a\n    x=\"1\"\n    y=\"2\"\n    z=\"3\" />\n</r>"},
		{"entities kept", "<r a=\"&#xA;x&amp;\" b='1'/>", func(d *Document) {
			d.Root().SetAttr("b", "2")
		}, "<r a=\"&#xA;x&amp;\" b='2'/>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.src)
			tt.edit(d)
			got := string(d.Bytes())
			if got != tt.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.want)
			}
			if _, err := Parse([]byte(got)); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
		})
	}
}

func TestAttrDecoding(t *testing.T) {
	d := mustParse(t, "<r a=\"x&#xA;y&lt;&quot;\" b='l1\nl2'/>")
	if v, _ := d.Root().Attr("a"); v != "x\ny<\"" {
		t.Errorf("a = %q", v)
	}
	if v, _ := d.Root().Attr("b"); v != "l1 l2" {
		t.Errorf("b = %q", v)
	}
}

func TestLines(t *testing.T) {
	d := mustParse(t, "<r>\r\n  <a\r\n     x='1'/>\r\n</r>")
	a := d.Root().Child("a")
	if a.Line() != 2 || a.AttrLine("x") != 3 {
		t.Errorf("lines %d %d", a.Line(), a.AttrLine("x"))
	}
}

// TestLineIndex checks line numbers of a large file (which uses the line
// index built while checking) against a plain count, and that evicted
// pages do not change what the document reads.
func TestLineIndex(t *testing.T) {
	var b strings.Builder
	b.WriteString("<configuration>\r\n")
	for i := 0; b.Len() < 3<<20; i++ {
		b.WriteString("  <location path=\"site" + strings.Repeat("x", i%50) + "\">\r\n    <a b=\"c\" />\r\n  </location>\r\n")
	}
	b.WriteString("</configuration>\r\n")
	src := []byte(b.String())
	evicted := 0
	d, err := ParseOptions(src, Options{Evict: func(from, to int) { evicted += to - from }})
	if err != nil {
		t.Fatal(err)
	}
	if d.lines == nil || evicted == 0 {
		t.Fatalf("no line index (%d) or no eviction (%d)", len(d.lines), evicted)
	}
	for _, off := range []int{0, 1, lineBlock - 1, lineBlock, lineBlock + 1, 5*lineBlock + 17, len(src) / 2, len(src) - 1, len(src)} {
		want := 1 + bytes.Count(src[:off], []byte{'\n'})
		if got := d.line(off); got != want {
			t.Errorf("line(%d) = %d, want %d", off, got, want)
		}
	}
	last := d.Root().Children()
	if got, want := last[len(last)-1].Line(), 1+bytes.Count(src[:bytes.LastIndex(src, []byte("<location"))], []byte{'\n'}); got != want {
		t.Errorf("last location on line %d, want %d", got, want)
	}
}

// TestLineStart checks LineStart against a plain count, on a small
// document and on one large enough for the block index (lines of varying
// length, some crossing block boundaries).
func TestLineStart(t *testing.T) {
	var b strings.Builder
	b.WriteString("<r>\n")
	for i := 0; b.Len() < 3*lineBlock+100; i++ {
		fmt.Fprintf(&b, "<a x='%s'/>\r\n", strings.Repeat("y", i%700))
	}
	b.WriteString("</r>")
	for _, tt := range []struct {
		name, src string
		opt       Options
	}{
		{"small", "<r>\n<a/>\n\n<b/></r>", Options{}},
		{"indexed", b.String(), Options{ParallelCheck: -1}},
		{"large, not indexed", b.String(), Options{}},
	} {
		d, err := ParseOptions([]byte(tt.src), tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		if (tt.name == "indexed") != (d.lines != nil) {
			t.Fatalf("%s: block index %v: the test does not reach the path it names", tt.name, d.lines != nil)
		}
		want := []int{0}
		for i := 0; i < len(tt.src); i++ {
			if tt.src[i] == '\n' {
				want = append(want, i+1)
			}
		}
		for line := 0; line <= len(want)+1; line++ {
			w := -1
			if line >= 1 && line <= len(want) {
				w = want[line-1]
			}
			if got := d.LineStart(line); got != w {
				t.Fatalf("%s: LineStart(%d) = %d, want %d", tt.name, line, got, w)
			}
		}
	}
}
