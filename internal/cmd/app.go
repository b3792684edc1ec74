package cmd

import "github.com/appcmd-project/appcmd/internal/iis"

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
		return &iis.MissingError{Object: appKind.Name, Param: "site.name"}
	case path == "":
		return &iis.MissingError{Object: appKind.Name, Param: "path"}
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := iis.New(s)
	ed, err := m.AddApp(siteName, path, phys, hasPhys)
	if err != nil {
		return err
	}
	return c.addWithParams(m, ed)
}
