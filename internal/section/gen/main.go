// Command gen writes appcmd's built-in schema (../builtin/gen_*.xml) from
// the public IIS configuration reference and, for the sections the
// reference does not cover, from the facts of the real schema files.
// Run it with `go generate ./internal/section/` from a checkout that has
// ../shared beside it; its output is checked in, so builds need neither.
//
// What the pages leave vague is settled in ../refdoc/decisions.go.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/appcmd-project/appcmd/internal/section"
	"github.com/appcmd-project/appcmd/internal/section/refdoc"
)

func main() {
	ref := flag.String("ref", "../../../shared/iis-config-reference", "IIS configuration reference pages")
	schemaDir := flag.String("schema", "../../../shared/iis-schema", "real IIS schema files (facts for system.web, .NET and URL Rewrite)")
	out := flag.String("out", "builtin", "output directory")
	flag.Parse()
	if err := run(*ref, *schemaDir, *out, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(refDir, schemaDir, outDir string, notes io.Writer) error {
	pages, err := refdoc.Read(refDir)
	if err != nil {
		return fmt.Errorf("read the reference (is ../shared beside the checkout?): %w", err)
	}
	hand := &section.Schema{}
	for _, f := range handWritten {
		data, err := os.ReadFile(filepath.Join(outDir, f))
		if err != nil {
			return err
		}
		if err := hand.Add(f, data); err != nil {
			return err
		}
	}
	// The order of attributes and child elements is what list config
	// prints; the pages list them alphabetically, IIS in schema order, so
	// the order (only) is taken from the real schema files.
	real := &section.Schema{}
	if err := section.LoadDirs(real, []string{schemaDir}); err != nil {
		return err
	}
	g := &generator{pages: map[string]*refdoc.Page{}}
	for _, p := range pages {
		g.pages[strings.Join(p.Path, "/")] = p
	}
	files := map[string][]*node{}
	sources := map[string]string{}
	var order []string
	for _, sd := range refdoc.Sections {
		var n *node
		if sd.Source == "ref" {
			n = g.fromReference(sd.Name)
		} else {
			n, err = fromSchemaFile(filepath.Join(schemaDir, sd.Source), sd.Name)
			if err != nil {
				return err
			}
		}
		if n == nil {
			continue
		}
		if r := real.Section(sd.Name); r != nil {
			reorder(n, r.Root)
		}
		if h := hand.Section(sd.Name); h != nil {
			if n = prune(n, h.Root); n == nil {
				continue
			}
		}
		n.fullName = sd.Name
		f := outputFile(sd)
		if _, ok := files[f]; !ok {
			order = append(order, f)
		}
		if sources[f] == "" || sources[f] == sd.Source {
			sources[f] = sd.Source
		} else if !strings.Contains(sources[f], sd.Source) {
			sources[f] += " and " + sd.Source
		}
		files[f] = append(files[f], n)
	}
	for _, f := range order {
		src := "the IIS configuration reference (CC BY 4.0, see README.md)"
		if s := sources[f]; s != "ref" {
			src = "the facts (names, types, defaults, values, keys) of " + s + " (see README.md)"
		}
		if err := os.WriteFile(filepath.Join(outDir, f), []byte(render(src, files[f])), 0o644); err != nil {
			return err
		}
	}
	sort.Strings(g.notes)
	for _, n := range g.notes {
		fmt.Fprintln(notes, "note:", n)
	}
	return nil
}

// handWritten are the schema files written by hand before the generator;
// they were checked attribute by attribute against IIS 10, so where they
// define an element the generator adds only what they lack.
var handWritten = []string{"applicationHost.xml", "security.xml", "webServer.xml"}

func outputFile(sd refdoc.SectionDecl) string {
	switch {
	case strings.HasPrefix(sd.Name, "system.web/"):
		return "gen_systemWeb.xml"
	case strings.HasPrefix(sd.Name, "system.webServer/rewrite/"):
		return "gen_rewrite.xml"
	case sd.Source == "arr_schema.xml":
		return "gen_arr.xml"
	case sd.Source == "aspnetcore_schema_v2.xml":
		return "gen_aspnetcore.xml"
	case sd.Source == "ref" && !strings.Contains(sd.Name, "/"):
		return "gen_applicationHost.xml" // configurationRedirection
	case sd.Source != "ref":
		return "gen_netfx.xml"
	case strings.HasPrefix(sd.Name, "system.applicationHost/"):
		return "gen_applicationHost.xml"
	case strings.HasPrefix(sd.Name, "system.ftpServer/"):
		return "gen_ftpServer.xml"
	default:
		return "gen_webServer.xml"
	}
}
