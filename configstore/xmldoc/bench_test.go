package xmldoc_test

// Benchmarks of the format-preserving layer on generated applicationHost
// files (bench/genconfig/gen): 1k and 10k sites, CRLF, about 1.5 KB per
// site. The end-to-end comparison with xmlstarlet is bench/run.sh; see
// docs/performance.md.
//
//	go test -run XXX -bench . -benchmem ./configstore/xmldoc/

import (
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/configstore/xmldoc"
)

var sizes = []int{1000, 10000}

var generated = map[int][]byte{}

func config(n int) []byte {
	if b, ok := generated[n]; ok {
		return b
	}
	b := gen.Bytes(n, 1)
	generated[n] = b
	return b
}

func sizeName(n int) string { return fmt.Sprintf("sites=%dk", n/1000) }

// BenchmarkParse is the well-formedness check every load pays.
func BenchmarkParse(b *testing.B) {
	for _, n := range sizes {
		src := config(n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := xmldoc.Parse(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// findLocation returns the <location> of a site, scanning the root's
// children as configstore does.
func findLocation(d *xmldoc.Document, site string) *xmldoc.Element {
	var loc *xmldoc.Element
	d.Root().EachChild(func(c *xmldoc.Element) bool {
		if c.Name() == "location" {
			if p, _ := c.Attr("path"); p == site {
				loc = c
				return false
			}
		}
		return true
	})
	return loc
}

// findSite returns the <site> element of a site, as FindSite does.
func findSite(d *xmldoc.Document, name string) *xmldoc.Element {
	sites := d.Root().Child("system.applicationHost").Child("sites")
	var found *xmldoc.Element
	sites.EachChild(func(c *xmldoc.Element) bool {
		if c.Name() == "site" {
			if v, _ := c.Attr("name"); v == name {
				found = c
				return false
			}
		}
		return true
	})
	return found
}

// BenchmarkSetAttrAndWrite is the whole edit of the benchmark command at the
// document level: parse, find the site and its location (both near the end
// of the file), change or add <webSocket pingInterval>, write.
func BenchmarkSetAttrAndWrite(b *testing.B) {
	for _, n := range sizes {
		src := config(n)
		for _, k := range []int{n, n - 1} { // n is even: an existing <webSocket>; n-1: none
			kind := "existing"
			if !gen.HasWebSocket(k) {
				kind = "new"
			}
			site := "Site" + strconv.Itoa(k)
			b.Run(sizeName(n)+"/"+kind, func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					d, err := xmldoc.Parse(src)
					if err != nil {
						b.Fatal(err)
					}
					if findSite(d, site) == nil {
						b.Fatal("no site")
					}
					loc := findLocation(d, site)
					sw := loc.Child("system.webServer")
					ws := sw.Child("webSocket")
					if ws == nil {
						ws = xmldoc.NewElement("webSocket")
						sw.AppendChild(ws)
					}
					ws.SetAttr("pingInterval", "00:00:30")
					if _, err := d.WriteTo(io.Discard); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRescan measures searching a large element again, as a command
// does several times (resolve the site, its web.config chain, the
// effective section after the edit), with collections in between.
func BenchmarkRescan(b *testing.B) {
	for _, n := range sizes {
		src := config(n)
		d, err := xmldoc.Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		site := "Site" + strconv.Itoa(n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if findSite(d, site) == nil || findLocation(d, site) == nil {
					b.Fatal("not found")
				}
			}
		})
	}
}
