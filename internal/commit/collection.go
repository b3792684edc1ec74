package commit

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Texts of collection errors (appcmd.md §1.6, §10).
const (
	NotFoundText = "Cannot find requested collection element."
)

// effectiveHere is the section as the target level sees it: inherited
// settings plus the target's own instance, without lower levels.
// It is computed again only after the target document changed: a change
// set with several edits of a large collection would otherwise merge the
// whole section for each of them.
func (ed *editor) effectiveHere() (*configstore.EffElement, error) {
	d := ed.target.File.Doc()
	if ed.here != nil && d != nil && d == ed.hereDoc && d.Edits() == ed.hereEdits {
		return ed.here, nil
	}
	eff, err := ed.store.EffectiveFor(ed.target.Level, ed.schema.Name, ed.target.File, false)
	if err != nil {
		return nil, err
	}
	if d != nil {
		ed.here, ed.hereDoc, ed.hereEdits = eff.Root, d, d.Edits()
	}
	return eff.Root, nil
}

// resolveEff follows a path through the effective section, choosing
// collection entries by selector. It returns the element the last step
// names and the collection owner above a final selector.
func resolveEff(root *configstore.EffElement, p Path) (owner, el *configstore.EffElement, err error) {
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
	for _, it := range items {
		if matchSelector(it, sel) {
			return it, nil
		}
	}
	return nil, &configstore.NotFoundError{Message: NotFoundText}
}

func matchSelector(it *configstore.EffElement, sel *Selector) bool {
	for _, kv := range sel.Keys {
		a := it.Attr(kv.Name)
		if a == nil {
			return false
		}
		want := kv.Value
		if a.Schema != nil {
			if v, err := a.Schema.Normalize(kv.Value); err == nil {
				want = v
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
	root, err := ed.effectiveHere()
	if err != nil {
		return nil, err
	}
	owner, it, err := resolveEff(root, p)
	if err != nil {
		return nil, err
	}
	coll := n.schema.Collection
	if n.schema.Collection == nil {
		return nil, &configstore.UnknownAttributeError{Path: p.String()}
	}
	if ed.isLocal(it) {
		return &node{el: it.Src, schema: it.Schema, unknownOK: coll.AllowUnrecognizedAttributes}, nil
	}
	if !create {
		return &node{schema: it.Schema}, nil
	}
	if n.el == nil {
		return nil, &InvalidChangeError{Description: fmt.Sprintf("Cannot edit the inherited entry %s here: its collection is defined at a parent level only", p)}
	}
	el, err := ed.copyInherited(n.el, coll, owner, it)
	if err != nil {
		return nil, err
	}
	return &node{el: el, schema: it.Schema, unknownOK: coll.AllowUnrecognizedAttributes}, nil
}

// copyInherited makes an inherited entry local: a <remove> of its key and
// an <add> with its explicitly set values, appended after the local entries.
func (ed *editor) copyInherited(parent *xmldoc.Element, coll *section.Collection, owner, it *configstore.EffElement) (*xmldoc.Element, error) {
	if coll.RemoveElement == "" {
		return nil, &InvalidChangeError{Description: fmt.Sprintf("Cannot change the inherited entry %q at this level: the collection has no <remove> directive", it.Name)}
	}
	if err := ed.checkItemLock(it); err != nil {
		return nil, err
	}
	rm := removeFor(coll, it)
	insertRemove(parent, coll, rm)
	el := copyEntry(it)
	appendItem(parent, coll, el)
	return el, nil
}

func (ed *editor) checkItemLock(it *configstore.EffElement) error {
	if it.SrcFile != nil && it.SrcFile != ed.target.File && it.Src != nil {
		if v, ok := it.Src.Attr("lockItem"); ok && strings.EqualFold(v, "true") {
			return &configstore.LockError{File: it.SrcFile.Path, Line: it.Src.Line(), Description: configstore.DescAttrLocked}
		}
	}
	return nil
}

// removeFor builds the <remove> element for an entry: its key attributes.
func removeFor(coll *section.Collection, it *configstore.EffElement) *xmldoc.Element {
	rm := xmldoc.NewElement(coll.RemoveElement)
	for _, k := range coll.KeyAttributes() {
		if a := it.Attr(k.Name); a != nil && (a.Set || k.Required) {
			rm.SetAttr(k.Name, a.Value)
		}
	}
	return rm
}

// copyEntry rebuilds an entry's element from its explicitly set values.
func copyEntry(it *configstore.EffElement) *xmldoc.Element {
	el := xmldoc.NewElement(it.Name)
	for _, a := range it.Attrs {
		if a.Set {
			el.SetAttr(a.Name, a.Value)
		}
	}
	for _, c := range it.Children {
		if c.HasSet() {
			el.AppendChild(copyEntry(c))
		}
	}
	for _, sub := range it.Items {
		el.AppendChild(copyEntry(sub))
	}
	return el
}

// insertRemove places a <remove> before the first local <add>, where the
// configuration system writes it.
func insertRemove(parent *xmldoc.Element, coll *section.Collection, rm *xmldoc.Element) {
	var firstAdd *xmldoc.Element
	parent.EachChild(func(c *xmldoc.Element) bool {
		if coll.IsAdd(c.Name()) {
			firstAdd = c
			return false
		}
		return true
	})
	if firstAdd != nil {
		parent.InsertBefore(rm, firstAdd)
		return
	}
	parent.AppendChild(rm)
}

// appendItem adds an entry after the last collection directive, so that
// child elements written after the entries stay after them.
func appendItem(parent *xmldoc.Element, coll *section.Collection, el *xmldoc.Element) {
	var after *xmldoc.Element
	var next *xmldoc.Element
	parent.EachChild(func(c *xmldoc.Element) bool {
		if isDirective(coll, c.Name()) {
			after, next = c, nil
		} else if after != nil && next == nil {
			next = c
		}
		return true
	})
	if next != nil {
		parent.InsertBefore(el, next)
		return
	}
	parent.AppendChild(el)
}

func isDirective(coll *section.Collection, name string) bool {
	return coll.IsAdd(name) || name == coll.RemoveElement && name != "" || name == coll.ClearElement && name != ""
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
	el := xmldoc.NewElement(name)
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
	root, err := ed.effectiveHere()
	if err != nil {
		return err
	}
	_, owner, err := resolveEff(root, p[:len(p)-1])
	if err != nil {
		return err
	}
	probe := entryFromElement(name, item, el)
	if !coll.AllowDuplicates {
		for _, it := range owner.Items {
			if configstore.SameKey(coll, it, probe) {
				// appcmd.exe's text, including its odd first sentence and the
				// blank line before the closing ". )" (appcmd.md §10).
				return &configstore.DuplicateError{Message: "New " + name + " object missing required attributes. " + configstore.DuplicateText(coll, probe) + "\n\n."}
			}
		}
	}
	return ed.placeItem(n, coll, owner, el, sel.Pos)
}

// entryFromElement builds an effective entry from a new element, for key
// comparisons.
func entryFromElement(name string, sch *section.Element, el *xmldoc.Element) *configstore.EffElement {
	e := &configstore.EffElement{Name: name, Schema: sch}
	for _, a := range el.Attrs() {
		e.Attrs = append(e.Attrs, &configstore.EffAttr{Name: a.Name, Value: a.Value, Set: true, Schema: sch.Attribute(a.Name)})
	}
	return e
}

// placeItem inserts a new entry so that the merged list has it at the
// requested position. When the position falls among inherited entries, the
// level takes over the whole list: <clear /> and a copy of every entry.
func (ed *editor) placeItem(n *node, coll *section.Collection, owner *configstore.EffElement, el *xmldoc.Element, pos Position) error {
	if pos.Kind == PosNone {
		// No position: after this level's own entries, wherever the merge
		// puts them (before inherited ones when mergeAppend="false").
		appendItem(n.el, coll, el)
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
			var last *xmldoc.Element
			for _, it := range items[lo:hi] {
				last = it.Src
			}
			if last == nil {
				appendItem(n.el, coll, el)
				return nil
			}
			insertAfter(n.el, last, el)
			return nil
		}
		n.el.InsertBefore(el, items[idx].Src)
		return nil
	}
	if coll.ClearElement == "" {
		return &InvalidChangeError{Description: "Cannot insert the entry among inherited entries: the collection has no <clear> directive"}
	}
	for _, it := range items {
		if !ed.isLocal(it) {
			if err := ed.checkItemLock(it); err != nil {
				return err
			}
		}
	}
	// Rewrite the level's list: <clear /> then every entry in order.
	var olds []*xmldoc.Element
	n.el.EachChild(func(c *xmldoc.Element) bool {
		if isDirective(coll, c.Name()) {
			olds = append(olds, c)
		}
		return true
	})
	newList := make([]*xmldoc.Element, 0, len(items)+1)
	for i, it := range items {
		if i == idx {
			newList = append(newList, el)
		}
		newList = append(newList, copyEntry(it))
	}
	if idx == len(items) {
		newList = append(newList, el)
	}
	for _, o := range olds {
		n.el.RemoveChild(o)
	}
	appendItem(n.el, coll, xmldoc.NewElement(coll.ClearElement))
	for _, e := range newList {
		appendItem(n.el, coll, e)
	}
	return nil
}

// insertAfter places el right after ref, a child of parent.
func insertAfter(parent, ref, el *xmldoc.Element) {
	var next *xmldoc.Element
	seen := false
	parent.EachChild(func(c *xmldoc.Element) bool {
		if seen {
			next = c
			return false
		}
		seen = c == ref
		return true
	})
	if next != nil {
		parent.InsertBefore(el, next)
		return
	}
	parent.AppendChild(el)
}

// removeItem deletes an entry: its element when defined at the target, or
// a <remove> at the target when inherited.
func (ed *editor) removeItem(p Path) error {
	n, _, err := ed.collectionNode(p, false)
	if err != nil {
		return err
	}
	root, err := ed.effectiveHere()
	if err != nil {
		return err
	}
	_, it, err := resolveEff(root, p)
	if err != nil {
		return err
	}
	coll := n.schema.Collection
	if ed.isLocal(it) {
		parent := it.Src.Parent()
		parent.RemoveChild(it.Src)
		ed.prune(parent)
		return nil
	}
	if err := ed.checkItemLock(it); err != nil {
		return err
	}
	if coll.RemoveElement == "" {
		return &InvalidChangeError{Description: fmt.Sprintf("Cannot remove the inherited entry at this level: the collection has no <remove> directive; remove it where it is defined (%s)", it.Origin)}
	}
	n, err = ed.walk(p[:len(p)-1], true)
	if err != nil {
		return err
	}
	insertRemove(n.el, coll, removeFor(coll, it))
	return nil
}

// clearCollection empties a collection at the target: local entries go,
// and a <clear /> hides inherited ones.
func (ed *editor) clearCollection(n *node, p Path) error {
	coll := n.schema.Collection
	root, err := ed.effectiveHere()
	if err != nil {
		return err
	}
	_, owner, err := resolveEff(root, p)
	if err != nil {
		return err
	}
	inherited := false
	for _, it := range owner.Items {
		if !ed.isLocal(it) {
			inherited = true
			if err := ed.checkItemLock(it); err != nil {
				return err
			}
		}
	}
	if n.el != nil {
		var olds []*xmldoc.Element
		n.el.EachChild(func(c *xmldoc.Element) bool {
			if isDirective(coll, c.Name()) {
				olds = append(olds, c)
			}
			return true
		})
		for _, o := range olds {
			n.el.RemoveChild(o)
		}
	}
	if inherited {
		if coll.ClearElement == "" {
			return &InvalidChangeError{Description: "Cannot clear inherited entries at this level: the collection has no <clear> directive"}
		}
		n2, err := ed.walk(p, true)
		if err != nil {
			return err
		}
		appendItem(n2.el, coll, xmldoc.NewElement(coll.ClearElement))
		return nil
	}
	if n.el != nil {
		ed.prune(n.el)
	}
	return nil
}
