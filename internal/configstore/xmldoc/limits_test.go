package xmldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// The writer must hold every limit the reader holds (issue 13): what
// WriteTo writes, Parse reads, and what WriteTo refuses, Parse would have
// refused. These tests check both sides at and just over every limit in
// limits.go.

// within is the Options that lower MaxElements and MaxFileSize.
func within(elements int, size int64) Options {
	return Options{MaxElements: elements, MaxFileSize: size}
}

// chain returns n nested new elements; the innermost gets inner.
func chain(n int, inner *Element) *Element {
	top := NewElement("n")
	cur := top
	for i := 1; i < n; i++ {
		c := NewElement("n")
		cur.AppendChild(c)
		cur = c
	}
	if inner != nil {
		cur.AppendChild(inner)
	}
	return top
}

// escapedTo returns a value whose escaped form is exactly n bytes: '&'
// becomes 5 bytes, '"' 6.
func escapedTo(n int) string {
	k := n / 6
	return strings.Repeat(`"`, k) + strings.Repeat("&", (n-6*k)/5) + strings.Repeat("a", (n-6*k)%5)
}

func TestWriterLimits(t *testing.T) {
	const src = "<?xml version=\"1.0\"?>\n<configuration>\n    <a x='1' />\n</configuration>\n"
	manyAttrs := func(e *Element, n int) {
		for i := len(e.Attrs()); i < n; i++ {
			e.SetAttr(fmt.Sprintf("a%d", i), "v")
		}
	}
	tests := []struct {
		name  string
		edit  func(d *Document)
		limit string // "" when the edit is inside every limit
	}{
		{"value at MaxAttrValue", func(d *Document) { d.Root().Child("a").SetAttr("v", strings.Repeat("z", MaxAttrValue)) }, ""},
		{"value over MaxAttrValue", func(d *Document) { d.Root().Child("a").SetAttr("v", strings.Repeat("z", MaxAttrValue+1)) }, "MaxAttrValue"},
		{"escaped value at MaxAttrValue", func(d *Document) { d.Root().Child("a").SetAttr("v", escapedTo(MaxAttrValue)) }, ""},
		{"escaped value over MaxAttrValue", func(d *Document) { d.Root().Child("a").SetAttr("v", escapedTo(MaxAttrValue+1)) }, "MaxAttrValue"},
		// x is in single quotes: ' is escaped there (6 bytes), " is not.
		{"modified value in single quotes at MaxAttrValue", func(d *Document) {
			d.Root().Child("a").SetAttr("x", strings.Repeat("'", MaxAttrValue/6)+strings.Repeat(`"`, MaxAttrValue%6))
		}, ""},
		{"modified value in single quotes over MaxAttrValue", func(d *Document) {
			d.Root().Child("a").SetAttr("x", strings.Repeat("'", MaxAttrValue/6)+strings.Repeat(`"`, MaxAttrValue%6+1))
		}, "MaxAttrValue"},
		{"new element's value over MaxAttrValue", func(d *Document) {
			e := NewElement("b")
			e.SetAttr("v", escapedTo(MaxAttrValue+1))
			d.Root().AppendChild(e)
		}, "MaxAttrValue"},
		{"MaxAttrs on an original element", func(d *Document) { manyAttrs(d.Root().Child("a"), MaxAttrs) }, ""},
		{"MaxAttrs+1 on an original element", func(d *Document) { manyAttrs(d.Root().Child("a"), MaxAttrs+1) }, "MaxAttrs"},
		{"MaxAttrs on a new element", func(d *Document) {
			e := NewElement("b")
			manyAttrs(e, MaxAttrs)
			d.Root().AppendChild(e)
		}, ""},
		{"MaxAttrs+1 on a new element", func(d *Document) {
			e := NewElement("b")
			manyAttrs(e, MaxAttrs+1)
			d.Root().AppendChild(e)
		}, "MaxAttrs"},
		// The root is level 1: a chain of MaxDepth-1 below it reaches
		// MaxDepth with an end tag; an empty element may sit one deeper.
		{"nesting at MaxDepth", func(d *Document) { d.Root().AppendChild(chain(MaxDepth-1, nil)) }, ""},
		{"empty element at MaxDepth+1", func(d *Document) { d.Root().AppendChild(chain(MaxDepth-1, NewElement("leaf"))) }, ""},
		{"nesting over MaxDepth", func(d *Document) { d.Root().AppendChild(chain(MaxDepth, NewElement("leaf"))) }, "MaxDepth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(d)
			out, err := d.Render()
			var le *LimitError
			if tc.limit == "" {
				if err != nil {
					t.Fatalf("refused an edit inside the limits: %v", err)
				}
				back, err := Parse(out)
				if err != nil {
					t.Fatalf("the reader refuses what the writer wrote: %v", err)
				}
				if diff := sameTree(d.Root(), back.Root()); diff != "" {
					t.Fatalf("read back differently: %s", diff)
				}
				return
			}
			if !errors.As(err, &le) || le.Limit != tc.limit {
				t.Fatalf("error %v, want a %s LimitError", err, tc.limit)
			}
			if !strings.Contains(err.Error(), tc.limit) || !strings.Contains(err.Error(), "nothing was written") {
				t.Errorf("message does not name the limit: %v", err)
			}
			// Unchecked, the writer's output is what the reader refuses.
			var b bytes.Buffer
			d.write(&b, false)
			if _, err := Parse(b.Bytes()); err == nil {
				t.Errorf("the writer refused a file the reader accepts")
			}
		})
	}
}

// TestWriterLimitsElementsAndSize checks MaxElements and MaxFileSize at
// sizes a test can afford, by lowering them for reader and writer alike.
func TestWriterLimitsElementsAndSize(t *testing.T) {
	const src = "<configuration><a/><b/></configuration>" // 3 elements, 39 bytes
	add := func(n int) func(d *Document) {
		return func(d *Document) {
			for range n {
				d.Root().AppendChild(NewElement("c"))
			}
		}
	}
	for _, tc := range []struct {
		name     string
		elements int
		size     int64
		edit     func(d *Document)
		refused  bool
	}{
		{"elements at the limit", 5, 1 << 20, add(2), false},
		{"elements over the limit", 5, 1 << 20, add(3), true},
		// An estimate over the limit that removals bring back under is
		// checked exactly, not refused.
		{"elements back under the limit", 5, 1 << 20, func(d *Document) {
			add(3)(d)
			d.Root().RemoveChild(d.Root().Child("a"))
		}, false},
		{"size at the limit", 100, 39 + 10, func(d *Document) { d.Root().SetAttr("v", "12345") }, false}, // ` v="12345"` is 10 bytes
		{"size over the limit", 100, 39 + 10, func(d *Document) { d.Root().SetAttr("v", "123456") }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseOptions([]byte(src), within(tc.elements, tc.size))
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(d)
			out, err := d.Render()
			if tc.size == 39+10 && !tc.refused && len(out) != 49 {
				t.Fatalf("the size case is off: %d bytes %q", len(out), out)
			}
			switch {
			case tc.refused && err == nil:
				t.Fatalf("written past the limit: %q", out)
			case !tc.refused && err != nil:
				t.Fatalf("refused inside the limit: %v", err)
			case !tc.refused:
				if _, err := ParseOptions(out, within(tc.elements, tc.size)); err != nil {
					t.Fatalf("the reader refuses what the writer wrote: %v", err)
				}
			}
		})
	}
}

// TestWriterVerifiesMovedElements moves an original element that has a
// child to a deeper place: the writer cannot see the nesting inside it, so
// Render checks its output and refuses it.
func TestWriterVerifiesMovedElements(t *testing.T) {
	src := "<configuration>" + strings.Repeat("<a>", MaxDepth-2) + "<x><y/></x>" + strings.Repeat("</a>", MaxDepth-2) + "</configuration>"
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("the source is inside the limits: %v", err)
	}
	deepest := d.Root()
	for deepest.Child("a") != nil {
		deepest = deepest.Child("a")
	}
	x := deepest.Child("x")
	deepest.RemoveChild(x)
	n := NewElement("n")
	deepest.AppendChild(n)
	n.AppendChild(x)
	if _, err := d.WriteTo(io.Discard); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if !d.Unverified() {
		t.Fatal("a moved element left the output unverified = false")
	}
	var se *SyntaxError
	if _, err := d.Render(); !errors.As(err, &se) || !strings.Contains(se.Msg, "nested more than") {
		t.Fatalf("Render: %v, want the reader's nesting error", err)
	}
}

// sameTree compares two element trees: names, attributes (in order) and
// children.
func sameTree(a, b *Element) string {
	if a.Name() != b.Name() {
		return fmt.Sprintf("<%s> vs <%s>", a.Name(), b.Name())
	}
	aa, ba := a.Attrs(), b.Attrs()
	if len(aa) != len(ba) {
		return fmt.Sprintf("<%s>: %d attributes vs %d", a.Name(), len(aa), len(ba))
	}
	for i := range aa {
		if aa[i].Name != ba[i].Name || aa[i].Value != ba[i].Value {
			return fmt.Sprintf("<%s>: attribute %s=%.40q vs %s=%.40q", a.Name(), aa[i].Name, aa[i].Value, ba[i].Name, ba[i].Value)
		}
	}
	ac, bc := a.Children(), b.Children()
	if len(ac) != len(bc) {
		return fmt.Sprintf("<%s>: %d children vs %d", a.Name(), len(ac), len(bc))
	}
	for i := range ac {
		if d := sameTree(ac[i], bc[i]); d != "" {
			return d
		}
	}
	return ""
}

// TestWriteReadProperty applies random valid edits to real-looking
// documents and checks the writer against the reader: an accepted write
// reads back as the same tree; a refused one is a LimitError, and the
// unchecked output is a file the reader refuses. Values, attribute counts,
// nesting, element counts and sizes are drawn at, under and over the
// limits now and then.
func TestWriteReadProperty(t *testing.T) {
	seeds := []string{
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n    <system.webServer>\r\n        <webSocket enabled=\"true\" />\r\n    </system.webServer>\r\n</configuration>\r\n",
		"<configuration><location path='Default Web Site'><system.webServer><httpProtocol><customHeaders><add name='a' value='1'/></customHeaders></httpProtocol></system.webServer></location></configuration>",
		"<configuration>\n\t<!-- c -->\n\t<a x=\"&amp;&#x9;\"><b/><b/></a>\n</configuration>\n",
	}
	alphabet := []string{"a", "Z", "0", " ", "&", "<", ">", `"`, "'", "\t", "\n", "\r", "é", "日", "🙂", "]]>", "&amp;"}
	r := rand.New(rand.NewPCG(13, 1))
	value := func() string {
		switch r.IntN(40) {
		case 0: // around MaxAttrValue once escaped
			return escapedTo(MaxAttrValue - 2 + r.IntN(5))
		case 1:
			return strings.Repeat("x", MaxAttrValue-1+r.IntN(3))
		}
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	iterations := 300
	if testing.Short() {
		iterations = 60
	}
	var accepted, refused int
	refusedBy := map[string]int{}
	for it := range iterations {
		src := seeds[r.IntN(len(seeds))]
		d, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		// A fifth of the runs lower the element and size limits to just
		// above the seed's, so that random edits reach them.
		lowered := it%5 == 4
		if lowered {
			d.limits = sizeLimits{elements: d.elements + r.IntN(3), fileSize: int64(len(src) + r.IntN(60))}
		}
		opts := d.limits.options()
		var all []*Element
		var collect func(e *Element)
		collect = func(e *Element) {
			all = append(all, e)
			for _, c := range e.Children() {
				collect(c)
			}
		}
		collect(d.Root())
		for range 1 + r.IntN(6) {
			e := all[r.IntN(len(all))]
			switch r.IntN(7) {
			case 0, 1:
				e.SetAttr(fmt.Sprintf("k%d", r.IntN(4)), value())
			case 2:
				if as := e.Attrs(); len(as) > 0 {
					e.RemoveAttr(as[r.IntN(len(as))].Name)
				}
			case 3:
				c := NewElement(fmt.Sprintf("n%d", r.IntN(3)))
				c.SetAttr("v", value())
				if r.IntN(30) == 0 { // around MaxAttrs
					for i := range MaxAttrs - 2 + r.IntN(4) {
						c.SetAttr(fmt.Sprintf("m%d", i), "v")
					}
				}
				e.AppendChild(c)
				all = append(all, c)
			case 4:
				if r.IntN(15) == 0 { // around MaxDepth
					level := 1
					for p := e.Parent(); p != nil; p = p.Parent() {
						level++
					}
					e.AppendChild(chain(MaxDepth-level-1+r.IntN(3), NewElement("leaf")))
				}
			case 5:
				if p := e.Parent(); p != nil && e.Parent() != nil {
					p.RemoveChild(e)
					for i := range all {
						if all[i] == e {
							all = append(all[:i], all[i+1:]...)
							break
						}
					}
				}
			case 6:
				if k := e.Children(); len(k) > 0 && k[0].Children() == nil {
					// Move a leaf under a sibling: the writer must verify.
					c := k[0]
					e.RemoveChild(c)
					if len(k) > 1 {
						k[1].AppendChild(c)
					} else {
						e.AppendChild(c)
					}
				}
			}
		}
		out, err := d.Render()
		var le *LimitError
		var se *SyntaxError
		switch {
		case err == nil:
			accepted++
			back, perr := ParseOptions(out, opts)
			if perr != nil {
				t.Fatalf("run %d: the reader refuses what the writer wrote: %v", it, perr)
			}
			if diff := sameTree(d.Root(), back.Root()); diff != "" {
				t.Fatalf("run %d: read back differently: %s", it, diff)
			}
		case errors.As(err, &le):
			refused++
			refusedBy[le.Limit]++
			var b bytes.Buffer
			d.write(&b, false)
			if _, perr := ParseOptions(b.Bytes(), opts); perr == nil {
				t.Fatalf("run %d: the writer refused (%v) a file the reader accepts", it, err)
			}
		case errors.As(err, &se):
			refused++
			refusedBy["checked after writing"]++
		default:
			t.Fatalf("run %d: %v", it, err)
		}
	}
	t.Logf("%d runs: %d written and read back, %d refused %v", iterations, accepted, refused, refusedBy)
	if accepted == 0 || refused == 0 {
		t.Errorf("the runs never reached one side of the limits (accepted %d, refused %d)", accepted, refused)
	}
}
