package section

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The built-in sections parse lazily; the result is the same as parsing
// every built-in file at once, in the same order.
func TestBuiltinLazy(t *testing.T) {
	lazy := Builtin()
	eager := &Schema{}
	files := map[string]bool{}
	var order []string
	for _, n := range lazy.Names() {
		for _, d := range builtinIndex()[n] {
			if !files[d.file] {
				files[d.file] = true
				order = append(order, d.file)
			}
		}
	}
	// Hand-written files first, as builtinIndex orders them.
	hand, gen := []string{}, []string{}
	for _, f := range order {
		if strings.HasPrefix(filepath.Base(f), "gen_") {
			gen = append(gen, f)
		} else {
			hand = append(hand, f)
		}
	}
	for _, f := range append(hand, gen...) {
		data, err := builtinFiles.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := eager.Add(f, data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if !reflect.DeepEqual(lazy.Names(), eager.Names()) {
		t.Fatalf("lazy names %v\neager %v", lazy.Names(), eager.Names())
	}
	for _, n := range eager.Names() {
		var diffs []string
		compareElement(n, lazy.Section(n).Root, eager.Section(n).Root, &diffs)
		for _, d := range diffs {
			t.Error(d)
		}
	}
}

// Schema files merge as IIS merges them: an older IIS_schema.xml (without
// hsts) loaded over the built-in schema keeps the built-in hsts, and a file
// that adds attributes to a section (as rscaext.xml does) extends it
// without hiding anything.
func TestSchemaFilesMerge(t *testing.T) {
	s := Builtin()
	real := filepath.Join(iisSchemaDir, "IIS_schema.xml")
	if data, err := os.ReadFile(real); err == nil {
		if err := s.Add(real, data); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Log("skipped: needs ../shared (the real IIS_schema.xml); merging the built-in schema only")
	}
	rscaext := []byte(`<configSchema>
  <sectionSchema name="system.applicationHost/sites">
    <collection addElement="site">
      <attribute name="extraSiteFlag" type="bool" defaultValue="true" />
    </collection>
    <element name="siteDefaults">
      <attribute name="extraSiteFlag" type="bool" defaultValue="true" />
    </element>
  </sectionSchema>
  <sectionSchema name="system.applicationHost/applicationPools">
    <collection addElement="add">
      <attribute name="CLRConfigFile" type="string" />
      <attribute name="extraPoolSetting" type="uint" defaultValue="7" />
    </collection>
  </sectionSchema>
</configSchema>`)
	if err := s.Add("rscaext.xml", rscaext); err != nil {
		t.Fatal(err)
	}
	sites := s.Section("system.applicationHost/sites").Root
	site := sites.Collection.Item
	for _, e := range []*Element{site, sites.Element("siteDefaults")} {
		hsts := e.Element("hsts")
		if hsts == nil {
			t.Fatalf("<%s> lost hsts after the merge", e.Name)
		}
		if a := hsts.Attribute("max-age"); a == nil || a.Type != KindUint || a.Default() != "0" {
			t.Errorf("%s/hsts max-age = %+v", e.Name, a)
		}
		if e.Attribute("extraSiteFlag") == nil {
			t.Errorf("<%s> lacks the attribute the second file adds", e.Name)
		}
		if e.Attribute("serverAutoStart") == nil || e.Element("bindings") == nil {
			t.Errorf("<%s> lost what the earlier definitions had", e.Name)
		}
	}
	pool := s.Section("system.applicationHost/applicationPools").Root.Collection.Item
	if pool.Attribute("extraPoolSetting") == nil || pool.Attribute("managedPipelineMode") == nil || pool.Element("processModel") == nil {
		t.Errorf("applicationPools add after the merge: %v", attrNames(pool.Attributes))
	}
	if got := attrNames(s.Section("system.applicationHost/applicationPools").Root.Collection.KeyAttributes()); !reflect.DeepEqual(got, []string{"name"}) {
		t.Errorf("applicationPools keys after the merge = %v", got)
	}
}

// Has answers from the index of built-in sections, without parsing them.
func TestHasDoesNotParse(t *testing.T) {
	s := Builtin()
	if !s.Has("system.webServer/asp") || s.Has("system.webServer/nosuch") {
		t.Fatal("Has")
	}
	if len(s.sections) != 0 {
		t.Errorf("Has parsed %d sections", len(s.sections))
	}
	if s.Section("system.webServer/asp") == nil || len(s.sections) != 1 {
		t.Errorf("Section parsed %d sections, want 1", len(s.sections))
	}
}
