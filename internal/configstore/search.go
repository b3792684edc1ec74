package configstore

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// SearchResult is one place where configuration is defined: a file's own
// level or one of its <location> tags (the configPaths model of IIS).
type SearchResult struct {
	Path     ConfigPath // the level the settings apply to
	File     string
	Location string   // the <location path> as written; "" for the file's own level
	Sections []string // full names of the sections defined there, in file order
	// Elements maps each section name to its element, for attribute filters.
	Elements map[string]*xmldoc.Element
}

// searchDepth bounds the walk below a virtual directory's folder.
const searchDepth = 12

// Search lists every place, at or below under, where configuration is
// defined: machine.config, the root web.config and applicationHost.config
// (their own levels and location tags) and the
// web.config files in the folders of every virtual directory (all of them
// down the tree, or only the root where allowSubDirConfig="false").
func (s *Store) Search(under ConfigPath) ([]*SearchResult, error) {
	var out []*SearchResult
	add := func(f *File) error {
		res, err := s.resultsOf(f)
		if err != nil {
			return err
		}
		for _, r := range res {
			if under.Contains(r.Path) {
				out = append(out, r)
			}
		}
		return nil
	}
	// machine.config and the root web.config first: their own levels are
	// above the server level, their <location> tags name sites.
	for _, f := range append(s.tops(), s.apphost) {
		if err := add(f); err != nil {
			return nil, err
		}
	}
	sites, err := s.Sites()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, site := range sites {
		if !under.IsServer() && !strings.EqualFold(under.Site(), site.Name) {
			continue
		}
		for _, app := range site.Apps {
			for _, vd := range app.VDirs {
				base, err := SitePath(site.Name).Join(vd.URLPath())
				if err != nil {
					continue
				}
				root := s.ExpandPath(vd.PhysicalPath)
				for _, found := range findWebConfigs(root, vd.AllowSubDirConfig) {
					rel, _ := filepath.Rel(root, filepath.Dir(found))
					cp := base
					if rel != "." {
						if cp, err = base.Join(filepath.ToSlash(rel)); err != nil {
							continue
						}
					}
					// The folder must map back to this virtual directory: a
					// deeper application or vdir serves it otherwise.
					if m := s.mapInSite(site, cp); m.VDir != vd {
						continue
					}
					key := strings.ToLower(cp.String())
					if seen[key] {
						continue
					}
					seen[key] = true
					if !under.Contains(cp) && !cp.Contains(under) {
						continue
					}
					chain, err := s.Chain(cp)
					if err != nil {
						return nil, err
					}
					if f := chain[len(chain)-1]; f.Exists() && f.ConfigPath.Equal(cp) {
						if err := add(f); err != nil {
							return nil, err
						}
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.ToLower(out[i].Path.String()) < strings.ToLower(out[j].Path.String())
	})
	return out, nil
}

// findWebConfigs returns the web.config files in root and, with sub, in
// the folders below it.
func findWebConfigs(root string, sub bool) []string {
	var out []string
	if _, err := os.Stat(filepath.Join(root, "web.config")); err == nil {
		out = append(out, filepath.Join(root, "web.config"))
	}
	if !sub {
		return out
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if strings.Count(rel, string(filepath.Separator)) >= searchDepth {
			return fs.SkipDir
		}
		if _, err := os.Stat(filepath.Join(p, "web.config")); err == nil {
			out = append(out, filepath.Join(p, "web.config"))
		}
		return nil
	})
	return out
}

// resultsOf lists the file's own level and each of its location tags that
// define something.
func (s *Store) resultsOf(f *File) ([]*SearchResult, error) {
	if f.doc == nil {
		return nil, nil
	}
	reg := f.declared
	if reg == nil {
		reg = s.apphost.declared
	}
	own := &SearchResult{Path: f.ConfigPath, File: f.Path, Elements: map[string]*xmldoc.Element{}}
	collectSections(f.doc.Root(), "", reg, own, true)
	out := []*SearchResult{}
	if len(own.Sections) > 0 {
		out = append(out, own)
	}
	locs, err := f.Locations(nil)
	if err != nil {
		return nil, err
	}
	for _, l := range locs {
		r := &SearchResult{Path: l.Config, File: f.Path, Location: l.Path, Elements: map[string]*xmldoc.Element{}}
		collectSections(l.Element, "", reg, r, false)
		if len(r.Sections) > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// collectSections records the sections below a container: an element is a
// section group when the registry says so, else a section.
func collectSections(e *xmldoc.Element, prefix string, reg *Registry, r *SearchResult, top bool) {
	e.EachChild(func(c *xmldoc.Element) bool {
		name := c.Name()
		if top && (name == "configSections" || name == "location") {
			return true
		}
		full := name
		if prefix != "" {
			full = prefix + "/" + name
		}
		if reg.IsGroup(full) || isMachineGroup(full) {
			collectSections(c, full, reg, r, false)
			return true
		}
		if _, ok := r.Elements[full]; !ok {
			r.Sections = append(r.Sections, full)
			r.Elements[full] = c
		}
		return true
	})
}

// isMachineGroup reports the .NET section groups of machine.config.
func isMachineGroup(path string) bool {
	for _, g := range machineGroups {
		if strings.EqualFold(g, path) {
			return true
		}
	}
	return false
}

// ResultSets reports whether a search result sets an attribute — path is
// the attribute's dotted path from the section element, names[len-1] the
// attribute — in the given section (every section when ""), to value when
// hasValue (compared with the attribute's schema rules).
func (s *Store) ResultSets(r *SearchResult, section string, path []string, value string, hasValue bool) bool {
	if len(path) == 0 {
		return false
	}
	names := r.Sections
	if section != "" {
		names = []string{section}
	}
	for _, n := range names {
		if e := r.Elements[n]; e != nil && s.elementSets(n, e, path, value, hasValue) {
			return true
		}
	}
	return false
}

func (s *Store) elementSets(section string, e *xmldoc.Element, path []string, value string, hasValue bool) bool {
	for _, n := range path[:len(path)-1] {
		if e = e.Child(n); e == nil {
			return false
		}
	}
	attr := path[len(path)-1]
	for _, a := range e.Attrs() {
		if !strings.EqualFold(a.Name, attr) {
			continue
		}
		if !hasValue {
			return true
		}
		if as := s.schemaAttribute(section, path); as != nil {
			if v, err := as.Normalize(value); err == nil {
				return as.Equal(a.Value, v)
			}
		}
		return a.Value == value
	}
	return false
}

// schemaAttribute finds the schema of an attribute by its path from a
// section element, or nil.
func (s *Store) schemaAttribute(section string, path []string) *section.Attribute {
	sch := s.schema.Section(section)
	if sch == nil {
		return nil
	}
	el := sch.Root
	for _, n := range path[:len(path)-1] {
		if el = el.Element(n); el == nil {
			return nil
		}
	}
	return el.Attribute(path[len(path)-1])
}
