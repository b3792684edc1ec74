package configstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

const sharedDir = "../../../shared"

// corpusKnownErrors are real configuration errors in the corpus files that
// IIS reports too (the first is the Visual Studio 2022 IIS Express bug that
// adds text/event-stream twice; the others use elements of schemas that are
// not installed here). Each maps file|section to a substring of the error.
var corpusKnownErrors = map[string]string{
	"26-MarkKharitonov-wcf-to-corewcf.config|system.webServer/httpCompression": "Cannot add duplicate collection entry of type 'add' with unique key attribute 'mimeType' set to 'text/event-stream'",
	"12-0sm0sis-CorePowerSandbox.config|system.webServer/httpCompression":      "Unrecognized element 'dynamicCompression'",
	"06-Nordstrom-epg-interview-sysadmin.config|system.applicationHost/sites":  "Unrecognized element 'advancedLogging'",
}

// TestCorpusEffective computes every declared section of every real
// applicationHost.config, with the real IIS schema, at the server level and
// at each site.
func TestCorpusEffective(t *testing.T) {
	files := testenv.CorpusFiles(t, filepath.Join(sharedDir, "corpus"), "apphost*")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Open(Options{AppHostPath: f, SchemaDirs: []string{filepath.Join(sharedDir, "iis-schema")}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			paths := []ConfigPath{ServerPath}
			sites, err := s.Sites()
			if err != nil {
				t.Fatal(err)
			}
			for _, site := range sites {
				paths = append(paths, SitePath(site.Name))
			}
			for _, name := range s.SectionNames() {
				for _, p := range paths {
					_, err := s.Effective(p, name)
					want := corpusKnownErrors[filepath.Base(f)+"|"+name]
					switch {
					case err != nil && want == "":
						t.Errorf("%s at %s: %v", name, p, err)
					case err != nil && !strings.Contains(err.Error(), want):
						t.Errorf("%s at %s: %v, want %q", name, p, err, want)
					}
				}
			}
		})
	}
}

// webConfigKnownErrors are real errors IIS gives too: two files add a
// .json MIME map that a stock IIS 10 server (and our template) already
// has — the classic 500.19 "Cannot add duplicate collection entry"; one
// refers to a configSource file that is not there.
//
// 03 has <httpRuntime> twice in one <system.web>; ASP.NET rejects that
// file the same way ("Sections must only appear once per config file").
var webConfigKnownErrors = map[string]string{
	"03-BVNetwork-Attend.config|system.web/httpRuntime":                  "already defined",
	"21-AngularTaiwan-event2018.config|system.webServer/staticContent":   "set to '.json'",
	"22-AllenConway-PWAWeatherApp.config|system.webServer/staticContent": "set to '.json'",
	// Keeps its connection strings in config\connectionStrings.config
	// (configSource), which the repository does not hold.
	"04-OliWright-WinsfordAscWeb.config|connectionStrings": "Unable to open configSource file 'config\\connectionStrings.config'",
}

// webConfigRefused are real files that a stock IIS 10 (our template) refuses
// whole, as IIS does: they use the iisnode module's section, which only a
// server with iisnode installed declares. IIS answers every request below
// them with 500.19; appcmd gives the same error for every section there.
var webConfigRefused = map[string]string{
	"01-Azure-Samples-nodejs-docs-hello-world.config": "Unrecognized configuration section 'system.webServer/iisnode'",
	"02-123B3n-ws-hub.config":                         "Unrecognized configuration section 'system.webServer/iisnode'",
	"06-tjanczuk-iisnode.config":                      "Unrecognized configuration section 'system.webServer/iisnode'",
	"07-tjanczuk-iisnode.config":                      "Unrecognized configuration section 'system.webServer/iisnode'",
}

// TestCorpusWebConfigs puts every real web.config of the corpus in the
// default site's folder and reads every section the default template
// declares at the site and below it. Files that break IIS rules (a locked
// section without an unlock) must fail with a located configuration error;
// every other section must read.
func TestCorpusWebConfigs(t *testing.T) {
	files := testenv.CorpusFiles(t, filepath.Join(sharedDir, "corpus"), "webconfig")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s := openTemplate(t)
			www := filepath.Join(filepath.Dir(s.AppHost().Path), "wwwroot")
			b, _ := os.ReadFile(f)
			if err := os.WriteFile(filepath.Join(www, "web.config"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, name := range s.SectionNames() {
				for _, p := range []ConfigPath{SitePath("Default Web Site"), mustJoin(t, SitePath("Default Web Site"), "sub/dir")} {
					_, err := s.Effective(p, name)
					if err == nil {
						if want := webConfigRefused[filepath.Base(f)]; want != "" {
							t.Errorf("%s at %s read, want %q", name, p, want)
						}
						continue
					}
					var cfe *ConfigFileError
					if want := webConfigRefused[filepath.Base(f)]; want != "" {
						if !errors.As(err, &cfe) || cfe.Line == 0 || !strings.Contains(err.Error(), want) {
							t.Errorf("%s at %s: %v, want a located %q", name, p, err, want)
						}
						continue
					}
					if want := webConfigKnownErrors[filepath.Base(f)+"|"+name]; want != "" && strings.Contains(err.Error(), want) {
						continue
					}
					if !errors.As(err, &cfe) || cfe.Line == 0 || cfe.Kind != ErrLocked {
						t.Errorf("%s at %s: %v", name, p, err)
					}
				}
			}
		})
	}
}

func mustJoin(t *testing.T, p ConfigPath, rel string) ConfigPath {
	t.Helper()
	q, err := p.Join(rel)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
