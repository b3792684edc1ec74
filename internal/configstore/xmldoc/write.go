package xmldoc

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// WriteTo writes the document. Untouched elements are copied from the
// source byte for byte; a document without edits is written unchanged.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	if !d.changed {
		n, err := w.Write(d.src)
		return int64(n), err
	}
	cw := &countWriter{w: bufio.NewWriterSize(w, 64<<10), raw: w, src: d.src, evict: d.evict, copyRange: d.copyRange}
	r := d.root
	cw.copySrc(0, r.start)
	d.writeElement(cw, r)
	cw.copySrc(r.end, len(d.src))
	if cw.err == nil {
		cw.err = cw.w.(*bufio.Writer).Flush()
	}
	return cw.n, cw.err
}

// Bytes returns the serialised document.
func (d *Document) Bytes() []byte {
	if !d.changed {
		return d.src
	}
	var b bytes.Buffer
	b.Grow(len(d.src) + 1024)
	d.WriteTo(&b)
	return b.Bytes()
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error

	raw       io.Writer // the writer under w
	src       []byte
	evict     func(from, to int)
	copyRange func(w io.Writer, from, to int) error
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
	return n, err
}

func (c *countWriter) WriteString(s string) { c.Write([]byte(s)) }

func (d *Document) writeElement(w *countWriter, e *Element) {
	if e.start < 0 {
		d.writeNew(w, e, e.indent)
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
			d.writeElement(w, n.el)
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
			w.WriteString(sep + w.name(a.Name) + "=\"" + w.value(a.Value, '"') + "\"")
		case a.modified:
			w.Write(src[a.wsStart:a.valStart])
			w.WriteString(string(a.quote) + w.value(a.Value, a.quote) + string(a.quote))
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

// writeNew writes an element created by an edit, IIS style: attributes on
// one line, " />" when empty, children one indentation unit deeper.
func (d *Document) writeNew(w *countWriter, e *Element, indent string) {
	w.WriteString("<" + w.name(e.name))
	for _, a := range e.attrs {
		w.WriteString(" " + w.name(a.Name) + "=\"" + w.value(a.Value, '"') + "\"")
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
	w.WriteString(">")
	inner := indent + d.indentUnit()
	for _, c := range kids {
		w.WriteString(d.newline + inner)
		if c.start >= 0 {
			d.writeElement(w, c)
		} else {
			d.writeNew(w, c, inner)
		}
	}
	w.WriteString(d.newline + indent + "</" + e.name + ">")
}

// value escapes an attribute value; one that XML cannot hold fails the
// write, which callers should have refused with a better message.
func (c *countWriter) value(s string, quote byte) string {
	if err := CheckValue(s); err != nil && c.err == nil {
		c.err = err
	}
	return escapeAttr(s, quote)
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
