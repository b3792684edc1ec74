package iis

// Benchmarks per object verb family on generated files of 1k and 10k
// sites (bench/genconfig/gen), in-process and without saving: what a
// command pays between opening the store and writing the file. The
// end-to-end figures are bench/objects.sh; see docs/performance.md.
//
//	go test -run XXX -bench . -benchmem ./internal/iis/

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

func benchModels(b *testing.B, run func(b *testing.B, m *Model, n int)) {
	for _, n := range []int{1000, 10000} {
		path := filepath.Join(b.TempDir(), "applicationHost.config")
		if err := os.WriteFile(path, gen.Bytes(n, 1), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("sites=%dk", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := configstore.Open(configstore.Options{AppHostPath: path, Write: true, Env: func(string) (string, bool) { return "", false }})
				if err != nil {
					b.Fatal(err)
				}
				run(b, New(s), n)
				s.Close()
			}
		})
	}
}

// list site NAME, list app NAME: one object found.
func BenchmarkLookupSite(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		if _, err := m.Get(AppKind, "Site"+strconv.Itoa(n)+"/api"); err != nil {
			b.Fatal(err)
		}
	})
}

// list site: every site merged.
func BenchmarkListSites(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		if sites, err := m.Sites(); err != nil || len(sites) != n+1 {
			b.Fatalf("%d sites, %v", len(sites), err)
		}
	})
}

// add apppool: the edit applied (not saved).
func BenchmarkAddPool(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		ed, err := m.AddPool("NewPool")
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Apply(ed); err != nil {
			b.Fatal(err)
		}
	})
}

// set site /serverAutoStart:false: the edit applied (not saved).
func BenchmarkSetSite(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		o, err := m.Get(SiteKind, "Site"+strconv.Itoa(n/2))
		if err != nil {
			b.Fatal(err)
		}
		ed := m.Edit(SiteKind, []*Object{o})
		ed.add(commit.Change{Kind: commit.Set, Path: under(o.ElementPath, commit.Step{Name: "serverAutoStart"}), Value: "false"})
		if err := m.Apply(ed); err != nil {
			b.Fatal(err)
		}
	})
}

// add site with a binding and a root application: the edit applied.
func BenchmarkAddSite(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		bs, _ := ParseBindings("http/*:9999:")
		ed, err := m.AddSite(NewSite{Name: "NewSite", Bindings: bs, PhysicalPath: "/tmp", HasPhysicalPath: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Apply(ed); err != nil {
			b.Fatal(err)
		}
	})
}

// list site (every site), streamed: one site merged at a time.
func BenchmarkEachSite(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		count := 0
		if err := m.EachObject(SiteKind, func(*Object) bool { count++; return true }); err != nil || count != n+1 {
			b.Fatalf("%d sites, %v", count, err)
		}
	})
}

// The /in batches (issue 14): 1,000 records (all sites at 1k) in one change
// set, as set X /in and add X /in build them.
func batchSize(n int) int { return min(n, 1000) }

// set site /in: each record moves a site's http binding (a binding removed
// and one added per site).
func BenchmarkSetSitesBatch(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		names := make([]string, batchSize(n))
		for i := range names {
			names[i] = "Site" + strconv.Itoa(i+1)
		}
		objs, err := m.CandidatesOf(SiteKind, names)
		if err != nil || len(objs) != len(names) {
			b.Fatalf("%d sites, %v", len(objs), err)
		}
		ed := m.Edit(SiteKind, objs)
		for i, o := range objs {
			host := "site" + strconv.Itoa(i+1) + ".example.com"
			bs, _ := ParseBindings("http/*:8080:" + host + ",https/*:443:" + host)
			chs, err := m.Update(o, Update{Bindings: bs, HasBindings: true})
			if err != nil {
				b.Fatal(err)
			}
			ed.add(chs...)
		}
		if err := m.Apply(ed); err != nil {
			b.Fatal(err)
		}
	})
}

// add apppool /in: new pools from records.
func BenchmarkAddPoolsBatch(b *testing.B) {
	benchModels(b, func(b *testing.B, m *Model, n int) {
		recs := make([]*commit.Tree, batchSize(n))
		for i := range recs {
			recs[i] = &commit.Tree{Name: "APPPOOL", Attrs: []commit.KeyValue{{Name: "APPPOOL.NAME", Value: "BatchPool" + strconv.Itoa(i)}}}
		}
		ed, err := m.Import(PoolKind, recs)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Apply(ed); err != nil {
			b.Fatal(err)
		}
	})
}
