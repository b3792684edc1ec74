package configstore

import (
	"os"
	"path/filepath"
	"testing"
)

func openTemplate(t *testing.T) *Store {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	if _, err := CreateDefault(path); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Options{AppHostPath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestTemplateEffective(t *testing.T) {
	s := openTemplate(t)
	for _, name := range s.SectionNames() {
		for _, p := range []string{"", "Default Web Site", "Default Web Site/a/b"} {
			cp, err := ParseConfigPath(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Effective(cp, name); err != nil {
				t.Errorf("%s at %q: %v", name, p, err)
			}
		}
	}
	eff, err := s.Effective(SitePath("Default Web Site"), "webSocket")
	if err != nil {
		t.Fatal(err)
	}
	if a := eff.Root.Attr("receiveBufferLimit"); a.Value != "4194304" || a.Set {
		t.Errorf("receiveBufferLimit = %+v", a)
	}
	if !eff.Locked {
		t.Error("webSocket should be locked by default")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.AppHost().Path), "wwwroot")); err != nil {
		t.Error(err)
	}
}
