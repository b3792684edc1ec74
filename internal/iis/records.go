package iis

import (
	"io"
	"strconv"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// Records are objects as /xml writes them (appcmd.md §1.9): an element
// named by the kind (SITE, APP, ...) with the object's properties as
// attributes and, with /config, its configuration element nested.

// InvalidDataError is a record that cannot be used: of another kind than
// the command's, or without the name a new object needs.
type InvalidDataError struct{}

func (e *InvalidDataError) Error() string { return "The data is invalid." }

// ReadRecords reads what /xml writes: an <appcmd> element holding one
// record per object, attributes in the order written. It uses the reader
// of every configuration file (its limits, no DTDs); anything else is
// InvalidDataError.
func ReadRecords(r io.Reader) ([]*commit.Tree, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, &InvalidDataError{}
	}
	doc, err := xmldoc.Parse(src)
	if err != nil || doc.Root().Name() != "appcmd" {
		return nil, &InvalidDataError{}
	}
	return treeOf(doc.Root()).Children, nil
}

func treeOf(e *xmldoc.Element) *commit.Tree {
	t := &commit.Tree{Name: e.Name()}
	for _, a := range e.Attrs() {
		t.Attrs = append(t.Attrs, commit.KeyValue{Name: a.Name, Value: a.Value})
	}
	e.EachChild(func(c *xmldoc.Element) bool {
		t.Children = append(t.Children, treeOf(c))
		return true
	})
	return t
}

// CheckRecords requires every record to be of kind k: add has nothing to
// map other records to.
func (k *Kind) CheckRecords(recs []*commit.Tree) error {
	for _, r := range recs {
		if !strings.EqualFold(r.Name, k.Name) {
			return &InvalidDataError{}
		}
	}
	return nil
}

// RecordElement is the configuration element a record of kind k stands
// for: the nested one, else one built from the record's writable
// properties.
func (k *Kind) RecordElement(r *commit.Tree) *commit.Tree {
	if el := r.Child(k.Element); el != nil {
		return el
	}
	el := &commit.Tree{Name: k.Element}
	for _, pa := range k.record {
		if v, ok := r.Attr(pa[0]); ok {
			el.Attrs = append(el.Attrs, commit.KeyValue{Name: pa[1], Value: v})
		}
	}
	return el
}

// Import returns the edit that adds an object for every record (of kind
// k, see CheckRecords), with what its nested configuration element holds:
// a site's applications and virtual directories come along. A SITE gets a
// free id (the record's, else the next one); an APP names its site by
// SITE.NAME, a VDIR its application by APP.NAME.
func (m *Model) Import(k *Kind, recs []*commit.Tree) (*Edit, error) {
	ed := newEdit(k.Section, nil)
	added := map[string]bool{}
	batchIDs := map[uint64]bool{} // the ids the batch's sites take
	// Sites and pools: the entries the records name are merged at once
	// (the others stand in with their keys), so a batch of 1,000 records
	// on a file of 10,000 sites neither merges every site nor searches
	// them for each record.
	var top *configstore.Effective
	var index *siteIDIndex
	if k == SiteKind || k == PoolKind {
		names := map[string]bool{}
		for _, r := range recs {
			name, _ := k.RecordElement(r).Attr("name")
			names[strings.ToLower(name)] = true
		}
		var err error
		if top, err = m.entries(k, func(v string) bool { return names[strings.ToLower(v)] }); err != nil {
			return nil, err
		}
	}
	for _, r := range recs {
		el := k.RecordElement(r)
		var parent *configstore.EffElement
		var base commit.Path
		var site, appPath, key string
		switch k {
		case SiteKind, PoolKind:
			name, _ := el.Attr("name")
			if name == "" {
				return nil, &InvalidDataError{}
			}
			key, site = name, name
			parent = top.Root
			if k == SiteKind {
				var err error
				if index == nil {
					if index, err = m.siteIDIndex(); err != nil {
						return nil, err
					}
				}
				if el, err = importedSite(r, el, batchIDs, index); err != nil {
					return nil, err
				}
			}
		case AppKind:
			sname, _ := r.Attr("SITE.NAME")
			so, err := m.Get(SiteKind, sname)
			if err != nil {
				return nil, err
			}
			path, _ := el.Attr("path")
			key, site, parent, base = AppName(so.Name, path), so.Name, so.Element, so.ElementPath
		case VDirKind:
			aname, _ := r.Attr("APP.NAME")
			ao, err := m.Get(AppKind, aname)
			if err != nil {
				return nil, err
			}
			path, _ := el.Attr("path")
			appPath = ao.Prop("path")
			key, site, parent, base = VDirName(ao.Site, appPath, path), ao.Site, ao.Element, ao.ElementPath
		}
		var o *Object
		var err error
		if top != nil {
			o = entryNamed(k, top, key)
		} else {
			o, err = m.Find(k, key)
		}
		if err != nil || o != nil || added[strings.ToLower(key)] {
			if err != nil {
				return nil, err
			}
			return nil, &ExistsError{Object: k.Name, ID: key}
		}
		added[strings.ToLower(key)] = true
		wrapper := &commit.Tree{Name: parent.Name, Children: []*commit.Tree{el}}
		more, err := commit.MergeChanges(base, parent.Schema, parent, wrapper)
		if err != nil {
			return nil, err
		}
		ed.add(more...)
		ed.created(k, site, appPath, el)
	}
	return ed, nil
}

// importedSite completes a site element read from a record: an id that is
// free (the record's, else the next one) and, for a record without nested
// configuration, its bindings property.
func importedSite(r, el *commit.Tree, batchIDs map[uint64]bool, index *siteIDIndex) (*commit.Tree, error) {
	out := &commit.Tree{Name: el.Name, Attrs: append([]commit.KeyValue{}, el.Attrs...), Children: el.Children}
	id, ok := out.Attr("id")
	if !ok {
		id = index.next(batchIDs)
		out.Attrs = append(out.Attrs, commit.KeyValue{Name: "id", Value: id})
	} else if err := index.check(nil, id); err != nil {
		return nil, err
	}
	if n, err := strconv.ParseUint(id, 10, 32); err == nil {
		if batchIDs[n] {
			return nil, &DuplicateKeyError{Element: "site", Key: "id", Value: id}
		}
		batchIDs[n] = true
	}
	if r.Child(SiteKind.Element) == nil {
		if v, ok := r.Attr("bindings"); ok && v != "" {
			list, err := ParseBindings(v)
			if err != nil {
				return nil, err
			}
			bs := &commit.Tree{Name: "bindings"}
			for _, b := range list {
				bs.Children = append(bs.Children, &commit.Tree{Name: "binding", Attrs: []commit.KeyValue{{Name: "protocol", Value: b.Protocol}, {Name: "bindingInformation", Value: b.Information}}})
			}
			out.Children = append(out.Children, bs)
		}
	}
	return out, nil
}

// created records the objects an imported element adds: itself and the
// applications and virtual directories inside it.
func (ed *Edit) created(k *Kind, site, appPath string, el *commit.Tree) {
	switch k {
	case SiteKind:
		ed.done(k, site, Added)
		for _, a := range el.Children {
			if a.Name == AppKind.Element {
				p, _ := a.Attr("path")
				ed.created(AppKind, site, p, a)
			}
		}
	case AppKind:
		if appPath == "" {
			appPath, _ = el.Attr("path")
		}
		ed.done(k, AppName(site, appPath), Added)
		for _, v := range el.Children {
			if v.Name == VDirKind.Element {
				p, _ := v.Attr("path")
				ed.done(VDirKind, VDirName(site, appPath, p), Added)
			}
		}
	case VDirKind:
		p, _ := el.Attr("path")
		ed.done(k, VDirName(site, appPath, p), Added)
	default:
		name, _ := el.Attr("name")
		ed.done(k, name, Added)
	}
}

// entries is the server-level section of kind k with the entries whose
// name keep accepts merged, the others' keys checked (EffectiveEntries),
// or the whole section when the model has it.
func (m *Model) entries(k *Kind, keep func(string) bool) (*configstore.Effective, error) {
	if eff := m.effs[k.Section]; eff != nil {
		return eff, nil
	}
	eff, err := m.store.EffectiveEntries(configstore.ServerPath, k.Section, keep)
	if err != nil {
		return nil, err
	}
	m.keysChecked(k.Section)
	return eff, nil
}

// entryNamed is the site or pool of eff named name (ignoring case), or nil.
func entryNamed(k *Kind, eff *configstore.Effective, name string) *Object {
	for _, it := range eff.Root.Items {
		if strings.EqualFold(attrValue(it, "name"), name) {
			return &Object{Kind: k, Name: name, Element: it}
		}
	}
	return nil
}

// siteIDIndex chooses and checks site ids (next, check) for an edit or
// for many records at once, read once.
type siteIDIndex struct {
	used  map[uint64]string   // the first site's name by id (any 64-bit number)
	more  map[uint64][]string // the names of further sites with the same id (a file IIS would refuse)
	max   uint64              // the highest id that fits in 32 bits
	names []string            // every site's name
}

// newSiteIDIndex indexes sites by id; ids[i] is the id of names[i].
func newSiteIDIndex(names, ids []string) *siteIDIndex {
	x := &siteIDIndex{used: make(map[uint64]string, len(ids)), names: names}
	for i, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil {
			if _, ok := x.used[n]; !ok {
				x.used[n] = names[i]
			} else {
				if x.more == nil {
					x.more = map[uint64][]string{}
				}
				x.more[n] = append(x.more[n], names[i])
			}
		}
		if n, err := strconv.ParseUint(id, 10, 32); err == nil && n > x.max {
			x.max = n
		}
	}
	return x
}

// siteIDIndexOf indexes the ids of sites.
func siteIDIndexOf(sites []*Site) *siteIDIndex {
	names, ids := make([]string, len(sites)), make([]string, len(sites))
	for i, s := range sites {
		names[i], ids[i] = s.Name, s.ID
	}
	return newSiteIDIndex(names, ids)
}

// siteIDIndex returns the index of the site ids in the file as it is,
// read once for the edits made before the file changes (the records of
// a batch): from the merged section when the model has it, else read
// raw, names and ids only (configstore.Store.SiteIDs), so choosing an id
// among 10,000 sites builds none of them.
func (m *Model) siteIDIndex() (*siteIDIndex, error) {
	st := m.appHostStamp()
	if m.ids != nil && st != 0 && m.idsRev == st {
		return m.ids, nil
	}
	var x *siteIDIndex
	if m.effs[SitesSection] != nil {
		sites, err := m.Sites()
		if err != nil {
			return nil, err
		}
		x = siteIDIndexOf(sites)
	} else {
		names, ids, err := m.store.SiteIDs()
		if err != nil {
			return nil, err
		}
		x = newSiteIDIndex(names, ids)
	}
	m.ids, m.idsRev = x, st
	return m.ids, nil
}

// hasName reports whether a site has the name, ignoring case.
func (x *siteIDIndex) hasName(name string) bool {
	for _, n := range x.names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// next is the id of a new site when none is given: one more than the
// highest id in use by sites or in taken (1 for the first site).
// appcmd.md §7.1 says "the next available"; newer IIS may allocate
// differently (UNCONFIRMED).
func (x *siteIDIndex) next(taken map[uint64]bool) string {
	m := x.max
	for n := range taken {
		m = max(m, n)
	}
	return strconv.FormatUint(m+1, 10)
}

// check rejects an id that another site than self (nil for a new site)
// already has. The configuration system would also refuse it, but its
// duplicate text names the site's first key (name), not the id. An id
// that is not a number is left to the schema to report.
func (x *siteIDIndex) check(self *Object, id string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(id), 10, 64)
	if err != nil {
		return nil
	}
	// Another site is one whose name is not self's.
	other := func(name string) bool { return self == nil || !strings.EqualFold(name, self.Name) }
	dup := func() error {
		return &DuplicateKeyError{Element: "site", Key: "id", Value: strconv.FormatUint(n, 10)}
	}
	if first, ok := x.used[n]; ok && other(first) {
		return dup()
	}
	for _, name := range x.more[n] {
		if other(name) {
			return dup()
		}
	}
	return nil
}
