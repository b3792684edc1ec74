package section

import (
	"bytes"
	"embed"
	"sort"
	"strings"
	"sync"
)

// The built-in definitions: hand-written files (applicationHost.xml,
// security.xml, webServer.xml) and the files internal/section/gen writes
// from the IIS configuration reference (gen_*.xml); see builtin/README.md.
//
//go:generate go run ./gen
//go:embed builtin/*.xml
var builtinFiles embed.FS

// lazyDef is one <sectionSchema> of a built-in file, kept as source until
// the section is first asked for: most commands use one or two of the
// hundred-odd built-in sections, and parsing them all would cost every
// command (docs/performance.md).
type lazyDef struct {
	file string
	src  []byte // one <sectionSchema> element
}

// builtinIndex maps each built-in section to its definitions, in the
// order they merge: the hand-written files first, then the generated ones.
var builtinIndex = sync.OnceValue(func() map[string][]lazyDef {
	entries, err := builtinFiles.ReadDir("builtin")
	if err != nil {
		panic("section: built-in schema: " + err.Error())
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			names = append(names, e.Name())
		}
	}
	sort.SliceStable(names, func(i, j int) bool {
		return !strings.HasPrefix(names[i], "gen_") && strings.HasPrefix(names[j], "gen_")
	})
	idx := map[string][]lazyDef{}
	for _, n := range names {
		data, err := builtinFiles.ReadFile("builtin/" + n)
		if err != nil {
			panic("section: built-in schema: " + err.Error())
		}
		for _, d := range splitSections(data) {
			idx[d.name] = append(idx[d.name], lazyDef{file: "builtin/" + n, src: d.src})
		}
	}
	return idx
})

type rawSection struct {
	name string
	src  []byte
}

// splitSections cuts a built-in file into its <sectionSchema> elements.
// It relies on what the built-in files are (checked by TestBuiltinLazy):
// sectionSchema elements do not nest, and comments do not contain one.
func splitSections(data []byte) []rawSection {
	var out []rawSection
	open := []byte("<sectionSchema name=\"")
	for {
		i := bytes.Index(data, open)
		if i < 0 {
			return out
		}
		data = data[i:]
		nameEnd := bytes.IndexByte(data[len(open):], '"')
		name := string(data[len(open) : len(open)+nameEnd])
		tagEnd := bytes.IndexByte(data, '>')
		end := tagEnd + 1
		if data[tagEnd-1] != '/' {
			end = bytes.Index(data, []byte("</sectionSchema>")) + len("</sectionSchema>")
		}
		out = append(out, rawSection{name: name, src: data[:end]})
		data = data[end:]
	}
}

// Builtin returns a new Schema holding the embedded definitions. Each call
// returns an independent copy that the caller may extend with Add or
// LoadDirs. Sections are parsed when first used.
func Builtin() *Schema {
	return &Schema{lazy: builtinIndex()}
}

// materialize parses the pending built-in definitions of name into s.
// The caller holds s.mu.
func (s *Schema) materialize(name string) {
	defs, ok := s.lazy[name]
	if !ok {
		return
	}
	if s.done == nil {
		s.done = map[string]bool{}
	}
	if s.done[name] {
		return
	}
	s.done[name] = true
	for _, d := range defs {
		src := make([]byte, 0, len(d.src)+40)
		src = append(src, "<configSchema>"...)
		src = append(src, d.src...)
		src = append(src, "</configSchema>"...)
		p := &parser{file: d.file}
		secs, err := p.parseFile(src)
		if err != nil {
			// Only a broken build gets here; TestBuiltin catches it.
			panic("section: built-in schema: " + err.Error())
		}
		s.merge(secs)
	}
}
