package section

import (
	"fmt"
	"strings"
)

// Validation texts. The ones IIS (through Microsoft.Web.Administration)
// is known to print are kept word for word; the others are ours and say
// what a valid value looks like. Callers show Reason to the user.
const (
	msgIntegerRange        = "Integer value must be between %d and %d inclusive"
	msgIntegerRangeExclude = "Integer value must not be between %d and %d inclusive"
	msgTimeSpanRange       = "Timespan value must be between %d and %d seconds inclusive, with a granularity of %d seconds"
	// Ours: IIS has no known text for an excluded time span range.
	msgTimeSpanRangeExclude = "Timespan value must not be between %d and %d seconds inclusive, and must have a granularity of %d seconds"
	msgNonEmptyString       = "String must not be empty"
	// Ours: no IIS text for requireTrimmedString is known.
	msgRequireTrimmedString = "String must not have whitespace at the start or end"
	msgSiteName             = "Invalid site name"
	msgApplicationPoolName  = "Invalid application pool name"
	msgApplicationPath      = "Invalid application path"
	msgVirtualDirectoryPath = "Invalid virtual directory path"
	msgEnum                 = "Enum must be one of %s"
	msgFlags                = "Flags must be some combination of %s"

	// Ours: parse errors for values that are not of the attribute's type.
	msgBool           = "Invalid boolean value %q. Use true or false"
	msgUint           = "Invalid unsigned integer value %q. Use a whole number from 0 to 4294967295"
	msgInt            = "Invalid integer value %q. Use a whole number from -2147483648 to 2147483647"
	msgInt64          = "Invalid integer value %q. Use a whole number from -9223372036854775808 to 9223372036854775807"
	msgTimeSpan       = "Invalid timespan value %q. Use hh:mm:ss, d.hh:mm:ss or hh:mm:ss.fffffff"
	msgTimeSpanUnit   = "Invalid timespan value %q. Use a whole number of %s, or hh:mm:ss"
	msgTimeSpanWhole  = "Timespan value %q is not a whole number of %s"
	msgInfiniteSuffix = ", or Infinite"
)

// Rule names in ValueError.Rule besides the validationType names
// (integerRange, timeSpanRange, nonEmptyString, requireTrimmedString,
// siteName, applicationPoolName, applicationPath, virtualDirectoryPath):
// the kind names bool, enum, flags, uint, int, int64 and timeSpan, for
// text that does not parse as the attribute's type.

// ValueError reports a value that an attribute does not accept.
type ValueError struct {
	Attribute string // attribute name
	Input     string // the value as given
	Rule      string // the validationType or kind that rejected it
	Reason    string // user-facing text, e.g. "String must not be empty"
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("invalid value %q for attribute %q: %s", e.Input, e.Attribute, e.Reason)
}

// Unwrap returns nil: a ValueError has no underlying cause.
func (e *ValueError) Unwrap() error { return nil }

// SchemaError reports a schema file that cannot be used.
type SchemaError struct {
	File string
	Line int // 0 if unknown
	Msg  string
	Err  error // underlying error, e.g. an XML syntax error; may be nil
}

func (e *SchemaError) Error() string {
	var b strings.Builder
	b.WriteString("schema ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func (e *SchemaError) Unwrap() error { return e.Err }

// LookupError reports a section name that matches no section, or more
// than one.
type LookupError struct {
	Name       string
	Candidates []string // empty when nothing matched
}

func (e *LookupError) Error() string {
	if len(e.Candidates) == 0 {
		return fmt.Sprintf("unknown configuration section %q; use a full name such as system.webServer/defaultDocument", e.Name)
	}
	return fmt.Sprintf("section name %q is ambiguous (%s); use the full name", e.Name, strings.Join(e.Candidates, ", "))
}

// Unwrap returns nil: a LookupError has no underlying cause.
func (e *LookupError) Unwrap() error { return nil }
