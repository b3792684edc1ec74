package commit

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Helpers for appcmd's object verbs and /in piping: turning an element
// given as data (a <site> nested in a SITE record, the section element of
// a CONFIG record) into the change set that makes the configuration match
// it.

// ClearItems empties a collection, like <clear /> in a file: Path names
// the element that owns the collection (empty: the section element).
const ClearItems = Remove + 1

// Tree is an XML element given as data: its name, its attributes in the
// order written, and its child elements.
type Tree struct {
	Name     string
	Attrs    []KeyValue
	Children []*Tree
}

// Attr returns an attribute's value, ignoring the case of its name.
func (t *Tree) Attr(name string) (string, bool) {
	for _, a := range t.Attrs {
		if strings.EqualFold(a.Name, name) {
			return a.Value, true
		}
	}
	return "", false
}

// Child returns the first child element with this name.
func (t *Tree) Child(name string) *Tree {
	for _, c := range t.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// MergeChanges returns the changes that make the element at base (schema
// sch, current effective state cur) match t:
//
//   - an attribute is set when its value differs from the current one
//     (cur nil: from the schema default), so applying a listing to the
//     configuration it came from changes nothing;
//   - a collection entry is changed in place when an entry with its key
//     exists, otherwise added with its key, its required attributes and
//     every attribute that differs from the defaults (the collection's
//     default element, e.g. applicationPoolDefaults, then the schema);
//   - <clear /> empties the collection at this level (ClearItems) and
//     <remove /> removes an entry, as in a configuration file.
//
// Nothing that t leaves out is removed. Child elements the schema does
// not define are reported as unknown attributes (appcmd's wording).
func MergeChanges(base Path, sch *section.Element, cur *configstore.EffElement, t *Tree) ([]Change, error) {
	m := &merge{}
	if err := m.element(base, sch, cur, t); err != nil {
		return nil, err
	}
	return m.out, nil
}

type merge struct{ out []Change }

func join(p Path, steps ...Step) Path {
	return append(append(Path{}, p...), steps...)
}

func (m *merge) element(base Path, sch *section.Element, cur *configstore.EffElement, t *Tree) error {
	for _, a := range t.Attrs {
		as := sch.Attribute(a.Name)
		if as != nil && differs(as, currentValue(cur, as), a.Value) || as == nil && !sameUnknown(cur, a) {
			m.out = append(m.out, Change{Kind: Set, Path: join(base, Step{Name: a.Name}), Value: a.Value})
		}
	}
	coll := sch.Collection
	cleared := false
	for _, c := range t.Children {
		switch {
		case coll != nil && coll.IsAdd(c.Name):
			var items []*configstore.EffElement
			if cur != nil && !cleared {
				items = cur.Items
			}
			if err := m.item(base, coll, cur, items, c); err != nil {
				return err
			}
		case coll != nil && coll.ClearElement != "" && c.Name == coll.ClearElement:
			m.out = append(m.out, Change{Kind: ClearItems, Path: join(base)})
			cleared = true
		case coll != nil && coll.RemoveElement != "" && c.Name == coll.RemoveElement:
			if len(c.Attrs) == 0 {
				return &configstore.UnknownAttributeError{Path: join(base, Step{Name: c.Name}).String()}
			}
			m.out = append(m.out, Change{Kind: Remove, Path: join(base, Step{Selector: &Selector{Keys: c.Attrs}})})
		default:
			cs := sch.Element(c.Name)
			if cs == nil {
				return &configstore.UnknownAttributeError{Path: join(base, Step{Name: c.Name}).String()}
			}
			var cc *configstore.EffElement
			if cur != nil {
				cc = cur.Child(cs.Name)
			}
			if err := m.element(join(base, Step{Name: cs.Name}), cs, cc, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// item merges one collection entry of t into the entries items of owner.
func (m *merge) item(base Path, coll *section.Collection, owner *configstore.EffElement, items []*configstore.EffElement, t *Tree) error {
	sch := coll.ItemFor(t.Name)
	var keys []KeyValue
	for _, k := range coll.KeyAttributes() {
		if v, ok := t.Attr(k.Name); ok {
			keys = append(keys, KeyValue{Name: k.Name, Value: v})
		}
	}
	if match := findByKey(coll, items, keys); match != nil {
		return m.element(join(base, Step{Selector: &Selector{Keys: keys}}), sch, match, stripKeys(t, keys))
	}
	// A new entry starts from the collection's defaults.
	var defs *configstore.EffElement
	if owner != nil && coll.DefaultElement != "" {
		defs = defaultsView(owner.Child(coll.DefaultElement))
	}
	add := append([]KeyValue{}, keys...)
	for _, a := range t.Attrs {
		if hasKey(add, a.Name) {
			continue
		}
		as := sch.Attribute(a.Name)
		if as == nil || as.Required || differs(as, currentValue(defs, as), a.Value) {
			add = append(add, a)
		}
	}
	m.out = append(m.out, Change{Kind: Add, Path: join(base, Step{Selector: &Selector{Keys: add}})})
	if len(keys) == 0 {
		return nil // without a key the new entry cannot be addressed again
	}
	rest := &Tree{Name: t.Name, Children: t.Children}
	return m.element(join(base, Step{Selector: &Selector{Keys: keys}}), sch, defs, rest)
}

// defaultsView is what a new entry starts from: the values its
// collection's default element passes on (those set somewhere, as
// configstore applies them; the others fall back to the entry's own
// schema defaults, which may differ), without entries: a new entry's
// collections start empty.
func defaultsView(defs *configstore.EffElement) *configstore.EffElement {
	if defs == nil {
		return nil
	}
	v := &configstore.EffElement{Name: defs.Name, Schema: defs.Schema}
	for _, a := range defs.Attrs {
		if a.Set || a.Origin != nil {
			v.Attrs = append(v.Attrs, a)
		}
	}
	for _, c := range defs.Children {
		v.Children = append(v.Children, defaultsView(c))
	}
	return v
}

func hasKey(kvs []KeyValue, name string) bool {
	for _, kv := range kvs {
		if strings.EqualFold(kv.Name, name) {
			return true
		}
	}
	return false
}

// stripKeys drops the key attributes, which the selector already names.
func stripKeys(t *Tree, keys []KeyValue) *Tree {
	out := &Tree{Name: t.Name, Children: t.Children}
	for _, a := range t.Attrs {
		if !hasKey(keys, a.Name) {
			out.Attrs = append(out.Attrs, a)
		}
	}
	return out
}

// findByKey returns the entry whose key attributes equal keys: any one
// unique key (sites: name or id), or all combined keys.
func findByKey(coll *section.Collection, items []*configstore.EffElement, keys []KeyValue) *configstore.EffElement {
	ks := coll.KeyAttributes()
	if len(ks) == 0 || len(keys) == 0 {
		return nil
	}
	for _, it := range items {
		all, any := true, false
		for _, kv := range keys {
			a, as := it.Attr(kv.Name), coll.Item.Attribute(kv.Name)
			if a != nil && as != nil && as.Equal(a.Value, kv.Value) {
				any = true
			} else {
				all = false
			}
		}
		if ks[0].IsUniqueKey && any || !ks[0].IsUniqueKey && all && len(keys) == len(ks) {
			return it
		}
	}
	return nil
}

// currentValue is an attribute's value in cur, or its schema default as
// the configuration system reads it (an encrypted empty default reads as
// empty).
func currentValue(cur *configstore.EffElement, as *section.Attribute) string {
	if cur != nil {
		if a := cur.Attr(as.Name); a != nil {
			return a.Value
		}
	}
	d := as.Default()
	if as.Encrypted && strings.HasPrefix(d, "[enc:") && strings.HasSuffix(d, "::enc]") {
		return ""
	}
	return d
}

// differs compares with the attribute's rules, but strings exactly: a
// change of case in a path is still a change.
func differs(as *section.Attribute, have, want string) bool {
	if as.Type == section.KindString {
		return have != want
	}
	if v, err := as.Normalize(want); err == nil {
		want = v
	}
	return !as.Equal(have, want)
}

// sameUnknown reports whether an attribute the schema does not define
// already has this value (collections that allow unrecognized attributes).
func sameUnknown(cur *configstore.EffElement, kv KeyValue) bool {
	if cur == nil {
		return false
	}
	a := cur.Attr(kv.Name)
	return a != nil && a.Value == kv.Value
}

// clearItems empties the collection owned by the element at p (p empty:
// the section element's own collection), like <clear /> in a file.
func (ed *editor) clearItems(p Path) error {
	n, err := ed.walk(p, false)
	if err != nil {
		return err
	}
	if n.schema.Collection == nil {
		return &configstore.UnknownAttributeError{Path: p.String()}
	}
	return ed.clearCollection(n, p)
}
