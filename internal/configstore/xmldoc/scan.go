package xmldoc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// SyntaxError reports malformed XML at a byte offset; Line and Column are
// 1-based (Column counts characters, not bytes).
type SyntaxError struct {
	Offset int
	Line   int
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// scanner walks the whole document once to check that it is well-formed XML
// of the subset configuration files use. It allocates almost nothing: the
// element stack holds sub-slices of the source. The element tree itself is
// built lazily (see Element.children), so huge files cost little memory.
type scanner struct {
	src    []byte
	limits sizeLimits
	// parallelCheck is the body size from which the character check runs
	// beside the structure check.
	parallelCheck int
	pos           int
	stack         [][]byte
	open          []openElement // parallel to stack
	seen          [][]byte      // attribute names of the current start tag

	rootStart, rootEnd int

	// kids[d] holds (start, end, name fingerprint) of the children seen so far
	// of the open element at depth d-1; end is -1 until the child closes.
	// When an element of at least bigElement bytes closes, its children
	// are kept in big (see Document.big): the few big elements of a large
	// file are its long lists (sites, application pools, location tags),
	// which every command searches.
	kids     [][]int
	big      map[int]*childIndex
	elements int // how many start tags so far (see MaxElements)

	// closed is Options.Closed.
	closed func(path []string, list Raw)

	// evict, when set, is told which source bytes the structure check has
	// passed (see Options.Evict); evicted is how far it has been told.
	evict   func(from, to int)
	evicted int
	lines   []int32 // line index, for large files (see Document.lines)
}

// evictChunk is how many checked bytes are handed to Options.Evict at once.
const evictChunk = 512 << 10

// passed reports checked bytes to the evict hook, a chunk at a time.
func (s *scanner) passed() {
	if s.evict != nil && s.pos-s.evicted >= evictChunk {
		s.evict(s.evicted, s.pos)
		s.evicted = s.pos
	}
}

// openElement is an element whose end tag is not reached yet.
type openElement struct {
	start int
	entry int // index of its start offset in kids[depth]
}

func (s *scanner) errAt(off int, format string, args ...any) *SyntaxError {
	line, col := position(s.src, off)
	return &SyntaxError{Offset: off, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// position converts a byte offset to a 1-based line and character column.
func position(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line = 1 + bytes.Count(src[:off], []byte{'\n'})
	lineStart := bytes.LastIndexByte(src[:off], '\n') + 1
	col = 1 + utf8.RuneCount(src[lineStart:off])
	return line, col
}

func (s *scanner) validate() error {
	src := s.src
	if int64(len(src)) > s.limits.fileSize {
		return s.errAt(0, "the file is %d bytes, more than the %d bytes a configuration file may hold", len(src), s.limits.fileSize)
	}
	if bytes.HasPrefix(src, []byte{0xFE, 0xFF}) || bytes.HasPrefix(src, []byte{0xFF, 0xFE}) {
		return s.errAt(0, "UTF-16 encoded files are not supported; save the file as UTF-8")
	}
	if bytes.HasPrefix(src, bom) {
		s.pos = len(bom)
	}
	// The character check reads every byte; for a large file it runs
	// beside the structure check. Its error, if any, wins either way.
	// Either way the earlier of a bad character and a structure error is
	// the one reported; at the same offset, the bad character (it is why
	// the structure looks wrong there).
	var chars func(before int) error
	if body := src[s.pos:]; len(body) < s.parallelCheck || runtime.GOMAXPROCS(0) < 2 {
		start := s.pos
		off, ok := checkChars(body)
		chars = func(before int) error {
			if !ok && start+off <= before {
				return s.errAt(start+off, "invalid character (not UTF-8, or a control character XML does not allow)")
			}
			return nil
		}
	} else {
		start := s.pos
		done := make(chan int, 1)
		evict := s.evict
		var stop atomic.Int64
		stop.Store(math.MaxInt64)
		go func() {
			bad, lines := checkCharsChunked(src, start, evict, &stop)
			s.lines = lines // read after <-done
			done <- bad
		}()
		// chars waits for the character check; a structure error at
		// offset before stops it after there, since only a bad character
		// up to that offset would be reported instead.
		chars = func(before int) error {
			stop.Store(int64(before))
			if off := <-done; off >= 0 && start+off <= before {
				return s.errAt(start+off, "invalid character (not UTF-8, or a control character XML does not allow)")
			}
			return nil
		}
	}
	if err := s.structure(); err != nil {
		before := math.MaxInt
		if se, ok := err.(*SyntaxError); ok {
			before = se.Offset
		}
		if cerr := chars(before); cerr != nil {
			return cerr
		}
		return err
	}
	return chars(math.MaxInt)
}

// checkCharsChunked is checkChars over src[base:] in chunks (cut at
// character boundaries), reporting each checked chunk to evict. It returns
// the offset (from base) of the first bad character, or -1, and the line
// index of the file (see Document.lines), counted on the way so that no
// later pass has to read the whole file to number a line.
func checkCharsChunked(src []byte, base int, evict func(from, to int), stop *atomic.Int64) (int, []int32) {
	body := src[base:]
	var lines []int32
	counted, newlines := 0, 0
	for off := 0; off < len(body); {
		if int64(base+off) > stop.Load() {
			return -1, nil
		}
		end := min(off+evictChunk, len(body))
		for end < len(body) && end > off && body[end]&0xC0 == 0x80 {
			end-- // do not split a UTF-8 sequence
		}
		if bad, ok := checkChars(body[off:end]); !ok {
			return off + bad, nil
		}
		for next := (len(lines) + 1) * lineBlock; next <= base+end; next += lineBlock {
			newlines += bytes.Count(src[counted:next], []byte{'\n'})
			lines = append(lines, int32(newlines))
			counted = next
		}
		if evict != nil {
			evict(base+off, base+end)
		}
		off = end
	}
	return -1, lines
}

// lineBlock is the block size of the line index.
const lineBlock = 64 << 10

// parallelCheck is the default size from which validate checks characters
// and structure at the same time.
const parallelCheck = 1 << 20

// structure checks everything but the characters.
func (s *scanner) structure() error {
	src := s.src
	if bytes.HasPrefix(src[s.pos:], []byte("<?xml")) && len(src) > s.pos+5 && isSpace(src[s.pos+5]) {
		end := bytes.Index(src[s.pos:], []byte("?>"))
		if end < 0 {
			return s.errAt(s.pos, "unterminated XML declaration")
		}
		if err := s.declaration(src[s.pos+5 : s.pos+end]); err != nil {
			return err
		}
		s.pos += end + 2
	}
	s.rootStart = -1
	for s.pos < len(src) {
		c := src[s.pos]
		if isSpace(c) {
			s.pos++
			continue
		}
		if c != '<' {
			if s.rootStart >= 0 {
				return s.errAt(s.pos, "text is not allowed after the root element")
			}
			return s.errAt(s.pos, "text is not allowed before the root element")
		}
		switch {
		case bytes.HasPrefix(src[s.pos:], []byte("<!--")):
			if err := s.skipComment(); err != nil {
				return err
			}
		case bytes.HasPrefix(src[s.pos:], []byte("<?")):
			if err := s.skipPI(); err != nil {
				return err
			}
		case bytes.HasPrefix(src[s.pos:], []byte("<!DOCTYPE")):
			return s.errAt(s.pos, "DTDs and entity declarations are not allowed in configuration files")
		case s.rootStart >= 0:
			return s.errAt(s.pos, "only one root element is allowed")
		default:
			s.rootStart = s.pos
			if err := s.element(); err != nil {
				return err
			}
			s.rootEnd = s.pos
		}
	}
	if s.rootStart < 0 {
		return s.errAt(len(src), "the file has no root element")
	}
	return nil
}

// declaration checks the pseudo-attributes of the XML declaration: version
// 1.0 and, if given, a UTF-8 encoding (the only one we read and write).
func (s *scanner) declaration(body []byte) error {
	at := s.pos
	fields := map[string]string{}
	last := 0 // the pseudo-attributes come in order, each at most once
	rest := body
	for {
		trimmed := bytes.TrimLeft(rest, " \t\r\n")
		if len(trimmed) == 0 {
			break
		}
		if len(trimmed) == len(rest) {
			return s.errAt(at, "invalid XML declaration")
		}
		rest = trimmed
		n := nameLen(rest)
		if n == 0 {
			return s.errAt(at, "invalid XML declaration")
		}
		name := string(rest[:n])
		order := 0
		switch name {
		case "version":
			order = 1
		case "encoding":
			order = 2
		case "standalone":
			order = 3
		}
		if order <= last {
			return s.errAt(at, "invalid XML declaration")
		}
		last = order
		rest = bytes.TrimLeft(rest[n:], " \t\r\n")
		if len(rest) < 2 || rest[0] != '=' {
			return s.errAt(at, "invalid XML declaration")
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return s.errAt(at, "invalid XML declaration")
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return s.errAt(at, "invalid XML declaration")
		}
		fields[name] = string(rest[1 : 1+end])
		rest = rest[end+2:]
	}
	if v, ok := fields["version"]; !ok || v != "1.0" {
		return s.errAt(at, "the XML declaration must say version=\"1.0\"")
	}
	if enc, ok := fields["encoding"]; ok && !strings.EqualFold(enc, "utf-8") {
		return s.errAt(at, "encoding %q is not supported; save the file as UTF-8", enc)
	}
	if sd, ok := fields["standalone"]; ok && sd != "yes" && sd != "no" {
		return s.errAt(at, "invalid XML declaration")
	}
	return nil
}

// element checks one element and everything inside it, iteratively.
func (s *scanner) element() error {
	src := s.src
	for {
		// s.pos is at '<' of a start tag.
		start := s.pos
		name, self, err := s.startTag()
		if err != nil {
			return err
		}
		depth := len(s.stack)
		if s.elements++; s.elements > s.limits.elements {
			return s.errAt(start, "the file has more than %d elements", s.limits.elements)
		}
		if !self && depth+1 > MaxDepth {
			return s.errAt(start, "elements are nested more than %d deep", MaxDepth)
		}
		for len(s.kids) <= depth+1 {
			s.kids = append(s.kids, nil)
		}
		end := -1
		if self {
			end = s.pos
		}
		s.kids[depth] = append(s.kids[depth], start, end, int(nameFingerprint(name)))
		if !self {
			s.stack = append(s.stack, name)
			s.open = append(s.open, openElement{start: start, entry: len(s.kids[depth]) - 3})
			s.kids[depth+1] = s.kids[depth+1][:0]
		}
		s.passed()
		// Content until the next start tag or until the stack empties.
	content:
		for len(s.stack) > 0 {
			lt := bytes.IndexByte(src[s.pos:], '<')
			if lt < 0 {
				return s.errAt(len(src), "unexpected end of file: element <%s> is not closed", s.stack[len(s.stack)-1])
			}
			if err := s.text(s.pos, s.pos+lt); err != nil {
				return err
			}
			s.pos += lt
			rest := src[s.pos:]
			switch {
			case len(rest) > 1 && rest[1] == '/':
				if err := s.endTag(); err != nil {
					return err
				}
			case bytes.HasPrefix(rest, []byte("<!--")):
				if err := s.skipComment(); err != nil {
					return err
				}
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				end := bytes.Index(rest, []byte("]]>"))
				if end < 0 {
					return s.errAt(s.pos, "unterminated CDATA section")
				}
				s.pos += end + 3
			case bytes.HasPrefix(rest, []byte("<?")):
				if err := s.skipPI(); err != nil {
					return err
				}
			case bytes.HasPrefix(rest, []byte("<!")):
				return s.errAt(s.pos, "DTDs and entity declarations are not allowed in configuration files")
			default:
				break content
			}
		}
		if len(s.stack) == 0 {
			return nil
		}
	}
}

func (s *scanner) endTag() error {
	src := s.src
	start := s.pos
	p := s.pos + 2
	top := s.stack[len(s.stack)-1]
	var name []byte
	if end := p + len(top); end < len(src) && bytes.Equal(src[p:end], top) && !isNameByte(src[end]) {
		name = top // the usual case: the expected end tag
	} else {
		n := nameLen(src[p:])
		if n == 0 {
			return s.errAt(p, "invalid end tag")
		}
		name = src[p : p+n]
	}
	p += len(name)
	for p < len(src) && isSpace(src[p]) {
		p++
	}
	if p >= len(src) {
		return s.errAt(p, "unexpected end of file in end tag </%s", name)
	}
	if src[p] != '>' {
		return s.errAt(p, "invalid end tag </%s", name)
	}
	if !bytes.Equal(top, name) {
		return s.errAt(start, "mismatched end tag </%s>, expected </%s>", name, top)
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.pos = p + 1
	depth := len(s.stack)
	o := s.open[depth]
	s.open = s.open[:depth]
	s.kids[depth][o.entry+1] = s.pos
	if s.pos-o.start >= bigElement {
		s.keepChildren(o.start, s.kids[depth+1])
		if s.closed != nil {
			s.tellClosed(o.start, top)
		}
	}
	return nil
}

// tellClosed calls Options.Closed for the long list just closed, which
// starts at start and is named name, with a view of it through a
// document of its own: the list's index (shared: it is never changed
// again) and nothing else.
func (s *scanner) tellClosed(start int, name []byte) {
	path := make([]string, 0, len(s.stack)+1)
	for _, n := range s.stack {
		path = append(path, string(n))
	}
	path = append(path, string(name))
	x := s.big[start]
	d := &Document{limits: s.limits, src: s.src, evict: s.evict,
		big: map[int]*childIndex{start: {starts: x.starts, ends: x.ends, names: x.names, known: x.known, limit: x.limit, done: true}}}
	r := Raw{d: d, start: start, end: s.pos, nameEnd: start + 1 + len(name)}
	r.tagEnd, r.self = tagEnd(s.src, r.nameEnd)
	s.closed(path, r)
}

// keepChildren records the children of a big element as its child index.
func (s *scanner) keepChildren(start int, triples []int) {
	// Everything comes from what the scan recorded: reading the children
	// again would touch every page of a long list a second time.
	n := len(triples) / 3
	limit := start + bytes.LastIndex(s.src[start:s.pos], []byte("</"))
	x := &childIndex{starts: make([]int, n), ends: make([]int, n), names: make([]uint64, n), known: limit, limit: limit, done: true}
	for i := range n {
		x.starts[i], x.ends[i], x.names[i] = triples[3*i], triples[3*i+1], uint64(triples[3*i+2])
	}
	if s.big == nil {
		s.big = map[int]*childIndex{}
	}
	s.big[start] = x
}

// startTag checks a start tag at s.pos and leaves s.pos after its '>'.
func (s *scanner) startTag() (name []byte, selfClosing bool, err error) {
	src := s.src
	p := s.pos + 1
	n := nameLen(src[p:])
	if n == 0 {
		return nil, false, s.errAt(s.pos, "invalid element name")
	}
	name = src[p : p+n]
	p += n
	seen := s.seen[:0]
	defer func() { s.seen = seen[:0] }()
	for {
		ws := p
		for p < len(src) && isSpace(src[p]) {
			p++
		}
		if p >= len(src) {
			return nil, false, s.errAt(s.pos, "unexpected end of file in start tag <%s", name)
		}
		switch src[p] {
		case '>':
			s.pos = p + 1
			return name, false, nil
		case '/':
			if p+1 < len(src) && src[p+1] == '>' {
				s.pos = p + 2
				return name, true, nil
			}
			return nil, false, s.errAt(p, "invalid character '/' in start tag <%s", name)
		}
		if ws == p {
			return nil, false, s.errAt(p, "missing white space before attribute in start tag <%s", name)
		}
		an := nameLen(src[p:])
		if an == 0 {
			return nil, false, s.errAt(p, "invalid attribute name in start tag <%s", name)
		}
		aname := src[p : p+an]
		if len(seen) == MaxAttrs {
			return nil, false, s.errAt(p, "more than %d attributes in start tag <%s", MaxAttrs, name)
		}
		for _, prev := range seen {
			if bytes.Equal(prev, aname) {
				return nil, false, s.errAt(p, "duplicate attribute %q in <%s>", aname, name)
			}
		}
		seen = append(seen, aname)
		p += an
		for p < len(src) && isSpace(src[p]) {
			p++
		}
		if p >= len(src) || src[p] != '=' {
			return nil, false, s.errAt(p, "attribute %q has no value", aname)
		}
		p++
		for p < len(src) && isSpace(src[p]) {
			p++
		}
		if p >= len(src) || (src[p] != '"' && src[p] != '\'') {
			return nil, false, s.errAt(p, "attribute %q value must be quoted", aname)
		}
		q := src[p]
		// A value is searched only up to its length limit, so a huge one
		// costs no more than a long one.
		limit := len(src)
		if limit-p-1 > MaxAttrValue {
			limit = p + 1 + MaxAttrValue + 1
		}
		// Fast path: a short value without '<' or '&'.
		i := p + 1
		for i < limit && src[i] != q && src[i] != '<' && src[i] != '&' {
			i++
		}
		if i < limit && src[i] == q {
			p = i + 1
			continue
		}
		end := bytes.IndexByte(src[p+1:limit], q)
		if end < 0 && limit < len(src) {
			return nil, false, s.errAt(p, "the value of attribute %q is longer than %d bytes", aname, MaxAttrValue)
		}
		if end < 0 {
			return nil, false, s.errAt(p, "unterminated value of attribute %q", aname)
		}
		val := src[p+1 : p+1+end]
		if i := bytes.IndexByte(val, '<'); i >= 0 {
			return nil, false, s.errAt(p+1+i, "character '<' is not allowed in the value of attribute %q", aname)
		}
		if err := s.refs(p+1, p+1+end); err != nil {
			return nil, false, err
		}
		p += end + 2
	}
}

// text checks character data between tags for bad references and ']]>'.
func (s *scanner) text(from, to int) error {
	if b := s.src[from:to]; len(b) <= 64 {
		// Mostly the line break and indentation between two tags.
		clean := true
		for _, c := range b {
			if c == ']' || c == '&' {
				clean = false
				break
			}
		}
		if clean {
			return nil
		}
	}
	if i := bytes.Index(s.src[from:to], []byte("]]>")); i >= 0 {
		return s.errAt(from+i, "']]>' is not allowed in text")
	}
	return s.refs(from, to)
}

// refs checks that every '&' in src[from:to] starts a valid reference.
func (s *scanner) refs(from, to int) error {
	b := s.src[from:to]
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return nil
		}
		off := to - len(b) + i
		semi := bytes.IndexByte(b[i:], ';')
		if semi < 0 || semi > 12 {
			return s.errAt(off, "'&' must start an entity reference such as &amp;")
		}
		if _, ok := decodeRef(b[i+1 : i+semi]); !ok {
			return s.errAt(off, "unknown entity reference &%s;", b[i+1:i+semi])
		}
		b = b[i+semi+1:]
	}
}

func (s *scanner) skipComment() error {
	end := bytes.Index(s.src[s.pos+4:], []byte("-->"))
	if end < 0 {
		return s.errAt(s.pos, "unterminated comment")
	}
	body := s.src[s.pos+4 : s.pos+4+end]
	if i := bytes.Index(body, []byte("--")); i >= 0 || bytes.HasSuffix(body, []byte("-")) {
		if i < 0 {
			i = len(body) - 1
		}
		return s.errAt(s.pos+4+i, "'--' is not allowed inside a comment")
	}
	s.pos += 4 + end + 3
	return nil
}

func (s *scanner) skipPI() error {
	rest := s.src[s.pos:]
	if bytes.HasPrefix(rest, []byte("<?xml")) && len(rest) > 5 && (isSpace(rest[5]) || rest[5] == '?') {
		return s.errAt(s.pos, "the XML declaration is only allowed at the start of the file")
	}
	n := nameLen(rest[2:])
	if n == 0 || strings.EqualFold(string(rest[2:2+n]), "xml") {
		return s.errAt(s.pos, "invalid processing instruction")
	}
	if after := rest[2+n:]; len(after) > 0 && !isSpace(after[0]) && !bytes.HasPrefix(after, []byte("?>")) {
		return s.errAt(s.pos, "invalid processing instruction")
	}
	end := bytes.Index(rest, []byte("?>"))
	if end < 0 {
		return s.errAt(s.pos, "unterminated processing instruction")
	}
	s.pos += end + 2
	return nil
}

// checkChars finds the first byte that is not part of a valid UTF-8 XML
// character. ASCII, by far the most common case, takes the fast path.
func checkChars(b []byte) (int, bool) {
	for i := 0; i < len(b); {
		// Eight bytes at a time while they are all printable ASCII: no
		// byte has the high bit set or is below 0x20.
		// Otherwise the lowest flagged byte is the first that needs a
		// closer look (a borrow only flags bytes above a real one).
		if i+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[i:])
			m := (w | ((w - 0x2020202020202020) &^ w)) & 0x8080808080808080
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) / 8
		}
		c := b[i]
		if c >= 0x20 && c < 0x80 {
			i++
			continue
		}
		if c < 0x80 {
			if c != '\t' && c != '\n' && c != '\r' {
				return i, false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError || !isXMLChar(r) {
			return i, false
		}
		i += size
	}
	return 0, true
}

var bom = []byte{0xEF, 0xBB, 0xBF}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isNameByte reports whether c may continue an XML name (of the ASCII names
// nameLen accepts).
func isNameByte(c byte) bool { return nameClass[c] != 0 }

// nameClass classifies the bytes of ASCII XML names.
var nameClass = func() (t [256]byte) {
	for c := range 256 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			t[c] = nameStart
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] = nameChar
		case c == ':':
			t[c] = nameColon
		}
	}
	return t
}()

const (
	nameStart = 1 + iota // may begin a name
	nameChar             // may continue one
	nameColon            // the namespace prefix separator
)

// nameLen returns the length of the XML name at the start of b, or 0.
// Configuration schemas only use ASCII names, so other names are refused
// rather than checked against the XML name tables.
func nameLen(b []byte) int {
	// Fast path: a name without a namespace prefix.
	if len(b) > 0 && nameClass[b[0]] == nameStart {
		i := 1
		for i < len(b) && (nameClass[b[i]] == nameStart || nameClass[b[i]] == nameChar) {
			i++
		}
		if i == len(b) || b[i] != ':' {
			return i
		}
	}
	return prefixedNameLen(b)
}

// prefixedNameLen is nameLen for names with a namespace prefix and for
// invalid names.
func prefixedNameLen(b []byte) int {
	i, colon := 0, -1
	for i < len(b) {
		c := b[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case c == ':':
			// One namespace prefix separator, as in xdt:Transform.
			if i == 0 || colon >= 0 {
				return 0
			}
			colon = i
		case c >= '0' && c <= '9', c == '-', c == '.':
			if i == 0 || colon == i-1 {
				return 0
			}
		default:
			if colon == i-1 {
				return 0
			}
			return i
		}
		i++
	}
	if colon == i-1 {
		return 0
	}
	return i
}

// decodeRef decodes the body of an entity or character reference.
func decodeRef(name []byte) (string, bool) {
	switch string(name) {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return "\"", true
	case "apos":
		return "'", true
	}
	if len(name) < 2 || name[0] != '#' {
		return "", false
	}
	var r rune
	digits := name[1:]
	base := rune(10)
	if digits[0] == 'x' {
		base = 16
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 8 {
		return "", false
	}
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return "", false
		}
		r = r*base + d
	}
	if !isXMLChar(r) {
		return "", false
	}
	return string(r), true
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
