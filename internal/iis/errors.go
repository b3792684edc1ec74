package iis

import "fmt"

// The errors of the object rules carry what went wrong, not how appcmd
// prints it: cmd/errors.go maps each to appcmd.exe's text and exit code.
// Error() gives a plain form for logs and tests.

// NotFoundError is a SITE, APP, VDIR, APPPOOL, MODULE or BACKUP that does
// not exist.
type NotFoundError struct{ Object, ID string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("Cannot find %s object with identifier %q.", e.Object, e.ID)
}

// ExistsError is an add of an object whose identifier is taken.
type ExistsError struct{ Object, ID string }

func (e *ExistsError) Error() string { return fmt.Sprintf("%s %q exists", e.Object, e.ID) }

// DuplicateKeyError is a key attribute (a site's id, a renamed name or
// path) that a sibling element already has.
type DuplicateKeyError struct{ Element, Key, Value string }

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("duplicate %s %s %q", e.Element, e.Key, e.Value)
}

// MissingError is a value an object verb needs and did not get: Param is
// the parameter, or "" for the object's identifier.
type MissingError struct{ Object, Param string }

func (e *MissingError) Error() string {
	if e.Param == "" {
		return fmt.Sprintf("%s identifier missing", e.Object)
	}
	return fmt.Sprintf("%s parameter %s missing", e.Object, e.Param)
}

// BackupExistsError is a backup name in use.
type BackupExistsError struct{ Name string }

func (e *BackupExistsError) Error() string { return fmt.Sprintf("backup %q exists", e.Name) }

// BackupNameError is a name a backup cannot have.
type BackupNameError struct{ Name, Reason string }

func (e *BackupNameError) Error() string { return e.Reason }

// RuntimeError is a runtime operation (start, stop, recycle, list wp):
// there are no IIS services here to carry it out.
type RuntimeError struct{}

func (e *RuntimeError) Error() string { return "the IIS runtime services are not available" }
