package cmd

import (
	"fmt"

	"github.com/appcmd-project/appcmd/internal/commit"
)

// addApp is add app /site.name:S /path:/app [/physicalPath:P]
// [/applicationPool:X] [/attr:value ...]; with /physicalPath the
// application gets its root virtual directory.
func addApp(c *invocation) error {
	if c.Stdin {
		return c.addFromInput(appKind)
	}
	siteName, _ := c.takeParam("site.name")
	path, _ := c.takeParam("path")
	phys, hasPhys := c.takeParam("physicalPath")
	switch {
	case siteName == "":
		return missingParam(appKind, "site.name")
	case path == "":
		return missingParam(appKind, "path")
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := newModel(s)
	site, err := m.find(siteKind, siteName)
	if err != nil {
		return err
	}
	if site == nil {
		return &objectNotFoundError{Object: siteKind.name, ID: siteName}
	}
	name := appName(site.id, path)
	if o, err := m.find(appKind, name); err != nil || o != nil {
		if err != nil {
			return err
		}
		return duplicateObject(name)
	}
	app := append(append(commit.Path{}, site.path...), keyStep("path", path))
	chs := []commit.Change{{Kind: commit.Add, Path: app}}
	msgs := []string{fmt.Sprintf("APP object %q added", name)}
	if hasPhys {
		vdir := append(append(commit.Path{}, app...), commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "path", Value: "/"}, {Name: "physicalPath", Value: phys}}}})
		chs = append(chs, commit.Change{Kind: commit.Add, Path: vdir})
		msgs = append(msgs, fmt.Sprintf("VDIR object %q added", vdirName(site.id, path, "/")))
	}
	more, err := c.paramChanges(app)
	if err != nil {
		return err
	}
	return c.applyObjects(s, nil, sitesSection, append(chs, more...), msgs, app)
}
