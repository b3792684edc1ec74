package configstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/configstore/xmldoc"
)

// TestSaveAllOrNothing changes applicationHost.config and a web.config, then
// makes the second rename fail: both files must be left as they were, and
// no temporary file may remain.
func TestSaveAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	host := strings.Replace(hierarchyHost, "{{SERVER}}", "", 1)
	writeTree(t, dir, map[string]string{
		"applicationHost.config": host,
		"root/web.config":        "<configuration>\r\n</configuration>\r\n",
	})
	s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config"), Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	chain, err := s.Chain(SitePath("S"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range chain {
		f.Doc().Root().AppendChild(xmldoc.NewElement("appSettings"))
	}
	calls := 0
	rename = func(from, to string) error {
		calls++
		if calls == 2 {
			return errors.New("disk full")
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
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
	writeTree(t, dir, map[string]string{"applicationHost.config": strings.Replace(hierarchyHost, "{{SERVER}}", "", 1)})
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
