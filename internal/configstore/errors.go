package configstore

import (
	"fmt"
	"strings"
)

// The typed errors below carry what cmd needs to print appcmd's
// "ERROR ( message:... )" text and choose the exit code; cmd/errors.go is the
// one place that maps them.

// ConfigFileError is a configuration file that cannot be used: unreadable,
// malformed, or holding settings the configuration system rejects. IIS shows
// it as a "Configuration error" with file, line and description.
type ConfigFileError struct {
	File        string
	Line        int
	Description string
	Kind        ConfigErrorKind
	Err         error
	// Write is set for errors of writing a file: they have no line, and
	// the message leaves the line out, as IIS does.
	Write bool
	// Undeclared names the section of an "Unrecognized configuration
	// section" error (DescUnrecognizedSect), for the hint that says how
	// to declare it.
	Undeclared string
}

// ConfigErrorKind tells why a file was rejected, for the exit code.
type ConfigErrorKind int

const (
	ErrMalformed  ConfigErrorKind = iota // not well-formed XML or invalid content
	ErrUnreadable                        // missing or unreadable file
	ErrLocked                            // a section or attribute used where it is locked
	ErrConflict                          // another command changed the file meanwhile
	ErrRefused                           // a write outside the folders it belongs in
)

func (e *ConfigFileError) Error() string {
	if e.Write && e.Line == 0 {
		return e.File + ": " + e.Description
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Description)
}

func (e *ConfigFileError) Unwrap() error { return e.Err }

// Description texts of the IIS configuration system (appcmd.md §10).
const (
	DescNotWellFormed   = "Configuration file is not well-formed XML"
	DescCannotRead      = "Cannot read configuration file"
	DescLockViolation   = `This configuration section cannot be used at this path. This happens when the section is locked at a parent level. Locking is either by default (overrideModeDefault="Deny"), or set explicitly by a location tag with overrideMode="Deny" or the legacy allowOverride="false".`
	DescNotInLocation   = "Section is not allowed in location tag"
	DescAttrLocked      = "Lock violation"
	DescBothOverride    = "The overrideMode and allowOverride attributes cannot both be specified on the same location tag"
	DescSectionTwice    = "Config section '%s' already defined. Sections must only appear once per config file. See the help topic <location> for exceptions"
	DescMissingDecl     = "The configuration section '%s' cannot be read because it is missing a section declaration"
	DescMissingSchema   = "The configuration section '%s' cannot be read because it is missing schema"
	DescUnrecognizedAtt = "Unrecognized attribute '%s'"
	DescUnrecognizedEl  = "Unrecognized element '%s'"
	DescDuplicate       = "Cannot add duplicate collection entry of type '%s' with unique key attribute '%s' set to '%s'"
	DescDuplicateCombo  = "Cannot add duplicate collection entry of type '%s' with combined key attributes '%s' respectively set to '%s'"
	DescMissingRequired = "Missing required attribute '%s'"
	DescAllowDefinition = "This configuration section cannot be used at this path. The section is registered with allowDefinition='%s', which does not allow it at %s"

	// Load-time checks (docs/config.md lists them with what triggers them).
	DescAttrInvalid       = "The '%s' attribute is invalid.  %s"
	DescLockUnknownAttr   = "%s contains unknown attribute '%s'"
	DescLockUnknownElem   = "%s contains unknown element '%s'"
	DescDuplicateDecl     = "There is a duplicate '%s' section defined"
	DescConfigSectionsOne = "Only one <configSections> element allowed.  It must be the first child element of the root <configuration> element"
	DescUnrecognizedSect  = "Unrecognized configuration section '%s'"
	DescUnrecognizedPath  = "Unrecognized configuration path '%s'"
	// configSource: the first two are IIS's texts; the rest are ours and
	// say what IIS accepts.
	DescSourceOpen     = "Unable to open configSource file '%s'"
	DescSourceParse    = "Specified configSource cannot be parsed"
	DescSourceRelative = "The configSource attribute must be a relative physical path in the folder of the configuration file or below it, without '..': '%s'"
	DescSourceLocation = "The configSource attribute is not allowed inside a <location> tag of applicationHost.config"
	DescSourceAlone    = "A section using 'configSource' may contain no other attributes or elements"
	DescSourceMove     = "Cannot lock or unlock section '%s' here: its settings are kept in '%s' (configSource), and IIS allows no configSource inside the <location> tag that locking writes. Move the settings into applicationHost.config first"
)

// UnknownSectionError is a section name that is not declared or has no schema.
type UnknownSectionError struct {
	Name   string
	Reason string // DescMissingDecl or DescMissingSchema, formatted
}

func (e *UnknownSectionError) Error() string { return e.Reason }

// UnknownAttributeError is a property path that the section's schema does
// not define.
type UnknownAttributeError struct{ Path string }

func (e *UnknownAttributeError) Error() string {
	return fmt.Sprintf("Unknown attribute %q.  Replace with -? for help.", e.Path)
}

// PathError is a config path or URL that does not resolve.
type PathError struct {
	Path   string
	Reason string
}

func (e *PathError) Error() string { return e.Reason }

// NotFoundError is a collection element or object that does not exist.
type NotFoundError struct {
	Message string
}

func (e *NotFoundError) Error() string { return e.Message }

// DuplicateError is an add of a collection entry whose key already exists.
type DuplicateError struct {
	Message string
}

func (e *DuplicateError) Error() string { return e.Message }

// LockError is a write that a lock forbids: a locked section, attribute or
// element, or a section outside its allowDefinition.
type LockError struct {
	File        string
	Line        int
	Description string
	// Above: the lock is set in machine.config or the root web.config,
	// and binds applicationHost.config too.
	Above bool
}

func (e *LockError) Error() string { return e.Description }

// InvalidOperationError is a request that is well-formed but not possible,
// such as clearing a collection that does not support <clear>.
type InvalidOperationError struct{ Message string }

func (e *InvalidOperationError) Error() string { return e.Message }

func quoteList(vals []string) string { return strings.Join(vals, ", ") }
