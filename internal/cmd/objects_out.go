package cmd

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
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
	if sel, serr := c.selection(k); serr == nil && sel.ident != "" && !c.Stdin {
		all, err = m.Candidates(k.Kind, resolve(sel.ident))
	} else {
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
	showConfig, all := c.configFlags()
	var b strings.Builder
	switch text, hasText := c.opts.text, c.opts.hasText; {
	case c.opts.json:
		out, err := objectsJSON(k, objs, showConfig)
		if err != nil {
			return err
		}
		c.println(string(out))
		return nil
	case c.opts.xml:
		b.WriteString(xmlHeader + "<appcmd>\n")
		for _, o := range objs {
			objectXML(&b, o, showConfig, all)
		}
		b.WriteString("</appcmd>")
		c.println(b.String())
		return nil
	case hasText && text == "*":
		for _, o := range objs {
			b.WriteString(k.Name + "\n")
			for _, name := range k.textProps() {
				v, _, _ := o.Value(commit.Path{{Name: name}})
				fmt.Fprintf(&b, "  %s: %s\n", name, v)
			}
			if o.Element != nil {
				textElement(&b, o.Element, o.Element.Name, 1)
			}
		}
	case hasText && text != "":
		p, err := commit.ParsePath(text)
		if err != nil {
			return pathUsageError(text, err)
		}
		for _, o := range objs {
			v, _, err := o.Value(p)
			if err != nil {
				return err
			}
			b.WriteString(v + "\n")
		}
	default:
		for _, o := range objs {
			if k.summary == nil {
				fmt.Fprintf(&b, "%s \"%s\"\n", k.Name, o.Name)
				continue
			}
			fmt.Fprintf(&b, "%s \"%s\" (%s)\n", k.Name, o.Name, k.summary(o))
			if showConfig {
				writeElement(&b, o.Element, 1, "  ", all)
			}
		}
	}
	if b.Len() > 0 {
		c.println(strings.TrimSuffix(b.String(), "\n"))
	}
	return nil
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

func objectsJSON(k *objKind, objs []*iis.Object, showConfig bool) ([]byte, error) {
	out := make([]jsonObject, 0, len(objs))
	for _, o := range objs {
		j := jsonObject{Object: k.Name, Identifier: o.Name, Attributes: map[string]string{}}
		for _, name := range k.Attrs {
			j.Attributes[name] = o.Prop(name)
		}
		if showConfig && o.Element != nil {
			j.Config = toJSONElement(o.Element)
		}
		out = append(out, j)
	}
	return json.MarshalIndent(out, "", "  ")
}
