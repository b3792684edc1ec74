package cmd

import (
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// historyHook returns the hook that keeps configuration history before a
// save replaces applicationHost.config (configstore/backup.go has the
// configHistory rules; the entries are BACKUP objects).
func (c *invocation) historyHook(s *configstore.Store) configstore.SaveHook {
	return s.HistoryHook(c.now())
}

// envNow pins the clock (RFC 3339), for tests: default backup names and
// configHistory's period depend on it.
const envNow = "APPCMD_NOW"

// now returns the time, from $APPCMD_NOW when set.
func (c *invocation) now() time.Time {
	if v, ok := c.getenv(envNow); ok && v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
	}
	return time.Now()
}
