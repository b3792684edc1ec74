package cmd

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// Output of CONFIG objects: the section as configuration XML (default),
// /text:* and /text:ATTR, /xml, and -json (docs/output.md).

// xmlEscape escapes an attribute value for double quotes, as the
// configuration writer does.
func xmlEscape(s string) string { return xmldoc.EscapeAttr(s) }

// sectionXML writes the effective section wrapped in its section groups,
// two spaces per level as appcmd.exe prints it. all adds inherited and
// default values (/config:*).
func sectionXML(b *strings.Builder, eff *configstore.Effective, all bool) {
	parts := strings.Split(eff.Section, "/")
	groups := parts[:len(parts)-1]
	for i, g := range groups {
		b.WriteString(strings.Repeat("  ", i) + "<" + g + ">\n")
	}
	writeElement(b, eff.Root, len(groups), "  ", all)
	for i := len(groups) - 1; i >= 0; i-- {
		b.WriteString(strings.Repeat("  ", i) + "</" + groups[i] + ">\n")
	}
}

// writeElement writes an effective element and everything below it.
// Child elements always appear (appcmd shows them even when empty).
func writeElement(b *strings.Builder, e *configstore.EffElement, depth int, unit string, all bool) {
	writeElementNamed(b, e, e.Name, depth, unit, all)
}

func writeElementNamed(b *strings.Builder, e *configstore.EffElement, name string, depth int, unit string, all bool) {
	ind := strings.Repeat(unit, depth)
	b.WriteString(ind + "<" + name)
	for _, a := range e.Attrs {
		if a.Set || all {
			b.WriteString(" " + a.Name + `="` + xmlEscape(a.Value) + `"`)
		}
	}
	if len(e.Children) == 0 && len(e.Items) == 0 {
		b.WriteString(" />\n")
		return
	}
	b.WriteString(">\n")
	for _, it := range e.Items {
		writeElement(b, it, depth+1, unit, all)
	}
	for _, c := range e.Children {
		writeElement(b, c, depth+1, unit, all)
	}
	b.WriteString(ind + "</" + name + ">\n")
}

// textAll writes the /text:* view of a CONFIG object.
func textAll(b *strings.Builder, eff *configstore.Effective) {
	b.WriteString("CONFIG\n")
	fmt.Fprintf(b, "  CONFIG.SECTION:%q\n", eff.Section)
	fmt.Fprintf(b, "  path:%q\n", eff.Path.String())
	fmt.Fprintf(b, "  overrideMode:%q\n", eff.OverrideMode)
	fmt.Fprintf(b, "  locked:%q\n", fmt.Sprint(eff.Locked))
	textElement(b, eff.Root, eff.Section, 1)
}

func textElement(b *strings.Builder, e *configstore.EffElement, name string, depth int) {
	ind := strings.Repeat("  ", depth)
	b.WriteString(ind + "[" + name + "]\n")
	for _, a := range e.Attrs {
		fmt.Fprintf(b, "%s  %s:\"%s\"\n", ind, a.Name, a.Value) // as written: C:\x, not C:\\x
	}
	for _, it := range e.Items {
		textElement(b, it, it.Name, depth+1)
	}
	for _, c := range e.Children {
		textElement(b, c, c.Name, depth+1)
	}
}

// textValue returns one property of a CONFIG object for /text:NAME: a
// synthetic property or an attribute path into the section.
func textValue(eff *configstore.Effective, name string) (string, error) {
	switch strings.ToLower(name) {
	case "config.section":
		return eff.Section, nil
	case "path":
		return eff.Path.String(), nil
	case "overridemode":
		return eff.OverrideMode, nil
	case "locked":
		return fmt.Sprint(eff.Locked), nil
	}
	e := eff.Root
	parts := strings.Split(name, ".")
	for _, p := range parts[:len(parts)-1] {
		if e = e.Child(p); e == nil {
			return "", &configstore.UnknownAttributeError{Path: name}
		}
	}
	a := e.Attr(parts[len(parts)-1])
	if a == nil {
		return "", &configstore.UnknownAttributeError{Path: name}
	}
	return a.Value, nil
}

// configXML writes one CONFIG record of /xml output.
func configXML(b *strings.Builder, eff *configstore.Effective, all bool) {
	fmt.Fprintf(b, "    <CONFIG CONFIG.SECTION=\"%s\" path=\"%s\" overrideMode=\"%s\" locked=\"%t\">\n",
		xmlEscape(eff.Section), xmlEscape(eff.Path.String()), eff.OverrideMode, eff.Locked)
	writeElementNamed(b, eff.Root, strings.ReplaceAll(eff.Section, "/", "-"), 2, "    ", all)
	b.WriteString("    </CONFIG>\n")
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// jsonOrigin is where a value came from, in -json output.
type jsonOrigin struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	ConfigPath string `json:"configPath"`
	Location   string `json:"location,omitempty"`
}

type jsonAttr struct {
	Value  string      `json:"value"`
	Set    bool        `json:"set"`
	Origin *jsonOrigin `json:"origin,omitempty"`
}

type jsonElement struct {
	Name       string                  `json:"name"`
	Attributes map[string]jsonAttr     `json:"attributes"`
	Elements   map[string]*jsonElement `json:"elements,omitempty"`
	Items      []*jsonElement          `json:"items,omitempty"`
	Origin     *jsonOrigin             `json:"origin,omitempty"`
}

// jsonConfig is one CONFIG object in -json output (docs/output.md).
type jsonConfig struct {
	Section      string       `json:"section"`
	Path         string       `json:"path"`
	OverrideMode string       `json:"overrideMode"`
	Locked       bool         `json:"locked"`
	Root         *jsonElement `json:"config"`
}

func toJSONOrigin(o *configstore.Origin) *jsonOrigin {
	if o == nil {
		return nil
	}
	return &jsonOrigin{File: o.File, Line: o.Line, ConfigPath: o.Level.String(), Location: o.Location}
}

func toJSONElement(e *configstore.EffElement) *jsonElement {
	j := &jsonElement{Name: e.Name, Attributes: map[string]jsonAttr{}, Origin: toJSONOrigin(e.Origin)}
	for _, a := range e.Attrs {
		j.Attributes[a.Name] = jsonAttr{Value: a.Value, Set: a.Set, Origin: toJSONOrigin(a.Origin)}
	}
	for _, c := range e.Children {
		if j.Elements == nil {
			j.Elements = map[string]*jsonElement{}
		}
		j.Elements[c.Name] = toJSONElement(c)
	}
	for _, it := range e.Items {
		j.Items = append(j.Items, toJSONElement(it))
	}
	return j
}

func configJSON(effs []*configstore.Effective) ([]byte, error) {
	out := make([]jsonConfig, 0, len(effs))
	for _, eff := range effs {
		out = append(out, jsonConfig{Section: eff.Section, Path: eff.Path.String(), OverrideMode: eff.OverrideMode, Locked: eff.Locked, Root: toJSONElement(eff.Root)})
	}
	return json.MarshalIndent(out, "", "  ")
}
