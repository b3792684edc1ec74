package configstore

import (
	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Merging a long collection (50,000 sites) entry by entry: every entry is
// merged in file order, as Effective does, so the same error comes first;
// then only what later entries and instances need of it is kept (a
// placeholder: its keys and lockItem, as EffectiveEntries keeps for the
// entries it leaves out), so memory does not grow with merged trees.

// shrink returns the placeholder kept for a merged entry: its key
// attributes as merged (for duplicates, <remove> and <clear>) and its
// locks (lockItem).
func (m *merger) shrink(coll *section.Collection, item *EffElement) *EffElement {
	keys := coll.KeyAttributes()
	p := &EffElement{Name: item.Name, Schema: item.Schema, item: true, placeholder: true, file: item.file, locks: item.locks,
		Origin: item.Origin, SrcFile: item.SrcFile, SrcLevel: item.SrcLevel}
	attrs := make([]EffAttr, 0, len(keys))
	for _, k := range keys {
		if a := item.Attr(k.Name); a != nil {
			attrs = append(attrs, EffAttr{Name: a.Name, Value: a.Value, Set: a.Set, Schema: a.Schema})
		}
	}
	p.Attrs = attrPointers(attrs)
	return p
}

// attrPointers points at each of attrs (a placeholder's attributes, in
// one allocation).
func attrPointers(attrs []EffAttr) []*EffAttr {
	out := make([]*EffAttr, len(attrs))
	for i := range attrs {
		out[i] = &attrs[i]
	}
	return out
}

// dropEntry checks an entry of dropRoot and returns its placeholder:
// from the quick check when it passes, else from the merge (which gives
// the error, if any).
func (m *merger) dropEntry(coll *section.Collection, c *xmldoc.Element) (*EffElement, error) {
	var p *EffElement
	if !m.exact {
		p = m.quickEntry(coll, c)
	}
	if p == nil {
		m.noOrigin = true
		item, err := m.newItem(coll, c)
		m.noOrigin = false
		if err != nil {
			return nil, err
		}
		p = m.shrink(coll, item)
	}
	if m.stream != nil {
		m.stream.at[p] = entryPos{inst: m.inst, ord: m.ord}
	}
	return p, nil
}

// entryStream records, during EachEntry's first pass, where each entry
// left as a placeholder was defined.
type entryStream struct {
	mergers []*merger // one per section instance, in merge order
	at      map[*EffElement]entryPos
}

type entryPos struct{ inst, ord int }

func (a entryPos) before(b entryPos) bool {
	return a.inst < b.inst || a.inst == b.inst && a.ord < b.ord
}

// EachEntry calls fn with each effective entry of the collection of a
// section at cp (the sites of system.applicationHost/sites, the pools of
// applicationPools), in effective order and with the collection defaults
// applied, as Effective's Root.Items would hold them, but merging one
// entry at a time: 50,000 merged sites are never held at once. The
// section is first checked as Effective checks it (the same error, and
// then fn is never called). It returns the section with its entries left
// out, and stops early when fn returns false.
func (s *Store) EachEntry(cp ConfigPath, name string, fn func(item *EffElement) bool) (*Effective, error) {
	st := &entryStream{at: map[*EffElement]entryPos{}}
	eff, err := s.effectiveWith(cp, name, nil, false, nil, false, st)
	if err != nil {
		return nil, err
	}
	root := eff.Root
	items := root.Items
	root.Items = nil
	applyCollectionDefaults(root) // the section's own default elements
	pos := make([]entryPos, len(items))
	inOrder := true
	for i, it := range items {
		pos[i] = st.at[it]
		if i > 0 && !pos[i-1].before(pos[i]) {
			inOrder = false
		}
	}
	st.at = nil
	if !inOrder {
		// Entries reordered across instances (a <clear/> or a collection
		// that prepends): rare and small; merge them all at once.
		full, err := s.Effective(cp, name)
		if err != nil {
			return nil, err
		}
		for _, it := range full.Root.Items {
			if !fn(it) {
				break
			}
		}
		return eff, nil
	}
	coll := root.Schema.Collection
	k := 0
	for i, m := range st.mergers {
		if k == len(pos) {
			break
		}
		if pos[k].inst != i {
			continue
		}
		m.dropRoot, m.stream = nil, nil
		var ferr error
		stop := false
		ord := 0
		eff.Instances[i].Element.EachChild(func(c *xmldoc.Element) bool {
			ord++
			if k == len(pos) || pos[k].inst != i {
				return false
			}
			if pos[k].ord != ord {
				return true
			}
			k++
			it, err := m.newItem(coll, c)
			if err != nil {
				ferr = err // merged once already: cannot fail again
				return false
			}
			applyEntryDefaults(root, it)
			if !fn(it) {
				stop = true
				return false
			}
			return true
		})
		if ferr != nil {
			return nil, ferr
		}
		if stop {
			break
		}
	}
	return eff, nil
}

// applyEntryDefaults is applyCollectionDefaults for one entry of e's
// collection.
func applyEntryDefaults(e, it *EffElement) {
	entryDefaults(e, e.Child(e.Schema.Collection.DefaultElement), it)
	applyCollectionDefaults(it)
}
