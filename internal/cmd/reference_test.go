package cmd

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
	"github.com/appcmd-project/appcmd/internal/section/refdoc"
)

const referenceDir = "../../../shared/iis-config-reference"

// TestReferenceAttributes walks every page of the IIS configuration
// reference that has an Attributes table and, on the built-in default
// applicationHost.config with no schema files, sets each documented
// attribute to a valid value other than its default with set config, then
// reads it back with list config. Items of collections on the way are added
// first. Attributes that cannot be tried are named with the reason.
func TestReferenceAttributes(t *testing.T) {
	pages, err := refdoc.Read(referenceDir)
	if err != nil {
		t.Skipf("skipped: needs ../shared (the IIS configuration reference at %s): %v", referenceDir, err)
	}
	schema := section.Builtin()
	names := schema.Names()
	dir := t.TempDir()
	file := filepath.Join(dir, "applicationHost.config")
	template := configstore.DefaultConfig(file)
	var tested, skipped, total int
	skip := func(pg *refdoc.Page, attr, why string) {
		skipped++
		t.Logf("skipped %s@%s: %s", strings.Join(pg.Path, "/"), attr, why)
	}
	for _, pg := range pages {
		if len(pg.Attrs) == 0 {
			continue
		}
		total += len(pg.Attrs)
		tgt, why := resolvePage(schema, names, pg.Path)
		if tgt == nil {
			for _, ra := range pg.Attrs {
				skip(pg, ra.Name, why)
			}
			continue
		}
		if err := os.WriteFile(file, declare(template, tgt.section), 0o644); err != nil {
			t.Fatal(err)
		}
		run := func(args ...string) (string, string, int) {
			ios, _, out, errOut := testStreams()
			env := map[string]string{"APPCMD_APPHOSTCONFIG": file}
			if args[0] == "set" {
				args = append(args, "-commit:apphost")
			}
			code := runArgs(args, ios, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			return out.String(), errOut.String(), code
		}
		failedSetup := ""
		for _, add := range tgt.adds {
			if _, errOut, code := run("set", "config", "-section:"+tgt.section, add); code != 0 {
				failedSetup = fmt.Sprintf("adding the collection item %s failed: %s", add, strings.TrimSpace(errOut))
				break
			}
		}
		want := map[string]string{}
		for _, ra := range pg.Attrs {
			pagePath := strings.Join(pg.Path, "/")
			name := ra.Name
			if n, ok := refdoc.Decided(pagePath, ra.Name, "name"); ok {
				name = n
			}
			a := tgt.elem.Attribute(name)
			switch {
			case a == nil && refdoc.Why(pagePath, ra.Name, "skip") != "":
				skip(pg, ra.Name, "left out of the built-in schema: "+refdoc.Why(pagePath, ra.Name, "skip"))
				continue
			case a == nil:
				t.Errorf("%s: documented attribute %s is not in the built-in schema", pg.File, ra.Name)
				continue
			case failedSetup != "":
				t.Errorf("%s@%s: %s", pg.File, ra.Name, failedSetup)
				continue
			}
			if a.Encrypted {
				skip(pg, ra.Name, "stored encrypted by IIS; appcmd refuses to write it in clear (docs/errors.md)")
				continue
			}
			if v, ok := tgt.keys[a.Name]; ok {
				want[a.Name] = v // set by the add
				continue
			}
			v, ok := valueFor(a, false)
			if !ok {
				skip(pg, ra.Name, fmt.Sprintf("no valid value other than the default %q for a %s", a.Default(), a.Type))
				continue
			}
			if _, errOut, code := run("set", "config", "-section:"+tgt.section, "/"+tgt.path+a.Name+":"+v); code != 0 {
				t.Errorf("%s: set %s%s:%s: exit %d: %s", pg.File, tgt.path, a.Name, v, code, strings.TrimSpace(errOut))
				continue
			}
			want[a.Name] = v
		}
		if len(want) == 0 {
			continue
		}
		out, errOut, code := run("list", "config", "-section:"+tgt.section)
		if code != 0 {
			t.Errorf("%s: list config: exit %d: %s", pg.File, code, errOut)
			continue
		}
		got, err := readBack(out, tgt)
		if err != nil {
			t.Errorf("%s: %v\n%s", pg.File, err, out)
			continue
		}
		for n, v := range want {
			a := tgt.elem.Attribute(n)
			if g, ok := got[n]; !ok || !a.Equal(g, v) {
				t.Errorf("%s: %s%s reads back %q (present %v), want %q", pg.File, tgt.path, n, g, ok, v)
				continue
			}
			tested++
		}
	}
	t.Logf("reference attributes: %d documented, %d set and read back, %d skipped", total, tested, skipped)
	fmt.Printf("reference attributes: %d documented, %d set and read back, %d skipped (go test -v -run TestReferenceAttributes ./internal/cmd/ names them)\n", total, tested, skipped)
	if tested < 700 {
		t.Errorf("only %d attributes tested", tested)
	}
}

// declare adds a declaration of section to the default configuration when
// it lacks one: the sections a server declares in administration.config or
// redirection.config, which the default file stands in for here.
func declare(template []byte, section string) []byte {
	if declaredIn(template)[strings.ToLower(section)] {
		return template // a second declaration is an error (issue 20)
	}
	text := string(template)
	if strings.Contains(section, "/") {
		group, rest, _ := strings.Cut(section, "/")
		open := `<sectionGroup name="` + group + `">`
		if !strings.Contains(text, open) || strings.Count(rest, "/") > 1 {
			return template
		}
		decl := `<section name="` + rest + `" />`
		if inner, leaf, ok := strings.Cut(rest, "/"); ok {
			decl = `<sectionGroup name="` + inner + `"><section name="` + leaf + `" /></sectionGroup>`
		}
		if strings.Contains(text, `<section name="`+rest+`"`) {
			return template
		}
		return []byte(strings.Replace(text, open, open+decl, 1))
	}
	if strings.Contains(text, `<section name="`+section+`"`) {
		return template
	}
	return []byte(strings.Replace(text, "<configSections>", `<configSections><section name="`+section+`" />`, 1))
}

// declaredIn returns the lower-case full names of the sections a file's
// <configSections> declares.
func declaredIn(file []byte) map[string]bool {
	out := map[string]bool{}
	d := xml.NewDecoder(strings.NewReader(string(file)))
	var groups []string
	in := false
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := ""
			for _, a := range t.Attr {
				if a.Name.Local == "name" {
					name = a.Value
				}
			}
			switch {
			case t.Name.Local == "configSections":
				in = true
			case in && t.Name.Local == "sectionGroup":
				groups = append(groups, name)
			case in && t.Name.Local == "section":
				out[strings.ToLower(strings.Join(append(groups[:len(groups):len(groups)], name), "/"))] = true
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "configSections":
				return out
			case in && t.Name.Local == "sectionGroup":
				groups = groups[:len(groups)-1]
			}
		}
	}
}

// pageTarget is where a page's attributes live: the section, the schema
// element, the appcmd path to it ("" for the section element,
// "bindings.[protocol='x',bindingInformation='y']." for an item) and the
// /+ parameters that create the collection items on the way.
type pageTarget struct {
	section string
	elem    *section.Element
	path    string
	adds    []string
	steps   []xmlStep
	keys    map[string]string // key values of the last item on the way
}

type xmlStep struct {
	name string
	keys map[string]string
}

func resolvePage(schema *section.Schema, names []string, path []string) (*pageTarget, string) {
	full := strings.Join(path, "/")
	secName := ""
	for _, n := range names {
		if (full == n || strings.HasPrefix(full, n+"/")) && len(n) > len(secName) {
			secName = n
		}
	}
	if secName == "" {
		return nil, "not a section of the built-in schema (administration.config, or results of a method)"
	}
	sec := schema.Section(secName)
	tgt := &pageTarget{section: secName, elem: sec.Root}
	rest := strings.Split(strings.TrimPrefix(strings.TrimPrefix(full, secName), "/"), "/")
	if rest[0] == "" {
		rest = nil
	}
	for _, seg := range rest {
		if ch := tgt.elem.Element(seg); ch != nil {
			tgt.elem = ch
			tgt.path += ch.Name + "."
			tgt.steps = append(tgt.steps, xmlStep{name: ch.Name})
			tgt.keys = nil
			continue
		}
		col := tgt.elem.Collection
		if col == nil || !col.IsAdd(seg) {
			here := full[:strings.Index(full+"/", "/"+seg+"/")+len(seg)+1]
			if why := refdoc.Why(here, "", "skip"); why != "" {
				return nil, "left out of the built-in schema: " + why
			}
			return nil, fmt.Sprintf("<%s> has no element or collection item <%s> in the built-in schema", tgt.elem.Name, seg)
		}
		item := col.ItemFor(seg)
		keys := map[string]string{}
		var sel []string
		for _, a := range item.Attributes {
			if !a.Required && !a.IsUniqueKey && !a.IsCombinedKey {
				continue
			}
			v, ok := valueFor(a, true)
			if !ok {
				return nil, fmt.Sprintf("no value for the key %s of <%s>", a.Name, seg)
			}
			keys[a.Name] = v
			sel = append(sel, a.Name+"='"+v+"'")
		}
		selector := "[" + strings.Join(sel, ",") + "]"
		tgt.adds = append(tgt.adds, "/+"+tgt.path+selector)
		tgt.path += selector + "."
		tgt.steps = append(tgt.steps, xmlStep{name: seg, keys: keys})
		tgt.keys = keys
		tgt.elem = item
	}
	return tgt, ""
}

// valueFor returns a valid value of a other than its default: for keys a
// distinctive one, so that a new item does not clash with the template's.
func valueFor(a *section.Attribute, key bool) (string, bool) {
	var cands []string
	switch a.Type {
	case section.KindBool:
		cands = []string{"true", "false"}
	case section.KindEnum:
		for _, e := range a.Enums {
			cands = append(cands, e.Name)
		}
	case section.KindFlags:
		for _, f := range a.Flags {
			cands = append(cands, f.Name)
		}
		cands = append(cands, "") // no flag, when the default is the only one
	case section.KindUint, section.KindInt, section.KindInt64:
		if key {
			cands = append(cands, "4711")
		}
		if d, err := strconv.ParseInt(a.Default(), 10, 64); err == nil {
			cands = append(cands, strconv.FormatInt(d+1, 10), strconv.FormatInt(d-1, 10))
		}
		if v := a.Validator; v != nil && v.Type == "integerRange" && !v.Exclude {
			cands = append(cands, strconv.FormatInt(v.Min+1, 10), strconv.FormatInt(v.Max, 10), strconv.FormatInt(v.Min, 10))
		}
		cands = append(cands, "1", "2", "100", "4096")
	case section.KindTimeSpan:
		if a.TimeSpanFormat != section.TimeSpanString {
			cands = []string{"2", "5", "60", "120", "1"}
		} else {
			cands = []string{"00:02:00", "00:00:05", "01:00:00", "00:00:01", "1.00:00:00", "00:01:00"}
		}
	default:
		cands = []string{"appcmdtest", "/appcmdtest", "*:4711:appcmdtest", "4711", "appcmd.test", "text/appcmdtest", "%SystemDrive%\\appcmdtest"}
	}
	def := a.Default()
	for _, c := range cands {
		n, err := a.Normalize(c)
		if err != nil || a.Equal(n, def) {
			continue
		}
		return c, true
	}
	return "", false
}

// readBack finds the page's element in list config output and returns its
// attributes.
func readBack(out string, tgt *pageTarget) (map[string]string, error) {
	var root xmlNode
	if err := xml.Unmarshal([]byte("<r>"+out+"</r>"), &root); err != nil {
		return nil, err
	}
	cur := &root
	for _, seg := range strings.Split(tgt.section, "/") {
		next := cur.child(seg, nil)
		if next == nil {
			return nil, fmt.Errorf("no <%s> in the output", seg)
		}
		cur = next
	}
	for _, s := range tgt.steps {
		next := cur.child(s.name, s.keys)
		if next == nil {
			return nil, fmt.Errorf("no <%s> %v in the output", s.name, s.keys)
		}
		cur = next
	}
	got := map[string]string{}
	for _, a := range cur.Attrs {
		got[a.Name.Local] = a.Value
	}
	return got, nil
}

type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xmlNode  `xml:",any"`
}

func (n *xmlNode) child(name string, keys map[string]string) *xmlNode {
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
next:
	for i := range n.Children {
		c := &n.Children[i]
		if c.XMLName.Local != name {
			continue
		}
		for _, k := range names {
			found := false
			for _, a := range c.Attrs {
				if a.Name.Local == k && strings.EqualFold(a.Value, keys[k]) {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		return c
	}
	return nil
}
