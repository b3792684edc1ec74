package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// Changing SITE, APP, VDIR and APPPOOL objects: every edit is a change set
// on the server-level sites or applicationPools section of
// applicationHost.config, applied through commit (so names, paths and
// values are checked by the schema's validators) and saved as one step
// with c.save, which also does -whatif. -commit: does not apply: these
// sections live in applicationHost.config only.

// applyServer applies changes to a server-level section. An unknown
// attribute is reported as the user wrote it, without the path of the
// object's element (one of bases) in front.
func applyServer(s *configstore.Store, sec string, chs []commit.Change, bases ...commit.Path) error {
	if len(chs) == 0 {
		return nil
	}
	_, err := commit.Apply(s, commit.Request{Section: sec, Level: configstore.ServerPath, Commit: "apphost", Changes: chs})
	var ua *configstore.UnknownAttributeError
	if errors.As(err, &ua) {
		if p, perr := commit.ParsePath(ua.Path); perr == nil {
			for _, b := range bases {
				if len(p) > len(b) && p[:len(b)].Equal(b) {
					return &configstore.UnknownAttributeError{Path: p[len(b):].String()}
				}
			}
		}
	}
	return err
}

// applyObjects is the common end of the changing object verbs: apply the
// changes to the server-level section, check new bindings when sites (the
// objects before the edit) is given, save, and report msgs.
func (c *invocation) applyObjects(s *configstore.Store, sites *model, sec string, chs []commit.Change, msgs []string, bases ...commit.Path) error {
	if err := applyServer(s, sec, chs, bases...); err != nil {
		return err
	}
	if sites != nil {
		if err := checkSites(s, sites); err != nil {
			return err
		}
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(msgs...)
}

// paramChanges turns the remaining attribute parameters into changes on
// the element at base: /attr:value sets, /+path adds, /-path removes.
func (c *invocation) paramChanges(base commit.Path) ([]commit.Change, error) {
	chs, err := c.changes(false)
	if err != nil {
		return nil, err
	}
	for i := range chs {
		chs[i].Path = append(append(commit.Path{}, base...), chs[i].Path...)
	}
	return chs, nil
}

// duplicateObject is appcmd.exe's error for adding an object that exists
// (appcmd.md §7.4, exit 183).
func duplicateObject(id string) error {
	return &configstore.DuplicateError{Message: fmt.Sprintf("Failed to add duplicate collection element %q.", id)}
}

// missingParam is our error for an add without a required parameter.
func missingParam(k *objKind, param string) error {
	return &UsageError{Framed: true,
		Message: fmt.Sprintf("Must specify the %s parameter to add a %s object, e.g. /%s:VALUE.", param, k.name, param)}
}

// nothingToSet rejects a set without parameters.
func nothingToSet(k *objKind) error {
	return &UsageError{Framed: true,
		Message: fmt.Sprintf("Nothing to set: give properties of the %s object, e.g. /%s, or pipe records with /in.", k.name, setExample[k])}
}

var setExample = map[*objKind]string{
	siteKind: "serverAutoStart:false",
	appKind:  "applicationPool:DefaultAppPool",
	vdirKind: `physicalPath:C:\inetpub\wwwroot`,
	poolKind: "managedPipelineMode:Integrated",
}

// setObjects is the set verb: the object named by the identifier, or every
// object /in maps to, gets the records' values and then the parameters.
// extra adds kind-specific changes (SITE: /bindings:, which the caller
// took from the parameters: extraGiven).
func (c *invocation) setObjects(k *objKind, extraGiven bool, extra func(m *model, o *object, r *commit.Tree) ([]commit.Change, error)) error {
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := newModel(s)
	var objs []*object
	var recs []*commit.Tree
	if c.Stdin {
		if objs, recs, err = c.inputTargets(m, k); err != nil {
			return err
		}
	} else {
		o, err := c.target(m, k)
		if err != nil {
			return err
		}
		objs, recs = []*object{o}, []*commit.Tree{nil}
	}
	if !c.Stdin && len(c.Params) == 0 && !extraGiven {
		return nothingToSet(k)
	}
	var chs []commit.Change
	var msgs []string
	for i, o := range objs {
		if err := c.checkRename(m, o); err != nil {
			return err
		}
		r := recs[i]
		if r != nil && strings.EqualFold(r.Name, k.name) {
			more, err := mergeInto(o, r)
			if err != nil {
				return err
			}
			chs = append(chs, more...)
		}
		if extra != nil {
			more, err := extra(m, o, r)
			if err != nil {
				return err
			}
			chs = append(chs, more...)
		}
		more, err := c.paramChanges(o.path)
		if err != nil {
			return err
		}
		chs = append(chs, more...)
		msgs = append(msgs, fmt.Sprintf("%s object %q changed", k.name, o.id))
	}
	var bases []commit.Path
	for _, o := range objs {
		bases = append(bases, o.path)
	}
	return c.applyObjects(s, sitesModel(k, m), k.section, chs, msgs, bases...)
}

// sitesModel returns the objects before an edit when they are sites, whose
// new bindings applyObjects checks.
func sitesModel(k *objKind, m *model) *model {
	if k == siteKind {
		return m
	}
	return nil
}

// deleteObjects is the delete verb. Deleting a site deletes its
// applications and virtual directories (they are inside its element);
// <location> tags for it stay, as appcmd.exe leaves them.
func (c *invocation) deleteObjects(k *objKind) error {
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := newModel(s)
	objs, err := c.targets(m, k)
	if err != nil {
		return err
	}
	if len(c.Params) > 0 {
		return unexpectedParam(c.Params[0].Raw)
	}
	var chs []commit.Change
	var msgs []string
	for _, o := range objs {
		chs = append(chs, commit.Change{Kind: commit.Remove, Path: o.path})
		msgs = append(msgs, fmt.Sprintf("%s object %q deleted", k.name, o.id))
	}
	return c.applyObjects(s, nil, k.section, chs, msgs)
}

// checkRename rejects setting an object's key (/name: for sites and
// pools, /path: for applications and virtual directories) to one a
// sibling has, with the configuration system's duplicate text and
// appcmd's exit code for duplicates (183).
func (c *invocation) checkRename(m *model, o *object) error {
	key := keyAttrOf(o.kind)
	v, ok := c.paramValue(key)
	if !ok {
		return nil
	}
	all, err := m.objects(o.kind)
	if err != nil {
		return err
	}
	parent := func(x *object) string { // the element holding x
		switch x.kind {
		case appKind:
			return x.site
		case vdirKind:
			return x.prop("APP.NAME")
		}
		return ""
	}
	for _, x := range all {
		if x != o && parent(x) == parent(o) && strings.EqualFold(attrValue(x.el, key), v) {
			return &configstore.DuplicateError{Message: fmt.Sprintf(configstore.DescDuplicate, o.el.Name, key, v)}
		}
	}
	return nil
}

// targets returns the objects a verb applies to: those read with /in, or
// the one its identifier names.
func (c *invocation) targets(m *model, k *objKind) ([]*object, error) {
	if c.Stdin {
		objs, _, err := c.inputTargets(m, k)
		return objs, err
	}
	o, err := c.target(m, k)
	if err != nil {
		return nil, err
	}
	return []*object{o}, nil
}
