package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Exit codes. appcmd.exe exits with the Win32 error code of the failure
// (the low word of an 0x8007xxxx HRESULT). Codes the reference confirms are
// marked; the others are our choice (docs/errors.md lists them all).
const (
	exitOK            = 0
	exitHelp          = 1    // /? help [JX]
	exitNotFoundFile  = 2    // ERROR_FILE_NOT_FOUND: configuration file missing (ours)
	exitPathNotFound  = 3    // ERROR_PATH_NOT_FOUND: unknown config path (ours)
	exitAccessDenied  = 5    // ERROR_ACCESS_DENIED (AZURE-STARTUP)
	exitInvalidData   = 13   // ERROR_INVALID_DATA: malformed indexer (confirmed), invalid values (ours)
	exitLockViolation = 33   // ERROR_LOCK_VIOLATION, 0x80070021 (expected by the reference)
	exitNotSupported  = 50   // ERROR_NOT_SUPPORTED (ours)
	exitInvalidParam  = 87   // ERROR_INVALID_PARAMETER [JX]
	exitDuplicate     = 183  // ERROR_ALREADY_EXISTS (confirmed)
	exitObjNotFound   = 1168 // ERROR_NOT_FOUND: missing SITE/APP/... object [JX]
	exitElemNotFound  = 4312 // 0x800710D8: collection element not found (confirmed)
	exitFailure       = 1    // anything else
)

// appcmdError is an error ready to print: the text and the exit code.
type appcmdError struct {
	text string // full text, without the trailing newline
	code int
}

func (e *appcmdError) Error() string { return e.text }

// frame wraps a message the way appcmd.exe prints errors.
func frame(msg string) string { return "ERROR ( message:" + msg + " )" }

// hresultFrame is appcmd.exe's form for a failed operation with an HRESULT.
func hresultFrame(hr uint32, msg string) string {
	return fmt.Sprintf("ERROR ( hresult:%08x, message:Command execution failed.\n%s\n )", hr, msg)
}

// configErrorFrame is the form for a configuration file that cannot be used.
func configErrorFrame(file string, line int, desc string) string {
	return "ERROR ( message:Configuration error\nFilename: " + file + "\nLine Number: " + fmt.Sprint(line) + "\nDescription: " + desc + "\n. )"
}

// describe maps any error to appcmd.exe's text and exit code. It is the one
// place that decides both (style: "typed errors, mapped once").
func describe(err error) *appcmdError {
	var (
		ae   *appcmdError
		ue   *UsageError
		cfe  *configstore.ConfigFileError
		le   *configstore.LockError
		use  *configstore.UnknownSectionError
		uae  *configstore.UnknownAttributeError
		pe   *configstore.PathError
		nfe  *configstore.NotFoundError
		de   *configstore.DuplicateError
		ioe  *configstore.InvalidOperationError
		ve   *section.ValueError
		te   *commit.TargetError
		ice  *commit.InvalidChangeError
		ee   *commit.EncryptedError
		mie  *commit.MalformedIndexerError
		obje *objectNotFoundError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ue):
		if ue.Framed {
			return &appcmdError{frame(ue.Message), ue.Code}
		}
		return &appcmdError{ue.Message, ue.Code}
	case errors.As(err, &mie):
		return &appcmdError{frame(mie.Error()), exitInvalidData}
	case errors.As(err, &cfe):
		code := exitInvalidData
		switch cfe.Kind {
		case configstore.ErrUnreadable:
			code = exitNotFoundFile
			if strings.Contains(strings.ToLower(cfe.Description), "permission") {
				code = exitAccessDenied
			}
		case configstore.ErrLocked:
			code = exitLockViolation
		}
		return &appcmdError{configErrorFrame(cfe.File, cfe.Line, cfe.Description), code}
	case errors.As(err, &le):
		return &appcmdError{hresultFrame(0x80070021, le.Description), exitLockViolation}
	case errors.As(err, &use):
		return &appcmdError{frame(use.Reason), exitInvalidParam}
	case errors.As(err, &uae):
		return &appcmdError{frame(uae.Error()), exitInvalidParam}
	case errors.As(err, &ve):
		return &appcmdError{frame(fmt.Sprintf("Invalid value %q for attribute %q. %s", ve.Input, ve.Attribute, ve.Reason)), exitInvalidData}
	case errors.As(err, &pe):
		return &appcmdError{frame(pe.Reason), exitPathNotFound}
	case errors.As(err, &nfe):
		return &appcmdError{frame(nfe.Message), exitElemNotFound}
	case errors.As(err, &obje):
		return &appcmdError{frame(obje.Error()), exitObjNotFound}
	case errors.As(err, &de):
		return &appcmdError{frame(de.Message), exitDuplicate}
	case errors.As(err, &ioe):
		return &appcmdError{frame(ioe.Message), exitInvalidData}
	case errors.As(err, &te):
		return &appcmdError{frame(te.Message), exitInvalidParam}
	case errors.As(err, &ice):
		return &appcmdError{frame(ice.Description), exitInvalidData}
	case errors.As(err, &ee):
		return &appcmdError{frame(ee.Error()), exitNotSupported}
	}
	var se *section.SchemaError
	if errors.As(err, &se) {
		return &appcmdError{frame("Cannot load schema: " + se.Error()), exitInvalidData}
	}
	return &appcmdError{frame(err.Error()), exitFailure}
}

// objectNotFoundError is a SITE, APP, VDIR, APPPOOL or BACKUP that does not
// exist.
type objectNotFoundError struct {
	Object, ID string
}

func (e *objectNotFoundError) Error() string {
	return fmt.Sprintf("Cannot find %s object with identifier %q.", e.Object, e.ID)
}
