package configstore

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// File is one configuration file: applicationHost.config or a web.config.
type File struct {
	Path       string     // file-system path
	ConfigPath ConfigPath // the level the file configures
	AppHost    bool

	doc    *xmldoc.Document // nil while the file does not exist
	exists bool

	declared *Registry // declarations visible in this file (its own plus those above)

	ident fs.FileInfo // the file as it was read; nil when it did not exist
	root  string      // a web.config: the physical path of its virtual directory

	store *Store // resolves configSource references; nil for a stand-in file
	host  *File  // for a configSource file: the file that refers to it

	joins joinMemo // <location> paths joined to ConfigPath (wantPath)
}

// joinMemo remembers the levels of <location> paths: each lookup of a
// section (several per edit) goes through every <location> of the file,
// 10,000 in a file of 10,000 sites, and parsing each path again was a
// good part of an object edit's time.
type joinMemo struct {
	mu sync.Mutex
	m  map[string]ConfigPath
}

// join is f.ConfigPath.Join(p), remembered when it succeeds.
func (f *File) join(p string) (ConfigPath, error) {
	f.joins.mu.Lock()
	cp, ok := f.joins.m[p]
	f.joins.mu.Unlock()
	if ok {
		return cp, nil
	}
	cp, err := f.ConfigPath.Join(p)
	if err != nil {
		return cp, err
	}
	f.joins.mu.Lock()
	if f.joins.m == nil {
		f.joins.m = map[string]ConfigPath{}
	}
	f.joins.m[p] = cp
	f.joins.mu.Unlock()
	return cp, nil
}

// Host returns, for a file a section refers to with configSource, the
// file that refers to it, and nil otherwise.
func (f *File) Host() *File { return f.host }

// Exists reports whether the file is on disk (a web.config may be created by
// a write).
func (f *File) Exists() bool { return f.exists }

// Doc returns the document, creating an empty one for a missing file.
func (f *File) Doc() *xmldoc.Document { return f.doc }

// Changed reports whether edits changed the document.
func (f *File) Changed() bool { return f.doc != nil && f.doc.Changed() }

// parseError is the configuration error for a file that did not parse:
// desc, and the line and column of a syntax error when there is one.
func parseError(path, desc string, err error) error {
	var se *xmldoc.SyntaxError
	if errors.As(err, &se) {
		return &ConfigFileError{File: path, Line: se.Line, Kind: ErrMalformed, Err: err,
			Description: fmt.Sprintf("%s (column %d: %s)", desc, se.Column, se.Msg)}
	}
	return &ConfigFileError{File: path, Kind: ErrMalformed, Description: desc, Err: err}
}

// parseFile parses the bytes of a configuration file; opt carries the hooks
// of a mapped file (see readFile).
func parseFile(path string, cp ConfigPath, src []byte, opt xmldoc.Options) (*File, error) {
	f := &File{Path: path, ConfigPath: cp}
	doc, err := xmldoc.ParseOptions(src, opt)
	if err != nil {
		return nil, parseError(path, DescNotWellFormed, err)
	}
	if doc.Root().Name() != "configuration" {
		return nil, &ConfigFileError{File: path, Line: doc.Root().Line(), Kind: ErrMalformed,
			Description: fmt.Sprintf("The root element must be <configuration>, not <%s>", doc.Root().Name())}
	}
	f.doc, f.exists = doc, true
	return f, nil
}

// ensureDoc gives a missing web.config an empty <configuration> document in
// the house style of its neighbours.
func (f *File) ensureDoc(newline, unit string) {
	if f.doc == nil {
		f.doc = xmldoc.New("configuration", newline, unit)
	}
}

// Location is a <location> element of a file.
type Location struct {
	Element *xmldoc.Element
	Path    string     // as written, "" or "." for the file's own level
	Config  ConfigPath // the level it applies to
	// OverrideMode is Allow, Deny or Inherit (allowOverride mapped).
	OverrideMode       string
	InheritInChildApps bool
}

// SectionInstance is one occurrence of a section in a file: at file level,
// or inside a <location>.
type SectionInstance struct {
	Name     string // full section name
	File     *File
	Location *Location // nil at file level
	Element  *xmldoc.Element
	Config   ConfigPath // the level the settings apply to
	// Source is the configSource file holding the settings (Element is
	// its root) and Ref the element that refers to it; both nil for a
	// section written in File.
	Source *File
	Ref    *xmldoc.Element
}

// locationOf reads a <location> element.
func (f *File) locationOf(e *xmldoc.Element) (*Location, error) { return f.locationWith(e, e.Attr) }

// locationWith is locationOf reading the attributes with attr (e's own,
// or its raw view's, which reads them without loading them all). With e
// nil the errors have no line (a caller asks again with the element).
func (f *File) locationWith(e *xmldoc.Element, attr func(string) (string, bool)) (*Location, error) {
	line := func(name string) int {
		switch {
		case e == nil:
			return 0
		case name == "":
			return e.Line()
		}
		return e.AttrLine(name)
	}
	path, _ := attr("path")
	l := &Location{Element: e, Path: path, OverrideMode: "Inherit", InheritInChildApps: true}
	om, hasOM := attr("overrideMode")
	ao, hasAO := attr("allowOverride")
	if hasOM && hasAO {
		return nil, &ConfigFileError{File: f.Path, Line: line(""), Kind: ErrMalformed, Description: DescBothOverride}
	}
	switch {
	case hasOM:
		switch strings.ToLower(om) {
		case "allow":
			l.OverrideMode = "Allow"
		case "deny":
			l.OverrideMode = "Deny"
		case "inherit":
		default:
			return nil, &ConfigFileError{File: f.Path, Line: line("overrideMode"), Kind: ErrMalformed,
				Description: fmt.Sprintf("The overrideMode attribute must be Allow, Deny or Inherit, not '%s'", om)}
		}
	case hasAO:
		switch strings.ToLower(ao) {
		case "true":
			l.OverrideMode = "Allow"
		case "false":
			l.OverrideMode = "Deny"
		default:
			return nil, &ConfigFileError{File: f.Path, Line: line("allowOverride"), Kind: ErrMalformed,
				Description: fmt.Sprintf("The allowOverride attribute must be true or false, not '%s'", ao)}
		}
	}
	if v, ok := attr("inheritInChildApplications"); ok && strings.EqualFold(v, "false") {
		l.InheritInChildApps = false
	}
	cp, err := f.ConfigPath.Join(path)
	if err != nil {
		return nil, &ConfigFileError{File: f.Path, Line: line("path"), Kind: ErrMalformed,
			Description: fmt.Sprintf("Invalid location path '%s': %v", path, err)}
	}
	l.Config = cp
	return l, nil
}

// sectionElements finds the elements of a section below a container
// (<configuration> or <location>), walking its group elements. A group may
// appear more than once in a file, so every match is returned.
func sectionElements(container *xmldoc.Element, name string) []*xmldoc.Element {
	parts := strings.Split(name, "/")
	cur := []*xmldoc.Element{container}
	for _, p := range parts {
		var next []*xmldoc.Element
		for _, e := range cur {
			e.EachChildNamed(p, func(c *xmldoc.Element) bool {
				next = append(next, c)
				return true
			})
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

// Instances returns every occurrence of a section in the file whose level is
// accepted by want (nil accepts all), in document order.
func (f *File) Instances(name string, want func(ConfigPath) bool) ([]*SectionInstance, error) {
	return f.instances(name, want, f.wantPath(want))
}

// serverInstances is Instances(name, ConfigPath.IsServer) for a file at
// the server level (applicationHost.config): a <location> path of one
// plain segment ("Site7") names a level below it and is passed by
// without being joined, which 50,000 site locations would each pay.
func (f *File) serverInstances(name string) ([]*SectionInstance, error) {
	if !f.ConfigPath.IsServer() {
		return f.Instances(name, ConfigPath.IsServer)
	}
	joined := f.wantPath(ConfigPath.IsServer)
	return f.instances(name, ConfigPath.IsServer, func(p string, ok bool) bool {
		return !plainSegment(p) && joined(p, ok)
	})
}

// plainSegment reports whether ConfigPath.Join takes p as one segment
// without error: no separator, no percent sign, not blank, "." or "..",
// only characters a file may hold.
func plainSegment(p string) bool {
	if strings.ContainsAny(p, `/\%`) {
		return false
	}
	switch strings.TrimSpace(p) {
	case "", ".", "..":
		return false
	}
	return xmldoc.CheckValue(p) == nil
}

// instances is Instances with wantPath alone choosing the <location> tags
// by their path attribute (want judges the file's own level).
func (f *File) instances(name string, want func(ConfigPath) bool, wantPath func(string, bool) bool) ([]*SectionInstance, error) {
	if f.doc == nil {
		return nil, nil
	}
	var out []*SectionInstance
	var err error
	root := f.doc.Root()
	if want == nil || want(f.ConfigPath) {
		for _, e := range sectionElements(root, name) {
			in := &SectionInstance{Name: name, File: f, Element: e, Config: f.ConfigPath}
			if err := f.resolveSource(in, false); err != nil {
				return nil, err
			}
			out = append(out, in)
		}
	}
	root.EachChildWhere("location", "path", wantPath, func(c *xmldoc.Element) bool {
		var loc *Location
		loc, err = f.locationOf(c)
		if err != nil {
			return false
		}
		for _, e := range sectionElements(c, name) {
			in := &SectionInstance{Name: name, File: f, Location: loc, Element: e, Config: loc.Config}
			if err = f.resolveSource(in, true); err != nil {
				return false
			}
			out = append(out, in)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// wantPath is a cheap pre-check of a <location>'s raw path against want,
// before building a Location; a path that does not parse is kept, for
// locationOf to report.
func (f *File) wantPath(want func(ConfigPath) bool) func(string, bool) bool {
	return func(p string, _ bool) bool {
		if want == nil {
			return true
		}
		cp, err := f.join(p)
		return err != nil || want(cp)
	}
}

// Locations returns the file's <location> elements whose level satisfies want.
func (f *File) Locations(want func(ConfigPath) bool) ([]*Location, error) {
	if f.doc == nil {
		return nil, nil
	}
	var out []*Location
	var err error
	f.doc.Root().EachChildWhere("location", "path", f.wantPath(want), func(c *xmldoc.Element) bool {
		var loc *Location
		loc, err = f.locationOf(c)
		if err != nil {
			return false
		}
		if want == nil || want(loc.Config) {
			out = append(out, loc)
		}
		return true
	})
	return out, err
}

// resolveSource points an instance kept in a configSource file at that
// file's root element.
func (f *File) resolveSource(in *SectionInstance, inLocation bool) error {
	if f.store == nil {
		return nil
	}
	sf, err := f.store.configSource(f, in.Element, inLocation)
	if err != nil || sf == nil {
		return err
	}
	in.Source, in.Ref, in.Element = sf, in.Element, sf.doc.Root()
	return nil
}
