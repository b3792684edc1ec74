package cmd

import (
	"fmt"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// BACKUP objects: named copies of applicationHost.config and the
// configuration history entries (iis/backup.go; docs/objects.md).

func listBackups(c *invocation) error {
	s, err := c.openStore(false)
	if err != nil {
		return err
	}
	defer s.Close()
	all, err := iis.New(s).Objects(iis.BackupKind)
	if err != nil {
		return err
	}
	return c.listAll(backupKind, all, asIs)
}

// backupName is the identifier or /name:; nothing else may follow.
func (c *invocation) backupName() (string, error) {
	name := c.identifier()
	if v, ok := c.takeParam("name", "backup.name"); ok && name == "" {
		name = v
	}
	if len(c.Params) > 0 {
		return "", unexpectedParam(c.Params[0].Raw)
	}
	return name, nil
}

// addBackup is add backup [name]; the default name is the local time as
// yyyyMMddTHHmmss, as appcmd.exe names it.
func addBackup(c *invocation) error {
	name, err := c.backupName()
	if err != nil {
		return err
	}
	if name == "" {
		name = c.now().Local().Format("20060102T150405")
	}
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	msg := fmt.Sprintf("BACKUP object %q added", name)
	if c.opts.whatIf {
		file, err := m.PlanBackup(name)
		if err != nil {
			return err
		}
		return c.reportFileChange(file, nil, m.Store().AppHost().Doc().Source(), msg)
	}
	b, err := m.AddBackup(name)
	if err != nil {
		return err
	}
	c.saved = &saveState{files: []string{b.File}, written: true}
	return c.report(msg)
}

// findBackup returns the backup the identifier names.
func (c *invocation) findBackup(m *iis.Model) (*iis.Backup, error) {
	name, err := c.backupName()
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, &iis.MissingError{Object: backupKind.Name}
	}
	return m.FindBackup(name)
}

func deleteBackup(c *invocation) error {
	m, err := c.openModel(true)
	if err != nil {
		return err
	}
	defer m.Store().Close()
	b, err := c.findBackup(m)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("BACKUP object %q deleted", b.Name)
	if c.opts.whatIf {
		old, err := configstore.ReadConfigFile(b.File)
		if err != nil {
			return err
		}
		return c.reportFileChange(b.File, old, nil, msg)
	}
	if err := m.DeleteBackup(b); err != nil {
		return err
	}
	c.saved = &saveState{files: []string{b.File}, written: true}
	return c.report(msg)
}

// restoreBackup replaces applicationHost.config with a backup, all or
// nothing, through the same save as every edit (so -whatif shows the diff
// and the replaced version goes to the history). /stop:true is accepted:
// there is no server to stop.
func restoreBackup(c *invocation) error {
	c.takeParam("stop")
	// The file being replaced need not be readable: restoring is how a
	// broken one is mended.
	s, err := c.openStoreOpts(true, true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := iis.New(s)
	b, err := c.findBackup(m)
	if err != nil {
		return err
	}
	if err := m.RestoreBackup(b); err != nil {
		return err
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(fmt.Sprintf("Restored configuration from backup %q", b.Name))
}

// reportFileChange is -whatif for a file that is not part of the
// configuration (a backup): the diff of creating (old nil) or removing
// (new nil) it.
func (c *invocation) reportFileChange(file string, old, new []byte, msg string) error {
	c.saved = &saveState{whatIf: true, files: []string{file}}
	if !c.opts.json {
		oldName, newName := file, file
		if old == nil {
			oldName = "/dev/null"
		}
		if new == nil {
			newName = "/dev/null"
		}
		c.ios.Out.Write(diff.Diff(oldName, old, newName, new))
	}
	return c.report(msg)
}
