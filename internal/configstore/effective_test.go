package configstore

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// hierarchyHost is an applicationHost.config with one site, an application
// and a virtual directory, for the table tests below. Placeholders {{X}} are
// replaced per test case.
const hierarchyHost = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <configSections>
        <sectionGroup name="system.applicationHost">
            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
        </sectionGroup>
        <sectionGroup name="system.webServer">
            <section name="defaultDocument" overrideModeDefault="Allow" />
            <section name="caching" overrideModeDefault="Allow" />
            <section name="webSocket" overrideModeDefault="Deny" />
            <section name="staticContent" overrideModeDefault="Allow" />
        </sectionGroup>
    </configSections>
    <system.applicationHost>
        <sites>
            <site name="S" id="1">
                <application path="/">
                    <virtualDirectory path="/" physicalPath="root" />
                </application>
                <application path="/app">
                    <virtualDirectory path="/" physicalPath="app" />
                    <virtualDirectory path="/v" physicalPath="vdir" />
                </application>
            </site>
        </sites>
    </system.applicationHost>
{{SERVER}}
</configuration>
`

func openTree(t *testing.T, server string, files map[string]string) *Store {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"applicationHost.config": strings.Replace(hierarchyHost, "{{SERVER}}", server, 1)}
	for k, v := range files {
		all[k] = v
	}
	for _, d := range []string{"root/d/e", "app/sub", "vdir/x"} {
		all[d+"/.keep"] = ""
	}
	testenv.WriteTree(t, dir, all)
	s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// origin renders an origin as "file:line" with the file's base path
// relative to the tree, or "default".
func origin(o *Origin, s *Store) string {
	if o == nil {
		return "default"
	}
	rel, _ := filepath.Rel(filepath.Dir(s.AppHost().Path), o.File)
	return filepath.ToSlash(rel) + ":" + strconv.Itoa(o.Line)
}

func TestEffectiveAttributes(t *testing.T) {
	ws := func(attrs string) string {
		return "<configuration><system.webServer><webSocket " + attrs + " /></system.webServer></configuration>"
	}
	unlocked := `<location path="S" overrideMode="Allow"><system.webServer><webSocket /></system.webServer></location>`
	tests := []struct {
		name   string
		server string
		files  map[string]string
		path   string
		want   map[string]string // attribute → "value@origin"
	}{
		{"defaults", "", nil, "S/app", map[string]string{
			"enabled": "true@default", "pingInterval": "00:00:00@default", "receiveBufferLimit": "4194304@default"}},
		{"server then location by depth", `<system.webServer><webSocket pingInterval="00:00:05" receiveBufferLimit="8192" /></system.webServer>
<location path="S/app"><system.webServer><webSocket pingInterval="00:00:07" /></system.webServer></location>
<location path="S"><system.webServer><webSocket pingInterval="00:00:06" enabled="false" /></system.webServer></location>`,
			nil, "S/app/sub", map[string]string{
				"enabled": "false@applicationHost.config:29", "pingInterval": "00:00:07@applicationHost.config:28", "receiveBufferLimit": "8192@applicationHost.config:27"}},
		{"location for a sibling does not apply", `<location path="S/other"><system.webServer><webSocket enabled="false" /></system.webServer></location>`,
			nil, "S/app", map[string]string{"enabled": "true@default"}},
		{"location path case-insensitive", `<location path="s/APP"><system.webServer><webSocket enabled="false" /></system.webServer></location>`,
			nil, "S/app/sub", map[string]string{"enabled": "false@applicationHost.config:27"}},
		{"web.configs along the path, deepest wins", unlocked, map[string]string{
			"root/web.config":    ws(`pingInterval="00:00:01" receiveBufferLimit="5000"`),
			"app/web.config":     ws(`pingInterval="00:00:02"`),
			"app/sub/web.config": ws(`pingInterval="00:00:03"`),
		}, "S/app/sub", map[string]string{
			"pingInterval": "00:00:03@app/sub/web.config:1", "receiveBufferLimit": "5000@root/web.config:1"}},
		{"a web.config wins over a location at the same depth", unlocked + `<location path="S/app"><system.webServer><webSocket pingInterval="00:00:09" /></system.webServer></location>`,
			map[string]string{"app/web.config": ws(`pingInterval="00:00:02"`)},
			"S/app", map[string]string{"pingInterval": "00:00:02@app/web.config:1"}},
		{"location inside a web.config is relative to it", unlocked, map[string]string{
			"root/web.config": `<configuration>
<location path="d/e"><system.webServer><webSocket enabled="false" /></system.webServer></location>
</configuration>`}, "S/d/e", map[string]string{"enabled": "false@root/web.config:2"}},
		{"virtual directory folder", unlocked, map[string]string{
			"vdir/web.config":   ws(`pingInterval="00:00:04"`),
			"vdir/x/web.config": ws(`receiveBufferLimit="9000"`),
		}, "S/app/v/x", map[string]string{"pingInterval": "00:00:04@vdir/web.config:1", "receiveBufferLimit": "9000@vdir/x/web.config:1"}},
		{"inheritInChildApplications=false stops at the child app", unlocked + `<location path="S" inheritInChildApplications="false"><system.webServer><webSocket pingInterval="00:00:08" /></system.webServer></location>`,
			nil, "S/app", map[string]string{"pingInterval": "00:00:00@default"}},
		{"inheritInChildApplications=false still covers folders", `<location path="S" inheritInChildApplications="false"><system.webServer><webSocket pingInterval="00:00:08" /></system.webServer></location>`,
			nil, "S/d", map[string]string{"pingInterval": "00:00:08@applicationHost.config:27"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTree(t, tt.server, tt.files)
			cp, err := ParseConfigPath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			eff, err := s.Effective(cp, "webSocket")
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.want {
				a := eff.Root.Attr(name)
				if got := a.Value + "@" + origin(a.Origin, s); got != want {
					t.Errorf("%s = %s, want %s", name, got, want)
				}
			}
		})
	}
}

// TestEffectiveCollections merges add, remove and clear over levels, for a
// collection that appends deeper entries (staticContent) and one that puts
// them first (defaultDocument files, mergeAppend="false").
func TestEffectiveCollections(t *testing.T) {
	dd := func(items string) string {
		return "<configuration><system.webServer><defaultDocument><files>" + items + "</files></defaultDocument></system.webServer></configuration>"
	}
	sc := func(items string) string {
		return "<configuration><system.webServer><staticContent>" + items + "</staticContent></system.webServer></configuration>"
	}
	mm := func(ext string) string { return `<mimeMap fileExtension="` + ext + `" mimeType="x/y" />` }
	tests := []struct {
		name    string
		section string
		server  string
		files   map[string]string
		path    string
		want    string // keys in effective order
	}{
		{"mergeAppend=false puts deeper entries first", "defaultDocument",
			`<system.webServer><defaultDocument><files><add value="a" /><add value="b" /></files></defaultDocument></system.webServer>`,
			map[string]string{"root/web.config": dd(`<add value="c" /><add value="d" />`), "app/web.config": dd(`<add value="e" />`)},
			"S/app", "e c d a b"},
		{"append by default", "staticContent",
			`<system.webServer><staticContent>` + mm(".a") + mm(".b") + `</staticContent></system.webServer>`,
			map[string]string{"root/web.config": sc(mm(".c"))}, "S/app", ".a .b .c"},
		{"remove an inherited entry", "staticContent",
			`<system.webServer><staticContent>` + mm(".a") + mm(".b") + `</staticContent></system.webServer>`,
			map[string]string{"root/web.config": sc(`<remove fileExtension=".A" />` + mm(".c"))}, "S", ".b .c"},
		{"clear drops what was inherited, then adds", "staticContent",
			`<system.webServer><staticContent>` + mm(".a") + `</staticContent></system.webServer>`,
			map[string]string{"root/web.config": sc(mm(".b")), "app/web.config": sc(`<clear />` + mm(".c"))}, "S/app/sub", ".c"},
		{"remove of a missing entry is ignored", "staticContent", "",
			map[string]string{"root/web.config": sc(`<remove fileExtension=".zz" />` + mm(".c"))}, "S", ".c"},
		{"server, location, web.config", "defaultDocument",
			`<system.webServer><defaultDocument><files><add value="a" /></files></defaultDocument></system.webServer>
<location path="S"><system.webServer><defaultDocument><files><remove value="a" /><add value="b" /></files></defaultDocument></system.webServer></location>`,
			map[string]string{"root/web.config": dd(`<add value="c" />`)}, "S/d", "c b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTree(t, tt.server, tt.files)
			cp, _ := ParseConfigPath(tt.path)
			eff, err := s.Effective(cp, tt.section)
			if err != nil {
				t.Fatal(err)
			}
			coll := eff.Root
			if c := coll.Child("files"); c != nil {
				coll = c
			}
			var keys []string
			for _, it := range coll.Items {
				keys = append(keys, it.Attrs[0].Value)
			}
			if got := strings.Join(keys, " "); got != tt.want {
				t.Errorf("entries %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEffectiveErrors(t *testing.T) {
	tests := []struct {
		name   string
		server string
		files  map[string]string
		path   string
		want   string
		kind   ConfigErrorKind
	}{
		{"duplicate across levels", `<system.webServer><staticContent><mimeMap fileExtension=".a" mimeType="x/y" /></staticContent></system.webServer>`,
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent><mimeMap fileExtension=".A" mimeType="x/z" /></staticContent></system.webServer></configuration>`},
			"S", "Cannot add duplicate collection entry of type 'mimeMap' with unique key attribute 'fileExtension' set to '.A'", ErrMalformed},
		{"locked section in a web.config", "",
			map[string]string{"app/web.config": `<configuration><system.webServer><webSocket enabled="false" /></system.webServer></configuration>`},
			"S/app", DescLockViolation, ErrLocked},
		{"lockAttributes", `<system.webServer><staticContent lockAttributes="enableDocFooter" /></system.webServer>`,
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent enableDocFooter="true" /></system.webServer></configuration>`},
			"S", "Lock violation", ErrLocked},
		{"lockItem", `<system.webServer><staticContent><mimeMap fileExtension=".a" mimeType="x/y" lockItem="true" /></staticContent></system.webServer>`,
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent><remove fileExtension=".a" /></staticContent></system.webServer></configuration>`},
			"S", "Lock violation", ErrLocked},
		{"lockElements", `<system.webServer><staticContent lockElements="clientCache" /></system.webServer>`,
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent><clientCache cacheControlMode="NoControl" /></staticContent></system.webServer></configuration>`},
			"S", "Lock violation", ErrLocked},
		{"unknown attribute", "",
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent bogus="1" /></system.webServer></configuration>`},
			"S", "Unrecognized attribute 'bogus'", ErrMalformed},
		{"invalid value", "",
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent enableDocFooter="perhaps" /></system.webServer></configuration>`},
			"S", "Invalid value 'perhaps' for attribute 'enableDocFooter'", ErrMalformed},
		{"both overrideMode and allowOverride", `<location path="S" overrideMode="Allow" allowOverride="true"><system.webServer><staticContent /></system.webServer></location>`,
			nil, "S", DescBothOverride, ErrMalformed},
		{"lockAttributes naming no attribute", `<system.webServer><staticContent lockAttributes="enableDocFooter,notExisted" /></system.webServer>`,
			nil, "S", "lockAttributes contains unknown attribute 'notExisted'", ErrMalformed},
		{"lockAllAttributesExcept naming no attribute", `<system.webServer><staticContent lockAllAttributesExcept="x" /></system.webServer>`,
			nil, "S", "lockAllAttributesExcept contains unknown attribute 'x'", ErrMalformed},
		{"lockElements naming no element", `<system.webServer><staticContent lockElements="mimeMap,clientCache,add" /></system.webServer>`,
			nil, "S", "lockElements contains unknown element 'add'", ErrMalformed},
		{"lockAllElementsExcept naming no element", "",
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent lockAllElementsExcept="nothing" /></system.webServer></configuration>`},
			"S", "lockAllElementsExcept contains unknown element 'nothing'", ErrMalformed},
		{"configSource missing", "",
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent configSource="mime.config" /></system.webServer></configuration>`},
			"S", "Unable to open configSource file 'mime.config'", ErrUnreadable},
		{"configSource with settings beside it", "",
			map[string]string{"root/web.config": `<configuration><system.webServer><staticContent configSource="m.config" enableDocFooter="true" /></system.webServer></configuration>`, "root/m.config": `<staticContent />`},
			"S", DescSourceAlone, ErrMalformed},
		{"configSource in an applicationHost.config location", `<location path="S"><system.webServer><staticContent configSource="m.config" /></system.webServer></location>`,
			map[string]string{"m.config": `<staticContent />`}, "S", DescSourceLocation, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTree(t, tt.server, tt.files)
			cp, _ := ParseConfigPath(tt.path)
			section := "staticContent"
			if strings.Contains(tt.want, "section cannot be used") {
				section = "webSocket"
			}
			_, err := s.Effective(cp, section)
			var cfe *ConfigFileError
			if !errors.As(err, &cfe) || !strings.Contains(cfe.Description, tt.want) || cfe.Kind != tt.kind || cfe.Line == 0 {
				t.Fatalf("err = %#v, want %q (kind %d) with a line", err, tt.want, tt.kind)
			}
		})
	}
}

func TestSourcePath(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"a.config", "a.config", true},
		{`conf\rewrite.config`, filepath.Join("conf", "rewrite.config"), true},
		{"conf/./a.config", filepath.Join("conf", "a.config"), true},
		{"..\\a.config", "", false},
		{"conf/../../a.config", "", false},
		{"/etc/a.config", "", false},
		{`\\server\share\a.config`, "", false},
		{`C:\a.config`, "", false},
		{"", "", false},
		{".", "", false},
	}
	for _, tt := range tests {
		got, ok := sourcePath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("sourcePath(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestConfigSource reads a section from its configSource file, with that
// file's lines as origins, and edits it there.
func TestConfigSource(t *testing.T) {
	s := openTree(t, "", map[string]string{
		"root/web.config":       "<configuration>\n<system.webServer>\n<staticContent configSource=\"conf\\mime.config\" />\n</system.webServer>\n</configuration>\n",
		"root/conf/mime.config": "<staticContent\n  enableDocFooter=\"true\">\n  <mimeMap fileExtension=\".q\" mimeType=\"x/q\" />\n</staticContent>\n",
	})
	cp, _ := ParseConfigPath("S")
	eff, err := s.Effective(cp, "staticContent")
	if err != nil {
		t.Fatal(err)
	}
	if got := origin(eff.Root.Attr("enableDocFooter").Origin, s); got != "root/conf/mime.config:2" {
		t.Errorf("enableDocFooter from %s, want root/conf/mime.config:2", got)
	}
	if n := len(eff.Root.Items); n == 0 || origin(eff.Root.Items[0].Origin, s) != "root/conf/mime.config:3" {
		t.Errorf("first entry from %v, want root/conf/mime.config:3", eff.Root.Items)
	}
	f, err := s.FileAt(cp)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.SectionAt(f, cp, "system.webServer/staticContent", false)
	if err != nil || n == nil {
		t.Fatalf("SectionAt = %v, %v", n, err)
	}
	n.SetAttr("enableDocFooter", "false")
	changed := s.Changed()
	if len(changed) != 1 || filepath.Base(changed[0].Path) != "mime.config" || changed[0].Host() != f {
		t.Fatalf("changed files %v, want only conf/mime.config", changed)
	}
}
