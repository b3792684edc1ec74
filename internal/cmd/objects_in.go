package cmd

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
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

// errInvalidInput is appcmd.exe's answer to XML it cannot use.
var errInvalidInput = &appcmdError{hresultFrame(0x8007000d, "The data is invalid."), exitInvalidData}

// readRecords parses standard input.
func (c *invocation) readRecords() ([]*commit.Tree, error) {
	root, err := parseTree(c.ios.In)
	if err != nil || root.Name != "appcmd" {
		return nil, errInvalidInput
	}
	return root.Children, nil
}

// parseTree reads one XML document into a Tree, keeping attribute order.
func parseTree(r io.Reader) (*commit.Tree, error) {
	dec := xml.NewDecoder(r)
	var stack []*commit.Tree
	var root *commit.Tree
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &commit.Tree{Name: qname(t.Name)}
			for _, a := range t.Attr {
				n.Attrs = append(n.Attrs, commit.KeyValue{Name: qname(a.Name), Value: a.Value})
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil, io.ErrUnexpectedEOF
	}
	return root, nil
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// recordSelection maps a record onto the receiving kind, ANDed with the
// command line's filters.
func recordSelection(k *objKind, r *commit.Tree, base *selection) (*selection, bool) {
	sel := &selection{filters: base.filters}
	if v, ok := r.Attr(k.idProp()); ok {
		sel.ident = v
		return sel, true
	}
	found := false
	for _, a := range r.Attrs {
		if !strings.HasSuffix(strings.ToUpper(a.Name), ".NAME") || !k.knows(a.Name) {
			continue
		}
		sel.filters = append(sel.filters, filter{path: commit.Path{{Name: a.Name}}, value: a.Value})
		found = true
	}
	return sel, found
}

// knows reports whether objects of the kind have a synthetic property.
func (k *objKind) knows(name string) bool {
	for _, a := range k.attrs {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return k == vdirKind && strings.EqualFold(name, "SITE.NAME")
}

// sameKind checks that every record is of the receiving kind: add has
// nothing to map other records to.
func sameKind(k *objKind, recs []*commit.Tree) error {
	for _, r := range recs {
		if !strings.EqualFold(r.Name, k.name) {
			return errInvalidInput
		}
	}
	return nil
}

// configElement returns the configuration element nested in a record by
// /config, or nil.
func configElement(k *objKind, r *commit.Tree) *commit.Tree {
	return r.Child(k.elementName())
}

// elementName is the configuration element of the kind.
func (k *objKind) elementName() string {
	switch k {
	case siteKind:
		return "site"
	case appKind:
		return "application"
	case vdirKind:
		return "virtualDirectory"
	}
	return "add"
}

// recordElement is the configuration element a record stands for: the
// nested one, else one built from the record's writable attributes.
func recordElement(k *objKind, r *commit.Tree) *commit.Tree {
	if el := configElement(k, r); el != nil {
		return el
	}
	el := &commit.Tree{Name: k.elementName()}
	put := func(attr, from string) {
		if v, ok := r.Attr(from); ok {
			el.Attrs = append(el.Attrs, commit.KeyValue{Name: attr, Value: v})
		}
	}
	switch k {
	case siteKind:
		put("name", "SITE.NAME")
		put("id", "SITE.ID")
	case appKind:
		put("path", "path")
		put("applicationPool", "APPPOOL.NAME")
	case vdirKind:
		put("path", "path")
		put("physicalPath", "physicalPath")
	case poolKind:
		put("name", "APPPOOL.NAME")
		put("managedPipelineMode", "PipelineMode")
		put("managedRuntimeVersion", "RuntimeVersion")
	}
	return el
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
	commitTo, _ := c.reserved("commit")
	var msgs []string
	for _, r := range recs {
		if !strings.EqualFold(r.Name, "CONFIG") {
			return errInvalidInput
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
func (c *invocation) inputTargets(m *model, k *objKind) ([]*object, []*commit.Tree, error) {
	recs, err := c.readRecords()
	if err != nil {
		return nil, nil, err
	}
	all, err := m.objects(k)
	if err != nil {
		return nil, nil, err
	}
	var objs []*object
	var from []*commit.Tree
	for _, r := range recs {
		sel, ok := recordSelection(k, r, &selection{})
		if !ok {
			continue
		}
		name, _ := m.resolveURL(k, sel.ident)
		n := 0
		for _, o := range all {
			match, err := matches(o, sel, name)
			if err != nil {
				return nil, nil, err
			}
			if match && !containsObject(objs, o) {
				objs = append(objs, o)
				from = append(from, r)
				n++
			}
		}
		if n == 0 && sel.ident != "" {
			return nil, nil, &objectNotFoundError{Object: k.name, ID: sel.ident}
		}
	}
	return objs, from, nil
}

// mergeInto returns the changes that make object o match a record of its
// own kind.
func mergeInto(o *object, r *commit.Tree) ([]commit.Change, error) {
	el := recordElement(o.kind, r)
	// The element names the object already; renames go through /name:.
	el = withoutAttr(el, keyAttrOf(o.kind))
	return commit.MergeChanges(o.path, o.el.Schema, o.el, el)
}

func keyAttrOf(k *objKind) string {
	if k == appKind || k == vdirKind {
		return "path"
	}
	return "name"
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

// importChanges returns the changes that add the element a record stands
// for under parent (the section root for SITE and APPPOOL, the site for
// APP, the application for VDIR).
func importChanges(parent *configstore.EffElement, base commit.Path, el *commit.Tree) ([]commit.Change, error) {
	wrapper := &commit.Tree{Name: parent.Name, Children: []*commit.Tree{el}}
	return commit.MergeChanges(base, parent.Schema, parent, wrapper)
}

// addFromInput is "add X /in": every record of the receiving kind becomes
// a new object (with what its nested configuration element holds:
// a site's applications and virtual directories come along).
func (c *invocation) addFromInput(k *objKind) error {
	recs, err := c.readRecords()
	if err != nil {
		return err
	}
	if err := sameKind(k, recs); err != nil {
		return err
	}
	if len(c.Params) > 0 {
		return unexpectedParam(c.Params[0].Raw)
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := newModel(s)
	var chs []commit.Change
	var msgs []string
	added := map[string]bool{}
	ids := map[uint64]bool{}
	for _, r := range recs {
		el := recordElement(k, r)
		var parent *configstore.EffElement
		var base commit.Path
		var site, appPath string
		var key string
		switch k {
		case siteKind, poolKind:
			name, _ := el.Attr("name")
			if name == "" {
				return errInvalidInput
			}
			key, site = name, name
			eff, err := m.section(k.section)
			if err != nil {
				return err
			}
			parent = eff.Root
			if k == siteKind {
				if el, err = c.importedSite(m, r, el, ids); err != nil {
					return err
				}
			}
		case appKind:
			sname, _ := r.Attr("SITE.NAME")
			so, err := m.find(siteKind, sname)
			if err != nil {
				return err
			}
			if so == nil {
				return &objectNotFoundError{Object: siteKind.name, ID: sname}
			}
			path, _ := el.Attr("path")
			key, site, parent, base = appName(so.id, path), so.id, so.el, so.path
		case vdirKind:
			aname, _ := r.Attr("APP.NAME")
			ao, err := m.find(appKind, aname)
			if err != nil {
				return err
			}
			if ao == nil {
				return &objectNotFoundError{Object: appKind.name, ID: aname}
			}
			path, _ := el.Attr("path")
			appPath = ao.prop("path")
			key, site, parent, base = vdirName(ao.site, appPath, path), ao.site, ao.el, ao.path
		}
		if o, err := m.find(k, key); err != nil || o != nil || added[strings.ToLower(key)] {
			if err != nil {
				return err
			}
			return duplicateObject(key)
		}
		added[strings.ToLower(key)] = true
		more, err := importChanges(parent, base, el)
		if err != nil {
			return err
		}
		chs = append(chs, more...)
		msgs = append(msgs, createdLines(k, site, appPath, el)...)
	}
	return c.applyObjects(s, sitesModel(k, m), k.section, chs, msgs)
}

// importedSite completes a site element read from a record: an id that is
// free (the record's, else the next one) and, for a record without nested
// configuration, its bindings attribute.
func (c *invocation) importedSite(m *model, r, el *commit.Tree, ids map[uint64]bool) (*commit.Tree, error) {
	sites, err := m.objects(siteKind)
	if err != nil {
		return nil, err
	}
	out := &commit.Tree{Name: el.Name, Attrs: append([]commit.KeyValue{}, el.Attrs...), Children: el.Children}
	id, ok := out.Attr("id")
	if !ok {
		id = nextSiteID(sites, ids)
		out.Attrs = append(out.Attrs, commit.KeyValue{Name: "id", Value: id})
	} else if err := checkSiteID(sites, nil, id); err != nil {
		return nil, err
	}
	if n, err := strconv.ParseUint(id, 10, 32); err == nil {
		if ids[n] {
			return nil, &configstore.DuplicateError{Message: fmt.Sprintf(configstore.DescDuplicate, "site", "id", id)}
		}
		ids[n] = true
	}
	if configElement(siteKind, r) == nil {
		if v, ok := r.Attr("bindings"); ok && v != "" {
			list, err := parseBindings(v)
			if err != nil {
				return nil, err
			}
			bs := &commit.Tree{Name: "bindings"}
			for _, b := range list {
				bs.Children = append(bs.Children, &commit.Tree{Name: "binding", Attrs: []commit.KeyValue{{Name: "protocol", Value: b.protocol}, {Name: "bindingInformation", Value: b.info}}})
			}
			out.Children = append(out.Children, bs)
		}
	}
	return out, nil
}

// createdLines are the "added" lines for an imported element and the
// applications and virtual directories inside it.
func createdLines(k *objKind, site, appPath string, el *commit.Tree) []string {
	line := func(k *objKind, id string) string { return fmt.Sprintf("%s object %q added", k.name, id) }
	switch k {
	case siteKind:
		out := []string{line(k, site)}
		for _, a := range el.Children {
			if a.Name == "application" {
				p, _ := a.Attr("path")
				out = append(out, createdLines(appKind, site, p, a)...)
			}
		}
		return out
	case appKind:
		if appPath == "" {
			appPath, _ = el.Attr("path")
		}
		out := []string{line(k, appName(site, appPath))}
		for _, v := range el.Children {
			if v.Name == "virtualDirectory" {
				p, _ := v.Attr("path")
				out = append(out, line(vdirKind, vdirName(site, appPath, p)))
			}
		}
		return out
	case vdirKind:
		p, _ := el.Attr("path")
		return []string{line(k, vdirName(site, appPath, p))}
	}
	name, _ := el.Attr("name")
	return []string{line(k, name)}
}
