package commit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Kind is what a change does.
type Kind int

const (
	Set    Kind = iota // set an attribute (Path ends with its name)
	Clear              // remove an attribute, a collection entry, or (empty Path) the section at this level
	Add                // add a collection entry (Path ends with a selector)
	Remove             // remove a collection entry (Path ends with a selector)
)

// Change is one edit of a change set.
type Change struct {
	Kind  Kind
	Path  Path
	Value string // for Set
}

// Request is a change set for one section at one level.
type Request struct {
	Section string // full or short name
	Level   configstore.ConfigPath
	Commit  string // the -commit: value
	Changes []Change
	// KeysChecked says the caller read the section at this level, every
	// entry's keys checked for duplicates (configstore.EffectiveEntries),
	// after the last edit of the documents: the read back then checks the
	// keys again only when the change set adds entries or sets keys.
	KeysChecked bool
	// Seen, with KeysChecked, is that read (EffectiveEntriesFor, the
	// entries SeenKeep accepts merged, the others placeholders or only
	// their keys, in the view's key index): Apply
	// starts from it, not a merge of its own, when it holds every entry
	// the change set names. Apply may change it.
	Seen     *configstore.Effective
	SeenKeep func(key string) bool
}

// Result says what Apply did.
type Result struct {
	Section string // full section name
	Target  *Target
}

// Apply edits the documents in memory, then checks the result the way the
// configuration system reads it (schema, locks, allowDefinition, duplicate
// entries). Nothing is written: the caller saves the store. On error the
// in-memory documents may be edited and must be discarded.
func Apply(s *configstore.Store, req Request) (*Result, error) {
	sch, decl, err := s.LookupSection(req.Section, req.Level)
	if err != nil {
		return nil, err
	}
	for _, c := range req.Changes {
		if err := checkStorable(c); err != nil {
			return nil, err
		}
	}
	t, err := ResolveTarget(s, req.Level, req.Commit)
	if err != nil {
		return nil, err
	}
	if err := s.CheckWrite(t.File, t.Level, sch.Name); err != nil {
		return nil, err
	}
	ed := &editor{store: s, target: t, schema: sch}
	// A section only applicationHost.config holds (sites, pools) has its
	// entries in the file being edited alone.
	ed.oneFile = decl != nil && strings.EqualFold(decl.AllowDefinition, "AppHostOnly") && t.File == s.AppHost()
	if keys, _, _, ok := ed.touchedKeys(req.Changes); ok {
		ed.keys = keys
		ed.startFrom(req)
	}
	for i, c := range req.Changes {
		// A run of new entries of the section's own collection (add
		// apppool /in) is placed in the document at once.
		ed.deferAdd = ed.keys != nil && rootAdd(c)
		if err := ed.applyKeeping(c); err != nil {
			return nil, targetError(err, t)
		}
		if i+1 == len(req.Changes) || !ed.deferAdd || !rootAdd(req.Changes[i+1]) {
			ed.flush()
		}
	}
	// The read back merges the entries again: let this view go first (a
	// batch's view holds 1,000 merged sites).
	ed.here, ed.byKey, ed.byKeyOf, req.Seen = nil, nil, nil, nil
	if err := ed.validate(req.Changes, req.KeysChecked); err != nil {
		return nil, err
	}
	return &Result{Section: sch.Name, Target: t}, nil
}

// checkStorable refuses names and values that an XML file cannot hold
// (control characters, invalid UTF-8, names with spaces) before anything
// is edited; the writer would refuse them too, with a vaguer message.
func checkStorable(c Change) error {
	badName := func(name string) error {
		if configstore.ValidName(name) {
			return nil
		}
		return &configstore.UnknownAttributeError{Path: c.Path.String()}
	}
	badValue := func(attr, value string) error {
		err := configstore.CheckValue(value)
		if err == nil {
			return nil
		}
		reason := err.Error()
		return &section.ValueError{Attribute: attr, Input: value, Rule: "xml", Reason: strings.ToUpper(reason[:1]) + reason[1:] + "."}
	}
	for _, st := range c.Path {
		if st.Selector == nil {
			if err := badName(st.Name); err != nil {
				return err
			}
			continue
		}
		for _, kv := range st.Selector.Keys {
			if err := badName(kv.Name); err != nil {
				return err
			}
			if err := badValue(kv.Name, kv.Value); err != nil {
				return err
			}
		}
	}
	if c.Kind == Set {
		name := ""
		if len(c.Path) > 0 {
			name = c.Path[len(c.Path)-1].Name
		}
		return badValue(name, c.Value)
	}
	return nil
}

// validate reads the changed section back at the target level; an error in
// the file just written means the change itself is not allowed there.
// When every change is inside entries of the section's own collection
// named by their first key (sites, pools), only those entries are merged
// again; the others' keys are checked for duplicates too unless the
// caller checked them (keysChecked) and the change set neither adds
// such entries nor sets their keys, the only changes that can make a
// duplicate. Entries added to a section of one file were checked against
// every key when added (addItem merged the others' keys).
func (ed *editor) validate(chs []Change, keysChecked bool) error {
	var err error
	if keys, setsKey, adds, ok := ed.touchedKeys(chs); ok {
		allKeys := setsKey || adds && !ed.oneFile
		_, err = ed.store.EffectiveEntriesFor(ed.target.Level, ed.schema.Name, nil, false, ed.keepKeys(keys), (keysChecked || adds) && !allKeys)
	} else {
		_, err = ed.store.Effective(ed.target.Level, ed.schema.Name)
	}
	return targetError(err, ed.target)
}

// touchedKeys returns the first keys of the entries a change set edits,
// adds or removes, including new names given by a Set of the key itself,
// whether it sets a key attribute and whether it adds entries; false when
// a change reaches further (the collection's own attributes, defaults, an
// entry by position or by another key, a cleared key).
func (ed *editor) touchedKeys(chs []Change) (keys []string, setsKey, adds, ok bool) {
	first := ed.firstKey()
	for _, c := range chs {
		key, ok := ed.entryKey(c.Path)
		if !ok {
			return nil, false, false, false
		}
		keys = append(keys, key)
		if c.Kind == Add && len(c.Path) == 1 {
			adds = true
		}
		if len(c.Path) != 2 || c.Path[1].Selector != nil {
			continue
		}
		for _, k := range ed.schema.Root.Collection.KeyAttributes() {
			if strings.EqualFold(c.Path[1].Name, k.Name) {
				setsKey = true
			}
		}
		if strings.EqualFold(c.Path[1].Name, first.Name) {
			v, ok := normalizeKey(first, c.Value)
			if c.Kind != Set || !ok {
				return nil, false, false, false
			}
			keys = append(keys, v)
		}
	}
	return keys, setsKey, adds, len(keys) > 0
}

// targetError turns a configuration error in the file being written into
// the error of the change that caused it.
func targetError(err error, t *Target) error {
	var cfe *configstore.ConfigFileError
	if errors.As(err, &cfe) && cfe.File == t.File.Path {
		if cfe.Kind == configstore.ErrLocked {
			return &configstore.LockError{File: cfe.File, Line: cfe.Line, Description: cfe.Description}
		}
		return &InvalidChangeError{Description: cfe.Description}
	}
	return err
}

// InvalidChangeError is a change that would leave the file invalid, such as a
// duplicate collection entry or a missing required attribute.
type InvalidChangeError struct{ Description string }

func (e *InvalidChangeError) Error() string { return e.Description }

// editor applies changes to one section at one target.
type editor struct {
	store  *configstore.Store
	target *Target
	schema *section.Section

	// keys are the first keys of the entries the change set edits, when
	// every change names its entry so (touchedKeys); nil: merge everything.
	keys []string

	// The last effectiveHere answer, the target's revision it stands for,
	// whether it merged every entry or those of keys only, and then
	// whether it holds the others' keys.
	here     *configstore.EffElement
	hereRev  uint64
	hereAll  bool
	hereKeys bool
	// stale: attribute values in here may predate edits of this change
	// set (entries are where they were; their keys are right).
	stale bool
	// unseen are keys of entries changed inside in ways here does not
	// show since here was merged.
	unseen map[string]bool
	// Set by the change being applied: it leaves here right (keepView),
	// or it copied an inherited entry (copied), which here does not show.
	keepView, copied bool

	// byKey indexes byKeyOf's entries by first key (rootIndex).
	byKey   map[string][]*configstore.EffElement
	byKeyOf *configstore.EffElement

	// deferAdd: addItem holds a new entry of the section's own collection
	// back in pending, for flush to place with the next ones.
	deferAdd    bool
	pending     []*configstore.Node
	pendingAt   *configstore.Node
	pendingColl *section.Collection
	pendingRev  uint64 // the revision before the held-back entries

	// oneFile: the section can be only in the target file.
	oneFile bool

	// The section element at the target and the revision it was found at.
	sec    *configstore.Node
	secRev uint64
}

// startFrom takes the caller's read of the section as the first view when
// it is what effectiveHere would merge: the section is in the target file
// only, at the same level, and every entry the change set names was kept.
func (ed *editor) startFrom(req Request) {
	if req.Seen == nil || req.SeenKeep == nil || !req.KeysChecked || !ed.oneFile || !req.Seen.Path.Equal(ed.target.Level) ||
		!strings.EqualFold(req.Seen.Section, ed.schema.Name) {
		return
	}
	for _, k := range ed.keys {
		if !req.SeenKeep(k) {
			return
		}
	}
	if rev, ok := ed.target.File.Revision(); ok {
		ed.here, ed.hereRev, ed.hereKeys = req.Seen.Root, rev, true
	}
}

// rootAdd reports a change adding an entry to the section's own collection
// without a position.
func rootAdd(c Change) bool {
	return c.Kind == Add && len(c.Path) == 1 && c.Path[0].Selector != nil && c.Path[0].Selector.Pos.Kind == PosNone
}

// flush places the new entries addItem held back.
func (ed *editor) flush() {
	if len(ed.pending) == 0 {
		return
	}
	ed.pendingAt.AppendItems(ed.pendingColl, ed.pending)
	ed.pending = nil
	// The view already shows them (addItem); it stays right.
	if rev, ok := ed.target.File.Revision(); ok {
		if ed.here != nil && ed.hereRev == ed.pendingRev {
			ed.hereRev = rev
		}
		if ed.sec != nil && ed.secRev == ed.pendingRev {
			ed.secRev = rev
		}
	}
}

// applyKeeping applies a change and keeps the merged view (and the section
// element) when the change left them right: a Set of an attribute that is
// no key, on an entry defined at the target, moves and removes no element,
// and an entry added to the section's own collection is noted in the
// view (addItem); so a batch of such edits merges the section once. Values
// in the view go stale (stale).
func (ed *editor) applyKeeping(c Change) error {
	rev, _ := ed.target.File.Revision()
	ed.keepView, ed.copied = false, false
	if err := ed.apply(c); err != nil {
		return err
	}
	if !ed.keepView || ed.copied {
		return nil
	}
	now, _ := ed.target.File.Revision()
	if ed.here != nil && ed.hereRev == rev {
		ed.hereRev = now
		ed.stale = ed.stale || c.Kind != Add
	}
	if ed.sec != nil && ed.secRev == rev {
		ed.secRev = now
	}
	return nil
}

func (ed *editor) apply(c Change) error {
	switch c.Kind {
	case Set:
		return ed.set(c.Path, c.Value)
	case Clear:
		if len(c.Path) == 0 {
			return ed.clearSection()
		}
		return ed.clearPath(c.Path)
	case Add:
		return ed.addItem(c.Path)
	case Remove:
		return ed.removeItem(c.Path)
	case ClearItems:
		return ed.clearItems(c.Path)
	}
	return fmt.Errorf("commit: unknown change kind %d", c.Kind)
}

// set writes one attribute, creating the section, child elements and
// <location> it needs.
func (ed *editor) set(p Path, value string) error {
	if len(p) == 0 {
		return &configstore.UnknownAttributeError{Path: ""}
	}
	last := p[len(p)-1]
	if last.Selector != nil {
		return &configstore.UnknownAttributeError{Path: p.String()}
	}
	n, err := ed.walk(p[:len(p)-1], true)
	if err != nil {
		return err
	}
	as := n.schema.Attribute(last.Name)
	if as == nil {
		if n.schema.AllowUnrecognizedAttributes || n.unknownOK {
			n.el.SetAttr(last.Name, value)
			ed.keepView = true
			return nil
		}
		return &configstore.UnknownAttributeError{Path: p.String()}
	}
	v, err := as.Normalize(value)
	if err != nil {
		return err
	}
	if as.Encrypted && v != "" {
		if !ed.store.AllowPlaintext() {
			return &EncryptedError{Attribute: as.Name}
		}
		ed.store.NotePlaintext(as.Name) // IIS reads clear text too; the caller warns
	}
	n.el.SetAttr(as.Name, v)
	ed.keepView = !as.IsUniqueKey && !as.IsCombinedKey
	return nil
}

// EncryptedError refuses to store a secret in clear text: IIS encrypts
// these attributes with a machine key that this tool does not have.
type EncryptedError struct{ Attribute string }

func (e *EncryptedError) Error() string {
	return fmt.Sprintf("The attribute %q is stored encrypted by IIS, and this tool cannot encrypt it. Set it on the Windows server with appcmd.exe or IIS Manager, or add -unencrypted (or set APPCMD_ALLOW_PLAINTEXT=1) to store it as clear text, which IIS also reads", e.Attribute)
}

// node is a position in the section: the document element (possibly not
// yet created) and its schema.
type node struct {
	el        *configstore.Node
	schema    *section.Element
	unknownOK bool
}

// walk follows the element steps of a path from the section element.
// With create, missing elements are created; without, a nil el means the
// path is not defined at this level.
func (ed *editor) walk(steps Path, create bool) (*node, error) {
	el, err := ed.sectionElement(create)
	if err != nil {
		return nil, err
	}
	n := &node{el: el, schema: ed.schema.Root}
	for i, st := range steps {
		if st.Selector != nil {
			next, err := ed.selectItem(n, steps[:i+1], st.Selector, create)
			if err != nil {
				return nil, err
			}
			n = next
			continue
		}
		cs := n.schema.Element(st.Name)
		if cs == nil {
			return nil, &configstore.UnknownAttributeError{Path: steps[:i+1].String()}
		}
		var child *configstore.Node
		if n.el != nil {
			child = n.el.Child(cs.Name, create)
		}
		n = &node{el: child, schema: cs}
	}
	return n, nil
}

// clearPath removes an attribute (or a child element) set at this level.
func (ed *editor) clearPath(p Path) error {
	last := p[len(p)-1]
	if last.Selector != nil {
		return ed.removeItem(p)
	}
	n, err := ed.walk(p[:len(p)-1], false)
	if err != nil {
		return err
	}
	if cs := n.schema.Element(last.Name); cs != nil {
		if cs.Collection != nil {
			var child *configstore.Node
			if n.el != nil {
				child = n.el.Child(cs.Name, false)
			}
			return ed.clearCollection(&node{el: child, schema: cs}, p)
		}
		if n.el != nil {
			n.el.RemoveChild(cs.Name)
		}
		return nil
	}
	as := n.schema.Attribute(last.Name)
	name := last.Name
	if as != nil {
		name = as.Name
	} else if !n.schema.AllowUnrecognizedAttributes {
		return &configstore.UnknownAttributeError{Path: p.String()}
	}
	if n.el != nil {
		n.el.RemoveAttr(name) // may prune emptied elements: keepView stays false
	}
	return nil
}

// clearSection removes the section's settings at this level.
func (ed *editor) clearSection() error {
	el, err := ed.sectionElement(false)
	if err != nil || el == nil {
		return err
	}
	el.Remove()
	return nil
}

// sectionElement finds (or creates) the section element at the target,
// remembered like the merged view: finding it scans the file's <location>
// tags, and a batch edits the same section many times.
func (ed *editor) sectionElement(create bool) (*configstore.Node, error) {
	rev, ok := ed.target.File.Revision()
	if ed.sec != nil && ok && rev == ed.secRev {
		return ed.sec, nil
	}
	el, err := ed.store.SectionAt(ed.target.File, ed.target.Level, ed.schema.Name, create)
	if err != nil || el == nil {
		return el, err
	}
	ed.sec = nil
	if rev, ok := ed.target.File.Revision(); ok {
		ed.sec, ed.secRev = el, rev
	}
	return el, nil
}
