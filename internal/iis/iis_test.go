package iis

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

func TestParseBindings(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want: the bindings as printed, or the error reason
		input    string // the value the error names
	}{
		{in: "http/*:80:,https/*:443:www.example.com", want: "http/*:80:,https/*:443:www.example.com"},
		{in: " http://*:8080 , https://localhost:44300 ,", want: "http/*:8080:,https/*:44300:localhost"},
		{in: "net.tcp/808:*", want: "net.tcp/808:*"},
		{in: "", want: ""},
		{in: "http:80", want: "A binding is written protocol/bindingInformation, e.g. http/*:80: or https/*:443:www.example.com", input: "http:80"},
		{in: "/x", want: "A binding is written protocol/bindingInformation, e.g. http/*:80: or https/*:443:www.example.com", input: "/x"},
		{in: "http://%zz", want: "The URL cannot be parsed", input: "http://%zz"},
		{in: "http/*:80:,http/*:99999:", want: `The binding information "*:99999:" has an invalid port; use 1 to 65535`, input: "http/*:99999:"},
	} {
		got, err := ParseBindings(tc.in)
		var ve *section.ValueError
		switch {
		case tc.input != "":
			if !errors.As(err, &ve) || ve.Attribute != "bindings" || ve.Input != tc.input || ve.Reason != tc.want {
				t.Errorf("ParseBindings(%q): got %v, want %s", tc.in, err, tc.want)
			}
		case err != nil:
			t.Errorf("ParseBindings(%q): %v", tc.in, err)
		default:
			var parts []string
			for _, b := range got {
				parts = append(parts, b.String())
			}
			if s := strings.Join(parts, ","); s != tc.want {
				t.Errorf("ParseBindings(%q) = %s, want %s", tc.in, s, tc.want)
			}
		}
	}
}

func sitesWithIDs(ids ...string) []*Site {
	var out []*Site
	for i, id := range ids {
		name := string(rune('A' + i))
		out = append(out, &Site{ID: id, Object: Object{Kind: SiteKind, Name: name}})
	}
	return out
}

func TestSiteIDNext(t *testing.T) {
	for _, tc := range []struct {
		ids   []string
		taken []uint64
		want  string
	}{
		{nil, nil, "1"},
		{[]string{"1"}, nil, "2"},
		{[]string{"7", "3"}, nil, "8"},
		{[]string{"2", "x", ""}, nil, "3"},
		{[]string{"2"}, []uint64{5}, "6"},
		{[]string{"99999999999"}, nil, "1"}, // not a 32-bit id: ignored
	} {
		taken := map[uint64]bool{}
		for _, n := range tc.taken {
			taken[n] = true
		}
		if got := siteIDIndexOf(sitesWithIDs(tc.ids...)).next(taken); got != tc.want {
			t.Errorf("siteIDIndex(%v).next(%v) = %s, want %s", tc.ids, tc.taken, got, tc.want)
		}
	}
}

func TestSiteIDCheck(t *testing.T) {
	// C shares B's id, as in a file the configuration system refuses.
	sites := sitesWithIDs("1", "2", "2")
	for _, tc := range []struct {
		self *Object
		id   string
		dup  bool
	}{
		{nil, "3", false},
		{nil, "2", true},
		{nil, " 02 ", true},
		{&sites[1].Object, "2", true},  // its own id, but C's too
		{&sites[2].Object, "2", true},  // its own id, but B's too
		{&sites[0].Object, "1", false}, // its own id
		{&sites[0].Object, "2", true},
		{nil, "abc", false}, // the schema reports it
	} {
		err := siteIDIndexOf(sites).check(tc.self, tc.id)
		var dk *DuplicateKeyError
		if got := errors.As(err, &dk); got != tc.dup || err != nil && !got {
			t.Errorf("check(%q): %v", tc.id, err)
		}
		if dk != nil && (dk.Element != "site" || dk.Key != "id" || dk.Value != "2") {
			t.Errorf("check(%q): fields %+v", tc.id, dk)
		}
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct{ site, app, vdir, want string }{
		{"S", "/", "/", "S/"},
		{"S", "/a", "/", "S/a/"},
		{"S", "/", "/v", "S/v"},
		{"S", "/a", "/v", "S/a/v"},
	} {
		if got := VDirName(tc.site, tc.app, tc.vdir); got != tc.want {
			t.Errorf("VDirName(%q, %q, %q) = %q, want %q", tc.site, tc.app, tc.vdir, got, tc.want)
		}
	}
	if got := AppName("S", "/"); got != "S/" {
		t.Errorf("AppName = %q", got)
	}
}

// testModel opens the default applicationHost.config in a temporary
// folder.
func testModel(t *testing.T) *Model {
	t.Helper()
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, configstore.DefaultConfig(path), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := configstore.Open(configstore.Options{AppHostPath: path, Env: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return New(s)
}

func apply(t *testing.T, m *Model, ed *Edit, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Apply(ed); err != nil {
		t.Fatal(err)
	}
}

func doneList(ed *Edit) string {
	var parts []string
	for _, d := range ed.Done {
		parts = append(parts, d.Kind.Name+" "+d.Name+" "+string(d.Action))
	}
	return strings.Join(parts, "; ")
}

func TestAddSiteRules(t *testing.T) {
	m := testModel(t)
	bs, _ := ParseBindings("http/*:81:")
	ed, err := m.AddSite(NewSite{Name: "Two", Bindings: bs, PhysicalPath: `C:\two`, HasPhysicalPath: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := doneList(ed); got != "SITE Two added; APP Two/ added; VDIR Two/ added" {
		t.Errorf("done: %s", got)
	}
	apply(t, m, ed, nil)
	sites, err := m.Sites()
	if err != nil || len(sites) != 2 {
		t.Fatalf("sites: %v %v", sites, err)
	}
	if s := sites[1]; s.ID != "2" || len(s.Bindings) != 1 || s.Bindings[0].Port != 81 || s.Prop("bindings") != "http/*:81:" {
		t.Errorf("new site: %+v", s)
	}
	apps, _ := m.Apps()
	if a := apps[len(apps)-1]; a.Name != "Two/" || a.Pool != "DefaultAppPool" { // from applicationDefaults
		t.Errorf("root app: %+v", a)
	}
	vdirs, _ := m.VDirs()
	if v := vdirs[len(vdirs)-1]; v.Name != "Two/" || v.PhysicalPath != `C:\two` || v.App != "Two/" {
		t.Errorf("root vdir: %+v", v)
	}

	for _, tc := range []struct {
		n    NewSite
		want error
	}{
		{NewSite{Name: "two"}, &ExistsError{Object: "SITE", ID: "two"}},
		{NewSite{Name: "Three", ID: "2", HasID: true}, &DuplicateKeyError{Element: "site", Key: "id", Value: "2"}},
	} {
		_, err := m.AddSite(tc.n)
		if err == nil || err.Error() != tc.want.Error() {
			t.Errorf("AddSite(%+v): got %v, want %v", tc.n, err, tc.want)
		}
	}
}

func TestAddAppVDirPoolRules(t *testing.T) {
	m := testModel(t)
	ed, err := m.AddApp("default web site", "/a", `C:\a`, true)
	if got := doneList(ed); got != "APP Default Web Site/a added; VDIR Default Web Site/a/ added" {
		t.Errorf("done: %s", got)
	}
	apply(t, m, ed, err)
	ed, err = m.AddVDir("Default Web Site/a", "/v", "", false)
	apply(t, m, ed, err)
	ed, err = m.AddPool("P")
	apply(t, m, ed, err)
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"app on missing site", second(m.AddApp("Nope", "/a", "", false)), &NotFoundError{Object: "SITE", ID: "Nope"}},
		{"existing app", second(m.AddApp("Default Web Site", "/A", "", false)), &ExistsError{Object: "APP", ID: "Default Web Site/A"}},
		{"vdir on missing app", second(m.AddVDir("Default Web Site/b", "/v", "", false)), &NotFoundError{Object: "APP", ID: "Default Web Site/b"}},
		{"existing vdir", second(m.AddVDir("Default Web Site/a", "/v", "", false)), &ExistsError{Object: "VDIR", ID: "Default Web Site/a/v"}},
		{"existing pool", second(m.AddPool("defaultapppool")), &ExistsError{Object: "APPPOOL", ID: "defaultapppool"}},
	} {
		if tc.err == nil || tc.err.Error() != tc.want.Error() {
			t.Errorf("%s: got %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if _, err := m.Lookup(VDirKind, "http://localhost:8080/a/v/x.htm"); err != nil {
		t.Errorf("lookup by URL: %v", err)
	}
}

func second(_ *Edit, err error) error { return err }

func TestUpdateRules(t *testing.T) {
	m := testModel(t)
	ed, err := m.AddApp("Default Web Site", "/a", "", false)
	apply(t, m, ed, err)
	app, _ := m.Get(AppKind, "Default Web Site/a")
	if _, err := m.Update(app, Update{Key: "/", HasKey: true}); err == nil || err.Error() != (&DuplicateKeyError{"application", "path", "/"}).Error() {
		t.Errorf("rename onto a sibling: %v", err)
	}
	if _, err := m.Update(app, Update{Key: "/b", HasKey: true}); err != nil {
		t.Errorf("rename: %v", err)
	}
	site, _ := m.Get(SiteKind, "Default Web Site")
	bs, _ := ParseBindings("http/*:8080:,http/*:81:")
	chs, err := m.Update(site, Update{Bindings: bs, HasBindings: true})
	if err != nil || len(chs) != 1 || chs[0].Kind != commit.Add {
		t.Errorf("bindings: only the new one is added: %+v %v", chs, err)
	}
	// A binding set as a plain attribute is still checked.
	bad := m.Edit(SiteKind, []*Object{site})
	bad.Changes = []commit.Change{{Kind: commit.Add, Path: under(site.ElementPath, commit.Step{Name: "bindings"}, commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "protocol", Value: "http"}, {Name: "bindingInformation", Value: "*:0:"}}}})}}
	var ve *section.ValueError
	if err := m.Apply(bad); !errors.As(err, &ve) || ve.Input != "http/*:0:" {
		t.Errorf("invalid new binding: %v", err)
	}
}

func TestImportRules(t *testing.T) {
	m := testModel(t)
	rec := func(name string, attrs ...string) *commit.Tree {
		r := &commit.Tree{Name: name}
		for i := 0; i < len(attrs); i += 2 {
			r.Attrs = append(r.Attrs, commit.KeyValue{Name: attrs[i], Value: attrs[i+1]})
		}
		return r
	}
	ed, err := m.Import(SiteKind, []*commit.Tree{rec("SITE", "SITE.NAME", "A", "bindings", "http/*:81:"), rec("SITE", "SITE.NAME", "B")})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, m, ed, nil)
	sites, _ := m.Sites()
	if len(sites) != 3 || sites[1].ID != "2" || sites[2].ID != "3" || sites[1].Prop("bindings") != "http/*:81:" {
		t.Errorf("imported: %+v %+v", sites[1], sites[2])
	}
	for _, tc := range []struct {
		k    *Kind
		recs []*commit.Tree
		want error
	}{
		{SiteKind, []*commit.Tree{rec("SITE", "SITE.NAME", "a")}, &ExistsError{Object: "SITE", ID: "a"}},
		{SiteKind, []*commit.Tree{rec("SITE", "SITE.NAME", "C"), rec("SITE", "SITE.NAME", "c")}, &ExistsError{Object: "SITE", ID: "c"}},
		{SiteKind, []*commit.Tree{rec("SITE", "SITE.NAME", "C", "SITE.ID", "3")}, &DuplicateKeyError{"site", "id", "3"}},
		{SiteKind, []*commit.Tree{rec("SITE", "SITE.ID", "9")}, &InvalidDataError{}},
		{AppKind, []*commit.Tree{rec("APP", "SITE.NAME", "Z", "path", "/x")}, &NotFoundError{Object: "SITE", ID: "Z"}},
	} {
		if _, err := m.Import(tc.k, tc.recs); err == nil || err.Error() != tc.want.Error() {
			t.Errorf("Import %v: got %v, want %v", tc.recs, err, tc.want)
		}
	}
	if err := SiteKind.CheckRecords([]*commit.Tree{rec("SITE"), rec("APP")}); err == nil {
		t.Error("an APP record is not a SITE")
	}
}

func moduleNames(t *testing.T, read func() ([]*Module, error)) string {
	t.Helper()
	list, err := read()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range list {
		out = append(out, x.Name)
	}
	return "," + strings.Join(out, ",") + ","
}

func TestModuleRules(t *testing.T) {
	m := testModel(t)
	// install registers and enables; /add:false only registers.
	if err := m.InstallModule("MyMod", `C:\my.dll`, "", true); err != nil {
		t.Fatal(err)
	}
	if err := m.InstallModule("Quiet", `C:\q.dll`, "bitness64", false); err != nil {
		t.Fatal(err)
	}
	global := moduleNames(t, m.GlobalModules)
	enabled := moduleNames(t, func() ([]*Module, error) { return m.Modules(configstore.ServerPath) })
	if !strings.Contains(global, ",MyMod,") || !strings.Contains(global, ",Quiet,") || !strings.Contains(enabled, ",MyMod,") || strings.Contains(enabled, ",Quiet,") {
		t.Errorf("after install: global %s enabled %s", global, enabled)
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"install twice", m.InstallModule("MyMod", `C:\x.dll`, "", true), &ExistsError{Object: "MODULE", ID: "MyMod"}},
		{"add enabled", second(m.AddModule(configstore.ServerPath, "", "MyMod", "", "")), &ExistsError{Object: "MODULE", ID: "MyMod"}},
		{"delete missing", second(m.DeleteModule(configstore.ServerPath, "", "mymod")), &NotFoundError{Object: "MODULE", ID: "mymod"}}, // names are case-sensitive
		{"uninstall missing", m.UninstallModule("Nope"), &NotFoundError{Object: "MODULE", ID: "Nope"}},
		{"level of missing app", func() error { _, err := m.AppLevel("Default Web Site/none"); return err }(), &NotFoundError{Object: "APP", ID: "Default Web Site/none"}},
	} {
		if tc.err == nil || tc.err.Error() != tc.want.Error() {
			t.Errorf("%s: got %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	ed, err := m.AddModule(configstore.ServerPath, "", "Managed", "My.Type", "")
	apply(t, m, ed, err)
	mods, _ := m.Modules(configstore.ServerPath)
	if last := mods[len(mods)-1]; last.Name != "Managed" || last.Type != "My.Type" {
		t.Errorf("added: %+v", last)
	}
	if err := m.UninstallModule("MyMod"); err != nil {
		t.Fatal(err)
	}
	global = moduleNames(t, m.GlobalModules)
	enabled = moduleNames(t, func() ([]*Module, error) { return m.Modules(configstore.ServerPath) })
	if strings.Contains(global, ",MyMod,") || strings.Contains(enabled, ",MyMod,") {
		t.Errorf("after uninstall: global %s enabled %s", global, enabled)
	}
}

func TestBackupRules(t *testing.T) {
	m := testModel(t)
	if _, err := m.AddBackup("one"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"add twice", second2(m.AddBackup("ONE")), &BackupExistsError{Name: "ONE"}},
		{"plan existing", second3(m.PlanBackup("one")), &BackupExistsError{Name: "one"}},
		{"bad name", second2(m.AddBackup("a/b")), &BackupNameError{Name: "a/b"}},
		{"find missing", second2(m.FindBackup("two")), &NotFoundError{Object: "BACKUP", ID: "two"}},
	} {
		if got, want := errorType(tc.err), errorType(tc.want); got != want {
			t.Errorf("%s: got %s, want %s", tc.name, got, want)
		}
	}
	names, err := m.Names(BackupKind)
	if err != nil || len(names) != 1 || names[0] != "one" {
		t.Errorf("backups: %v %v", names, err)
	}
}

func second2(_ *Backup, err error) error { return err }
func second3(_ string, err error) error  { return err }

func errorType(err error) string {
	switch err.(type) {
	case *BackupExistsError:
		return "exists"
	case *BackupNameError:
		return "name"
	case *NotFoundError:
		return "notfound"
	}
	return "other"
}
