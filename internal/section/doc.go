// Package section is appcmd's configuration schema: which sections exist,
// what elements, attributes and collections they have, and how attribute
// values are parsed, validated, written and compared. It follows the IIS
// rules and reads schema files in the IIS format, so the real IIS schema
// files load unmodified. It knows nothing of configuration files.
//
// # Schema
//
// Builtin returns the embedded definitions (builtin/*.xml): the sections
// appcmd's default configuration declares, plus system.webServer/webSocket.
// Add parses one more schema file and LoadDirs adds every *.xml file of some
// directories, in name order. A file that names a section already known
// extends it, as in IIS (Ftp_schema.xml adds ftpServer to sites): what it
// defines replaces what has the same name, the rest is appended. A Schema
// may be read from several goroutines once loaded; Add needs exclusive use.
//
//	s := section.Builtin()
//	err := section.LoadDirs(s, []string{dir})
//	sec, err := s.Lookup("webSocket") // or s.Section("system.webServer/webSocket")
//	a := sec.Root.Attribute("pingInterval")
//	v, err := a.Normalize("0:0:30") // "00:00:30"
//
// Section names resolve by full name or by a trailing part ("webSocket",
// "authentication/anonymousAuthentication"), exact case first (Resolve,
// ResolveAmong, Lookup).
//
// The model mirrors the schema format. A Section has a Root Element. An
// Element has Attributes, child Elements and at most one Collection. A
// Collection names its add/remove/clear directives and holds the Item
// schema of its entries, which may have collections of their own
// (sites > site > application > virtualDirectory). Elements marked
// IsCollectionDefault (siteDefaults, applicationPoolDefaults, ...) hold
// defaults for the collection whose DefaultElement names them. KeyAttributes
// gives the attributes that identify an entry.
//
// # The schema format
//
//	<configSchema>
//	  <sectionSchema name="system.webServer/webSocket">
//	    <attribute name="enabled" type="bool" defaultValue="true" />
//	    <element name="child"> ... </element>
//	    <collection addElement="add" removeElement="remove" clearElement="clear">
//	      <attribute name="value" type="string" isUniqueKey="true" />
//	    </collection>
//	  </sectionSchema>
//	</configSchema>
//
// attribute: name, type (bool, enum, flags, uint, int, int64, string,
// timeSpan), required, isUniqueKey, isCombinedKey, caseSensitive,
// defaultValue, encrypted, allowInfinite, timeSpanFormat (string, seconds,
// minutes), expanded, validationType, validationParameter, displayHex; enum
// and flags attributes list <enum name value> or <flag name value>.
// element: name, isCollectionDefault. collection: addElement (a comma list
// allows several add names), removeElement, clearElement, defaultElement,
// mergeAppend (default true), allowDuplicates, allowUnrecognizedAttributes.
// <method> elements and anything with an extension attribute describe
// runtime extensions and are skipped; unknown elements are ignored.
//
// # Values
//
// Attribute.Normalize turns command-line or file text into the text IIS
// writes, or fails with a *ValueError whose Reason is the IIS validation
// text ("Integer value must be between 4096 and 2147483647 inclusive").
// Default gives the canonical default, Equal compares two values the way
// the type does, and Bool, Int and Duration read typed values.
//
//   - bool: true or false in any case; written in lower case.
//   - uint, int, int64: decimal (0x hex too when displayHex); 0..4294967295,
//     int32 and int64 ranges. With allowInfinite, Infinite is accepted.
//   - enum: a name in any case, or its number; written as the schema spells
//     the name.
//   - flags: names separated by commas, or a number; written in schema order
//     joined with ", ". A zero-valued name (None) only stands alone.
//   - timeSpan: hh:mm[:ss[.fffffff]], d.hh:mm:ss[.fffffff] or
//     d:hh:mm:ss[.fffffff], optionally negative; Infinite when allowInfinite.
//     Written as [-][d.]hh:mm:ss[.fffffff]. With timeSpanFormat seconds or
//     minutes, the value is a whole number in that unit (input may also be a
//     clock form).
//   - string: kept as given.
//
// Validators: integerRange "min,max[,exclude]", timeSpanRange
// "min,max,granularity[,exclude]" (seconds), nonEmptyString,
// requireTrimmedString, siteName, applicationPoolName, applicationPath,
// virtualDirectoryPath. With exclude the value must lie outside the range.
package section
