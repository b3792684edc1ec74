// Command startuptime times whole processes without a shell in between:
// it runs each given command in turn, RUNS rounds, so a change of load on a
// shared machine reaches every command alike, and prints each command's
// median wall time in milliseconds, one per line, in the order given.
// bench/startup.sh uses it.
//
//	startuptime -runs 51 -- 'BIN ARGS' -- 'BIN ARGS' ...
//
// Each command is its words separated by spaces (no quoting); the
// environment is startuptime's own.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 51, "rounds; each runs every command once")
	flag.Parse()
	var cmds [][]string
	for _, a := range flag.Args() {
		if a == "--" {
			continue
		}
		cmds = append(cmds, strings.Fields(a))
	}
	if len(cmds) == 0 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: startuptime [-runs N] -- 'CMD ARGS' [-- 'CMD ARGS' ...]")
		os.Exit(2)
	}
	times := make([][]time.Duration, len(cmds))
	for range *runs {
		for i, c := range cmds {
			cmd := exec.Command(c[0], c[1:]...)
			start := time.Now()
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "startuptime: %s: %v\n", strings.Join(c, " "), err)
				os.Exit(1)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	for _, t := range times {
		slices.Sort(t)
		fmt.Printf("%.2f\n", float64(t[len(t)/2])/1e6)
	}
}
