package section

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

func mustAdd(t *testing.T, s *Schema, name, src string) {
	t.Helper()
	if err := s.Add(name, []byte(src)); err != nil {
		t.Fatalf("Add(%s): %v", name, err)
	}
}

const sampleSchema = `<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<configSchema>
  <sectionSchema name="test/sites">
    <attribute name="top" type="bool" defaultValue="true" />
    <collection addElement="site" defaultElement="siteDefaults">
      <attribute name="name" type="string" required="true" isUniqueKey="true" validationType="siteName" />
      <attribute name="id" type="uint" required="true" isUniqueKey="true" />
      <element name="bindings">
        <collection addElement="binding" clearElement="clear">
          <attribute name="protocol" type="string" required="true" isCombinedKey="true" />
          <attribute name="bindingInformation" type="string" required="true" isCombinedKey="true" />
          <attribute name="sslFlags" type="uint" />
        </collection>
      </element>
      <collection addElement="application" defaultElement="applicationDefaults">
        <attribute name="path" type="string" required="true" isUniqueKey="true" validationType="applicationPath" />
        <collection addElement="virtualDirectory" defaultElement="virtualDirectoryDefaults">
          <attribute name="path" type="string" isUniqueKey="true" validationType="virtualDirectoryPath" />
        </collection>
      </collection>
      <method name="Start" extension="Some.Runtime" />
      <attribute name="state" type="enum" extension="Some.Runtime"><enum name="Started" value="1" /></attribute>
    </collection>
    <element name="siteDefaults" isCollectionDefault="true">
      <attribute name="name" type="string" />
    </element>
  </sectionSchema>
  <sectionSchema name="test/auth" allowUnrecognizedAttributes="true">
    <collection addElement="allow, deny" mergeAppend="false" allowDuplicates="true" removeElement="remove">
      <attribute name="users" type="string" />
    </collection>
  </sectionSchema>
  <unknownThing />
</configSchema>
`

func TestAddModel(t *testing.T) {
	s := &Schema{}
	mustAdd(t, s, "sample.xml", sampleSchema)
	if got, want := s.Names(), []string{"test/auth", "test/sites"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names = %v, want %v", got, want)
	}
	sites := s.Section("test/sites")
	if sites.Root.Name != "sites" || sites.File != "sample.xml" {
		t.Errorf("root = %q, file = %q", sites.Root.Name, sites.File)
	}
	col := sites.Root.Collection
	if !reflect.DeepEqual(col.AddElements, []string{"site"}) || col.DefaultElement != "siteDefaults" ||
		col.RemoveElement != "" || col.ClearElement != "" || !col.MergeAppend || col.AllowDuplicates {
		t.Errorf("sites collection = %+v", col)
	}
	if !col.IsAdd("site") || col.IsAdd("Site") || col.IsAdd("add") {
		t.Error("IsAdd")
	}
	if col.Item.Name != "site" || col.ItemFor("site") != col.Item || col.ItemFor("add") != nil {
		t.Error("Item / ItemFor")
	}
	if names := attrNames(col.KeyAttributes()); !reflect.DeepEqual(names, []string{"name", "id"}) {
		t.Errorf("site keys = %v", names)
	}
	// extension attributes and methods are skipped.
	if col.Item.Attribute("state") != nil {
		t.Error("extension attribute was kept")
	}
	bind := col.Item.Element("bindings").Collection
	if names := attrNames(bind.KeyAttributes()); !reflect.DeepEqual(names, []string{"protocol", "bindingInformation"}) {
		t.Errorf("binding keys = %v", names)
	}
	if bind.KeyAttributes()[0].IsUniqueKey || bind.ClearElement != "clear" {
		t.Error("binding keys should be combined; clear directive")
	}
	apps := col.Item.Collection
	vdirs := apps.Item.Collection
	if apps.DefaultElement != "applicationDefaults" || vdirs.AddElements[0] != "virtualDirectory" {
		t.Errorf("nested collections: %+v / %+v", apps, vdirs)
	}
	if d := sites.Root.Element("SITEDEFAULTS"); d == nil || !d.IsCollectionDefault {
		t.Error("Element is case-insensitive after exact; isCollectionDefault")
	}
	if sites.Root.Attribute("TOP") == nil || sites.Root.Attribute("nope") != nil {
		t.Error("Attribute lookup")
	}

	auth := s.Section("test/auth")
	ac := auth.Root.Collection
	if !auth.Root.AllowUnrecognizedAttributes {
		t.Error("sectionSchema allowUnrecognizedAttributes")
	}
	if !reflect.DeepEqual(ac.AddElements, []string{"allow", "deny"}) || ac.MergeAppend || !ac.AllowDuplicates ||
		ac.RemoveElement != "remove" || ac.ItemFor("allow") != ac.ItemFor("deny") {
		t.Errorf("auth collection = %+v", ac)
	}
	if ac.KeyAttributes() != nil {
		t.Error("no keys expected")
	}
	var nilCol *Collection
	if nilCol.IsAdd("add") || nilCol.KeyAttributes() != nil || nilCol.ItemFor("add") != nil {
		t.Error("nil collection")
	}
	var nilSchema *Schema
	if nilSchema.Section("x") != nil || nilSchema.Names() != nil {
		t.Error("nil schema")
	}
}

func attrNames(as []*Attribute) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func TestAddErrors(t *testing.T) {
	cases := []struct {
		src  string
		line int
		msg  string
	}{
		{"<configSchema>\n<sectionSchema name='a'>\n</configSchema>", 3, "not well-formed XML"},
		{"<configSchema>\n<sectionSchema name='a'>", 2, "not well-formed XML"},
		{"", 1, "not well-formed XML (column 1): the file has no root element"},
		{"<schema/>", 1, "the root element must be <configSchema>"},
		{"<configSchema>\n  <sectionSchema>\n</sectionSchema></configSchema>", 2, "<sectionSchema> needs a name"},
		{"<configSchema><sectionSchema name='a'>\n\n<attribute name='x' type='float'/></sectionSchema></configSchema>", 3, `attribute "x": unknown type "float"`},
		{"<configSchema><sectionSchema name='a'>\n<attribute type='bool'/></sectionSchema></configSchema>", 2, "<attribute> needs a name"},
		{"<configSchema><sectionSchema name='a'>\n<attribute name='x' type='bool' required='yes'/></sectionSchema></configSchema>", 2, `required="yes" must be true or false`},
		{"<configSchema><sectionSchema name='a'>\n<attribute name='x' type='uint' validationType='integerRange' validationParameter='1'/></sectionSchema></configSchema>", 2, `attribute "x": validationParameter "1" of integerRange`},
		{"<configSchema><sectionSchema name='a'>\n<attribute name='x' type='timeSpan' timeSpanFormat='hours'/></sectionSchema></configSchema>", 2, `unknown timeSpanFormat "hours"`},
		{"<configSchema><sectionSchema name='a'>\n<attribute name='x' type='enum'>\n<enum name='A' value='one'/></attribute></sectionSchema></configSchema>", 3, `<enum name="A"> needs a numeric value`},
		{"<configSchema><sectionSchema name='a'>\n<attribute name='x' type='flags'>\n<flag value='1'/></attribute></sectionSchema></configSchema>", 3, `<flag> needs a name`},
		{"<configSchema><sectionSchema name='a'>\n<element/></sectionSchema></configSchema>", 2, "<element> needs a name"},
		{"<configSchema><sectionSchema name='a'>\n<element name='e' isCollectionDefault='1'/></sectionSchema></configSchema>", 2, "must be true or false"},
		{"<configSchema><sectionSchema name='a'>\n<collection/></sectionSchema></configSchema>", 2, "<collection> needs addElement"},
		{"<configSchema><sectionSchema name='a'>\n<collection addElement='add' mergeAppend='no'/></sectionSchema></configSchema>", 2, `mergeAppend="no"`},
	}
	for _, c := range cases {
		s := &Schema{}
		mustAdd(t, s, "before.xml", `<configSchema><sectionSchema name="keep"/></configSchema>`)
		err := s.Add("bad.xml", []byte(c.src))
		var se *SchemaError
		if !errors.As(err, &se) {
			t.Errorf("Add(%q) = %v, want *SchemaError", c.src, err)
			continue
		}
		if se.File != "bad.xml" || se.Line != c.line || !strings.Contains(se.Error(), c.msg) {
			t.Errorf("Add(%q) = %q (line %d), want line %d and %q", c.src, se.Error(), se.Line, c.line, c.msg)
		}
		if got := s.Names(); !reflect.DeepEqual(got, []string{"keep"}) {
			t.Errorf("a failed Add changed the schema: %v", got)
		}
	}
	err := (&Schema{}).Add("x.xml", []byte("<configSchema>\n<a></b></configSchema>"))
	if err == nil || !strings.HasPrefix(err.Error(), "schema x.xml:2: not well-formed XML") {
		t.Errorf("syntax error text = %v", err)
	}
}

func TestAddEncodings(t *testing.T) {
	src := `<?xml version="1.0" encoding="utf-16"?>` + "\n<configSchema><sectionSchema name=\"enc/ok\"><attribute name=\"é\" type=\"string\" /></sectionSchema></configSchema>"
	u := utf16.Encode([]rune(src))
	le := []byte{0xFF, 0xFE}
	be := []byte{0xFE, 0xFF}
	for _, r := range u {
		le = append(le, byte(r), byte(r>>8))
		be = append(be, byte(r>>8), byte(r))
	}
	bom := append([]byte{0xEF, 0xBB, 0xBF}, strings.Replace(src, "utf-16", "utf-8", 1)...)
	for name, data := range map[string][]byte{"utf16le": le, "utf16be": be, "utf8bom": bom} {
		s := &Schema{}
		if err := s.Add(name, data); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if s.Section("enc/ok").Root.Attribute("é") == nil {
			t.Errorf("%s: attribute not found", name)
		}
	}
}

// A later definition of a section extends it; what it redefines wins.
func TestAddMerge(t *testing.T) {
	s := &Schema{}
	mustAdd(t, s, "a.xml", `<configSchema>
	  <sectionSchema name="m/sites">
	    <attribute name="a" type="bool" defaultValue="true" />
	    <attribute name="b" type="uint" />
	    <collection addElement="site" clearElement="clear" defaultElement="siteDefaults">
	      <attribute name="name" type="string" isUniqueKey="true" />
	      <element name="limits"><attribute name="max" type="uint" /></element>
	    </collection>
	    <element name="siteDefaults" isCollectionDefault="true"><attribute name="name" type="string" /></element>
	  </sectionSchema></configSchema>`)
	before := s.Clone()
	mustAdd(t, s, "b.xml", `<configSchema>
	  <sectionSchema name="m/sites">
	    <attribute name="b" type="int" defaultValue="-1" />
	    <attribute name="c" type="string" />
	    <collection addElement="site" mergeAppend="false">
	      <element name="ftpServer"><attribute name="allowUTF8" type="bool" /></element>
	      <element name="limits"><attribute name="min" type="uint" /></element>
	    </collection>
	    <element name="siteDefaults"><element name="ftpServer" /></element>
	  </sectionSchema></configSchema>`)
	sec := s.Section("m/sites")
	if sec.File != "b.xml" {
		t.Errorf("File = %q", sec.File)
	}
	if got := attrNames(sec.Root.Attributes); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("attributes = %v", got)
	}
	if b := sec.Root.Attribute("b"); b.Type != KindInt || b.Default() != "-1" {
		t.Errorf("b was not replaced: %+v", b)
	}
	col := sec.Root.Collection
	if col.ClearElement != "clear" || col.DefaultElement != "siteDefaults" || col.MergeAppend {
		t.Errorf("collection directives after merge: %+v", col)
	}
	item := col.Item
	if item.Attribute("name") == nil || item.Element("ftpServer") == nil {
		t.Error("item lost its attributes or did not gain ftpServer")
	}
	if got := attrNames(item.Element("limits").Attributes); !reflect.DeepEqual(got, []string{"max", "min"}) {
		t.Errorf("limits = %v", got)
	}
	if d := sec.Root.Element("siteDefaults"); !d.IsCollectionDefault || d.Element("ftpServer") == nil {
		t.Error("siteDefaults merge")
	}
	// The clone taken before is unaffected.
	old := before.Section("m/sites")
	if old.Root.Attribute("c") != nil || old.Root.Collection.Item.Element("ftpServer") != nil || !old.Root.Collection.MergeAppend {
		t.Error("Clone shares state with the original")
	}
}

// A second <collection> under one element, and a later definition adding
// add names, keep an item schema per add name (FX_schema.xml).
func TestAddSecondCollection(t *testing.T) {
	s := &Schema{}
	mustAdd(t, s, "fx.xml", `<configSchema><sectionSchema name="p/profile">
	  <element name="properties">
	    <collection addElement="add" removeElement="remove" clearElement="clear">
	      <attribute name="name" type="string" isUniqueKey="true" />
	      <attribute name="type" type="string" />
	    </collection>
	    <collection addElement="group">
	      <attribute name="name" type="string" isUniqueKey="true" />
	      <collection addElement="add"><attribute name="name" type="string" isUniqueKey="true" /></collection>
	    </collection>
	  </element></sectionSchema></configSchema>`)
	c := s.Section("p/profile").Root.Element("properties").Collection
	if !reflect.DeepEqual(c.AddElements, []string{"add", "group"}) || c.RemoveElement != "remove" {
		t.Fatalf("collection = %+v", c)
	}
	if c.ItemFor("add").Attribute("type") == nil || c.ItemFor("group").Collection == nil || c.Item != c.ItemFor("add") {
		t.Error("each add name keeps its own item schema")
	}

	mustAdd(t, s, "more.xml", `<configSchema><sectionSchema name="p/profile">
	  <element name="properties">
	    <collection addElement="group,extra"><attribute name="x" type="string" /></collection>
	  </element></sectionSchema></configSchema>`)
	c = s.Section("p/profile").Root.Element("properties").Collection
	if !reflect.DeepEqual(c.AddElements, []string{"add", "group", "extra"}) {
		t.Fatalf("AddElements = %v", c.AddElements)
	}
	if c.ItemFor("extra") != c.ItemFor("group") || c.ItemFor("group").Attribute("x") == nil || c.ItemFor("add").Attribute("x") != nil {
		t.Error("merged add names")
	}
}

func TestResolve(t *testing.T) {
	names := []string{
		"system.webServer/webSocket",
		"system.webServer/security/authentication/anonymousAuthentication",
		"system.webServer/security/access",
		"system.webServer/security/authorization",
		"system.web/authorization",
		"system.webServer/modules",
		"modules",
	}
	cases := []struct {
		in   string
		want []string
	}{
		{"system.webServer/webSocket", []string{"system.webServer/webSocket"}},
		{"SYSTEM.WEBSERVER/WEBSOCKET", []string{"system.webServer/webSocket"}},
		{"webSocket", []string{"system.webServer/webSocket"}},
		{"websocket", []string{"system.webServer/webSocket"}},
		{"/webSocket/", []string{"system.webServer/webSocket"}},
		{"anonymousAuthentication", []string{"system.webServer/security/authentication/anonymousAuthentication"}},
		{"authentication/anonymousAuthentication", []string{"system.webServer/security/authentication/anonymousAuthentication"}},
		{"access", []string{"system.webServer/security/access"}},
		{"authorization", []string{"system.web/authorization", "system.webServer/security/authorization"}},
		{"modules", []string{"modules"}}, // the exact full name wins
		{"Socket", nil},                  // only whole path segments match
		{"", nil},
		{"nothing", nil},
	}
	for _, c := range cases {
		if got := ResolveAmong(c.in, names); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ResolveAmong(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	// With the declared sections of a file, "modules" finds the IIS one.
	if got := ResolveAmong("modules", []string{"system.webServer/modules"}); !reflect.DeepEqual(got, []string{"system.webServer/modules"}) {
		t.Errorf("ResolveAmong(modules, declared) = %v", got)
	}

	s := Builtin()
	if sec, err := s.Lookup("webSocket"); err != nil || sec.Name != "system.webServer/webSocket" {
		t.Errorf("Lookup(webSocket) = %v, %v", sec, err)
	}
	if _, err := s.Lookup("nosuch"); err == nil || !strings.Contains(err.Error(), `unknown configuration section "nosuch"`) {
		t.Errorf("Lookup(nosuch) error = %v", err)
	}
	amb := &Schema{}
	mustAdd(t, amb, "x.xml", `<configSchema><sectionSchema name="a/x"/><sectionSchema name="b/x"/></configSchema>`)
	_, err := amb.Lookup("x")
	var le *LookupError
	if !errors.As(err, &le) || !reflect.DeepEqual(le.Candidates, []string{"a/x", "b/x"}) || !strings.Contains(err.Error(), "ambiguous") {
		t.Errorf("Lookup(x) = %v", err)
	}
}

func TestLoadDirs(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	write := func(dir, name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sec := func(def string) string {
		return `<configSchema><sectionSchema name="l/s"><attribute name="v" type="uint" defaultValue="` + def + `" /></sectionSchema></configSchema>`
	}
	write(d1, "b.xml", sec("2"))
	write(d1, "a.xml", sec("1"))
	write(d1, "notes.txt", "not a schema")
	write(d1, "UPPER.XML", `<configSchema><sectionSchema name="l/upper"/></configSchema>`)
	if err := os.Mkdir(filepath.Join(d1, "dir.xml"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(d2, "a.xml", sec("3"))

	s := Builtin()
	if err := LoadDirs(s, []string{d1, filepath.Join(d1, "missing"), "", d2}); err != nil {
		t.Fatal(err)
	}
	if got := s.Section("l/s").Root.Attribute("v").Default(); got != "3" {
		t.Errorf("last directory should win: default = %s", got)
	}
	if s.Section("l/upper") == nil || s.Section("system.webServer/webSocket") == nil {
		t.Error("UPPER.XML not loaded, or built-ins lost")
	}

	s = &Schema{}
	if err := LoadDirs(s, []string{d1}); err != nil {
		t.Fatal(err)
	}
	if got := s.Section("l/s").Root.Attribute("v").Default(); got != "2" {
		t.Errorf("files load in name order: default = %s", got)
	}

	write(d2, "z.xml", "<configSchema><oops></configSchema>")
	err := LoadDirs(&Schema{}, []string{d2})
	var se *SchemaError
	if !errors.As(err, &se) || se.File != filepath.Join(d2, "z.xml") || se.Line != 1 {
		t.Errorf("LoadDirs bad file = %v", err)
	}
	if err := LoadDirs(&Schema{}, []string{filepath.Join(d2, "a.xml")}); err == nil {
		t.Error("a file given as a directory should fail")
	}
}

func TestBuiltinIsACopy(t *testing.T) {
	a, b := Builtin(), Builtin()
	mustAdd(t, a, "x.xml", `<configSchema><sectionSchema name="system.webServer/webSocket"><attribute name="extra" type="bool" /></sectionSchema></configSchema>`)
	if b.Section("system.webServer/webSocket").Root.Attribute("extra") != nil {
		t.Error("Builtin copies share state")
	}
	if Builtin().Section("system.webServer/webSocket").Root.Attribute("extra") != nil {
		t.Error("Add on a Builtin copy changed the built-ins")
	}
}

func TestPreferAmong(t *testing.T) {
	cases := []struct {
		cands []string
		want  string
		ok    bool
	}{
		{[]string{"system.ftpServer/security/requestFiltering", "system.webServer/security/requestFiltering"}, "system.webServer/security/requestFiltering", true},
		{[]string{"system.ftpServer/security/authorization", "system.web/authorization", "system.webServer/security/authorization"}, "system.webServer/security/authorization", true},
		{[]string{"system.applicationHost/log", "system.ftpServer/log"}, "system.applicationHost/log", true},
		// No candidate in IIS's own groups: still ambiguous.
		{[]string{"system.ftpServer/security/authentication", "system.web/authentication"}, "", false},
		// Two in the same group: still ambiguous.
		{[]string{"system.webServer/management/authorization", "system.webServer/security/authorization"}, "", false},
		{nil, "", false},
	}
	for _, c := range cases {
		if got, ok := PreferAmong(c.cands); got != c.want || ok != c.ok {
			t.Errorf("PreferAmong(%v) = %q, %v; want %q, %v", c.cands, got, ok, c.want, c.ok)
		}
	}
	amb := &Schema{}
	mustAdd(t, amb, "x.xml", `<configSchema><sectionSchema name="system.ftpServer/x"/><sectionSchema name="system.webServer/x"/></configSchema>`)
	if sec, err := amb.Lookup("x"); err != nil || sec.Name != "system.webServer/x" {
		t.Errorf("Lookup(x) = %v, %v", sec, err)
	}
}
