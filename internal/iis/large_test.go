package iis

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// On a generated 10,000-site file (ids 1..10001), where one site is found
// and checked without merging every site: add site takes the next free id,
// refuses a taken id, an existing name and an invalid binding, and a
// failed edit leaves the file as it was.
func TestAddSiteLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped: -short (generates a 15 MB file)")
	}
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	src := gen.Bytes(10000, 1)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	open := func() *Model {
		s, err := configstore.Open(configstore.Options{AppHostPath: path, Write: true, Env: func(string) (string, bool) { return "", false }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return New(s)
	}
	// The write lock is held until Close.

	m := open()
	// As '/+bindings.[protocol='http',bindingInformation='*:x:']' gives it,
	// past ParseBindings.
	bad := []Binding{{Protocol: "http", Information: "*:x:"}}
	for _, tc := range []struct {
		n    NewSite
		want string
	}{
		{NewSite{Name: "site77"}, (&ExistsError{Object: "SITE", ID: "site77"}).Error()},
		{NewSite{Name: "Other", ID: "5000", HasID: true}, (&DuplicateKeyError{Element: "site", Key: "id", Value: "5000"}).Error()},
	} {
		if _, err := m.AddSite(tc.n); err == nil || err.Error() != tc.want {
			t.Errorf("AddSite(%+v): got %v, want %s", tc.n, err, tc.want)
		}
	}
	ed, err := m.AddSite(NewSite{Name: "Other", Bindings: bad})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Apply(ed); err == nil {
		t.Fatal("the binding *:x: was accepted")
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, src) {
		t.Fatal("the file changed after a failed edit")
	}

	m.Store().Close()
	m = open()
	bs, _ := ParseBindings("http/*:8080:new.example")
	ed, err = m.AddSite(NewSite{Name: "New", Bindings: bs, PhysicalPath: `C:\new`, HasPhysicalPath: true})
	apply(t, m, ed, err)
	o, err := m.Get(SiteKind, "new")
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Prop("SITE.ID"); got != "10002" {
		t.Errorf("new site id %s, want 10002", got)
	}
	if got := o.Prop("bindings"); got != "http/*:8080:new.example" {
		t.Errorf("bindings %s", got)
	}
}
