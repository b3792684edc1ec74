package cmd

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// MODULE objects (appcmd.md §7.6; the rules are iis/module.go's):
//
//	list module [/app.name:APP]            enabled modules at that level
//	add module /name:N [/type:T] [/preCondition:P] [/app.name:APP] [-commit:]
//	delete module N [/app.name:APP] [-commit:]
//	install module /name:N /image:PATH [/preCondition:P] [/add:false]
//	uninstall module N
//
// The line format and the success texts are UNCONFIRMED (docs/objects.md):
// we print MODULE "N" ( native:true, preCondition:P ) or ( type:T,
// preCondition:P ), and "MODULE object "N" added|deleted" for add/install
// and delete/uninstall, by the pattern of the other objects.

// moduleLevel resolves /app.name: (default: the server level).
func (c *invocation) moduleLevel(m *iis.Model) (configstore.ConfigPath, error) {
	app, ok := c.takeParam("app.name")
	if !ok {
		return configstore.ServerPath, nil
	}
	return m.AppLevel(app)
}

func listModules(c *invocation) error {
	m, err := c.openModel(false)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	cp, err := c.moduleLevel(m)
	if err != nil {
		return err
	}
	all, err := iis.AsObjects(m.Modules(cp))
	if err != nil {
		return err
	}
	return c.listAll(moduleKind, all, asIs)
}

// moduleName returns the module the command names: the identifier or
// /name:.
func (c *invocation) moduleName() string {
	name := c.identifier()
	if v, ok := c.takeParam("name", "module.name"); ok && name == "" {
		name = v
	}
	return name
}

func addModule(c *invocation) error {
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	name := c.moduleName()
	typ, _ := c.takeParam("type")
	pre, _ := c.takeParam("preCondition")
	cp, err := c.moduleLevel(m)
	if err != nil {
		return err
	}
	if name == "" {
		return &iis.MissingError{Object: moduleKind.Name, Param: "name"}
	}
	commitTo := c.opts.commit
	ed, err := m.AddModule(cp, commitTo, name, typ, pre)
	if err != nil {
		return err
	}
	return c.addWithParams(m, ed)
}

func deleteModule(c *invocation) error {
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	name := c.moduleName()
	cp, err := c.moduleLevel(m)
	if err != nil {
		return err
	}
	if err := c.noParams(); err != nil {
		return err
	}
	if name == "" {
		return &iis.MissingError{Object: moduleKind.Name}
	}
	commitTo := c.opts.commit
	ed, err := m.DeleteModule(cp, commitTo, name)
	if err != nil {
		return err
	}
	return c.applyEdit(m, ed)
}

func installModule(c *invocation) error {
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	name := c.moduleName()
	image, _ := c.takeParam("image")
	pre, _ := c.takeParam("preCondition")
	enable := true
	if v, ok := c.takeParam("add"); ok {
		enable = !strings.EqualFold(v, "false")
	}
	switch {
	case len(c.Params) > 0:
		return unexpectedParam(c.Params[0].Raw)
	case name == "":
		return &iis.MissingError{Object: moduleKind.Name, Param: "name"}
	case image == "":
		return &iis.MissingError{Object: moduleKind.Name, Param: "image"}
	}
	if err := iis.New(s).InstallModule(name, image, pre, enable); err != nil {
		return err
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(fmt.Sprintf("MODULE object %q added", name))
}

func uninstallModule(c *invocation) error {
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	name := c.moduleName()
	if err := c.noParams(); err != nil {
		return err
	}
	if name == "" {
		return &iis.MissingError{Object: moduleKind.Name}
	}
	if err := iis.New(s).UninstallModule(name); err != nil {
		return err
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(fmt.Sprintf("MODULE object %q deleted", name))
}
