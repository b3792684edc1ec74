package cmd

import "github.com/appcmd-project/appcmd/internal/iis"

// addApp is add app /site.name:S /path:/app [/physicalPath:P]
// [/applicationPool:X] [/attr:value ...]; with /physicalPath the
// application gets its root virtual directory.
var addApp = addInside(appKind, "site.name", (*iis.Model).AddApp)

// addInside is the add verb of an object created inside another one (APP
// in a SITE, VDIR in an APP): /<parent>:NAME /path:/x [/physicalPath:P]
// [/attr:value ...], or /in.
func addInside(k *objKind, parent string, add func(m *iis.Model, parent, path, phys string, hasPhys bool) (*iis.Edit, error)) func(*invocation) error {
	return func(c *invocation) error {
		if c.Stdin {
			return c.addFromInput(k)
		}
		in, _ := c.takeParam(parent)
		path, _ := c.takeParam("path")
		phys, hasPhys := c.takeParam("physicalPath")
		switch {
		case in == "":
			return &iis.MissingError{Object: k.Name, Param: parent}
		case path == "":
			return &iis.MissingError{Object: k.Name, Param: "path"}
		}
		m, err := c.openModel(true)
		if err != nil {
			return err
		}
		defer m.Store().Close()
		ed, err := add(m, in, path, phys, hasPhys)
		if err != nil {
			return err
		}
		return c.addWithParams(m, ed)
	}
}
