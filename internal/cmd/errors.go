package cmd

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Exit codes. appcmd.exe exits with the Win32 error code of the failure
// (the low word of an 0x8007xxxx HRESULT). Codes the reference confirms are
// marked; the others are our choice (docs/errors.md lists them all).
const (
	exitOK             = 0
	exitHelp           = 1    // /? help [JX]
	exitNotFoundFile   = 2    // ERROR_FILE_NOT_FOUND: configuration file missing (ours)
	exitPathNotFound   = 3    // ERROR_PATH_NOT_FOUND: unknown config path (ours)
	exitAccessDenied   = 5    // ERROR_ACCESS_DENIED (AZURE-STARTUP)
	exitInvalidData    = 13   // ERROR_INVALID_DATA: malformed indexer (confirmed), invalid values (ours)
	exitSharing        = 32   // ERROR_SHARING_VIOLATION: another command changed a file meanwhile (ours)
	exitLockViolation  = 33   // ERROR_LOCK_VIOLATION, 0x80070021 (expected by the reference)
	exitNotSupported   = 50   // ERROR_NOT_SUPPORTED (ours)
	exitInvalidParam   = 87   // ERROR_INVALID_PARAMETER [JX]
	exitDuplicate      = 183  // ERROR_ALREADY_EXISTS (confirmed)
	exitAlreadyRunning = 1056 // ERROR_SERVICE_ALREADY_RUNNING: start of a started site or pool (ours)
	exitNotActive      = 1062 // ERROR_SERVICE_NOT_ACTIVE: stop or recycle of a stopped one (ours)
	exitObjNotFound    = 1168 // ERROR_NOT_FOUND: missing SITE/APP/... object [JX]
	exitElemNotFound   = 4312 // 0x800710D8: collection element not found (confirmed)
	exitFailure        = 1    // anything else
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

// configErrorFrame is the form for a configuration file that cannot be
// used. A file that cannot be written has no line: the line is left out,
// as IIS does (a file that cannot be read is "Line Number: 0" in IIS too).
func configErrorFrame(file string, line int, desc string, write bool) string {
	ln := "\nLine Number: " + fmt.Sprint(line)
	if write && line == 0 {
		ln = ""
	}
	return "ERROR ( message:Configuration error\nFilename: " + file + ln + "\nDescription: " + desc + "\n. )"
}

// describe maps any error to appcmd.exe's text and exit code. It is the one
// place that decides both (style: "typed errors, mapped once"): the first
// rule of errorRules that matches wins.
func describe(err error) *appcmdError {
	if ae, ok := as[*appcmdError](err); ok {
		return ae // already in appcmd.exe's form, with its code
	}
	for _, r := range errorRules {
		if text, ok := r.match(err); ok {
			return &appcmdError{text, r.code}
		}
	}
	return &appcmdError{frame(err.Error()), exitFailure}
}

// errorRule maps one kind of error to its text and exit code. example is
// an instance for the table test and for docs/errors.md, which is
// generated from these rules (go test ./internal/cmd -run TestErrorDocs
// -update).
type errorRule struct {
	code    int
	when    string // for docs/errors.md
	origin  string // "confirmed" (the reference has it) or "ours" (UNCONFIRMED there)
	example error
	match   func(error) (string, bool)
}

// as returns the first error in err's chain of type T.
func as[T error](err error) (T, bool) {
	var t T
	ok := errors.As(err, &t)
	return t, ok
}

// framed matches errors of type T, printed in appcmd's error frame with
// the text msg gives.
func framed[T error](msg func(T) string) func(error) (string, bool) {
	return func(err error) (string, bool) {
		e, ok := as[T](err)
		if !ok {
			return "", false
		}
		return frame(msg(e)), true
	}
}

// configFileRule matches configuration file errors of one kind; perm
// selects those caused by a permission error.
func configFileRule(kind configstore.ConfigErrorKind, perm bool) func(error) (string, bool) {
	return func(err error) (string, bool) {
		cfe, ok := as[*configstore.ConfigFileError](err)
		if !ok || cfe.Kind != kind || (kind == configstore.ErrUnreadable && errors.Is(err, fs.ErrPermission) != perm) {
			return "", false
		}
		return configErrorFrame(cfe.File, cfe.Line, cfe.Description, cfe.Write), true
	}
}

var errorRules = []errorRule{
	{code: exitInvalidData, when: "malformed collection indexer on the command line", origin: "confirmed",
		example: &usageError{Message: commit.MalformedIndexerMessage, Framed: true, Err: &commit.MalformedIndexerError{Path: "[name='x'"}},
		match: func(err error) (string, bool) {
			ue, ok := as[*usageError](err)
			if !ok || !errors.As(ue.Err, new(*commit.MalformedIndexerError)) {
				return "", false
			}
			return frame(ue.Message), true
		}},
	{code: exitInvalidParam, when: "usage: unknown object, verb or parameter, stray token, missing identifier or section", origin: "confirmed",
		example: objectNotSupported("foo"),
		match: func(err error) (string, bool) {
			ue, ok := as[*usageError](err)
			if !ok {
				return "", false
			}
			if ue.Framed {
				return frame(ue.Message), true
			}
			return ue.Message, true
		}},
	{code: exitInvalidData, when: "malformed collection indexer in a path read from a file or /in", origin: "confirmed",
		example: &commit.MalformedIndexerError{Path: "[a"},
		match:   framed(func(e *commit.MalformedIndexerError) string { return e.Error() })},
	{code: exitAccessDenied, when: "a configuration file that cannot be read or written for lack of permission", origin: "confirmed",
		example: &configstore.ConfigFileError{File: "/etc/iis/applicationHost.config", Description: configstore.DescCannotRead, Kind: configstore.ErrUnreadable, Err: fs.ErrPermission},
		match:   configFileRule(configstore.ErrUnreadable, true)},
	{code: exitNotFoundFile, when: "a configuration file that is missing or cannot be read or written", origin: "ours",
		example: &configstore.ConfigFileError{File: "/etc/iis/applicationHost.config", Description: configstore.DescCannotRead, Kind: configstore.ErrUnreadable, Err: fs.ErrNotExist},
		match:   configFileRule(configstore.ErrUnreadable, false)},
	{code: exitAccessDenied, when: "a web.config write whose real path a symbolic link takes out of its virtual directory (without -followLinks)", origin: "ours",
		example: &configstore.ConfigFileError{File: "/srv/site/sub/web.config", Kind: configstore.ErrRefused, Write: true,
			Description: "Cannot write configuration file: through a symbolic link it is /srv/outside/web.config, outside /srv/site, the physical path of its virtual directory; nothing was written. To write through such links, add -followLinks or set APPCMD_FOLLOW_LINKS=1"},
		match: configFileRule(configstore.ErrRefused, false)},
	{code: exitSharing, when: "a web.config that another command changed while this one waited for its folder lock (only with folders mapped crosswise by two applicationHost.config files)", origin: "ours",
		example: &configstore.ConfigFileError{File: "/srv/p/web.config", Kind: configstore.ErrConflict,
			Description: "Another command changed the configuration file while this one was waiting for a lock; nothing was written. Run the command again"},
		match: configFileRule(configstore.ErrConflict, false)},
	{code: exitLockViolation, when: "a file that sets a section or attribute where it is locked", origin: "ours",
		example: &configstore.ConfigFileError{File: "/srv/site/web.config", Line: 4, Description: configstore.DescLockViolation, Kind: configstore.ErrLocked},
		match:   configFileRule(configstore.ErrLocked, false)},
	{code: exitInvalidData, when: "a configuration file that is malformed or holds invalid content", origin: "ours",
		example: &configstore.ConfigFileError{File: "/srv/site/web.config", Line: 3, Description: configstore.DescNotWellFormed, Kind: configstore.ErrMalformed},
		match:   configFileRule(configstore.ErrMalformed, false)},
	{code: exitLockViolation, when: "a write that a lock, allowDefinition or allowLocation forbids (0x80070021)", origin: "ours",
		example: &configstore.LockError{Description: configstore.DescLockViolation},
		match: func(err error) (string, bool) {
			le, ok := as[*configstore.LockError](err)
			if !ok {
				return "", false
			}
			return hresultFrame(0x80070021, le.Description), true
		}},
	{code: exitInvalidParam, when: "a section that is not declared or has no schema", origin: "confirmed",
		example: &configstore.UnknownSectionError{Name: "system.webServer/x", Reason: fmt.Sprintf(configstore.DescMissingDecl, "system.webServer/x")},
		match:   framed(func(e *configstore.UnknownSectionError) string { return e.Reason })},
	{code: exitInvalidParam, when: "an attribute the section's schema does not define", origin: "ours",
		example: &configstore.UnknownAttributeError{Path: "pingIntervl"},
		match:   framed(func(e *configstore.UnknownAttributeError) string { return e.Error() })},
	{code: exitInvalidData, when: "a value its attribute's type or validator rejects", origin: "ours",
		example: &section.ValueError{Attribute: "receiveBufferLimit", Input: "1", Reason: "Integer value must be between 4096 and 2147483647 inclusive"},
		match: framed(func(e *section.ValueError) string {
			return fmt.Sprintf("Invalid value %q for attribute %q. %s", e.Input, e.Attribute, e.Reason)
		})},
	{code: exitPathNotFound, when: "a config path or URL that names no site, or uses . or ..", origin: "ours",
		example: &configstore.PathError{Path: "MACHINE/WEBROOT/APPHOST/Nowhere", Reason: "Unrecognized configuration path 'MACHINE/WEBROOT/APPHOST/Nowhere'"},
		match:   framed(func(e *configstore.PathError) string { return e.Reason })},
	{code: exitElemNotFound, when: "a collection element that does not exist (0x800710D8)", origin: "confirmed",
		example: &configstore.NotFoundError{Message: "Cannot find requested collection element."},
		match:   framed(func(e *configstore.NotFoundError) string { return e.Message })},
	{code: exitObjNotFound, when: "a SITE, APP, VDIR, APPPOOL, MODULE or BACKUP object that does not exist", origin: "confirmed",
		example: &iis.NotFoundError{Object: "SITE", ID: "Nowhere"},
		match: framed(func(e *iis.NotFoundError) string {
			return fmt.Sprintf("Cannot find %s object with identifier %q.", e.Object, e.ID)
		})},
	{code: exitDuplicate, when: "an add of a SITE, APP, VDIR, APPPOOL or MODULE object that exists (appcmd.md §7.4)", origin: "confirmed",
		example: &iis.ExistsError{Object: "APPPOOL", ID: "DefaultAppPool"},
		match: framed(func(e *iis.ExistsError) string {
			return fmt.Sprintf("Failed to add duplicate collection element %q.", e.ID)
		})},
	{code: exitDuplicate, when: "a site id, or a new name or path of an object, that a sibling has", origin: "ours",
		example: &iis.DuplicateKeyError{Element: "site", Key: "id", Value: "2"},
		match: framed(func(e *iis.DuplicateKeyError) string {
			return fmt.Sprintf(configstore.DescDuplicate, e.Element, e.Key, e.Value)
		})},
	{code: exitInvalidParam, when: "an object verb without its identifier or a required parameter", origin: "ours",
		example: &iis.MissingError{Object: "APP", Param: "path"},
		match: func(err error) (string, bool) {
			me, ok := as[*iis.MissingError](err)
			switch {
			case !ok:
				return "", false
			case me.Param == "":
				return frame(fmt.Sprintf("Must specify the %s object with identifier.", me.Object)), true
			}
			return frame(fmt.Sprintf("Must specify the %s parameter to add a %s object, e.g. /%s:VALUE.", me.Param, me.Object, me.Param)), true
		}},
	{code: exitDuplicate, when: "add backup with a name in use: fails like the file creation it is (0x800700B7)", origin: "ours",
		example: &iis.BackupExistsError{Name: "before-upgrade"},
		match: func(err error) (string, bool) {
			if _, ok := as[*iis.BackupExistsError](err); !ok {
				return "", false
			}
			return hresultFrame(0x800700b7, "Cannot create a file when that file already exists."), true
		}},
	{code: exitInvalidParam, when: "a backup name that is not one plain folder name", origin: "ours",
		example: &iis.BackupNameError{Name: "a/b", Reason: `Invalid backup name "a/b": use a folder name without /\:*?"<>| and surrounding spaces`},
		match:   framed(func(e *iis.BackupNameError) string { return e.Reason })},
	{code: exitElemNotFound, when: "a runtime operation (start, stop, recycle, list wp, list request) with no appcmd serve running for the configuration: as appcmd.exe without IIS services (0x800710D8)", origin: "confirmed",
		example: &iis.RuntimeError{},
		match: func(err error) (string, bool) {
			if _, ok := as[*iis.RuntimeError](err); !ok {
				return "", false
			}
			return hresultFrame(0x800710d8, "The object identifier does not represent a valid object."), true
		}},
	{code: exitAlreadyRunning, when: "start site or start apppool of one that the running serve serves (0x80070420)", origin: "ours",
		example: &iis.AlreadyError{Object: "SITE", ID: "Contoso", Running: true},
		match: func(err error) (string, bool) {
			if e, ok := as[*iis.AlreadyError](err); !ok || !e.Running {
				return "", false
			}
			return hresultFrame(0x80070420, "An instance of the service is already running."), true
		}},
	{code: exitNotActive, when: "stop site, stop apppool or recycle apppool of one that the running serve does not serve (0x80070426)", origin: "ours",
		example: &iis.AlreadyError{Object: "APPPOOL", ID: "MyPool"},
		match: func(err error) (string, bool) {
			if e, ok := as[*iis.AlreadyError](err); !ok || e.Running {
				return "", false
			}
			return hresultFrame(0x80070426, "The service has not been started."), true
		}},
	{code: exitInvalidData, when: "/in records that are not XML written by /xml, or not of the verb's object (0x8007000D)", origin: "ours",
		example: &iis.InvalidDataError{},
		match: func(err error) (string, bool) {
			if _, ok := as[*iis.InvalidDataError](err); !ok {
				return "", false
			}
			return hresultFrame(0x8007000d, "The data is invalid."), true
		}},
	{code: exitDuplicate, when: "an add of a collection entry or object whose key exists", origin: "confirmed",
		example: &configstore.DuplicateError{Message: fmt.Sprintf(configstore.DescDuplicate, "add", "value", "home.html")},
		match:   framed(func(e *configstore.DuplicateError) string { return e.Message })},
	{code: exitInvalidData, when: "an operation the section does not support (e.g. clearing a collection that has no clear element)", origin: "ours",
		example: &configstore.InvalidOperationError{Message: "The collection cannot be cleared."},
		match:   framed(func(e *configstore.InvalidOperationError) string { return e.Message })},
	{code: exitInvalidParam, when: "a -commit: value that names no level", origin: "ours",
		example: &commit.TargetError{Message: "Invalid commit path 'nowhere'."},
		match:   framed(func(e *commit.TargetError) string { return e.Message })},
	{code: exitInvalidData, when: "a change the configuration system refuses", origin: "ours",
		example: &commit.InvalidChangeError{Description: "The element cannot be removed."},
		match:   framed(func(e *commit.InvalidChangeError) string { return e.Description })},
	{code: exitNotSupported, when: "setting an attribute IIS stores encrypted", origin: "ours",
		example: &commit.EncryptedError{Attribute: "password"},
		match:   framed(func(e *commit.EncryptedError) string { return e.Error() })},
	{code: exitInvalidData, when: "a schema file that cannot be loaded", origin: "ours",
		example: &section.SchemaError{File: "schema/x.xml", Line: 2, Msg: "unknown type \"color\""},
		match:   framed(func(e *section.SchemaError) string { return "Cannot load schema: " + e.Error() })},
}

// ExitCode is the exit code the CLI gives err, the Win32 error code of its
// HRESULT: iisconfig's tests check that the public API reports the same.
func ExitCode(err error) int { return describe(err).code }
