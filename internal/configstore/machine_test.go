package configstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

func TestConfigPathLevels(t *testing.T) {
	site := SitePath("S")
	tests := []struct {
		in       string
		want     string
		above    bool
		depth    int
		err      string
		contains []ConfigPath // levels in and below it
		not      []ConfigPath // levels above it
	}{
		{in: "MACHINE", want: "MACHINE", above: true, depth: -2, contains: []ConfigPath{MachinePath, WebRootPath, ServerPath, site}},
		{in: "machine/", want: "MACHINE", above: true, depth: -2},
		{in: "MACHINE/WEBROOT", want: "MACHINE/WEBROOT", above: true, depth: -1, contains: []ConfigPath{WebRootPath, ServerPath, site}, not: []ConfigPath{MachinePath}},
		{in: "Machine/WebRoot/", want: "MACHINE/WEBROOT", above: true, depth: -1},
		{in: "MACHINE/WEBROOT/APPHOST", want: "MACHINE/WEBROOT/APPHOST", depth: 0, contains: []ConfigPath{ServerPath, site}, not: []ConfigPath{MachinePath, WebRootPath}},
		{in: "S", want: "MACHINE/WEBROOT/APPHOST/S", depth: 1, contains: []ConfigPath{site}, not: []ConfigPath{MachinePath, WebRootPath, ServerPath}},
		{in: "MACHINE/FOO", err: "Unrecognized configuration path 'MACHINE/FOO'"},
		{in: "MACHINE/WEBROOT/X", err: "Unrecognized configuration path 'MACHINE/WEBROOT/X'"},
	}
	for _, tt := range tests {
		cp, err := ParseConfigPath(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseConfigPath(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParseConfigPath(%q): %v", tt.in, err)
		}
		if cp.String() != tt.want || cp.AboveAppHost() != tt.above || cp.Depth() != tt.depth {
			t.Errorf("%q = %s above=%v depth=%d, want %s %v %d", tt.in, cp, cp.AboveAppHost(), cp.Depth(), tt.want, tt.above, tt.depth)
		}
		for _, q := range tt.contains {
			if !cp.Contains(q) {
				t.Errorf("%s should contain %s", cp, q)
			}
		}
		for _, q := range tt.not {
			if cp.Contains(q) {
				t.Errorf("%s should not contain %s", cp, q)
			}
		}
	}
	// A <location path> of machine.config names a level below
	// applicationHost.config; path="" is the file's own level.
	if got, _ := MachinePath.Join("S/app"); got.String() != "MACHINE/WEBROOT/APPHOST/S/app" {
		t.Errorf("MACHINE joined with S/app = %s", got)
	}
	if got, _ := WebRootPath.Join(""); !got.Equal(WebRootPath) {
		t.Errorf("MACHINE/WEBROOT joined with \"\" = %s", got)
	}
	if MachinePath.Equal(WebRootPath) || WebRootPath.Equal(ServerPath) {
		t.Error("the three top levels must differ")
	}
}

// The files sit under the mapped %windir% unless named.
func TestTopFilePaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	if _, err := CreateDefault(path); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"APPCMD_DRIVE_C": filepath.Join(dir, "c")}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	s, err := Open(Options{AppHostPath: path, Env: lookup})
	if err != nil {
		t.Fatal(err)
	}
	net := filepath.Join(dir, "c", "Windows", "Microsoft.NET", "Framework64", "v4.0.30319", "Config")
	if s.Machine().Path != filepath.Join(net, "machine.config") || s.WebRoot().Path != filepath.Join(net, "web.config") {
		t.Errorf("default files %s, %s; want them in %s", s.Machine().Path, s.WebRoot().Path, net)
	}
	if got := s.Files(); len(got) != 3 || got[0] != s.Machine().Path || got[2] != path {
		t.Errorf("Files = %v", got)
	}
	s.Close()
	env["APPCMD_MACHINECONFIG"] = filepath.Join(dir, "m.config")
	s, err = Open(Options{AppHostPath: path, Env: lookup, RootWebConfigPath: filepath.Join(dir, "w.config")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Machine().Path != env["APPCMD_MACHINECONFIG"] || s.WebRoot().Path != filepath.Join(dir, "w.config") {
		t.Errorf("named files %s, %s", s.Machine().Path, s.WebRoot().Path)
	}
}

const topHost = `<configuration>
  <configSections>
    <sectionGroup name="system.webServer">
      <section name="webSocket" overrideModeDefault="Deny" />
    </sectionGroup>
  </configSections>
  <system.web>
    <compilation strict="true" />
  </system.web>
  <system.applicationHost>
    <sites>
      <site name="S" id="1">
        <application path="/">
          <virtualDirectory path="/" physicalPath="{{ROOT}}" />
        </application>
      </site>
    </sites>
  </system.applicationHost>
</configuration>
`

func openTop(t *testing.T, machine, rootWeb string) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"applicationHost.config": strings.ReplaceAll(topHost, "{{ROOT}}", filepath.Join(dir, "root")),
		"root/web.config":        "<configuration>\n  <system.web>\n    <compilation batch=\"false\" />\n  </system.web>\n</configuration>\n",
	}
	if machine != "" {
		files["net/machine.config"] = machine
	}
	if rootWeb != "" {
		files["net/web.config"] = rootWeb
	}
	testenv.WriteTree(t, dir, files)
	s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config"), Write: true,
		MachineConfigPath: filepath.Join(dir, "net", "machine.config"), RootWebConfigPath: filepath.Join(dir, "net", "web.config")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestTopLevelsMerge(t *testing.T) {
	s, _ := openTop(t,
		"<configuration>\n  <system.web>\n    <compilation debug=\"true\" strict=\"false\" targetFramework=\"4.0\" />\n  </system.web>\n  <location path=\"S\">\n    <system.web>\n      <compilation targetFramework=\"4.5\" />\n    </system.web>\n  </location>\n</configuration>\n",
		"<configuration>\n  <system.web>\n    <compilation debug=\"false\" defaultLanguage=\"c#\" />\n  </system.web>\n</configuration>\n")
	tests := []struct {
		at     ConfigPath
		attr   string
		value  string
		origin string // configPath of the origin
	}{
		{MachinePath, "debug", "true", "MACHINE"},
		{WebRootPath, "debug", "false", "MACHINE/WEBROOT"},
		{ServerPath, "strict", "true", "MACHINE/WEBROOT/APPHOST"},
		{ServerPath, "targetFramework", "4.0", "MACHINE"},
		{SitePath("S"), "targetFramework", "4.5", "MACHINE/WEBROOT/APPHOST/S"}, // machine.config's <location path="S">
		{SitePath("S"), "defaultLanguage", "c#", "MACHINE/WEBROOT"},
		{SitePath("S"), "batch", "false", "MACHINE/WEBROOT/APPHOST/S"},
	}
	for _, tt := range tests {
		eff, err := s.Effective(tt.at, "system.web/compilation")
		if err != nil {
			t.Fatalf("%s: %v", tt.at, err)
		}
		a := eff.Root.Attr(tt.attr)
		if a.Value != tt.value || !a.Set || a.Origin.Level.String() != tt.origin {
			t.Errorf("%s at %s = %q from %v, want %q from %s", tt.attr, tt.at, a.Value, a.Origin.Level, tt.value, tt.origin)
		}
	}
	// IIS's sections are declared in applicationHost.config, below.
	var use *UnknownSectionError
	if _, err := s.Effective(MachinePath, "system.webServer/webSocket"); !errors.As(err, &use) {
		t.Errorf("webSocket at MACHINE: %v, want a missing declaration", err)
	}
}

func TestTopWriteFromTemplate(t *testing.T) {
	s, dir := openTop(t, "", "")
	n, err := s.SectionAt(s.WebRoot(), WebRootPath, "system.web/compilation", true)
	if err != nil {
		t.Fatal(err)
	}
	n.SetAttr("debug", "true")
	if err := s.CheckWrite(s.Machine(), MachinePath, "system.webServer/webSocket"); err == nil || !strings.Contains(err.Error(), "missing a section declaration") {
		t.Errorf("webSocket in machine.config: %v", err)
	}
	if _, err := s.Save(nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "net", "web.config"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "Root web.config created by appcmd") || !strings.Contains(string(got), "\r\n        <compilation debug=\"true\" />\r\n") {
		t.Errorf("root web.config:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "net", "machine.config")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("machine.config was created although nothing was written to it: %v", err)
	}
}

// A <location overrideMode="Deny"> in machine.config locks the section for
// applicationHost.config and every file below; lockAttributes bind them too.
func TestTopLocks(t *testing.T) {
	s, _ := openTop(t, "<configuration>\n  <location path=\"\" overrideMode=\"Deny\">\n    <system.web>\n      <compilation />\n    </system.web>\n  </location>\n  <system.web>\n    <httpRuntime lockAttributes=\"maxRequestLength\" />\n    <authorization>\n      <allow users=\"admin\" lockItem=\"true\" />\n    </authorization>\n  </system.web>\n</configuration>\n", "")
	var le *LockError
	for _, f := range []*File{s.WebRoot(), s.AppHost()} {
		if err := s.CheckWrite(f, f.ConfigPath, "system.web/compilation"); !errors.As(err, &le) || !le.Above {
			t.Errorf("compilation in %s: %v, want a lock violation from above", f.Path, err)
		}
	}
	if err := s.CheckWrite(s.Machine(), MachinePath, "system.web/compilation"); err != nil {
		t.Errorf("machine.config itself: %v", err)
	}
	// applicationHost.config already sets compilation: reading it fails.
	var cfe *ConfigFileError
	if _, err := s.Effective(ServerPath, "system.web/compilation"); !errors.As(err, &cfe) || cfe.Kind != ErrLocked || cfe.File != s.AppHost().Path {
		t.Errorf("reading compilation: %v, want the lock violation in applicationHost.config", err)
	}
	if err := s.CheckWrite(s.AppHost(), ServerPath, "system.web/httpRuntime"); err != nil {
		t.Errorf("httpRuntime: %v (only an attribute is locked)", err)
	}
	eff, err := s.Effective(SitePath("S"), "system.web/authorization")
	if err != nil {
		t.Fatal(err)
	}
	if len(eff.Root.Items) != 1 || eff.Root.Items[0].CheckItemLock(s.AppHost()) == nil {
		t.Errorf("machine.config's lockItem entry does not bind applicationHost.config: %d items", len(eff.Root.Items))
	}
}
