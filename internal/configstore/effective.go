package configstore

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Origin is where an effective value or collection entry was defined.
type Origin struct {
	File     string
	Line     int
	Level    ConfigPath // the level the defining section instance applies to
	Location string     // the <location path> as written; "" outside a location
	InFile   bool       // false only for the synthetic schema-default origin
}

func (o *Origin) String() string {
	if o == nil {
		return "schema default"
	}
	return o.File + ":" + strconv.Itoa(o.Line)
}

// EffAttr is one attribute of an effective element.
type EffAttr struct {
	Name   string
	Value  string // canonical, as IIS shows it
	Set    bool   // defined at some level (false: schema default)
	Origin *Origin
	Schema *section.Attribute // nil for an attribute the schema allows without defining
}

// EffElement is an element of an effective section: the section element,
// one of its child elements, or a collection entry.
type EffElement struct {
	Name     string
	Schema   *section.Element
	Attrs    []*EffAttr
	Children []*EffElement
	Items    []*EffElement // collection entries, in effective order
	Origin   *Origin       // for collection entries: where the entry was added
	// SrcFile is the file that defined a collection entry, and SrcLevel
	// the level of its section instance, so edits can tell local entries
	// from inherited ones (Source gives the defining element).
	SrcFile  *File
	SrcLevel ConfigPath

	src *xmldoc.Element // the element that defined a collection entry

	locks     *lockSet        // granular locks set by a level, enforced on lower files
	file      *File           // for items: the file that added them (lockItem)
	keys      map[string]bool // collection owners: keys of Items and the pending batch
	item      bool
	unknownOK bool
	// shared marks a frozen default tree (defaultsCache.frozen), held by
	// many elements: never changed, copied by own before a merge writes.
	shared      bool
	givesKnown  int8 // gives, once computed: 1 yes, -1 no
	placeholder bool // an entry EffectiveEntries leaves out
}

// Attr returns the named attribute (exact name, then ignoring case).
func (e *EffElement) Attr(name string) *EffAttr {
	for _, a := range e.Attrs {
		if a.Name == name {
			return a
		}
	}
	for _, a := range e.Attrs {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// Child returns the named child element.
func (e *EffElement) Child(name string) *EffElement {
	for _, c := range e.Children {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// HasSet reports whether anything in the element was set at some level.
func (e *EffElement) HasSet() bool {
	for _, a := range e.Attrs {
		if a.Set {
			return true
		}
	}
	for _, c := range e.Children {
		if c.HasSet() {
			return true
		}
	}
	return len(e.Items) > 0
}

// Effective is a section merged over every level that applies to a path.
type Effective struct {
	Section string
	Path    ConfigPath
	Schema  *section.Section
	Decl    *Declaration
	Root    *EffElement
	// OverrideMode is the mode of a location tag at exactly Path holding the
	// section in applicationHost.config ("Inherit" when there is none).
	OverrideMode string
	// Locked reports whether a web.config at Path may not define the section.
	Locked bool
	// Instances are the section instances that were merged, in order.
	Instances []*SectionInstance
}

// lockSet holds the granular locks one level put on an element.
type lockSet struct {
	file         *File
	attrs        map[string]bool // lockAttributes ("*" = all)
	attrsExcept  map[string]bool // lockAllAttributesExcept (nil = unset)
	elems        map[string]bool // lockElements
	elemsExcept  map[string]bool // lockAllElementsExcept
	itemsLockAll bool
}

var lockAttrNames = map[string]bool{
	"lockAttributes": true, "lockAllAttributesExcept": true,
	"lockElements": true, "lockAllElementsExcept": true, "lockItem": true,
}

// metaAttr reports attributes the configuration system handles itself.
func metaAttr(name string) bool {
	return lockAttrNames[name] || name == "configSource" || name == "xmlns" ||
		strings.HasPrefix(name, "xmlns:") || strings.HasPrefix(name, "xdt:")
}

func splitNames(v string) map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			m[strings.ToLower(p)] = true
		}
	}
	return m
}

func (l *lockSet) attrLocked(name string) bool {
	return l != nil && locked(name, l.attrs, l.attrsExcept)
}

func (l *lockSet) elemLocked(name string) bool {
	return l != nil && locked(name, l.elems, l.elemsExcept)
}

// locked applies a lock list ("*" = all) and an all-except list (nil =
// unset) to a name.
func locked(name string, list, except map[string]bool) bool {
	n := strings.ToLower(name)
	return list["*"] || list[n] || except != nil && !except[n]
}

// defaultValue is an attribute's schema default as shown: an encrypted
// attribute's default is an encrypted empty string ("[enc:Provider::enc]"),
// which reads back as empty.
func defaultValue(a *section.Attribute) string {
	d := a.Default()
	if a.Encrypted && strings.HasPrefix(d, "[enc:") && strings.HasSuffix(d, "::enc]") {
		return ""
	}
	return d
}

// defaultsCache maps a schema element to its attributes' shown defaults
// and to its frozen default tree. Each Store has its own: the schema
// elements belong to the store's schema.
type defaultsCache map[*section.Element]*schemaDefaults

type schemaDefaults struct {
	values []string
	frozen *EffElement // the element with nothing set, shared; never changed
}

// newEffElement builds an element holding the schema defaults. A large
// sites section builds one per site, so its child elements start as the
// schema element's frozen default trees, shared by every element of the
// same schema (a <site> carries limits, logFile, ftpServer, ...: hundreds
// of attributes nobody sets). A merge that writes into a child makes it
// the element's own first (own); nothing else changes an element.
func (dc defaultsCache) newEffElement(name string, sch *section.Element) *EffElement {
	if sch == nil {
		return &EffElement{Name: name}
	}
	return dc.frozen(sch).copy(name)
}

// frozen returns the shared default tree of a schema element.
func (dc defaultsCache) frozen(sch *section.Element) *EffElement {
	d := dc.schemaDefaults(sch)
	if d.frozen != nil {
		return d.frozen
	}
	e := &EffElement{Name: sch.Name, Schema: sch, shared: true}
	attrs := make([]EffAttr, len(sch.Attributes))
	e.Attrs = make([]*EffAttr, len(sch.Attributes))
	for i, a := range sch.Attributes {
		attrs[i] = EffAttr{Name: a.Name, Value: d.values[i], Schema: a}
		e.Attrs[i] = &attrs[i]
	}
	if len(sch.Elements) > 0 {
		e.Children = make([]*EffElement, len(sch.Elements))
		for i, c := range sch.Elements {
			e.Children[i] = dc.frozen(c)
		}
	}
	d.frozen = e
	return e
}

// copy returns an unshared element with e's attributes (one allocation)
// and e's children, which stay shared until owned. A frozen merged tree
// (validate's inherited instances, freeze) also has entries and locks:
// the copy keeps them, appending to a new array, and indexes its keys
// again when it needs them.
func (e *EffElement) copy(name string) *EffElement {
	c := *e
	n := &c
	n.Name, n.shared, n.givesKnown, n.keys = name, false, 0, nil
	if e.shared && e.keys != nil {
		// A shared tree is merged into no more (no pending batch): its
		// key index is complete, and the copy starts from it.
		n.keys = maps.Clone(e.keys)
	}
	n.Items = e.Items[:len(e.Items):len(e.Items)]
	attrs := make([]EffAttr, len(e.Attrs))
	n.Attrs = make([]*EffAttr, len(e.Attrs), len(e.Attrs)+1)
	for i, a := range e.Attrs {
		attrs[i] = *a
		n.Attrs[i] = &attrs[i]
	}
	if len(e.Children) > 0 {
		n.Children = append([]*EffElement(nil), e.Children...)
	}
	return n
}

// own returns child i of e, copied first when it is a shared default
// tree; e must be e's own (not shared).
func (e *EffElement) own(i int) *EffElement {
	c := e.Children[i]
	if c.shared {
		c = c.copy(c.Name)
		e.Children[i] = c
	}
	return c
}

// childIndex is Child's index (-1 when absent).
func (e *EffElement) childIndex(name string) int {
	for i, c := range e.Children {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

func (dc defaultsCache) schemaDefaults(sch *section.Element) *schemaDefaults {
	if d, ok := dc[sch]; ok {
		return d
	}
	d := &schemaDefaults{values: make([]string, len(sch.Attributes))}
	for i, a := range sch.Attributes {
		d.values[i] = defaultValue(a)
	}
	dc[sch] = d
	return d
}

// Effective returns the section merged for a config path: schema defaults,
// then applicationHost.config (server level, then <location> tags by depth),
// then the web.config files along the URL and their <location> tags. At one
// depth a web.config wins over applicationHost.config, being closer to the
// content. Every value records where it came from.
func (s *Store) Effective(cp ConfigPath, name string) (*Effective, error) {
	return s.EffectiveFor(cp, name, nil, false)
}

// EffectiveFor is Effective as seen by an edit of file through at level cp:
// instances that merge after through's instance for cp (deeper files, or
// other files at the same depth) are left out; with exclusive, through's
// own instance for cp is left out too, giving what that level inherits.
func (s *Store) EffectiveFor(cp ConfigPath, name string, through *File, exclusive bool) (*Effective, error) {
	return s.effective(cp, name, through, exclusive, nil, false)
}

// EffectiveEntries is Effective with only the entries of the section's
// own collection (sites, application pools) whose first key attribute
// (a site's or pool's name) keep accepts: the others are checked for
// duplicate keys, <remove> and <clear> as usual, but not merged, so
// finding one site among 50,000 does not build the other 49,999.
func (s *Store) EffectiveEntries(cp ConfigPath, name string, keep func(key string) bool) (*Effective, error) {
	eff, err := s.effective(cp, name, nil, false, keep, false)
	if err != nil {
		return nil, err
	}
	kept := eff.Root.Items[:0:0]
	for _, it := range eff.Root.Items {
		if !it.placeholder {
			kept = append(kept, it)
		}
	}
	eff.Root.Items = kept
	return eff, nil
}

// EffectiveEntriesFor is EffectiveFor merging only the entries keep
// accepts, as EffectiveEntries, but keeping every key of the others for an
// edit's duplicate checks: in the key index only (KeyIndexed) when the
// collection's entries are told apart by unique keys, else as placeholders
// in Items (their key attributes only; Placeholder reports them). With skip, the
// others are left out entirely, not even checked for duplicate keys: for
// an edit inside one entry, whose result is read back (and checked) after.
func (s *Store) EffectiveEntriesFor(cp ConfigPath, name string, through *File, exclusive bool, keep func(key string) bool, skip bool) (*Effective, error) {
	return s.effective(cp, name, through, exclusive, keep, skip)
}

// Placeholder reports an entry EffectiveEntriesFor did not merge: it has
// its key attributes only.
func (e *EffElement) Placeholder() bool { return e.placeholder }

func (s *Store) effective(cp ConfigPath, name string, through *File, exclusive bool, keep func(string) bool, skip bool) (*Effective, error) {
	return s.effectiveWith(cp, name, through, exclusive, keep, skip, nil)
}

// effectiveWith is effective; with st, the entries of the section's own
// collection are merged and left as placeholders whose places st records
// (EachEntry merges them again one at a time).
func (s *Store) effectiveWith(cp ConfigPath, name string, through *File, exclusive bool, keep func(string) bool, skip bool, st *entryStream) (*Effective, error) {
	sch, decl, err := s.LookupSection(name, cp)
	if err != nil {
		return nil, err
	}
	chain, err := s.Chain(cp)
	if err != nil {
		return nil, err
	}
	eff := &Effective{Section: sch.Name, Path: cp, Schema: sch, Decl: decl, OverrideMode: "Inherit"}
	insts, err := s.instancesFor(chain, sch.Name, cp)
	if err != nil {
		return nil, err
	}
	if through != nil {
		insts = cutAt(insts, through, cp, exclusive)
	}
	for _, in := range insts {
		if err := s.checkInstance(in, decl, chain); err != nil {
			return nil, err
		}
		if in.File.AppHost && in.Location != nil && in.Location.Config.Equal(cp) && in.Location.OverrideMode != "Inherit" {
			eff.OverrideMode = in.Location.OverrideMode
		}
	}
	if err := checkDuplicates(insts); err != nil {
		return nil, err
	}
	mode, _ := s.sectionMode(sch.Name, decl, cp, chain, nil)
	eff.Locked = mode == "Deny"
	eff.Instances = insts
	// Entries left out need no placeholders when their keys are unique
	// keys, indexed for the duplicate checks (keysOnly): a lookup among
	// 10,000 sites then holds 10,000 keys, not 10,000 elements. A
	// <remove> or <clear> of that collection needs the entries: then the
	// merge starts again with placeholders.
	keysOnly := keep != nil && !skip && st == nil && uniqueKeys(sch.Root.Collection)
	eff.Root, err = s.mergeInstances(sch, insts, keep, skip, keysOnly, st)
	if err == errNeedEntries {
		eff.Root, err = s.mergeInstances(sch, insts, keep, skip, false, st)
	}
	if err != nil {
		return nil, err
	}
	if st != nil {
		return eff, nil // EachEntry applies the defaults, entry by entry
	}
	applyCollectionDefaults(eff.Root)
	return eff, nil
}

// mergeInstances merges the instances of a section in order into a new
// effective root (see effectiveWith for keep, skip, keysOnly and st).
func (s *Store) mergeInstances(sch *section.Section, insts []*SectionInstance, keep func(string) bool, skip, keysOnly bool, st *entryStream) (*EffElement, error) {
	root := s.defaults.newEffElement(sch.Root.Name, sch.Root)
	for _, in := range insts {
		m := s.mergerFor(in)
		if keep != nil {
			m.keepRoot, m.keep, m.skip, m.keysOnly = root, keep, skip, keysOnly
		}
		if st != nil {
			m.dropRoot, m.stream, m.inst = root, st, len(st.mergers)
			st.mergers = append(st.mergers, m)
		}
		if err := m.mergeElement(root, in.Element); err != nil {
			return nil, err
		}
	}
	return root, nil
}

// applyCollectionDefaults gives collection entries the values of their
// collection's default element (siteDefaults, applicationDefaults,
// virtualDirectoryDefaults, applicationPoolDefaults) for what they do not
// set themselves: an <application> without applicationPool uses
// applicationDefaults' pool, as IIS does. Such values keep Set=false (they
// are defaults, not settings of the entry) but carry the default element's
// origin.
func applyCollectionDefaults(e *EffElement) {
	if e.Schema != nil && e.Schema.Collection != nil {
		def := e.Child(e.Schema.Collection.DefaultElement)
		for _, it := range e.Items {
			if it.placeholder {
				continue
			}
			entryDefaults(e, def, it)
		}
	}
	for _, c := range e.Children {
		applyCollectionDefaults(c)
	}
	for _, it := range e.Items {
		if !it.placeholder {
			applyCollectionDefaults(it)
		}
	}
}

// entryDefaults gives one entry of e's collection what the collection's
// default element def (may be nil) gives. An entry's own default elements
// (a site's applicationDefaults) start from the owner's (sites'
// applicationDefaults).
func entryDefaults(e, def, it *EffElement) {
	for i, c := range it.Children {
		if c.Schema != nil && c.Schema.IsCollectionDefault {
			if up := e.Child(c.Name); up != nil && up.gives() {
				inheritDefaults(it.own(i), up)
			}
		}
	}
	if def != nil && def.gives() {
		inheritDefaults(it, def)
	}
}

// inheritDefaults gives it (its own, not shared) the values def has to
// give.
func inheritDefaults(it, def *EffElement) {
	for _, d := range def.Attrs {
		if !d.Set && d.Origin == nil {
			continue
		}
		if a := it.Attr(d.Name); a != nil && !a.Set {
			a.Value, a.Origin = d.Value, d.Origin
		}
	}
	for _, dc := range def.Children {
		if !dc.gives() {
			continue
		}
		if i := it.childIndex(dc.Name); i >= 0 {
			inheritDefaults(it.own(i), dc)
		}
	}
}

// gives reports whether a default element has a value for its entries
// (one set, or inherited from another default element), remembered: the
// default elements do not change while their entries take their values.
func (e *EffElement) gives() bool {
	if e.givesKnown != 0 {
		return e.givesKnown > 0
	}
	g := false
	for _, d := range e.Attrs {
		if d.Set || d.Origin != nil {
			g = true
			break
		}
	}
	for _, c := range e.Children {
		if !g && c.gives() {
			g = true
		}
	}
	if !e.shared {
		e.givesKnown = -1
		if g {
			e.givesKnown = 1
		}
	}
	return g
}

// cutAt keeps the instances that merge before (and, unless exclusive,
// including) file f's instance for level cp.
func cutAt(insts []*SectionInstance, f *File, cp ConfigPath, exclusive bool) []*SectionInstance {
	var out []*SectionInstance
	for _, in := range insts {
		self := in.File == f && in.Config.Equal(cp)
		if in.Config.Depth() > cp.Depth() || in.Config.Depth() == cp.Depth() && !self && f.ConfigPath.Depth() < in.File.ConfigPath.Depth() {
			continue
		}
		if self && exclusive {
			continue
		}
		out = append(out, in)
	}
	return out
}

// instancesFor collects the instances of a section that apply to cp, in
// merge order.
func (s *Store) instancesFor(chain []*File, name string, cp ConfigPath) ([]*SectionInstance, error) {
	var insts []*SectionInstance
	for _, f := range chain {
		got, err := f.Instances(name, func(l ConfigPath) bool { return l.Contains(cp) })
		if err != nil {
			return nil, err
		}
		for _, in := range got {
			if in.Location != nil && !in.Location.InheritInChildApps && s.inChildApp(in.Config, cp) {
				continue
			}
			insts = append(insts, in)
		}
	}
	sort.SliceStable(insts, func(i, j int) bool { return insts[i].Config.Depth() < insts[j].Config.Depth() })
	return insts, nil
}

// inChildApp reports whether cp lies in an application below the one that
// contains level (inheritInChildApplications="false" stops there).
func (s *Store) inChildApp(level, cp ConfigPath) bool {
	if cp.IsServer() || level.Equal(cp) {
		return false
	}
	site, err := s.FindSite(cp.Site())
	if err != nil || site == nil {
		return false
	}
	target := s.mapInSite(site, cp)
	if target.App == nil {
		return false
	}
	if level.IsServer() {
		return target.App.Path != "/"
	}
	own := s.mapInSite(site, level)
	return own.App != nil && own.App != target.App && len(target.App.Path) > len(own.App.Path)
}

// checkDuplicates rejects a section defined twice for one level in one file.
func checkDuplicates(insts []*SectionInstance) error {
	for i, a := range insts {
		for _, b := range insts[:i] {
			if a.File == b.File && a.Config.Equal(b.Config) {
				return &ConfigFileError{File: a.File.Path, Line: a.line(), Kind: ErrMalformed,
					Description: fmt.Sprintf(DescSectionTwice, a.Name)}
			}
		}
	}
	return nil
}

// checkInstance enforces section locking, allowDefinition and allowLocation
// for one instance.
func (s *Store) checkInstance(in *SectionInstance, decl *Declaration, chain []*File) error {
	if in.Location != nil && in.Location.Path != "" && in.Location.Path != "." && !decl.AllowLocation {
		return &ConfigFileError{File: in.File.Path, Line: in.line(), Kind: ErrMalformed, Description: DescNotInLocation}
	}
	if err := s.checkAllowDefinition(in.File, in.Config, decl); err != nil {
		return &ConfigFileError{File: in.File.Path, Line: in.line(), Kind: ErrLocked, Description: err.Error()}
	}
	if s.topFile(in.File) && !s.topDeclared(in.File, in.Name) {
		return &ConfigFileError{File: in.File.Path, Line: in.line(), Kind: ErrMalformed, Description: fmt.Sprintf(DescMissingDecl, in.Name)}
	}
	if in.File.AppHost || s.topFile(in.File) {
		if s.topMode(in.Name, in.Config, in.File) == "Deny" {
			return &ConfigFileError{File: in.File.Path, Line: in.line(), Kind: ErrLocked, Description: DescLockViolation}
		}
		return nil
	}
	if mode, _ := s.sectionMode(in.Name, decl, in.Config, chain, in.File); mode == "Deny" {
		return &ConfigFileError{File: in.File.Path, Line: in.line(), Kind: ErrLocked, Description: DescLockViolation}
	}
	return nil
}

// checkAllowDefinition tells whether a section may be defined in file f for
// level cp.
func (s *Store) checkAllowDefinition(f *File, cp ConfigPath, decl *Declaration) error {
	def := decl.AllowDefinition
	is := func(names ...string) bool {
		for _, n := range names {
			if strings.EqualFold(def, n) {
				return true
			}
		}
		return false
	}
	// (EqualFold, not a lower-case copy: validate asks for every section
	// of 50,000 <location> tags.)
	switch {
	case def == "" || is("everywhere"):
		return nil
	case is("machineonly", "machinetowebroot", "machinetorootweb", "apphostonly"):
		if f.AppHost || s.topAllows(f, def) {
			return nil
		}
	case is("machinetoapplication"):
		if cp.IsServer() {
			return nil
		}
		m, err := s.Map(cp)
		if err != nil {
			return err
		}
		if m.IsAppRoot() || cp.Depth() == 1 {
			return nil
		}
	default:
		return nil
	}
	return fmt.Errorf(DescAllowDefinition, def, cp)
}

// sectionMode resolves the lock state of a section for level cp as seen from
// file below (nil: from below every file of the chain): the deepest
// <location> tag with an explicit mode that holds the section, in a file
// above below, whose path contains cp; otherwise overrideModeDefault.
func (s *Store) sectionMode(name string, decl *Declaration, cp ConfigPath, chain []*File, below *File) (string, *Location) {
	mode := "Allow"
	if decl.Locked() {
		mode = "Deny"
	}
	var best *Location
	for _, f := range chain {
		if f == below {
			break
		}
		locs, err := f.Locations(func(l ConfigPath) bool { return l.Contains(cp) })
		if err != nil {
			continue
		}
		for _, l := range locs {
			if l.OverrideMode == "Inherit" || len(sectionElements(l.Element, name)) == 0 {
				continue
			}
			if best == nil || l.Config.Depth() >= best.Config.Depth() {
				best = l
			}
		}
	}
	if best != nil {
		mode = best.OverrideMode
	}
	return mode, best
}

// merger folds one section instance into the effective element.
type merger struct {
	file     *File // the file of the instance: locks and entries belong to it
	pos      *File // the file origins and errors name (a configSource file)
	level    ConfigPath
	location string
	defaults defaultsCache
	// keep, when set, selects the entries of keepRoot's collection that
	// are merged (EffectiveEntries); the others become placeholders.
	keepRoot *EffElement
	keep     func(key string) bool
	skip     bool // the others are left out, not placeholders
	// keysOnly: the others are not built at all, only their keys indexed
	// (checked for duplicates; KeyIndexed answers from the index).
	keysOnly bool
	// dropRoot, when set, is a collection whose entries are merged (so
	// every error shows, in file order) and then kept only as placeholders
	// (shrink): validate and the streaming iterator (stream.go).
	dropRoot *EffElement
	noOrigin bool // while merging an entry of dropRoot: origins are not kept
	exact    bool // no quickEntry: every entry of dropRoot merged (tests)
	// stream records where each placeholder of dropRoot came from: this
	// merger (inst, its index in stream.mergers) and the ordinal (ord) of
	// the entry among the section element's children.
	stream *entryStream
	inst   int
	ord    int
}

// mergerFor returns a merger of one section instance.
func (s *Store) mergerFor(in *SectionInstance) *merger {
	loc := ""
	if in.Location != nil {
		loc = in.Location.Path
	}
	return &merger{file: in.File, pos: in.source(), level: in.Config, location: loc, defaults: s.defaults}
}

func (m *merger) origin(e *xmldoc.Element, attr string) *Origin {
	if m.noOrigin {
		return nil
	}
	line := e.Line()
	if attr != "" {
		line = e.AttrLine(attr)
	}
	return &Origin{File: m.pos.Path, Line: line, Level: m.level, Location: m.location, InFile: true}
}

func (m *merger) fail(line int, kind ConfigErrorKind, format string, args ...any) error {
	return &ConfigFileError{File: m.pos.Path, Line: line, Kind: kind, Description: fmt.Sprintf(format, args...)}
}

// lowerFile reports whether locks recorded by a level bind this instance.
func (m *merger) lowerFile(l *lockSet) bool { return l != nil && l.file != m.file }

func (m *merger) mergeElement(eff *EffElement, x *xmldoc.Element) error {
	sch := eff.Schema
	locks := eff.locks
	var newLocks *lockSet
	for _, a := range x.Attrs() {
		if lockAttrNames[a.Name] {
			if newLocks == nil {
				newLocks = &lockSet{file: m.file}
			}
			if err := m.checkLockNames(eff, x, a); err != nil {
				return err
			}
			switch a.Name {
			case "lockAttributes":
				newLocks.attrs = splitNames(a.Value)
			case "lockAllAttributesExcept":
				newLocks.attrsExcept = splitNames(a.Value)
			case "lockElements":
				newLocks.elems = splitNames(a.Value)
			case "lockAllElementsExcept":
				newLocks.elemsExcept = splitNames(a.Value)
			}
			continue
		}
		if metaAttr(a.Name) {
			continue
		}
		if m.lowerFile(locks) && locks.attrLocked(a.Name) {
			return m.fail(x.AttrLine(a.Name), ErrLocked, "%s: the attribute '%s' is locked at a parent level (lockAttributes)", DescAttrLocked, a.Name)
		}
		var as *section.Attribute
		if sch != nil {
			as = sch.Attribute(a.Name)
		}
		if as == nil && !eff.allowsUnknown() {
			return m.fail(x.AttrLine(a.Name), ErrMalformed, DescUnrecognizedAtt, a.Name)
		}
		val := a.Value
		if as != nil {
			v, err := as.Normalize(a.Value)
			if err != nil {
				var ve *section.ValueError
				reason := err.Error()
				if errors.As(err, &ve) {
					reason = ve.Reason
				}
				if ve != nil && as.Validator != nil && ve.Rule == as.Validator.Type {
					// A validator's refusal, in IIS's words.
					return m.fail(x.AttrLine(a.Name), ErrMalformed, DescAttrInvalid, a.Name, reason)
				}
				return m.fail(x.AttrLine(a.Name), ErrMalformed, "Invalid value '%s' for attribute '%s': %s", a.Value, a.Name, reason)
			}
			val = v
		}
		eff.set(a.Name, val, as, m.origin(x, a.Name))
	}
	if newLocks != nil {
		eff.locks = newLocks
	}
	coll := (*section.Collection)(nil)
	if sch != nil {
		coll = sch.Collection
	}
	var batch []*EffElement
	// Children one at a time (not Children()): a merged <site> can go as
	// soon as it is done, and the pages behind are let go (long lists).
	var err error
	ord := 0
	merge := func(c *xmldoc.Element) bool {
		if ord++; eff == m.dropRoot {
			m.ord = ord
		}
		err = m.mergeChild(eff, c, sch, coll, locks, &batch)
		return err == nil
	}
	if m.keysOnly && eff == m.keepRoot && coll != nil {
		// The entries left out are read raw: their keys only, no element.
		keys := coll.KeyAttributes() // once, not per entry
		x.EachChildRaw(func(r xmldoc.Raw) (build, more bool) {
			name := r.Name()
			if !coll.IsAdd(name) || m.lowerFile(locks) && locks.elemLocked(name) {
				return true, true
			}
			if key, _ := r.Attr(keys[0].Name); m.keep(key) {
				return true, true
			}
			done, ierr := m.indexOnly(eff, coll, keys, r.Attr, r.Element)
			if ierr != nil {
				err = ierr
				return false, false
			}
			return !done, true
		}, merge)
	} else {
		x.EachChild(merge)
	}
	if err != nil {
		return err
	}
	if len(batch) > 0 {
		if coll.MergeAppend {
			eff.Items = append(eff.Items, batch...)
		} else {
			eff.Items = append(batch, eff.Items...)
		}
	}
	return nil
}

// mergeChild merges one child element of x (into eff, or as an entry
// of eff's collection, gathered in batch).
func (m *merger) mergeChild(eff *EffElement, c *xmldoc.Element, sch *section.Element, coll *section.Collection, locks *lockSet, batch *[]*EffElement) error {
	name := c.Name()
	if m.lowerFile(locks) && locks.elemLocked(name) {
		return m.fail(c.Line(), ErrLocked, "%s: the element '%s' is locked at a parent level (lockElements)", DescAttrLocked, name)
	}
	switch {
	case coll != nil && coll.IsAdd(name):
		var item *EffElement
		var err error
		switch {
		case eff == m.keepRoot && !m.keep(firstKey(coll, c)):
			if m.skip {
				return nil
			}
			if m.keysOnly {
				if done, err := m.indexOnly(eff, coll, coll.KeyAttributes(), c.Attr, func() *xmldoc.Element { return c }); done || err != nil {
					return err
				}
			}
			item, err = m.placeholder(coll, c)
		case eff == m.dropRoot:
			item, err = m.dropEntry(coll, c)
		default:
			item, err = m.newItem(coll, c)
		}
		if err != nil {
			return err
		}
		if err := m.checkDuplicate(eff, coll, item, c); err != nil {
			return err
		}
		*batch = append(*batch, item)
	case coll != nil && coll.RemoveElement != "" && name == coll.RemoveElement:
		if m.keysOnly && eff == m.keepRoot {
			return errNeedEntries
		}
		if err := m.removeItem(eff, batch, coll, c); err != nil {
			return err
		}
	case coll != nil && coll.ClearElement != "" && name == coll.ClearElement:
		if m.keysOnly && eff == m.keepRoot {
			return errNeedEntries
		}
		for _, it := range eff.Items {
			if it.locks != nil && it.locks.itemsLockAll && m.lowerFile(it.locks) {
				return m.fail(c.Line(), ErrLocked, "%s: the collection holds an entry locked with lockItem", DescAttrLocked)
			}
		}
		eff.Items, *batch, eff.keys = nil, nil, nil
	default:
		i := eff.childIndex(name)
		if i < 0 || eff.Children[i].Schema == nil {
			if sch == nil && eff.allowsUnknown() {
				return nil
			}
			return m.fail(c.Line(), ErrMalformed, DescUnrecognizedEl, name)
		}
		if err := m.mergeElement(eff.own(i), c); err != nil {
			return err
		}
	}
	return nil
}

// checkLockNames refuses a lock list that names an attribute or element
// the element does not have, as IIS does when it reads the file.
func (m *merger) checkLockNames(eff *EffElement, x *xmldoc.Element, a xmldoc.Attr) error {
	sch := eff.Schema
	if sch == nil || a.Name == "lockItem" {
		return nil
	}
	attrs := a.Name == "lockAttributes" || a.Name == "lockAllAttributesExcept"
	for _, p := range strings.Split(a.Value, ",") {
		n := strings.TrimSpace(p)
		if n == "" || n == "*" {
			continue
		}
		if attrs {
			if sch.Attribute(n) == nil && !metaAttr(n) && !eff.allowsUnknown() {
				return m.fail(x.AttrLine(a.Name), ErrMalformed, DescLockUnknownAttr, a.Name, n)
			}
			continue
		}
		if sch.Element(n) != nil {
			continue
		}
		if c := sch.Collection; c != nil && (c.IsAdd(n) || n == c.RemoveElement || n == c.ClearElement) {
			continue
		}
		return m.fail(x.AttrLine(a.Name), ErrMalformed, DescLockUnknownElem, a.Name, n)
	}
	return nil
}

// allowsUnknown is true for elements that accept attributes their schema
// does not define.
func (e *EffElement) allowsUnknown() bool {
	return e.unknownOK || e.Schema != nil && e.Schema.AllowUnrecognizedAttributes
}

func (e *EffElement) set(name, val string, sch *section.Attribute, o *Origin) {
	for _, a := range e.Attrs {
		if a.Name == name || sch != nil && a.Schema == sch {
			a.Value, a.Set, a.Origin = val, true, o
			return
		}
	}
	e.Attrs = append(e.Attrs, &EffAttr{Name: name, Value: val, Set: true, Origin: o, Schema: sch})
}

func (m *merger) newItem(coll *section.Collection, c *xmldoc.Element) (*EffElement, error) {
	sch := coll.ItemFor(c.Name())
	item := m.defaults.newEffElement(c.Name(), sch)
	item.item = true
	item.file = m.file
	item.Origin = m.origin(c, "")
	item.src, item.SrcFile, item.SrcLevel = c, m.file, m.level
	// The collection, not the item schema, carries this flag.
	item.unknownOK = coll.AllowUnrecognizedAttributes
	if err := m.mergeElement(item, c); err != nil {
		return nil, err
	}
	if v, ok := c.Attr("lockItem"); ok && strings.EqualFold(v, "true") {
		item.locks = &lockSet{file: m.file, itemsLockAll: true}
	}
	for _, a := range item.Attrs {
		if a.Schema != nil && a.Schema.Required && !a.Set {
			return nil, m.fail(c.Line(), ErrMalformed, DescMissingRequired, a.Name)
		}
	}
	return item, nil
}

// firstKey is the raw value of an entry's first key attribute.
func firstKey(coll *section.Collection, c *xmldoc.Element) string {
	keys := coll.KeyAttributes()
	if len(keys) == 0 {
		return ""
	}
	v, _ := c.Attr(keys[0].Name)
	return v
}

// placeholder stands for an entry EffectiveEntries does not merge: its key
// attributes only (for duplicates, <remove> and <clear>), and its lockItem.
func (m *merger) placeholder(coll *section.Collection, c *xmldoc.Element) (*EffElement, error) {
	sch := coll.ItemFor(c.Name())
	item := &EffElement{Name: c.Name(), Schema: sch, item: true, placeholder: true, file: m.file}
	for _, k := range coll.KeyAttributes() {
		raw, ok := c.Attr(k.Name)
		if !ok {
			item.Attrs = append(item.Attrs, &EffAttr{Name: k.Name, Value: defaultValue(k), Schema: k})
			continue
		}
		v, err := k.Normalize(raw)
		if err != nil {
			// The entry is not merged, but its key must be readable: merge
			// it to get the reader's own error.
			return m.newItem(coll, c)
		}
		item.Attrs = append(item.Attrs, &EffAttr{Name: k.Name, Value: v, Set: true, Schema: k})
	}
	if v, ok := c.Attr("lockItem"); ok && strings.EqualFold(v, "true") {
		item.locks = &lockSet{file: m.file, itemsLockAll: true}
	}
	return item, nil
}

// SameKey compares the keys of two entries with each key attribute's rules.
func SameKey(coll *section.Collection, a, b *EffElement) bool {
	keys := coll.KeyAttributes()
	if len(keys) == 0 {
		return false
	}
	unique := keys[0].IsUniqueKey
	for _, k := range keys {
		x, y := a.Attr(k.Name), b.Attr(k.Name)
		if x == nil || y == nil {
			continue
		}
		eq := k.Equal(x.Value, y.Value)
		if unique && eq {
			return true // any unique key alone identifies an entry (sites: name, id)
		}
		if !unique && !eq {
			return false
		}
	}
	return !unique
}

func (m *merger) checkDuplicate(eff *EffElement, coll *section.Collection, item *EffElement, c *xmldoc.Element) error {
	if coll.AllowDuplicates {
		return nil
	}
	if !addKeys(eff.keyIndex(coll), indexKeys(coll, item)) {
		return m.fail(c.Line(), ErrMalformed, "%s", DuplicateText(coll, item))
	}
	return nil
}

// addKeys adds an entry's index entries ks to index, unless one is there
// already (a duplicate): then it adds none and returns false.
func addKeys(index map[string]bool, ks []string) bool {
	for _, k := range ks {
		if index[k] {
			return false
		}
	}
	for _, k := range ks {
		index[k] = true
	}
	return true
}

// keyIndex returns the index of the keys of e's entries, built on first use.
func (e *EffElement) keyIndex(coll *section.Collection) map[string]bool {
	if e.keys == nil {
		e.keys = map[string]bool{}
		for _, it := range e.Items {
			for _, k := range indexKeys(coll, it) {
				e.keys[k] = true
			}
		}
	}
	return e.keys
}

// errNeedEntries stops a keysOnly merge at a <remove> or <clear> of the
// collection whose entries it leaves out: effectiveWith merges again.
var errNeedEntries = errors.New("configstore: the merge needs every entry")

// uniqueKeys reports whether a collection's entries are told apart by
// unique keys (sites: name, id; pools: name), each compared alone, so an
// index of the keys answers every duplicate check.
func uniqueKeys(coll *section.Collection) bool {
	if coll == nil || coll.AllowDuplicates {
		return false
	}
	keys := coll.KeyAttributes()
	return len(keys) > 0 && keys[0].IsUniqueKey
}

// indexOnly checks the keys of an entry that keysOnly leaves out and
// indexes them, without building the entry: keys are coll's key
// attributes (KeyAttributes), attr reads the entry's attributes,
// and element gives it only for the text of a duplicate. done is false
// when a key does not read: the entry is then merged, for the reader's
// own error.
func (m *merger) indexOnly(eff *EffElement, coll *section.Collection, keys []*section.Attribute, attr func(string) (string, bool), element func() *xmldoc.Element) (done bool, err error) {
	var buf [4]string
	ks := buf[:0]
	for _, k := range keys {
		v := defaultValue(k)
		if raw, ok := attr(k.Name); ok {
			if v, err = k.Normalize(raw); err != nil {
				return false, nil
			}
		}
		ks = append(ks, uniqueKeyEntry(k, v))
	}
	if !addKeys(eff.keyIndex(coll), ks) {
		c := element()
		p, _ := m.placeholder(coll, c)
		return true, m.fail(c.Line(), ErrMalformed, "%s", DuplicateText(coll, p))
	}
	return true, nil
}

// KeyIndexed reports whether e's collection, told apart by unique keys,
// holds an entry with one of probe's keys: from the index its merge kept
// (which has the entries a keys-only merge left out too), or one built
// from its entries on first use. ok is false for another collection (its
// entries must be compared, SameKey).
func (e *EffElement) KeyIndexed(coll *section.Collection, probe *EffElement) (has, ok bool) {
	if !uniqueKeys(coll) {
		return false, false
	}
	index := e.keyIndex(coll)
	for _, k := range indexKeys(coll, probe) {
		if index[k] {
			return true, true
		}
	}
	return false, true
}

// Indexed records an entry added to e's collection by an edit of the
// merged view, and Unindexed one removed, in the key index (when there is
// one yet), so KeyIndexed stays right.
func (e *EffElement) Indexed(coll *section.Collection, it *EffElement) {
	if e.keys != nil && uniqueKeys(coll) {
		for _, k := range indexKeys(coll, it) {
			e.keys[k] = true
		}
	}
}

// Unindexed: see Indexed.
func (e *EffElement) Unindexed(coll *section.Collection, it *EffElement) {
	if uniqueKeys(coll) {
		unindex(e, coll, it)
	}
}

// indexKeys returns the index entries of an entry, matching SameKey: one
// per unique key attribute, or one for all combined key attributes.
func indexKeys(coll *section.Collection, it *EffElement) []string {
	keys := coll.KeyAttributes()
	if len(keys) == 0 {
		return nil
	}
	if keys[0].IsUniqueKey {
		out := make([]string, 0, len(keys))
		for _, k := range keys {
			if a := it.Attr(k.Name); a != nil {
				out = append(out, uniqueKeyEntry(k, a.Value))
			}
		}
		return out
	}
	var b strings.Builder
	b.WriteString("\x01")
	for _, k := range keys {
		if a := it.Attr(k.Name); a != nil {
			b.WriteString(k.CompareKey(a.Value))
		}
		b.WriteString("\x00")
	}
	return []string{b.String()}
}

// uniqueKeyEntry is the index entry of one unique key's value.
func uniqueKeyEntry(k *section.Attribute, value string) string {
	return k.Name + "\x00" + k.CompareKey(value)
}

// unindex forgets a removed entry's keys.
func unindex(eff *EffElement, coll *section.Collection, it *EffElement) {
	if eff.keys == nil {
		return
	}
	for _, k := range indexKeys(coll, it) {
		delete(eff.keys, k)
	}
}

// DuplicateText is the configuration system's duplicate-entry text.
func DuplicateText(coll *section.Collection, item *EffElement) string {
	keys := coll.KeyAttributes()
	var names, vals []string
	for _, k := range keys {
		names = append(names, k.Name)
		if a := item.Attr(k.Name); a != nil {
			vals = append(vals, a.Value)
		} else {
			vals = append(vals, "")
		}
	}
	if len(keys) > 0 && keys[0].IsUniqueKey {
		return fmt.Sprintf(DescDuplicate, item.Name, names[0], vals[0])
	}
	return fmt.Sprintf(DescDuplicateCombo, item.Name, quoteList(names), quoteList(vals))
}

func (m *merger) removeItem(eff *EffElement, batch *[]*EffElement, coll *section.Collection, c *xmldoc.Element) error {
	probe := m.defaults.newEffElement(c.Name(), coll.Item)
	probe.item = true
	for _, a := range c.Attrs() {
		if metaAttr(a.Name) {
			continue
		}
		var as *section.Attribute
		if coll.Item != nil {
			as = coll.Item.Attribute(a.Name)
		}
		val := a.Value
		if as != nil {
			if v, err := as.Normalize(a.Value); err == nil {
				val = v
			}
		}
		probe.set(a.Name, val, as, nil)
	}
	match := func(it *EffElement) bool { return matchesGiven(coll, it, probe) }
	for i, it := range eff.Items {
		if match(it) {
			if it.locks != nil && it.locks.itemsLockAll && m.lowerFile(it.locks) {
				return m.fail(c.Line(), ErrLocked, "%s: the entry is locked with lockItem", DescAttrLocked)
			}
			eff.Items = append(eff.Items[:i:i], eff.Items[i+1:]...)
			unindex(eff, coll, it)
			return nil
		}
	}
	for i, it := range *batch {
		if match(it) {
			*batch = append((*batch)[:i:i], (*batch)[i+1:]...)
			unindex(eff, coll, it)
			return nil
		}
	}
	return nil // removing an entry that is not there is not an error
}

// matchesGiven compares an entry with a <remove> (or selector) on the key
// attributes the probe sets.
func matchesGiven(coll *section.Collection, it, probe *EffElement) bool {
	keys := coll.KeyAttributes()
	matched := false
	for _, k := range keys {
		p := probe.Attr(k.Name)
		if p == nil || !p.Set {
			continue
		}
		a := it.Attr(k.Name)
		if a == nil || !k.Equal(a.Value, p.Value) {
			return false
		}
		matched = true
	}
	return matched
}
