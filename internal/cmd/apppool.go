package cmd

import (
	"fmt"

	"github.com/appcmd-project/appcmd/internal/commit"
)

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
		return missingParam(poolKind, "name")
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := newModel(s)
	if o, err := m.find(poolKind, name); err != nil || o != nil {
		if err != nil {
			return err
		}
		return duplicateObject(name)
	}
	pool := commit.Path{keyStep("name", name)}
	more, err := c.paramChanges(pool)
	if err != nil {
		return err
	}
	chs := append([]commit.Change{{Kind: commit.Add, Path: pool}}, more...)
	return c.applyObjects(s, nil, poolsSection, chs, []string{fmt.Sprintf("APPPOOL object %q added", name)}, pool)
}
