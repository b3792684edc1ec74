package xmldoc

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WriteTo writes the document. Untouched elements are copied from the
// source byte for byte; a document without edits is written unchanged.
//
// The writer holds the limits that Parse enforces (limits.go): a value,
// a start tag or a nesting level that Parse would refuse fails the write
// with a *LimitError. Two limits cannot always be proved on the way: the
// element count (removed elements are not counted, so an estimate over
// MaxElements is not proof of a violation) and the nesting inside an
// original element that an edit moved. Unverified then reports true, and
// the caller must Parse what was written before using it (configstore
// does, before replacing any file).
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	return d.write(w, true)
}

// write is WriteTo; limits false writes what an edit asks for even past
// the limits, for tests that check the reader refuses exactly that.
func (d *Document) write(w io.Writer, limits bool) (int64, error) {
	d.unverified = false
	if !d.changed {
		n, err := w.Write(d.src)
		return int64(n), err
	}
	cw := &countWriter{w: bufio.NewWriterSize(w, 64<<10), raw: w, src: d.src, evict: d.evict, copyRange: d.copyRange, limits: limits, maxSize: d.limits.fileSize}
	r := d.root
	cw.copySrc(0, r.start)
	d.writeElement(cw, r, 1)
	cw.copySrc(r.end, len(d.src))
	if cw.err == nil {
		cw.err = cw.w.(*bufio.Writer).Flush()
	}
	d.unverified = d.moved || d.elements+cw.added > d.limits.elements
	return cw.n, cw.err
}

// Unverified reports whether the last WriteTo could not prove that its
// output is inside every limit (see WriteTo).
func (d *Document) Unverified() bool { return d.unverified }

// Bytes returns the serialised document, even one that breaks a limit
// (for showing what an edit would do); Render checks.
func (d *Document) Bytes() []byte {
	b, _ := d.render()
	return b
}

// Render returns the serialised document, or the error that writing it
// would give: a *LimitError, or a *SyntaxError from checking an output
// that WriteTo could not verify on the way.
func (d *Document) Render() ([]byte, error) {
	b, err := d.render()
	if err == nil && d.unverified {
		_, err = ParseOptions(b, d.limits.options())
	}
	return b, err
}

func (d *Document) render() ([]byte, error) {
	if !d.changed {
		return d.src, nil
	}
	var b bytes.Buffer
	b.Grow(len(d.src) + 1024)
	_, err := d.WriteTo(&b)
	return b.Bytes(), err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error

	raw       io.Writer // the writer under w
	src       []byte
	evict     func(from, to int)
	copyRange func(w io.Writer, from, to int) error

	added   int   // new elements written
	limits  bool  // enforce the limits (see Document.write)
	maxSize int64 // the document's MaxFileSize
}

// fail records the first error.
func (c *countWriter) fail(err error) {
	if _, ok := err.(*LimitError); ok && !c.limits {
		return
	}
	if c.err == nil {
		c.err = err
	}
}

// grew checks the size written so far against MaxFileSize.
func (c *countWriter) grew() {
	if c.n > c.maxSize {
		c.fail(&LimitError{Limit: "MaxFileSize", Max: c.maxSize, What: fmt.Sprintf("the file would be more than %d bytes", c.maxSize)})
	}
}

// copyRangeMin is the size from which untouched source ranges go through
// Options.CopyRange.
const copyRangeMin = 256 << 10

// copySrc writes source bytes: large ranges through the CopyRange hook when
// there is one, else in chunks that are handed to the evict hook once
// written (the writer goes through the file once, front to back).
func (c *countWriter) copySrc(from, to int) {
	if c.copyRange != nil && to-from >= copyRangeMin && c.err == nil {
		if c.err = c.w.(*bufio.Writer).Flush(); c.err != nil {
			return
		}
		if c.err = c.copyRange(c.raw, from, to); c.err == nil {
			c.n += int64(to - from)
			c.grew()
		}
		return
	}
	if c.evict == nil || to-from < evictChunk {
		c.Write(c.src[from:to])
		return
	}
	for from < to {
		end := min(from+evictChunk, to)
		c.Write(c.src[from:end])
		c.evict(from, end)
		from = end
	}
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	c.grew()
	return n, err
}

func (c *countWriter) WriteString(s string) { c.Write([]byte(s)) }

// writeElement writes e at nesting level (the root is 1).
func (d *Document) writeElement(w *countWriter, e *Element, level int) {
	if w.err != nil {
		return
	}
	if e.start < 0 {
		d.writeNew(w, e, e.indent, level)
		return
	}
	if !e.tagDirty && !e.contentDirty && !e.descDirty {
		w.copySrc(e.start, e.end)
		return
	}
	hasChildren := false
	if e.nodesLoaded {
		for _, n := range e.nodes {
			if n.el != nil {
				hasChildren = true
				break
			}
		}
	}
	opened := e.selfClosing && hasChildren
	if e.tagDirty || opened {
		d.writeStartTag(w, e, opened)
	} else {
		w.copySrc(e.start, e.tagEnd)
	}
	if e.selfClosing && !hasChildren {
		return
	}
	if !e.nodesLoaded {
		w.copySrc(e.tagEnd, e.end)
		return
	}
	for _, n := range e.nodes {
		if n.el != nil {
			d.writeElement(w, n.el, level+1)
		} else {
			if n.start >= 0 {
				w.copySrc(n.start, n.end)
			} else {
				w.WriteString(n.s)
			}
		}
	}
	if e.selfClosing {
		w.WriteString("</" + e.name + ">")
	} else {
		w.copySrc(e.contentEnd(), e.end)
	}
}

// writeStartTag writes an original element's start tag after attribute
// edits, keeping the spacing and quotes of untouched attributes. opened
// turns a self-closing tag into an open one because children were added.
func (d *Document) writeStartTag(w *countWriter, e *Element, opened bool) {
	src := d.src
	e.loadAttrs()
	w.attrCount(e)
	w.WriteString("<" + e.name)
	sep := " "
	tailStart := e.attrsEnd
	// New attributes follow the layout of the last original one: on their
	// own line when the file puts each attribute on a line.
	for _, a := range e.attrs {
		if a.wsStart >= 0 {
			sep = string(src[a.wsStart:a.nameStart])
		}
	}
	if strings.IndexByte(sep, '\n') < 0 {
		sep = " "
	}
	for _, a := range e.attrs {
		switch {
		case a.wsStart < 0:
			w.WriteString(sep + w.name(a.Name) + "=\"" + w.value(e, a.Name, a.Value, '"') + "\"")
		case a.modified:
			w.Write(src[a.wsStart:a.valStart])
			w.WriteString(string(a.quote) + w.value(e, a.Name, a.Value, a.quote) + string(a.quote))
		default:
			w.Write(src[a.wsStart:a.valEnd])
		}
	}
	tail := src[tailStart:e.tagEnd]
	if opened {
		tail = bytes.TrimRight(bytes.TrimSuffix(tail, []byte("/>")), " \t\r\n")
		w.Write(tail)
		w.WriteString(">")
		return
	}
	w.Write(tail)
}

// writeNew writes an element created by an edit at nesting level, IIS
// style: attributes on one line, " />" when empty, children one
// indentation unit deeper.
func (d *Document) writeNew(w *countWriter, e *Element, indent string, level int) {
	if w.err != nil {
		return
	}
	w.added++
	w.attrCount(e)
	w.WriteString("<" + w.name(e.name))
	for _, a := range e.attrs {
		w.WriteString(" " + w.name(a.Name) + "=\"" + w.value(e, a.Name, a.Value, '"') + "\"")
	}
	var kids []*Element
	for _, n := range e.nodes {
		if n.el != nil {
			kids = append(kids, n.el)
		}
	}
	if len(kids) == 0 {
		w.WriteString(" />")
		return
	}
	// Parse counts the nesting of elements with an end tag; an empty
	// one may sit one level deeper.
	if level > MaxDepth {
		w.fail(&LimitError{Limit: "MaxDepth", Max: MaxDepth, What: fmt.Sprintf("<%s> would be nested %d deep", e.name, level)})
		if w.err != nil {
			return
		}
	}
	w.WriteString(">")
	inner := indent + d.indentUnit()
	for _, c := range kids {
		w.WriteString(d.newline + inner)
		if c.start >= 0 {
			d.writeElement(w, c, level+1)
		} else {
			d.writeNew(w, c, inner, level+1)
		}
	}
	w.WriteString(d.newline + indent + "</" + e.name + ">")
}

// attrCount checks the number of attributes of a start tag written anew.
func (c *countWriter) attrCount(e *Element) {
	if len(e.attrs) > MaxAttrs {
		c.fail(&LimitError{Limit: "MaxAttrs", Max: MaxAttrs, What: fmt.Sprintf("<%s> would have %d attributes", e.name, len(e.attrs))})
	}
}

// value escapes an attribute value of e. One that XML cannot hold fails
// the write, which callers should have refused with a better message; so
// does one longer than MaxAttrValue once escaped.
func (c *countWriter) value(e *Element, attr, s string, quote byte) string {
	if err := CheckValue(s); err != nil {
		c.fail(err)
	}
	v := escapeAttr(s, quote)
	if len(v) > MaxAttrValue {
		c.fail(&LimitError{Limit: "MaxAttrValue", Max: MaxAttrValue, What: fmt.Sprintf("the value of attribute %q of <%s> would be %d bytes long once escaped", attr, e.name, len(v))})
	}
	return v
}

// name is a new element or attribute name, checked like value.
func (c *countWriter) name(s string) string {
	if err := CheckName(s); err != nil && c.err == nil {
		c.err = err
	}
	return s
}

// EscapeAttr escapes a value for a double-quoted attribute: the one
// escaper of the project, used by the document writer and by appcmd's own
// XML output (/xml, the section listing).
func EscapeAttr(s string) string { return escapeAttr(s, '"') }

// escapeAttr escapes an attribute value for the given quote character.
func escapeAttr(s string, quote byte) string {
	if strings.IndexAny(s, "&<>\"'\t\n\r") < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			if quote == '"' {
				b.WriteString("&quot;")
			} else {
				b.WriteByte(c)
			}
		case '\'':
			if quote == '\'' {
				b.WriteString("&apos;")
			} else {
				b.WriteByte(c)
			}
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
