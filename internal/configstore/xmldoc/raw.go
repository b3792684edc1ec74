package xmldoc

import "bytes"

// Raw is a read-only view of an original element of an unedited document,
// read straight from the source: its name, attributes and children are
// found on each call, and no *Element is built, cached or registered. A
// check that reads each element of a large list once (validate, the
// first pass of a streamed list) uses it for what lies below the entries.
type Raw struct {
	d          *Document
	start, end int // the start tag's '<', and after the element (-1: not known yet)
	tagEnd     int // after the start tag's '>' (0: not known yet, see tag)
	nameEnd    int // after the tag name
	self       bool
}

// tag fills in where r's start tag ends and whether it closes itself,
// when not known yet: from EachAttrRaw, which read the tag to its end
// last (the checks read an element's attributes, then its children: the
// tag is read once), or by reading the tag.
func (r *Raw) tag() {
	if r.tagEnd != 0 {
		return
	}
	if t := r.d.tagRead; t[0] == r.start && t[1] != 0 {
		r.tagEnd = t[1]
	} else {
		r.tagEnd, _ = tagEnd(r.d.src, r.nameEnd)
	}
	r.self = r.d.src[r.tagEnd-2] == '/'
}

// Raw returns the element's raw view; false for a new element or once
// the document has been edited (the source is then not the content).
func (e *Element) Raw() (Raw, bool) {
	if e.doc == nil || e.start < 0 || e.doc.edits > 0 || e.doc.changed {
		return Raw{}, false
	}
	return Raw{d: e.doc, start: e.start, end: e.end, tagEnd: e.tagEnd, nameEnd: e.start + 1 + len(e.name), self: e.selfClosing}, true
}

// Name returns the tag name.
func (r Raw) Name() string {
	return r.d.rawName(r.d.src[r.start+1 : r.nameEnd])
}

// rawName is intern with a small direct-mapped cache in front of the
// names map: a check through the raw view reads the same few element and
// attribute names a million times, and comparing with the last one seen
// in a slot costs less than hashing.
func (d *Document) rawName(name []byte) string {
	if d.recent == nil {
		d.recent = new([256]string)
	}
	h := byte(len(name))
	if len(name) > 0 {
		h = h*31 + name[0]
		h = h*31 + name[len(name)/2]
		h = h*31 + name[len(name)-1]
	}
	if s := d.recent[h]; s == string(name) {
		return s
	}
	s := d.intern(name)
	d.recent[h] = s
	return s
}

// Line returns the 1-based line of the start tag (Element.Line).
func (r Raw) Line() int { return r.d.line(r.start) }

// Element returns a read-only *Element for the same source: for a check
// that reads most elements raw and builds one only where it needs the
// full reader (a merge, an error's place). The element is detached (no
// parent) and not its parent's child: it is never edited, and the same
// source read through the parent gives another *Element. (An end not
// known yet is found there.)
func (r Raw) Element() *Element {
	// originalElement, from what the raw view found already (its name's
	// end, its start tag's end).
	d := r.d
	r.tag()
	e := d.sourceElement(d.rawName(d.src[r.start+1:r.nameEnd]), r.start, r.tagEnd, r.self, r.end, nil)
	if r.end < 0 {
		// The end found is the parent's walk's too (EachChild).
		r.d.ended = [2]int{r.start, e.end}
	}
	return e
}

// Attr returns the value of the named attribute (Element.Attr), decoding
// only that value.
func (r Raw) Attr(name string) (string, bool) {
	return rawAttr(r.d.src, r.nameEnd, name)
}

// NameIs reports whether the tag name is name, without making a string.
func (r Raw) NameIs(name string) bool {
	return string(r.d.src[r.start+1:r.nameEnd]) == name
}

// rawValue is decodeAttr, with short values that need no decoding
// ("true", "00:03:00", "http", "/") kept in a direct-mapped cache: most
// attribute values of a large file are a few such words.
func (d *Document) rawValue(raw []byte) string {
	if len(raw) > 24 {
		return decodeAttr(raw)
	}
	h := uint32(len(raw))
	for _, c := range raw {
		if c == '&' || c == '\t' || c == '\r' || c == '\n' {
			return decodeAttr(raw)
		}
		h = h*31 + uint32(c)
	}
	if d.values == nil {
		d.values = new([1024]string)
	}
	slot := &d.values[h%1024]
	if *slot != string(raw) {
		*slot = string(raw)
	}
	return *slot
}

// EachAttr calls fn with each attribute's name and value (references
// resolved, white space normalised, as Attrs gives them) until it returns
// false.
func (r Raw) EachAttr(fn func(name, value string) bool) {
	r.EachAttrRaw(func(name string, raw []byte) bool { return fn(name, r.d.rawValue(raw)) })
}

// EachAttrRaw is EachAttr with each value as written (between its
// quotes, references not resolved), for a caller that needs only some
// of the values: Value or DecodeValue gives EachAttr's value of one.
func (r Raw) EachAttrRaw(fn func(name string, raw []byte) bool) {
	src := r.d.src
	p := r.nameEnd
	for {
		for isSpace(src[p]) {
			p++
		}
		if src[p] == '>' || src[p] == '/' {
			end := p + 1 // after "/>" or ">"
			if src[p] == '/' {
				end++
			}
			r.d.tagRead = [2]int{r.start, end}
			return
		}
		n := nameLen(src[p:])
		name := r.d.rawName(src[p : p+n])
		p += n
		for src[p] != '"' && src[p] != '\'' {
			p++
		}
		end := p + 1 + bytes.IndexByte(src[p+1:], src[p])
		if !fn(name, src[p+1:end]) {
			return
		}
		p = end + 1
	}
}

// Body returns the source between the start tag and the end of the
// element (its content and end tag; empty when self-closing).
func (r Raw) Body() []byte {
	r.tag()
	if r.self {
		return nil
	}
	end := r.end
	if end < 0 {
		end = skipElement(r.d.src, r.tagEnd)
	}
	return r.d.src[r.tagEnd:end]
}

// BodyLine returns the line Body starts on (that of the start tag's end).
func (r Raw) BodyLine() int {
	r.tag()
	return r.d.line(r.tagEnd)
}

// Value is the value of an attribute written raw (EachAttrRaw), as
// EachAttr gives it.
func (r Raw) Value(raw []byte) string { return r.d.rawValue(raw) }

// DecodeValue is Value without a document: references resolved and white
// space normalised, in a new string.
func DecodeValue(raw []byte) string { return decodeAttr(raw) }

// EachChild calls fn with each child element in document order until it
// returns false.
func (r Raw) EachChild(fn func(Raw) bool) {
	r.tag()
	if r.self {
		return
	}
	src := r.d.src
	if n := r.IndexedChildren(); n >= 0 {
		r.EachChildIn(0, n, fn)
		return
	}
	// Children are found in file order up to r's end tag. A child's end
	// is known without scanning its content again when fn read all its
	// children (the check walks the tree: each byte is then read once).
	p := r.tagEnd
	for {
		p += bytes.IndexByte(src[p:], '<')
		if src[p+1] == '/' {
			r.d.ended = [2]int{r.start, p + bytes.IndexByte(src[p:], '>') + 1}
			return
		}
		if n := skipMarkup(src[p:]); n > 0 {
			p += n
			continue
		}
		c := r.d.rawAt(p, -1)
		if !fn(c) {
			return
		}
		if r.d.ended[0] == p {
			p = r.d.ended[1]
			continue
		}
		if c.tag(); c.self {
			p = c.tagEnd
		} else {
			p = skipElement(src, c.tagEnd)
		}
	}
}

// EachChildExcept is EachChild without the children named name: in a
// long list those are passed over by the index alone, with no tag read
// (validate's walk over the sections beside 50,000 <location> tags).
func (r Raw) EachChildExcept(name string, fn func(Raw) bool) {
	if n := r.IndexedChildren(); n >= 0 {
		r.eachIndexed(0, n, name, fn)
		return
	}
	r.EachChild(func(c Raw) bool { return c.NameIs(name) || fn(c) })
}

// rawAt is the raw view of the element whose start tag begins at start
// and which ends at end (-1: not known yet).
func (d *Document) rawAt(start, end int) Raw {
	return Raw{d: d, start: start, end: end, nameEnd: start + 1 + nameLen(d.src[start+1:])}
}

// Offset returns the offset of the start tag in the source: the same
// element read through two views of one document (Element.Raw,
// Options.Closed) has the same offset.
func (r Raw) Offset() int { return r.start }

// IndexedChildren returns how many children r has when they are
// indexed (a long list: Document.big), or -1.
func (r Raw) IndexedChildren() int {
	if x := r.d.big[r.start]; x != nil && x.done {
		return len(x.starts)
	}
	return -1
}

// EachChildIn is EachChild over the indexed children from up to to
// (IndexedChildren), for a check that splits a long list between
// goroutines (each reading through its own Fork).
func (r Raw) EachChildIn(from, to int, fn func(Raw) bool) {
	r.eachIndexed(from, to, "", fn)
}

// eachIndexed is EachChildIn without the children named skip (if any),
// found by the index alone.
func (r Raw) eachIndexed(from, to int, skip string, fn func(Raw) bool) {
	src := r.d.src
	x := r.d.big[r.start]
	fp := nameFingerprint(skip)
	// Like the full passes, the walk lets the pages behind it go
	// (Options.Evict): a check of 50,000 <location> tags or sites touches
	// the whole file.
	r.tag()
	evicted := r.tagEnd
	if from > 0 {
		evicted = x.starts[from]
	}
	for i := from; i < to; i++ {
		start := x.starts[i]
		if r.d.evict != nil && start-evicted >= evictChunk {
			r.d.evict(evicted, start)
			evicted = start
		}
		if skip != "" && x.names[i] == fp && string(src[start+1:start+1+len(skip)]) == skip && !isNameByte(src[start+1+len(skip)]) {
			continue
		}
		c := r.d.rawAt(start, x.ends[i])
		if !fn(c) {
			return
		}
	}
}

// Fork returns r read through a Fork of its document, for another
// goroutine; false when the document cannot be forked (edited).
func (r Raw) Fork() (Raw, bool) {
	f := r.d.Fork()
	if f == nil {
		return Raw{}, false
	}
	r.d = f
	return r, true
}

// Fork returns a read-only twin of an unedited document for another
// goroutine: the same source, line index and indexes of long lists, but
// its own elements and caches (names, the raw view's, line counting), so
// two goroutines can read one file at once, each through its own
// document (validate's <location> pass beside its other checks). Neither
// may be edited while the other is read; nil once d has been edited.
func (d *Document) Fork() *Document {
	if d.edits > 0 || d.changed {
		return nil
	}
	f := &Document{limits: d.limits, src: d.src, newline: d.newline, unit: d.unit, evict: d.evict,
		copyRange: d.copyRange, lines: d.lines, elements: d.elements}
	if len(d.big) > 0 {
		// A complete index never changes again: its lists are shared.
		// What grows as it is read (the elements found, the attribute
		// caches, an index not complete yet) is the twin's own.
		f.big = make(map[int]*childIndex, len(d.big))
		for start, x := range d.big {
			if x.done {
				f.big[start] = &childIndex{starts: x.starts, ends: x.ends, names: x.names, known: x.known, limit: x.limit, done: true}
			}
		}
	}
	if d.root != nil { // (a list's own document, Options.Closed, has none)
		f.root = f.originalElement(d.root.start, d.root.end, nil)
		f.root.inList = true
	}
	return f
}
