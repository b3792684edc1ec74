package iisconfig

import (
	"errors"
	"fmt"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// HRESULT-style codes of the errors most programs test for. Code is
// 0x80070000 plus the Win32 error code appcmd exits with (docs/errors.md),
// or 0x80004005 (E_FAIL) for anything else.
const (
	CodeFileNotFound  uint32 = 0x80070002 // a configuration file missing or unreadable
	CodePathNotFound  uint32 = 0x80070003 // a config path that names no site
	CodeAccessDenied  uint32 = 0x80070005
	CodeInvalidData   uint32 = 0x8007000D // a malformed file, or a value its attribute refuses
	CodeConflict      uint32 = 0x80070020 // another writer changed a file since the Manager read it
	CodeLockViolation uint32 = 0x80070021 // a section or attribute locked at this path
	CodeNotSupported  uint32 = 0x80070032
	CodeInvalidArg    uint32 = 0x80070057 // an unknown section or attribute, a wrong Go type
	CodeAlreadyExists uint32 = 0x800700B7 // a collection entry with this key exists
	CodeNotFound      uint32 = 0x800710D8 // a collection entry that does not exist
	CodeFail          uint32 = 0x80004005
)

// ConfigError is every error of the package about the configuration. Err is
// the underlying error, for errors.As to the engine's own types in tests.
type ConfigError struct {
	File    string // the configuration file, when the error is about one
	Line    int    // 1-based; 0 when not known
	Code    uint32 // HRESULT-style, e.g. CodeLockViolation
	Message string
	Err     error
}

func (e *ConfigError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s (hresult %08x)", e.File, e.Line, e.Message, e.Code)
	case e.File != "":
		return fmt.Sprintf("%s: %s (hresult %08x)", e.File, e.Message, e.Code)
	}
	return fmt.Sprintf("%s (hresult %08x)", e.Message, e.Code)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// wrap turns an engine error into a *ConfigError with the code the CLI
// gives it (exitCode, checked against the CLI's one error table).
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return err
	}
	e := &ConfigError{Message: err.Error(), Err: err, Code: hresult(exitCode(err))}
	var cfe *configstore.ConfigFileError
	var le *configstore.LockError
	var se *section.SchemaError
	switch {
	case errors.As(err, &cfe):
		e.File, e.Line, e.Message = cfe.File, cfe.Line, cfe.Description
	case errors.As(err, &le):
		e.File, e.Line, e.Message = le.File, le.Line, le.Description
	case errors.As(err, &se):
		e.File, e.Line = se.File, se.Line
	}
	var ve *section.ValueError
	if errors.As(err, &ve) {
		e.Message = fmt.Sprintf("Invalid value %q for attribute %q. %s", ve.Input, ve.Attribute, ve.Reason)
	}
	var ice *commit.InvalidChangeError
	if errors.As(err, &ice) {
		e.Message = ice.Description
	}
	return e
}

func hresult(exit int) uint32 {
	if exit <= 1 {
		return CodeFail
	}
	return 0x80070000 | uint32(exit)&0xffff
}

// argError is a call the package refuses before asking the engine: a Go
// value of the wrong type, an empty key.
func argError(format string, args ...any) error {
	return &ConfigError{Code: CodeInvalidArg, Message: fmt.Sprintf(format, args...)}
}
