package configstore

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// The write layer: edits named in configuration terms (a section at a
// level, an attribute, a collection entry), mapped onto the document here,
// next to the code that reads them back (as golang.org/x/mod/modfile's
// rule.go sits over read.go). Callers never handle XML elements: they get
// Nodes, and every removal ends in the one cleanup pass, prune.

// Node is an element of a section being edited: the section element, one
// of its child elements, or a collection entry. A Node made by NewItem
// belongs to no document until it is placed.
type Node struct{ el *xmldoc.Element }

func wrap(e *xmldoc.Element) *Node {
	if e == nil {
		return nil
	}
	return &Node{el: e}
}

// SectionAt returns the element of section name (full name) that holds the
// settings of level in file f: at the file's root for the file's own
// level, else in a <location> whose path names level (paths compared as
// config paths: case, '\' and outer slashes ignored). A <location> that
// already holds the section is used first, then one without an override
// mode. With create, what is missing is made: the document of a new
// web.config (in the style of the nearest file above), the <location>, the
// section-group elements and the section element. Without create, nil
// means the file has no settings of the section for level.
func (s *Store) SectionAt(f *File, level ConfigPath, name string, create bool) (*Node, error) {
	if !f.ConfigPath.Contains(level) {
		return nil, fmt.Errorf("configstore: %s cannot hold settings for %s, which is not at or below its level", f.Path, level)
	}
	if level.IsServer() && !level.Equal(f.ConfigPath) && s.topFile(f) {
		return nil, fmt.Errorf("configstore: %s cannot hold settings for %s: no <location> path names it", f.Path, level)
	}
	if f.doc == nil {
		if !create {
			return nil, nil
		}
		if s.topFile(f) {
			if err := f.newTopDoc(s); err != nil {
				return nil, err
			}
		} else {
			f.ensureDoc(s.houseStyle(f))
		}
	}
	container := f.container(level, name, create)
	if container == nil {
		return nil, nil
	}
	el := sectionIn(container, name, create)
	if el != nil {
		// A section kept in a configSource file is edited there.
		sf, err := s.configSource(f, el, container != f.doc.Root())
		if err != nil {
			return nil, err
		}
		if sf != nil {
			el = sf.doc.Root()
		}
	}
	return wrap(el), nil
}

// container returns the element that holds section name for level in f:
// the <configuration> root or a <location>.
func (f *File) container(level ConfigPath, name string, create bool) *xmldoc.Element {
	root := f.doc.Root()
	own := level.Equal(f.ConfigPath)
	var reuse, plain *xmldoc.Element
	root.EachChildWhere("location", "path", f.pathIs(level), func(c *xmldoc.Element) bool {
		if sectionIn(c, name, false) != nil {
			reuse = c
			return false
		}
		_, om := c.Attr("overrideMode")
		_, ao := c.Attr("allowOverride")
		if plain == nil && !om && !ao && !own {
			plain = c
		}
		return true
	})
	switch {
	case reuse != nil:
		return reuse
	case own:
		return root
	case plain != nil:
		return plain
	case !create:
		return nil
	}
	loc := xmldoc.NewElement("location")
	loc.SetAttr("path", level.RelativeTo(f.ConfigPath))
	root.AppendChild(loc)
	return loc
}

// pathIs matches a <location path> of f against level; a path that does
// not parse matches nothing (reading the file reports it).
func (f *File) pathIs(level ConfigPath) func(string, bool) bool {
	last := ""
	if len(level.segs) > len(f.ConfigPath.segs) {
		last = level.segs[len(level.segs)-1]
	}
	return func(p string, _ bool) bool {
		// Most locations of a large file differ in their last segment:
		// refuse those without parsing (and allocating).
		if last != "" && !strings.EqualFold(lastSegment(p), last) {
			return false
		}
		// At the file's own level only a path of separators and dots
		// (".", "/") can name it; a path with a name in it is deeper.
		if last == "" && strings.Trim(p, "/\\.") != "" {
			return false
		}
		cp, err := f.ConfigPath.Join(p)
		return err == nil && cp.Equal(level)
	}
}

// lastSegment is the last segment of a location path, after one trailing
// separator.
func lastSegment(p string) string {
	if n := len(p); n > 0 && (p[n-1] == '/' || p[n-1] == '\\') {
		p = p[:n-1]
	}
	return p[strings.LastIndexAny(p, "/\\")+1:]
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
func (s *Store) houseStyle(f *File) (string, string) {
	chain, err := s.Chain(f.ConfigPath)
	if err == nil {
		for i := len(chain) - 1; i >= 0; i-- {
			if d := chain[i].doc; d != nil && chain[i] != f {
				return d.Newline(), d.IndentUnit()
			}
		}
	}
	return "\r\n", "    "
}

// prune is the cleanup after every removal: it removes e and its
// ancestors, up to the file's root, while they are empty: child elements,
// the section element, its section groups, and a <location> without
// sections.
func prune(e *xmldoc.Element) {
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

// Child returns the first child element with this name; with create, a
// missing one is appended.
func (n *Node) Child(name string, create bool) *Node {
	c := n.el.Child(name)
	if c == nil && create {
		c = xmldoc.NewElement(name)
		n.el.AppendChild(c)
	}
	return wrap(c)
}

// Attr returns an attribute as written.
func (n *Node) Attr(name string) (string, bool) { return n.el.Attr(name) }

// SetAttr sets an attribute, in place when it exists.
func (n *Node) SetAttr(name, value string) { n.el.SetAttr(name, value) }

// RemoveAttr removes an attribute, and the elements that it leaves empty.
func (n *Node) RemoveAttr(name string) {
	if n.el.RemoveAttr(name) {
		prune(n.el)
	}
}

// RemoveChild removes the first child element with this name, and the
// elements that it leaves empty.
func (n *Node) RemoveChild(name string) {
	if c := n.el.Child(name); c != nil {
		n.el.RemoveChild(c)
		prune(n.el)
	}
}

// Remove removes the element with its content, and the elements that it
// leaves empty.
func (n *Node) Remove() {
	parent := n.el.Parent()
	if parent == nil {
		// The root of a configSource file: the reference stays, with
		// the section's settings gone.
		for _, a := range n.el.Attrs() {
			n.el.RemoveAttr(a.Name)
		}
		for _, c := range n.el.Children() {
			n.el.RemoveChild(c)
		}
		return
	}
	parent.RemoveChild(n.el)
	prune(parent)
}

// Prune removes the element if it is empty, and then each ancestor that
// becomes empty, as after a removal.
func (n *Node) Prune() { prune(n.el) }

// Revision identifies the state of the file's document: it changes with
// every edit. ok is false while the file has no document.
func (f *File) Revision() (rev uint64, ok bool) {
	if f.doc == nil {
		return 0, false
	}
	rev = f.doc.Edits()
	if f.store != nil {
		// Edits of the file's sections kept in configSource files count
		// as edits of the file: they change what it configures.
		for _, sf := range f.store.sources {
			if sf.host == f {
				rev += sf.doc.Edits()
			}
		}
	}
	return rev, true
}

// ValidName reports whether a file can hold name as an element or
// attribute name.
func ValidName(name string) bool { return xmldoc.CheckName(name) == nil }

// CheckValue says why a file cannot hold value as an attribute value
// (control characters, invalid UTF-8), or returns nil.
func CheckValue(value string) error { return xmldoc.CheckValue(value) }

// CheckWrite tells whether a section may be written into file f for level
// cp, before anything is edited: allowLocation, allowDefinition, and the
// section lock that applies to files below applicationHost.config.
func (s *Store) CheckWrite(f *File, cp ConfigPath, name string) error {
	_, decl, err := s.LookupSection(name, cp)
	if err != nil {
		return err
	}
	// A broken configSource reference is an error of the file as it is,
	// not of the change.
	if f.ConfigPath.Contains(cp) {
		if _, err := s.SectionAt(f, cp, decl.Name, false); err != nil {
			return err
		}
	}
	if !cp.Equal(f.ConfigPath) && !decl.AllowLocation {
		return &LockError{File: f.Path, Description: DescNotInLocation}
	}
	if err := s.checkAllowDefinition(f, cp, decl); err != nil {
		return &LockError{File: f.Path, Description: err.Error()}
	}
	if s.topFile(f) && !s.topDeclared(f, decl.Name) {
		// IIS's sections are declared in applicationHost.config, below.
		return &UnknownSectionError{Name: decl.Name, Reason: fmt.Sprintf(DescMissingDecl, decl.Name)}
	}
	if f.AppHost || s.topFile(f) {
		if s.topMode(decl.Name, cp, f) == "Deny" {
			return &LockError{File: f.Path, Description: DescLockViolation, Above: true}
		}
		return nil
	}
	chain, err := s.Chain(cp)
	if err != nil {
		return err
	}
	if mode, _ := s.sectionMode(decl.Name, decl, cp, chain, f); mode == "Deny" {
		return &LockError{File: f.Path, Description: DescLockViolation}
	}
	return nil
}
