package iis

import (
	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// MODULE objects (appcmd.md §7.6) are the entries of system.webServer/modules
// at a level (the server, or an application), and the native modules
// registered in system.webServer/globalModules. install registers a native
// module and (unless told not to) enables it at server level; uninstall
// reverses both.

// Module is a MODULE: an entry of the modules or globalModules section.
type Module struct {
	Object
	Type, PreCondition, Image string
}

// Modules returns the modules enabled at level cp.
func (m *Model) Modules(cp configstore.ConfigPath) ([]*Module, error) {
	return m.modules(ModulesSection, cp)
}

// GlobalModules returns the registered native modules.
func (m *Model) GlobalModules() ([]*Module, error) {
	return m.modules(GlobalModulesSection, configstore.ServerPath)
}

func (m *Model) modules(sec string, cp configstore.ConfigPath) ([]*Module, error) {
	eff, err := m.store.Effective(cp, sec)
	if err != nil {
		return nil, err
	}
	var out []*Module
	for _, it := range eff.Root.Items {
		name := attrValue(it, "name")
		mod := &Module{Type: attrValue(it, "type"), PreCondition: attrValue(it, "preCondition"), Image: attrValue(it, "image"),
			Object: Object{Kind: ModuleKind, Name: name, Element: it, ElementPath: commit.Path{keyStep("name", name)}}}
		mod.props = map[string]string{"module.name": name, "type": mod.Type, "precondition": mod.PreCondition}
		out = append(out, mod)
	}
	return out, nil
}

// findModule looks a module up by name; module names are case-sensitive
// in the schema.
func findModule(list []*Module, name string) *Module {
	for _, o := range list {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// AppLevel is the configuration path of an application, named by
// APP.NAME (the level of list module /app.name:).
func (m *Model) AppLevel(appName string) (configstore.ConfigPath, error) {
	o, err := m.Get(AppKind, appName)
	if err != nil {
		return configstore.ConfigPath{}, err
	}
	return configstore.SitePath(o.Site).Join(o.Prop("path"))
}

// entry builds the add of a module entry with the attributes given.
func entry(name string, attrs ...commit.KeyValue) commit.Change {
	keys := []commit.KeyValue{{Name: "name", Value: name}}
	for _, a := range attrs {
		if a.Value != "" {
			keys = append(keys, a)
		}
	}
	return commit.Change{Kind: commit.Add, Path: commit.Path{{Selector: &commit.Selector{Keys: keys}}}}
}

// moduleEdit is an edit of system.webServer/modules at level cp, committed
// where commitTo says (-commit:).
func moduleEdit(cp configstore.ConfigPath, commitTo string, base commit.Path) *Edit {
	ed := newEdit(ModulesSection, base)
	ed.Level, ed.Commit, ed.Bases = cp, commitTo, nil
	return ed
}

// AddModule returns the edit that enables a module at level cp. typ and
// pre are written when not empty.
func (m *Model) AddModule(cp configstore.ConfigPath, commitTo, name, typ, pre string) (*Edit, error) {
	have, err := m.Modules(cp)
	if err != nil {
		return nil, err
	}
	if findModule(have, name) != nil {
		return nil, &ExistsError{Object: ModuleKind.Name, ID: name}
	}
	ed := moduleEdit(cp, commitTo, commit.Path{keyStep("name", name)})
	ed.add(entry(name, commit.KeyValue{Name: "type", Value: typ}, commit.KeyValue{Name: "preCondition", Value: pre}))
	ed.done(ModuleKind, name, Added)
	return ed, nil
}

// DeleteModule returns the edit that removes a module enabled at level cp.
func (m *Model) DeleteModule(cp configstore.ConfigPath, commitTo, name string) (*Edit, error) {
	have, err := m.Modules(cp)
	if err != nil {
		return nil, err
	}
	if findModule(have, name) == nil {
		return nil, &NotFoundError{Object: ModuleKind.Name, ID: name}
	}
	ed := moduleEdit(cp, commitTo, nil)
	ed.add(commit.Change{Kind: commit.Remove, Path: commit.Path{keyStep("name", name)}})
	ed.done(ModuleKind, name, Deleted)
	return ed, nil
}

// InstallModule registers a native module in globalModules and, with
// enable, enables it at server level unless it is already.
func (m *Model) InstallModule(name, image, pre string, enable bool) error {
	global, err := m.GlobalModules()
	if err != nil {
		return err
	}
	if findModule(global, name) != nil {
		return &ExistsError{Object: ModuleKind.Name, ID: name}
	}
	reg := newEdit(GlobalModulesSection, nil)
	reg.add(entry(name, commit.KeyValue{Name: "image", Value: image}, commit.KeyValue{Name: "preCondition", Value: pre}))
	if err := m.Apply(reg); err != nil {
		return err
	}
	if !enable {
		return nil
	}
	have, err := m.Modules(configstore.ServerPath)
	if err != nil || findModule(have, name) != nil {
		return err
	}
	on := newEdit(ModulesSection, nil)
	on.add(entry(name))
	return m.Apply(on)
}

// UninstallModule removes a native module from globalModules and, where
// it is enabled at server level, from modules.
func (m *Model) UninstallModule(name string) error {
	global, err := m.GlobalModules()
	if err != nil {
		return err
	}
	if findModule(global, name) == nil {
		return &NotFoundError{Object: ModuleKind.Name, ID: name}
	}
	rm := commit.Change{Kind: commit.Remove, Path: commit.Path{keyStep("name", name)}}
	unreg := newEdit(GlobalModulesSection, nil)
	unreg.add(rm)
	if err := m.Apply(unreg); err != nil {
		return err
	}
	have, err := m.Modules(configstore.ServerPath)
	if err != nil || findModule(have, name) == nil {
		return err
	}
	off := newEdit(ModulesSection, nil)
	off.add(rm)
	return m.Apply(off)
}
