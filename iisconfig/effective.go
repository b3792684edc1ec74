package iisconfig

import (
	"strconv"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// Origin is where an effective value was set.
type Origin struct {
	File  string // "" for a schema default
	Line  int
	Level string // the config path of the defining section instance
}

// IsDefault reports whether the value is the schema default.
func (o Origin) IsDefault() bool { return o.File == "" }

// String returns "file:line", or "schema default".
func (o Origin) String() string {
	if o.IsDefault() {
		return "schema default"
	}
	return o.File + ":" + strconv.Itoa(o.Line)
}

// Value is one effective attribute of a section.
type Value struct {
	// Path names the attribute inside the section as appcmd does:
	// "pingInterval", "limits.maxBandwidth", "[name='Default Web Site'].id".
	Path   string
	Value  any    // typed as Attr returns it
	Text   string // as IIS shows it
	Origin Origin
}

// Effective returns every effective attribute of a section at a path (a
// site path such as "Default Web Site/app", "" for the server level, or a
// config path "MACHINE/WEBROOT/APPHOST/..."), each with the file and line
// that set it, uncommitted changes included. Child elements follow their
// parent; collection entries follow in effective order.
func (m *Manager) Effective(path, sectionName string) ([]Value, error) {
	cp, err := parseLevel(path)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.usable(); err != nil {
		return nil, err
	}
	eff, err := m.work.Effective(cp, sectionName)
	if err != nil {
		return nil, wrap(err)
	}
	var out []Value
	if err := walkValues(eff.Root, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// parseLevel reads a site path or a config path.
func parseLevel(path string) (configstore.ConfigPath, error) {
	p := strings.Trim(path, "/")
	if !strings.HasPrefix(strings.ToUpper(p), "MACHINE/") {
		p = configstore.AppHostRoot + "/" + p
	}
	cp, err := configstore.ParseConfigPath(strings.TrimSuffix(p, "/"))
	return cp, pathError(path, err)
}

func walkValues(el *configstore.EffElement, base commit.Path, out *[]Value) error {
	for _, a := range el.Attrs {
		v, err := typed(a)
		if err != nil {
			return err
		}
		o := Origin{}
		if a.Set && a.Origin != nil && a.Origin.InFile {
			o = Origin{File: a.Origin.File, Line: a.Origin.Line, Level: a.Origin.Level.String()}
		}
		p := append(append(commit.Path(nil), base...), commit.Step{Name: a.Name})
		*out = append(*out, Value{Path: p.String(), Value: v, Text: a.Value, Origin: o})
	}
	for _, c := range el.Children {
		if err := walkValues(c, append(append(commit.Path(nil), base...), commit.Step{Name: c.Name}), out); err != nil {
			return err
		}
	}
	for i, it := range el.Items {
		sel := &commit.Selector{}
		if el.Schema != nil && el.Schema.Collection != nil {
			for _, k := range el.Schema.Collection.KeyAttributes() {
				if a := it.Attr(k.Name); a != nil {
					sel.Keys = append(sel.Keys, commit.KeyValue{Name: a.Name, Value: a.Value})
				}
			}
		}
		if len(sel.Keys) == 0 {
			sel.Pos = commit.Position{Kind: commit.PosIndex, Index: i}
		}
		if err := walkValues(it, append(append(commit.Path(nil), base...), commit.Step{Selector: sel}), out); err != nil {
			return err
		}
	}
	return nil
}

// Site is a site of system.applicationHost/sites, read through the same
// domain model as appcmd's SITE object (siteDefaults applied).
type Site struct {
	Name     string
	ID       string
	Bindings []Binding
	Apps     []Application
	// Element is the <site> entry, for editing its attributes.
	Element *Element
}

// Binding is one binding of a site.
type Binding struct {
	Protocol    string
	Information string // bindingInformation as written, e.g. "*:80:"
	Host        string
	Port        int
}

// Application is an application of a site.
type Application struct {
	Path string // "/" for the root application
	Pool string
}

// AppPool is an application pool of system.applicationHost/applicationPools.
type AppPool struct {
	Name           string
	PipelineMode   string
	RuntimeVersion string
	Element        *Element
}

// Sites returns every site, uncommitted changes included.
func (m *Manager) Sites() ([]Site, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.usable(); err != nil {
		return nil, err
	}
	model := iis.New(m.work)
	sites, err := model.Sites()
	if err != nil {
		return nil, wrap(err)
	}
	apps, err := model.Apps()
	if err != nil {
		return nil, wrap(err)
	}
	sec := m.serverSection(iis.SitesSection)
	out := make([]Site, 0, len(sites))
	for _, s := range sites {
		site := Site{Name: s.Name, ID: s.ID, Element: &Element{m: m, sec: sec, path: s.ElementPath, name: "site"}}
		for _, b := range s.Bindings {
			site.Bindings = append(site.Bindings, Binding{Protocol: b.Protocol, Information: b.Information, Host: b.Host, Port: b.Port})
		}
		for _, a := range apps {
			if a.Site == s.Name {
				site.Apps = append(site.Apps, Application{Path: a.Path, Pool: a.Pool})
			}
		}
		out = append(out, site)
	}
	return out, nil
}

// AppPools returns every application pool, uncommitted changes included.
func (m *Manager) AppPools() ([]AppPool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.usable(); err != nil {
		return nil, err
	}
	pools, err := iis.New(m.work).Pools()
	if err != nil {
		return nil, wrap(err)
	}
	sec := m.serverSection(iis.PoolsSection)
	out := make([]AppPool, 0, len(pools))
	for _, p := range pools {
		out = append(out, AppPool{Name: p.Name, PipelineMode: p.PipelineMode, RuntimeVersion: p.RuntimeVersion,
			Element: &Element{m: m, sec: sec, path: p.ElementPath, name: "add"}})
	}
	return out, nil
}

// serverSection is a section of applicationHost.config at the server level.
func (m *Manager) serverSection(name string) *Section {
	s := &Section{name: name, level: configstore.ServerPath, commit: "apphost"}
	s.Element = Element{m: m, sec: s}
	return s
}
