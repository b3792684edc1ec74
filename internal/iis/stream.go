package iis

import "github.com/appcmd-project/appcmd/internal/configstore"

// EachObject calls fn with every SITE, APP, VDIR or APPPOOL in the order
// Objects gives them, merging one site or pool at a time
// (configstore.EachEntry), so listing the 50,000 sites of a large file
// does not hold them all. The section is checked first, as Objects checks
// it: on an error fn is never called. Other kinds, and sections the model
// holds already, go through Objects. fn returns false to stop.
func (m *Model) EachObject(k *Kind, fn func(*Object) bool) error {
	if m.readsWhole(k) {
		all, err := m.Objects(k)
		if err != nil {
			return err
		}
		for _, o := range all {
			if !fn(o) {
				break
			}
		}
		return nil
	}
	_, err := m.store.EachEntry(configstore.ServerPath, k.Section, func(el *configstore.EffElement) bool {
		switch k {
		case PoolKind:
			return fn(&m.poolOf(el).Object)
		case SiteKind:
			return fn(&m.siteOf(el).Object)
		}
		site := m.siteOf(el)
		for _, a := range site.apps() {
			if k == AppKind {
				if !fn(&a.Object) {
					return false
				}
				continue
			}
			for _, v := range vdirsOf([]*Application{a}) {
				if !fn(&v.Object) {
					return false
				}
			}
		}
		return true
	})
	return err
}

// readsWhole reports whether kind k is read through the whole section:
// it is not a site, application, directory or pool (which are read one
// <site> or pool entry at a time), or the model holds the section already.
func (m *Model) readsWhole(k *Kind) bool {
	return k != SiteKind && k != AppKind && k != VDirKind && k != PoolKind || m.effs[k.Section] != nil
}
