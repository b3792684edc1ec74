package cmd

import (
	"github.com/appcmd-project/appcmd/internal/iis"
)

// addSite is add site /name:N [/id:ID] [/bindings:LIST] [/physicalPath:P]
// [/attr:value ...]; with /physicalPath the site gets its root application
// and virtual directory.
func addSite(c *invocation) error {
	if c.Stdin {
		return c.addFromInput(siteKind)
	}
	var n iis.NewSite
	n.Name, _ = c.takeParam("name", "site.name")
	if n.Name == "" {
		n.Name = c.identifier()
	}
	if n.Name == "" {
		return &iis.MissingError{Object: siteKind.Name, Param: "name"}
	}
	n.ID, n.HasID = c.takeParam("id")
	if v, ok := c.takeParam("bindings"); ok {
		var err error
		if n.Bindings, err = iis.ParseBindings(v); err != nil {
			return err
		}
	}
	n.PhysicalPath, n.HasPhysicalPath = c.takeParam("physicalPath")
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	ed, err := m.AddSite(n)
	if err != nil {
		return err
	}
	return c.addWithParams(m, ed)
}

// setSite is set site N [/bindings:LIST] [/id:ID] [/attr:value ...]:
// /bindings: replaces the list, /id: must be free.
func setSite(c *invocation) error {
	var u iis.Update
	if v, ok := c.takeParam("bindings"); ok {
		var err error
		if u.Bindings, err = iis.ParseBindings(v); err != nil {
			return err
		}
		u.HasBindings = true
	}
	u.ID, u.HasID = c.paramValue("id")
	return c.setObjects(siteKind, u.HasBindings, &u)
}
