package iis

import "github.com/appcmd-project/appcmd/internal/commit"

// AddApp returns the edit that adds application path to a site; with
// hasPhys the application gets its root virtual directory.
func (m *Model) AddApp(siteName, path, phys string, hasPhys bool) (*Edit, error) {
	site, err := m.Get(SiteKind, siteName)
	if err != nil {
		return nil, err
	}
	name := AppName(site.Name, path)
	if err := m.mustBeNew(AppKind, name); err != nil {
		return nil, err
	}
	app := under(site.ElementPath, keyStep("path", path))
	ed := newEdit(SitesSection, app)
	ed.add(commit.Change{Kind: commit.Add, Path: app})
	ed.done(AppKind, name, Added)
	if hasPhys {
		ed.add(rootVDir(app, phys))
		ed.done(VDirKind, VDirName(site.Name, path, "/"), Added)
	}
	return ed, nil
}

// AddVDir returns the edit that adds virtual directory path to an
// application (named by APP.NAME).
func (m *Model) AddVDir(appName, path, phys string, hasPhys bool) (*Edit, error) {
	app, err := m.Get(AppKind, appName)
	if err != nil {
		return nil, err
	}
	name := VDirName(app.Site, app.Prop("path"), path)
	if err := m.mustBeNew(VDirKind, name); err != nil {
		return nil, err
	}
	keys := []commit.KeyValue{{Name: "path", Value: path}}
	if hasPhys {
		keys = append(keys, commit.KeyValue{Name: "physicalPath", Value: phys})
	}
	ed := newEdit(SitesSection, under(app.ElementPath, keyStep("path", path)))
	ed.add(commit.Change{Kind: commit.Add, Path: under(app.ElementPath, commit.Step{Selector: &commit.Selector{Keys: keys}})})
	ed.done(VDirKind, name, Added)
	return ed, nil
}

// AddPool returns the edit that adds an application pool.
func (m *Model) AddPool(name string) (*Edit, error) {
	if err := m.mustBeNew(PoolKind, name); err != nil {
		return nil, err
	}
	pool := commit.Path{keyStep("name", name)}
	ed := newEdit(PoolsSection, pool)
	ed.add(commit.Change{Kind: commit.Add, Path: pool})
	ed.done(PoolKind, name, Added)
	return ed, nil
}

// mustBeNew fails when an object named name exists.
func (m *Model) mustBeNew(k *Kind, name string) error {
	o, err := m.Find(k, name)
	if err == nil && o != nil {
		err = &ExistsError{Object: k.Name, ID: name}
	}
	return err
}
