package configstore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
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
// a server declares there (machine.config's are implicit, and
// system.webServer/management lives in administration.config), and only
// sections the built-in schema knows.
func TestTemplateDeclaresBuiltin(t *testing.T) {
	r := templateDeclarations(t, "template", DefaultConfig(filepath.Join(t.TempDir(), "applicationHost.config")))
	schema := section.Builtin()
	for _, n := range schema.Names() {
		if r.Lookup(n) == nil && !MachineLevel(n) && n != "system.webServer/management" {
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
