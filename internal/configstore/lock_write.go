package configstore

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// SetSectionMode locks (Deny) or unlocks (Allow) section name (full name)
// for the levels below level, the way lock/unlock config do: the section
// goes into a <location path="..." overrideMode="..."> of
// applicationHost.config. A section already written for that path moves
// into the tag with its settings; a tag holding only this section just
// changes its mode. A section kept in a configSource file cannot move:
// IIS allows no configSource in a <location> of applicationHost.config.
// At MACHINE and MACHINE/WEBROOT the tag (path="") goes into machine.config
// or the root web.config, and locks the levels below that file.
func (s *Store) SetSectionMode(name string, level ConfigPath, mode string) error {
	f := s.apphost
	if level.AboveAppHost() {
		if f = s.machine; level.Equal(WebRootPath) {
			f = s.webroot
		}
		if !s.topDeclared(f, name) {
			return &UnknownSectionError{Name: name, Reason: fmt.Sprintf(DescMissingDecl, name)}
		}
		if f.doc == nil {
			if err := f.newTopDoc(s); err != nil {
				return err
			}
		}
	}
	root := f.doc.Root()

	// Where the section is now, for this path.
	var cur *xmldoc.Element // section element
	var curLoc *xmldoc.Element
	if level.IsServer() {
		if e := sectionIn(root, name, false); e != nil && !inLocation(e) {
			cur = e
		}
	}
	var target *xmldoc.Element // a location with the wanted mode
	created := false
	same := f.pathIs(level)
	root.EachChild(func(c *xmldoc.Element) bool {
		if c.Name() != "location" {
			return true
		}
		if !same(c.Attr("path")) {
			return true
		}
		if e := sectionIn(c, name, false); e != nil && cur == nil {
			cur, curLoc = e, c
		}
		if m, ok := modeOf(c); ok && strings.EqualFold(m, mode) && target == nil {
			target = c
		}
		return true
	})
	switch {
	case curLoc != nil && onlySection(curLoc, cur):
		// The tag holds just this section: changing its mode is enough.
		curLoc.RemoveAttr("allowOverride")
		curLoc.SetAttr("overrideMode", mode)
		return nil
	case target == nil:
		created = true
		target = xmldoc.NewElement("location")
		target.SetAttr("path", level.Relative())
		target.SetAttr("overrideMode", mode)
		root.AppendChild(target)
	}
	if cur == nil {
		sectionIn(target, name, true)
		return nil
	}
	if inside := sectionIn(target, name, false); inside == cur {
		return nil
	}
	if ref, ok := cur.Attr("configSource"); ok {
		if created {
			root.RemoveChild(target)
		}
		return &ConfigFileError{File: f.Path, Line: cur.AttrLine("configSource"), Kind: ErrMalformed,
			Description: fmt.Sprintf(DescSourceMove, name, ref)}
	}
	// Move the section with its settings into the tag.
	from := cur.Parent()
	from.RemoveChild(cur)
	groups := name[:max(0, strings.LastIndex(name, "/"))]
	dst := target
	if groups != "" {
		dst = groupIn(target, groups)
	}
	dst.AppendChild(cur)
	prune(from)
	return nil
}

// groupIn finds or creates the section-group elements of a path.
func groupIn(container *xmldoc.Element, groups string) *xmldoc.Element {
	cur := container
	for _, g := range strings.Split(groups, "/") {
		next := cur.Child(g)
		if next == nil {
			next = xmldoc.NewElement(g)
			cur.AppendChild(next)
		}
		cur = next
	}
	return cur
}

func inLocation(e *xmldoc.Element) bool {
	for p := e.Parent(); p != nil; p = p.Parent() {
		if p.Name() == "location" {
			return true
		}
	}
	return false
}

// modeOf returns a location's explicit mode (allowOverride mapped).
func modeOf(loc *xmldoc.Element) (string, bool) {
	if v, ok := loc.Attr("overrideMode"); ok {
		return v, true
	}
	if v, ok := loc.Attr("allowOverride"); ok {
		if strings.EqualFold(v, "false") {
			return "Deny", true
		}
		return "Allow", true
	}
	return "", false
}

// onlySection reports whether a location holds nothing but one section.
func onlySection(loc, sec *xmldoc.Element) bool {
	count := 0
	var walk func(e *xmldoc.Element)
	walk = func(e *xmldoc.Element) {
		e.EachChild(func(c *xmldoc.Element) bool {
			if c == sec {
				count++
				return true
			}
			if len(c.Attrs()) > 0 || c.FirstChild() == nil {
				count += 2 // another section
				return true
			}
			walk(c)
			return true
		})
	}
	walk(loc)
	return count == 1
}
