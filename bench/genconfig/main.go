// Command genconfig writes a large, realistic applicationHost.config for
// benchmarks (see package gen and bench/run.sh):
//
//	go run ./bench/genconfig -sites 10000 -o bench/out/apphost-10k.config
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
)

func main() {
	sites := flag.Int("sites", 1000, "number of sites (and application pools and location tags); 0 gives the built-in template")
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same file")
	out := flag.String("o", "", "output file (default: standard output)")
	flag.Parse()
	if *sites < 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: genconfig [-sites N] [-seed S] [-o FILE]")
		os.Exit(2)
	}
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genconfig:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := gen.Generate(w, *sites, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genconfig:", err)
		os.Exit(1)
	}
	if *out != "" {
		if err := w.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "genconfig:", err)
			os.Exit(1)
		}
	}
}
