package configstore

import (
	"strconv"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// RemovedAt tells where an entry of the section's own collection was taken
// out by a lower level: the file:line of the last <clear>, or of the last
// <remove> whose attribute key has value, among the merged instances,
// with " (clear)" or " (remove)" after it; "" when none took it out.
// serve uses it to say why WebSocketModule is not in the modules list.
func (e *Effective) RemovedAt(key, value string) string {
	coll := e.Schema.Root.Collection
	if coll == nil {
		return ""
	}
	where := ""
	for _, in := range e.Instances {
		file := in.source().Path
		in.Element.EachChild(func(c *xmldoc.Element) bool {
			switch {
			case coll.ClearElement != "" && c.Name() == coll.ClearElement:
				where = file + ":" + strconv.Itoa(c.Line()) + " (clear)"
			case coll.RemoveElement != "" && c.Name() == coll.RemoveElement:
				if v, _ := c.Attr(key); v == value {
					where = file + ":" + strconv.Itoa(c.Line()) + " (remove)"
				}
			}
			return true
		})
	}
	return where
}

// Directive is one directive of a section's own collection as a level
// writes it: Kind is "add", "remove" or "clear".
type Directive struct {
	Kind  string
	Attrs map[string]string
}

// Directives lists, in document order, the <add>, <remove> and <clear>
// of the section's own collection that the instances at exactly level
// write (migrate config replays them in the integrated sections).
func (e *Effective) Directives(level ConfigPath) []Directive {
	coll := e.Schema.Root.Collection
	if coll == nil {
		return nil
	}
	var out []Directive
	for _, in := range e.Instances {
		if !in.Config.Equal(level) {
			continue
		}
		in.Element.EachChild(func(c *xmldoc.Element) bool {
			kind := ""
			switch name := c.Name(); {
			case name == coll.ClearElement && name != "":
				kind = "clear"
			case name == coll.RemoveElement && name != "":
				kind = "remove"
			case coll.IsAdd(name):
				kind = "add"
			default:
				return true
			}
			d := Directive{Kind: kind, Attrs: map[string]string{}}
			for _, a := range c.Attrs() {
				d.Attrs[a.Name] = a.Value
			}
			out = append(out, d)
			return true
		})
	}
	return out
}
