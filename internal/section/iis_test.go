package section

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// iisSchemaDir holds the real IIS 10 schema files (test data, at
// ../shared/iis-schema from the repository root).
const iisSchemaDir = "../../../shared/iis-schema"

var updateDiffs = flag.Bool("update-diffs", false, "rewrite testdata/builtin_vs_iis.txt")

// builtinSections is exactly what builtin/*.xml defines.
var builtinSections = []string{
	"system.applicationHost/applicationPools",
	"system.applicationHost/configHistory",
	"system.applicationHost/log",
	"system.applicationHost/sites",
	"system.applicationHost/webLimits",
	"system.webServer/applicationInitialization",
	"system.webServer/caching",
	"system.webServer/defaultDocument",
	"system.webServer/directoryBrowse",
	"system.webServer/globalModules",
	"system.webServer/handlers",
	"system.webServer/httpErrors",
	"system.webServer/httpLogging",
	"system.webServer/httpProtocol",
	"system.webServer/httpRedirect",
	"system.webServer/modules",
	"system.webServer/security/access",
	"system.webServer/security/authentication/anonymousAuthentication",
	"system.webServer/security/authentication/basicAuthentication",
	"system.webServer/security/authentication/windowsAuthentication",
	"system.webServer/security/authorization",
	"system.webServer/security/ipSecurity",
	"system.webServer/security/requestFiltering",
	"system.webServer/serverRuntime",
	"system.webServer/staticContent",
	"system.webServer/urlCompression",
	"system.webServer/validation",
	"system.webServer/webSocket",
}

// moreBuiltinSections samples each family added by the generator.
var moreBuiltinSections = []string{
	"appSettings",
	"connectionStrings",
	"system.ftpServer/security/authorization",
	"system.web/compilation",
	"system.web/sessionState",
	"system.webServer/asp",
	"system.webServer/httpCompression",
	"system.webServer/rewrite/rules",
	"system.webServer/tracing/traceFailedRequests",
	"system.webServer/webdav/authoring",
}

func loadIIS(t *testing.T) *Schema {
	t.Helper()
	if _, err := os.Stat(iisSchemaDir); os.IsNotExist(err) {
		t.Skipf("skipped: needs ../shared (the real IIS schema files, %s)", iisSchemaDir)
	}
	s := &Schema{}
	if err := LoadDirs(s, []string{iisSchemaDir}); err != nil {
		t.Fatalf("loading the real IIS schema: %v", err)
	}
	return s
}

func mustSection(t *testing.T, s *Schema, name string) *Section {
	t.Helper()
	sec := s.Section(name)
	if sec == nil {
		t.Fatalf("section %s not found", name)
	}
	return sec
}

func TestBuiltin(t *testing.T) {
	s := Builtin()
	names := map[string]bool{}
	for _, n := range s.Names() {
		names[n] = true
	}
	for _, n := range append(builtinSections, moreBuiltinSections...) {
		if !names[n] {
			t.Errorf("built-in section %s missing", n)
		}
	}
	if len(names) < 80 {
		t.Errorf("%d built-in sections; the reference, ASP.NET and URL Rewrite give over 80", len(names))
	}
	// Every default is a valid value of its type.
	for _, n := range s.Names() {
		walkAttributes(s.Section(n).Root, n, func(path string, a *Attribute) {
			if !a.HasDefault {
				return
			}
			if _, err := a.parse(a.DefaultValue); err != nil {
				t.Errorf("%s: default %q does not parse: %v", path, a.DefaultValue, err)
			}
			if a.DefaultValue != a.Default() {
				t.Errorf("%s: built-in default %q is not written canonically (%q)", path, a.DefaultValue, a.Default())
			}
		})
	}
}

// Every real IIS schema file loads unmodified, with the details other
// layers rely on.
func TestRealIISSchema(t *testing.T) {
	s := loadIIS(t)
	entries, _ := os.ReadDir(iisSchemaDir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".xml" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(iisSchemaDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := (&Schema{}).Add(e.Name(), data); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}

	ws := mustSection(t, s, "system.webServer/webSocket").Root
	checkAttr(t, ws.Attribute("enabled"), KindBool, "true", nil)
	checkAttr(t, ws.Attribute("receiveBufferLimit"), KindUint, "4194304",
		&Validator{Type: ValidateIntegerRange, Parameter: "4096,2147483647", Min: 4096, Max: 2147483647})
	checkAttr(t, ws.Attribute("pingInterval"), KindTimeSpan, "00:00:00",
		&Validator{Type: ValidateTimeSpanRange, Parameter: "0,86400,1", Max: 86400, Granularity: 1})

	sites := mustSection(t, s, "system.applicationHost/sites").Root
	sc := sites.Collection
	if !reflect.DeepEqual(sc.AddElements, []string{"site"}) || sc.DefaultElement != "siteDefaults" {
		t.Errorf("sites collection = %+v", sc)
	}
	if got := attrNames(sc.KeyAttributes()); !reflect.DeepEqual(got, []string{"name", "id"}) {
		t.Errorf("site keys = %v", got)
	}
	if sd := sites.Element("siteDefaults"); sd == nil || !sd.IsCollectionDefault {
		t.Error("siteDefaults")
	}
	// Ftp_schema.xml extends sites; both sites and siteDefaults gain ftpServer.
	if sc.Item.Element("ftpServer") == nil || sites.Element("siteDefaults").Element("ftpServer") == nil {
		t.Error("Ftp_schema.xml's extension of sites was not merged")
	}
	bindings := sc.Item.Element("bindings").Collection
	if !reflect.DeepEqual(bindings.AddElements, []string{"binding"}) || bindings.ClearElement != "clear" || bindings.RemoveElement != "" {
		t.Errorf("bindings = %+v", bindings)
	}
	keys := bindings.KeyAttributes()
	if got := attrNames(keys); !reflect.DeepEqual(got, []string{"protocol", "bindingInformation"}) || keys[0].IsUniqueKey || !keys[0].IsCombinedKey {
		t.Errorf("binding keys = %v", got)
	}
	apps := sc.Item.Collection
	if !reflect.DeepEqual(apps.AddElements, []string{"application"}) || apps.DefaultElement != "applicationDefaults" {
		t.Errorf("applications = %+v", apps)
	}
	vdirs := apps.Item.Collection
	if !reflect.DeepEqual(vdirs.AddElements, []string{"virtualDirectory"}) || vdirs.DefaultElement != "virtualDirectoryDefaults" {
		t.Errorf("virtual directories = %+v", vdirs)
	}
	if got := attrNames(vdirs.KeyAttributes()); !reflect.DeepEqual(got, []string{"path"}) {
		t.Errorf("vdir keys = %v", got)
	}
	if apps.Item.Element("virtualDirectoryDefaults") == nil || sc.Item.Element("applicationDefaults") == nil {
		t.Error("collection default elements inside items")
	}

	auth := mustSection(t, s, "system.web/authorization").Root.Collection
	if !reflect.DeepEqual(auth.AddElements, []string{"allow", "deny"}) || auth.MergeAppend || !auth.AllowDuplicates {
		t.Errorf("system.web/authorization = %+v", auth)
	}

	pools := mustSection(t, s, "system.applicationHost/applicationPools").Root.Collection
	env := pools.Item.Element("environmentVariables").Collection
	if env.RemoveElement != "remove" || env.ClearElement != "" || attrNames(env.KeyAttributes())[0] != "name" {
		t.Errorf("applicationPools environmentVariables = %+v", env)
	}
	if d := pools.Item.Element("recycling").Element("periodicRestart").Attribute("time").Default(); d != "1.05:00:00" {
		t.Errorf("periodicRestart time default = %s", d)
	}
	// The misspelt defaultvalue in IIS_schema.xml is read.
	rs := mustSection(t, s, "system.webServer/security/requestFiltering").Root.Attribute("removeServerHeader")
	if !rs.HasDefault || rs.Default() != "false" {
		t.Errorf("removeServerHeader = %+v", rs)
	}
	// arr_schema.xml runtime-state attributes (extension=...) are skipped.
	dc := mustSection(t, s, "system.webServer/diskCache").Root
	if got := attrNames(dc.Collection.Item.Attributes); !reflect.DeepEqual(got, []string{"path", "maxUsage"}) {
		t.Errorf("diskCache driveLocation attributes = %v, want the extension ones skipped", got)
	}
	// Section names that clash once all files are loaded.
	if got := s.Resolve("modules"); !reflect.DeepEqual(got, []string{"modules"}) {
		t.Errorf("Resolve(modules) = %v", got)
	}
	if got := s.Resolve("authorization"); len(got) < 2 {
		t.Errorf("Resolve(authorization) = %v, want several", got)
	}
}

func checkAttr(t *testing.T, a *Attribute, kind Kind, def string, v *Validator) {
	t.Helper()
	if a == nil {
		t.Fatal("attribute missing")
	}
	if a.Type != kind || a.Default() != def {
		t.Errorf("%s: type %s default %q; want %s %q", a.Name, a.Type, a.Default(), kind, def)
	}
	if !reflect.DeepEqual(a.Validator, v) {
		t.Errorf("%s: validator %+v, want %+v", a.Name, a.Validator, v)
	}
}

// TestBuiltinMatchesIIS compares every built-in section with the real IIS
// definition (names, types, defaults, enum and flag values, validators,
// collection directives and keys). Known differences are listed in
// testdata/builtin_vs_iis.txt, each with its reason in docs/schema.md; a new
// difference fails, and so does a listed one that went away (the list can
// only shrink: run with -update-diffs to rewrite it).
func TestBuiltinMatchesIIS(t *testing.T) {
	real := loadIIS(t)
	ours := Builtin()
	var diffs []string
	for _, name := range ours.Names() {
		want := real.Section(name)
		if want == nil {
			diffs = append(diffs, name+": not in the real schema files")
			continue
		}
		compareElement(name, ours.Section(name).Root, want.Root, &diffs)
	}
	for i, d := range diffs {
		diffs[i] = strings.ReplaceAll(d, "\n  ", " | ")
	}
	got := strings.Join(diffs, "\n") + "\n"
	const golden = "testdata/builtin_vs_iis.txt"
	if *updateDiffs {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	byWhy := map[string]int{}
	for _, d := range diffs {
		why := explainDiff(d)
		if why == "" {
			t.Errorf("difference from IIS without an explanation (add one to diffExplanations and docs/schema.md): %s", d)
		}
		byWhy[why]++
	}
	for _, e := range diffExplanations {
		t.Logf("%3d  %s", byWhy[e.why], e.why)
	}
	known := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		known[l] = true
	}
	now := map[string]bool{}
	for _, d := range diffs {
		now[d] = true
		if !known[d] {
			t.Errorf("new difference from IIS: %s", d)
		}
	}
	for l := range known {
		if !now[l] {
			t.Errorf("listed difference is gone (good): run go test -run TestBuiltinMatchesIIS -update-diffs to shrink the list: %s", l)
		}
	}
	t.Logf("%d built-in sections, %d known differences from the real schema files", len(ours.Names()), len(diffs))
}

// diffExplanations says why each known difference from the real schema
// files is there; docs/schema.md has the same table. Attribute lines are
// explained by the fields that differ, the others by what they name.
var diffExplanations = []struct {
	fields []string       // for "attribute" lines: the differing fields must be among these
	line   *regexp.Regexp // for the other lines
	why    string
}{
	{fields: []string{"validator", "caseSensitive", "expanded"},
		why: "the reference states no validators (ranges, non-empty), case-sensitivity or environment expansion; the built-in accepts any value of the type and compares ignoring case"},
	{fields: []string{"flags"},
		why: "the FTP log pages lack the PhysicalPath flag of logExtFileFlags"},
	{line: regexp.MustCompile(`^system\.applicationHost/sites/(site|siteDefaults): elements \[.* ftpServer hsts\]; IIS: \[ftpServer `),
		why: "ftpServer and hsts come from the generated file and merge after the hand-written elements; IIS lists ftpServer first because Ftp_schema.xml is read before IIS_schema.xml"},
	{line: regexp.MustCompile(`^system\.applicationHost/applicationPools/add/processModel: attributes \[.* requestQueueDelegatorIdentity\]`),
		why: "documented for a later IIS 10 update than the schema files in ../shared"},
	{line: regexp.MustCompile(`^system\.applicationHost/customMetadata/key/property: attributes .* IIS: \[id dataType userType attributes value\]$`),
		why: "the page does not document attributes"},
	{line: regexp.MustCompile(`^system\.applicationHost/sites/siteDefaults/ftpServer/customFeatures: attributes \[\]; IIS: \[impersonationLevel\]$`),
		why: "the page says impersonationLevel was removed after FTP 7.0"},
	{line: regexp.MustCompile(`^system\.webServer/fastCgi/application: attributes \[.*\]; IIS: \[.* rapidFailsPerMinute\]$`),
		why: "the page does not document rapidFailsPerMinute"},
	{line: regexp.MustCompile(`^system\.webServer/(security/isapiCgiRestriction/add|security/authentication/iisClientCertificateMappingAuthentication/manyToOneMappings/add): attributes \[.*\]; IIS: \[.*description.*\]$`),
		why: "the page does not document description"},
}

var diffFieldRe = regexp.MustCompile(`(\w+)=("[^"]*"|\[[^\]]*\]|\{[^}]*\}|\S+)`)

// explainDiff returns the explanation of one difference, or "".
func explainDiff(d string) string {
	if i := strings.Index(d, ": attribute "); i >= 0 {
		ours, iis, ok := strings.Cut(d[i:], " | IIS:  ")
		if !ok {
			return ""
		}
		fields := func(s string) map[string]string {
			m := map[string]string{}
			for _, f := range diffFieldRe.FindAllStringSubmatch(s, -1) {
				m[f[1]] = f[2]
			}
			return m
		}
		o, w := fields(ours), fields(iis)
		var differ []string
		for k := range w {
			if o[k] != w[k] {
				differ = append(differ, k)
			}
		}
	next:
		for _, e := range diffExplanations {
			if e.fields == nil {
				continue
			}
			for _, k := range differ {
				if !slices.Contains(e.fields, k) {
					continue next
				}
			}
			return e.why
		}
		return ""
	}
	for _, e := range diffExplanations {
		if e.line != nil && e.line.MatchString(d) {
			return e.why
		}
	}
	return ""
}

func compareElement(path string, got, want *Element, diffs *[]string) {
	add := func(format string, args ...any) {
		*diffs = append(*diffs, path+": "+fmt.Sprintf(format, args...))
	}
	if got.Name != want.Name || got.IsCollectionDefault != want.IsCollectionDefault ||
		got.AllowUnrecognizedAttributes != want.AllowUnrecognizedAttributes {
		add("element %q isCollectionDefault=%v allowUnrecognized=%v; IIS: %q %v %v", got.Name,
			got.IsCollectionDefault, got.AllowUnrecognizedAttributes, want.Name, want.IsCollectionDefault, want.AllowUnrecognizedAttributes)
	}
	if g, w := attrNames(got.Attributes), attrNames(want.Attributes); !reflect.DeepEqual(g, w) {
		add("attributes %v; IIS: %v", g, w)
	}
	for _, wa := range want.Attributes {
		if ga := got.Attribute(wa.Name); ga != nil {
			if g, w := describeAttr(ga), describeAttr(wa); g != w {
				add("attribute %s\n  ours: %s\n  IIS:  %s", wa.Name, g, w)
			}
		}
	}
	wantElems := want.Elements
	if g, w := elementNames(got.Elements), elementNames(wantElems); !reflect.DeepEqual(g, w) {
		add("elements %v; IIS: %v", g, w)
	}
	for _, we := range wantElems {
		if ge := got.Element(we.Name); ge != nil {
			compareElement(path+"/"+we.Name, ge, we, diffs)
		}
	}
	gc, wc := got.Collection, want.Collection
	switch {
	case gc == nil && wc == nil:
		return
	case gc == nil || wc == nil:
		add("collection: ours %v, IIS %v", gc != nil, wc != nil)
		return
	}
	if g, w := describeCollection(gc), describeCollection(wc); g != w {
		add("collection\n  ours: %s\n  IIS:  %s", g, w)
	}
	for _, n := range wc.AddElements {
		if gi := gc.ItemFor(n); gi != nil {
			compareElement(path+"/"+n, gi, wc.ItemFor(n), diffs)
		}
	}
}

func elementNames(es []*Element) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func describeAttr(a *Attribute) string {
	v := "none"
	if a.Validator != nil {
		val := *a.Validator
		val.Parameter = "" // compared through the parsed fields
		v = fmt.Sprintf("%+v", val)
	}
	return fmt.Sprintf("type=%s required=%v uniqueKey=%v combinedKey=%v caseSensitive=%v encrypted=%v allowInfinite=%v expanded=%v displayHex=%v timeSpanFormat=%s default=%q validator=%s enums=%v flags=%v",
		a.Type, a.Required, a.IsUniqueKey, a.IsCombinedKey, a.CaseSensitive, a.Encrypted, a.AllowInfinite, a.Expanded,
		a.DisplayHex, a.TimeSpanFormat, a.Default(), v, a.Enums, a.Flags)
}

func describeCollection(c *Collection) string {
	return fmt.Sprintf("add=%s remove=%q clear=%q default=%q mergeAppend=%v allowDuplicates=%v allowUnrecognized=%v keys=%v",
		strings.Join(c.AddElements, ","), c.RemoveElement, c.ClearElement, c.DefaultElement,
		c.MergeAppend, c.AllowDuplicates, c.AllowUnrecognizedAttributes, attrNames(c.KeyAttributes()))
}

// walkAttributes calls f for every attribute of e and below.
func walkAttributes(e *Element, path string, f func(path string, a *Attribute)) {
	for _, a := range e.Attributes {
		f(path+"@"+a.Name, a)
	}
	for _, c := range e.Elements {
		walkAttributes(c, path+"/"+c.Name, f)
	}
	if e.Collection != nil {
		seen := map[*Element]bool{}
		for _, n := range e.Collection.AddElements {
			if it := e.Collection.ItemFor(n); !seen[it] {
				seen[it] = true
				walkAttributes(it, path+"/"+n, f)
			}
		}
	}
}

// Every default in the real schema files parses with our value rules.
func TestRealIISDefaults(t *testing.T) {
	s := loadIIS(t)
	n := 0
	for _, name := range s.Names() {
		walkAttributes(s.Section(name).Root, name, func(path string, a *Attribute) {
			n++
			if !a.HasDefault || (a.Type != KindString && strings.TrimSpace(a.DefaultValue) == "") {
				return
			}
			canon, err := a.parse(a.DefaultValue)
			if err != nil {
				t.Errorf("%s: default %q: %v", path, a.DefaultValue, err)
				return
			}
			if again, err := a.parse(canon.canon); err != nil || again.canon != canon.canon {
				t.Errorf("%s: canonical default %q is not stable", path, canon.canon)
			}
		})
	}
	if n < 1000 {
		t.Errorf("only %d attributes found", n)
	}
}

func TestExplainDiff(t *testing.T) {
	tests := []struct {
		line      string
		explained bool
	}{
		{`a/b: attribute x | ours: type=uint default="1" validator=none | IIS:  type=uint default="1" validator={Type:integerRange Min:1}`, true},
		{`a/b: attribute x | ours: type=uint default="1" validator=none | IIS:  type=uint default="2" validator={Type:integerRange Min:1}`, false},
		{`a/b: attribute x | ours: type=string caseSensitive=false | IIS:  type=string caseSensitive=true`, true},
		{`a/b: attribute x | ours: type=string | IIS:  type=enum`, false},
		{`system.webServer/security/isapiCgiRestriction/add: attributes [path allowed groupId]; IIS: [path allowed groupId description]`, true},
		{`system.webServer/other: not in the real schema files`, false},
	}
	for _, tt := range tests {
		if got := explainDiff(tt.line) != ""; got != tt.explained {
			t.Errorf("explainDiff(%q) explained = %v, want %v", tt.line, got, tt.explained)
		}
	}
}
