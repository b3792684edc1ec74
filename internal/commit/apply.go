package commit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Kind is what a change does.
type Kind int

const (
	Set    Kind = iota // set an attribute (Path ends with its name)
	Clear              // remove an attribute, a collection entry, or (empty Path) the section at this level
	Add                // add a collection entry (Path ends with a selector)
	Remove             // remove a collection entry (Path ends with a selector)
)

// Change is one edit of a change set.
type Change struct {
	Kind  Kind
	Path  Path
	Value string // for Set
}

// Request is a change set for one section at one level.
type Request struct {
	Section string // full or short name
	Level   configstore.ConfigPath
	Commit  string // the -commit: value
	Changes []Change
}

// Result says what Apply did.
type Result struct {
	Section string // full section name
	Target  *Target
}

// Apply edits the documents in memory, then checks the result the way the
// configuration system reads it (schema, locks, allowDefinition, duplicate
// entries). Nothing is written: the caller saves the store. On error the
// in-memory documents may be edited and must be discarded.
func Apply(s *configstore.Store, req Request) (*Result, error) {
	sch, _, err := s.LookupSection(req.Section, req.Level)
	if err != nil {
		return nil, err
	}
	for _, c := range req.Changes {
		if err := checkStorable(c); err != nil {
			return nil, err
		}
	}
	t, err := ResolveTarget(s, req.Level, req.Commit)
	if err != nil {
		return nil, err
	}
	if err := s.CheckWrite(t.File, t.Level, t.Location, sch.Name); err != nil {
		return nil, err
	}
	ed := &editor{store: s, target: t, schema: sch}
	for _, c := range req.Changes {
		if err := ed.apply(c); err != nil {
			return nil, targetError(err, t)
		}
	}
	if err := validate(s, t, sch.Name); err != nil {
		return nil, err
	}
	return &Result{Section: sch.Name, Target: t}, nil
}

// checkStorable refuses names and values that an XML file cannot hold
// (control characters, invalid UTF-8, names with spaces) before anything
// is edited; the writer would refuse them too, with a vaguer message.
func checkStorable(c Change) error {
	bad := func(attr, value string, err error) error {
		var ve *xmldoc.ValueError
		if errors.As(err, &ve) && ve.Name {
			return &configstore.UnknownAttributeError{Path: c.Path.String()}
		}
		reason := err.Error()
		return &section.ValueError{Attribute: attr, Input: value, Rule: "xml", Reason: strings.ToUpper(reason[:1]) + reason[1:] + "."}
	}
	for _, st := range c.Path {
		if st.Selector == nil {
			if err := xmldoc.CheckName(st.Name); err != nil {
				return bad(st.Name, st.Name, err)
			}
			continue
		}
		for _, kv := range st.Selector.Keys {
			if err := xmldoc.CheckName(kv.Name); err != nil {
				return bad(kv.Name, kv.Name, err)
			}
			if err := xmldoc.CheckValue(kv.Value); err != nil {
				return bad(kv.Name, kv.Value, err)
			}
		}
	}
	if c.Kind == Set {
		if err := xmldoc.CheckValue(c.Value); err != nil {
			name := ""
			if len(c.Path) > 0 {
				name = c.Path[len(c.Path)-1].Name
			}
			return bad(name, c.Value, err)
		}
	}
	return nil
}

// validate reads the changed section back at the target level; an error in
// the file just written means the change itself is not allowed there.
func validate(s *configstore.Store, t *Target, name string) error {
	_, err := s.Effective(t.Level, name)
	return targetError(err, t)
}

// targetError turns a configuration error in the file being written into
// the error of the change that caused it.
func targetError(err error, t *Target) error {
	var cfe *configstore.ConfigFileError
	if errors.As(err, &cfe) && cfe.File == t.File.Path {
		if cfe.Kind == configstore.ErrLocked {
			return &configstore.LockError{File: cfe.File, Line: cfe.Line, Description: cfe.Description}
		}
		return &InvalidChangeError{Description: cfe.Description}
	}
	return err
}

// InvalidChangeError is a change that would leave the file invalid, such as a
// duplicate collection entry or a missing required attribute.
type InvalidChangeError struct{ Description string }

func (e *InvalidChangeError) Error() string { return e.Description }

// editor applies changes to one section at one target.
type editor struct {
	store  *configstore.Store
	target *Target
	schema *section.Section

	// The last effectiveHere answer and the document state it saw.
	here      *configstore.EffElement
	hereDoc   *xmldoc.Document
	hereEdits uint64
}

func (ed *editor) apply(c Change) error {
	switch c.Kind {
	case Set:
		return ed.set(c.Path, c.Value)
	case Clear:
		if len(c.Path) == 0 {
			return ed.clearSection()
		}
		return ed.clearPath(c.Path)
	case Add:
		return ed.addItem(c.Path)
	case Remove:
		return ed.removeItem(c.Path)
	case ClearItems:
		return ed.clearItems(c.Path)
	}
	return fmt.Errorf("commit: unknown change kind %d", c.Kind)
}

// set writes one attribute, creating the section, child elements and
// <location> it needs.
func (ed *editor) set(p Path, value string) error {
	if len(p) == 0 {
		return &configstore.UnknownAttributeError{Path: ""}
	}
	last := p[len(p)-1]
	if last.Selector != nil {
		return &configstore.UnknownAttributeError{Path: p.String()}
	}
	n, err := ed.walk(p[:len(p)-1], true)
	if err != nil {
		return err
	}
	as := n.schema.Attribute(last.Name)
	if as == nil {
		if n.schema.AllowUnrecognizedAttributes || n.unknownOK {
			n.el.SetAttr(last.Name, value)
			return nil
		}
		return &configstore.UnknownAttributeError{Path: p.String()}
	}
	v, err := as.Normalize(value)
	if err != nil {
		return err
	}
	if as.Encrypted && v != "" {
		return &EncryptedError{Attribute: as.Name}
	}
	n.el.SetAttr(as.Name, v)
	return nil
}

// EncryptedError refuses to store a secret in clear text: IIS encrypts
// these attributes with a machine key that this tool does not have.
type EncryptedError struct{ Attribute string }

func (e *EncryptedError) Error() string {
	return fmt.Sprintf("The attribute %q is stored encrypted by IIS, and this tool cannot encrypt it. Set it on the Windows server with appcmd.exe or IIS Manager", e.Attribute)
}

// node is a position in the section: the document element (possibly not
// yet created) and its schema.
type node struct {
	el        *xmldoc.Element
	schema    *section.Element
	unknownOK bool
}

// walk follows the element steps of a path from the section element.
// With create, missing elements are created; without, a nil el means the
// path is not defined at this level.
func (ed *editor) walk(steps Path, create bool) (*node, error) {
	el, err := ed.sectionElement(create)
	if err != nil {
		return nil, err
	}
	n := &node{el: el, schema: ed.schema.Root}
	for i, st := range steps {
		if st.Selector != nil {
			next, err := ed.selectItem(n, steps[:i+1], st.Selector, create)
			if err != nil {
				return nil, err
			}
			n = next
			continue
		}
		cs := n.schema.Element(st.Name)
		if cs == nil {
			return nil, &configstore.UnknownAttributeError{Path: steps[:i+1].String()}
		}
		var child *xmldoc.Element
		if n.el != nil {
			child = n.el.Child(cs.Name)
			if child == nil && create {
				child = xmldoc.NewElement(cs.Name)
				n.el.AppendChild(child)
			}
		}
		n = &node{el: child, schema: cs}
	}
	return n, nil
}

// clearPath removes an attribute (or a child element) set at this level.
func (ed *editor) clearPath(p Path) error {
	last := p[len(p)-1]
	if last.Selector != nil {
		return ed.removeItem(p)
	}
	n, err := ed.walk(p[:len(p)-1], false)
	if err != nil {
		return err
	}
	if cs := n.schema.Element(last.Name); cs != nil {
		if cs.Collection != nil {
			var child *xmldoc.Element
			if n.el != nil {
				child = n.el.Child(cs.Name)
			}
			return ed.clearCollection(&node{el: child, schema: cs}, p)
		}
		if n.el != nil {
			if c := n.el.Child(cs.Name); c != nil {
				n.el.RemoveChild(c)
				ed.prune(n.el)
			}
		}
		return nil
	}
	as := n.schema.Attribute(last.Name)
	name := last.Name
	if as != nil {
		name = as.Name
	} else if !n.schema.AllowUnrecognizedAttributes {
		return &configstore.UnknownAttributeError{Path: p.String()}
	}
	if n.el != nil && n.el.RemoveAttr(name) {
		ed.prune(n.el)
	}
	return nil
}

// clearSection removes the section's settings at this level.
func (ed *editor) clearSection() error {
	el, err := ed.sectionElement(false)
	if err != nil || el == nil {
		return err
	}
	parent := el.Parent()
	parent.RemoveChild(el)
	ed.prune(parent)
	return nil
}

// prune removes elements left empty by a removal, up to the file's root:
// empty child elements, the section element, its section groups, and an
// emptied <location>.
func (ed *editor) prune(e *xmldoc.Element) {
	for e != nil && e.Parent() != nil {
		// A <location> counts as empty without child elements: its
		// attributes mean nothing on their own.
		if e.Name() == "location" && e.Parent().Parent() == nil {
			if e.FirstChild() != nil {
				return
			}
		} else if e.HasContent() {
			return
		}
		parent := e.Parent()
		parent.RemoveChild(e)
		e = parent
	}
}

// sectionElement finds (or creates) the section element at the target.
func (ed *editor) sectionElement(create bool) (*xmldoc.Element, error) {
	f := ed.target.File
	if f.Doc() == nil {
		if !create {
			return nil, nil
		}
		nl, unit := houseStyle(ed.store, f)
		configstore.EnsureDoc(f, nl, unit)
	}
	container, err := ed.container(create)
	if err != nil || container == nil {
		return nil, err
	}
	return sectionIn(container, ed.schema.Name, create), nil
}

// container returns the element that holds the section at the target: the
// <configuration> root or a <location>.
func (ed *editor) container(create bool) (*xmldoc.Element, error) {
	root := ed.target.File.Doc().Root()
	name := ed.schema.Name
	want := normLocation(ed.target.Location)
	var reuse, plain *xmldoc.Element
	same := func(p string, _ bool) bool { return normLocation(p) == want }
	root.EachChildWhere("location", "path", same, func(c *xmldoc.Element) bool {
		if sectionIn(c, name, false) != nil {
			reuse = c
			return false
		}
		_, om := c.Attr("overrideMode")
		_, ao := c.Attr("allowOverride")
		if plain == nil && !om && !ao && want != "" {
			plain = c
		}
		return true
	})
	switch {
	case reuse != nil:
		return reuse, nil
	case want == "":
		return root, nil
	case plain != nil:
		return plain, nil
	case !create:
		return nil, nil
	}
	loc := xmldoc.NewElement("location")
	loc.SetAttr("path", ed.target.Location)
	root.AppendChild(loc)
	return loc, nil
}

// normLocation compares location paths: case, "." and outer slashes ignored.
func normLocation(p string) string {
	p = strings.Trim(strings.ReplaceAll(p, "\\", "/"), "/")
	if p == "." {
		return ""
	}
	return strings.ToLower(p)
}

// sectionIn finds the section element below a container, creating it and
// its group elements when asked. A new group element at the top of a file
// goes before the first <location>, where section groups usually are.
func sectionIn(container *xmldoc.Element, name string, create bool) *xmldoc.Element {
	parts := strings.Split(name, "/")
	cur := container
	for i, part := range parts {
		// A group may be written twice in one file; prefer the one that
		// holds the rest of the path, else the first.
		var first, found *xmldoc.Element
		cur.EachChild(func(c *xmldoc.Element) bool {
			if c.Name() != part {
				return true
			}
			if first == nil {
				first = c
			}
			if i == len(parts)-1 || sectionIn(c, strings.Join(parts[i+1:], "/"), false) != nil {
				found = c
				return false
			}
			return true
		})
		if found == nil {
			found = first
		}
		if found == nil {
			if !create {
				return nil
			}
			found = xmldoc.NewElement(part)
			if cur.Parent() == nil {
				if loc := firstLocation(cur); loc != nil {
					cur.InsertBefore(found, loc)
					cur = found
					continue
				}
			}
			cur.AppendChild(found)
		}
		cur = found
	}
	return cur
}

func firstLocation(root *xmldoc.Element) *xmldoc.Element {
	var loc *xmldoc.Element
	root.EachChild(func(c *xmldoc.Element) bool {
		if c.Name() == "location" {
			loc = c
			return false
		}
		return true
	})
	return loc
}

// houseStyle picks the line ending and indentation for a new web.config:
// those of the nearest existing file above it.
func houseStyle(s *configstore.Store, f *configstore.File) (string, string) {
	chain, err := s.Chain(f.ConfigPath)
	if err == nil {
		for i := len(chain) - 1; i >= 0; i-- {
			if d := chain[i].Doc(); d != nil && chain[i] != f {
				return d.Newline(), d.IndentUnit()
			}
		}
	}
	return "\r\n", "    "
}
