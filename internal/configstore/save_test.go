package configstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/testenv"
)

// TestSaveAllOrNothing changes applicationHost.config and a web.config, then
// makes the second rename fail: both files must be left as they were, and
// no temporary file may remain.
func TestSaveAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	host := strings.Replace(hierarchyHost, "{{SERVER}}", "", 1)
	testenv.WriteTree(t, dir, map[string]string{
		"applicationHost.config": host,
		"root/web.config":        "<configuration>\r\n</configuration>\r\n",
	})
	calls := 0
	rename := func(from, to string) error {
		calls++
		if calls == 2 {
			return errors.New("disk full")
		}
		return os.Rename(from, to)
	}
	s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config"), Write: true, Rename: rename})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	chain, err := s.Chain(SitePath("S"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range chain {
		if !f.Exists() {
			continue // machine.config and the root web.config
		}
		f.Doc().Root().AppendChild(xmldoc.NewElement("appSettings"))
	}
	if _, err := s.Save(nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Save: %v", err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "applicationHost.config"))
	if string(got) != host {
		t.Error("applicationHost.config changed although the commit failed")
	}
	got, _ = os.ReadFile(filepath.Join(dir, "root/web.config"))
	if !bytes.Equal(got, []byte("<configuration>\r\n</configuration>\r\n")) {
		t.Error("web.config changed although the commit failed")
	}
	for _, d := range []string{dir, filepath.Join(dir, "root")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("temporary file left: %s", e.Name())
			}
		}
	}
}

// TestSaveNothingChanged writes nothing when no edit changed a document.
func TestSaveNothingChanged(t *testing.T) {
	dir := t.TempDir()
	testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": strings.Replace(hierarchyHost, "{{SERVER}}", "", 1)})
	path := filepath.Join(dir, "applicationHost.config")
	before, _ := os.Stat(path)
	s, err := Open(Options{AppHostPath: path, Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	site, _ := s.FindSite("S")
	site.Element.SetAttr("id", "1") // the value it already has
	files, err := s.Save(nil)
	if err != nil || len(files) != 0 {
		t.Fatalf("Save = %v, %v; want nothing written", files, err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("the file was replaced")
	}
}

func TestWritePath(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.config")
	os.WriteFile(real, []byte("<configuration/>"), 0o644)
	os.Symlink(real, filepath.Join(dir, "link.config"))
	os.Symlink(filepath.Join(dir, "link.config"), filepath.Join(dir, "chain.config"))
	os.Symlink(filepath.Join(dir, "gone.config"), filepath.Join(dir, "dangling.config"))
	realDir, _ := filepath.EvalSymlinks(dir)
	tests := []struct {
		name, want, err string
	}{
		{"real.config", filepath.Join(realDir, "real.config"), ""},
		{"link.config", filepath.Join(realDir, "real.config"), ""},
		{"chain.config", filepath.Join(realDir, "real.config"), ""},
		{"new.config", filepath.Join(dir, "new.config"), ""},
		{"dangling.config", "", "symbolic link to a file that does not exist"},
	}
	for _, tt := range tests {
		got, err := writePath(filepath.Join(dir, tt.name))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app[1]*.config") // pattern characters are literal
	keep := []string{"app[1]*.config", ".other.config.tmp-x", "app1x.config", ".app[1]*.config.lock"}
	stale := []string{".app[1]*.config.tmp-abc-123", ".app[1]*.config.tmp-abc-123.old"}
	for _, n := range append(keep, stale...) {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	removeStaleTemps(path)
	for _, n := range keep {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s removed", n)
		}
	}
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			t.Errorf("%s kept", n)
		}
	}
}

// TestSaveRefusesUnstorable: a name or value XML cannot hold that reaches
// the writer fails the save and leaves every file as it was.
func TestSaveRefusesUnstorable(t *testing.T) {
	for _, edit := range []func(e *xmldoc.Element){
		func(e *xmldoc.Element) { e.SetAttr("bad", "bell \x07") },
		func(e *xmldoc.Element) { e.SetAttr("bad name", "x") },
		func(e *xmldoc.Element) { e.AppendChild(xmldoc.NewElement("a<b")) },
	} {
		dir := t.TempDir()
		host := strings.Replace(hierarchyHost, "{{SERVER}}", "", 1)
		testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host})
		s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config"), Write: true})
		if err != nil {
			t.Fatal(err)
		}
		edit(s.AppHost().Doc().Root())
		_, err = s.Save(nil)
		s.Close()
		var cfe *ConfigFileError
		var ve *xmldoc.ValueError
		if !errors.As(err, &cfe) || cfe.Kind != ErrMalformed || !errors.As(err, &ve) {
			t.Errorf("Save: %v, want a malformed ConfigFileError from a ValueError", err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "applicationHost.config")); string(got) != host {
			t.Error("applicationHost.config changed")
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(left) > 0 {
			t.Errorf("temporary files left: %q", left)
		}
	}
}
