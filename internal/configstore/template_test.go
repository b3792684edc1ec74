package configstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
	"github.com/appcmd-project/appcmd/internal/section/refdoc"
)

func templateDeclarations(t *testing.T, file string, data []byte) *Registry {
	t.Helper()
	doc, err := xmldoc.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	r := newRegistry()
	if err := r.readDeclarations(file, doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return r
}

// The default applicationHost.config declares every built-in section that
// a server declares there (machine.config's are implicit; management's live
// in administration.config, configurationRedirection in redirection.config),
// and only sections the built-in schema knows.
func TestTemplateDeclaresBuiltin(t *testing.T) {
	r := templateDeclarations(t, "template", DefaultConfig(filepath.Join(t.TempDir(), "applicationHost.config")))
	schema := section.Builtin()
	notDeclared := map[string]bool{}
	for _, sd := range refdoc.Sections {
		if sd.NotDeclared {
			notDeclared[sd.Name] = true
		}
	}
	for _, n := range schema.Names() {
		if r.Lookup(n) == nil && !MachineLevel(n) && !notDeclared[n] {
			t.Errorf("built-in section %s is not declared in the default applicationHost.config", n)
		}
	}
	for _, n := range r.Names() {
		if schema.Section(n) == nil {
			t.Errorf("the default applicationHost.config declares %s, which the built-in schema lacks", n)
		}
	}
}

// Declarations are those of a stock IIS 10 server (the corpus files that
// are closest to one).
func TestTemplateMatchesStock(t *testing.T) {
	ours := templateDeclarations(t, "template", DefaultConfig(filepath.Join(t.TempDir(), "applicationHost.config")))
	for _, f := range []string{"01-v-junish-etc.config", "03-RedHatSE-windowcontainertest.config"} {
		path := filepath.Join("../../../shared/corpus/apphost-full", f)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Skipf("skipped: needs ../shared (%s)", path)
		}
		stock := templateDeclarations(t, f, data)
		n := 0
		for _, name := range stock.Names() {
			d, s := ours.Lookup(name), stock.Lookup(name)
			if d == nil {
				if section.Builtin().Section(name) != nil {
					t.Errorf("%s: stock declares %s, the template does not", f, name)
				}
				continue
			}
			n++
			if d.OverrideModeDefault != s.OverrideModeDefault || d.AllowDefinition != s.AllowDefinition || d.AllowLocation != s.AllowLocation {
				t.Errorf("%s: %s declared %+v, stock %+v", f, name, *d, *s)
			}
		}
		t.Logf("%s: %d declarations compared", f, n)
	}
}

// Short section names on the default configuration: the web server's
// section wins over FTP's and ASP.NET's of the same name; a name shared
// only by those stays ambiguous.
func TestShortSectionNames(t *testing.T) {
	s := openTemplate(t)
	tests := []struct{ name, want string }{
		{"requestFiltering", "system.webServer/security/requestFiltering"},
		{"caching", "system.webServer/caching"},
		{"ipSecurity", "system.webServer/security/ipSecurity"},
		{"authorization", "system.webServer/security/authorization"},
		{"log", "system.applicationHost/log"},
		{"system.ftpServer/security/requestFiltering", "system.ftpServer/security/requestFiltering"},
		{"compilation", "system.web/compilation"},
		{"rules", "system.webServer/rewrite/rules"},
		{"authentication", ""},
	}
	for _, tt := range tests {
		sch, _, err := s.LookupSection(tt.name, ServerPath)
		switch {
		case tt.want == "" && (err == nil || !strings.Contains(err.Error(), "ambiguous")):
			t.Errorf("%s: %v, want an ambiguity error", tt.name, err)
		case tt.want != "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && sch.Name != tt.want:
			t.Errorf("%s resolved to %s, want %s", tt.name, sch.Name, tt.want)
		}
	}
}
