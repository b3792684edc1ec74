package cmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// List output one object at a time: list site (every site) of a 50,000-
// site file prints each site as it is merged (iis.Model.EachObject)
// instead of building them all, and every list goes through the same
// printer, so the bytes are the same either way.

// objectPrinter writes the objects of a list in the format the general
// parameters ask for (docs/output.md), as they come.
type objectPrinter struct {
	c               *invocation
	k               *objKind
	w               *bufio.Writer
	showConfig, all bool
	text            commit.Path // /text:PATH
	textErr         error       // a bad /text: path, reported at the first object (or the end)
	started         bool        // something was written
	nl              int         // line breaks held back (end trims one, as println does)
	n               int         // objects written
}

func (c *invocation) newObjectPrinter(k *objKind) *objectPrinter {
	p := &objectPrinter{c: c, k: k, w: bufio.NewWriterSize(c.ios.Out, 64<<10)}
	p.showConfig, p.all = c.configFlags()
	if text := c.opts.text; c.opts.hasText && text != "*" && text != "" && !c.opts.json && !c.opts.xml {
		if path, err := commit.ParsePath(text); err != nil {
			p.textErr = pathUsageError(text, err)
		} else {
			p.text = path
		}
	}
	return p
}

// write adds output; the line breaks it ends with are held back, so end
// can print the whole as one println of the text without its last break.
func (p *objectPrinter) write(s string) {
	body := strings.TrimRight(s, "\n")
	if body == "" {
		p.nl += len(s)
		p.started = p.started || s != ""
		return
	}
	p.raw(strings.Repeat("\n", p.nl) + body)
	p.started, p.nl = true, len(s)-len(body)
}

func (p *objectPrinter) raw(s string) { p.w.WriteString(platformEOL(s)) }

// add writes one object.
func (p *objectPrinter) add(o *iis.Object) error {
	if p.textErr != nil {
		return p.textErr
	}
	c, k := p.c, p.k
	var b strings.Builder
	switch text, hasText := c.opts.text, c.opts.hasText; {
	case c.opts.json:
		j := jsonObject{Object: k.Name, Identifier: o.Name, Attributes: map[string]string{}}
		for _, name := range k.Attrs {
			j.Attributes[name] = o.Prop(name)
		}
		if p.showConfig && o.Element != nil {
			j.Config = toJSONElement(o.Element)
		}
		// The element of an indented array: its lines one level in.
		out, err := json.MarshalIndent(j, "  ", "  ")
		if err != nil {
			return err
		}
		if p.n == 0 {
			b.WriteString("[\n  ")
		} else {
			b.WriteString(",\n  ")
		}
		b.Write(out)
	case c.opts.xml:
		if p.n == 0 {
			b.WriteString(xmlHeader + "<appcmd>\n")
		}
		objectXML(&b, o, p.showConfig, p.all)
	case hasText && text == "*":
		b.WriteString(k.Name + "\n")
		for _, name := range k.textProps() {
			v, _, _ := o.Value(commit.Path{{Name: name}})
			fmt.Fprintf(&b, "  %s: %s\n", name, v)
		}
		if o.Element != nil {
			textElement(&b, o.Element, o.Element.Name, 1)
		}
	case hasText && text != "":
		v, _, err := o.Value(p.text)
		if err != nil {
			return err
		}
		b.WriteString(v + "\n")
	default:
		if k.summary == nil {
			fmt.Fprintf(&b, "%s \"%s\"\n", k.Name, o.Name)
			break
		}
		fmt.Fprintf(&b, "%s \"%s\" (%s)\n", k.Name, o.Name, k.summary(o))
		if p.showConfig {
			writeElement(&b, o.Element, 1, "  ", p.all)
		}
	}
	p.n++
	p.write(b.String())
	return nil
}

// end closes the output (the /xml and -json frames) and flushes it.
func (p *objectPrinter) end() error {
	if p.textErr != nil {
		return p.textErr
	}
	switch {
	case p.c.opts.json && p.n == 0:
		p.write("[]")
	case p.c.opts.json:
		p.write("\n]")
	case p.c.opts.xml && p.n == 0:
		p.write(xmlHeader + "<appcmd>\n</appcmd>")
	case p.c.opts.xml:
		p.write("</appcmd>")
	}
	if p.started {
		p.raw(strings.Repeat("\n", max(p.nl-1, 1)))
	}
	return p.w.Flush()
}

// flush writes what is buffered. A list fails before its first object
// (the section is checked whole first; a filter or /text: path that
// fails, fails on any object): should one fail later, what was printed
// stays printed, as from a pipe.
func (p *objectPrinter) flush() { p.w.Flush() }

// streamObjects is list of every object of a kind (filters allowed, no
// identifier, no /in): each object is chosen and printed as the model
// merges it.
func (c *invocation) streamObjects(m *iis.Model, k *objKind, sel *selection) error {
	p := c.newObjectPrinter(k)
	var ferr error
	err := m.EachObject(k.Kind, func(o *iis.Object) bool {
		ok, err := matches(o, sel, "")
		if err == nil && ok {
			err = p.add(o)
		}
		ferr = err
		return err == nil
	})
	if err == nil {
		err = ferr
	}
	if err != nil {
		p.flush()
		return err
	}
	if err := p.end(); err != nil {
		return err
	}
	if p.n == 0 && sel.narrowed() {
		return errNoObjects
	}
	return nil
}
