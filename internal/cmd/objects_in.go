package cmd

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// /in (or a lone "-") reads what /xml wrote: an <appcmd> element holding
// one element per object (SITE, APP, VDIR, APPPOOL, CONFIG, ...). The
// receiving command maps every record onto its own object type by the
// identity attributes the record carries (appcmd.md §1.9):
//
//   - a record carrying <TYPE>.NAME of the receiving type names that
//     object (an APP record has SITE.NAME and APPPOOL.NAME, so
//     "list site /in" and "list apppool /in" find its site and pool);
//   - otherwise its *.NAME attributes that the receiving type knows become
//     filters (APP records → "list vdir /in": the vdirs of those apps;
//     APPPOOL records → "list app /in": the apps in those pools);
//   - a record that maps to nothing selects nothing.
//
// Records of the receiving type also carry values: "add X /in" creates
// the objects, and "set X /in" makes existing objects match, from the
// configuration element nested by /config (or /config:*), else from the
// record's writable attributes. Parameters on the command line apply
// after the records.

// readRecords parses standard input.
func (c *invocation) readRecords() ([]*commit.Tree, error) {
	return iis.ReadRecords(c.ios.In)
}

// recordSelection maps a record onto the receiving kind, ANDed with the
// command line's filters.
func recordSelection(k *objKind, r *commit.Tree, base *selection) (*selection, bool) {
	sel := &selection{filters: base.filters}
	if v, ok := r.Attr(k.IDProp()); ok {
		sel.ident = v
		return sel, true
	}
	found := false
	for _, a := range r.Attrs {
		if !strings.HasSuffix(strings.ToUpper(a.Name), ".NAME") || !k.Knows(a.Name) {
			continue
		}
		sel.filters = append(sel.filters, filter{path: commit.Path{{Name: a.Name}}, value: a.Value})
		found = true
	}
	return sel, found
}

// setConfigIn is "set config /in": every CONFIG record's section element
// is merged into the configuration at the identifier's path (else the
// record's path), committed as -commit: says.
func setConfigIn(c *invocation) error {
	recs, err := c.readRecords()
	if err != nil {
		return err
	}
	chs, err := c.changes(false)
	if err != nil {
		return err
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	commitTo := c.opts.commit
	var msgs []string
	for _, r := range recs {
		if !strings.EqualFold(r.Name, "CONFIG") {
			return &iis.InvalidDataError{}
		}
		sec, _ := r.Attr("CONFIG.SECTION")
		ident := c.identifier()
		if ident == "" {
			ident, _ = r.Attr("path")
		}
		cp, err := s.ResolveIdentifier(ident)
		if err != nil {
			return err
		}
		eff, err := s.Effective(cp, sec)
		if err != nil {
			return err
		}
		var recChanges []commit.Change
		if el := r.Child(strings.ReplaceAll(eff.Section, "/", "-")); el != nil {
			if recChanges, err = commit.MergeChanges(nil, eff.Schema.Root, eff.Root, el); err != nil {
				return err
			}
		}
		res, err := commit.Apply(s, commit.Request{Section: eff.Section, Level: cp, Commit: commitTo, Changes: append(recChanges, chs...)})
		if err != nil {
			return err
		}
		msgs = append(msgs, fmt.Sprintf("Applied configuration changes to section %q for %q at configuration commit path %q", res.Section, cp.String(), res.Target.CommitPath().String()))
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(msgs...)
}

// inputTargets maps the records onto existing objects for set and
// delete, in input order; a record naming an object that does not exist
// is an error, as the identifier would be.
func (c *invocation) inputTargets(m *iis.Model, k *objKind) ([]*iis.Object, []*commit.Tree, error) {
	recs, err := c.readRecords()
	if err != nil {
		return nil, nil, err
	}
	// Records that name their objects (what /xml writes) need only those
	// objects, merged at once and found by name: a batch of 1,000 edits
	// on a file of 10,000 sites does not merge or scan every site for
	// each record.
	sels := make([]*selection, len(recs))
	names := make([]string, len(recs))
	named := true
	for i, r := range recs {
		sel, ok := recordSelection(k, r, &selection{})
		if !ok {
			continue
		}
		sels[i] = sel
		names[i], _ = m.ResolveURL(k.Kind, sel.ident)
		named = named && sel.ident != "" && len(sel.filters) == 0
	}
	var all []*iis.Object
	var byName map[string][]*iis.Object
	if named {
		all, err = m.CandidatesOf(k.Kind, names)
		byName = map[string][]*iis.Object{}
		for _, o := range all {
			n := strings.ToLower(o.Name)
			byName[n] = append(byName[n], o)
		}
	} else {
		all, err = m.Objects(k.Kind)
	}
	if err != nil {
		return nil, nil, err
	}
	var objs []*iis.Object
	var from []*commit.Tree
	seen := map[*iis.Object]bool{}
	for i, r := range recs {
		sel := sels[i]
		if sel == nil {
			continue
		}
		name := names[i]
		list := all
		if byName != nil {
			list = byName[strings.ToLower(name)]
		}
		n := 0
		for _, o := range list {
			match, err := matches(o, sel, name)
			if err != nil {
				return nil, nil, err
			}
			if match && !seen[o] {
				seen[o] = true
				objs = append(objs, o)
				from = append(from, r)
				n++
			}
		}
		if n == 0 && sel.ident != "" {
			return nil, nil, &iis.NotFoundError{Object: k.Name, ID: sel.ident}
		}
	}
	return objs, from, nil
}

// addFromInput is "add X /in": every record of the receiving kind becomes
// a new object (iis.Model.Import).
func (c *invocation) addFromInput(k *objKind) error {
	recs, err := c.readRecords()
	if err != nil {
		return err
	}
	if err := k.CheckRecords(recs); err != nil {
		return err
	}
	if err := c.noParams(); err != nil {
		return err
	}
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	ed, err := m.Import(k.Kind, recs)
	if err != nil {
		return err
	}
	return c.applyEdit(m, ed)
}
