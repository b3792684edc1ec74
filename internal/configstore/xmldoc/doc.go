// Package xmldoc is a format-preserving XML document for IIS configuration
// files.
//
// A Document keeps the original bytes. Elements are located by byte offsets
// and built lazily, one level at a time, so a 50 MB applicationHost.config
// costs little more memory than its bytes. Edits mark elements dirty; on save
// every clean element is copied byte for byte, and only the start tags and
// child lists that were edited are written anew, in the file's own style
// (quote character, line ending, indentation of the siblings).
//
// A document that is loaded and saved without edits is byte-identical,
// including a BOM, CRLF line endings, tabs, comments, entity references,
// attribute spacing and a missing final newline.
package xmldoc

import (
	"bytes"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
	"weak"
)

// Document is a parsed configuration file.
type Document struct {
	limits  sizeLimits // held by the reader and the writer
	src     []byte
	root    *Element
	newline string
	unit    string // indentation unit, detected on first use
	changed bool
	edits   uint64 // counts edits, for caches of what the document says

	// lineOff and lineNum are a known offset and its line number, so that
	// lines near the last one asked for are counted from there.
	lineOff, lineNum int

	// big keeps the child index of every element of at least bigElement
	// source bytes for the document's lifetime, by start offset: the
	// element itself may be collected and built again, but its children
	// are then found without scanning its content again.
	big    map[int]*childIndex
	names  map[string]string // element names, each allocated once
	recent *[256]string      // names the raw view read last (rawName)
	values *[1024]string     // short values it read last (rawValue)
	ended  [2]int            // start and end of the element Raw.EachChild read last to its end
	// tagRead is the start of the element Raw.EachAttrRaw read last to
	// the end of its start tag, and that end (Raw.tag).
	tagRead [2]int

	evict     func(from, to int)                    // see Options.Evict
	copyRange func(w io.Writer, from, to int) error // see Options.CopyRange

	// lines[k] counts the line breaks in src[:(k+1)*lineBlock], for large
	// files: a line number then reads at most one block of the file.
	lines []int32

	// elements is how many elements the source holds, and moved is set
	// when an original element was attached somewhere again (its nesting
	// may have changed): the writer's limit checks (write.go) use both.
	elements int
	moved    bool
	// unverified is set by WriteTo when the cheap checks could not prove
	// that the output is inside every limit (see Unverified).
	unverified bool
}

// Options tune Parse.
type Options struct {
	// Evict, when set, is called with source ranges that a pass over the
	// whole file (the check in Parse, the copy in WriteTo) has finished
	// with. A caller that maps the file can drop those pages from memory;
	// they are read back from the page cache if the document needs them
	// again, so a huge file never has to be resident at once.
	Evict func(from, to int)
	// CopyRange, when set, writes source bytes [from, to) to w by other
	// means than copying them from memory; configstore copies from the
	// original file, which the kernel can do without reading the pages
	// into this process (copy_file_range). It is used for large untouched
	// ranges when WriteTo's writer is the destination file itself.
	CopyRange func(w io.Writer, from, to int) error
	// ParallelCheck is the size from which the check in Parse reads the
	// characters beside the structure (0: 1 MiB; negative: always); tests
	// use it to run the parallel path on small inputs.
	ParallelCheck int
	// MaxElements and MaxFileSize lower the limits of the same names for
	// this document, when positive; tests use them.
	MaxElements int
	MaxFileSize int64
	// Closed, when set, is called by the check in Parse each time it has
	// read a long list to its end (an element whose children it indexes:
	// see Document.big), with the names of the list's element and its
	// ancestors from the root, and a read-only view of the list through
	// a document of its own. The caller may read the view on another
	// goroutine while the check reads on (validate checks the sites
	// while the <location> tags are read), but only while src is valid:
	// Parse may still fail after it.
	Closed func(path []string, list Raw)
}

// bigElement is the source size from which an element's child index is
// built while the document is checked, and kept by the document (see
// Document.big). The elements above that size are few (at most one per 64
// KiB per nesting level), and their indexes let searches of a large file
// (every <site> of <sites>, every <location> of <configuration>) go
// straight from child to child, without scanning the source again.
const bigElement = 64 << 10

// Parse checks that src is well-formed XML and returns its document. It
// rejects DTDs and entity declarations. The returned document refers to src,
// which must not be modified afterwards.
func Parse(src []byte) (*Document, error) { return ParseOptions(src, Options{}) }

// ParseOptions is Parse with options.
func ParseOptions(src []byte, opt Options) (*Document, error) {
	s := &scanner{src: src, evict: opt.Evict, parallelCheck: max(opt.ParallelCheck, 0), limits: opt.sizeLimits(), closed: opt.Closed}
	if opt.ParallelCheck == 0 {
		s.parallelCheck = parallelCheck
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	d := &Document{src: src, big: s.big, evict: opt.Evict, copyRange: opt.CopyRange, lines: s.lines, elements: s.elements, limits: s.limits}
	d.root = d.originalElement(s.rootStart, s.rootEnd, nil)
	d.root.inList = true
	d.newline = detectNewline(src)
	return d, nil
}

// New returns a document whose root element is name, written with the given
// line ending and indentation unit, beginning with an XML declaration.
func New(name, newline, unit string) *Document {
	src := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + newline + "<" + name + ">" + newline + "</" + name + ">" + newline)
	d, err := Parse(src)
	if err != nil {
		panic(err) // the template above is well-formed
	}
	d.unit = unit
	d.newline = newline
	d.changed = true
	return d
}

func detectNewline(src []byte) string {
	i := bytes.IndexByte(src, '\n')
	if i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	if i >= 0 {
		return "\n"
	}
	return "\r\n" // IIS writes CRLF; a one-line file gives no hint
}

// Root returns the document element.
func (d *Document) Root() *Element { return d.root }

// Edits counts the edits made to the document so far. What was read from
// it stays true while the count is unchanged, so callers can cache it.
func (d *Document) Edits() uint64 { return d.edits }

// Changed reports whether any edit changed the document.
func (d *Document) Changed() bool { return d.changed }

// Newline returns the line ending the document uses.
func (d *Document) Newline() string { return d.newline }

// Source returns the bytes the document was parsed from.
func (d *Document) Source() []byte { return d.src }

// Position converts a byte offset of the source to a 1-based line and column.
func (d *Document) Position(offset int) (line, col int) {
	line = d.line(offset)
	offset = min(offset, len(d.src))
	lineStart := bytes.LastIndexByte(d.src[:offset], '\n') + 1
	return line, 1 + utf8.RuneCount(d.src[lineStart:offset])
}

// line returns the 1-based line of a byte offset. Messages about a large
// file ask for lines of elements near each other, so it counts line breaks
// from the offset it was last asked for rather than from the start.
func (d *Document) line(offset int) int {
	offset = min(offset, len(d.src))
	if d.lineNum == 0 {
		d.lineOff, d.lineNum = 0, 1
	}
	// With the block index, start from the block boundary or the cursor,
	// whichever is nearer: a merge asks for the lines of every element and
	// attribute in file order, so counting from the block start each time
	// (up to 64 KiB per line asked) would count the file many times over.
	if k := offset / lineBlock; d.lines != nil && k <= len(d.lines) {
		base := k * lineBlock
		if dist := offset - d.lineOff; max(dist, -dist) > offset-base {
			d.lineOff, d.lineNum = base, 1
			if k > 0 {
				d.lineNum += int(d.lines[k-1])
			}
		}
	}
	if offset >= d.lineOff {
		d.lineNum += bytes.Count(d.src[d.lineOff:offset], []byte{'\n'})
	} else if offset >= d.lineOff/2 {
		d.lineNum -= bytes.Count(d.src[offset:d.lineOff], []byte{'\n'})
	} else {
		d.lineNum = 1 + bytes.Count(d.src[:offset], []byte{'\n'})
	}
	d.lineOff = offset
	return d.lineNum
}

// LineStart returns the byte offset where a 1-based line starts, or -1
// past the end. With the block index of a large file it counts line
// breaks from the block the line lies in, not from the start.
func (d *Document) LineStart(line int) int {
	if line <= 0 {
		return -1
	}
	off, n := 0, 1 // off starts line n
	if d.lines != nil {
		// the last block boundary with fewer than line-1 breaks before it
		k := sort.Search(len(d.lines), func(k int) bool { return int(d.lines[k]) >= line-1 })
		if k > 0 {
			off, n = k*lineBlock, 1+int(d.lines[k-1])
		}
	}
	// Whole blocks are passed by counting their line breaks (fast), then
	// the line is found in its block: without the index (a small file, or
	// one core) a line near the end of a large file is not reached one
	// line at a time.
	need := line - n // line breaks to pass from off
	for {
		end := min(off+lineBlock, len(d.src))
		if c := bytes.Count(d.src[off:end], []byte{'\n'}); c < need {
			if end == len(d.src) {
				return -1
			}
			need -= c
			off = end
			continue
		}
		for ; need > 0; need-- {
			off += bytes.IndexByte(d.src[off:end], '\n') + 1
		}
		return off
	}
}

// Element is one XML element: original (located in the source) or new.
type Element struct {
	doc    *Document
	parent *Element
	name   string

	// Offsets into doc.src; start < 0 for new elements. end is after the
	// '>' of the end tag, or equal to tagEnd when self-closing.
	start, tagEnd, end int
	selfClosing        bool

	attrs       []Attr
	attrsLoaded bool
	attrsEnd    int // after the last original attribute
	nodes       []node
	nodesLoaded bool
	inList      bool        // part of its parent's content list (see pin)
	index       *childIndex // children found by scanning (see scanSpan)

	tagDirty     bool // attributes changed: the start tag is written anew
	contentDirty bool // child list changed
	descDirty    bool // something below changed

	indent string // new elements: the indentation they were inserted with
}

// node is one item of an element's content: a child element, or text (white
// space, comments, CDATA) either located in the source or new.
type node struct {
	el         *Element
	start, end int // source text when el == nil and start >= 0
	s          string
}

func (n node) text(src []byte) []byte {
	if n.start >= 0 {
		return src[n.start:n.end]
	}
	return []byte(n.s)
}

func newText(s string) node { return node{start: -1, end: -1, s: s} }

// Attr is one attribute of an element.
type Attr struct {
	Name  string
	Value string // decoded

	// Offsets of the original attribute: the white space before it, its
	// name, its opening quote, and just after its closing quote. All -1 for
	// new attributes.
	wsStart, nameStart, valStart, valEnd int
	quote                                byte
	modified                             bool
}

// NewElement returns a detached element; attach it with AppendChild or
// InsertBefore.
func NewElement(name string) *Element {
	return &Element{name: name, start: -1, tagEnd: -1, end: -1, attrsLoaded: true, nodesLoaded: true}
}

// originalElement builds the element whose start tag begins at start; end
// is the offset after it when known, else -1.
func (d *Document) originalElement(start, end int, parent *Element) *Element {
	nameEnd := start + 1 + nameLen(d.src[start+1:])
	te, self := tagEnd(d.src, nameEnd)
	return d.sourceElement(d.intern(d.src[start+1:nameEnd]), start, te, self, end, parent)
}

// sourceElement is originalElement once the start tag is read: its name,
// the offset after it (tagEnd) and whether it closes itself.
func (d *Document) sourceElement(name string, start, tagEnd int, self bool, end int, parent *Element) *Element {
	e := &Element{doc: d, parent: parent, start: start, name: name, tagEnd: tagEnd, selfClosing: self}
	switch {
	case self:
		e.end = tagEnd
	case end >= 0:
		e.end = end
	default:
		e.end = skipElement(d.src, tagEnd)
	}
	if e.end-e.start >= bigElement {
		e.index = d.big[e.start]
	}
	return e
}

// intern returns an element name as a string, allocating each distinct
// name once.
func (d *Document) intern(name []byte) string {
	if s, ok := d.names[string(name)]; ok {
		return s
	}
	if d.names == nil {
		d.names = map[string]string{}
	}
	s := string(name)
	d.names[s] = s
	return s
}

// nameAt reports whether the element name at p is name.
func nameAt(src []byte, p int, name string) bool {
	end := p + len(name)
	return end < len(src) && string(src[p:end]) == name && !isNameByte(src[end])
}

// nameFingerprint packs the length and first seven bytes of an element
// name, so a search by name passes over most other children without
// reading them, and decides names of up to seven bytes outright.
func nameFingerprint[T []byte | string](name T) uint64 {
	fp := uint64(min(len(name), 255)) << 56
	for i := range min(len(name), 7) {
		fp |= uint64(name[i]) << (8 * i)
	}
	return fp
}

// tagEnd returns the offset after the '>' that closes the start tag
// beginning before p, and whether the tag was self-closing.
func tagEnd(src []byte, p int) (int, bool) {
	gt := p + bytes.IndexByte(src[p:], '>')
	for {
		q := indexQuote(src[p:gt])
		if q < 0 {
			return gt + 1, src[gt-1] == '/'
		}
		// A quoted attribute value may contain '>': then the first '>'
		// after it is looked for again.
		p += q
		p += bytes.IndexByte(src[p+1:], src[p]) + 2
		if p > gt {
			gt = p + bytes.IndexByte(src[p:], '>')
		}
	}
}

// indexQuote returns the index of the first quote character in b, or -1.
func indexQuote(b []byte) int {
	for i, c := range b {
		if c == '"' || c == '\'' {
			return i
		}
	}
	return -1
}

// skipMarkup returns the length of the comment, CDATA section or
// processing instruction that rest starts with, or 0 when it starts a tag.
// The document is already known to be well-formed.
func skipMarkup(rest []byte) int {
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		return 4 + bytes.Index(rest[4:], []byte("-->")) + 3
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		return bytes.Index(rest, []byte("]]>")) + 3
	case rest[1] == '?':
		return bytes.Index(rest, []byte("?>")) + 2
	}
	return 0
}

// skipElement returns the offset after the end tag of the element whose
// content starts at p. The document is already known to be well-formed.
func skipElement(src []byte, p int) int {
	depth := 1
	for {
		p += bytes.IndexByte(src[p:], '<')
		rest := src[p:]
		switch n := skipMarkup(rest); {
		case rest[1] == '/':
			depth--
			p += bytes.IndexByte(rest, '>') + 1
			if depth == 0 {
				return p
			}
		case n > 0:
			p += n
		default:
			end, self := tagEnd(src, p+1)
			if !self {
				depth++
			}
			p = end
		}
	}
}

// Name returns the element's tag name.
func (e *Element) Name() string { return e.name }

// Parent returns the parent element, or nil for the root and detached elements.
func (e *Element) Parent() *Element { return e.parent }

// Line returns the 1-based line of the element's start tag, or 0 for a new element.
func (e *Element) Line() int {
	if e.start < 0 || e.doc == nil {
		return 0
	}
	return e.doc.line(e.start)
}

func (e *Element) loadAttrs() {
	if e.attrsLoaded {
		return
	}
	e.attrsLoaded = true
	src := e.doc.src
	p := e.start + 1 + len(e.name)
	for {
		e.attrsEnd = p
		ws := p
		for isSpace(src[p]) {
			p++
		}
		if src[p] == '>' || src[p] == '/' {
			return
		}
		a := Attr{wsStart: ws, nameStart: p}
		n := nameLen(src[p:])
		a.Name = string(src[p : p+n])
		p += n
		for src[p] != '"' && src[p] != '\'' {
			p++
		}
		a.quote = src[p]
		a.valStart = p
		end := p + 1 + bytes.IndexByte(src[p+1:], a.quote)
		a.Value = decodeAttr(src[p+1 : end])
		a.valEnd = end + 1
		p = a.valEnd
		e.attrs = append(e.attrs, a)
	}
}

// decodeAttr resolves references and normalises literal white space the way
// an XML parser does (attribute-value normalisation).
func decodeAttr(raw []byte) string {
	if bytes.IndexAny(raw, "&\t\r\n") < 0 {
		return string(raw)
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '&':
			semi := bytes.IndexByte(raw[i:], ';')
			r, _ := decodeRef(raw[i+1 : i+semi])
			b.WriteString(r)
			i += semi
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			b.WriteByte(' ')
		case '\t', '\n':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Attrs returns the element's attributes in document order.
func (e *Element) Attrs() []Attr {
	e.loadAttrs()
	return e.attrs
}

// Attr returns the value of the named attribute.
func (e *Element) Attr(name string) (string, bool) {
	if !e.attrsLoaded {
		// Searches read one attribute of many elements: find it in the
		// start tag without building the attribute list.
		return rawAttr(e.doc.src, e.start+1+len(e.name), name)
	}
	for _, a := range e.attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// rawAttr finds an attribute in the source of a start tag, from p just
// after the element name.
func rawAttr(src []byte, p int, name string) (string, bool) {
	for {
		for isSpace(src[p]) {
			p++
		}
		if src[p] == '>' || src[p] == '/' {
			return "", false
		}
		n := nameLen(src[p:])
		match := string(src[p:p+n]) == name
		p += n
		for src[p] != '"' && src[p] != '\'' {
			p++
		}
		end := p + 1 + bytes.IndexByte(src[p+1:], src[p])
		if match {
			return decodeAttr(src[p+1 : end]), true
		}
		p = end + 1
	}
}

// AttrLine returns the line of the named attribute, or of the element when
// the attribute is new or absent. Values spread over several lines are common
// in web.config files, so this is more precise than Line.
func (e *Element) AttrLine(name string) int {
	e.loadAttrs()
	for _, a := range e.attrs {
		if a.Name == name && a.nameStart >= 0 && e.doc != nil {
			return e.doc.line(a.nameStart)
		}
	}
	return e.Line()
}

// SetAttr sets an attribute, appending it when absent. Setting the value it
// already has is not an edit.
func (e *Element) SetAttr(name, value string) {
	e.loadAttrs()
	for i := range e.attrs {
		a := &e.attrs[i]
		if a.Name == name {
			if a.Value == value {
				return
			}
			a.Value = value
			a.modified = true
			e.markTag()
			return
		}
	}
	e.attrs = append(e.attrs, Attr{Name: name, Value: value, wsStart: -1, nameStart: -1, valStart: -1, valEnd: -1, quote: '"'})
	e.markTag()
}

// RemoveAttr deletes an attribute and reports whether it existed.
func (e *Element) RemoveAttr(name string) bool {
	e.loadAttrs()
	for i, a := range e.attrs {
		if a.Name == name {
			e.attrs = append(e.attrs[:i:i], e.attrs[i+1:]...)
			e.markTag()
			return true
		}
	}
	return false
}

// load gives an original element its content list: one source span between
// its tags. Child elements are found by scanning spans (EachChild) and enter
// the list only when an edit pins them, so reading a file with many children
// allocates nothing that outlives the read.
func (e *Element) load() {
	if e.nodesLoaded {
		return
	}
	e.nodesLoaded = true
	if e.selfClosing {
		return
	}
	if end := e.contentEnd(); e.tagEnd < end {
		e.nodes = []node{{start: e.tagEnd, end: end}}
	}
}

// contentEnd is the offset of the "</" of an original element's end tag.
func (e *Element) contentEnd() int {
	if e.selfClosing {
		return e.tagEnd
	}
	return e.tagEnd + bytes.LastIndex(e.doc.src[e.tagEnd:e.end], []byte("</"))
}

// childIndex records the children of an original element found so far:
// where each starts and ends in the source, and a weak pointer to its
// *Element, so the same element always gets the same *Element while anyone
// holds it, without keeping every child alive. The children are found in
// document order and the index is always a prefix of them: every child
// before known is in it.
type childIndex struct {
	starts, ends []int
	names        []uint64                // nameFingerprint of each child
	kids         []weak.Pointer[Element] // allocated on first use
	attrs        map[string]*attrCache   // long lists only (cacheAttrsFrom)
	known        int                     // offset after the last child found (or content start)
	limit        int                     // offset of the end tag
	done         bool                    // every child is in the index
}

// attrCache keeps the decoded values of one attribute of the children of a
// long list, so repeated searches by that attribute (every <location> by
// path, every <site> by name) read and decode each value once.
type attrCache struct {
	vals  []string
	state []uint8 // per child: 0 not read yet, 1 absent, 2 present
}

// cacheAttrsFrom is the number of children from which an index caches the
// attributes that searches select by.
const cacheAttrsFrom = 256

// attr returns an attribute of the i-th indexed child as in the source.
func (x *childIndex) attr(src []byte, i int, name string) (string, bool) {
	start := x.starts[i]
	if len(x.starts) < cacheAttrsFrom {
		return rawAttr(src, start+1+nameLen(src[start+1:]), name)
	}
	c := x.attrs[name]
	if c == nil {
		if x.attrs == nil {
			x.attrs = map[string]*attrCache{}
		}
		c = &attrCache{}
		x.attrs[name] = c
	}
	if len(c.state) < len(x.starts) {
		c.vals = slices.Grow(c.vals, len(x.starts)-len(c.vals))[:len(x.starts)]
		c.state = slices.Grow(c.state, len(x.starts)-len(c.state))[:len(x.starts)]
	}
	switch c.state[i] {
	case 1:
		return "", false
	case 2:
		return c.vals[i], true
	}
	v, ok := rawAttr(src, start+1+nameLen(src[start+1:]), name)
	c.vals[i], c.state[i] = v, 1
	if ok {
		c.state[i] = 2
	}
	return v, ok
}

// childIndex returns the element's index, creating it (and registering it
// with the document when the element is big) on first use.
func (e *Element) childIndex() *childIndex {
	if e.index == nil {
		e.index = &childIndex{known: e.tagEnd, limit: e.contentEnd()}
		if e.end-e.start >= bigElement {
			if e.doc.big == nil {
				e.doc.big = map[int]*childIndex{}
			}
			e.doc.big[e.start] = e.index
		}
	}
	return e.index
}

// next finds the next child after x.known and adds it to the index. It
// reports false when there are no more children.
func (x *childIndex) next(src []byte) bool {
	if x.done {
		return false
	}
	p := x.known
	for {
		i := bytes.IndexByte(src[p:x.limit], '<')
		if i < 0 {
			x.done = true
			return false
		}
		p += i
		rest := src[p:x.limit]
		switch n := skipMarkup(rest); {
		case n > 0:
			p += n
		default:
			end, self := tagEnd(src, p+1)
			if !self {
				end = skipElement(src, end)
			}
			x.starts = append(x.starts, p)
			x.ends = append(x.ends, end)
			x.names = append(x.names, nameFingerprint(src[p+1:p+1+nameLen(src[p+1:])]))
			x.known = end
			return true
		}
	}
}

// child returns the i-th indexed child of e.
func (e *Element) child(x *childIndex, i int) *Element {
	if len(x.kids) < len(x.starts) {
		x.kids = slices.Grow(x.kids, len(x.starts)-len(x.kids))[:len(x.starts)]
	}
	if c := x.kids[i].Value(); c != nil {
		return c
	}
	c := e.doc.originalElement(x.starts[i], x.ends[i], e)
	x.kids[i] = weak.Make(c)
	return c
}

// scanSpan calls fn for every child element in a source span of e's content
// that is named name ("" for any) and, if attr is not empty, whose
// attribute attr satisfies keep. Children already in the index are not
// scanned again, and the others are skipped without building their
// *Element. pre, when set, is asked first (EachChildRaw).
func (e *Element) scanSpan(start, end int, name, attr string, keep func(string, bool) bool, pre func(Raw) (bool, bool), fn func(*Element) bool) bool {
	x := e.childIndex()
	src := e.doc.src
	fp := nameFingerprint(name)
	i, _ := slices.BinarySearch(x.starts, start)
	// A search through a long list reads the start tag of every child;
	// like the full passes, it lets the pages behind it go (Options.Evict).
	evicted := start
	for {
		for ; i < len(x.starts); i++ {
			s := x.starts[i]
			if s >= end {
				return true
			}
			if s < start {
				continue // catching up to a span beyond the index
			}
			if e.doc.evict != nil && s-evicted >= evictChunk {
				e.doc.evict(evicted, s)
				evicted = s
			}
			if name != "" && (x.names[i] != fp || len(name) > 7 && !nameAt(src, s+1, name)) {
				continue
			}
			// Children in a source span are unedited (edits pin an
			// element into the content list), so their attributes are
			// those of the source.
			if attr != "" && !keep(x.attr(src, i, attr)) {
				continue
			}
			if pre != nil {
				r := e.doc.rawAt(s, x.ends[i])
				build, more := pre(r)
				if !more {
					return false
				}
				if !build {
					continue
				}
			}
			if !fn(e.child(x, i)) {
				return false
			}
		}
		if !x.next(src) {
			return true
		}
	}
}

// EachChild calls fn for every child element in document order until fn
// returns false. fn may edit the elements it is given.
func (e *Element) EachChild(fn func(*Element) bool) {
	e.eachChild("", "", nil, nil, fn)
}

// EachChildNamed is EachChild for the children with the given name only;
// the others are skipped without building them.
func (e *Element) EachChildNamed(name string, fn func(*Element) bool) {
	if name == "" {
		return
	}
	e.eachChild(name, "", nil, nil, fn)
}

// EachChildWhere is EachChild for the children with the given name whose
// attribute attr satisfies keep, which is given the attribute's value and
// whether it is present. The others are skipped without building them, so
// searching many elements for one allocates little.
func (e *Element) EachChildWhere(name, attr string, keep func(value string, present bool) bool, fn func(*Element) bool) {
	if name == "" || attr == "" {
		return
	}
	e.eachChild(name, attr, keep, nil, fn)
}

// EachChildRaw is EachChild with a look at each child read from the
// source first: pre is given its raw view (valid though the document has
// edits: a child in the source's content is unedited) and says whether
// to build it for fn (build) and whether to go on (more). The children
// that are not read from the source (edited, moved or new ones) go to fn
// without pre. A merge that needs only the keys of most entries of a long
// list reads them without building an element each.
func (e *Element) EachChildRaw(pre func(Raw) (build, more bool), fn func(*Element) bool) {
	e.eachChild("", "", nil, pre, fn)
}

// eachChild visits the children named name ("" for all) whose attribute
// attr satisfies keep (attr "" for all), with pre's look first (EachChildRaw).
func (e *Element) eachChild(name, attr string, keep func(string, bool) bool, pre func(Raw) (bool, bool), fn func(*Element) bool) {
	e.load()
	nodes := e.nodes // edits replace e.nodes, never change it in place
	for _, n := range nodes {
		switch {
		case n.el != nil:
			c := n.el
			if name != "" && c.name != name {
				continue
			}
			if attr != "" && !keep(c.Attr(attr)) {
				continue
			}
			if !fn(c) {
				return
			}
		case n.start >= 0:
			if !e.scanSpan(n.start, n.end, name, attr, keep, pre, fn) {
				return
			}
		}
	}
}

// Children returns the child elements in document order.
func (e *Element) Children() []*Element {
	var out []*Element
	e.EachChild(func(c *Element) bool {
		out = append(out, c)
		return true
	})
	return out
}

// FirstChild returns the first child element, or nil.
func (e *Element) FirstChild() *Element {
	var first *Element
	e.EachChild(func(c *Element) bool {
		first = c
		return false
	})
	return first
}

// Child returns the first child element with the given name.
func (e *Element) Child(name string) *Element {
	var found *Element
	e.EachChildNamed(name, func(c *Element) bool {
		found = c
		return false
	})
	return found
}

// HasContent reports whether the element has attributes or child elements.
// Comments and white space do not count.
func (e *Element) HasContent() bool {
	e.loadAttrs()
	return len(e.attrs) > 0 || e.FirstChild() != nil
}

func (e *Element) markTag() {
	e.tagDirty = true
	e.markUp()
}

func (e *Element) markContent() {
	e.contentDirty = true
	e.markUp()
}

func (e *Element) markUp() {
	e.pin()
	if e.doc != nil {
		e.doc.changed = true
		e.doc.edits++
	}
	for p := e.parent; p != nil && !p.descDirty; p = p.parent {
		p.descDirty = true
	}
}

// pin puts an element found by scanning into its parent's content list, so
// the writer visits it. Its ancestors are pinned first.
func (e *Element) pin() {
	if e.inList || e.parent == nil {
		return
	}
	p := e.parent
	p.pin()
	p.load()
	for i, n := range p.nodes {
		if n.el != nil || n.start < 0 || e.start < n.start || e.end > n.end {
			continue
		}
		nodes := make([]node, 0, len(p.nodes)+2)
		nodes = append(nodes, p.nodes[:i]...)
		if n.start < e.start {
			nodes = append(nodes, node{start: n.start, end: e.start})
		}
		nodes = append(nodes, node{el: e})
		if e.end < n.end {
			nodes = append(nodes, node{start: e.end, end: n.end})
		}
		p.nodes = append(nodes, p.nodes[i+1:]...)
		e.inList = true
		return
	}
	panic("xmldoc: element is not in its parent's content")
}

func (e *Element) attach(c *Element, indent string) {
	if c.parent != nil {
		panic("xmldoc: element is already attached")
	}
	if c.start >= 0 && c.doc != nil {
		c.doc.moved = true
	}
	c.parent = e
	c.inList = true
	c.setDoc(e.doc)
	c.indent = indent
	c.fixIndent()
}

// fixIndent gives new descendants of a new element their indentation.
func (c *Element) fixIndent() {
	if c.start >= 0 || c.doc == nil {
		return
	}
	for _, n := range c.nodes {
		if n.el != nil && n.el.start < 0 {
			n.el.indent = c.indent + c.doc.indentUnit()
			n.el.fixIndent()
		}
	}
}

func (c *Element) setDoc(d *Document) {
	c.doc = d
	for _, n := range c.nodes {
		if n.el != nil {
			n.el.setDoc(d)
		}
	}
}

// lastChild returns the last child element, or nil.
func (e *Element) lastChild() *Element {
	var last *Element
	e.EachChild(func(c *Element) bool {
		last = c
		return true
	})
	return last
}

// AppendChild adds c as the last child element, after any trailing comment,
// indented like its siblings (or one unit deeper than e).
func (e *Element) AppendChild(c *Element) {
	e.pin()
	e.load()
	if e.start < 0 {
		// New elements are laid out when written.
		e.attach(c, "")
		e.nodes = append(e.nodes[:len(e.nodes):len(e.nodes)], node{el: c})
		e.markContent()
		return
	}
	ind := e.childIndent()
	e.attach(c, ind)
	nl := e.newline()
	lead := newText(nl + ind)
	n := len(e.nodes)
	nodes := make([]node, 0, n+3)
	switch {
	case n == 0:
		nodes = append(nodes, lead, node{el: c}, newText(nl+e.Indent()))
	case e.nodes[n-1].el != nil:
		nodes = append(append(nodes, e.nodes...), lead, node{el: c})
	default:
		last := e.nodes[n-1]
		txt := last.text(e.doc.src)
		keep := len(bytes.TrimRight(txt, " \t\r\n"))
		var head, tail node
		if last.start >= 0 {
			head = node{start: last.start, end: last.start + keep}
			tail = node{start: last.start + keep, end: last.end}
		} else {
			head, tail = newText(last.s[:keep]), newText(last.s[keep:])
		}
		nodes = append(nodes, e.nodes[:n-1]...)
		if keep > 0 {
			nodes = append(nodes, head)
		}
		nodes = append(nodes, lead, node{el: c})
		if bytes.IndexByte(tail.text(e.doc.src), '\n') < 0 {
			tail = newText(nl + e.Indent())
		}
		nodes = append(nodes, tail)
	}
	e.nodes = nodes
	e.markContent()
}

// InsertBefore adds c just before the child element ref, with ref's
// indentation.
func (e *Element) InsertBefore(c, ref *Element) {
	e.insertBefore([]*Element{c}, ref, "InsertBefore")
}

// InsertAllBefore is InsertBefore for several elements, in order, with one
// copy of the content list (a batch adding 1,000 entries would otherwise
// copy it 1,000 times).
func (e *Element) InsertAllBefore(cs []*Element, ref *Element) {
	e.insertBefore(cs, ref, "InsertAllBefore")
}

// insertBefore is InsertBefore and InsertAllBefore; op names the caller in
// the panic.
func (e *Element) insertBefore(cs []*Element, ref *Element, op string) {
	if ref.parent != e {
		panic("xmldoc: " + op + ": ref is not a child")
	}
	ref.pin()
	for i, n := range e.nodes {
		if n.el != ref {
			continue
		}
		ind := ref.Indent()
		nodes := make([]node, 0, len(e.nodes)+2*len(cs))
		nodes = append(nodes, e.nodes[:i]...)
		for _, c := range cs {
			e.attach(c, ind)
			nodes = append(nodes, node{el: c})
			if e.start >= 0 {
				nodes = append(nodes, newText(e.newline()+ind))
			}
		}
		e.nodes = append(nodes, e.nodes[i:]...)
		e.markContent()
		return
	}
	panic("xmldoc: " + op + ": ref is not a child")
}

// RemoveChild detaches the child element c together with the line break and
// indentation that preceded it.
func (e *Element) RemoveChild(c *Element) {
	if c.parent != e {
		panic("xmldoc: RemoveChild: not a child")
	}
	c.pin()
	for i, n := range e.nodes {
		if n.el != c {
			continue
		}
		nodes := make([]node, 0, len(e.nodes))
		nodes = append(nodes, e.nodes[:i]...)
		nodes = append(nodes, e.nodes[i+1:]...)
		if i > 0 && nodes[i-1].el == nil {
			prev := nodes[i-1]
			txt := prev.text(e.doc.src)
			nl := bytes.LastIndexByte(txt, '\n')
			if nl >= 0 && len(bytes.Trim(txt[nl:], " \t\r\n")) == 0 {
				cut := nl
				if cut > 0 && txt[cut-1] == '\r' {
					cut--
				}
				if prev.start >= 0 {
					prev.end = prev.start + cut
				} else {
					prev.s = prev.s[:cut]
				}
				if cut == 0 {
					nodes = append(nodes[:i-1:i-1], nodes[i:]...)
				} else {
					nodes[i-1] = prev
				}
			}
		}
		e.nodes = nodes
		c.parent = nil
		c.inList = false
		e.markContent()
		return
	}
	panic("xmldoc: RemoveChild: not a child")
}

// Indent returns the white space before the element on its line.
func (e *Element) Indent() string {
	if e.start < 0 {
		return e.indent
	}
	src := e.doc.src
	ls := bytes.LastIndexByte(src[:e.start], '\n') + 1
	ws := src[ls:e.start]
	if len(bytes.Trim(ws, " \t")) != 0 {
		return "" // something else precedes it on the line
	}
	return string(ws)
}

// childIndent is the indentation for a new child: that of the last child
// element, or one unit deeper than e.
func (e *Element) childIndent() string {
	if c := e.lastChild(); c != nil {
		if ind := c.Indent(); ind != "" || e.Indent() == "" {
			return ind
		}
	}
	return e.Indent() + e.doc.indentUnit()
}

func (e *Element) newline() string { return e.doc.newline }

// indentUnit guesses the file's indentation step from the first element
// that is indented deeper than its parent.
func (d *Document) indentUnit() string {
	if d.unit != "" {
		return d.unit
	}
	d.unit = "    " // IIS writes four spaces
	var walk func(e *Element, depth int) bool
	walk = func(e *Element, depth int) bool {
		if depth > 4 {
			return false
		}
		pi := e.Indent()
		found := false
		e.EachChild(func(c *Element) bool {
			ci := c.Indent()
			if len(ci) > len(pi) && strings.HasPrefix(ci, pi) {
				d.unit = ci[len(pi):]
				found = true
				return false
			}
			found = walk(c, depth+1)
			return !found
		})
		return found
	}
	walk(d.root, 0)
	return d.unit
}

// IndentUnit returns the indentation step the document uses.
func (d *Document) IndentUnit() string { return d.indentUnit() }
