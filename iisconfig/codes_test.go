package iisconfig

import (
	"fmt"
	"io/fs"
	"testing"

	"github.com/appcmd-project/appcmd/internal/cmd"
	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/section"
)

// TestCodesMatchCLI: the codes of ConfigError are the CLI's exit codes,
// for every error type of the engine (the examples of cmd's rule table,
// and wrapped ones).
func TestCodesMatchCLI(t *testing.T) {
	errs := []error{
		&commit.MalformedIndexerError{Path: "[a"},
		&configstore.ConfigFileError{Kind: configstore.ErrUnreadable, Err: fs.ErrPermission},
		&configstore.ConfigFileError{Kind: configstore.ErrUnreadable, Err: fs.ErrNotExist},
		&configstore.ConfigFileError{Kind: configstore.ErrRefused, Write: true},
		&configstore.ConfigFileError{Kind: configstore.ErrConflict},
		&configstore.ConfigFileError{Kind: configstore.ErrLocked},
		&configstore.ConfigFileError{Kind: configstore.ErrMalformed},
		&configstore.LockError{Description: configstore.DescLockViolation},
		&configstore.UnknownSectionError{Name: "x"},
		&configstore.UnknownAttributeError{Path: "x"},
		&section.ValueError{Attribute: "a", Input: "1"},
		&configstore.PathError{Path: "p"},
		&configstore.NotFoundError{Message: "m"},
		&iis.NotFoundError{Object: "SITE", ID: "x"},
		&iis.ExistsError{Object: "APPPOOL", ID: "x"},
		&iis.DuplicateKeyError{Element: "site", Key: "id", Value: "2"},
		&iis.MissingError{Object: "APP", Param: "path"},
		&iis.BackupExistsError{Name: "b"},
		&iis.BackupNameError{Name: "a/b"},
		&iis.RuntimeError{},
		&iis.InvalidDataError{},
		&configstore.DuplicateError{Message: "m"},
		&configstore.InvalidOperationError{Message: "m"},
		&commit.TargetError{Message: "m"},
		&commit.InvalidChangeError{Description: "d"},
		&commit.EncryptedError{Attribute: "password"},
		&section.SchemaError{File: "f", Line: 2, Msg: "m"},
		fmt.Errorf("wrapped: %w", &configstore.PathError{Path: "p"}),
		fmt.Errorf("plain"),
	}
	for _, err := range errs {
		if got, want := exitCode(err), cmd.ExitCode(err); got != want {
			t.Errorf("%T %v: code %d, the CLI exits with %d", err, err, got, want)
		}
	}
}
