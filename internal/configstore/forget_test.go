package configstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestForgetMissing(t *testing.T) {
	dir := t.TempDir()
	apphost := filepath.Join(dir, "applicationHost.config")
	site := filepath.Join(dir, "site")
	os.MkdirAll(filepath.Join(site, "app"), 0o755)
	os.WriteFile(apphost, []byte(`<configuration>
<configSections><sectionGroup name="system.applicationHost"><section name="sites" /></sectionGroup></configSections>
<system.applicationHost><sites><site name="S" id="1"><application path="/"><virtualDirectory path="/" physicalPath="`+site+`" /></application></site></sites></system.applicationHost>
</configuration>`), 0o644)
	os.WriteFile(filepath.Join(site, "app", "web.config"), []byte("<configuration />"), 0o644)
	os.WriteFile(filepath.Join(site, "web.config"), []byte("<configuration"), 0o644) // broken
	s, err := Open(Options{AppHostPath: apphost, NoMap: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"app/x/y", "a/b", "c"} {
		cp, _ := SitePath("S").Join(p)
		s.Chain(cp) // the broken root web.config fails every chain
	}
	os.Remove(filepath.Join(site, "web.config"))
	for _, p := range []string{"app/x/y", "a/b", "c"} {
		cp, _ := SitePath("S").Join(p)
		if _, err := s.Chain(cp); err == nil {
			t.Fatalf("the broken web.config was read again before ForgetMissing")
		}
	}
	if n := s.ForgetMissing(); n != 1 {
		t.Fatalf("ForgetMissing = %d, want 1 (the broken file)", n)
	}
	for _, p := range []string{"app/x/y", "a/b", "c"} {
		cp, _ := SitePath("S").Join(p)
		if _, err := s.Chain(cp); err != nil {
			t.Fatal(err)
		}
	}
	before := len(s.Files())
	if n := s.ForgetMissing(); n != 6 {
		t.Fatalf("ForgetMissing = %d, want 6 (root, app/x, app/x/y, a, a/b, c); files %v", n, s.Files())
	}
	files := s.Files()
	// machine.config, the root web.config, applicationHost.config, app/web.config
	if len(files) != before-6 || len(files) != 4 || !strings.HasSuffix(files[3], filepath.Join("app", "web.config")) {
		t.Fatalf("Files after ForgetMissing = %v", files)
	}
}
