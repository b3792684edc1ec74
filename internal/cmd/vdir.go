package cmd

import "github.com/appcmd-project/appcmd/internal/iis"

// addVdir is add vdir /app.name:"S/app" /path:/dir [/physicalPath:P]
// [/attr:value ...].
func addVdir(c *invocation) error {
	if c.Stdin {
		return c.addFromInput(vdirKind)
	}
	appName, _ := c.takeParam("app.name")
	path, _ := c.takeParam("path")
	phys, hasPhys := c.takeParam("physicalPath")
	switch {
	case appName == "":
		return &iis.MissingError{Object: vdirKind.Name, Param: "app.name"}
	case path == "":
		return &iis.MissingError{Object: vdirKind.Name, Param: "path"}
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := iis.New(s)
	ed, err := m.AddVDir(appName, path, phys, hasPhys)
	if err != nil {
		return err
	}
	return c.addWithParams(m, ed)
}
