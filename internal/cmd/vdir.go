package cmd

import (
	"fmt"

	"github.com/appcmd-project/appcmd/internal/commit"
)

// addVdir is add vdir /app.name:"S/app" /path:/dir [/physicalPath:P]
// [/attr:value ...].
func addVdir(c *invocation) error {
	if c.Stdin {
		return c.addFromInput(vdirKind)
	}
	appID, _ := c.takeParam("app.name")
	path, _ := c.takeParam("path")
	phys, hasPhys := c.takeParam("physicalPath")
	switch {
	case appID == "":
		return missingParam(vdirKind, "app.name")
	case path == "":
		return missingParam(vdirKind, "path")
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := newModel(s)
	app, err := m.find(appKind, appID)
	if err != nil {
		return err
	}
	if app == nil {
		return &objectNotFoundError{Object: appKind.name, ID: appID}
	}
	name := vdirName(app.site, app.prop("path"), path)
	if o, err := m.find(vdirKind, name); err != nil || o != nil {
		if err != nil {
			return err
		}
		return duplicateObject(name)
	}
	keys := []commit.KeyValue{{Name: "path", Value: path}}
	if hasPhys {
		keys = append(keys, commit.KeyValue{Name: "physicalPath", Value: phys})
	}
	chs := []commit.Change{{Kind: commit.Add, Path: append(append(commit.Path{}, app.path...), commit.Step{Selector: &commit.Selector{Keys: keys}})}}
	vdir := append(append(commit.Path{}, app.path...), keyStep("path", path))
	more, err := c.paramChanges(vdir)
	if err != nil {
		return err
	}
	return c.applyObjects(s, nil, sitesSection, append(chs, more...), []string{fmt.Sprintf("VDIR object %q added", name)}, vdir)
}
