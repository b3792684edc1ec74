package configstore_test

// Benchmarks of loading and searching a large applicationHost.config
// (bench/genconfig/gen): what every command pays before and after its edit.
// The end-to-end comparison with xmlstarlet is bench/run.sh; see
// docs/performance.md.
//
//	go test -run XXX -bench . -benchmem ./internal/configstore/

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// writeConfig writes a generated applicationHost.config with n sites.
func writeConfig(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, gen.Bytes(n, 1), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// eachSize runs body at 1k and 10k sites on a store opened afresh (for
// writing when write is set) for every iteration, and closed after it.
func eachSize(b *testing.B, write bool, body func(b *testing.B, s *configstore.Store, n int)) {
	for _, n := range []int{1000, 10000} {
		path := writeConfig(b, n)
		b.Run(fmt.Sprintf("sites=%dk", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := open(b, path, write)
				body(b, s, n)
				s.Close()
			}
		})
	}
}

func open(b *testing.B, path string, write bool) *configstore.Store {
	s, err := configstore.Open(configstore.Options{AppHostPath: path, Write: write})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkOpen: read, check and index the file, and read the schema.
func BenchmarkOpen(b *testing.B) {
	eachSize(b, false, func(*testing.B, *configstore.Store, int) {})
}

// BenchmarkEffective: open, resolve the last site, and compute its
// effective system.webServer/webSocket with where each value comes from,
// as `appcmd list config SiteN -section:webSocket` does.
func BenchmarkEffective(b *testing.B) {
	eachSize(b, false, func(b *testing.B, s *configstore.Store, n int) {
		cp, err := s.ResolveIdentifier("Site" + strconv.Itoa(n))
		if err != nil {
			b.Fatal(err)
		}
		eff, err := s.Effective(cp, "system.webServer/webSocket")
		if err != nil {
			b.Fatal(err)
		}
		if a := eff.Root.Attr("pingInterval"); !a.Set {
			b.Fatalf("pingInterval not set: %+v", a)
		}
	})
}

// BenchmarkSave: open for writing, change one attribute of the last
// site's <webSocket> through the write layer, and save (temporary file,
// fsync, rename).
func BenchmarkSave(b *testing.B) {
	values := []string{"00:00:30", "00:00:40"}
	i := 0
	eachSize(b, true, func(b *testing.B, s *configstore.Store, n int) {
		site := "Site" + strconv.Itoa(n)
		ws, err := s.SectionAt(s.AppHost(), configstore.SitePath(site), "system.webServer/webSocket", false)
		if err != nil || ws == nil {
			b.Fatalf("no webSocket for %s: %v", site, err)
		}
		ws.SetAttr("pingInterval", values[i%2])
		i++
		if _, err := s.Save(nil); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkEffectiveSites: open and merge the whole server-level sites
// section (what object verbs and validate pay for every site).
func BenchmarkEffectiveSites(b *testing.B) {
	eachSize(b, false, func(b *testing.B, s *configstore.Store, n int) {
		eff, err := s.Effective(configstore.ServerPath, "system.applicationHost/sites")
		if err != nil {
			b.Fatal(err)
		}
		if len(eff.Root.Items) != n+1 {
			b.Fatalf("%d sites", len(eff.Root.Items))
		}
	})
}

// BenchmarkValidate: open and validate a generated file (appcmd validate
// config FILE without printing).
func BenchmarkValidate(b *testing.B) {
	eachSize(b, false, func(b *testing.B, s *configstore.Store, _ int) {
		if r := s.Validate(); len(r.Findings) == 0 {
			b.Fatal("no findings: the generator's files have some")
		}
	})
}

// BenchmarkEachEntry: open and stream the server-level sites one merged
// entry at a time (list site of every site), against
// BenchmarkEffectiveSites, which holds them all.
func BenchmarkEachEntry(b *testing.B) {
	eachSize(b, false, func(b *testing.B, s *configstore.Store, n int) {
		count := 0
		_, err := s.EachEntry(configstore.ServerPath, "system.applicationHost/sites", func(it *configstore.EffElement) bool {
			if it.Attr("name") == nil {
				b.Fatal("an entry without a name")
			}
			count++
			return true
		})
		if err != nil || count != n+1 {
			b.Fatalf("%d sites, %v", count, err)
		}
	})
}

// BenchmarkEffectiveEntries: open and merge the last site alone, the
// others' keys only indexed (keysOnly), as an object verb looking one
// site up does, against BenchmarkEffectiveSites, which merges them all.
func BenchmarkEffectiveEntries(b *testing.B) {
	eachSize(b, false, func(b *testing.B, s *configstore.Store, n int) {
		site := "Site" + strconv.Itoa(n)
		eff, err := s.EffectiveEntries(configstore.ServerPath, "system.applicationHost/sites", func(v string) bool { return v == site })
		if err != nil {
			b.Fatal(err)
		}
		if len(eff.Root.Items) != 1 || eff.Root.Items[0].Attr("name").Value != site {
			b.Fatalf("%d sites kept, want %s alone", len(eff.Root.Items), site)
		}
	})
}
