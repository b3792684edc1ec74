package cmd

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// MODULE objects (appcmd.md §7.6): the entries of system.webServer/modules
// at a level (the server, or the application /app.name: names), and the
// native modules registered in system.webServer/globalModules.
//
//	list module [/app.name:APP]            enabled modules at that level
//	add module /name:N [/type:T] [/preCondition:P] [/app.name:APP] [-commit:]
//	delete module N [/app.name:APP] [-commit:]
//	install module /name:N /image:PATH [/preCondition:P] [/add:false]
//	uninstall module N
//
// install registers in globalModules and (unless /add:false) enables the
// module at server level; uninstall reverses both. The line format and the
// success texts are UNCONFIRMED (docs/objects.md): we print
// MODULE "N" ( native:true, preCondition:P ) or ( type:T, preCondition:P ),
// and "MODULE object "N" added|deleted" for add/install and
// delete/uninstall, by the pattern of the other objects.

const (
	modulesSection       = "system.webServer/modules"
	globalModulesSection = "system.webServer/globalModules"
)

var moduleKind = &objKind{
	name: "MODULE", alias: "module.name",
	attrs: []string{"MODULE.NAME", "type", "preCondition"},
	summary: func(o *object) string {
		kind := "native:true"
		if t := o.prop("type"); t != "" {
			kind = "type:" + t
		}
		return " " + kind + ", preCondition:" + o.prop("preCondition") + " "
	},
}

// moduleLevel resolves /app.name: (default: the server level).
func (c *invocation) moduleLevel(s *configstore.Store) (configstore.ConfigPath, error) {
	app, ok := c.takeParam("app.name")
	if !ok {
		return configstore.ServerPath, nil
	}
	m := newModel(s)
	o, err := m.find(appKind, app)
	if err != nil {
		return configstore.ConfigPath{}, err
	}
	if o == nil {
		return configstore.ConfigPath{}, &objectNotFoundError{Object: appKind.name, ID: app}
	}
	return configstore.SitePath(o.site).Join(o.prop("path"))
}

// modules returns the module entries of a section at a level.
func modules(s *configstore.Store, sec string, cp configstore.ConfigPath) ([]*object, error) {
	eff, err := s.Effective(cp, sec)
	if err != nil {
		return nil, err
	}
	var out []*object
	for _, it := range eff.Root.Items {
		name := attrValue(it, "name")
		out = append(out, &object{kind: moduleKind, id: name, el: it, path: commit.Path{keyStep("name", name)},
			props: map[string]string{
				"module.name":  name,
				"type":         attrValue(it, "type"),
				"precondition": attrValue(it, "preCondition"),
			}})
	}
	return out, nil
}

func findModule(list []*object, name string) *object {
	for _, o := range list {
		if o.id == name { // module names are case-sensitive in the schema
			return o
		}
	}
	return nil
}

func listModules(c *invocation) error {
	s, err := c.openStore(false)
	if err != nil {
		return err
	}
	defer s.Close()
	cp, err := c.moduleLevel(s)
	if err != nil {
		return err
	}
	all, err := modules(s, modulesSection, cp)
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

func addModule(c *invocation) error {
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	name := c.moduleName()
	typ, _ := c.takeParam("type")
	pre, _ := c.takeParam("preCondition")
	cp, err := c.moduleLevel(s)
	if err != nil {
		return err
	}
	if name == "" {
		return missingParam(moduleKind, "name")
	}
	have, err := modules(s, modulesSection, cp)
	if err != nil {
		return err
	}
	if findModule(have, name) != nil {
		return duplicateObject(name)
	}
	base := commit.Path{keyStep("name", name)}
	more, err := c.paramChanges(base)
	if err != nil {
		return err
	}
	chs := append([]commit.Change{entry(name, commit.KeyValue{Name: "type", Value: typ}, commit.KeyValue{Name: "preCondition", Value: pre})}, more...)
	return c.applyModules(s, cp, chs, fmt.Sprintf("MODULE object %q added", name))
}

// applyModules changes system.webServer/modules at level cp (in the file
// -commit: names), saves and reports msg.
func (c *invocation) applyModules(s *configstore.Store, cp configstore.ConfigPath, chs []commit.Change, msg string) error {
	commitTo, _ := c.reserved("commit")
	if _, err := commit.Apply(s, commit.Request{Section: modulesSection, Level: cp, Commit: commitTo, Changes: chs}); err != nil {
		return err
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(msg)
}

func deleteModule(c *invocation) error {
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	name := c.moduleName()
	cp, err := c.moduleLevel(s)
	if err != nil {
		return err
	}
	if len(c.Params) > 0 {
		return unexpectedParam(c.Params[0].Raw)
	}
	if name == "" {
		return &UsageError{Framed: true, Message: "Must specify the MODULE object with identifier."}
	}
	have, err := modules(s, modulesSection, cp)
	if err != nil {
		return err
	}
	if findModule(have, name) == nil {
		return &objectNotFoundError{Object: moduleKind.name, ID: name}
	}
	rm := []commit.Change{{Kind: commit.Remove, Path: commit.Path{keyStep("name", name)}}}
	return c.applyModules(s, cp, rm, fmt.Sprintf("MODULE object %q deleted", name))
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
		return missingParam(moduleKind, "name")
	case image == "":
		return missingParam(moduleKind, "image")
	}
	global, err := modules(s, globalModulesSection, configstore.ServerPath)
	if err != nil {
		return err
	}
	if findModule(global, name) != nil {
		return duplicateObject(name)
	}
	if err := applyServer(s, globalModulesSection, []commit.Change{entry(name, commit.KeyValue{Name: "image", Value: image}, commit.KeyValue{Name: "preCondition", Value: pre})}); err != nil {
		return err
	}
	if enable {
		have, err := modules(s, modulesSection, configstore.ServerPath)
		if err != nil {
			return err
		}
		if findModule(have, name) == nil {
			if err := applyServer(s, modulesSection, []commit.Change{entry(name)}); err != nil {
				return err
			}
		}
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
	if len(c.Params) > 0 {
		return unexpectedParam(c.Params[0].Raw)
	}
	if name == "" {
		return &UsageError{Framed: true, Message: "Must specify the MODULE object with identifier."}
	}
	global, err := modules(s, globalModulesSection, configstore.ServerPath)
	if err != nil {
		return err
	}
	if findModule(global, name) == nil {
		return &objectNotFoundError{Object: moduleKind.name, ID: name}
	}
	rm := []commit.Change{{Kind: commit.Remove, Path: commit.Path{keyStep("name", name)}}}
	if err := applyServer(s, globalModulesSection, rm); err != nil {
		return err
	}
	have, err := modules(s, modulesSection, configstore.ServerPath)
	if err != nil {
		return err
	}
	if findModule(have, name) != nil {
		if err := applyServer(s, modulesSection, rm); err != nil {
			return err
		}
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(fmt.Sprintf("MODULE object %q deleted", name))
}
