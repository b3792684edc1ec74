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
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// Main runs appcmd with the process streams and environment and returns
// the exit code.
func Main(args []string) int {
	return runArgs(args, systemStreams(), os.LookupEnv)
}

// runArgs runs appcmd with the given streams and environment lookup.
func runArgs(args []string, ios *ioStreams, getenv func(string) (string, bool)) int {
	if len(args) > 0 && isCobraCommand(args[0]) {
		return runCobra(args, ios, getenv)
	}
	start := time.Now()
	c := &invocation{ios: ios, getenv: getenv}
	inv, err := parseArgs(helpWords(args))
	if err != nil {
		return c.fail(err)
	}
	c.commandLine = inv
	if inv.Help != helpNone {
		// Help reads the file only for -section:NAME /?; every general
		// parameter is allowed there, as appcmd.exe ignores them.
		c.opts = &options{appHostConfig: inv.Reserved["apphostconfig"].Value}
		if err := c.help(); err != nil {
			return c.fail(err)
		}
		return inv.ExitCode
	}
	cmd := lookupCommand(inv.Object, inv.Verb)
	if cmd == nil {
		// parseArgs resolves verbs through the same table, so this is a bug.
		return c.fail(commandNotSupported(inv.Verb, inv.Object))
	}
	opts, err := cmd.parseOptions(inv)
	if err != nil {
		return c.fail(err)
	}
	c.opts = opts
	code := exitOK
	if err := cmd.run(c); err != nil {
		code = c.fail(err)
	}
	if opts.debug {
		c.debugReport(cmd, code, start)
	}
	return code
}

// helpWords turns appcmd help [OBJECT [VERB]], --help and -h into the
// /? form: help OBJECT VERB is appcmd.exe's VERB OBJECT /?.
func helpWords(args []string) []string {
	if len(args) == 0 {
		return args
	}
	switch strings.ToLower(args[0]) {
	case "help":
		rest := args[1:]
		// help OBJECT VERB, or in appcmd's own order, help VERB OBJECT.
		if _, isObject := lookupObject(strings.TrimSpace(firstOf(rest))); isObject && len(rest) >= 2 {
			rest = append([]string{rest[1], rest[0]}, rest[2:]...)
		}
		return append(append([]string{}, rest...), "/?")
	case "--help", "-h":
		return append(append([]string{}, args[1:]...), "/?")
	case "--version":
		return append([]string{"version"}, args[1:]...)
	}
	for _, a := range args {
		if a == "--help" || a == "-h" {
			return append(args[:len(args):len(args)], "/?")
		}
	}
	return args
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// invocation is one run of a command: the parsed arguments plus the
// streams and environment.
type invocation struct {
	*commandLine
	ios    *ioStreams
	getenv func(string) (string, bool)
	opts   *options             // the general parameters, typed
	saved  *saveState           // what the last save did, for report
	stores []*configstore.Store // opened stores, for /debug
}

// fail prints an error as appcmd.exe does and returns its exit code. With
// -json the error is a JSON object on stdout instead, with the full Win32
// code (POSIX exit statuses keep only its low 8 bits: 4312 exits as 216).
func (c *invocation) fail(err error) int {
	d := describe(err)
	if d.text == "" {
		return d.code // a list that found nothing: no output, exit 1
	}
	hint := c.hint(err)
	if c.commandLine != nil && c.Reserved["json"].Raw != "" {
		e := map[string]any{"message": d.text, "code": d.code}
		if hint != "" {
			e["hint"] = hint
		}
		out, _ := json.MarshalIndent(map[string]any{"error": e}, "", "  ")
		c.println(string(out))
		return d.code
	}
	c.ios.errorColor().Fprint(c.ios.ErrOut, lines(d.text))
	if hint != "" {
		// After appcmd.exe's text, which scripts parse, and on stderr only.
		c.ios.noteColor().Fprint(c.ios.ErrOut, lines("hint: "+hint))
	}
	return d.code
}

// lines ends every line with the platform's line ending: CRLF on Windows,
// as appcmd.exe writes, LF elsewhere.
func lines(s string) string {
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return platformEOL(s)
}

// platformEOL turns s's line breaks into the platform's line ending.
func platformEOL(s string) string {
	if runtime.GOOS == "windows" {
		return strings.ReplaceAll(s, "\n", "\r\n")
	}
	return s
}

// println writes output lines.
func (c *invocation) println(s string) { fmt.Fprint(c.ios.Out, lines(s)) }

// success writes a success message, green on a terminal.
func (c *invocation) success(s string) { c.ios.okColor().Fprint(c.ios.Out, lines(s)) }

// notice writes a notice to stderr.
func (c *invocation) notice(s string) { c.ios.noteColor().Fprint(c.ios.ErrOut, lines("appcmd: "+s)) }

// identifier returns the identifier, or "".
func (c *invocation) identifier() string {
	if len(c.Identifiers) > 0 {
		return c.Identifiers[0]
	}
	return ""
}

// debugReport is /debug: what the command did, on stderr, after its
// output: the command, the configuration files it read, its exit code and
// how long it took.
func (c *invocation) debugReport(cmd *command, code int, start time.Time) {
	name := strings.TrimSpace(cmd.verb + " " + strings.ToLower(cmd.object))
	var files []string
	for _, s := range c.stores {
		files = append(files, s.Files()...)
	}
	if len(files) == 0 {
		files = []string{"(none)"}
	}
	c.notice(fmt.Sprintf("debug: %s: files: %s; exit code %d; %s",
		name, strings.Join(files, ", "), code, time.Since(start).Round(time.Millisecond)))
}
