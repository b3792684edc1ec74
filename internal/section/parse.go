package section

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// Add parses one schema file (IIS format: <configSchema> holding
// <sectionSchema> elements) and adds its sections to s. A section that s
// already has is extended, as IIS does with a schema file that names an
// existing section: attributes and elements the file defines replace
// those of the same name, new ones are appended, and collection
// directives it spells out override. filename is only used in errors.
// On error s is unchanged; the error is a *SchemaError.
func (s *Schema) Add(filename string, data []byte) error {
	p := &parser{file: filename}
	secs, err := p.parseFile(data)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range secs {
		// A built-in definition not parsed yet comes first, so the file
		// extends it rather than the other way round.
		s.materialize(sec.Name)
	}
	s.merge(secs)
	return nil
}

// merge adds parsed sections to s, extending those it has. The caller
// holds s.mu.
func (s *Schema) merge(secs []*Section) {
	if s.sections == nil {
		s.sections = map[string]*Section{}
	}
	for _, sec := range secs {
		if old := s.sections[sec.Name]; old != nil {
			old.Root.merge(sec.Root)
			old.File = sec.File
		} else {
			s.sections[sec.Name] = sec
		}
	}
}

type parser struct {
	file string
}

func (p *parser) errorf(el *xmldoc.Element, format string, args ...any) error {
	line := 0
	if el != nil {
		line = el.Line()
	}
	return &SchemaError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parseFile(data []byte) ([]*Section, error) {
	// Schema files are read with the XML layer of configuration files,
	// which checks well-formedness and keeps line numbers.
	doc, err := xmldoc.Parse(asUTF8(data))
	if err != nil {
		se := &SchemaError{File: p.file, Msg: "not well-formed XML: " + err.Error(), Err: err}
		var syn *xmldoc.SyntaxError
		if errors.As(err, &syn) {
			se.Line = syn.Line
			se.Msg = fmt.Sprintf("not well-formed XML (column %d): %s", syn.Column, syn.Msg)
		}
		return nil, se
	}
	root := doc.Root()
	if root.Name() != "configSchema" {
		return nil, p.errorf(root, "the root element must be <configSchema>")
	}
	var out []*Section
	for _, el := range root.Children() {
		if el.Name() != "sectionSchema" {
			continue // comments and unknown elements are harmless
		}
		sec, err := p.parseSection(el)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	return out, nil
}

func (p *parser) parseSection(el *xmldoc.Element) (*Section, error) {
	name, _ := attr(el, "name")
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, p.errorf(el, "<sectionSchema> needs a name, e.g. name=\"system.webServer/webSocket\"")
	}
	root := &Element{Name: name[strings.LastIndex(name, "/")+1:]}
	var err error
	if root.AllowUnrecognizedAttributes, _, err = p.boolAttr(el, "allowUnrecognizedAttributes", false); err != nil {
		return nil, err
	}
	if err := p.parseBody(el, root); err != nil {
		return nil, err
	}
	return &Section{Name: name, Root: root, File: p.file}, nil
}

// parseBody reads the <attribute>, <element> and <collection> children of
// el into dst. <method> elements and anything marked extension="..."
// describe runtime extensions, not stored configuration, and are skipped.
func (p *parser) parseBody(el *xmldoc.Element, dst *Element) error {
	for _, c := range el.Children() {
		if _, ext := attr(c, "extension"); ext {
			continue
		}
		switch c.Name() {
		case "attribute":
			a, err := p.parseAttribute(c)
			if err != nil {
				return err
			}
			dst.setAttribute(a)
		case "element":
			e, err := p.parseElement(c)
			if err != nil {
				return err
			}
			if old := dst.childExact(e.Name); old != nil {
				old.merge(e)
			} else {
				dst.Elements = append(dst.Elements, e)
			}
		case "collection":
			col, err := p.parseCollection(c)
			if err != nil {
				return err
			}
			if dst.Collection == nil {
				dst.Collection = col
			} else {
				// A second <collection> under one element (FX_schema.xml
				// system.web/profile/properties: add and group) joins the
				// first, each add name keeping its own item schema.
				dst.Collection.merge(col)
			}
		}
	}
	return nil
}

func (p *parser) parseElement(el *xmldoc.Element) (*Element, error) {
	name, _ := attr(el, "name")
	if strings.TrimSpace(name) == "" {
		return nil, p.errorf(el, "<element> needs a name")
	}
	e := &Element{Name: strings.TrimSpace(name)}
	var err error
	if e.IsCollectionDefault, _, err = p.boolAttr(el, "isCollectionDefault", false); err != nil {
		return nil, err
	}
	if e.AllowUnrecognizedAttributes, _, err = p.boolAttr(el, "allowUnrecognizedAttributes", false); err != nil {
		return nil, err
	}
	if err := p.parseBody(el, e); err != nil {
		return nil, err
	}
	return e, nil
}

func (p *parser) parseCollection(el *xmldoc.Element) (*Collection, error) {
	add, _ := attr(el, "addElement")
	c := &Collection{MergeAppend: true, items: map[string]*Element{}}
	for _, n := range strings.Split(add, ",") {
		if n = strings.TrimSpace(n); n != "" && !c.IsAdd(n) {
			c.AddElements = append(c.AddElements, n)
		}
	}
	if len(c.AddElements) == 0 {
		return nil, p.errorf(el, "<collection> needs addElement, e.g. addElement=\"add\"")
	}
	strs := []struct {
		name string
		dst  *string
		bit  declaredSet
	}{
		{"removeElement", &c.RemoveElement, declRemove},
		{"clearElement", &c.ClearElement, declClear},
		{"defaultElement", &c.DefaultElement, declDefault},
	}
	for _, s := range strs {
		if v, ok := attr(el, s.name); ok {
			*s.dst = strings.TrimSpace(v)
			c.declared |= s.bit
		}
	}
	bools := []struct {
		name string
		dst  *bool
		def  bool
		bit  declaredSet
	}{
		{"mergeAppend", &c.MergeAppend, true, declMergeAppend},
		{"allowDuplicates", &c.AllowDuplicates, false, declAllowDuplicates},
		{"allowUnrecognizedAttributes", &c.AllowUnrecognizedAttributes, false, declAllowUnrecognized},
	}
	for _, b := range bools {
		v, ok, err := p.boolAttr(el, b.name, b.def)
		if err != nil {
			return nil, err
		}
		*b.dst = v
		if ok {
			c.declared |= b.bit
		}
	}
	item := &Element{Name: c.AddElements[0]}
	if err := p.parseBody(el, item); err != nil {
		return nil, err
	}
	c.Item = item
	for _, n := range c.AddElements {
		c.items[n] = item
	}
	return c, nil
}

func (p *parser) parseAttribute(el *xmldoc.Element) (*Attribute, error) {
	name, _ := attr(el, "name")
	a := &Attribute{Name: strings.TrimSpace(name), TimeSpanFormat: TimeSpanString}
	if a.Name == "" {
		return nil, p.errorf(el, "<attribute> needs a name")
	}
	typ, _ := attr(el, "type")
	k, ok := parseKind(strings.TrimSpace(typ))
	if !ok {
		return nil, p.errorf(el, "attribute %q: unknown type %q; use bool, enum, flags, uint, int, int64, string or timeSpan", a.Name, typ)
	}
	a.Type = k
	flags := []struct {
		name string
		dst  *bool
	}{
		{"required", &a.Required},
		{"isUniqueKey", &a.IsUniqueKey},
		{"isCombinedKey", &a.IsCombinedKey},
		{"caseSensitive", &a.CaseSensitive},
		{"encrypted", &a.Encrypted},
		{"allowInfinite", &a.AllowInfinite},
		{"expanded", &a.Expanded},
		{"displayHex", &a.DisplayHex},
	}
	for _, f := range flags {
		v, _, err := p.boolAttr(el, f.name, false)
		if err != nil {
			return nil, err
		}
		*f.dst = v
	}
	// attr falls back to a case-insensitive match, which also picks up
	// the defaultvalue spelling found in IIS_schema.xml.
	a.DefaultValue, a.HasDefault = attr(el, "defaultValue")
	if f, ok := attr(el, "timeSpanFormat"); ok {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case TimeSpanString:
			a.TimeSpanFormat = TimeSpanString
		case TimeSpanSeconds:
			a.TimeSpanFormat = TimeSpanSeconds
		case TimeSpanMinutes:
			a.TimeSpanFormat = TimeSpanMinutes
		default:
			return nil, p.errorf(el, "attribute %q: unknown timeSpanFormat %q; use string, seconds or minutes", a.Name, f)
		}
	}
	if vt, ok := attr(el, "validationType"); ok && strings.TrimSpace(vt) != "" {
		param, _ := attr(el, "validationParameter")
		v, err := parseValidator(strings.TrimSpace(vt), param)
		if err != nil {
			return nil, p.errorf(el, "attribute %q: %v", a.Name, err)
		}
		a.Validator = v
	}
	for _, c := range el.Children() {
		var dst *[]Named
		switch c.Name() {
		case "enum":
			dst = &a.Enums
		case "flag":
			dst = &a.Flags
		default:
			continue
		}
		n, _ := attr(c, "name")
		if strings.TrimSpace(n) == "" {
			return nil, p.errorf(c, "attribute %q: <%s> needs a name", a.Name, c.Name())
		}
		vs, _ := attr(c, "value")
		v, err := parseNumber(strings.TrimSpace(vs))
		if err != nil {
			return nil, p.errorf(c, "attribute %q: <%s name=%q> needs a numeric value, not %q", a.Name, c.Name(), n, vs)
		}
		*dst = append(*dst, Named{Name: strings.TrimSpace(n), Value: v})
	}
	return a, nil
}

// parseNumber reads a decimal or 0x-prefixed hexadecimal integer.
func parseNumber(s string) (int64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		return int64(u), err
	}
	return strconv.ParseInt(s, 10, 64)
}

// boolAttr reads a true/false schema attribute; present reports whether
// it was written.
func (p *parser) boolAttr(el *xmldoc.Element, name string, def bool) (v, present bool, err error) {
	s, ok := attr(el, name)
	if !ok {
		return def, false, nil
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	what := el.Name()
	if n, ok := attr(el, "name"); ok {
		what += " " + strconv.Quote(n)
	}
	return def, true, p.errorf(el, "%s: %s=%q must be true or false", what, name, s)
}

// attr returns an attribute of a schema element: the exact name first,
// then any case (schema files are hand-written; IIS_schema.xml itself
// has one defaultvalue). Prefixed (namespace) attributes are not ours.
func attr(el *xmldoc.Element, name string) (string, bool) {
	if el == nil {
		return "", false
	}
	attrs := el.Attrs()
	for _, a := range attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	for _, a := range attrs {
		if !strings.Contains(a.Name, ":") && strings.EqualFold(a.Name, name) {
			return a.Value, true
		}
	}
	return "", false
}

// asUTF8 returns data as UTF-8 for xmldoc: a byte order mark is dropped
// and UTF-16 (with one, as Windows tools write it) decoded. An XML
// declaration naming another encoding is blanked out (same length, so
// lines and columns stay), as the text is read as UTF-8 whatever it says.
func asUTF8(b []byte) []byte {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF):
		le := b[0] == 0xFF
		b = b[2:]
		u := make([]uint16, len(b)/2)
		for i := range u {
			if le {
				u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
			} else {
				u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			}
		}
		b = []byte(string(utf16.Decode(u)))
	}
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return b
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 {
		return b
	}
	decl := string(b[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return b
	}
	fields := strings.Fields(strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n="))
	if len(fields) == 0 {
		return b // "encoding" with no value: the XML parser reports it
	}
	v := strings.Trim(fields[0], `"'`)
	if strings.EqualFold(v, "utf-8") {
		return b
	}
	out := append([]byte(nil), b...)
	for j := 0; j < end+2; j++ {
		if out[j] != '\n' && out[j] != '\r' {
			out[j] = ' '
		}
	}
	return out
}
