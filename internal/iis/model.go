// Package iis is the domain model of IIS objects: sites with their
// bindings, applications, virtual directories, application pools, modules
// and backups. Objects are read through configstore's effective view (so
// siteDefaults, applicationDefaults, virtualDirectoryDefaults and
// applicationPoolDefaults apply the one way IIS applies them) and changed
// through change sets (commit.Change lists) that Apply hands to commit.
// The rules of these objects live here: site ids, binding forms and
// validity, duplicate names and keys, root applications and directories,
// module install rules. Texts and exit codes do not: errors carry fields
// and cmd/errors.go maps them.
package iis

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis/binding"
)

// Binding is a site binding; the type lives in a leaf package so that
// configstore (which resolves URLs by bindings) can use it too.
type Binding = binding.Binding

// The server-level sections holding the objects.
const (
	SitesSection         = "system.applicationHost/sites"
	PoolsSection         = "system.applicationHost/applicationPools"
	ModulesSection       = "system.webServer/modules"
	GlobalModulesSection = "system.webServer/globalModules"
)

// RuntimeState is the state property of SITE and APPPOOL objects: there is
// no WAS or W3SVC here, and appcmd.exe reports "Unknown" when it cannot
// reach them.
const RuntimeState = "Unknown"

// Kind describes one object type.
type Kind struct {
	Name    string   // "SITE"
	Section string   // the section holding the objects ("" for BACKUP)
	Alias   string   // the identifier parameter (/site.name:), lower case
	Attrs   []string // properties, in /xml order; Attrs[0] is the identifier
	Element string   // the configuration element of one object
	Key     string   // the element's key attribute
	// record maps a writable property to its configuration attribute.
	record [][2]string
}

var (
	SiteKind = &Kind{Name: "SITE", Section: SitesSection, Alias: "site.name", Element: "site", Key: "name",
		Attrs:  []string{"SITE.NAME", "SITE.ID", "bindings", "state"},
		record: [][2]string{{"SITE.NAME", "name"}, {"SITE.ID", "id"}}}
	AppKind = &Kind{Name: "APP", Section: SitesSection, Alias: "app.name", Element: "application", Key: "path",
		Attrs:  []string{"APP.NAME", "APPPOOL.NAME", "SITE.NAME", "path"},
		record: [][2]string{{"path", "path"}, {"APPPOOL.NAME", "applicationPool"}}}
	VDirKind = &Kind{Name: "VDIR", Section: SitesSection, Alias: "vdir.name", Element: "virtualDirectory", Key: "path",
		Attrs:  []string{"VDIR.NAME", "APP.NAME", "path", "physicalPath"},
		record: [][2]string{{"path", "path"}, {"physicalPath", "physicalPath"}}}
	PoolKind = &Kind{Name: "APPPOOL", Section: PoolsSection, Alias: "apppool.name", Element: "add", Key: "name",
		Attrs:  []string{"APPPOOL.NAME", "PipelineMode", "RuntimeVersion", "state"},
		record: [][2]string{{"APPPOOL.NAME", "name"}, {"PipelineMode", "managedPipelineMode"}, {"RuntimeVersion", "managedRuntimeVersion"}}}
	ModuleKind = &Kind{Name: "MODULE", Section: ModulesSection, Alias: "module.name", Element: "add", Key: "name",
		Attrs: []string{"MODULE.NAME", "type", "preCondition"}}
	BackupKind = &Kind{Name: "BACKUP", Alias: "backup.name", Attrs: []string{"BACKUP.NAME"}}
)

// IDProp is the property that names an object: SITE.NAME, APP.NAME, ...
func (k *Kind) IDProp() string { return k.Attrs[0] }

// Knows reports whether objects of the kind have a property (a VDIR also
// knows its SITE.NAME, for list vdir /site.name:S).
func (k *Kind) Knows(name string) bool {
	for _, a := range k.Attrs {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return k == VDirKind && strings.EqualFold(name, "SITE.NAME")
}

// Object is one SITE, APP, VDIR, APPPOOL, MODULE or BACKUP as appcmd shows
// it: an identifier, properties, and the configuration element.
type Object struct {
	Kind    *Kind
	Name    string                  // the identifier: SITE.NAME, APP.NAME, ...
	Element *configstore.EffElement // with the collection defaults; nil for BACKUP
	// ElementPath is the element inside its section.
	ElementPath commit.Path
	Site        string // SITE, APP, VDIR: the site's name
	props       map[string]string
}

// Prop returns a property (ignoring case); "" when the object has none.
func (o *Object) Prop(name string) string { return o.props[strings.ToLower(name)] }

// Value returns a property or, failing that, an attribute path into the
// configuration element (with the collection defaults applied) and its
// effective attribute.
func (o *Object) Value(p commit.Path) (string, *configstore.EffAttr, error) {
	if v, ok := o.props[strings.ToLower(p.String())]; ok {
		return v, nil, nil
	}
	e := o.Element
	for i, st := range p {
		if st.Selector != nil || e == nil {
			return "", nil, &configstore.UnknownAttributeError{Path: p.String()}
		}
		if i == len(p)-1 {
			break
		}
		if e = e.Child(st.Name); e == nil {
			return "", nil, &configstore.UnknownAttributeError{Path: p.String()}
		}
	}
	a := e.Attr(p[len(p)-1].Name)
	if a == nil {
		return "", nil, &configstore.UnknownAttributeError{Path: p.String()}
	}
	return a.Value, a, nil
}

// parent is the identifier of the object holding this one's element:
// the site of an APP, the application of a VDIR, "" otherwise.
func (o *Object) parent() string {
	switch o.Kind {
	case AppKind:
		return o.Site
	case VDirKind:
		return o.Prop("APP.NAME")
	}
	return ""
}

// Site is a SITE.
type Site struct {
	Object
	ID       string
	Bindings []Binding
}

// Application is an APP.
type Application struct {
	Object
	Path string // "/" or "/app"
	Pool string
}

// VirtualDirectory is a VDIR.
type VirtualDirectory struct {
	Object
	App          string // APP.NAME
	AppPath      string
	Path         string // inside the application: "/" or "/dir"
	PhysicalPath string // as written
}

// AppPool is an APPPOOL.
type AppPool struct {
	Object
	PipelineMode, RuntimeVersion string
}

// AppName is APP.NAME: the site name and the application path ("S/" for
// the root application).
func AppName(site, path string) string { return site + path }

// RootAppName reads an application name as appcmd.exe does wherever an
// application is named (/app.name:, APP identifiers): a site name without
// any "/" ("Default Web Site") means the site's root application
// ("Default Web Site/"). Other names come back unchanged.
func RootAppName(name string) string {
	if name == "" || strings.Contains(name, "/") {
		return name
	}
	return name + "/"
}

// VDirName is VDIR.NAME: the site, the application path and the virtual
// directory path; the root directory of an application ends with "/".
func VDirName(site, appPath, vdirPath string) string {
	switch {
	case vdirPath == "/" && appPath == "/":
		return site + "/"
	case vdirPath == "/":
		return site + appPath + "/"
	case appPath == "/":
		return site + vdirPath
	}
	return site + appPath + vdirPath
}

func keyStep(name, value string) commit.Step {
	return commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: name, Value: value}}}}
}

// under returns base followed by steps, sharing nothing with base.
func under(base commit.Path, steps ...commit.Step) commit.Path {
	return append(append(commit.Path{}, base...), steps...)
}

func attrValue(e *configstore.EffElement, name string) string {
	if a := e.Attr(name); a != nil {
		return a.Value
	}
	return ""
}

// Model reads the objects of one store, each section once (until an edit
// is applied through it).
type Model struct {
	store   *configstore.Store
	effs    map[string]*configstore.Effective
	runtime StateFunc // nil: no server runs (runtime.go)
	// checked maps a section to the appHostStamp at which a read of it
	// checked every entry's keys (commit's KeysChecked).
	checked map[string]uint64
	// seen is the last read of a section by CandidatesOf, with the entries
	// seenKeep accepted: commit starts from it (Request.Seen) while
	// keysStillChecked.
	seen     *configstore.Effective
	seenKeep func(string) bool
	seenRev  uint64 // appHostStamp at that read
	// ids indexes the site ids at appHostStamp idsRev (siteIDIndex).
	ids    *siteIDIndex
	idsRev uint64
}

// New returns the model of a store.
func New(s *configstore.Store) *Model {
	return &Model{store: s, effs: map[string]*configstore.Effective{}, checked: map[string]uint64{}}
}

// Store is the store the model reads.
func (m *Model) Store() *configstore.Store { return m.store }

// section returns a server-level section; its entries carry the values of
// their collection's default elements (configstore applies them).
func (m *Model) section(name string) (*configstore.Effective, error) {
	if eff := m.effs[name]; eff != nil {
		return eff, nil
	}
	eff, err := m.store.Effective(configstore.ServerPath, name)
	if err != nil {
		return nil, err
	}
	m.effs[name] = eff
	m.keysChecked(name)
	return eff, nil
}

// keysChecked notes that a section was just read with every entry's keys
// checked.
func (m *Model) keysChecked(name string) {
	if st := m.appHostStamp(); st != 0 {
		m.checked[strings.ToLower(name)] = st
	}
}

// keysStillChecked reports whether that read saw the file as it is now.
func (m *Model) keysStillChecked(name string) bool {
	st := m.appHostStamp()
	return st != 0 && m.checked[strings.ToLower(name)] == st
}

// appHostStamp is applicationHost.config's revision + 1, or 0 when it has
// none (0 stays "never"): what the model read is current while the stamp
// it was read at is the file's stamp now.
func (m *Model) appHostStamp() uint64 {
	if rev, ok := m.store.AppHost().Revision(); ok {
		return rev + 1
	}
	return 0
}

// Sites returns every site, in file order.
func (m *Model) Sites() ([]*Site, error) {
	eff, err := m.section(SitesSection)
	if err != nil {
		return nil, err
	}
	return m.sitesOf(eff), nil
}

func (m *Model) sitesOf(eff *configstore.Effective) []*Site {
	var out []*Site
	for _, el := range eff.Root.Items {
		if !el.Placeholder() {
			out = append(out, m.siteOf(el))
		}
	}
	return out
}

// siteOf is the Site of one merged <site> entry.
func (m *Model) siteOf(el *configstore.EffElement) *Site {
	name := attrValue(el, "name")
	s := &Site{ID: attrValue(el, "id"), Object: Object{Kind: SiteKind, Name: name, Element: el,
		ElementPath: commit.Path{keyStep("name", name)}, Site: name}}
	var list []string
	if bs := el.Child("bindings"); bs != nil {
		for _, b := range bs.Items {
			s.Bindings = append(s.Bindings, binding.Parse(attrValue(b, "protocol"), attrValue(b, "bindingInformation")))
			list = append(list, s.Bindings[len(s.Bindings)-1].String())
		}
	}
	s.props = map[string]string{"site.name": name, "site.id": s.ID, "bindings": strings.Join(list, ","), "state": m.state(SiteKind, name)}
	return s
}

// Apps returns every application, in file order.
func (m *Model) Apps() ([]*Application, error) {
	sites, err := m.Sites()
	if err != nil {
		return nil, err
	}
	return appsOf(sites), nil
}

func appsOf(sites []*Site) []*Application {
	var out []*Application
	for _, s := range sites {
		out = append(out, s.apps()...)
	}
	return out
}

func (s *Site) apps() []*Application {
	var out []*Application
	for _, el := range s.Element.Items {
		p := attrValue(el, "path")
		a := &Application{Path: p, Pool: attrValue(el, "applicationPool"), Object: Object{Kind: AppKind,
			Name: AppName(s.Name, p), Element: el, ElementPath: under(s.ElementPath, keyStep("path", p)), Site: s.Name}}
		a.props = map[string]string{"app.name": a.Name, "apppool.name": a.Pool, "site.name": s.Name, "path": p}
		out = append(out, a)
	}
	return out
}

// VDirs returns every virtual directory, in file order.
func (m *Model) VDirs() ([]*VirtualDirectory, error) {
	apps, err := m.Apps()
	if err != nil {
		return nil, err
	}
	return vdirsOf(apps), nil
}

func vdirsOf(apps []*Application) []*VirtualDirectory {
	var out []*VirtualDirectory
	for _, a := range apps {
		for _, el := range a.Element.Items {
			p := attrValue(el, "path")
			v := &VirtualDirectory{App: a.Name, AppPath: a.Path, Path: p, PhysicalPath: attrValue(el, "physicalPath"),
				Object: Object{Kind: VDirKind, Name: VDirName(a.Site, a.Path, p), Element: el,
					ElementPath: under(a.ElementPath, keyStep("path", p)), Site: a.Site}}
			v.props = map[string]string{"vdir.name": v.Name, "app.name": a.Name, "path": p, "physicalpath": v.PhysicalPath,
				"site.name": a.Site} // a filter only (list vdirs /site.name:S)
			out = append(out, v)
		}
	}
	return out
}

// Pools returns every application pool, in file order.
func (m *Model) Pools() ([]*AppPool, error) {
	eff, err := m.section(PoolsSection)
	if err != nil {
		return nil, err
	}
	return m.poolsOf(eff), nil
}

func (m *Model) poolsOf(eff *configstore.Effective) []*AppPool {
	var out []*AppPool
	for _, el := range eff.Root.Items {
		if !el.Placeholder() {
			out = append(out, m.poolOf(el))
		}
	}
	return out
}

// poolOf is the AppPool of one merged <add> entry of applicationPools.
func (m *Model) poolOf(el *configstore.EffElement) *AppPool {
	name := attrValue(el, "name")
	p := &AppPool{PipelineMode: attrValue(el, "managedPipelineMode"), RuntimeVersion: attrValue(el, "managedRuntimeVersion"),
		Object: Object{Kind: PoolKind, Name: name, Element: el, ElementPath: commit.Path{keyStep("name", name)}}}
	p.props = map[string]string{"apppool.name": name, "pipelinemode": p.PipelineMode, "runtimeversion": p.RuntimeVersion, "state": m.state(PoolKind, name)}
	return p
}

// Objects returns every SITE, APP, VDIR or APPPOOL (server level), MODULE
// (enabled at server level) or BACKUP, in order.
func (m *Model) Objects(k *Kind) ([]*Object, error) {
	switch k {
	case SiteKind:
		return AsObjects(m.Sites())
	case AppKind:
		return AsObjects(m.Apps())
	case VDirKind:
		return AsObjects(m.VDirs())
	case PoolKind:
		return AsObjects(m.Pools())
	case ModuleKind:
		return AsObjects(m.Modules(configstore.ServerPath))
	case BackupKind:
		return AsObjects(m.Backups())
	}
	return nil, nil
}

// AsObjects returns the Object of each typed object (Site, Module, ...).
func AsObjects[T interface{ object() *Object }](list []T, err error) ([]*Object, error) {
	out := make([]*Object, 0, len(list))
	for _, x := range list {
		out = append(out, x.object())
	}
	return out, err
}

func (o *Object) object() *Object { return o }

// Find returns the object whose identifier is id (ignoring case), or nil.
func (m *Model) Find(k *Kind, id string) (*Object, error) {
	objs, err := m.Candidates(k, id)
	if err != nil {
		return nil, err
	}
	if k == AppKind {
		id = RootAppName(id)
	}
	for _, o := range objs {
		if strings.EqualFold(o.Name, id) {
			return o, nil
		}
	}
	return nil, nil
}

// Candidates returns the objects of a kind that may have identifier id:
// every one when the section is already merged, else only those of the
// one site (SITE, APP, VDIR: the identifier starts with the site's name)
// or pool id can name, merged alone (configstore.EffectiveEntries), so a
// lookup does not build every site of a large file.
func (m *Model) Candidates(k *Kind, id string) ([]*Object, error) {
	return m.CandidatesOf(k, []string{id})
}

// CandidatesOf is Candidates for several identifiers at once (the
// records of a batch), with one merge of their entries.
func (m *Model) CandidatesOf(k *Kind, ids []string) ([]*Object, error) {
	if m.readsWhole(k) {
		return m.Objects(k)
	}
	keys := make(map[string]bool, len(ids))
	for _, id := range ids {
		key := id
		if k != SiteKind && k != PoolKind {
			key, _, _ = strings.Cut(id, "/")
		}
		keys[strings.ToLower(key)] = true
	}
	keep := func(v string) bool { return keys[strings.ToLower(v)] }
	// The other entries' keys are kept (in the key index; for other
	// collections as placeholders, which sitesOf and poolsOf skip), so
	// commit can start from this read even to add an entry (Request.Seen).
	eff, err := m.store.EffectiveEntriesFor(configstore.ServerPath, k.Section, nil, false, keep, false)
	if err != nil {
		return nil, err
	}
	m.keysChecked(k.Section)
	m.seen, m.seenKeep, m.seenRev = eff, keep, m.appHostStamp()
	switch k {
	case SiteKind:
		return AsObjects(m.sitesOf(eff), nil)
	case AppKind:
		return AsObjects(appsOf(m.sitesOf(eff)), nil)
	case VDirKind:
		return AsObjects(vdirsOf(appsOf(m.sitesOf(eff))), nil)
	}
	return AsObjects(m.poolsOf(eff), nil)
}

// Get is Find for an object that must exist.
func (m *Model) Get(k *Kind, id string) (*Object, error) {
	o, err := m.Find(k, id)
	if err == nil && o == nil {
		err = &NotFoundError{Object: k.Name, ID: id}
	}
	return o, err
}

// Names returns the identifiers of every object of a kind.
func (m *Model) Names(k *Kind) ([]string, error) {
	objs, err := m.Objects(k)
	var out []string
	for _, o := range objs {
		out = append(out, o.Name)
	}
	return out, err
}

// ResolveURL turns a URL identifier into the name of the object that
// serves it (the site, the application or the virtual directory); other
// identifiers come back as they are, with false.
func (m *Model) ResolveURL(k *Kind, ident string) (string, bool) {
	lower := strings.ToLower(ident)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") || k != SiteKind && k != AppKind && k != VDirKind {
		return ident, false
	}
	cp, err := m.store.ResolveIdentifier(ident)
	if err != nil || cp.IsServer() {
		return ident, false
	}
	if k == SiteKind {
		return cp.Site(), true
	}
	mp, err := m.store.Map(cp)
	if err != nil || mp.App == nil {
		return ident, false
	}
	if k == AppKind {
		return AppName(mp.Site.Name, mp.App.Path), true
	}
	if mp.VDir == nil {
		return ident, false
	}
	return VDirName(mp.Site.Name, mp.App.Path, mp.VDir.Path), true
}

// Lookup finds the object an identifier names, URLs included.
func (m *Model) Lookup(k *Kind, ident string) (*Object, error) {
	name, _ := m.ResolveURL(k, ident)
	o, err := m.Find(k, name)
	if err == nil && o == nil {
		err = &NotFoundError{Object: k.Name, ID: ident}
	}
	return o, err
}

// SitesUnchecked returns every site with its name, id and bindings only
// (no configuration element, no properties), read without checking the
// whole sites section against the schema. The test server uses it: it
// must start with files whose sites carry elements of extension schemas
// that are not installed (advancedLogging), and names, ids and bindings
// have no collection defaults to apply. It reads through configstore's
// mapping reader, the one that resolves URLs and physical paths.
func (m *Model) SitesUnchecked() ([]*Site, error) {
	raw, err := m.store.Sites()
	if err != nil {
		return nil, err
	}
	return sitesOfRaw(raw), nil
}

// sitesOfRaw makes Sites of configstore's raw sites.
func sitesOfRaw(raw []*configstore.Site) []*Site {
	out := make([]*Site, 0, len(raw))
	for _, r := range raw {
		s := &Site{ID: r.ID, Bindings: r.Bindings, Object: Object{Kind: SiteKind, Name: r.Name,
			ElementPath: commit.Path{keyStep("name", r.Name)}, Site: r.Name}}
		out = append(out, s)
	}
	return out
}
