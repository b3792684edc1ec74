package configstore

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/iis/binding"
)

// Site is a <site> of system.applicationHost/sites as far as mapping a
// URL or config path to a site, an application, a virtual directory and a
// physical path needs it. It reads the raw elements (one site at a time
// for FindSite, so it stays cheap with many sites); the IIS objects with
// every collection default applied are package iis's, read through
// Effective.
type Site struct {
	Name     string
	ID       string
	Bindings []binding.Binding
	Apps     []*App
	Element  *xmldoc.Element
	File     string
}

// App is an <application> of a site.
type App struct {
	Site    *Site
	Path    string // "/" or "/app"
	VDirs   []*VDir
	Element *xmldoc.Element
}

// VDir is a <virtualDirectory> of an application.
type VDir struct {
	App               *App
	Path              string // relative to the application: "/" or "/dir"
	PhysicalPath      string // as written (may hold %VAR% and backslashes)
	AllowSubDirConfig bool
	Element           *xmldoc.Element
}

// URLPath returns the virtual directory's path inside the site.
func (v *VDir) URLPath() string { return joinURL(v.App.Path, v.Path) }

// Mapping is what a config path resolves to inside a site.
type Mapping struct {
	Path     ConfigPath
	Site     *Site
	App      *App  // longest application prefix
	VDir     *VDir // longest virtual directory prefix inside App; nil if none
	Physical string
	// Rest holds the URL segments below the virtual directory.
	Rest []string
}

// sitesSection returns the server-level <sites> element, or nil.
func (s *Store) sitesSection() (sites *xmldoc.Element, defs siteDefaults, err error) {
	insts, err := s.apphost.serverInstances("system.applicationHost/sites")
	if err != nil || len(insts) == 0 {
		return nil, defs, err
	}
	defs = s.readSiteDefaults(insts[0].Element)
	defs.file = insts[0].source().Path // a configSource file, or applicationHost.config
	return insts[0].Element, defs, nil
}

// siteDefaults holds the collection default that mapping needs.
type siteDefaults struct {
	allowSubDirConfig string
	file              string // the file holding the sites section
}

func (s *Store) readSiteDefaults(sites *xmldoc.Element) siteDefaults {
	d := siteDefaults{allowSubDirConfig: "true"}
	if vd := sites.Child("virtualDirectoryDefaults"); vd != nil {
		if v, ok := vd.Attr("allowSubDirConfig"); ok {
			d.allowSubDirConfig = v
		}
	}
	return d
}

// Sites returns every site, in file order.
func (s *Store) Sites() ([]*Site, error) {
	sites, defs, err := s.sitesSection()
	if err != nil || sites == nil {
		return nil, err
	}
	var out []*Site
	sites.EachChild(func(e *xmldoc.Element) bool {
		if e.Name() == "site" {
			out = append(out, s.readSite(e, defs))
		}
		return true
	})
	return out, nil
}

// SitesWhere is Sites for the sites whose name keep accepts: the others
// are skipped without being built, so checking the few sites an edit
// touches stays cheap with many sites.
func (s *Store) SitesWhere(keep func(name string) bool) ([]*Site, error) {
	sites, defs, err := s.sitesSection()
	if err != nil || sites == nil {
		return nil, err
	}
	var out []*Site
	sites.EachChildWhere("site", "name", func(n string, _ bool) bool { return keep(n) }, func(e *xmldoc.Element) bool {
		out = append(out, s.readSite(e, defs))
		return true
	})
	return out, nil
}

// SiteIDs returns the name and id of every site (ids[i] is names[i]'s),
// in file order: what choosing or checking a site id needs. The
// attributes are read from the start tags without building the elements.
func (s *Store) SiteIDs() (names, ids []string, err error) {
	sites, _, err := s.sitesSection()
	if err != nil || sites == nil {
		return nil, nil, err
	}
	none := func(*xmldoc.Element) bool { return true }
	sites.EachChildWhere("site", "name", func(v string, _ bool) bool { names = append(names, v); return false }, none)
	sites.EachChildWhere("site", "id", func(v string, _ bool) bool { ids = append(ids, v); return false }, none)
	if len(ids) != len(names) { // both passes see every <site>
		all, err := s.Sites()
		if err != nil {
			return nil, nil, err
		}
		names, ids = make([]string, len(all)), make([]string, len(all))
		for i, x := range all {
			names[i], ids[i] = x.Name, x.ID
		}
	}
	return names, ids, nil
}

// FindSite returns the site with the given name (ignoring case), or nil.
// It reads only that site, so it stays cheap with many sites.
func (s *Store) FindSite(name string) (*Site, error) {
	doc := s.apphost.doc
	rev, _ := s.apphost.Revision() // counts edits of a sites configSource file too
	if m := s.lastSite; m != nil && m.doc == doc && m.edits == rev && m.name == name {
		return m.site, nil
	}
	site, err := s.findSite(name)
	if err == nil {
		s.lastSite = &siteMemo{doc: doc, edits: rev, name: name, site: site}
	}
	return site, err
}

func (s *Store) findSite(name string) (*Site, error) {
	sites, defs, err := s.sitesSection()
	if err != nil || sites == nil {
		return nil, err
	}
	var found *xmldoc.Element
	sites.EachChildWhere("site", "name", func(n string, _ bool) bool { return strings.EqualFold(n, name) }, func(e *xmldoc.Element) bool {
		found = e
		return false
	})
	if found == nil {
		return nil, nil
	}
	return s.readSite(found, defs), nil
}

func (s *Store) readSite(e *xmldoc.Element, defs siteDefaults) *Site {
	site := &Site{Element: e, File: defs.file}
	site.Name, _ = e.Attr("name")
	site.ID, _ = e.Attr("id")
	subDir := defs.allowSubDirConfig
	if vd := e.Child("virtualDirectoryDefaults"); vd != nil {
		if v, ok := vd.Attr("allowSubDirConfig"); ok {
			subDir = v
		}
	}
	e.EachChild(func(c *xmldoc.Element) bool {
		switch c.Name() {
		case "application":
			app := &App{Site: site, Element: c}
			app.Path, _ = c.Attr("path")
			appSubDir := subDir
			if vd := c.Child("virtualDirectoryDefaults"); vd != nil {
				if v, ok := vd.Attr("allowSubDirConfig"); ok {
					appSubDir = v
				}
			}
			c.EachChild(func(v *xmldoc.Element) bool {
				if v.Name() == "virtualDirectory" {
					vd := &VDir{App: app, Element: v, AllowSubDirConfig: !strings.EqualFold(appSubDir, "false")}
					vd.Path, _ = v.Attr("path")
					vd.PhysicalPath, _ = v.Attr("physicalPath")
					if x, ok := v.Attr("allowSubDirConfig"); ok {
						vd.AllowSubDirConfig = !strings.EqualFold(x, "false")
					}
					app.VDirs = append(app.VDirs, vd)
				}
				return true
			})
			site.Apps = append(site.Apps, app)
		case "bindings":
			c.EachChild(func(b *xmldoc.Element) bool {
				if b.Name() == "binding" {
					proto, _ := b.Attr("protocol")
					info, _ := b.Attr("bindingInformation")
					site.Bindings = append(site.Bindings, binding.Parse(proto, info))
				}
				return true
			})
		}
		return true
	})
	return site
}

// RootApp returns the application at "/", or nil.
func (s *Site) RootApp() *App { return s.FindApp("/") }

// FindApp returns the application with exactly this path (ignoring case).
func (s *Site) FindApp(path string) *App {
	for _, a := range s.Apps {
		if strings.EqualFold(a.Path, path) {
			return a
		}
	}
	return nil
}

// RootVDir returns the application's "/" virtual directory, or nil.
func (a *App) RootVDir() *VDir {
	for _, v := range a.VDirs {
		if v.Path == "/" {
			return v
		}
	}
	return nil
}

// Map resolves a config path below a site: the longest application prefix,
// then the longest virtual directory prefix inside it, then the physical
// path of what is left.
func (s *Store) Map(cp ConfigPath) (*Mapping, error) {
	if cp.IsServer() {
		return nil, &PathError{Path: cp.String(), Reason: "the server level has no site"}
	}
	site, err := s.FindSite(cp.Site())
	if err != nil {
		return nil, err
	}
	if site == nil {
		return nil, &PathError{Path: cp.String(), Reason: fmt.Sprintf("Unrecognized configuration path '%s'. There is no site named %q", cp, cp.Site())}
	}
	return s.mapInSite(site, cp), nil
}

func (s *Store) mapInSite(site *Site, cp ConfigPath) *Mapping {
	m := &Mapping{Path: cp, Site: site}
	segs := cp.segs[1:]
	urlPath := "/" + strings.Join(segs, "/")
	for _, a := range site.Apps {
		if hasPathPrefix(urlPath, a.Path) && (m.App == nil || len(a.Path) > len(m.App.Path)) {
			m.App = a
		}
	}
	if m.App == nil {
		return m
	}
	for _, v := range m.App.VDirs {
		if hasPathPrefix(urlPath, v.URLPath()) && (m.VDir == nil || len(v.URLPath()) > len(m.VDir.URLPath())) {
			m.VDir = v
		}
	}
	if m.VDir == nil {
		return m
	}
	below := strings.TrimPrefix(urlPath[len(strings.TrimSuffix(m.VDir.URLPath(), "/")):], "/")
	if below != "" {
		m.Rest = strings.Split(below, "/")
	}
	m.Physical = filepath.Join(append([]string{s.ExpandPath(m.VDir.PhysicalPath)}, m.Rest...)...)
	return m
}

// IsAppRoot reports whether the mapping is exactly an application root.
func (m *Mapping) IsAppRoot() bool {
	return m.App != nil && strings.EqualFold(strings.TrimSuffix(m.Path.URLPath(), "/"), strings.TrimSuffix(m.App.Path, "/"))
}

// hasPathPrefix reports whether URL path p is prefix or below it, on segment
// boundaries and ignoring case.
func hasPathPrefix(p, prefix string) bool {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return true
	}
	if len(p) < len(prefix) || !strings.EqualFold(p[:len(prefix)], prefix) {
		return false
	}
	return len(p) == len(prefix) || p[len(prefix)] == '/'
}

func joinURL(a, b string) string {
	a = strings.TrimSuffix(a, "/")
	b = strings.TrimPrefix(b, "/")
	if b == "" {
		if a == "" {
			return "/"
		}
		return a
	}
	return a + "/" + b
}

// ExpandPath turns a physicalPath as written in the file into a local path:
// %VAR% references are expanded from the environment (IIS names such as
// %SystemDrive% get the mapping of docs/paths.md), backslashes become the
// local separator, and a drive letter maps to $APPCMD_DRIVE_<LETTER>
// (default: the file-system root) on systems without drives.
func (s *Store) ExpandPath(p string) string {
	return s.expandPathIn(p, filepath.Dir(s.apphost.Path))
}

// expandPathIn is ExpandPath with relative paths relative to base.
func (s *Store) expandPathIn(p, base string) string {
	p = s.expandVars(p)
	if filepath.Separator == '/' {
		p = strings.ReplaceAll(p, "\\", "/")
		if len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
			drive := s.getenv("APPCMD_DRIVE_" + strings.ToUpper(p[:1]))
			p = drive + "/" + strings.TrimPrefix(p[2:], "/")
		}
	}
	if p != "" && !filepath.IsAbs(p) {
		// A relative physical path is relative to applicationHost.config.
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// expandVars replaces %NAME% references. Unknown names stay as written, as
// Windows' ExpandEnvironmentStrings leaves them.
func (s *Store) expandVars(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '%')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		j := strings.IndexByte(p[i+1:], '%')
		if j < 0 {
			b.WriteString(p)
			return b.String()
		}
		name := p[i+1 : i+1+j]
		b.WriteString(p[:i])
		if v, ok := s.lookupVar(name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(p[i : i+j+2])
		}
		p = p[i+j+2:]
	}
}

// lookupVar resolves an environment variable the way IIS sees it. On
// systems other than Windows the Windows names have no natural value, so
// they map to drive C: (itself mapped by APPCMD_DRIVE_C) unless set.
func (s *Store) lookupVar(name string) (string, bool) {
	if v, ok := s.env(name); ok {
		return v, true
	}
	for k, v := range windowsVarDefaults {
		if strings.EqualFold(k, name) {
			if v == "$HOME" {
				return s.env("HOME")
			}
			return v, true
		}
	}
	if strings.EqualFold(name, "APPCMD_CONFIG_DIR") {
		return filepath.Dir(s.apphost.Path), true
	}
	return "", false
}

// windowsVarDefaults is the one place that maps Windows environment names
// used in IIS files to values on other systems (see docs/paths.md).
var windowsVarDefaults = map[string]string{
	"SystemDrive":  "C:",
	"SystemRoot":   `C:\Windows`,
	"windir":       `C:\Windows`,
	"ProgramFiles": `C:\Program Files`,
	"IIS_BIN":      `C:\Windows\System32\inetsrv`,
	"USERPROFILE":  "$HOME",
}

func (s *Store) getenv(name string) string {
	v, _ := s.env(name)
	return v
}

// webConfigPath returns the web.config file of a URL level, and whether IIS
// would read one there (not below a virtual directory with
// allowSubDirConfig="false", and only for directories).
func (s *Store) webConfigPath(m *Mapping) (string, bool) {
	if m.VDir == nil || m.Physical == "" {
		return "", false
	}
	if len(m.Rest) > 0 && !m.VDir.AllowSubDirConfig {
		return "", false
	}
	if len(m.Rest) > 0 {
		info, err := os.Stat(m.Physical)
		if err == nil && !info.IsDir() {
			return "", false // a file, such as page.aspx
		}
		if err != nil && filepath.Ext(m.Rest[len(m.Rest)-1]) != "" {
			return "", false // not there yet, but named like a file
		}
	}
	return filepath.Join(m.Physical, "web.config"), true
}

// ResolveIdentifier turns an appcmd CONFIG identifier into a config path:
// "" (server level), "MACHINE/WEBROOT/APPHOST/...", "Site/path", or a URL
// such as http://localhost:8080/app1 (the site is found by its bindings).
// The site must exist; its name is returned as spelt in the file.
func (s *Store) ResolveIdentifier(ident string) (ConfigPath, error) {
	var cp ConfigPath
	lower := strings.ToLower(ident)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		p, err := s.resolveURL(ident)
		if err != nil {
			return ConfigPath{}, err
		}
		cp = p
	} else {
		p, err := ParseConfigPath(ident)
		if err != nil {
			return ConfigPath{}, err
		}
		cp = p
	}
	if cp.IsServer() {
		return cp, nil
	}
	site, err := s.FindSite(cp.Site())
	if err != nil {
		return ConfigPath{}, err
	}
	if site == nil {
		return ConfigPath{}, &PathError{Path: cp.String(), Reason: fmt.Sprintf("Unrecognized configuration path '%s'. There is no site named %q", cp, cp.Site())}
	}
	cp.segs = append([]string{site.Name}, cp.segs[1:]...)
	return cp, nil
}

// resolveURL finds the site serving a URL by its bindings (explicit host
// before a wildcard host) and returns the config path of the URL's path.
func (s *Store) resolveURL(raw string) (ConfigPath, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return ConfigPath{}, &PathError{Path: raw, Reason: fmt.Sprintf("Invalid URL '%s': %v", raw, err)}
	}
	host, port := binding.HostPort(u)
	sites, err := s.Sites()
	if err != nil {
		return ConfigPath{}, err
	}
	var best *Site
	bestScore := -1
	for _, site := range sites {
		for _, b := range site.Bindings {
			if !strings.EqualFold(b.Protocol, u.Scheme) || strconv.Itoa(b.Port) != port {
				continue
			}
			score := -1
			switch {
			case strings.EqualFold(b.Host, host):
				score = 2
			case b.Host == "":
				score = 1
			}
			if score > bestScore {
				best, bestScore = site, score
			}
		}
	}
	if best == nil {
		return ConfigPath{}, &PathError{Path: raw, Reason: fmt.Sprintf("Unrecognized configuration path '%s'. No site has a binding for %s://%s:%s", raw, u.Scheme, host, port)}
	}
	return SitePath(best.Name).Join(u.Path)
}
