//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package configstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/testenv"
)

// Tests of issue 13's store items: special files, the writer's limits as
// seen by Save, per-folder locks, links out of a virtual directory, backup
// names, history after failed saves, restore over a broken file, and
// percent-encoded dots in config paths.

// within runs f and fails the test if it does not return in time: a
// named pipe opened the wrong way blocks forever.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still blocked after %v", d)
	}
}

// TestReadRefusesSpecialFiles uses a named pipe, a link to /dev/zero and a
// sparse file over MaxFileSize as applicationHost.config and as a
// web.config: each is a configuration error at once, mapped or not.
func TestReadRefusesSpecialFiles(t *testing.T) {
	type special struct {
		name, want string
		make       func(path string) error
	}
	cases := []special{
		{"fifo", "a named pipe (FIFO), not a regular file", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"dev-zero", "a character device, not a regular file", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{"too-big", fmt.Sprintf("more than the %d bytes (MaxFileSize)", xmldoc.MaxFileSize), func(p string) error {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(xmldoc.MaxFileSize + 1) // sparse: costs no disk
		}},
	}
	for _, c := range cases {
		for _, noMap := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/apphost/noMap=%v", c.name, noMap), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "applicationHost.config")
				if err := c.make(path); err != nil {
					t.Skipf("cannot make the file: %v", err)
				}
				for _, write := range []bool{false, true} {
					within(t, 5*time.Second, func() {
						_, err := Open(Options{AppHostPath: path, NoMap: noMap, Write: write})
						checkSpecial(t, err, path, c.want)
					})
				}
			})
			t.Run(fmt.Sprintf("%s/web.config/noMap=%v", c.name, noMap), func(t *testing.T) {
				dir := t.TempDir()
				testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": strings.Replace(hierarchyHost, "{{SERVER}}", "", 1)})
				os.MkdirAll(filepath.Join(dir, "root"), 0o755)
				web := filepath.Join(dir, "root", "web.config")
				if err := c.make(web); err != nil {
					t.Skipf("cannot make the file: %v", err)
				}
				for _, write := range []bool{false, true} {
					within(t, 5*time.Second, func() {
						s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config"), NoMap: noMap, Write: write})
						if err != nil {
							t.Fatal(err)
						}
						defer s.Close()
						_, err = s.Effective(SitePath("S"), "system.webServer/defaultDocument")
						checkSpecial(t, err, web, c.want)
					})
				}
			})
		}
	}
	// ReadConfigFile (the -whatif diff, backups) has the same checks.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		within(t, 5*time.Second, func() {
			if _, err := ReadConfigFile(fifo); err == nil || !strings.Contains(err.Error(), "named pipe") {
				t.Errorf("ReadConfigFile(fifo): %v", err)
			}
		})
	}
}

func checkSpecial(t *testing.T, err error, path, want string) {
	t.Helper()
	var cfe *ConfigFileError
	if !errors.As(err, &cfe) {
		t.Fatalf("error %v, want a ConfigFileError", err)
	}
	if cfe.File != path || cfe.Kind != ErrMalformed || !strings.HasPrefix(cfe.Description, DescCannotRead+": ") || !strings.Contains(cfe.Description, want) {
		t.Fatalf("got %s (kind %d), want %s: %q", cfe.File, cfe.Kind, path, want)
	}
}

// noStrays fails if anything but the listed names is in dir.
func noStrays(t *testing.T, dir string, allowed ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		ok := false
		for _, a := range allowed {
			if m, _ := filepath.Match(a, e.Name()); m {
				ok = true
			}
		}
		if !ok {
			t.Errorf("stray file in %s: %s", dir, e.Name())
		}
	}
}

// TestSaveRefusesWhatCannotBeRead gives applicationHost.config an element
// with more attributes than the reader accepts and a value over
// MaxAttrValue once escaped: Save refuses, naming the limit, and leaves
// the file, the folder and the history as they were.
func TestSaveRefusesWhatCannotBeRead(t *testing.T) {
	for _, tc := range []struct {
		name, limit string
		edit        func(e *xmldoc.Element)
	}{
		{"attributes", "MaxAttrs", func(e *xmldoc.Element) {
			for i := range xmldoc.MaxAttrs + 1 {
				e.SetAttr(fmt.Sprintf("a%d", i), "x")
			}
		}},
		{"escaped value", "MaxAttrValue", func(e *xmldoc.Element) {
			e.SetAttr("value", strings.Repeat(`"`, xmldoc.MaxAttrValue/6+1)) // 1/6 of the limit, escaped over it
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, path := openWritable(t, `enabled="true" maxHistories="10"`)
			before, _ := os.ReadFile(path)
			add := xmldoc.NewElement("add")
			tc.edit(add)
			s.AppHost().Doc().Root().AppendChild(add)
			if err := s.CheckSave(); err == nil || !strings.Contains(err.Error(), tc.limit) {
				t.Errorf("CheckSave (-whatif): %v", err)
			}
			_, err := s.Save(func(files []*File) error { return s.KeepHistory(time.Now()) })
			var cfe *ConfigFileError
			if !errors.As(err, &cfe) || !cfe.Write || cfe.Kind != ErrMalformed || !strings.Contains(cfe.Description, tc.limit) || !strings.Contains(cfe.Description, "nothing was written") {
				t.Fatalf("Save: %v", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
				t.Error("the file changed")
			}
			noStrays(t, filepath.Dir(path), "applicationHost.config", ".applicationHost.config.lock", "wwwroot", "history")
			if h := historyNames(t, s); len(h) != 0 {
				t.Errorf("a refused save left history entries: %v", h)
			}
		})
	}
}

// TestFailedSaveLeavesNoHistory makes the rename of a save fail after the
// history entry was made: the entry goes again, and the old entries
// beyond maxHistories are only deleted by a save that succeeds.
func TestFailedSaveLeavesNoHistory(t *testing.T) {
	s, path := openWritable(t, `enabled="true" maxHistories="2" period="00:00:10"`)
	now := time.Now()
	hook := func(files []*File) error {
		now = now.Add(time.Minute) // past period: every save keeps history
		return s.KeepHistory(now)
	}
	edit := func(v string) {
		s.AppHost().Doc().Root().SetAttr("x", v)
	}
	for _, v := range []string{"1", "2"} {
		edit(v)
		if _, err := s.Save(hook); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s = reopen(t, path)
	}
	want := historyNames(t, s)
	if len(want) != 2 {
		t.Fatalf("history %v, want 2 entries", want)
	}
	before, _ := os.ReadFile(path)
	edit("3")
	s.rename = func(from, to string) error { return errors.New("disk full") }
	_, err := s.Save(hook)
	s.rename = os.Rename
	if err == nil {
		t.Fatal("Save succeeded")
	}
	if got := historyNames(t, s); !equalStrings(got, want) {
		t.Errorf("history after a failed save %v, want %v", got, want)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("the file changed")
	}
	if _, err := s.Save(hook); err != nil {
		t.Fatal(err)
	}
	if got := historyNames(t, s); len(got) != 2 || got[0] != want[1] {
		t.Errorf("history after a good save %v: want the oldest pruned, %s first", got, want[1])
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

// TestRestoreOverMalformed restores a backup over an applicationHost.config
// that does not parse: Options.Restore opens it without reading it.
func TestRestoreOverMalformed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	good := DefaultConfig(path)
	os.MkdirAll(filepath.Join(dir, "backup", "good"), 0o755)
	os.WriteFile(filepath.Join(dir, "backup", "good", BackupFile), good, 0o644)
	broken := append(bytes.Clone(good[:len(good)/2]), "<a b=\"1\" b=\"2\"/>"...)
	os.WriteFile(path, broken, 0o644)
	if _, err := Open(Options{AppHostPath: path, Write: true}); err == nil {
		t.Fatal("the broken file opened")
	}
	s, err := Open(Options{AppHostPath: path, Write: true, Restore: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := s.FindBackup("good")
	if err != nil || b == nil {
		t.Fatalf("FindBackup: %v %v", b, err)
	}
	if changed, err := s.RestoreBackup(b); err != nil || !changed {
		t.Fatalf("RestoreBackup: %v %v", changed, err)
	}
	if _, err := s.Save(func(files []*File) error { return s.KeepHistory(time.Now()) }); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, good) {
		t.Error("the backup was not restored")
	}
	// The broken version went to the history, where it can be found again.
	hist, _ := filepath.Glob(filepath.Join(dir, "history", HistoryPrefix+"*", BackupFile))
	if len(hist) != 1 {
		t.Fatalf("history: %v", hist)
	}
	if got, _ := os.ReadFile(hist[0]); !bytes.Equal(got, broken) {
		t.Error("the history entry is not the replaced file")
	}
	// A named pipe is still no file to replace.
	fifo := filepath.Join(t.TempDir(), "applicationHost.config")
	if syscall.Mkfifo(fifo, 0o644) == nil {
		within(t, 5*time.Second, func() {
			if _, err := Open(Options{AppHostPath: fifo, Write: true, Restore: true}); err == nil {
				t.Error("a named pipe opened for restore")
			}
		})
	}
}

func TestCheckBackupName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"20260101T120000", true}, {"before deploy", true}, {"a.b", true}, {"日本語", true}, {"x-y_z(1)", true},
		{strings.Repeat("a", maxBackupName), true},
		{strings.Repeat("a", maxBackupName+1), false},
		{"", false}, {".", false}, {"..", false}, {".hidden", false}, {"trail.", false}, {" lead", false}, {"trail ", false},
		{"a/b", false}, {`a\b`, false}, {"a:b", false}, {"a*", false}, {"a?", false}, {`a"b`, false}, {"a<b", false}, {"a>b", false}, {"a|b", false},
		{"esc\x1b[31m", false}, {"new\nline", false}, {"tab\t", false}, {"del\x7f", false}, {"c1\u0085", false}, {"bad\xff", false}, {"nul\x00", false},
		{"CON", false}, {"con.txt", false}, {"Nul", false}, {"COM1", false}, {"lpt9.log", false}, {"COM10", true}, {"CONSOLE", true},
		{"CFGHISTORY_0000000001", false}, {"cfghistory_x", false},
	} {
		err := checkBackupName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("checkBackupName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\x1b\n\x7f") {
			t.Errorf("the error prints the name raw: %q", err.Error())
		}
	}
}

// TestBackupsSkipInvalidNames: folders made by hand that add backup would
// refuse are not listed.
func TestBackupsSkipInvalidNames(t *testing.T) {
	s, path := openWritable(t, `enabled="false"`)
	for _, n := range []string{"ok", ".hidden", "esc\x1b", "new\nline"} {
		d := filepath.Join(filepath.Dir(path), "backup", n)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, BackupFile), []byte("<configuration/>"), 0o644)
	}
	bs, err := s.Backups()
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].Name != "ok" {
		var names []string
		for _, b := range bs {
			names = append(names, b.Name)
		}
		t.Errorf("backups %q, want [ok]", names)
	}
}

func TestParseConfigPathEncodedDots(t *testing.T) {
	for _, p := range []string{"S/%2e%2e", "S/%2E%2e/x", "S/%2e", "S/.%2e", "S/%252e%252e", "S/a%2fb", "S/a%5C..", "S/..%2f..", "S/ %2e%2e "} {
		if _, err := ParseConfigPath(p); err == nil {
			t.Errorf("ParseConfigPath(%q) accepted", p)
		}
	}
	for _, p := range []string{"S/a%20b", "S/100%", "S/%zz", "S/...", "S/%2e%2e%2e"} {
		if _, err := ParseConfigPath(p); err != nil {
			t.Errorf("ParseConfigPath(%q): %v", p, err)
		}
	}
}

// sharedHost is an applicationHost.config with one site whose root is the
// folder {{ROOT}} and whose /v is {{V}}.
const sharedHost = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <configSections>
        <sectionGroup name="system.applicationHost">
            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
        </sectionGroup>
    </configSections>
    <system.applicationHost>
        <sites>
            <site name="{{SITE}}" id="1">
                <application path="/">
                    <virtualDirectory path="/" physicalPath="{{ROOT}}" />
                    <virtualDirectory path="/v" physicalPath="{{V}}" />
                </application>
            </site>
        </sites>
    </system.applicationHost>
</configuration>
`

func writeHost(t *testing.T, path, site, root, v string) {
	t.Helper()
	s := strings.NewReplacer("{{SITE}}", site, "{{ROOT}}", root, "{{V}}", v).Replace(sharedHost)
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// addEntry appends <add key=...> to the web.config of level cp, through a
// store of its own, as one command would.
func addEntry(apphost string, cp ConfigPath, key string) error {
	s, err := Open(Options{AppHostPath: apphost, Write: true})
	if err != nil {
		return err
	}
	defer s.Close()
	f, err := s.FileAt(cp)
	if err != nil {
		return err
	}
	f.ensureDoc("\n", "    ")
	e := xmldoc.NewElement("add")
	e.SetAttr("key", key)
	f.Doc().Root().AppendChild(e)
	_, err = s.Save(nil)
	return err
}

// TestWebConfigLockAcrossAppHosts: writers of two applicationHost.config
// files whose sites share a folder add to its web.config at once; none
// loses another's entry.
func TestWebConfigLockAcrossAppHosts(t *testing.T) {
	dir := t.TempDir()
	shared := filepath.Join(dir, "shared")
	os.MkdirAll(shared, 0o755)
	hosts := []string{filepath.Join(dir, "a", "applicationHost.config"), filepath.Join(dir, "b", "applicationHost.config")}
	writeHost(t, hosts[0], "A", shared, filepath.Join(dir, "nowhere"))
	writeHost(t, hosts[1], "B", shared, filepath.Join(dir, "nowhere"))
	const writers = 24
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- addEntry(hosts[i%2], SitePath([]string{"A", "B"}[i%2]), fmt.Sprintf("k%02d", i))
		}()
	}
	within(t, 60*time.Second, wg.Wait)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(filepath.Join(shared, "web.config"))
	for i := range writers {
		if n := bytes.Count(got, fmt.Appendf(nil, `key="k%02d"`, i)); n != 1 {
			t.Errorf("entry k%02d is there %d times", i, n)
		}
	}
	noStrays(t, shared, "web.config")
}

// TestWebConfigLockOrder maps two folders crosswise: site A's root is p
// and its /v is q, site B's root is q and its /v is p, so A's writers
// read p then q and B's read q then p. Folder locks are taken in name
// order, so no writer waits for another in a circle: all finish, and
// every one either saves its entry or is told to run again.
func TestWebConfigLockOrder(t *testing.T) {
	dir := t.TempDir()
	p, q := filepath.Join(dir, "p"), filepath.Join(dir, "q")
	os.MkdirAll(p, 0o755)
	os.MkdirAll(q, 0o755)
	hosts := []string{filepath.Join(dir, "a", "applicationHost.config"), filepath.Join(dir, "b", "applicationHost.config")}
	writeHost(t, hosts[0], "A", p, q)
	writeHost(t, hosts[1], "B", q, p)
	vA, _ := ParseConfigPath("A/v")
	vB, _ := ParseConfigPath("B/v")
	const writers = 24
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = addEntry(hosts[i%2], []ConfigPath{vA, vB}[i%2], fmt.Sprintf("k%02d", i))
		}()
	}
	within(t, 60*time.Second, wg.Wait)
	pb, _ := os.ReadFile(filepath.Join(p, "web.config"))
	qb, _ := os.ReadFile(filepath.Join(q, "web.config"))
	saved, conflicts := 0, 0
	for i, err := range errs {
		key := fmt.Appendf(nil, `key="k%02d"`, i)
		n := bytes.Count(pb, key) + bytes.Count(qb, key)
		var cfe *ConfigFileError
		switch {
		case err == nil && n == 1:
			saved++
		case errors.As(err, &cfe) && cfe.Kind == ErrConflict && n == 0:
			conflicts++
		default:
			t.Errorf("writer %d: %v, entry there %d times", i, err, n)
		}
	}
	t.Logf("%d saved, %d told to run again", saved, conflicts)
}

// TestLinksOutOfVirtualDirectory: a symbolic link to a folder outside
// the site, or a web.config linking to a file outside, is not written
// unless FollowLinks; a link that stays inside is written through.
func TestLinksOutOfVirtualDirectory(t *testing.T) {
	dir := t.TempDir()
	site, outside := filepath.Join(dir, "site"), filepath.Join(dir, "outside")
	os.MkdirAll(filepath.Join(site, "real"), 0o755)
	os.MkdirAll(outside, 0o755)
	host := filepath.Join(dir, "config", "applicationHost.config")
	writeHost(t, host, "S", site, filepath.Join(dir, "nowhere"))
	os.Symlink(outside, filepath.Join(site, "sub"))                                          // a linked subfolder
	os.WriteFile(filepath.Join(outside, "target.config"), []byte("<configuration/>"), 0o644) // a linked file
	os.Symlink(filepath.Join(outside, "target.config"), filepath.Join(site, "real", "web.config"))
	os.WriteFile(filepath.Join(site, "inside.config"), []byte("<configuration/>"), 0o644)
	os.Symlink("inside.config", filepath.Join(site, "web.config")) // a link that stays inside

	for _, tc := range []struct {
		path, real string
		refused    bool
	}{
		{"S/sub", filepath.Join(outside, "web.config"), true},
		{"S/real", filepath.Join(outside, "target.config"), true},
		{"S", filepath.Join(site, "inside.config"), false},
	} {
		cp, _ := ParseConfigPath(tc.path)
		for _, follow := range []bool{false, true} {
			s, err := Open(Options{AppHostPath: host, Write: true, FollowLinks: follow})
			if err != nil {
				t.Fatal(err)
			}
			f, err := s.FileAt(cp)
			if err != nil {
				t.Fatal(err)
			}
			f.ensureDoc("\n", "  ")
			f.Doc().Root().SetAttr("x", fmt.Sprint(follow))
			realBefore, realErr := os.ReadFile(tc.real)
			checkErr := s.CheckSave()
			_, err = s.Save(nil)
			s.Close()
			var cfe *ConfigFileError
			if tc.refused && !follow {
				if !errors.As(err, &cfe) || cfe.Kind != ErrRefused || !strings.Contains(cfe.Description, tc.real) || !strings.Contains(cfe.Description, site) {
					t.Errorf("%s: %v, want a refusal naming %s and %s", tc.path, err, tc.real, site)
				}
				if checkErr == nil {
					t.Errorf("%s: CheckSave (-whatif) accepts what Save refuses", tc.path)
				}
				if after, err := os.ReadFile(tc.real); (err == nil) != (realErr == nil) || !bytes.Equal(after, realBefore) {
					t.Errorf("%s: %s changed or appeared", tc.path, tc.real)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s (follow %v): %v", tc.path, follow, err)
				continue
			}
			if b, _ := os.ReadFile(tc.real); !bytes.Contains(b, fmt.Appendf(nil, `x="%v"`, follow)) {
				t.Errorf("%s: %s did not get the change", tc.path, tc.real)
			}
		}
	}
	if info, err := os.Lstat(filepath.Join(site, "web.config")); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Error("the link inside the site is no longer a link")
	}
}
