package cmd

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/iis"
)

// Output of list verbs for SITE, APP, VDIR, APPPOOL (and the other
// objects that reuse it): the one-line form, /config, /text:*,
// /text:NAME, /xml (with /config nesting the configuration element) and
// -json (docs/output.md).

// listObjects is the list verb of SITE, APP, VDIR and APPPOOL.
func (c *invocation) listObjects(k *objKind) error {
	m, err := c.openModel(false)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	if err := c.attachRuntime(m, k); err != nil {
		return err
	}
	resolve := func(id string) string {
		name, url := m.ResolveURL(k.Kind, id)
		if k.Kind == iis.AppKind && !url {
			name = iis.RootAppName(name)
		}
		return name
	}
	var all []*iis.Object
	// One object named (not /in): only the candidates for its name are
	// read, not every site of a large file.
	sel, serr := c.selection(k)
	switch {
	case serr == nil && sel.ident != "" && !c.Stdin:
		all, err = m.Candidates(k.Kind, resolve(sel.ident))
	case serr == nil && !c.Stdin:
		// Every object (filters allowed): printed as each is merged.
		return c.streamObjects(m, k, sel)
	default:
		all, err = m.Objects(k.Kind)
	}
	if err != nil {
		return err
	}
	return c.listAll(k, all, resolve)
}

// configFlags reads /config and /config:*.
func (c *invocation) configFlags() (show, all bool) {
	return c.opts.hasConfig, c.opts.hasConfig && c.opts.config == "*"
}

// printObjects writes objects in the format the general parameters ask for.
func (c *invocation) printObjects(k *objKind, objs []*iis.Object) error {
	p := c.newObjectPrinter(k)
	for _, o := range objs {
		if err := p.add(o); err != nil {
			return err
		}
	}
	return p.end()
}

// objectXML writes one object record of /xml output; with /config the
// configuration element is nested inside (appcmd.md §6.4).
func objectXML(b *strings.Builder, o *iis.Object, showConfig, all bool) {
	b.WriteString("    <" + o.Kind.Name)
	for _, name := range o.Kind.Attrs {
		b.WriteString(" " + name + `="` + xmlEscape(o.Prop(name)) + `"`)
	}
	if !showConfig || o.Element == nil {
		b.WriteString(" />\n")
		return
	}
	b.WriteString(">\n")
	writeElement(b, o.Element, 2, "    ", all)
	b.WriteString("    </" + o.Kind.Name + ">\n")
}

// jsonObject is one object in -json list output (docs/output.md).
type jsonObject struct {
	Object     string            `json:"object"`
	Identifier string            `json:"identifier"`
	Attributes map[string]string `json:"attributes"`
	Config     *jsonElement      `json:"config,omitempty"`
}
