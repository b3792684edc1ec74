package cmd

import (
	"errors"
	"sort"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
)

// This file turns argv into a commandLine following the AppCmd grammar
// (appcmd.md §1):
//
//	appcmd VERB OBJECT [IDENTIFIER] [/param[:value] | -param[:value] | - ...]
//	appcmd serve [SITE ...] [-listen:ADDR] [-wildcard:...] [-ping:...] [-exitafter:...] [-addrfile:...]
//
// Decisions where appcmd.exe is undocumented or where we are lenient:
//   - "/" and "-" are interchangeable switch prefixes. After the prefix, "+"
//     and "-" are the add/remove operators, so "--[...]" removes and "-+[...]"
//     adds (UNCONFIRMED in appcmd; all docs use "/-" and "/+").
//   - "!" directly after the prefix turns a general-parameter name into an
//     attribute name: /!text:x sets attribute "text".
//   - Name and value split at the first ':' outside [...] (a ':' inside a
//     selector's quoted value does not count), so timespans and drive paths
//     are values: /pingInterval:00:00:10, /physicalPath:C:\x.
//   - One pair of double quotes around the value is removed
//     (/logTargetW3C:"File,ETW" arriving with literal quotes from a script),
//     and likewise one pair around everything after the prefix, before or
//     after the operator (/+"[name='x']" arriving literally), which is what
//     Windows argument splitting would have done. A token that starts with
//     a literal quote is not a parameter.
//   - General parameter names match case-insensitively; when repeated, the
//     last one wins. -commitPath: is an older spelling of -commit: (IIS
//     articles use it) and counts as the same parameter.
//   - A parameter that ends inside an open single-quoted selector value is
//     joined to the next arguments until the quote closes
//     (joinSplitSelectors): /[name='Default Web Site'].a:b unquoted. /in and a lone "-" set Stdin and are not in Reserved;
//     /? sets Help and is not in Reserved either.
//   - /? or -? anywhere asks for help at the level reached by the
//     non-prefixed tokens before it: none → top, one → that object
//     (an unknown one is still an error), two or more → that verb; serve
//     first → serve's help. Once help is asked for, errors in the rest of
//     the line (bad attribute paths, stray tokens) are ignored.
//   - Parameters without any verb or object (appcmd /xml) print top help
//     and exit 87, like an empty command line.
//   - A syntactically bad attribute name (a..b) is reported as appcmd's
//     "Unknown attribute" error, exit 87 (the exit code is UNCONFIRMED).

// helpLevel says which help text was asked for.
type helpLevel int

const (
	helpNone   helpLevel = iota
	helpTop              // appcmd /?  (or no arguments)
	helpObject           // appcmd site /?
	helpVerb             // appcmd list site /?  (also serve /?)
)

// attrOp is the edit operator of an attribute parameter.
type attrOp int

const (
	opSet    attrOp = iota // /path:value
	opAdd                  // /+path
	opRemove               // /-path
)

func (o attrOp) String() string {
	switch o {
	case opAdd:
		return "add"
	case opRemove:
		return "remove"
	}
	return "set"
}

// commandLine is one parsed command line.
type commandLine struct {
	Verb   string // lower case ("set"); "" when help stops above verb level
	Object string // canonical upper-case singular ("CONFIG"); "" for serve or top help

	// Identifiers holds the identifier (0 or 1) for object verbs; for
	// serve, every non-prefixed token after the verb.
	Identifiers []string

	Help helpLevel

	// ExitCode is the exit status after printing help: 87 for an empty
	// command line (or parameters only), 1 for an explicit /?. It is 0 when
	// Help is helpNone.
	ExitCode int

	// generalParam holds the general parameters by lower-case name (never nil).
	Reserved map[string]generalParam

	Params []attrParam // attribute operations in command-line order
	Stdin  bool        // /in or a lone "-"
}

// generalParam is one general parameter (/text, /commit:apphost, ...).
type generalParam struct {
	Name     string // lower case
	Value    string // quotes stripped
	HasValue bool   // false for /xml, true for /text: and /text:*
	Raw      string // the argv token as given
	pos      int    // index in argv, for generalInOrder
}

// generalInOrder returns the general parameters in command-line order.
func (inv *commandLine) generalInOrder() []generalParam {
	out := make([]generalParam, 0, len(inv.Reserved))
	for _, r := range inv.Reserved {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pos < out[j].pos })
	return out
}

// attrParam is one attribute operation.
type attrParam struct {
	Raw      string // the argv token as given
	Op       attrOp
	Path     commit.Path
	Value    string // quotes stripped
	HasValue bool   // false for /attr without ':'
	Escaped  bool   // written /!name
}

// usageError is a command-line error; describe (errors.go) chooses its exit
// code: 13 for a malformed indexer, 87 for the rest.
type usageError struct {
	Message string
	// Framed is true when the printer should write
	// "ERROR ( message:<Message> )"; false when Message is printed as is
	// (appcmd.exe prints the object/verb/stray-token errors unframed).
	Framed bool
	Err    error // cause, e.g. *commit.MalformedIndexerError
}

func (e *usageError) Error() string { return e.Message }
func (e *usageError) Unwrap() error { return e.Err }

// reservedNames are the general parameters (appcmd.md §1.4) plus our
// extensions json, whatif, listen, followlinks and unencrypted.
var reservedNames = map[string]bool{
	"?": true, "text": true, "xml": true, "in": true, "config": true,
	"metadata": true, "commit": true, "apphostconfig": true, "debug": true,
	"section": true, "json": true, "whatif": true, "listen": true,
	"followlinks": true, "unencrypted": true,
}

// parseArgs parses argv (without the program name). Errors are *usageError.
func parseArgs(argv []string) (*commandLine, error) {
	inv := &commandLine{Reserved: map[string]generalParam{}}
	if len(argv) == 0 {
		inv.Help, inv.ExitCode = helpTop, exitInvalidParam
		return inv, nil
	}

	var tokens []string      // non-prefixed tokens: verb, object, identifier...
	helpAt := -1             // positionals seen before the first /?
	var paramErr *usageError // the first one; reported after grammar errors

	argv = joinSplitSelectors(argv)
	for i, tok := range argv {
		if tok == "" || (tok[0] != '/' && tok[0] != '-') {
			tokens = append(tokens, tok)
			continue
		}
		if tok == "-" {
			inv.Stdin = true
			continue
		}
		// Unquote before and after the operator: both /"+[...]" and
		// /+"[...]" mean /+[...] once Windows has split the command line.
		body := unquote(tok[1:])
		escaped := false
		p := attrParam{Raw: tok, Op: opSet}
		switch {
		case strings.HasPrefix(body, "!"):
			escaped = true
			body = body[1:]
		case strings.HasPrefix(body, "+"):
			p.Op = opAdd
			body = body[1:]
		case strings.HasPrefix(body, "-"):
			p.Op = opRemove
			body = body[1:]
		}
		if escaped || p.Op != opSet {
			body = unquote(body) // the pair after the operator
		}
		name, value, hasValue := splitNameValue(body)
		value = unquote(value)

		if !escaped && p.Op == opSet {
			lower := strings.ToLower(name)
			if lower == "commitpath" {
				lower = "commit" // the older spelling in IIS articles
			}
			if reservedNames[lower] {
				switch lower {
				case "?":
					if helpAt < 0 {
						helpAt = len(tokens)
					}
				case "in":
					inv.Stdin = true
				default:
					inv.Reserved[lower] = generalParam{Name: lower, Value: value, HasValue: hasValue, Raw: tok, pos: i}
				}
				continue
			}
		}

		path, err := commit.ParsePath(name)
		if err != nil {
			if paramErr == nil {
				paramErr = pathUsageError(name, err)
			}
			continue
		}
		p.Path, p.Value, p.HasValue, p.Escaped = path, value, hasValue, escaped
		inv.Params = append(inv.Params, p)
	}

	if helpAt >= 0 {
		inv.ExitCode = exitHelp
		switch {
		case helpAt == 0:
			inv.Help = helpTop
			return inv, nil
		case topVerb(tokens[0]) != "":
			inv.Help, inv.Verb = helpVerb, topVerb(tokens[0])
			inv.Identifiers = nonEmpty(tokens[1:])
			return inv, nil
		case helpAt == 1:
			obj, ok := lookupObject(tokens[0])
			if !ok {
				return nil, objectNotSupported(tokens[0])
			}
			inv.Help, inv.Object = helpObject, obj.name
			return inv, nil
		}
		if err := resolveVerbObject(inv, tokens[0], tokens[1]); err != nil {
			return nil, err
		}
		inv.Help = helpVerb
		if len(tokens) > 2 {
			inv.Identifiers = tokens[2:3]
		}
		return inv, nil
	}

	switch {
	case len(tokens) == 0:
		// Switches but no command: treat like an empty command line.
		inv.Help, inv.ExitCode = helpTop, exitInvalidParam
		return inv, nil
	case topVerb(tokens[0]) != "":
		inv.Verb = topVerb(tokens[0])
		inv.Identifiers = nonEmpty(tokens[1:])
	case len(tokens) == 1:
		if _, ok := lookupObject(tokens[0]); ok {
			return nil, commandNotSupported("", tokens[0])
		}
		return nil, objectNotSupported(tokens[0])
	default:
		if err := resolveVerbObject(inv, tokens[0], tokens[1]); err != nil {
			return nil, err
		}
		if len(tokens) > 2 {
			inv.Identifiers = tokens[2:3]
		}
		// A stray token wins over parameter errors: in the GEEKYBOB
		// transcript an unquoted "-[name='Default FTP Site']..." split into
		// a broken selector and a stray token, and appcmd.exe named the
		// stray token.
		if len(tokens) > 3 {
			return nil, &usageError{
				Message: "Failed to process input: The parameter '" + tokens[3] + "' must begin with a / or - (HRESULT=80070057).",
			}
		}
	}
	if paramErr != nil {
		return nil, paramErr
	}
	return inv, nil
}

// resolveVerbObject checks the object first, then the verb, as appcmd.exe
// reports an unknown object before an unknown verb.
func resolveVerbObject(inv *commandLine, verb, object string) error {
	obj, ok := lookupObject(object)
	if !ok {
		return objectNotSupported(object)
	}
	v, ok := obj.lookupVerb(verb)
	if !ok {
		return commandNotSupported(verb, object)
	}
	inv.Verb, inv.Object = v.verb, obj.name
	return nil
}

func objectNotSupported(tok string) *usageError {
	return &usageError{
		Message: "Object '" + strings.ToUpper(tok) + "' is not supported.  Run 'appcmd.exe /?' to display supported objects.",
	}
}

// commandNotSupported names the object as typed (upper-cased), as appcmd.exe does.
func commandNotSupported(verb, objTok string) *usageError {
	o := strings.ToUpper(objTok)
	return &usageError{
		Message: "Command '" + strings.ToUpper(verb) + "' is not supported on object '" + o + "'. Run 'appcmd.exe " + o + " /?'\nto display supported commands.",
	}
}

// pathUsageError maps a commit.ParsePath error to appcmd's message.
func pathUsageError(name string, err error) *usageError {
	var mi *commit.MalformedIndexerError
	if errors.As(err, &mi) {
		return &usageError{Message: mi.Error(), Framed: true, Err: err}
	}
	return &usageError{
		Message: "Unknown attribute \"" + name + "\".  Replace with -? for help.",

		Framed: true,
		Err:    err,
	}
}

// splitNameValue splits at the first ':' that is outside [...] and outside
// a selector's single-quoted value.
func splitNameValue(s string) (name, value string, hasValue bool) {
	if colon, _ := scanSelectors(s); colon >= 0 {
		return s[:colon], s[colon+1:], true
	}
	return s, "", false
}

// scanSelectors reads s with the quoting rules of selectors: it returns
// the index of the first ':' outside [...] and outside a quoted selector
// value (-1 if none), and whether s ends inside such a quoted value. An
// escaped (doubled) quote toggles the quote state twice, so it needs no
// special case.
func scanSelectors(s string) (colon int, openQuote bool) {
	colon = -1
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted:
			if c == '\'' {
				quoted = false
			}
		case c == '\'' && depth > 0:
			quoted = true
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case c == ':' && depth == 0 && colon < 0:
			colon = i
		}
	}
	return colon, quoted
}

// joinSplitSelectors undoes the Windows command line's split of an
// unquoted selector value with spaces: IIS articles and IIS Manager's
// "Generate Script" print /[name='Default Web Site'].a:b without quotes,
// which arrives as "/[name='Default", "Web", "Site'].a:b". A parameter that
// ends inside an open single-quoted selector value is joined, with one
// space, to the arguments after it until the quote closes. Without a
// closing quote the arguments stay as they are, so the error names them.
func joinSplitSelectors(argv []string) []string {
	var out []string
	for i := 0; i < len(argv); i++ {
		tok := argv[i]
		if tok == "" || (tok[0] != '/' && tok[0] != '-') || !endsInSelectorQuote(tok) {
			out = append(out, tok)
			continue
		}
		joined, j := tok, i+1
		for ; j < len(argv); j++ {
			joined += " " + argv[j]
			if !endsInSelectorQuote(joined) {
				break
			}
		}
		if j == len(argv) {
			out = append(out, tok) // never closed: leave as typed
			continue
		}
		out = append(out, joined)
		i = j
	}
	return out
}

// endsInSelectorQuote reports whether s ends inside a single-quoted value
// of a [...] selector.
func endsInSelectorQuote(s string) bool {
	_, open := scanSelectors(s)
	return open
}

// nonEmpty returns nil for an empty slice so callers and tests see one form.
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// unquote removes one pair of surrounding double quotes.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
