package commit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

const targetHost = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <configSections>
        <sectionGroup name="system.applicationHost">
            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
        </sectionGroup>
        <sectionGroup name="system.webServer">
            <section name="directoryBrowse" overrideModeDefault="Allow" />
        </sectionGroup>
    </configSections>
    <system.applicationHost>
        <sites>
            <site name="S" id="1">
                <application path="/">
                    <virtualDirectory path="/" physicalPath="www" />
                    <virtualDirectory path="/shared" physicalPath="outside/shared" allowSubDirConfig="false" />
                </application>
                <application path="/app">
                    <virtualDirectory path="/" physicalPath="www/app" />
                </application>
            </site>
        </sites>
    </system.applicationHost>
</configuration>
`

// TestTargetsStayInPhysicalPaths resolves every commit target for many
// paths, including attempts to climb out with "..", and checks that each
// web.config written lies inside the physical folder of the virtual
// directory that serves the path, and never anywhere else.
func TestTargetsStayInPhysicalPaths(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"www/app/sub", "www/dir", "outside/shared/deep", "secret"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "applicationHost.config"), []byte(targetHost), 0o644)
	s, err := configstore.Open(configstore.Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	paths := []string{"S", "S/", "S/dir", "S/dir/page.htm", "S/app", "S/app/sub", "S/app/sub/x.aspx",
		"S/shared", "S/shared/deep", "S/shared/deep/more", "S/../secret", "S/dir/../../secret", `S\..\secret`,
		"S/app/..", "S//secret", "S/%2e%2e/secret", "S/dir/./x"}
	commits := []string{"", "url", "site", "app", "parent", "apphost", "MACHINE/WEBROOT/APPHOST/S", "MACHINE/WEBROOT/APPHOST/S/app", "MACHINE/WEBROOT/APPHOST/S/../secret"}
	checked := 0
	for _, p := range paths {
		cp, err := s.ResolveIdentifier(p)
		if err != nil {
			if strings.Contains(p, "..") || strings.Contains(p, "%2e") || strings.Contains(p, "//") || strings.Contains(p, "/./") {
				continue // refused, as it must be
			}
			t.Fatalf("%s: %v", p, err)
		}
		for _, c := range commits {
			tg, err := ResolveTarget(s, cp, c)
			if err != nil {
				continue
			}
			if tg.File.AppHost {
				continue
			}
			m, err := s.Map(tg.File.ConfigPath)
			if err != nil {
				t.Fatalf("%s -commit:%s: %v", p, c, err)
			}
			root := s.ExpandPath(m.VDir.PhysicalPath)
			rel, err := filepath.Rel(root, tg.File.Path)
			if err != nil || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
				t.Errorf("%s -commit:%s writes %s, outside %s", p, c, tg.File.Path, root)
			}
			if filepath.Base(tg.File.Path) != "web.config" || strings.HasPrefix(tg.File.Path, filepath.Join(dir, "secret")) {
				t.Errorf("%s -commit:%s writes %s", p, c, tg.File.Path)
			}
			checked++
		}
	}
	if checked < 30 {
		t.Errorf("only %d targets checked", checked)
	}
}

// TestTopTargets: -commit:MACHINE and -commit:WEBROOT, and the config paths
// of those levels.
func TestTopTargets(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "www", "app"), 0o755)
	os.WriteFile(filepath.Join(dir, "applicationHost.config"), []byte(targetHost), 0o644)
	s, err := configstore.Open(configstore.Options{AppHostPath: filepath.Join(dir, "applicationHost.config"),
		MachineConfigPath: filepath.Join(dir, "m.config"), RootWebConfigPath: filepath.Join(dir, "w.config")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tests := []struct {
		path, commit string
		file         string // base name of the file written
		level        string
		err          string
	}{
		{"", "machine", "m.config", "MACHINE", ""},
		{"", "MACHINE", "m.config", "MACHINE", ""},
		{"", "webroot", "w.config", "MACHINE/WEBROOT", ""},
		{"", "machine/webroot/", "w.config", "MACHINE/WEBROOT", ""},
		{"S/app", "WEBROOT", "w.config", "MACHINE/WEBROOT/APPHOST/S/app", ""}, // <location path="S/app">
		{"MACHINE", "", "m.config", "MACHINE", ""},
		{"MACHINE/WEBROOT", "url", "w.config", "MACHINE/WEBROOT", ""},
		{"MACHINE/WEBROOT", "machine", "m.config", "MACHINE", ""},
		{"MACHINE", "webroot", "", "", "Cannot commit changes for MACHINE at MACHINE/WEBROOT"},
		{"MACHINE/WEBROOT", "apphost", "", "", "Cannot commit changes for MACHINE/WEBROOT at MACHINE/WEBROOT/APPHOST"},
		{"MACHINE", "site", "", "", `Cannot commit to "site"`},
		{"", "MACHINE/OTHER", "", "", `Invalid commit path "MACHINE/OTHER"`},
	}
	for _, tt := range tests {
		cp, err := s.ResolveIdentifier(tt.path)
		if err != nil {
			t.Fatalf("%q: %v", tt.path, err)
		}
		got, err := ResolveTarget(s, cp, tt.commit)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q -commit:%s: error %v, want %q", tt.path, tt.commit, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q -commit:%s: %v", tt.path, tt.commit, err)
			continue
		}
		if filepath.Base(got.File.Path) != tt.file || got.Level.String() != tt.level {
			t.Errorf("%q -commit:%s = %s at %s, want %s at %s", tt.path, tt.commit, got.File.Path, got.Level, tt.file, tt.level)
		}
	}
}
