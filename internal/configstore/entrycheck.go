package configstore

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// A quick check of an entry that is dropped right after its merge
// (validate, EachEntry's first pass): the common entry (known attributes
// with valid values, known child elements, nested entries with distinct
// keys) is checked without building its effective tree, and only its
// placeholder is made. Anything else (an error, lock attributes, <remove>
// or <clear> inside, a child element given twice, attributes the schema
// does not define) is left to the merge itself (newItem), so errors keep
// the merge's exact text and place: quickOK must only ever say yes when
// the merge would succeed.

// setAttr is an attribute an element sets, normalized.
type setAttr struct {
	schema *section.Attribute
	value  string
}

// quickEntry returns the placeholder of an entry of coll when the quick
// check passes, or nil when the merge must decide.
func (m *merger) quickEntry(coll *section.Collection, c *xmldoc.Element) *EffElement {
	sch := coll.ItemFor(c.Name())
	r, raw := c.Raw()
	if sch == nil || coll.AllowUnrecognizedAttributes || !raw {
		return nil
	}
	attrs, ok := quickElement(sch, r, nil, nil)
	if !ok || !hasRequired(sch, attrs) {
		return nil
	}
	p := &EffElement{Name: c.Name(), Schema: sch, item: true, placeholder: true, file: m.file, SrcFile: m.file, SrcLevel: m.level}
	keys := coll.KeyAttributes()
	vals := make([]EffAttr, 0, len(keys))
	for _, k := range keys {
		// As item.Attr(k.Name) finds it among the item's schema attributes.
		as := sch.Attribute(k.Name)
		if as == nil {
			continue
		}
		a := EffAttr{Name: as.Name, Value: defaultValue(as), Schema: as}
		for _, s := range attrs {
			if s.schema == as {
				a.Value, a.Set = s.value, true
			}
		}
		vals = append(vals, a)
	}
	p.Attrs = make([]*EffAttr, len(vals))
	for i := range vals {
		p.Attrs[i] = &vals[i]
	}
	return p
}

// quickElement checks x as merged into a fresh element of schema sch, or
// into into (an element of a frozen inherited tree without locks, whose
// entries' keys known gives), and returns the attributes it sets; false
// when the merge must decide.
func quickElement(sch *section.Element, x xmldoc.Raw, into *EffElement, known func(*EffElement) map[string]bool) ([]setAttr, bool) {
	var attrs []setAttr
	ok := true
	x.EachAttr(func(name, value string) bool {
		if lockAttrNames[name] {
			ok = false
			return false
		}
		if metaAttr(name) {
			return true
		}
		as := sch.Attribute(name)
		if as == nil {
			ok = false
			return false
		}
		v, err := as.Normalize(value)
		if err != nil {
			ok = false
			return false
		}
		for i := range attrs {
			if attrs[i].schema == as {
				attrs[i].value = v
				return true
			}
		}
		attrs = append(attrs, setAttr{as, v})
		return true
	})
	if !ok {
		return nil, false
	}
	coll := sch.Collection
	var seen []string        // child elements merged (each once)
	var keys map[string]bool // index keys of nested entries
	x.EachChild(func(c xmldoc.Raw) bool {
		name := c.Name()
		if coll != nil && coll.IsAdd(name) {
			item := coll.ItemFor(name)
			if item == nil || coll.AllowUnrecognizedAttributes {
				ok = false
				return false
			}
			set, good := quickElement(item, c, nil, nil)
			if !good || !hasRequired(item, set) {
				ok = false
				return false
			}
			if !coll.AllowDuplicates {
				if keys == nil {
					keys = map[string]bool{}
				}
				var inherited map[string]bool
				if into != nil {
					inherited = known(into)
				}
				for _, k := range quickKeys(coll, item, set) {
					if keys[k] || inherited[k] {
						ok = false // a duplicate: the merge says which
						return false
					}
					keys[k] = true
				}
			}
			return true
		}
		if coll != nil && (coll.RemoveElement != "" && name == coll.RemoveElement || coll.ClearElement != "" && name == coll.ClearElement) {
			ok = false
			return false
		}
		child := sch.Element(name)
		for _, s := range seen {
			if strings.EqualFold(s, name) {
				ok = false // given twice: merged into the same element
				return false
			}
		}
		if child == nil || !childNamed(sch, name) {
			ok = false
			return false
		}
		var childInto *EffElement
		if into != nil {
			// The merge's own lookup (childIndex) in the inherited tree.
			i := into.childIndex(name)
			if i < 0 || into.Children[i].Schema != child {
				ok = false
				return false
			}
			childInto = into.Children[i]
		}
		seen = append(seen, name)
		if _, good := quickElement(child, c, childInto, known); !good {
			ok = false
			return false
		}
		return true
	})
	return attrs, ok
}

// childNamed reports whether the merge finds name among sch's children
// (EffElement.childIndex: the first that matches ignoring case) and it is
// the one sch.Element returns.
func childNamed(sch *section.Element, name string) bool {
	for _, c := range sch.Elements {
		if strings.EqualFold(c.Name, name) {
			return c == sch.Element(name)
		}
	}
	return false
}

// hasRequired reports whether every required attribute of sch is set.
func hasRequired(sch *section.Element, set []setAttr) bool {
	for _, a := range sch.Attributes {
		if !a.Required {
			continue
		}
		found := false
		for _, s := range set {
			if s.schema == a {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// quickKeys is indexKeys of an entry of schema item that sets set.
func quickKeys(coll *section.Collection, item *section.Element, set []setAttr) []string {
	keys := coll.KeyAttributes()
	value := func(k *section.Attribute) (string, bool) {
		as := item.Attribute(k.Name)
		if as == nil {
			return "", false
		}
		for _, s := range set {
			if s.schema == as {
				return s.value, true
			}
		}
		return defaultValue(as), true
	}
	if len(keys) == 0 {
		return nil
	}
	if keys[0].IsUniqueKey {
		var out []string
		for _, k := range keys {
			if v, ok := value(k); ok {
				out = append(out, k.Name+"\x00"+k.CompareKey(v))
			}
		}
		return out
	}
	var b strings.Builder
	b.WriteString("\x01")
	for _, k := range keys {
		if v, ok := value(k); ok {
			b.WriteString(k.CompareKey(v))
		}
		b.WriteString("\x00")
	}
	return []string{b.String()}
}

// quickInstance reports whether merging instance x into the inherited
// tree root (validate's mergedUp) would succeed, by the quick check:
// false when the merge must decide. The tree holds no locks (hasLocks).
func (v *validator) quickInstance(root *EffElement, x *xmldoc.Element) bool {
	r, ok := x.Raw()
	if !ok || root.Schema == nil {
		return false
	}
	_, ok = quickElement(root.Schema, r, root, v.knownKeys)
	return ok
}

// knownKeys is the index of the keys of an inherited element's entries
// (checkDuplicate's), made once per frozen element.
func (v *validator) knownKeys(e *EffElement) map[string]bool {
	if k, ok := v.keys[e]; ok {
		return k
	}
	k := map[string]bool{}
	if coll := e.Schema.Collection; coll != nil {
		for _, it := range e.Items {
			for _, x := range indexKeys(coll, it) {
				k[x] = true
			}
		}
	}
	if v.keys == nil {
		v.keys = map[*EffElement]map[string]bool{}
	}
	v.keys[e] = k
	return k
}

// hasLocks reports whether any element of a merged tree carries locks
// (a lock list, or an entry's lockItem), which the quick check does not
// follow.
func hasLocks(e *EffElement) bool {
	if e.locks != nil {
		return true
	}
	for _, c := range e.Children {
		if hasLocks(c) {
			return true
		}
	}
	for _, it := range e.Items {
		if hasLocks(it) {
			return true
		}
	}
	return false
}
