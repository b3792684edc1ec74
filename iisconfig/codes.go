package iisconfig

import (
	"errors"
	"io/fs"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/section"
)

// exitCode is the Win32 code the CLI exits with for err: the rows of
// internal/cmd/errors.go's rule table for the errors of the engine, in
// the same order (the first match wins). It is a copy so that programs
// using this package do not link the CLI (cobra, the test server);
// TestCodesMatchCLI checks every row against cmd.ExitCode.
func exitCode(err error) int {
	var cfe *configstore.ConfigFileError
	if errors.As(err, &cfe) {
		switch cfe.Kind {
		case configstore.ErrUnreadable:
			if errors.Is(err, fs.ErrPermission) {
				return 5
			}
			return 2
		case configstore.ErrRefused:
			return 5
		case configstore.ErrConflict:
			return 32
		case configstore.ErrLocked:
			return 33
		case configstore.ErrMalformed:
			return 13
		}
	}
	switch {
	case is[*commit.MalformedIndexerError](err):
		return 13
	case is[*configstore.LockError](err):
		return 33
	case is[*configstore.UnknownSectionError](err), is[*configstore.UnknownAttributeError](err):
		return 87
	case is[*section.ValueError](err):
		return 13
	case is[*configstore.PathError](err):
		return 3
	case is[*configstore.NotFoundError](err):
		return 4312
	case is[*iis.NotFoundError](err):
		return 1168
	case is[*iis.ExistsError](err), is[*iis.DuplicateKeyError](err):
		return 183
	case is[*iis.MissingError](err):
		return 87
	case is[*iis.BackupExistsError](err):
		return 183
	case is[*iis.BackupNameError](err):
		return 87
	case is[*iis.RuntimeError](err):
		return 4312
	case is[*iis.InvalidDataError](err):
		return 13
	case is[*configstore.DuplicateError](err):
		return 183
	case is[*configstore.InvalidOperationError](err):
		return 13
	case is[*commit.TargetError](err):
		return 87
	case is[*commit.InvalidChangeError](err):
		return 13
	case is[*commit.EncryptedError](err):
		return 50
	case is[*section.SchemaError](err):
		return 13
	}
	return 1
}

func is[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}
