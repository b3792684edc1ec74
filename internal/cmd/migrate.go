package cmd

import (
	"fmt"

	"github.com/appcmd-project/appcmd/internal/iis"
)

// migrate config APP: system.web/httpModules and httpHandlers of the
// application's web.config to system.webServer/modules and handlers
// (iis/migrate.go has the rules; docs/config.md).

func migrateConfig(c *invocation) error {
	app := c.identifier()
	if app == "" {
		return &iis.MissingError{Object: "APP"}
	}
	if err := c.noParams(); err != nil {
		return err
	}
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	plan, err := m.MigrateConfig(app)
	if err != nil {
		return err
	}
	for _, ed := range plan.Edits {
		if err := m.Apply(ed); err != nil {
			return err
		}
	}
	if err := c.save(m.Store()); err != nil {
		return err
	}
	if len(plan.Migrated) == 0 {
		return c.report(fmt.Sprintf("Nothing to migrate: %q adds no entries to %s or %s", app, iis.HTTPModulesSection, iis.HTTPHandlersSection))
	}
	var msgs []string
	for _, sec := range plan.Migrated {
		msgs = append(msgs, fmt.Sprintf("Successfully migrated section %q.", sec))
	}
	return c.report(msgs...)
}
