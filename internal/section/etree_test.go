package section

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// The schema parser reads schema files with our own XML reader (xmldoc).
// This test reads the same files with an independent one, etree, and
// checks that both see the same definitions: every section, element,
// collection item and attribute, with its type, default and key flags.
// It covers the built-in files always and the real IIS schema files when
// ../shared is present.

// schemaFacts lists one line per definition, as etree reads the file.
func schemaFacts(t *testing.T, data []byte) []string {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(path string, el *etree.Element)
	walk = func(path string, el *etree.Element) {
		for _, c := range el.ChildElements() {
			if etreeAttr(c, "extension") != "" {
				continue // runtime state, not configuration: the parser skips it too
			}
			switch c.Tag {
			case "attribute":
				out = append(out, fmt.Sprintf("%s@%s type=%s default=%q required=%v key=%v",
					path, etreeAttr(c, "name"), etreeAttr(c, "type"),
					etreeAttr(c, "defaultValue"), etreeBool(c, "required"), etreeBool(c, "isUniqueKey") || etreeBool(c, "isCombinedKey")))
			case "element":
				name := etreeAttr(c, "name")
				out = append(out, path+"/"+name)
				walk(path+"/"+name, c)
			case "collection":
				add := strings.Split(etreeAttr(c, "addElement"), ",")[0]
				out = append(out, path+"/["+add+"]")
				walk(path+"/["+add+"]", c)
			}
		}
	}
	for _, s := range doc.FindElements("/configSchema/sectionSchema") {
		name := etreeAttr(s, "name")
		out = append(out, name)
		walk(name, s)
	}
	sort.Strings(out)
	return out
}

func etreeBool(el *etree.Element, name string) bool {
	return strings.EqualFold(etreeAttr(el, name), "true")
}

// etreeAttr reads an attribute ignoring the case of its name, as the
// schema parser does (IIS_schema.xml spells one "defaultvalue").
func etreeAttr(el *etree.Element, name string) string {
	for _, a := range el.Attr {
		if strings.EqualFold(a.Key, name) {
			return a.Value
		}
	}
	return ""
}

// parsedFacts lists the same lines from what our parser made of the file.
func parsedFacts(secs []*Section) []string {
	var out []string
	var walk func(path string, e *Element)
	walk = func(path string, e *Element) {
		for _, a := range e.Attributes {
			out = append(out, fmt.Sprintf("%s@%s type=%s default=%q required=%v key=%v",
				path, a.Name, a.Type, a.DefaultValue, a.Required, a.IsUniqueKey || a.IsCombinedKey))
		}
		for _, c := range e.Elements {
			out = append(out, path+"/"+c.Name)
			walk(path+"/"+c.Name, c)
		}
		if c := e.Collection; c != nil {
			// One line per <collection>: items that several add elements
			// share count once, under the first name.
			seen := map[*Element]bool{}
			for _, n := range c.AddElements {
				it := c.ItemFor(n)
				if it == nil || seen[it] {
					continue
				}
				seen[it] = true
				p := path + "/[" + n + "]"
				out = append(out, p)
				walk(p, it)
			}
		}
	}
	for _, s := range secs {
		out = append(out, s.Name)
		walk(s.Name, s.Root)
	}
	sort.Strings(out)
	return out
}

func TestSchemaFilesAsEtreeReadsThem(t *testing.T) {
	files := map[string][]byte{}
	entries, err := builtinFiles.ReadDir("builtin")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			b, err := builtinFiles.ReadFile("builtin/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			files["builtin/"+e.Name()] = b
		}
	}
	real, _ := filepath.Glob(filepath.Join(iisSchemaDir, "*.xml"))
	if len(real) == 0 {
		t.Log("skipped: needs ../shared/iis-schema for the real schema files (the built-in files are checked)")
	}
	for _, f := range real {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	for name, data := range files {
		p := &parser{file: name}
		secs, err := p.parseFile(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want, got := schemaFacts(t, asUTF8(data)), parsedFacts(secs)
		if d := factDiff(want, got); d != "" {
			t.Errorf("%s: etree and the schema parser disagree:\n%s", name, d)
		}
	}
}

// factDiff lists the lines only one side has (at most 20).
func factDiff(want, got []string) string {
	count := map[string]int{}
	for _, w := range want {
		count[w]++
	}
	for _, g := range got {
		count[g]--
	}
	var b strings.Builder
	n := 0
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch c := count[k]; {
		case c > 0 && n < 20:
			fmt.Fprintf(&b, "  only etree:  %s\n", k)
			n++
		case c < 0 && n < 20:
			fmt.Fprintf(&b, "  only parser: %s\n", k)
			n++
		}
	}
	return b.String()
}
