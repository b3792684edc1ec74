package commit

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Texts of collection errors (appcmd.md §1.6, §10).
const (
	NotFoundText = "Cannot find requested collection element."
)

// effectiveHere is the section as the target level sees it for path p:
// inherited settings plus the target's own instance, without lower levels.
// When every change of the change set picks an entry of the section's own
// collection by its first key (sites or pools by name: ed.keys), only the
// entries with those keys are merged (configstore.EffectiveEntriesFor), so
// an edit of one site among 10,000 does not merge the rest. The others are
// left out, unless allKeys asks for them as placeholders with their keys
// (an entry added to that collection is checked against every key); either
// way validate checks the whole collection's keys after the change set.
// The answer is computed again only after an edit that changes what it
// holds (see apply): a batch of edits of a large collection would
// otherwise merge the section for each of them.
func (ed *editor) effectiveHere(p Path, allKeys bool) (*configstore.EffElement, error) {
	key, one := ed.entryKey(p)
	entries := ed.keys != nil && one
	rev, ok := ed.target.File.Revision()
	if ed.here != nil && ok && rev == ed.hereRev && !(one && ed.unseen[ed.firstKey().CompareKey(key)]) && (ed.hereAll || entries && (ed.hereKeys || !allKeys)) {
		return ed.here, nil
	}
	var eff *configstore.Effective
	var err error
	if entries {
		eff, err = ed.store.EffectiveEntriesFor(ed.target.Level, ed.schema.Name, ed.target.File, false, ed.keepKeys(ed.keys), !allKeys)
	} else {
		eff, err = ed.store.EffectiveFor(ed.target.Level, ed.schema.Name, ed.target.File, false)
	}
	if err != nil {
		return nil, err
	}
	ed.here, ed.hereAll, ed.hereKeys, ed.stale, ed.unseen = nil, false, false, false, nil
	if ok {
		ed.here, ed.hereRev, ed.hereAll, ed.hereKeys = eff.Root, rev, !entries, allKeys || !entries
	}
	return eff.Root, nil
}

// firstKey is the first key attribute of the section's own collection
// (a site's or pool's name), or nil when the section is not a collection.
func (ed *editor) firstKey() *section.Attribute {
	keys := ed.schema.Root.Collection.KeyAttributes()
	if len(keys) == 0 {
		return nil
	}
	return keys[0]
}

// entryKey returns the value of the first key attribute that p's first
// step selects, normalized, when that step picks an entry of the section's
// own collection by it and by no position.
func (ed *editor) entryKey(p Path) (string, bool) {
	k := ed.firstKey()
	if k == nil || len(p) == 0 || p[0].Selector == nil || p[0].Selector.Pos.Kind != PosNone {
		return "", false
	}
	for _, kv := range p[0].Selector.Keys {
		if strings.EqualFold(kv.Name, k.Name) {
			return normalizeKey(k, kv.Value)
		}
	}
	return "", false
}

// normalizeKey is a key value as matchSelector compares it ("" is left to
// the whole merge: an entry without the attribute has its default).
func normalizeKey(k *section.Attribute, v string) (string, bool) {
	if n, err := k.Normalize(v); err == nil {
		v = n
	}
	return v, v != ""
}

// keepKeys accepts the raw first-key values equal to one of keys (as the
// duplicate index compares them); a value that does not parse is merged
// too, so the reader reports it.
func (ed *editor) keepKeys(keys []string) func(string) bool {
	k := ed.firstKey()
	want := make(map[string]bool, len(keys))
	for _, v := range keys {
		want[k.CompareKey(v)] = true
	}
	return func(raw string) bool {
		v, err := k.Normalize(raw)
		return err != nil || v == "" || want[k.CompareKey(v)]
	}
}

// resolve is resolveFrom with findItem, except that the entries of the
// section's own collection are found by their first key in an index of
// the view (rootIndex): a batch naming 1,000 of them does not go through
// all of them for each.
func (ed *editor) resolve(root *configstore.EffElement, p Path) (owner, el *configstore.EffElement, err error) {
	return resolveFrom(root, p, func(coll *configstore.EffElement, sel *Selector) (*configstore.EffElement, error) {
		key, ok := ed.entryKey(Path{{Selector: sel}})
		if coll != root || root != ed.here || ed.keys == nil || !ok {
			return findItem(coll, sel)
		}
		wants := make([]normalized, len(sel.Keys))
		for _, it := range ed.rootIndex(root)[ed.firstKey().CompareKey(key)] {
			if !it.Placeholder() && matchSelector(it, sel, wants) {
				return it, nil
			}
		}
		return findItem(coll, sel) // the index compares as CompareKey, findItem as Equal
	})
}

// rootIndex returns the entries of the view's own collection by the
// CompareKey of their first key, in order, built once per view; addItem
// and removeItem keep it right.
func (ed *editor) rootIndex(root *configstore.EffElement) map[string][]*configstore.EffElement {
	if ed.byKey == nil || ed.byKeyOf != root {
		ed.byKey, ed.byKeyOf = map[string][]*configstore.EffElement{}, root
		for _, it := range root.Items {
			ed.indexEntry(it)
		}
	}
	return ed.byKey
}

func (ed *editor) indexEntry(it *configstore.EffElement) {
	k := ed.firstKey()
	if a := it.Attr(k.Name); a != nil {
		ck := k.CompareKey(a.Value)
		ed.byKey[ck] = append(ed.byKey[ck], it)
	}
}

// resolveFrom follows a path through the effective section, choosing
// collection entries by selector with findItem. It returns the element
// the last step names and the collection owner above a final selector.
func resolveFrom(root *configstore.EffElement, p Path, findItem func(*configstore.EffElement, *Selector) (*configstore.EffElement, error)) (owner, el *configstore.EffElement, err error) {
	cur := root
	for i, st := range p {
		if st.Selector == nil {
			c := cur.Child(st.Name)
			if c == nil || c.Schema == nil {
				return nil, nil, &configstore.UnknownAttributeError{Path: p[:i+1].String()}
			}
			owner, cur = cur, c
			continue
		}
		if cur.Schema == nil || cur.Schema.Collection == nil {
			return nil, nil, &configstore.UnknownAttributeError{Path: p[:i+1].String()}
		}
		it, err := findItem(cur, st.Selector)
		if err != nil {
			return nil, nil, err
		}
		owner, cur = cur, it
	}
	return owner, cur, nil
}

// findItem picks the entry a selector names: by position, and by every
// attribute the selector gives (key or not).
func findItem(coll *configstore.EffElement, sel *Selector) (*configstore.EffElement, error) {
	items := coll.Items
	switch sel.Pos.Kind {
	case PosStart:
		items = items[:min(1, len(items))]
	case PosEnd:
		items = items[max(0, len(items)-1):]
	case PosIndex:
		if sel.Pos.Index >= len(items) {
			return nil, &configstore.NotFoundError{Message: NotFoundText}
		}
		items = items[sel.Pos.Index : sel.Pos.Index+1]
	}
	wants := make([]normalized, len(sel.Keys))
	for _, it := range items {
		if !it.Placeholder() && matchSelector(it, sel, wants) {
			return it, nil
		}
	}
	return nil, &configstore.NotFoundError{Message: NotFoundText}
}

// normalized is a selector value as one attribute schema normalizes it,
// kept while findItem goes through entries of the same schema.
type normalized struct {
	schema *section.Attribute
	value  string
}

func matchSelector(it *configstore.EffElement, sel *Selector, wants []normalized) bool {
	for i, kv := range sel.Keys {
		a := it.Attr(kv.Name)
		if a == nil {
			return false
		}
		want := kv.Value
		if a.Schema != nil {
			if wants[i].schema == a.Schema {
				want = wants[i].value
			} else {
				if v, err := a.Schema.Normalize(kv.Value); err == nil {
					want = v
				}
				wants[i] = normalized{a.Schema, want}
			}
			if !a.Schema.Equal(a.Value, want) {
				return false
			}
			continue
		}
		if a.Value != want {
			return false
		}
	}
	return true
}

// isLocal reports whether an entry is defined by the target's own instance.
func (ed *editor) isLocal(it *configstore.EffElement) bool {
	return it.SrcFile == ed.target.File && it.SrcLevel.Equal(ed.target.Level)
}

// selectItem moves from a collection owner to the entry a selector names,
// for edits inside the entry. Only entries defined at the target can be
// edited in place; an inherited entry is first copied to the target
// (<remove> plus <add>), as the configuration system does.
func (ed *editor) selectItem(n *node, p Path, sel *Selector, create bool) (*node, error) {
	root, err := ed.effectiveHere(p, false)
	if err != nil {
		return nil, err
	}
	_, it, err := ed.resolve(root, p)
	if err != nil {
		return nil, err
	}
	coll := n.schema.Collection
	if n.schema.Collection == nil {
		return nil, &configstore.UnknownAttributeError{Path: p.String()}
	}
	if ed.isLocal(it) {
		return &node{el: it.Source(), schema: it.Schema, unknownOK: coll.AllowUnrecognizedAttributes}, nil
	}
	if !create {
		return &node{schema: it.Schema}, nil
	}
	if n.el == nil {
		return nil, &InvalidChangeError{Description: fmt.Sprintf("Cannot edit the inherited entry %s here: its collection is defined at a parent level only", p)}
	}
	el, err := ed.copyInherited(n.el, coll, it)
	if err != nil {
		return nil, err
	}
	ed.copied = true
	return &node{el: el, schema: it.Schema, unknownOK: coll.AllowUnrecognizedAttributes}, nil
}

// copyInherited makes an inherited entry local: a <remove> of its key and
// an <add> with its explicitly set values, appended after the local entries.
func (ed *editor) copyInherited(parent *configstore.Node, coll *section.Collection, it *configstore.EffElement) (*configstore.Node, error) {
	if coll.RemoveElement == "" {
		return nil, &InvalidChangeError{Description: fmt.Sprintf("Cannot change the inherited entry %q at this level: the collection has no <remove> directive", it.Name)}
	}
	if err := it.CheckItemLock(ed.target.File); err != nil {
		return nil, err
	}
	return parent.OverrideItem(coll, it), nil
}

// collectionNode walks to the element that owns the collection a final
// selector addresses.
func (ed *editor) collectionNode(p Path, create bool) (*node, *Selector, error) {
	if len(p) == 0 || p[len(p)-1].Selector == nil {
		return nil, nil, &configstore.UnknownAttributeError{Path: p.String()}
	}
	n, err := ed.walk(p[:len(p)-1], create)
	if err != nil {
		return nil, nil, err
	}
	if n.schema.Collection == nil {
		return nil, nil, &configstore.UnknownAttributeError{Path: p.String()}
	}
	return n, p[len(p)-1].Selector, nil
}

// addItem adds a collection entry with the selector's attributes.
func (ed *editor) addItem(p Path) error {
	n, sel, err := ed.collectionNode(p, true)
	if err != nil {
		return err
	}
	coll := n.schema.Collection
	if len(coll.AddElements) == 0 {
		return &InvalidChangeError{Description: "The collection does not support adding entries"}
	}
	name := coll.AddElements[0]
	item := coll.ItemFor(name)
	el := configstore.NewItem(name)
	for _, kv := range sel.Keys {
		as := item.Attribute(kv.Name)
		if as == nil {
			if !coll.AllowUnrecognizedAttributes && !item.AllowUnrecognizedAttributes {
				return &configstore.UnknownAttributeError{Path: kv.Name}
			}
			el.SetAttr(kv.Name, kv.Value)
			continue
		}
		v, err := as.Normalize(kv.Value)
		if err != nil {
			return err
		}
		el.SetAttr(as.Name, v)
	}
	var missing []string
	for _, a := range item.Attributes {
		if _, ok := el.Attr(a.Name); a.Required && !ok {
			missing = append(missing, a.Name)
		}
	}
	if len(missing) > 0 {
		return &InvalidChangeError{Description: fmt.Sprintf("New %s object missing required attributes. Element is missing required attributes %s", name, strings.Join(missing, ","))}
	}
	if sel.Pos.Kind != PosNone && ed.stale {
		ed.here = nil // placeItem may copy entries: it needs their values
	}
	root, err := ed.effectiveHere(p, len(p) == 1)
	if err != nil {
		return err
	}
	_, owner, err := ed.resolve(root, p[:len(p)-1])
	if err != nil {
		return err
	}
	probe := el.Entry(item)
	if !coll.AllowDuplicates && ed.hasKey(root, owner, coll, probe) {
		// appcmd.exe's text, including its odd first sentence and the
		// blank line before the closing ". )" (appcmd.md §10).
		return &configstore.DuplicateError{Message: "New " + name + " object missing required attributes. " + configstore.DuplicateText(coll, probe) + "\n\n."}
	}
	if err := ed.placeItem(n, coll, owner, el, sel.Pos); err != nil {
		return err
	}
	if ed.keys != nil && sel.Pos.Kind == PosNone {
		// The view shows the new entry (the next changes may walk into
		// it, and the next adds check their keys against it) when its
		// owner is the view's own: the section, an entry, or an element
		// holding entries (default trees without entries are shared).
		owned := len(p) == 1 || p[len(p)-2].Selector != nil || len(owner.Items) > 0
		if owned {
			e := ed.store.LocalEntry(el, item, ed.target.File, ed.target.Level)
			owner.Items = append(owner.Items[:len(owner.Items):len(owner.Items)], e)
			if owner == root {
				root.Indexed(coll, e)
			}
			if owner == root && ed.byKey != nil && ed.byKeyOf == root {
				ed.indexEntry(e)
			}
		} else {
			ed.markUnseen(p)
		}
		ed.keepView = true
	}
	return nil
}

// placeItem inserts a new entry so that the merged list has it at the
// requested position. When the position falls among inherited entries, the
// level takes over the whole list: <clear /> and a copy of every entry.
func (ed *editor) placeItem(n *node, coll *section.Collection, owner *configstore.EffElement, el *configstore.Node, pos Position) error {
	if pos.Kind == PosNone {
		// No position: after this level's own entries, wherever the merge
		// puts them (before inherited ones when mergeAppend="false").
		if ed.deferAdd && owner == ed.here {
			if len(ed.pending) == 0 {
				ed.pendingRev, _ = ed.target.File.Revision()
			}
			ed.pending = append(ed.pending, el) // placed together (flush)
			ed.pendingAt, ed.pendingColl = n.el, coll
			return nil
		}
		n.el.AppendItem(coll, el)
		return nil
	}
	items := owner.Items
	idx := len(items)
	switch pos.Kind {
	case PosStart:
		idx = 0
	case PosIndex:
		if pos.Index < 0 || pos.Index > len(items) {
			return &configstore.NotFoundError{Message: NotFoundText}
		}
		idx = pos.Index
	}
	// Local entries form one run in the merged list: after the inherited
	// ones (mergeAppend) or before them.
	lo, hi := -1, -1
	for i, it := range items {
		if ed.isLocal(it) {
			if lo < 0 {
				lo = i
			}
			hi = i + 1
		}
	}
	if lo < 0 {
		if coll.MergeAppend {
			lo, hi = len(items), len(items)
		} else {
			lo, hi = 0, 0
		}
	}
	if idx >= lo && idx <= hi {
		if idx == hi {
			var last *configstore.EffElement
			for _, it := range items[lo:hi] {
				last = it
			}
			n.el.InsertItemAfter(coll, el, last)
			return nil
		}
		n.el.InsertItemBefore(el, items[idx])
		return nil
	}
	if coll.ClearElement == "" {
		return &InvalidChangeError{Description: "Cannot insert the entry among inherited entries: the collection has no <clear> directive"}
	}
	for _, it := range items {
		if !ed.isLocal(it) {
			if err := it.CheckItemLock(ed.target.File); err != nil {
				return err
			}
		}
	}
	n.el.TakeOverItems(coll, items, idx, el)
	return nil
}

// removeItem deletes an entry: its element when defined at the target, or
// a <remove> at the target when inherited.
func (ed *editor) removeItem(p Path) error {
	n, _, err := ed.collectionNode(p, false)
	if err != nil {
		return err
	}
	root, err := ed.effectiveHere(p, false)
	if err != nil {
		return err
	}
	owner, it, err := ed.resolve(root, p)
	if err != nil {
		return err
	}
	coll := n.schema.Collection
	if ed.isLocal(it) {
		it.Source().Remove()
		if ed.keys != nil && len(owner.Items) > 0 {
			// The view drops the entry too (its owner has entries, so it
			// is the view's own); a removal may prune the section element.
			items := make([]*configstore.EffElement, 0, len(owner.Items)-1)
			for _, x := range owner.Items {
				if x != it {
					items = append(items, x)
				}
			}
			owner.Items = items
			if owner == root {
				root.Unindexed(coll, it)
				ed.byKey = nil
				ed.sec = nil // the last entry gone prunes the section element
			}
			ed.keepView = true
		}
		return nil
	}
	if err := it.CheckItemLock(ed.target.File); err != nil {
		return err
	}
	if coll.RemoveElement == "" {
		return &InvalidChangeError{Description: fmt.Sprintf("Cannot remove the inherited entry at this level: the collection has no <remove> directive; remove it where it is defined (%s)", it.Origin)}
	}
	n, err = ed.walk(p[:len(p)-1], true)
	if err != nil {
		return err
	}
	n.el.RemoveInherited(coll, it)
	return nil
}

// clearCollection empties a collection at the target: local entries go,
// and a <clear /> hides inherited ones.
func (ed *editor) clearCollection(n *node, p Path) error {
	coll := n.schema.Collection
	root, err := ed.effectiveHere(p, false)
	if err != nil {
		return err
	}
	_, owner, err := ed.resolve(root, p)
	if err != nil {
		return err
	}
	inherited := false
	for _, it := range owner.Items {
		if !ed.isLocal(it) {
			inherited = true
			if err := it.CheckItemLock(ed.target.File); err != nil {
				return err
			}
		}
	}
	if n.el != nil {
		n.el.ClearItems(coll)
	}
	if inherited {
		if coll.ClearElement == "" {
			return &InvalidChangeError{Description: "Cannot clear inherited entries at this level: the collection has no <clear> directive"}
		}
		n2, err := ed.walk(p, true)
		if err != nil {
			return err
		}
		n2.el.AddClear(coll)
		return nil
	}
	if n.el != nil {
		n.el.Prune()
	}
	return nil
}

// hasKey reports whether owner holds an entry with probe's key
// (configstore.SameKey). The entries of the view's own collection are
// looked up in the view's key index (configstore.EffElement.KeyIndexed),
// which has the entries a keys-only merge left out too, so a batch
// adding 1,000 pools to 10,000 does not compare each with all. Only the
// view's own root is indexed: other owners may be shared default trees.
func (ed *editor) hasKey(root, owner *configstore.EffElement, coll *section.Collection, probe *configstore.EffElement) bool {
	if owner == root && owner == ed.here {
		if has, ok := root.KeyIndexed(coll, probe); ok {
			return has
		}
	}
	for _, it := range owner.Items {
		if configstore.SameKey(coll, it, probe) {
			return true
		}
	}
	return false
}

// markUnseen notes that the entry p starts at changed in ways the view
// does not show: the next change inside it merges the view again.
func (ed *editor) markUnseen(p Path) {
	key, _ := ed.entryKey(p)
	if ed.unseen == nil {
		ed.unseen = map[string]bool{}
	}
	ed.unseen[ed.firstKey().CompareKey(key)] = true
}
