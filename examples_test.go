package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/rogpeppe/go-internal/testscript"
)

// buildExampleCmd builds a program of examples/ into $WORK/bin, offline
// and with the test's own build cache, so a script can run it:
//
//	buildexample websocket
//	exec $WORK/bin/websocket ...
func buildExampleCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: buildexample NAME")
	}
	// Scripts guard with [!exec:go] skip; the toolchain running the test
	// is the one to build with.
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			ts.Fatalf("buildexample: no go command; guard the script with [!exec:go] skip")
		}
	}
	out := filepath.Join(ts.Getenv("WORK"), "bin", args[0])
	cmd := exec.Command(goTool, "build", "-o", out, "./examples/"+args[0])
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	if b, err := cmd.CombinedOutput(); err != nil {
		ts.Fatalf("go build ./examples/%s: %v\n%s", args[0], err, b)
	}
}
