package section

import (
	"sort"
	"strings"
	"sync"
)

// Kind is the runtime type of an attribute, spelt in schema files as
// bool, enum, flags, uint, int, int64, string or timeSpan.
type Kind int

// The attribute kinds of the IIS schema format.
const (
	KindString Kind = iota
	KindBool
	KindEnum
	KindFlags
	KindUint
	KindInt
	KindInt64
	KindTimeSpan
)

var kindNames = [...]string{
	KindString:   "string",
	KindBool:     "bool",
	KindEnum:     "enum",
	KindFlags:    "flags",
	KindUint:     "uint",
	KindInt:      "int",
	KindInt64:    "int64",
	KindTimeSpan: "timeSpan",
}

// String returns the kind as schema files spell it.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// parseKind reads a schema type name; IIS spells them in one case, but a
// hand-written schema with "timespan" should not be rejected for that.
func parseKind(s string) (Kind, bool) {
	for k, name := range kindNames {
		if strings.EqualFold(s, name) {
			return Kind(k), true
		}
	}
	return 0, false
}

// Time span persistence formats (the timeSpanFormat schema attribute).
const (
	TimeSpanString  = "string"  // hh:mm:ss, with d. prefix and fraction when needed
	TimeSpanSeconds = "seconds" // whole number of seconds
	TimeSpanMinutes = "minutes" // whole number of minutes
)

// Named is one enum value or flag: its friendly name and numeric value.
type Named struct {
	Name  string
	Value int64
}

// Schema is a set of section definitions. The zero value is empty and
// ready to use; Builtin returns one holding the embedded definitions.
type Schema struct {
	mu       sync.Mutex
	sections map[string]*Section
	// lazy holds built-in definitions not parsed yet (shared, read-only);
	// done records which of them have been merged into sections.
	lazy map[string][]lazyDef
	done map[string]bool
}

// Section is one configuration section, e.g. "system.webServer/webSocket".
// Root describes the section element itself; its Name is the last path
// segment ("webSocket"), as the element is spelt in configuration files.
type Section struct {
	Name string
	Root *Element
	// File names the schema file that last defined or extended the
	// section ("builtin/webServer.xml" for the embedded ones).
	File string
}

// Element is an XML element of a section: the section element, a child
// element, or a collection item. It may have attributes, child elements
// and one collection together.
type Element struct {
	Name       string
	Attributes []*Attribute
	Elements   []*Element
	Collection *Collection
	// IsCollectionDefault marks elements such as siteDefaults whose values
	// are the defaults for the items of a sibling collection (see
	// Collection.DefaultElement).
	IsCollectionDefault bool
	// AllowUnrecognizedAttributes lets the element carry attributes that
	// the schema does not define (system.web/httpRuntime does).
	AllowUnrecognizedAttributes bool
}

// Collection describes the items an element may hold and the directives
// that edit them (<add>, <remove>, <clear>).
type Collection struct {
	// AddElements are the element names that add an item; usually one
	// ("add", "site"), several for system.web/authorization ("allow",
	// "deny").
	AddElements    []string
	RemoveElement  string // "" when the collection has no remove directive
	ClearElement   string // "" when the collection has no clear directive
	DefaultElement string // sibling element holding item defaults, e.g. "siteDefaults"
	// MergeAppend is true when items of deeper configuration levels go
	// after inherited ones (the default); false puts them first.
	MergeAppend                 bool
	AllowDuplicates             bool
	AllowUnrecognizedAttributes bool
	// Item is the schema of the items added by AddElements[0].
	Item *Element

	// items maps each add element name to its item schema. Names of one
	// addElement list share one item; a second <collection> under the
	// same element (FX_schema.xml has one) brings its own.
	items map[string]*Element
	// declared records which directive attributes a definition spelt
	// out, so that a later definition only overrides those.
	declared declaredSet
}

type declaredSet uint8

const (
	declRemove declaredSet = 1 << iota
	declClear
	declDefault
	declMergeAppend
	declAllowDuplicates
	declAllowUnrecognized
)

// Attribute is one attribute definition.
type Attribute struct {
	Name          string
	Type          Kind
	Required      bool
	IsUniqueKey   bool
	IsCombinedKey bool
	CaseSensitive bool
	Encrypted     bool
	AllowInfinite bool
	Expanded      bool
	DisplayHex    bool
	// DefaultValue is the defaultValue text as written in the schema;
	// HasDefault tells an empty one from an absent one. Use Default for
	// the canonical value.
	DefaultValue string
	HasDefault   bool
	// TimeSpanFormat is TimeSpanString, TimeSpanSeconds or
	// TimeSpanMinutes; only meaningful for KindTimeSpan.
	TimeSpanFormat string
	Enums          []Named // KindEnum values in schema order
	Flags          []Named // KindFlags values in schema order
	Validator      *Validator
}

// Section returns the section with exactly this full name, or nil.
func (s *Schema) Section(name string) *Section {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.materialize(name)
	return s.sections[name]
}

// Has reports whether s defines the section, without parsing a built-in
// one that is not parsed yet.
func (s *Schema) Has(name string) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.sections[name]
	if !ok {
		_, ok = s.lazy[name]
	}
	return ok
}

// Names returns the full names of all sections, sorted.
func (s *Schema) Names() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.sections)+len(s.lazy))
	for n := range s.sections {
		names = append(names, n)
	}
	for n := range s.lazy {
		if _, ok := s.sections[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Resolve turns a section name as a user types it into full section
// names, using ResolveAmong over all sections of s.
func (s *Schema) Resolve(name string) []string {
	return ResolveAmong(name, s.Names())
}

// Lookup resolves name (see Resolve) to exactly one section. It returns
// an error naming the candidates when name is unknown or ambiguous.
func (s *Schema) Lookup(name string) (*Section, error) {
	full := s.Resolve(name)
	switch len(full) {
	case 0:
		return nil, &LookupError{Name: name}
	case 1:
		return s.Section(full[0]), nil
	default:
		if pick, ok := PreferAmong(full); ok {
			return s.sections[pick], nil
		}
		return nil, &LookupError{Name: name, Candidates: full}
	}
}

// ResolveAmong matches name against the full section names in names and
// returns the matches of the first rule that finds any:
//
//  1. the exact full name ("system.webServer/webSocket");
//  2. the full name, ignoring case;
//  3. a trailing part of the full name that starts after a "/":
//     "webSocket", "anonymousAuthentication",
//     "authentication/anonymousAuthentication";
//  4. the same, ignoring case.
//
// Several results mean the name is ambiguous ("authorization"). Callers
// that know which sections a configuration file declares should pass
// those names, so that for example "modules" finds
// system.webServer/modules even when a schema directory also defines the
// administration.config section "modules".
func ResolveAmong(name string, names []string) []string {
	name = strings.Trim(name, "/")
	if name == "" {
		return nil
	}
	rules := []func(full string) bool{
		func(full string) bool { return full == name },
		func(full string) bool { return strings.EqualFold(full, name) },
		func(full string) bool { return strings.HasSuffix(full, "/"+name) },
		func(full string) bool {
			return len(full) > len(name) && full[len(full)-len(name)-1] == '/' &&
				strings.EqualFold(full[len(full)-len(name):], name)
		},
	}
	for _, match := range rules {
		var out []string
		for _, full := range names {
			if match(full) {
				out = append(out, full)
			}
		}
		if len(out) > 0 {
			sort.Strings(out)
			return out
		}
	}
	return nil
}

// PreferAmong picks one section among the several full names that
// ResolveAmong found for a short name, as appcmd.exe does: IIS articles
// write "requestFiltering", "ipSecurity" and "authorization" for the web
// server's sections although FTP and ASP.NET have sections of the same
// name. The system.webServer candidate wins, else the
// system.applicationHost one ("log"). It reports false when neither group
// has a candidate, or the first group that has any has several (two
// system.webServer "authorization" sections), so the caller refuses the
// name and lists the candidates. This is the one place the rule lives
// (docs/grammar.md); the choice among other groups is UNCONFIRMED.
func PreferAmong(cands []string) (string, bool) {
	for _, group := range []string{"system.webServer/", "system.applicationHost/"} {
		var got []string
		for _, c := range cands {
			if strings.HasPrefix(c, group) {
				got = append(got, c)
			}
		}
		switch len(got) {
		case 0:
			continue
		case 1:
			return got[0], true
		}
		return "", false
	}
	return "", false
}

// Attribute returns the attribute with this name: an exact match first,
// then one that differs only in case; nil if there is none.
func (e *Element) Attribute(name string) *Attribute {
	if e == nil {
		return nil
	}
	return byName(e.Attributes, name, func(a *Attribute) string { return a.Name })
}

// Element returns the child element with this name: an exact match
// first, then one that differs only in case; nil if there is none.
func (e *Element) Element(name string) *Element {
	if e == nil {
		return nil
	}
	return byName(e.Elements, name, func(c *Element) string { return c.Name })
}

// byName finds name in list: exactly, else ignoring case; nil if absent.
func byName[T any](list []*T, name string, nameOf func(*T) string) *T {
	for _, x := range list {
		if nameOf(x) == name {
			return x
		}
	}
	for _, x := range list {
		if strings.EqualFold(nameOf(x), name) {
			return x
		}
	}
	return nil
}

// IsAdd reports whether elementName is one of the collection's add
// directives. Element names in configuration files are case-sensitive.
func (c *Collection) IsAdd(elementName string) bool {
	if c == nil {
		return false
	}
	for _, n := range c.AddElements {
		if n == elementName {
			return true
		}
	}
	return false
}

// ItemFor returns the item schema for an add directive name, or nil if
// elementName is not one of AddElements.
func (c *Collection) ItemFor(elementName string) *Element {
	if c == nil {
		return nil
	}
	if it, ok := c.items[elementName]; ok {
		return it
	}
	return nil
}

// KeyAttributes returns the attributes that identify an item of the
// collection. If the item has isUniqueKey attributes, those are returned
// and each is unique on its own (sites: name and id). Otherwise the
// isCombinedKey attributes are returned, unique only together (bindings:
// protocol and bindingInformation). Check IsUniqueKey on the result to
// tell the two apart. Nil means the schema defines no key.
func (c *Collection) KeyAttributes() []*Attribute {
	if c == nil || c.Item == nil {
		return nil
	}
	var unique, combined []*Attribute
	for _, a := range c.Item.Attributes {
		switch {
		case a.IsUniqueKey:
			unique = append(unique, a)
		case a.IsCombinedKey:
			combined = append(combined, a)
		}
	}
	if len(unique) > 0 {
		return unique
	}
	return combined
}

// Clone returns a deep copy of s, so that later Add calls on either do
// not affect the other.
func (s *Schema) Clone() *Schema {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &Schema{sections: make(map[string]*Section, len(s.sections)), lazy: s.lazy}
	if s.done != nil {
		out.done = make(map[string]bool, len(s.done))
		for n := range s.done {
			out.done[n] = true
		}
	}
	memo := map[*Element]*Element{}
	for n, sec := range s.sections {
		out.sections[n] = &Section{Name: sec.Name, File: sec.File, Root: sec.Root.clone(memo)}
	}
	return out
}

// clone copies an element tree. Attributes are never modified after
// parsing (merges replace them), so they are shared.
func (e *Element) clone(memo map[*Element]*Element) *Element {
	if e == nil {
		return nil
	}
	if c, ok := memo[e]; ok {
		return c
	}
	c := &Element{
		Name:                        e.Name,
		Attributes:                  append([]*Attribute(nil), e.Attributes...),
		IsCollectionDefault:         e.IsCollectionDefault,
		AllowUnrecognizedAttributes: e.AllowUnrecognizedAttributes,
	}
	memo[e] = c
	for _, ch := range e.Elements {
		c.Elements = append(c.Elements, ch.clone(memo))
	}
	if col := e.Collection; col != nil {
		cc := *col
		cc.AddElements = append([]string(nil), col.AddElements...)
		cc.Item = col.Item.clone(memo)
		cc.items = make(map[string]*Element, len(col.items))
		for n, it := range col.items {
			cc.items[n] = it.clone(memo)
		}
		c.Collection = &cc
	}
	return c
}

// merge folds a later definition src into e. IIS lets a schema file
// extend a section defined in another file (Ftp_schema.xml adds ftpServer
// to system.applicationHost/sites), so definitions merge: what src defines
// replaces what e has under the same name, and anything new is appended.
func (e *Element) merge(src *Element) {
	for _, a := range src.Attributes {
		e.setAttribute(a)
	}
	for _, se := range src.Elements {
		if de := e.childExact(se.Name); de != nil {
			de.merge(se)
		} else {
			e.Elements = append(e.Elements, se)
		}
	}
	if src.IsCollectionDefault {
		e.IsCollectionDefault = true
	}
	if src.AllowUnrecognizedAttributes {
		e.AllowUnrecognizedAttributes = true
	}
	if src.Collection != nil {
		if e.Collection == nil {
			e.Collection = src.Collection
		} else {
			e.Collection.merge(src.Collection)
		}
	}
}

func (e *Element) setAttribute(a *Attribute) {
	for i, old := range e.Attributes {
		if old.Name == a.Name {
			e.Attributes[i] = a
			return
		}
	}
	e.Attributes = append(e.Attributes, a)
}

func (e *Element) childExact(name string) *Element {
	for _, c := range e.Elements {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// merge folds a later collection definition into c: directives src spells
// out win, add elements and item definitions merge.
func (c *Collection) merge(src *Collection) {
	d := src.declared
	if d&declRemove != 0 {
		c.RemoveElement = src.RemoveElement
	}
	if d&declClear != 0 {
		c.ClearElement = src.ClearElement
	}
	if d&declDefault != 0 {
		c.DefaultElement = src.DefaultElement
	}
	if d&declMergeAppend != 0 {
		c.MergeAppend = src.MergeAppend
	}
	if d&declAllowDuplicates != 0 {
		c.AllowDuplicates = src.AllowDuplicates
	}
	if d&declAllowUnrecognized != 0 {
		c.AllowUnrecognizedAttributes = src.AllowUnrecognizedAttributes
	}
	c.declared |= d
	if c.items == nil {
		c.items = map[string]*Element{}
	}
	// Merge each distinct source item once into each distinct item of c
	// that shares one of its add names; add names new to c join the item
	// their source item was merged into (or the source item itself).
	target := map[*Element]*Element{}
	merged := map[*Element]bool{}
	for _, name := range src.AddElements {
		sit := src.items[name]
		if dit, ok := c.items[name]; ok {
			if !merged[dit] {
				if _, used := target[sit]; used {
					// Already grafted elsewhere: merge a copy, so the two
					// trees share no elements.
					dit.merge(sit.clone(map[*Element]*Element{}))
				} else {
					dit.merge(sit)
				}
				merged[dit] = true
			}
			if _, ok := target[sit]; !ok {
				target[sit] = dit
			}
			continue
		}
		t, ok := target[sit]
		if !ok {
			t = sit
			target[sit] = sit
		}
		c.items[name] = t
		c.AddElements = append(c.AddElements, name)
	}
	if c.Item == nil && len(c.AddElements) > 0 {
		c.Item = c.items[c.AddElements[0]]
	}
}
