package cmd

import "github.com/appcmd-project/appcmd/configstore"

// historyHook returns the hook that keeps configuration history before a
// save (see the BACKUP object).
func (c *invocation) historyHook(s *configstore.Store) configstore.SaveHook {
	return nil
}
