package iis

import (
	"errors"
	"os"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// BACKUP objects are named copies of applicationHost.config and the
// configuration history entries (configstore/backup.go keeps the files).

// Backup is a BACKUP.
type Backup struct {
	Object
	// File is the backed-up applicationHost.config.
	File string
	b    *configstore.Backup
}

func newBackup(b *configstore.Backup) *Backup {
	out := &Backup{File: b.File(), b: b, Object: Object{Kind: BackupKind, Name: b.Name}}
	out.props = map[string]string{"backup.name": b.Name}
	return out
}

// Backups returns named backups (by name), then history entries (oldest
// first).
func (m *Model) Backups() ([]*Backup, error) {
	bs, err := m.store.Backups()
	if err != nil {
		return nil, err
	}
	var out []*Backup
	for _, b := range bs {
		out = append(out, newBackup(b))
	}
	return out, nil
}

// FindBackup returns the backup named name (ignoring case).
func (m *Model) FindBackup(name string) (*Backup, error) {
	b, err := m.store.FindBackup(name)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, &NotFoundError{Object: BackupKind.Name, ID: name}
	}
	return newBackup(b), nil
}

// PlanBackup is AddBackup without writing (-whatif): the file the backup
// would be, or why the name is taken.
func (m *Model) PlanBackup(name string) (string, error) {
	var be *configstore.BackupError
	if err := configstore.CheckBackupName(name); errors.As(err, &be) {
		return "", &BackupNameError{Name: be.Name, Reason: be.Reason}
	}
	if b, err := m.store.FindBackup(name); err != nil || b != nil {
		if err != nil {
			return "", err
		}
		return "", &BackupExistsError{Name: name}
	}
	return (&configstore.Backup{Name: name, Dir: m.store.BackupRoot() + string(os.PathSeparator) + name}).File(), nil
}

// AddBackup copies applicationHost.config, as read, into a new backup.
func (m *Model) AddBackup(name string) (*Backup, error) {
	b, err := m.store.AddBackup(name)
	var be *configstore.BackupError
	switch {
	case errors.As(err, &be) && be.Exists:
		return nil, &BackupExistsError{Name: be.Name}
	case errors.As(err, &be):
		return nil, &BackupNameError{Name: be.Name, Reason: be.Reason}
	case err != nil:
		return nil, err
	}
	return newBackup(b), nil
}

// DeleteBackup removes a backup or history entry.
func (m *Model) DeleteBackup(b *Backup) error { return m.store.DeleteBackup(b.b) }

// RestoreBackup replaces applicationHost.config in the store with the
// backup; saving the store writes it.
func (m *Model) RestoreBackup(b *Backup) error {
	_, err := m.store.RestoreBackup(b.b)
	clear(m.effs)
	return err
}
