package configstore

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// FuzzRoundTrip writes the input as applicationHost.config and opens it
// for writing. When Open accepts it, saving it without a change in
// content, first marked changed (the whole document is written) and then
// after adding and removing an attribute on every element (every start tag
// is written anew), must leave the file byte for byte as it was, with its
// permissions. When Open refuses it, the file must be untouched. Either
// way no temporary file may remain.
//
// The seeds named corpus-* are derived from the shared corpus's
// applicationHost.config files by xmldoc's TestWriteFuzzSeeds.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{
		"<configuration/>",
		"\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n\t<system.webServer>\r\n\t\t<defaultDocument enabled='true' />\r\n\t</system.webServer>\r\n</configuration>",
		"<configuration>\n  <configSections>\n    <sectionGroup name=\"g\">\n      <section name=\"s\" />\n    </sectionGroup>\n  </configSections>\n  <g><s a=\"&amp;&#xA;\"/></g>\n</configuration>",
		"<configuration><location path='Default Web Site'><system.webServer/></location><!-- c --></configuration>\n\n",
		// Refused by Open.
		"",
		"<configuration>",
		"<notconfiguration/>",
		"<configuration><a/><configSections/></configuration>",
		"<configuration><configSections><section/></configSections></configuration>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "applicationHost.config")
		const mode = 0o640
		if err := os.WriteFile(path, src, mode); err != nil {
			t.Fatal(err)
		}
		s, err := Open(Options{AppHostPath: path, Write: true})
		if err != nil {
			var cfe *ConfigFileError
			if !errors.As(err, &cfe) {
				t.Errorf("Open: %T %v, want a *ConfigFileError", err, err)
			}
			checkFile(t, path, src, mode)
			return
		}
		s.AppHost().Doc().MarkChanged()
		save(t, s)
		checkFile(t, path, src, mode)

		s, err = Open(Options{AppHostPath: path, Write: true})
		if err != nil {
			t.Fatalf("Open after save: %v", err)
		}
		const name = "appcmdFuzzRoundTrip"
		editUndo(s.AppHost().Doc().Root(), name)
		if !s.AppHost().Changed() {
			t.Fatal("an edit did not mark the document changed")
		}
		save(t, s)
		checkFile(t, path, src, mode)
	})
}

// save saves the store, which must write applicationHost.config, and
// closes it.
func save(t *testing.T, s *Store) {
	t.Helper()
	files, err := s.Save(nil)
	s.Close()
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	if len(files) != 1 || !files[0].AppHost {
		t.Fatalf("Save wrote %d files, want applicationHost.config", len(files))
	}
}

// editUndo adds an attribute to every element and removes it again.
func editUndo(e *xmldoc.Element, name string) {
	if _, ok := e.Attr(name); !ok {
		e.SetAttr(name, "x")
		e.RemoveAttr(name)
	}
	for _, c := range e.Children() {
		editUndo(c, name)
	}
}

// checkFile checks that the file holds want with the given permissions and
// that its directory holds nothing else but the writers' lock file.
func checkFile(t *testing.T, path string, want []byte, mode fs.FileMode) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("file changed:\nwant %q\n got %q", want, got)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != mode {
		t.Fatalf("mode %v (%v), want %v", info.Mode().Perm(), err, mode)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !slices.Contains([]string{filepath.Base(path), filepath.Base(lockPath(path))}, e.Name()) {
			t.Fatalf("file left beside applicationHost.config: %s", e.Name())
		}
	}
}
