package cmd

import "github.com/appcmd-project/appcmd/internal/iis"

// addPool is add apppool /name:X [/managedRuntimeVersion:v4.0]
// [/managedPipelineMode:Integrated] [/processModel.identityType:...] ...
func addPool(c *invocation) error {
	if c.Stdin {
		return c.addFromInput(poolKind)
	}
	name, _ := c.takeParam("name", "apppool.name")
	if name == "" {
		name = c.identifier()
	}
	if name == "" {
		return &iis.MissingError{Object: poolKind.Name, Param: "name"}
	}
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	ed, err := m.AddPool(name)
	if err != nil {
		return err
	}
	return c.addWithParams(m, ed)
}
