// Package cmd is appcmd's command line: the AppCmd grammar, the verbs and
// objects, output formats, and the mapping of errors to appcmd.exe's
// messages and exit codes. It is the only package that prints or exits.
package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Main runs appcmd with the process streams and environment and returns
// the exit code.
func Main(args []string) int {
	return Run(args, System(), os.LookupEnv)
}

// Run runs appcmd with the given streams and environment lookup.
func Run(args []string, ios *IOStreams, getenv func(string) (string, bool)) int {
	if len(args) > 0 && isCobraCommand(args[0]) {
		return runCobra(args, ios)
	}
	c := &invocation{ios: ios, getenv: getenv}
	inv, err := ParseArgs(args)
	if err != nil {
		return c.fail(err)
	}
	c.Invocation = inv
	if inv.Help != HelpNone {
		if err := c.help(); err != nil {
			return c.fail(err)
		}
		return inv.ExitCode
	}
	run := handlerFor(inv.Verb, inv.Object)
	if run == nil {
		return c.fail(&UsageError{Code: exitInvalidParam, Message: fmt.Sprintf("Command '%s' is not supported on object '%s'. Run 'appcmd.exe %s /?'\nto display supported commands.", strings.ToUpper(inv.Verb), inv.Object, inv.Object)})
	}
	if err := run(c); err != nil {
		return c.fail(err)
	}
	return exitOK
}

// invocation is one run of a command: the parsed arguments plus the
// streams and environment.
type invocation struct {
	*Invocation
	ios    *IOStreams
	getenv func(string) (string, bool)
	saved  *saveState // what the last save did, for report
}

// fail prints an error as appcmd.exe does and returns its exit code. With
// -json the error is a JSON object on stdout instead, with the full Win32
// code (POSIX exit statuses keep only its low 8 bits: 4312 exits as 216).
func (c *invocation) fail(err error) int {
	d := describe(err)
	if d.text == "" {
		return d.code // a list that found nothing: no output, exit 1
	}
	if c.Invocation != nil && c.has("json") {
		out, _ := json.MarshalIndent(map[string]any{"error": map[string]any{"message": d.text, "code": d.code}}, "", "  ")
		c.println(string(out))
		return d.code
	}
	c.ios.errorColor().Fprint(c.ios.ErrOut, lines(d.text))
	return d.code
}

// lines ends every line with the platform's line ending: CRLF on Windows,
// as appcmd.exe writes, LF elsewhere.
func lines(s string) string {
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	if runtime.GOOS == "windows" {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	return s
}

// println writes output lines.
func (c *invocation) println(s string) { fmt.Fprint(c.ios.Out, lines(s)) }

// success writes a success message, green on a terminal.
func (c *invocation) success(s string) { c.ios.okColor().Fprint(c.ios.Out, lines(s)) }

// notice writes a notice to stderr.
func (c *invocation) notice(s string) { c.ios.noteColor().Fprint(c.ios.ErrOut, lines("appcmd: "+s)) }

// reserved returns a general parameter's value and whether it was given.
func (c *invocation) reserved(name string) (string, bool) {
	r, ok := c.Reserved[name]
	return r.Value, ok
}

// identifier returns the identifier, or "".
func (c *invocation) identifier() string {
	if len(c.Identifiers) > 0 {
		return c.Identifiers[0]
	}
	return ""
}

// handler runs one verb on one object.
type handler func(*invocation) error

// handlerFor returns the function for verb+object, or nil.
func handlerFor(verb, object string) handler {
	return handlers[object+" "+verb]
}

// handlers maps "OBJECT verb" to its implementation. Verbs in the object
// table without an entry here report "not supported".
var handlers = map[string]handler{}

func register(object, verb string, h handler) { handlers[object+" "+verb] = h }
