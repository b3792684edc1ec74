package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/appcmd-project/appcmd/internal/cmd"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/script from actual output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"appcmd": func() {
			code := cmd.Main(os.Args[1:])
			// Scripts check the exit code with the exitcode command.
			if f := os.Getenv("APPCMD_TEST_STATUS"); f != "" {
				os.WriteFile(f, []byte(strconv.Itoa(code)), 0o644)
			}
			os.Exit(code)
		},
	})
}

// TestScript runs every testdata/script/*.txtar. Each script starts with an
// empty $HOME and no applicationHost.config; scripts bring their own files
// or let appcmd create the default one.
// sharedFile reports whether cpshared can copy name: from ../shared, or
// from the copies in testdata.
func sharedFile(shared, name string) bool {
	for _, dir := range []string{shared, testdataDir} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// testdataDir holds the corpus copies that cpshared falls back to.
var testdataDir, _ = filepath.Abs("testdata")

func TestScript(t *testing.T) {
	shared, _ := filepath.Abs("../shared")
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update || os.Getenv("APPCMD_UPDATE") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("NO_COLOR", "1")
			env.Setenv("SHARED", shared)
			env.Setenv("APPCMD_APPHOSTCONFIG", "")
			env.Setenv("APPCMD_SCHEMA_PATH", "")
			// machine.config and the root web.config: never the host's
			// %windir% (a -commit:MACHINE would create them there).
			// Their folder exists, so that serve's watcher polls it for
			// them, not all of $WORK.
			env.Setenv("APPCMD_MACHINECONFIG", filepath.Join(env.WorkDir, "net", "machine.config"))
			env.Setenv("APPCMD_ROOTWEBCONFIG", filepath.Join(env.WorkDir, "net", "web.config"))
			if err := os.MkdirAll(filepath.Join(env.WorkDir, "net"), 0o755); err != nil {
				return err
			}
			env.Setenv("APPCMD_TEST_STATUS", filepath.Join(env.WorkDir, ".appcmd-status"))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if name, ok := strings.CutPrefix(cond, "exists:"); ok {
				_, err := os.Stat(name)
				return err == nil, nil
			}
			if name, ok := strings.CutPrefix(cond, "shared:"); ok {
				return sharedFile(shared, name), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"crlf":         crlfCmd,
			"exitcode":     exitCodeCmd,
			"cpshared":     cpSharedCmd,
			"islink":       isLinkCmd,
			"ws":           wsCmd,           // serve_test.go: drives appcmd serve with real clients
			"buildexample": buildExampleCmd, // examples_test.go: builds a program of examples/
		},
	})
}

// islink FILE checks that FILE is a symbolic link (configuration files
// kept in git are often linked into place, and must stay links).
func isLinkCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: islink FILE")
	}
	info, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	if (info.Mode()&os.ModeSymlink != 0) == neg {
		ts.Fatalf("%s: symbolic link is %v", args[0], !neg)
	}
}

// exitcode N checks the exit code of the last appcmd run: appcmd.exe's exit
// codes are a contract that scripts read.
func exitCodeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: exitcode N")
	}
	b, err := os.ReadFile(ts.Getenv("APPCMD_TEST_STATUS"))
	ts.Check(err)
	if got := string(b); (got == args[0]) == neg {
		ts.Fatalf("appcmd exited with %s, want %s%s", got, map[bool]string{true: "not ", false: ""}[neg], args[0])
	}
}

// crlf converts files to CRLF line endings in place (cmd/go's addcrlf).
func crlfCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: crlf file...")
	}
	for _, f := range args {
		f = ts.MkAbs(f)
		b, err := os.ReadFile(f)
		ts.Check(err)
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		ts.Check(os.WriteFile(f, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o644))
	}
}

// cpshared copies a file from ../shared (the real corpus and schema) into
// the script's work directory: cpshared corpus/webconfig/08-x.config dst.
// Without ../shared it takes the copy in testdata/ (the few files whose
// licence allows one, testdata/corpus/README.md). Scripts guard the others
// with [!shared:PATH] skip 'skipped: needs ../shared/PATH'.
func cpSharedCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cpshared shared-relative-path dst")
	}
	b, err := os.ReadFile(filepath.Join(ts.Getenv("SHARED"), args[0]))
	if errors.Is(err, fs.ErrNotExist) {
		b, err = os.ReadFile(filepath.Join(testdataDir, args[0]))
	}
	ts.Check(err)
	dst := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(filepath.Dir(dst), 0o755))
	ts.Check(os.WriteFile(dst, b, 0o644))
}
