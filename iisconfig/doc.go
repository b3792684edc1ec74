// Package iisconfig reads and edits IIS configuration (applicationHost.config
// and web.config files) from Go, in the shape users of
// Microsoft.Web.Administration know: a Manager opens the configuration,
// ApplicationHost and WebConfig give the files, Section the settings of one
// section at one path, Element, Attr/SetAttr and Collection edit them, and
// Commit writes every change as one all-or-nothing step.
//
// The package is the public face of the engine behind the appcmd command:
// reads go through the same effective view (schema defaults, the hierarchy
// of files and <location> tags, locks), edits through the same change sets
// (internal/commit.Apply), and Commit through the same save, locks and
// configuration history, so a program and the CLI behave the same way.
//
// # Values
//
// Attr returns, and SetAttr accepts, values typed by the attribute's schema
// type:
//
//	bool       bool
//	uint       uint32
//	int        int32
//	int64      int64
//	timeSpan   time.Duration
//	string     string
//	enum       string, the value's name ("Integrated"); SetAttr also takes its number
//	flags      string, names joined by commas ("Read,Script"); SetAttr also takes a number
//
// SetAttr also accepts any Go integer type for the numeric kinds and a string
// for every kind, parsed as appcmd parses its command line.
//
// # Errors
//
// The package never prints. Every error about the configuration can be
// inspected with errors.As as a *ConfigError, which carries the file and line
// when there is one and the IIS HRESULT-style code (the one appcmd exits
// with, as 0x8007xxxx).
//
// # Concurrency
//
// A Manager is safe for concurrent use by the goroutines of one process:
// every method (and every method of the Sections, Elements and Collections
// it returns) takes the Manager's mutex. Goroutines that edit through one
// Manager share one change set; Commit writes what has been set by then, in
// the order the calls were made. Elements are views by path, so an Element
// stays usable after other edits, but one that names a collection entry
// another goroutine removed reports a not-found error.
//
// Separate Managers, in one process or in several, and appcmd commands are
// serialized by the file lock the CLI uses. A Manager reads each file once
// (when first needed) and works on that copy; Commit refuses with a
// ConfigError of code CodeConflict when another writer replaced a file that
// the Manager read since it read it. The rule is then: call Refresh and make
// the changes again. A Manager holds no file open and no lock between calls:
// files are read into memory, and the write lock is held only inside Commit.
//
// # Versioning
//
// The module is at v0: this API may still change between minor versions
// until it is settled, then follow semantic versioning from v1. docs/api.md
// records changes.
package iisconfig
