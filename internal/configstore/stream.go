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
func (m *merger) shrink(coll *section.Collection, item *EffElement, c *xmldoc.Element) *EffElement {
	keys := coll.KeyAttributes()
	p := &EffElement{Name: item.Name, Schema: item.Schema, item: true, placeholder: true, file: item.file, locks: item.locks,
		Origin: item.Origin, SrcFile: item.SrcFile, SrcLevel: item.SrcLevel}
	attrs := make([]EffAttr, 0, len(keys))
	for _, k := range keys {
		if a := item.Attr(k.Name); a != nil {
			attrs = append(attrs, EffAttr{Name: a.Name, Value: a.Value, Set: a.Set, Schema: a.Schema})
		}
	}
	p.Attrs = make([]*EffAttr, len(attrs))
	for i := range attrs {
		p.Attrs[i] = &attrs[i]
	}
	return p
}
