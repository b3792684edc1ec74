package cmd

import (
	"errors"
	"fmt"
	"os"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// BACKUP objects: named copies of applicationHost.config and the
// configuration history entries (configstore/backup.go; docs/objects.md).

var backupKind = &objKind{name: "BACKUP", alias: "backup.name", attrs: []string{"BACKUP.NAME"}}

// backupObjects returns every backup as an object.
func backupObjects(s *configstore.Store) ([]*object, error) {
	bs, err := s.Backups()
	if err != nil {
		return nil, err
	}
	var out []*object
	for _, b := range bs {
		out = append(out, &object{kind: backupKind, id: b.Name, props: map[string]string{"backup.name": b.Name}})
	}
	return out, nil
}

func listBackups(c *invocation) error {
	s, err := c.openStore(false)
	if err != nil {
		return err
	}
	defer s.Close()
	all, err := backupObjects(s)
	if err != nil {
		return err
	}
	return c.listAll(backupKind, all, asIs)
}

// backupError gives configstore's backup errors appcmd.exe's form: an
// existing name fails like the file creation it is (0x800700B7).
func backupError(err error) error {
	var be *configstore.BackupError
	if !errors.As(err, &be) {
		return err
	}
	if be.Exists {
		return &appcmdError{hresultFrame(0x800700b7, be.Reason), exitDuplicate}
	}
	return &UsageError{Framed: true, Message: be.Reason}
}

// addBackup is add backup [name]; the default name is the local time as
// yyyyMMddTHHmmss, as appcmd.exe names it.
func addBackup(c *invocation) error {
	name := c.identifier()
	if v, ok := c.takeParam("name", "backup.name"); ok && name == "" {
		name = v
	}
	if len(c.Params) > 0 {
		return unexpectedParam(c.Params[0].Raw)
	}
	if name == "" {
		name = c.now().Local().Format("20060102T150405")
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	msg := fmt.Sprintf("BACKUP object %q added", name)
	if c.has("whatif") {
		if b, err := s.FindBackup(name); err != nil || b != nil {
			if err != nil {
				return err
			}
			return backupError(&configstore.BackupError{Name: name, Exists: true, Reason: "Cannot create a file when that file already exists."})
		}
		file := (&configstore.Backup{Name: name, Dir: s.BackupRoot() + string(os.PathSeparator) + name}).File()
		return c.reportFileChange(file, nil, s.AppHost().Doc().Source(), msg)
	}
	b, err := s.AddBackup(name)
	if err != nil {
		return backupError(err)
	}
	c.saved = &saveState{files: []string{b.File()}, written: true}
	return c.report(msg)
}

// findBackup returns the backup the identifier names.
func (c *invocation) findBackup(s *configstore.Store) (*configstore.Backup, error) {
	name := c.identifier()
	if v, ok := c.takeParam("name", "backup.name"); ok && name == "" {
		name = v
	}
	if len(c.Params) > 0 {
		return nil, unexpectedParam(c.Params[0].Raw)
	}
	if name == "" {
		return nil, &UsageError{Framed: true, Message: "Must specify the BACKUP object with identifier."}
	}
	b, err := s.FindBackup(name)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, &objectNotFoundError{Object: "BACKUP", ID: name}
	}
	return b, nil
}

func deleteBackup(c *invocation) error {
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := c.findBackup(s)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("BACKUP object %q deleted", b.Name)
	if c.has("whatif") {
		old, err := os.ReadFile(b.File())
		if err != nil {
			return err
		}
		return c.reportFileChange(b.File(), old, nil, msg)
	}
	if err := s.DeleteBackup(b); err != nil {
		return err
	}
	c.saved = &saveState{files: []string{b.File()}, written: true}
	return c.report(msg)
}

// restoreBackup replaces applicationHost.config with a backup, all or
// nothing, through the same save as every edit (so -whatif shows the diff
// and the replaced version goes to the history). /stop:true is accepted:
// there is no server to stop.
func restoreBackup(c *invocation) error {
	c.takeParam("stop")
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := c.findBackup(s)
	if err != nil {
		return err
	}
	if _, err := s.RestoreBackup(b); err != nil {
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
	if !c.has("json") {
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
