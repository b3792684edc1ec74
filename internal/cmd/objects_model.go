package cmd

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// The SITE, APP, VDIR and APPPOOL objects are entries of two sections of
// applicationHost.config at server level: a site is a <site> of
// system.applicationHost/sites, an application an <application> inside it,
// a virtual directory a <virtualDirectory> inside that, and an application
// pool an <add> of system.applicationHost/applicationPools. Each object has
// synthetic properties (its /xml attributes: SITE.NAME, bindings, state...)
// and its configuration element, read with the collection defaults
// (siteDefaults, applicationDefaults, virtualDirectoryDefaults,
// applicationPoolDefaults) applied, as IIS applies them.

const (
	sitesSection = "system.applicationHost/sites"
	poolsSection = "system.applicationHost/applicationPools"
)

// objKind describes one object type.
type objKind struct {
	name    string   // "SITE"
	section string   // the section holding the objects
	attrs   []string // synthetic properties, in /xml order
	text    []string // the /text:* header properties
	// alias is the identifier parameter (/site.name:) in lower case.
	alias string
	// summary is the "(...)" part of the default one-line form.
	summary func(o *object) string
}

var (
	siteKind = &objKind{
		name: "SITE", section: sitesSection, alias: "site.name",
		attrs: []string{"SITE.NAME", "SITE.ID", "bindings", "state"},
		summary: func(o *object) string {
			return "id:" + o.prop("SITE.ID") + ",bindings:" + o.prop("bindings") + ",state:" + o.prop("state")
		},
	}
	appKind = &objKind{
		name: "APP", section: sitesSection, alias: "app.name",
		attrs:   []string{"APP.NAME", "APPPOOL.NAME", "SITE.NAME", "path"},
		summary: func(o *object) string { return "applicationPool:" + o.prop("APPPOOL.NAME") },
	}
	vdirKind = &objKind{
		name: "VDIR", section: sitesSection, alias: "vdir.name",
		attrs:   []string{"VDIR.NAME", "APP.NAME", "path", "physicalPath"},
		summary: func(o *object) string { return "physicalPath:" + o.prop("physicalPath") },
	}
	poolKind = &objKind{
		name: "APPPOOL", section: poolsSection, alias: "apppool.name",
		attrs: []string{"APPPOOL.NAME", "PipelineMode", "RuntimeVersion", "state"},
		// /text:* uses the configuration names, as in the verbatim
		// sample of the IIS docs (appcmd.md §6.2).
		text: []string{"APPPOOL.NAME", "managedPipelineMode", "managedRuntimeVersion", "state"},
		summary: func(o *object) string {
			return "MgdVersion:" + o.prop("RuntimeVersion") + ",MgdMode:" + o.prop("PipelineMode") + ",state:" + o.prop("state")
		},
	}
)

// textProps returns the /text:* header properties.
func (k *objKind) textProps() []string {
	if k.text != nil {
		return k.text
	}
	return k.attrs
}

// idProp is the property that names an object: SITE.NAME, APP.NAME, ...
func (k *objKind) idProp() string { return k.attrs[0] }

// object is one SITE, APP, VDIR or APPPOOL.
type object struct {
	kind  *objKind
	id    string            // the identifier: SITE.NAME, APP.NAME, ...
	props map[string]string // synthetic properties by lower-case name
	el    *configstore.EffElement
	path  commit.Path // the element inside its section
	site  string      // SITE, APP, VDIR: the site's name
}

func (o *object) prop(name string) string { return o.props[strings.ToLower(name)] }

// model reads the objects of one store, each section once.
type model struct {
	store *configstore.Store
	effs  map[string]*configstore.Effective
}

func newModel(s *configstore.Store) *model {
	return &model{store: s, effs: map[string]*configstore.Effective{}}
}

// section returns a server-level section; its entries carry the values of
// their collection's default elements (configstore applies them).
func (m *model) section(name string) (*configstore.Effective, error) {
	if eff := m.effs[name]; eff != nil {
		return eff, nil
	}
	eff, err := m.store.Effective(configstore.ServerPath, name)
	if err != nil {
		return nil, err
	}
	m.effs[name] = eff
	return eff, nil
}

func attrValue(e *configstore.EffElement, name string) string {
	if a := e.Attr(name); a != nil {
		return a.Value
	}
	return ""
}

func keyStep(name, value string) commit.Step {
	return commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: name, Value: value}}}}
}

// appName is APP.NAME: the site name and the application path ("S/" for
// the root application).
func appName(site, path string) string { return site + path }

// vdirName is VDIR.NAME: the site, the application path and the virtual
// directory path; the root directory of an application ends with "/".
func vdirName(site, appPath, vdirPath string) string {
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

// objects returns every object of a kind, in file order.
func (m *model) objects(k *objKind) ([]*object, error) {
	eff, err := m.section(k.section)
	if err != nil {
		return nil, err
	}
	var out []*object
	if k == poolKind {
		for _, it := range eff.Root.Items {
			name := attrValue(it, "name")
			out = append(out, &object{kind: k, id: name, el: it, path: commit.Path{keyStep("name", name)},
				props: map[string]string{
					"apppool.name":   name,
					"pipelinemode":   attrValue(it, "managedPipelineMode"),
					"runtimeversion": attrValue(it, "managedRuntimeVersion"),
					"state":          runtimeState,
				}})
		}
		return out, nil
	}
	for _, site := range eff.Root.Items {
		sname := attrValue(site, "name")
		spath := commit.Path{keyStep("name", sname)}
		if k == siteKind {
			out = append(out, &object{kind: k, id: sname, el: site, path: spath, site: sname,
				props: map[string]string{
					"site.name": sname,
					"site.id":   attrValue(site, "id"),
					"bindings":  bindingList(site),
					"state":     runtimeState,
				}})
			continue
		}
		for _, app := range site.Items {
			apath := attrValue(app, "path")
			aname := appName(sname, apath)
			appPath := append(spath[:len(spath):len(spath)], keyStep("path", apath))
			if k == appKind {
				out = append(out, &object{kind: k, id: aname, el: app, path: appPath, site: sname,
					props: map[string]string{
						"app.name":     aname,
						"apppool.name": attrValue(app, "applicationPool"),
						"site.name":    sname,
						"path":         apath,
					}})
				continue
			}
			for _, vd := range app.Items {
				vpath := attrValue(vd, "path")
				vname := vdirName(sname, apath, vpath)
				out = append(out, &object{kind: k, id: vname, el: vd, site: sname,
					path: append(appPath[:len(appPath):len(appPath)], keyStep("path", vpath)),
					props: map[string]string{
						"vdir.name":    vname,
						"app.name":     aname,
						"path":         vpath,
						"physicalpath": attrValue(vd, "physicalPath"),
						"site.name":    sname, // filter only (list vdirs /site.name:X)
					}})
			}
		}
	}
	return out, nil
}

// bindingList is the SITE "bindings" property: protocol/bindingInformation,
// comma-separated.
func bindingList(site *configstore.EffElement) string {
	bs := site.Child("bindings")
	if bs == nil {
		return ""
	}
	var parts []string
	for _, b := range bs.Items {
		parts = append(parts, configstore.ParseBinding(attrValue(b, "protocol"), attrValue(b, "bindingInformation")).String())
	}
	return strings.Join(parts, ",")
}

// find returns the object whose identifier is id (ignoring case), or nil.
func (m *model) find(k *objKind, id string) (*object, error) {
	objs, err := m.objects(k)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if strings.EqualFold(o.id, id) {
			return o, nil
		}
	}
	return nil, nil
}

// resolveURL turns a URL identifier into the name of the object that
// serves it: the site, the application, or the virtual directory.
func (m *model) resolveURL(k *objKind, ident string) (string, bool) {
	lower := strings.ToLower(ident)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") || k == poolKind {
		return ident, false
	}
	cp, err := m.store.ResolveIdentifier(ident)
	if err != nil || cp.IsServer() {
		return ident, false
	}
	if k == siteKind {
		return cp.Site(), true
	}
	mp, err := m.store.Map(cp)
	if err != nil || mp.App == nil {
		return ident, false
	}
	if k == appKind {
		return appName(mp.Site.Name, mp.App.Path), true
	}
	if mp.VDir == nil {
		return ident, false
	}
	return vdirName(mp.Site.Name, mp.App.Path, mp.VDir.Path), true
}
