package iis

import (
	"errors"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// Action is what an edit did to an object.
type Action string

const (
	Added   Action = "added"
	Changed Action = "changed"
	Deleted Action = "deleted"
)

// Done is one object an edit adds, changes or deletes.
type Done struct {
	Kind   *Kind
	Name   string
	Action Action
}

// Edit is a change set on one section at one level, with the objects it
// touches. Apply applies it (in memory; the caller saves the store).
type Edit struct {
	Section string
	Level   configstore.ConfigPath
	Commit  string // -commit: target; "apphost" for the server sections
	Changes []commit.Change
	// Base is the element that further attribute changes of the verb
	// apply to (the new site of add site); Bases are the elements of every
	// object the edit is about, so an unknown attribute is reported as
	// the user wrote it.
	Base  commit.Path
	Bases []commit.Path
	Done  []Done
}

func newEdit(sec string, base commit.Path) *Edit {
	ed := &Edit{Section: sec, Level: configstore.ServerPath, Commit: "apphost", Base: base}
	if base != nil {
		ed.Bases = []commit.Path{base}
	}
	return ed
}

func (ed *Edit) add(chs ...commit.Change) { ed.Changes = append(ed.Changes, chs...) }

func (ed *Edit) done(k *Kind, name string, a Action) {
	ed.Done = append(ed.Done, Done{Kind: k, Name: name, Action: a})
}

// Edit starts an edit of objects that exist (set): the section of their
// kind at server level, Changed for each. Update gives their changes.
func (m *Model) Edit(k *Kind, objs []*Object) *Edit {
	ed := newEdit(k.Section, nil)
	for _, o := range objs {
		ed.Bases = append(ed.Bases, o.ElementPath)
		ed.done(k, o.Name, Changed)
	}
	return ed
}

// Delete returns the edit that deletes objects. Deleting a site deletes
// its applications and virtual directories (they are inside its element);
// <location> tags for it stay, as appcmd.exe leaves them.
func (m *Model) Delete(k *Kind, objs []*Object) *Edit {
	ed := newEdit(k.Section, nil)
	for _, o := range objs {
		ed.add(commit.Change{Kind: commit.Remove, Path: o.ElementPath})
		ed.done(k, o.Name, Deleted)
	}
	return ed
}

// Apply applies an edit to the store through commit. When it adds or
// changes sites, every binding it introduces must be valid. The model
// reads the store afresh afterwards.
func (m *Model) Apply(ed *Edit) error {
	if len(ed.Changes) == 0 {
		return nil
	}
	var before []*Site
	names, some := ed.siteNames()
	if ed.touchesSites() {
		var err error
		if before, err = m.sitesNamed(names, some); err != nil {
			return err
		}
	}
	checked := ed.Level.IsServer() && m.keysStillChecked(ed.Section)
	req := commit.Request{Section: ed.Section, Level: ed.Level, Commit: ed.Commit, Changes: ed.Changes, KeysChecked: checked}
	if st := m.appHostStamp(); checked && st != 0 && m.seen != nil && m.seenRev == st && strings.EqualFold(m.seen.Section, ed.Section) {
		req.Seen, req.SeenKeep = m.seen, m.seenKeep
	}
	m.seen, m.seenKeep = nil, nil // Apply may change it
	_, err := commit.Apply(m.store, req)
	clear(m.effs)
	var ua *configstore.UnknownAttributeError
	if errors.As(err, &ua) {
		if p, perr := commit.ParsePath(ua.Path); perr == nil {
			for _, b := range ed.Bases {
				if len(p) > len(b) && p[:len(b)].Equal(b) {
					return &configstore.UnknownAttributeError{Path: p[len(b):].String()}
				}
			}
		}
	}
	if err != nil || before == nil {
		return err
	}
	now, err := m.sitesNamed(names, some)
	if err != nil {
		return err
	}
	return checkNewBindings(before, now)
}

// siteNames returns the names (lower case) of the sites a change set of
// the sites section reaches: each change starts at a site named by its
// name, and a rename adds the new name. false when one does not, so every
// site must be read.
func (ed *Edit) siteNames() (map[string]bool, bool) {
	if !strings.EqualFold(ed.Section, SitesSection) {
		return nil, false
	}
	names := map[string]bool{}
	for _, c := range ed.Changes {
		name, ok := "", false
		if len(c.Path) > 0 && c.Path[0].Selector != nil && c.Path[0].Selector.Pos.Kind == commit.PosNone {
			for _, kv := range c.Path[0].Selector.Keys {
				if strings.EqualFold(kv.Name, "name") {
					name, ok = kv.Value, true
				}
			}
		}
		if !ok {
			return nil, false
		}
		names[strings.ToLower(name)] = true
		if len(c.Path) == 2 && c.Path[1].Selector == nil && strings.EqualFold(c.Path[1].Name, "name") {
			names[strings.ToLower(c.Value)] = true
		}
	}
	return names, true
}

// sitesNamed reads the sites of names raw (with some), or every site.
func (m *Model) sitesNamed(names map[string]bool, some bool) ([]*Site, error) {
	if !some {
		return m.siteKeys()
	}
	raw, err := m.store.SitesWhere(func(n string) bool { return names[strings.ToLower(n)] })
	if err != nil {
		return nil, err
	}
	return sitesOfRaw(raw), nil
}

func (ed *Edit) touchesSites() bool {
	for _, d := range ed.Done {
		if d.Kind == SiteKind && d.Action != Deleted {
			return true
		}
	}
	return false
}

// Update is what set changes on one object besides attribute parameters:
// the /in record it was matched with (of any kind; only a record of the
// object's own kind carries values), a new key (/name: or /path:,
// checked against the siblings), and for a SITE /id: and /bindings:.
type Update struct {
	Record      *commit.Tree
	Key         string
	HasKey      bool
	ID          string
	HasID       bool
	Bindings    []Binding
	HasBindings bool
}

// Update returns the changes that make object o what u says.
func (m *Model) Update(o *Object, u Update) ([]commit.Change, error) {
	if u.HasKey {
		if err := m.checkRename(o, u.Key); err != nil {
			return nil, err
		}
	}
	var chs []commit.Change
	if r := u.Record; r != nil && strings.EqualFold(r.Name, o.Kind.Name) {
		el := o.Kind.RecordElement(r)
		// The element names the object already; renames go through /name:.
		el = withoutAttr(el, o.Kind.Key)
		more, err := commit.MergeChanges(o.ElementPath, o.Element.Schema, o.Element, el)
		if err != nil {
			return nil, err
		}
		chs = append(chs, more...)
	}
	if o.Kind == SiteKind {
		more, err := m.siteUpdate(o, u)
		if err != nil {
			return nil, err
		}
		chs = append(chs, more...)
	}
	return chs, nil
}

// checkRename rejects setting an object's key (name of sites and pools,
// path of applications and virtual directories) to one a sibling has.
func (m *Model) checkRename(o *Object, v string) error {
	// The candidates are enough: a site or pool named v, or o's siblings
	// (the applications and directories of o's site).
	id := o.Name
	if o.Kind == SiteKind || o.Kind == PoolKind {
		id = v
	}
	all, err := m.Candidates(o.Kind, id)
	if err != nil {
		return err
	}
	for _, x := range all {
		// x is o itself when it has o's identifier: the lists are read
		// afresh, so pointers differ.
		if !strings.EqualFold(x.Name, o.Name) && x.parent() == o.parent() && strings.EqualFold(attrValue(x.Element, o.Kind.Key), v) {
			return &DuplicateKeyError{Element: o.Element.Name, Key: o.Kind.Key, Value: v}
		}
	}
	return nil
}

func withoutAttr(t *commit.Tree, name string) *commit.Tree {
	out := &commit.Tree{Name: t.Name, Children: t.Children}
	for _, a := range t.Attrs {
		if !strings.EqualFold(a.Name, name) {
			out.Attrs = append(out.Attrs, a)
		}
	}
	return out
}
