package xmldoc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// FuzzParse checks the scanner differentially against encoding/xml, in
// both directions:
//
//   - Verdict: Parse accepts exactly the documents the reference (refParse)
//     finds well-formed, except those that use something Parse refuses on
//     purpose (the deliberate list in refParse). A document with a
//     deliberate refusal must be refused.
//   - Tokens: when both accept, they read the same start tags (name and
//     attributes, in order), end tags, character data (text and CDATA
//     decoded, adjacent runs joined), comments and processing instructions
//     (the XML declaration included), in order, before, in and after the
//     root element.
//
// It also checks the writer: the document is written back byte for byte,
// also when every element goes through the rewrite path, and an edit
// leaves a well-formed document that reads back the edit; and that the
// parallel check of large files gives the same answer (the same error) as
// the serial one.
//
// The seeds in testdata/fuzz/FuzzParse named corpus-* are derived from
// the shared corpus by TestWriteFuzzSeeds.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"<configuration/>",
		"\uFEFF<?xml version=\"1.0\"?>\r\n<a x='1' y=\"&amp;\"><b/><!-- c --><![CDATA[x]]></a>",
		"<a>\n\t<b c='&#x41;'>t</b>\n</a>",
		"<a><b></a>",
		"<a x='<'/>",
		// One of each deliberate refusal.
		"<!DOCTYPE a><a/>",
		"<a><!ELEMENT a ANY></a>",
		"<é/>",
		"<a é='1'/>",
		"<?é x?><a/>",
		"<:a/>",
		"<a:/>",
		"<a:1b/>",
		"<a>&#x0000000041;</a>",
		"<a x='&#00000000065;'/>",
		// One of each check the reference adds to encoding/xml.
		"<a>&#xD800;</a>",
		"<a x='1'y='2'/>",
		"<a x='1' x='2'/>",
		"<a><!-- \x01 --></a>",
		"<a><?pi \xff?></a>",
		"<?pi?x?><a/>",
		"<a/><?xml version='1.0'?>",
		" <?xml version='1.0'?><a/>",
		"<?XML version='1.0'?><a/>",
		"<?xml?><a/>",
		"<?xml encoding='UTF-8'?><a/>",
		"<?xml version='1.0' standalone='maybe'?><a/>",
		"<?xml encoding='UTF-8' version='1.0'?><a/>",
		"<?xml version='1.0' version='1.0'?><a/>",
		"<![CDATA[ ]]><a/>",
		"&#x20;<a/>",
		"<a/><b/>",
		"</a>",
		// Agreements worth keeping.
		"<?xml version='1.0' encoding='latin1'?><a/>",
		"\xff\xfe<\x00a\x00/\x00>\x00",
		"<a x=']]>' y='&#xD;&#xA;\r\n\t'>]]&gt;\r\n\r<![CDATA[\r\n]]></a>",
		"<a>&#xFFFE;</a>",
		"<a><!----><!--->--><?pi?></a>",
		"<a></a >",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(checkParse)
}

// TestParseCorpus runs FuzzParse's checks on every file of the shared
// corpus, whole (the seeds hold only pruned copies of the large ones).
func TestParseCorpus(t *testing.T) {
	for _, f := range testenv.CorpusFiles(t, corpus, "apphost", "apphost-full", "webconfig", "malformed") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) { checkParse(t, src) })
	}
}

// checkParse is the property FuzzParse checks.
func checkParse(t *testing.T, src []byte) {
	ref := refParse(src)
	d, err := Parse(src)
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Column < 1 {
			t.Fatalf("error %T %v, want a *SyntaxError inside the input", err, err)
		}
	}
	if runtime.GOMAXPROCS(0) >= 2 {
		// Both report the earlier of a bad character and a structure error.
		if perr := parseParallel(src); (perr == nil) != (err == nil) || perr != nil && perr.Error() != err.Error() {
			t.Fatalf("serial check: %v; parallel check: %v\n%q", err, perr, src)
		}
	}
	switch {
	case err != nil && ref.err == nil && ref.deliberate == "":
		t.Fatalf("we reject a well-formed document: %v\n%q", err, src)
	case err == nil && ref.err != nil:
		t.Fatalf("we accept a document that is not well-formed (%v)\n%q", ref.err, src)
	case err == nil && ref.deliberate != "":
		t.Fatalf("we accept a document we mean to refuse (%s)\n%q", ref.deliberate, src)
	}
	if err != nil {
		return
	}
	if ours := ourTokens(d); !equalTokens(ours, ref.toks) {
		t.Fatalf("token sequences differ for %q\n%s", src, diffTokens(ours, ref.toks))
	}

	if !bytes.Equal(d.Bytes(), src) {
		t.Fatal("round trip not byte-identical")
	}
	// Every element through the rewrite path: still the same bytes.
	all, _ := Parse(src)
	markAll(all.Root())
	all.changed = true
	if got := all.Bytes(); !bytes.Equal(got, src) {
		t.Fatalf("rewritten document not byte-identical:\n%s", firstDiff(src, got))
	}
	// An edit must leave a well-formed document that reads it back.
	const val = "a\"<&'\n\t]]>"
	d.Root().SetAttr("fuzz", val)
	d.Root().AppendChild(NewElement("fuzzChild"))
	out := d.Bytes()
	e, err := Parse(out)
	if err != nil {
		t.Fatalf("edited document does not parse: %v\n%q", err, out)
	}
	if r := refParse(out); r.err != nil {
		t.Fatalf("edited document is not well-formed: %v\n%q", r.err, out)
	}
	if v, _ := e.Root().Attr("fuzz"); v != val {
		t.Fatalf("edited attribute reads back as %q", v)
	}
	if c := e.Root().lastChild(); c == nil || c.Name() != "fuzzChild" {
		t.Fatalf("appended child is not the last one:\n%q", out)
	}
}

// parseParallel parses src with the character check running beside the
// structure check, as for large files.
func parseParallel(src []byte) error {
	_, err := ParseOptions(src, Options{ParallelCheck: -1})
	return err
}

// token is one XML token as both parsers are compared.
type token struct {
	kind byte   // 'S' start tag, 'E' end tag, 'T' character data, 'C' comment, 'P' processing instruction, '!' unreadable
	name string // element name or PI target
	text string // start tag: the attributes; else the data
}

func (t token) String() string {
	switch t.kind {
	case 'S':
		return "<" + t.name + t.text + ">"
	case 'E':
		return "</" + t.name + ">"
	case 'P':
		return "<?" + t.name + " " + strconv.Quote(t.text) + "?>"
	}
	return string(t.kind) + " " + strconv.Quote(t.text)
}

// tokenList collects tokens, joining adjacent character data.
type tokenList []token

func (l *tokenList) add(t token) {
	if t.kind == 'T' {
		if t.text == "" {
			return
		}
		if n := len(*l); n > 0 && (*l)[n-1].kind == 'T' {
			(*l)[n-1].text += t.text
			return
		}
	}
	*l = append(*l, t)
}

func equalTokens(a, b []token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func diffTokens(ours, ref []token) string {
	i := 0
	for i < len(ours) && i < len(ref) && ours[i] == ref[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at token %d\n", i)
	for _, side := range []struct {
		name string
		toks []token
	}{{"ours", ours}, {"encoding/xml", ref}} {
		fmt.Fprintf(&b, "%s:\n", side.name)
		for j := max(0, i-2); j < min(len(side.toks), i+3); j++ {
			fmt.Fprintf(&b, "  %d %v\n", j, side.toks[j])
		}
	}
	return b.String()
}

// attrFold hides the one intended difference in what attributes say: we
// normalise literal white space in values as XML 1.0 §3.3.3 says
// (Attr.Value); encoding/xml keeps it. Each white-space character, literal
// or referenced, becomes a space (a literal CRLF is one character on both
// sides: encoding/xml reads it as LF, we as one space).
func attrFold(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

func formatAttr(name, value string) string {
	return " " + name + "=" + strconv.Quote(attrFold(value))
}

// ourTokens lists the tokens of a parsed document from what the document
// knows: the element tree (EachChild and the lazy loading behind it) and
// the source spans between elements, read by a small lexer.
func ourTokens(d *Document) []token {
	var l tokenList
	src := d.src
	p := 0
	if bytes.HasPrefix(src, bom) {
		p = len(bom)
	}
	lexContent(&l, src[p:d.root.start])
	ourElement(&l, d.root)
	lexContent(&l, src[d.root.end:])
	return l
}

func ourElement(l *tokenList, e *Element) {
	src := e.doc.src
	var attrs strings.Builder
	for _, a := range e.Attrs() {
		attrs.WriteString(formatAttr(a.Name, a.Value))
	}
	l.add(token{kind: 'S', name: e.Name(), text: attrs.String()})
	if e.selfClosing {
		l.add(token{kind: 'E', name: e.Name()})
		return
	}
	p := e.tagEnd
	for _, c := range e.Children() {
		if c.start < p || c.end > e.end {
			l.add(token{kind: '!', text: fmt.Sprintf("child <%s> at %d..%d outside %d..%d", c.Name(), c.start, c.end, p, e.end)})
			return
		}
		lexContent(l, src[p:c.start])
		ourElement(l, c)
		p = c.end
	}
	ce := e.contentEnd()
	lexContent(l, src[p:ce])
	end := src[ce:e.end]
	if !bytes.HasPrefix(end, []byte("</")) {
		l.add(token{kind: '!', text: string(end)})
		return
	}
	l.add(token{kind: 'E', name: string(end[2 : 2+nameLen(end[2:])])})
}

// lexContent reads the text, CDATA sections, comments and processing
// instructions of a source span that holds no element.
func lexContent(l *tokenList, b []byte) {
	bad := func() { l.add(token{kind: '!', text: string(b)}) }
	for len(b) > 0 {
		switch {
		case bytes.HasPrefix(b, []byte("<!--")):
			end := bytes.Index(b[4:], []byte("-->"))
			if end < 0 {
				bad()
				return
			}
			l.add(token{kind: 'C', text: string(b[4 : 4+end])})
			b = b[4+end+3:]
		case bytes.HasPrefix(b, []byte("<![CDATA[")):
			end := bytes.Index(b, []byte("]]>"))
			if end < 0 {
				bad()
				return
			}
			l.add(token{kind: 'T', text: normalizeEOL(b[9:end])})
			b = b[end+3:]
		case bytes.HasPrefix(b, []byte("<?")):
			n := nameLen(b[2:])
			end := bytes.Index(b[2+n:], []byte("?>"))
			if n == 0 || end < 0 {
				bad()
				return
			}
			inst := bytes.TrimLeft(b[2+n:2+n+end], " \t\r\n")
			l.add(token{kind: 'P', name: string(b[2 : 2+n]), text: string(inst)})
			b = b[2+n+end+2:]
		case b[0] == '<':
			bad()
			return
		default:
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				i = len(b)
			}
			text, ok := decodeText(b[:i])
			if !ok {
				bad()
				return
			}
			l.add(token{kind: 'T', text: text})
			b = b[i:]
		}
	}
}

// normalizeEOL turns CRLF and lone CR into LF (XML 1.0 §2.11).
func normalizeEOL(b []byte) string {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// decodeText resolves the references of character data and normalises its
// line ends.
func decodeText(raw []byte) (string, bool) {
	var b strings.Builder
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			b.WriteString(normalizeEOL(raw))
			break
		}
		b.WriteString(normalizeEOL(raw[:i]))
		semi := bytes.IndexByte(raw[i:], ';')
		if semi < 0 {
			return "", false
		}
		r, ok := decodeRef(raw[i+1 : i+semi])
		if !ok {
			return "", false
		}
		b.WriteString(r)
		raw = raw[i+semi+1:]
	}
	return b.String(), true
}

// refResult is what the reference parser makes of a document.
type refResult struct {
	toks []token
	err  error // the document is not well-formed
	// deliberate, for a well-formed document, names what in it Parse
	// refuses on purpose.
	deliberate string
}

// refParse is the reference: encoding/xml's Decoder, Strict, read with
// RawToken, plus the well-formedness rules that RawToken does not check.
// Each of those is an encoding/xml leniency, found by reading its source
// (xml.go), and marked "encoding/xml:" in refParse:
//
//   - nesting: RawToken does not match end tags with start tags, and
//     allows any number of root elements, end tags without a start tag,
//     text, references and CDATA outside the root, and no root at all;
//   - the XML declaration: accepted anywhere, with any target case (<?XML),
//     without version, with pseudo-attributes in any order or repeated, and
//     with any standalone value (XML 1.0 §2.8 [23]-[27], [32]; §2.6 [17]
//     reserves the target xml in any case for the declaration);
//   - a processing instruction target need not be followed by white space
//     (<?pi?x?>; §2.6 [16]);
//   - comments and processing instructions are not checked for characters
//     XML does not allow, nor for valid UTF-8 (§2.2 [2]);
//   - a character reference to a surrogate (&#xD800;) reads as U+FFFD
//     instead of being an error (§4.1 WFC Legal Character);
//   - attributes need not be separated by white space (<a x='1'y='2'/>;
//     §3.1 [40]);
//   - an attribute may be repeated (§3.1 WFC Unique Att Spec).
//
// A leading UTF-8 BOM is removed first: it is an encoding signature, not
// content (§4.3.3), and encoding/xml would read it as text before the root.
// Some refusals of ours need no rule because encoding/xml refuses the same:
// an encoding declaration other than UTF-8 (it has no CharsetReader), a
// UTF-16 file (not valid UTF-8), and a version other than 1.0.
//
// The deliberate refusals of Parse, reported in deliberate, are:
//
//   - DTDs and every other <!...> declaration (encoding/xml returns them
//     as Directive tokens);
//   - names (of elements, attributes and processing instruction targets)
//     that are not ASCII namespace QNames: configuration schemas use ASCII
//     names only (see nameLen), and a colon must separate two non-empty
//     NCNames (Namespaces in XML 1.0 §3), so <é/>, <:a/>, <a:/> and <a:1/>
//     are refused although XML 1.0 allows them;
//   - numeric character references of more than 8 digits (&#x0000000041;):
//     every character fits in 7, and refs bounds how far it looks for ';';
//   - the limits of limits.go: MaxDepth, MaxAttrs, MaxAttrValue and
//     MaxElements.
//
// Parse is stricter than XML 1.0 nowhere else, and encoding/xml is
// stricter than XML 1.0 nowhere that the fuzzer has found.
func refParse(src []byte) refResult {
	var r refResult
	var l tokenList
	fail := func(format string, args ...any) refResult {
		r.err = fmt.Errorf(format, args...)
		return r
	}
	refuse := func(format string, args ...any) {
		if r.deliberate == "" {
			r.deliberate = fmt.Sprintf(format, args...)
		}
	}
	body := bytes.TrimPrefix(src, bom)
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	var stack []string
	roots, elements := 0, 0
	for {
		start := dec.InputOffset()
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail("%v", err)
		}
		raw := body[start:dec.InputOffset()]
		switch t := tok.(type) {
		case xml.StartElement:
			// encoding/xml: one root element, nested.
			if len(stack) == 0 {
				if roots++; roots > 1 {
					return fail("a second root element <%s>", rawName(t.Name))
				}
			}
			name := rawName(t.Name)
			if !isASCIIQName(name) {
				refuse("element name %q", name)
			}
			self := bytes.HasSuffix(raw, []byte("/>"))
			if elements++; elements > MaxElements {
				refuse("more than MaxElements elements")
			}
			if !self && len(stack)+1 > MaxDepth {
				refuse("nesting deeper than MaxDepth")
			}
			if len(t.Attr) > MaxAttrs {
				refuse("more than MaxAttrs attributes")
			}
			var attrs strings.Builder
			seen := map[string]bool{}
			for _, a := range t.Attr {
				an := rawName(a.Name)
				if !isASCIIQName(an) {
					refuse("attribute name %q", an)
				}
				// encoding/xml: attributes are unique.
				if seen[an] {
					return fail("duplicate attribute %q", an)
				}
				seen[an] = true
				attrs.WriteString(formatAttr(an, a.Value))
			}
			for _, a := range rawAttrs(raw) {
				// encoding/xml: white space before each attribute.
				if !a.spaced {
					return fail("no white space before attribute %q", a.name)
				}
				if len(a.value) > MaxAttrValue {
					refuse("an attribute value longer than MaxAttrValue")
				}
				if msg, deliberate := checkRefs(a.value); msg != "" {
					if !deliberate {
						return fail("%s", msg)
					}
					refuse("%s", msg)
				}
			}
			l.add(token{kind: 'S', name: name, text: attrs.String()})
			stack = append(stack, name)
		case xml.EndElement:
			// encoding/xml: end tags match start tags.
			name := rawName(t.Name)
			if len(stack) == 0 {
				return fail("end tag </%s> without a start tag", name)
			}
			if top := stack[len(stack)-1]; top != name {
				return fail("end tag </%s> does not match <%s>", name, top)
			}
			stack = stack[:len(stack)-1]
			l.add(token{kind: 'E', name: name})
		case xml.CharData:
			cdata := bytes.HasPrefix(raw, []byte("<![CDATA["))
			// encoding/xml: only white space outside the root.
			if len(stack) == 0 && (cdata || len(bytes.Trim(raw, " \t\r\n")) > 0) {
				return fail("text outside the root element: %q", raw)
			}
			if !cdata {
				if msg, deliberate := checkRefs(raw); msg != "" {
					if !deliberate {
						return fail("%s", msg)
					}
					refuse("%s", msg)
				}
			}
			l.add(token{kind: 'T', text: string(t)})
		case xml.Comment:
			// encoding/xml: the characters of a comment.
			if !validChars(t) {
				return fail("comment with a character XML does not allow: %q", raw)
			}
			l.add(token{kind: 'C', text: string(t)})
		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml") {
				// encoding/xml: the declaration, and only at the start.
				if start != 0 || t.Target != "xml" || !xmlDecl.Match(raw) {
					return fail("misplaced or malformed XML declaration %q", raw)
				}
			} else {
				// encoding/xml: white space after the target, characters.
				if after := raw[2+len(t.Target):]; !bytes.HasPrefix(after, []byte("?>")) && !isSpace(after[0]) {
					return fail("no white space after the processing instruction target: %q", raw)
				}
				if !validChars(t.Inst) {
					return fail("processing instruction with a character XML does not allow: %q", raw)
				}
			}
			if !isASCIIQName(t.Target) {
				refuse("processing instruction target %q", t.Target)
			}
			l.add(token{kind: 'P', name: t.Target, text: string(t.Inst)})
		case xml.Directive:
			refuse("a declaration <!%s>", t)
		}
	}
	if len(stack) > 0 {
		return fail("element <%s> is not closed", stack[len(stack)-1])
	}
	if roots == 0 {
		return fail("no root element")
	}
	r.toks = l
	return r
}

// xmlDecl is the XML declaration (XML 1.0 §2.8 [23]-[26], [32], §4.3.3
// [80], [81]).
var xmlDecl = regexp.MustCompile(`^<\?xml` +
	`[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*("1\.[0-9]+"|'1\.[0-9]+')` +
	`([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*("[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?` +
	`([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*("(yes|no)"|'(yes|no)'))?` +
	`[ \t\r\n]*\?>$`)

// asciiQName is a name we read: an ASCII NCName, or two joined by a colon.
var asciiQName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*(:[A-Za-z_][A-Za-z0-9_.-]*)?$`)

func isASCIIQName(s string) bool { return asciiQName.MatchString(s) }

// rawName is a name as written: RawToken splits at a colon only between
// two non-empty parts.
func rawName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// validChars reports whether b is UTF-8 of characters XML allows.
func validChars(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 || !isXMLChar(r) {
			return false
		}
		b = b[size:]
	}
	return true
}

// checkRefs checks the references of text or an attribute value that
// encoding/xml accepted: it reports a character reference to a surrogate
// (not well-formed), or one that Parse refuses on purpose (deliberate).
func checkRefs(raw []byte) (msg string, deliberate bool) {
	for {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			return msg, deliberate
		}
		raw = raw[i+1:]
		semi := bytes.IndexByte(raw, ';')
		ref := string(raw[:semi])
		raw = raw[semi+1:]
		if ref[0] != '#' {
			continue
		}
		digits, base := ref[1:], 10
		if strings.HasPrefix(digits, "x") {
			digits, base = digits[1:], 16
		}
		if n, err := strconv.ParseUint(digits, base, 32); err == nil && n >= 0xD800 && n <= 0xDFFF {
			return "a character reference to a surrogate: &" + ref + ";", false
		}
		if len(digits) > 8 {
			msg, deliberate = "a character reference of more than 8 digits: &"+ref+";", true
		}
	}
}

// tagAttr is an attribute as written in a start tag.
type tagAttr struct {
	name   string
	spaced bool   // white space precedes it
	value  []byte // between the quotes
}

// rawAttrs splits a start tag that encoding/xml accepted into attributes.
func rawAttrs(tag []byte) []tagAttr {
	var out []tagAttr
	p := 1
	for p < len(tag) && !isSpace(tag[p]) && tag[p] != '/' && tag[p] != '>' {
		p++
	}
	for {
		ws := p
		for isSpace(tag[p]) {
			p++
		}
		if tag[p] == '/' || tag[p] == '>' {
			return out
		}
		a := tagAttr{spaced: p > ws}
		n := bytes.IndexByte(tag[p:], '=')
		a.name = string(bytes.TrimRight(tag[p:p+n], " \t\r\n"))
		p += n + 1
		for isSpace(tag[p]) {
			p++
		}
		q := tag[p]
		end := bytes.IndexByte(tag[p+1:], q)
		a.value = tag[p+1 : p+1+end]
		p += end + 2
		out = append(out, a)
	}
}

// writeSeeds rewrites the seed corpora derived from the shared corpus:
//
//	go test -run TestWriteFuzzSeeds -writeseeds ./configstore/xmldoc
var writeSeeds = flag.Bool("writeseeds", false, "rewrite the fuzz seeds derived from the shared corpus")

// TestWriteFuzzSeeds derives seeds from every file of the shared corpus for
// FuzzParse (testdata/fuzz/FuzzParse/corpus-*) and for configstore's
// FuzzRoundTrip (../testdata/fuzz/FuzzRoundTrip/corpus-*). Seeds are kept
// small: the fuzzer mutates small inputs far faster, and minimising a new
// input of 70 KB takes it a minute (TestParseCorpus checks the whole
// files when the corpus is there).
//
//   - files up to 16 KB (most web.config files, the malformed files, the
//     small apphost-full one) whole, for FuzzParse, and the
//     applicationHost.config among them for FuzzRoundTrip too;
//   - larger files pruned to the first few children of each element,
//     source bytes kept (line ends, BOM, indentation, comments), for
//     FuzzParse, and the applicationHost.config files for FuzzRoundTrip
//     too;
//   - one whole applicationHost.config for FuzzRoundTrip, so that the
//     paths for long lists (see bigElement) have a seed;
//   - a few truncations, for FuzzParse.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeSeeds {
		t.Skip("run with -writeseeds to rewrite the seeds")
	}
	parseDir := filepath.Join("testdata", "fuzz", "FuzzParse")
	tripDir := filepath.Join("..", "testdata", "fuzz", "FuzzRoundTrip")
	for _, dir := range []string{parseDir, tripDir} {
		old, _ := filepath.Glob(filepath.Join(dir, "corpus-*"))
		for _, f := range old {
			os.Remove(f)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(dir, name string, b []byte) {
		t.Helper()
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, "corpus-"+name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	whole := map[string]bool{"01-dotnet-koelnbonn-SpeakerNet.config": true} // CRLF
	seeded := 0
	for _, dir := range []string{"webconfig", "malformed", "apphost", "apphost-full"} {
		files := testenv.CorpusFiles(t, corpus, dir)
		for i, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			base := dir + "-" + strings.TrimSuffix(filepath.Base(f), ".config")
			seeded++
			if len(src) <= 16<<10 {
				write(parseDir, base, src)
				if i%8 == 0 {
					write(parseDir, base+"-truncated", src[:len(src)/2])
				}
				if dir != "webconfig" && dir != "malformed" {
					write(tripDir, base, src)
				}
				continue
			}
			d, err := Parse(src)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			pruned := prune(d, 2+i%3)
			write(parseDir, base+"-pruned", pruned)
			if dir != "webconfig" {
				write(tripDir, base+"-pruned", pruned)
			}
			if whole[filepath.Base(f)] {
				write(tripDir, base, src)
			}
		}
	}
	t.Logf("seeds derived from %d corpus files", seeded)
}

// prune returns the document with only the first keep children of each
// element, every kept byte as in the source.
func prune(d *Document, keep int) []byte {
	var b bytes.Buffer
	b.Write(d.src[:d.root.start])
	pruneElement(&b, d.root, keep)
	b.Write(d.src[d.root.end:])
	return b.Bytes()
}

func pruneElement(b *bytes.Buffer, e *Element, keep int) {
	src := e.doc.src
	if e.selfClosing {
		b.Write(src[e.start:e.end])
		return
	}
	b.Write(src[e.start:e.tagEnd])
	kids := e.Children()
	p := e.tagEnd
	for _, c := range kids[:min(keep, len(kids))] {
		b.Write(src[p:c.start])
		pruneElement(b, c, keep)
		p = c.end
	}
	if len(kids) > 0 {
		p = kids[len(kids)-1].end
	}
	b.Write(src[p:e.end])
}
