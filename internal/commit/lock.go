package commit

import (
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// SetOverrideMode locks (Deny) or unlocks (Allow) a section for the levels
// below level, the way lock/unlock config do (configstore's SetSectionMode
// writes the <location overrideMode> of applicationHost.config). It
// returns the full section name.
func SetOverrideMode(s *configstore.Store, name string, level configstore.ConfigPath, mode string) (string, error) {
	sch, _, err := s.LookupSection(name, level)
	if err != nil {
		return "", err
	}
	if err := s.SetSectionMode(sch.Name, level, mode); err != nil {
		return "", err
	}
	return sch.Name, nil
}
