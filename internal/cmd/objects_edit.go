package cmd

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// Changing objects: package iis builds the change set (and checks the
// object rules), the remaining attribute parameters are added to it, and
// applyEdit applies it, saves as one step with c.save (which also does
// -whatif) and reports what was done. SITE, APP, VDIR and APPPOOL live in
// applicationHost.config: -commit:apphost is accepted, other targets are
// refused.

// applyEdit is the common end of the changing object verbs.
func (c *invocation) applyEdit(m *iis.Model, ed *iis.Edit) error {
	if err := c.checkAppHostCommit(ed); err != nil {
		return err
	}
	if err := m.Apply(ed); err != nil {
		return err
	}
	if err := c.save(m.Store()); err != nil {
		return err
	}
	var msgs []string
	for _, d := range ed.Done {
		msgs = append(msgs, fmt.Sprintf("%s object %q %s", d.Kind.Name, d.Name, d.Action))
	}
	return c.report(msgs...)
}

// addWithParams adds the remaining attribute parameters to an add's
// change set, on its new element, and applies it.
func (c *invocation) addWithParams(m *iis.Model, ed *iis.Edit) error {
	more, err := c.paramChanges(ed.Base)
	if err != nil {
		return err
	}
	ed.Changes = append(ed.Changes, more...)
	return c.applyEdit(m, ed)
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

// nothingToSet rejects a set without parameters.
func nothingToSet(k *objKind) error {
	return &usageError{Framed: true,
		Message: fmt.Sprintf("Nothing to set: give properties of the %s object, e.g. /%s, or pipe records with /in.", k.Name, k.setExample)}
}

// setObjects is the set verb: the object named by the identifier, or every
// object /in maps to, gets the records' values and then the parameters.
// site holds what setSite took from the parameters (/bindings:, /id:);
// siteGiven says that there is something to set even without other
// parameters.
func (c *invocation) setObjects(k *objKind, siteGiven bool, site *iis.Update) error {
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	var objs []*iis.Object
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
		objs, recs = []*iis.Object{o}, []*commit.Tree{nil}
	}
	if !c.Stdin && len(c.Params) == 0 && !siteGiven {
		return nothingToSet(k)
	}
	ed := m.Edit(k.Kind, objs)
	for i, o := range objs {
		var u iis.Update
		if site != nil {
			u = *site
		}
		u.Record = recs[i]
		u.Key, u.HasKey = c.paramValue(k.Key)
		chs, err := m.Update(o, u)
		if err != nil {
			return err
		}
		more, err := c.paramChanges(o.ElementPath)
		if err != nil {
			return err
		}
		ed.Changes = append(append(ed.Changes, chs...), more...)
	}
	return c.applyEdit(m, ed)
}

// deleteObjects is the delete verb.
func (c *invocation) deleteObjects(k *objKind) error {
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	objs, err := c.targets(m, k)
	if err != nil {
		return err
	}
	if err := c.noParams(); err != nil {
		return err
	}
	return c.applyEdit(m, m.Delete(k.Kind, objs))
}

// targets returns the objects a verb applies to: those read with /in, or
// the one its identifier names.
func (c *invocation) targets(m *iis.Model, k *objKind) ([]*iis.Object, error) {
	if c.Stdin {
		objs, _, err := c.inputTargets(m, k)
		return objs, err
	}
	o, err := c.target(m, k)
	if err != nil {
		return nil, err
	}
	return []*iis.Object{o}, nil
}

// checkAppHostCommit accepts -commit:apphost (or MACHINE/WEBROOT/APPHOST)
// on a verb whose objects live in applicationHost.config, and refuses any
// other target instead of ignoring it.
func (c *invocation) checkAppHostCommit(ed *iis.Edit) error {
	to := strings.Trim(c.opts.commit, "/")
	if to == "" || ed.Commit != "apphost" || strings.EqualFold(to, "apphost") || strings.EqualFold(to, configstore.AppHostRoot) {
		return nil
	}
	what := "These"
	if len(ed.Done) > 0 {
		what = ed.Done[0].Kind.Name
	}
	return &usageError{Framed: true, Message: fmt.Sprintf("Cannot commit to %q: %s objects are stored in applicationHost.config; use -commit:apphost or leave -commit: out", c.opts.commit, what)}
}
