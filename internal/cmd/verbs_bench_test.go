package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
)

// BenchmarkObjectVerbs runs whole commands in-process (open, edit, save) on
// a fresh copy of a generated file of 1k and 10k sites: set config, the
// changing object verbs and /in batches of 1,000 records (issue 14). Their
// ns/op are comparable within one run, as bench/objects.sh's ratios, but
// without the process start and with less noise on a shared machine:
//
//	go test -run XXX -bench ObjectVerbs -benchtime 10x ./internal/cmd/
func BenchmarkObjectVerbs(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		dir := b.TempDir()
		base := gen.Bytes(n, 1)
		batch := min(n, 1000)
		var pools, sites strings.Builder
		pools.WriteString("<appcmd>\n")
		sites.WriteString("<appcmd>\n")
		for i := 1; i <= batch; i++ {
			fmt.Fprintf(&pools, "<APPPOOL APPPOOL.NAME=\"Pool%d\" RuntimeVersion=\"v2.0\" />\n", i)
			fmt.Fprintf(&sites, "<SITE SITE.NAME=\"Site%d\" bindings=\"http/*:8080:site%d.example.com,https/*:443:site%d.example.com\" />\n", i, i, i)
		}
		pools.WriteString("</appcmd>\n")
		sites.WriteString("</appcmd>\n")
		var added strings.Builder
		added.WriteString("<appcmd>\n")
		for i := 1; i <= batch; i++ {
			fmt.Fprintf(&added, "<APPPOOL APPPOOL.NAME=\"BatchPool%d\" />\n", i)
		}
		added.WriteString("</appcmd>\n")
		mid := n / 2
		for _, c := range []struct {
			name, in string
			args     []string
		}{
			{"set-config", "", []string{"set", "config", fmt.Sprintf("Site%d", n), "-section:system.webServer/webSocket", "/pingInterval:00:00:30", "-commit:apphost"}},
			{"add-apppool", "", []string{"add", "apppool", "/name:NewPool"}},
			{"set-site", "", []string{"set", "site", fmt.Sprintf("Site%d", mid), "/serverAutoStart:false"}},
			{"delete-site", "", []string{"delete", "site", "Site3"}},
			{"add-site", "", []string{"add", "site", "/name:NewSite", "/bindings:http/*:9999:", "/physicalPath:/tmp"}},
			{"set-apppool-in", pools.String(), []string{"set", "apppool", "/in"}},
			{"set-site-in", sites.String(), []string{"set", "site", "/in"}},
			{"add-apppool-in", added.String(), []string{"add", "apppool", "/in"}},
		} {
			b.Run(fmt.Sprintf("sites=%dk/%s", n/1000, c.name), func(b *testing.B) {
				path := filepath.Join(dir, "applicationHost.config")
				args := append(append([]string{}, c.args...), "-apphostconfig:"+path)
				var out, errb bytes.Buffer
				for b.Loop() {
					b.StopTimer()
					if err := os.WriteFile(path, base, 0o644); err != nil {
						b.Fatal(err)
					}
					out.Reset()
					ios := &ioStreams{In: strings.NewReader(c.in), Out: &out, ErrOut: &errb}
					b.StartTimer()
					if code := runArgs(args, ios, func(string) (string, bool) { return "", false }); code != 0 {
						b.Fatalf("exit %d: %s", code, errb.String())
					}
				}
			})
		}
	}
}
