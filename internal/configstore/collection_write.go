package configstore

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Collection edits of the write layer. The Node they are called on owns
// the collection at the level being written; entries of the effective
// view (EffElement) name the entries to copy, hide or place next to.

// NewItem returns a new collection entry element, not yet placed: set its
// attributes, then place it with AppendItem, InsertItemBefore,
// InsertItemAfter or TakeOverItems.
func NewItem(name string) *Node { return &Node{el: xmldoc.NewElement(name)} }

// Entry reads a new entry as an effective entry of schema sch, for key
// comparisons with the entries already there.
func (n *Node) Entry(sch *section.Element) *EffElement {
	e := &EffElement{Name: n.el.Name(), Schema: sch}
	for _, a := range n.el.Attrs() {
		e.Attrs = append(e.Attrs, &EffAttr{Name: a.Name, Value: a.Value, Set: true, Schema: sch.Attribute(a.Name)})
	}
	return e
}

// LocalEntry reads an entry just added to file f at level as an
// effective entry with the schema's defaults (no collection defaults
// applied), so an edit can find it, tell it is local, walk into it and
// edit it (Source) without merging the section again.
func (s *Store) LocalEntry(n *Node, sch *section.Element, f *File, level ConfigPath) *EffElement {
	e := s.defaults.newEffElement(n.el.Name(), sch)
	for _, a := range n.el.Attrs() {
		e.set(a.Name, a.Value, sch.Attribute(a.Name), nil)
	}
	e.item, e.file, e.src, e.SrcFile, e.SrcLevel = true, f, n.el, f, level
	return e
}

// Source returns the element that defined a collection entry, for edits
// of an entry defined at the level being written (nil for an entry that
// no file defines).
func (e *EffElement) Source() *Node { return wrap(e.src) }

// CheckItemLock refuses to change an entry that another file than f
// defines with lockItem="true".
func (e *EffElement) CheckItemLock(f *File) error {
	if e.SrcFile != nil && e.SrcFile != f && e.src != nil {
		if v, ok := e.src.Attr("lockItem"); ok && strings.EqualFold(v, "true") {
			return &LockError{File: e.SrcFile.Path, Line: e.src.Line(), Description: DescAttrLocked}
		}
	}
	return nil
}

// OverrideItem makes an inherited entry local: a <remove> of its key and
// an <add> with its explicitly set values, appended after the local
// entries. It returns the new <add>.
func (n *Node) OverrideItem(coll *section.Collection, it *EffElement) *Node {
	n.RemoveInherited(coll, it)
	el := copyEntry(it)
	appendItem(n.el, coll, el)
	return wrap(el)
}

// RemoveInherited hides an inherited entry with a <remove> of its key,
// placed before the first local <add>, where the configuration system
// writes it.
func (n *Node) RemoveInherited(coll *section.Collection, it *EffElement) {
	rm := xmldoc.NewElement(coll.RemoveElement)
	for _, k := range coll.KeyAttributes() {
		if a := it.Attr(k.Name); a != nil && (a.Set || k.Required) {
			rm.SetAttr(k.Name, a.Value)
		}
	}
	var firstAdd *xmldoc.Element
	n.el.EachChild(func(c *xmldoc.Element) bool {
		if coll.IsAdd(c.Name()) {
			firstAdd = c
			return false
		}
		return true
	})
	if firstAdd != nil {
		n.el.InsertBefore(rm, firstAdd)
		return
	}
	n.el.AppendChild(rm)
}

// copyEntry rebuilds an entry's element from its explicitly set values.
func copyEntry(it *EffElement) *xmldoc.Element {
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

// AppendItem places a new entry after the last collection directive, so
// that child elements written after the entries stay after them.
func (n *Node) AppendItem(coll *section.Collection, item *Node) { appendItem(n.el, coll, item.el) }

// AppendItems is AppendItem for several new entries, in order, finding
// the place once: a batch adding 1,000 pools does not go through the
// 10,000 already there for each.
func (n *Node) AppendItems(coll *section.Collection, items []*Node) {
	els := make([]*xmldoc.Element, len(items))
	for i, it := range items {
		els[i] = it.el
	}
	appendItem(n.el, coll, els...)
}

func appendItem(parent *xmldoc.Element, coll *section.Collection, els ...*xmldoc.Element) {
	if len(els) == 0 {
		return
	}
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
	switch {
	case next != nil:
		parent.InsertAllBefore(els, next)
	default:
		for _, el := range els {
			parent.AppendChild(el)
		}
	}
}

func isDirective(coll *section.Collection, name string) bool {
	return coll.IsAdd(name) || name == coll.RemoveElement && name != "" || name == coll.ClearElement && name != ""
}

// InsertItemBefore places a new entry just before the local entry ref.
func (n *Node) InsertItemBefore(item *Node, ref *EffElement) { n.el.InsertBefore(item.el, ref.src) }

// InsertItemAfter places a new entry just after the local entry ref; with
// ref nil, like AppendItem.
func (n *Node) InsertItemAfter(coll *section.Collection, item *Node, ref *EffElement) {
	if ref == nil || ref.src == nil {
		appendItem(n.el, coll, item.el)
		return
	}
	var next *xmldoc.Element
	seen := false
	n.el.EachChild(func(c *xmldoc.Element) bool {
		if seen {
			next = c
			return false
		}
		seen = c == ref.src
		return true
	})
	if next != nil {
		n.el.InsertBefore(item.el, next)
		return
	}
	n.el.AppendChild(item.el)
}

// ClearItems removes the level's collection directives (its entries,
// <remove>s and <clear>s), without pruning: follow with AddClear to hide
// inherited entries, or Prune.
func (n *Node) ClearItems(coll *section.Collection) {
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

// AddClear appends a <clear />, which hides the inherited entries.
func (n *Node) AddClear(coll *section.Collection) {
	appendItem(n.el, coll, xmldoc.NewElement(coll.ClearElement))
}

// TakeOverItems makes the level own the whole list, for a new entry placed
// among inherited ones: <clear /> then a copy of every entry of items (the
// effective list), with item at index idx.
func (n *Node) TakeOverItems(coll *section.Collection, items []*EffElement, idx int, item *Node) {
	newList := make([]*xmldoc.Element, 0, len(items)+1)
	for i, it := range items {
		if i == idx {
			newList = append(newList, item.el)
		}
		newList = append(newList, copyEntry(it))
	}
	if idx == len(items) {
		newList = append(newList, item.el)
	}
	n.ClearItems(coll)
	n.AddClear(coll)
	for _, e := range newList {
		appendItem(n.el, coll, e)
	}
}
