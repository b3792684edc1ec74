package configstore

import (
	"fmt"
	"sort"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// Declaration is a <section> registered in <configSections>.
type Declaration struct {
	Name                string // full name, e.g. system.webServer/webSocket
	OverrideModeDefault string // Allow or Deny
	AllowDefinition     string // Everywhere, MachineOnly, MachineToWebRoot, MachineToApplication, AppHostOnly
	AllowLocation       bool
	File                string // where it was declared ("" for built-in machine-level declarations)
	Line                int
}

// Locked reports whether the section is locked by default.
func (d *Declaration) Locked() bool { return strings.EqualFold(d.OverrideModeDefault, "Deny") }

// Registry holds the section declarations visible at some level.
type Registry struct {
	sections map[string]*Declaration // by lower-case full name
	groups   map[string]bool         // lower-case group paths, e.g. system.webserver/security
	// groupNames maps a top-level group's lower-case name to the name as
	// declared, which the elements use (element names are case-sensitive).
	groupNames map[string]string
}

func newRegistry() *Registry {
	return &Registry{sections: map[string]*Declaration{}, groups: map[string]bool{}, groupNames: map[string]string{}}
}

// Lookup returns the declaration of a full section name.
func (r *Registry) Lookup(name string) *Declaration { return r.sections[strings.ToLower(name)] }

// IsGroup reports whether a '/'-separated path names a section group.
func (r *Registry) IsGroup(path string) bool { return r.groups[strings.ToLower(path)] }

// Names returns every declared section name, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.sections))
	for _, d := range r.sections {
		out = append(out, d.Name)
	}
	sort.Strings(out)
	return out
}

// clone returns a copy that lower levels may extend.
func (r *Registry) clone() *Registry {
	c := newRegistry()
	for k, v := range r.sections {
		c.sections[k] = v
	}
	for k, v := range r.groups {
		c.groups[k] = v
	}
	for k, v := range r.groupNames {
		c.groupNames[k] = v
	}
	return c
}

// below returns the declarations a file sees: r itself when the file has no
// <configSections>, else a copy of r with the file's declarations added
// (returned with the error too, as far as it was read).
func (r *Registry) below(f *File) (*Registry, error) {
	if f.doc == nil || f.doc.Root().Child("configSections") == nil {
		return r, nil
	}
	c := r.clone()
	return c, c.readDeclarations(f.Path, f.doc)
}

// readDeclarations adds the <configSections> of a document. A lower file may
// declare new sections but not redeclare ones from above.
func (r *Registry) readDeclarations(file string, doc *xmldoc.Document) error {
	var cs, second *xmldoc.Element
	doc.Root().EachChildNamed("configSections", func(c *xmldoc.Element) bool {
		if cs == nil {
			cs = c
			return true
		}
		second = c
		return false
	})
	if cs == nil {
		return nil
	}
	if second != nil {
		return &ConfigFileError{File: file, Line: second.Line(), Kind: ErrMalformed, Description: DescConfigSectionsOne}
	}
	if doc.Root().FirstChild() != cs {
		return &ConfigFileError{File: file, Line: cs.Line(), Kind: ErrMalformed, Description: DescConfigSectionsOne}
	}
	return r.readGroup(file, cs, "")
}

func (r *Registry) readGroup(file string, e *xmldoc.Element, prefix string) error {
	for _, c := range e.Children() {
		name, _ := c.Attr("name")
		full := name
		if prefix != "" {
			full = prefix + "/" + name
		}
		switch c.Name() {
		case "sectionGroup":
			if name == "" {
				return &ConfigFileError{File: file, Line: c.Line(), Kind: ErrMalformed, Description: fmt.Sprintf(DescMissingRequired, "name")}
			}
			r.groups[strings.ToLower(full)] = true
			if prefix == "" {
				r.groupNames[strings.ToLower(full)] = full
			}
			if err := r.readGroup(file, c, full); err != nil {
				return err
			}
		case "section":
			if name == "" {
				return &ConfigFileError{File: file, Line: c.Line(), Kind: ErrMalformed, Description: fmt.Sprintf(DescMissingRequired, "name")}
			}
			d := &Declaration{Name: full, OverrideModeDefault: "Allow", AllowDefinition: "Everywhere", AllowLocation: true, File: file, Line: c.Line()}
			if v, ok := c.Attr("overrideModeDefault"); ok {
				d.OverrideModeDefault = v
			}
			if v, ok := c.Attr("allowDefinition"); ok {
				d.AllowDefinition = v
			}
			if v, ok := c.Attr("allowLocation"); ok {
				d.AllowLocation = !strings.EqualFold(v, "false")
			}
			key := strings.ToLower(full)
			if prev := r.sections[key]; prev != nil && prev.File == file {
				return &ConfigFileError{File: file, Line: c.Line(), Kind: ErrMalformed, Description: fmt.Sprintf(DescDuplicateDecl, full)}
			}
			if prev := r.sections[key]; prev != nil && prev.File != "" && prev.File != file {
				return &ConfigFileError{File: file, Line: c.Line(), Kind: ErrMalformed,
					Description: fmt.Sprintf("Section '%s' is already declared in %s; a lower configuration file may not redeclare it", full, prev.File)}
			}
			r.sections[key] = d
		case "remove", "clear":
			// Only meaningful for .NET configuration; IIS ignores them.
		default:
			return &ConfigFileError{File: file, Line: c.Line(), Kind: ErrMalformed, Description: fmt.Sprintf(DescUnrecognizedEl, c.Name())}
		}
	}
	return nil
}

// machineGroups are section groups declared in machine.config and the root
// web.config on a real server. We do not have those files, so sections in
// these groups are treated as declared there: web.config files may use them
// without an error, and they are checked only when the schema knows them.
var machineGroups = []string{
	"system.web", "system.net", "system.serviceModel", "system.codedom", "system.data",
	"system.diagnostics", "system.runtime.caching", "system.runtime.remoting",
	"system.transactions", "system.xml.serialization", "system.identityModel",
	"system.identityModel.services", "system.web.extensions", "system.serviceModel.activation",
	"system.windows.forms", "system.drawing", "system.deployment",
}

// machineSections are top-level .NET sections declared in machine.config.
var machineSections = []string{
	"appSettings", "connectionStrings", "configProtectedData", "runtime", "startup",
	"mscorlib", "satelliteassemblies", "uri", "windows", "assemblyBinding",
}

// MachineLevel reports whether a section belongs to machine.config or the
// root web.config (see machineGroups).
func MachineLevel(name string) bool {
	for _, s := range machineSections {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	// No lower-casing: resolveName asks this of every schema name on
	// every command, so it must not allocate (start-up, issue 14).
	for _, g := range machineGroups {
		if len(name) > len(g) && name[len(g)] == '/' && strings.EqualFold(name[:len(g)], g) {
			return true
		}
	}
	return false
}

// machineDeclaration returns the implicit declaration of a machine-level
// section: usable everywhere and not locked, as machine.config registers
// most of them.
func machineDeclaration(name string) *Declaration {
	return &Declaration{Name: name, OverrideModeDefault: "Allow", AllowDefinition: "Everywhere", AllowLocation: true}
}

// checkSections refuses an element of a file's section groups that no
// section or group declares ("Unrecognized configuration section"), when
// the file is loaded, as IIS does: a web.config that uses a section of an
// extension the server lacks (iisnode, URL Rewrite without its module)
// makes IIS answer every request below it with 500.19, whatever section the
// request needs. In applicationHost.config only the top of the file is
// checked: its <location> tags (tens of thousands in a large file) are
// checked as their sections are read. A web.config's few <location> tags
// are checked here too.
func (r *Registry) checkSections(f *File) error {
	if f.doc == nil {
		return nil
	}
	check := func(parent *xmldoc.Element) error {
		var err error
		for g := range r.groups {
			if strings.Contains(g, "/") {
				continue
			}
			// By name, so that the many <location> tags of a large file are
			// skipped without being built.
			parent.EachChildNamed(r.groupNames[g], func(c *xmldoc.Element) bool {
				err = r.checkGroup(f, c, c.Name())
				return err == nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	root := f.doc.Root()
	if err := check(root); err != nil || f.AppHost {
		return err
	}
	var err error
	root.EachChildNamed("location", func(loc *xmldoc.Element) bool {
		err = check(loc)
		return err == nil
	})
	return err
}

func (r *Registry) checkGroup(f *File, g *xmldoc.Element, path string) error {
	var err error
	g.EachChild(func(c *xmldoc.Element) bool {
		full := path + "/" + c.Name()
		switch {
		case r.Lookup(full) != nil, MachineLevel(full):
		case r.IsGroup(full):
			err = r.checkGroup(f, c, full)
		default:
			err = &ConfigFileError{File: f.Path, Line: c.Line(), Kind: ErrMalformed, Description: fmt.Sprintf(DescUnrecognizedSect, full), Undeclared: full}
		}
		return err == nil
	})
	return err
}
