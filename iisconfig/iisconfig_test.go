package iisconfig_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appcmd-project/appcmd/iisconfig"
)

// open makes a fresh applicationHost.config from the built-in template and
// opens it.
func open(t *testing.T) (*iisconfig.Manager, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if _, err := iisconfig.CreateDefault(path); err != nil {
		t.Fatal(err)
	}
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, path
}

// element walks from a server-level section through child elements.
func element(t *testing.T, m *iisconfig.Manager, sec string, children ...string) *iisconfig.Element {
	t.Helper()
	s, err := m.ApplicationHost().Section(sec, "")
	if err != nil {
		t.Fatal(err)
	}
	e := &s.Element
	for _, c := range children {
		if e, err = e.Child(c); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func code(err error) uint32 {
	var ce *iisconfig.ConfigError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

func TestTypedValues(t *testing.T) {
	tests := []struct {
		name     string
		section  string
		children []string
		attr     string
		set      any
		want     any    // typed value read back
		text     string // as written in the file
		wantCode uint32 // the error of SetAttr, 0 for none
	}{
		{"bool", "webSocket", nil, "enabled", false, false, `enabled="false"`, 0},
		{"uint32", "webSocket", nil, "receiveBufferLimit", uint32(65536), uint32(65536), `receiveBufferLimit="65536"`, 0},
		{"uint from int", "webSocket", nil, "receiveBufferLimit", 70000, uint32(70000), `receiveBufferLimit="70000"`, 0},
		{"timeSpan", "webSocket", nil, "pingInterval", 90 * time.Second, 90 * time.Second, `pingInterval="00:01:30"`, 0},
		{"timeSpan from string", "webSocket", nil, "pingInterval", "00:02:00", 2 * time.Minute, `pingInterval="00:02:00"`, 0},
		{"int32", "system.applicationHost/applicationPools", []string{"applicationPoolDefaults", "cpu"}, "processorGroup", int32(3), int32(3), `processorGroup="3"`, 0},
		{"int64", "system.applicationHost/log", []string{"centralW3CLogFile"}, "truncateSize", int64(2097152), int64(2097152), `truncateSize="2097152"`, 0},
		{"enum by name", "system.applicationHost/applicationPools", []string{"applicationPoolDefaults"}, "managedPipelineMode", "Classic", "Classic", `managedPipelineMode="Classic"`, 0},
		{"enum by number", "system.applicationHost/applicationPools", []string{"applicationPoolDefaults"}, "managedPipelineMode", 1, "Classic", `managedPipelineMode="Classic"`, 0},
		{"flags by names", "directoryBrowse", nil, "showFlags", "Date,Time", "Date, Time", `showFlags="Date, Time"`, 0},
		{"string", "system.applicationHost/applicationPools", []string{"applicationPoolDefaults"}, "managedRuntimeVersion", "v2.0", "v2.0", `managedRuntimeVersion="v2.0"`, 0},
		{"bool to uint", "webSocket", nil, "receiveBufferLimit", true, nil, "", iisconfig.CodeInvalidArg},
		{"duration to bool", "webSocket", nil, "enabled", time.Second, nil, "", iisconfig.CodeInvalidArg},
		{"float", "webSocket", nil, "receiveBufferLimit", 1.5, nil, "", iisconfig.CodeInvalidArg},
		{"out of range", "webSocket", nil, "receiveBufferLimit", uint32(1), nil, "", iisconfig.CodeInvalidData},
		{"not a bool", "webSocket", nil, "enabled", "maybe", nil, "", iisconfig.CodeInvalidData},
		{"unknown enum name", "system.applicationHost/applicationPools", []string{"applicationPoolDefaults"}, "managedPipelineMode", "Fast", nil, "", iisconfig.CodeInvalidData},
		{"unknown attribute", "webSocket", nil, "pingIntervl", 1, nil, "", iisconfig.CodeInvalidArg},
		{"sub-tick duration", "webSocket", nil, "pingInterval", time.Nanosecond, nil, "", iisconfig.CodeInvalidArg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, path := open(t)
			before, _ := os.ReadFile(path)
			e := element(t, m, tt.section, tt.children...)
			err := e.SetAttr(tt.attr, tt.set)
			if tt.wantCode != 0 {
				if got := code(err); got != tt.wantCode {
					t.Fatalf("SetAttr(%v) = %v, code %08x; want code %08x", tt.set, err, got, tt.wantCode)
				}
				if d, _ := m.Diff(); d != "" {
					t.Errorf("a refused SetAttr left a change:\n%s", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Attr(tt.attr)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Attr = %#v (%T), want %#v (%T)", got, got, tt.want, tt.want)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("SetAttr wrote the file before Commit")
			}
			if err := m.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			if !strings.Contains(string(data), tt.text) {
				t.Errorf("file lacks %s", tt.text)
			}
			got, err = e.Attr(tt.attr)
			if err != nil || got != tt.want {
				t.Errorf("after Commit, Attr = %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
}

func TestResetAttr(t *testing.T) {
	m, _ := open(t)
	e := element(t, m, "webSocket")
	if err := e.SetAttr("pingInterval", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := e.ResetAttr("pingInterval"); err != nil {
		t.Fatal(err)
	}
	if v, err := e.Attr("pingInterval"); err != nil || v != time.Duration(0) {
		t.Errorf("after ResetAttr, pingInterval = %v, %v; want the default 0s", v, err)
	}
	if d, err := m.Diff(); err != nil || d != "" {
		t.Errorf("set then reset should change nothing; Diff = %q, %v", d, err)
	}
}

func values(t *testing.T, c *iisconfig.Collection, attr string) string {
	t.Helper()
	all, err := c.All()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range all {
		v, err := e.Attr(attr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(v))
	}
	return strings.Join(out, ",")
}

func TestCollection(t *testing.T) {
	const start = "Default.htm,Default.asp,index.htm,index.html,iisstart.htm"
	tests := []struct {
		name     string
		do       func(c *iisconfig.Collection) error
		want     string
		wantCode uint32
	}{
		{"add first", func(c *iisconfig.Collection) error {
			_, err := c.Add(map[string]any{"value": "a.html"}, 0)
			return err
		}, "a.html," + start, 0},
		{"add at end", func(c *iisconfig.Collection) error {
			_, err := c.Add(map[string]any{"value": "z.html"}, iisconfig.End)
			return err
		}, start + ",z.html", 0},
		{"add at index", func(c *iisconfig.Collection) error {
			_, err := c.Add(map[string]any{"value": "m.html"}, 2)
			return err
		}, "Default.htm,Default.asp,m.html,index.htm,index.html,iisstart.htm", 0},
		{"add duplicate", func(c *iisconfig.Collection) error {
			_, err := c.Add(map[string]any{"value": "index.htm"}, iisconfig.End)
			return err
		}, start, iisconfig.CodeAlreadyExists},
		{"add unknown attribute", func(c *iisconfig.Collection) error {
			_, err := c.Add(map[string]any{"value": "x", "colour": "red"}, iisconfig.End)
			return err
		}, start, iisconfig.CodeInvalidArg},
		{"add nothing", func(c *iisconfig.Collection) error {
			_, err := c.Add(nil, iisconfig.End)
			return err
		}, start, iisconfig.CodeInvalidArg},
		{"remove", func(c *iisconfig.Collection) error {
			return c.Remove(map[string]any{"value": "Default.asp"})
		}, "Default.htm,index.htm,index.html,iisstart.htm", 0},
		{"remove ignores case of a case-insensitive key", func(c *iisconfig.Collection) error {
			return c.Remove(map[string]any{"value": "DEFAULT.ASP"})
		}, "Default.htm,index.htm,index.html,iisstart.htm", 0},
		{"remove missing", func(c *iisconfig.Collection) error {
			return c.Remove(map[string]any{"value": "nope.htm"})
		}, start, iisconfig.CodeNotFound},
		{"clear", func(c *iisconfig.Collection) error { return c.Clear() }, "", 0},
		{"clear then add", func(c *iisconfig.Collection) error {
			if err := c.Clear(); err != nil {
				return err
			}
			_, err := c.Add(map[string]any{"value": "only.html"}, iisconfig.End)
			return err
		}, "only.html", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, path := open(t)
			before, _ := os.ReadFile(path)
			c, err := element(t, m, "defaultDocument", "files").Collection()
			if err != nil {
				t.Fatal(err)
			}
			err = tt.do(c)
			if got := code(err); got != tt.wantCode {
				t.Fatalf("err = %v (code %08x), want code %08x", err, got, tt.wantCode)
			}
			if got := values(t, c, "value"); got != tt.want {
				t.Errorf("entries = %s\nwant      %s", got, tt.want)
			}
			if err := m.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
			if tt.wantCode != 0 {
				if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
					t.Error("a refused change was written")
				}
				return
			}
			m2, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
			if err != nil {
				t.Fatal(err)
			}
			c2, err := element(t, m2, "defaultDocument", "files").Collection()
			if err != nil {
				t.Fatal(err)
			}
			if got := values(t, c2, "value"); got != tt.want {
				t.Errorf("after Commit, entries = %s\nwant                    %s", got, tt.want)
			}
		})
	}
}

func TestFind(t *testing.T) {
	m, _ := open(t)
	sites, err := m.ApplicationHost().Section("system.applicationHost/sites", "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := sites.Collection()
	if err != nil {
		t.Fatal(err)
	}
	site, err := c.Find(map[string]any{"name": "default web site"})
	if err != nil || site == nil {
		t.Fatalf("Find = %v, %v", site, err)
	}
	if id, err := site.Attr("id"); err != nil || id != uint32(1) {
		t.Errorf("id = %#v, %v; want uint32(1)", id, err)
	}
	if none, err := c.Find(map[string]any{"name": "Nowhere"}); none != nil || err != nil {
		t.Errorf("Find of a missing site = %v, %v; want nil, nil", none, err)
	}
	// An element of a removed entry reports it.
	if err := c.Remove(map[string]any{"name": "Default Web Site"}); err != nil {
		t.Fatal(err)
	}
	if _, err := site.Attr("id"); code(err) != iisconfig.CodeNotFound {
		t.Errorf("Attr of a removed entry: %v, want code %08x", err, iisconfig.CodeNotFound)
	}
}

func TestEffectiveOrigins(t *testing.T) {
	m, path := open(t)
	dir := filepath.Dir(path)
	dd, err := m.WebConfig("Default Web Site", "/").Section("defaultDocument", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := dd.SetAttr("enabled", false); err != nil {
		t.Fatal(err)
	}
	if err := m.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	server, err := m.Effective("", "system.webServer/defaultDocument")
	if err != nil {
		t.Fatal(err)
	}
	site, err := m.Effective("Default Web Site", "system.webServer/defaultDocument")
	if err != nil {
		t.Fatal(err)
	}
	webConfig := filepath.Join(dir, "wwwroot", "web.config")
	// lineOf is the line of the first line of file holding text.
	lineOf := func(file, text string) string {
		data, _ := os.ReadFile(file)
		for i, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, text) {
				return file + ":" + fmt.Sprint(i+1)
			}
		}
		t.Fatalf("%s has no %s", file, text)
		return ""
	}
	tests := []struct {
		vals   []iisconfig.Value
		path   string
		value  any
		origin string
	}{
		{server, "enabled", true, lineOf(path, `<defaultDocument enabled="true">`)},
		{server, "files.[value='Default.htm'].value", "Default.htm", lineOf(path, `<add value="Default.htm" />`)},
		{site, "enabled", false, lineOf(webConfig, `<defaultDocument enabled="false" />`)},
		{site, "files.[value='iisstart.htm'].value", "iisstart.htm", lineOf(path, `<add value="iisstart.htm" />`)},
	}
	for _, tt := range tests {
		found := false
		for _, v := range tt.vals {
			if v.Path != tt.path {
				continue
			}
			found = true
			if v.Value != tt.value || v.Origin.String() != tt.origin {
				t.Errorf("%s = %v from %s; want %v from %s", tt.path, v.Value, v.Origin, tt.value, tt.origin)
			}
		}
		if !found {
			t.Errorf("no value %s in %v", tt.path, tt.vals)
		}
	}
	if _, err := os.Stat(webConfig); err != nil {
		t.Fatal(err)
	}
}

func TestLockViolation(t *testing.T) {
	m, _ := open(t)
	// webSocket is overrideModeDefault="Deny": a web.config may not set it.
	ws, err := m.WebConfig("Default Web Site", "/").Section("webSocket", "")
	if err != nil {
		t.Fatal(err)
	}
	err = ws.SetAttr("enabled", false)
	var ce *iisconfig.ConfigError
	if !errors.As(err, &ce) || ce.Code != iisconfig.CodeLockViolation {
		t.Fatalf("err = %v, want a ConfigError with code %08x", err, iisconfig.CodeLockViolation)
	}
	if d, _ := m.Diff(); d != "" {
		t.Errorf("the refused change stayed:\n%s", d)
	}
}

func TestMalformedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	os.WriteFile(path, []byte("<configuration>\n<system.webServer>\n</configuration>\n"), 0o644)
	_, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	var ce *iisconfig.ConfigError
	if !errors.As(err, &ce) || ce.File != path || ce.Line == 0 || ce.Code != iisconfig.CodeInvalidData {
		t.Fatalf("err = %#v, want a ConfigError with file, line and code %08x", err, iisconfig.CodeInvalidData)
	}
	if _, err := iisconfig.Open(iisconfig.Options{AppHostPath: filepath.Join(t.TempDir(), "none.config")}); code(err) != iisconfig.CodeFileNotFound {
		t.Errorf("missing file: %v, want code %08x", err, iisconfig.CodeFileNotFound)
	}
}

func TestCommitConflict(t *testing.T) {
	tests := []struct {
		name  string
		other func(t *testing.T, path string)
	}{
		{"another Manager commits", func(t *testing.T, path string) {
			m2, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
			if err != nil {
				t.Fatal(err)
			}
			ws, _ := m2.ApplicationHost().Section("webSocket", "")
			if err := ws.SetAttr("receiveBufferLimit", uint32(8192)); err != nil {
				t.Fatal(err)
			}
			if err := m2.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
		}},
		{"another program rewrites the file", func(t *testing.T, path string) {
			data, _ := os.ReadFile(path)
			tmp := path + ".new"
			os.WriteFile(tmp, append(data, "\r\n"...), 0o644)
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"a web.config appears", func(t *testing.T, path string) {
			os.WriteFile(filepath.Join(filepath.Dir(path), "wwwroot", "web.config"), []byte("<configuration />\n"), 0o644)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, path := open(t)
			// Read the site's web.config (absent) too.
			if _, err := m.Effective("Default Web Site", "webSocket"); err != nil {
				t.Fatal(err)
			}
			ws, err := m.ApplicationHost().Section("webSocket", "Default Web Site")
			if err != nil {
				t.Fatal(err)
			}
			if err := ws.SetAttr("pingInterval", time.Minute); err != nil {
				t.Fatal(err)
			}
			tt.other(t, path)
			before, _ := os.ReadFile(path)
			err = m.Commit(context.Background())
			var ce *iisconfig.ConfigError
			if !errors.As(err, &ce) || ce.Code != iisconfig.CodeConflict || !strings.Contains(ce.Message, "Refresh") {
				t.Fatalf("Commit = %v, want a ConfigError with code %08x that says to Refresh", err, iisconfig.CodeConflict)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("a conflicting Commit wrote the file")
			}
			if !m.HasChanges() {
				t.Error("the conflicting Commit dropped the changes")
			}
			// The documented retry rule: Refresh, change again, Commit.
			if err := m.Refresh(); err != nil {
				t.Fatal(err)
			}
			if m.HasChanges() {
				t.Error("Refresh kept the changes")
			}
			if err := ws.SetAttr("pingInterval", time.Minute); err != nil {
				t.Fatal(err)
			}
			if err := m.Commit(context.Background()); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			if !strings.Contains(string(data), `pingInterval="00:01:00"`) {
				t.Error("the retried Commit did not write the change")
			}
		})
	}
}

func TestCommitCanceled(t *testing.T) {
	m, path := open(t)
	before, _ := os.ReadFile(path)
	ws, _ := m.ApplicationHost().Section("webSocket", "")
	if err := ws.SetAttr("enabled", false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Commit(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit = %v, want context.Canceled", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a canceled Commit wrote the file")
	}
}

func TestDiff(t *testing.T) {
	m, path := open(t)
	dir := filepath.Dir(path)
	if d, err := m.Diff(); d != "" || err != nil {
		t.Fatalf("Diff with no change = %q, %v", d, err)
	}
	dd, err := m.WebConfig("Default Web Site", "").Section("defaultDocument", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := dd.SetAttr("enabled", false); err != nil {
		t.Fatal(err)
	}
	d, err := m.Diff()
	if err != nil {
		t.Fatal(err)
	}
	d = strings.ReplaceAll(d, dir, "DIR")
	want := "diff /dev/null DIR/wwwroot/web.config\n--- /dev/null\n+++ DIR/wwwroot/web.config\n"
	if !strings.HasPrefix(d, want) || !strings.Contains(d, `+        <defaultDocument enabled="false" />`) {
		t.Errorf("Diff =\n%s\nwant a new web.config with defaultDocument enabled=\"false\"", d)
	}
	if _, err := os.Stat(filepath.Join(dir, "wwwroot", "web.config")); !os.IsNotExist(err) {
		t.Error("Diff wrote the file")
	}
}

func TestConcurrentEdits(t *testing.T) {
	m, path := open(t)
	c, err := element(t, m, "defaultDocument", "files").Collection()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Add(map[string]any{"value": fmt.Sprintf("page%d.html", i)}, iisconfig.End); err != nil {
				errs <- err
			}
			if _, err := m.Sites(); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := m.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for i := range 8 {
		if !strings.Contains(string(data), fmt.Sprintf(`"page%d.html"`, i)) {
			t.Errorf("page%d.html missing", i)
		}
	}
}

func TestNoFileHeldOpen(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("skipped: needs /proc/self/fd")
	}
	m, path := open(t)
	dir := filepath.Dir(path)
	ws, _ := m.ApplicationHost().Section("webSocket", "Default Web Site")
	ws.SetAttr("enabled", false)
	m.Effective("Default Web Site", "defaultDocument")
	if err := m.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Sites()
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(target, dir) {
			t.Errorf("file %s is open between calls", target)
		}
	}
}

func TestSitesAndPools(t *testing.T) {
	m, _ := open(t)
	sites, err := m.Sites()
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 1 || sites[0].Name != "Default Web Site" || sites[0].ID != "1" ||
		len(sites[0].Bindings) != 1 || sites[0].Bindings[0].Port != 8080 || len(sites[0].Apps) != 1 || sites[0].Apps[0].Pool != "DefaultAppPool" {
		t.Fatalf("Sites = %+v", sites)
	}
	if err := sites[0].Element.SetAttr("serverAutoStart", false); err != nil {
		t.Fatal(err)
	}
	if v, err := sites[0].Element.Attr("serverAutoStart"); err != nil || v != false {
		t.Errorf("serverAutoStart = %v, %v", v, err)
	}
	pools, err := m.AppPools()
	if err != nil {
		t.Fatal(err)
	}
	if len(pools) == 0 || pools[0].Name != "DefaultAppPool" {
		t.Fatalf("AppPools = %+v", pools)
	}
	if v, err := pools[0].Element.Attr("managedPipelineMode"); err != nil || v != "Integrated" {
		t.Errorf("managedPipelineMode = %v, %v", v, err)
	}
}

func TestCommitKeepsHistory(t *testing.T) {
	m, path := open(t)
	before, _ := os.ReadFile(path)
	ws, _ := m.ApplicationHost().Section("webSocket", "")
	if err := ws.SetAttr("enabled", false); err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(filepath.Dir(path), "history", "CFGHISTORY_0000000001", "applicationHost.config")
	if d, err := m.Diff(); err != nil || d == "" {
		t.Fatalf("Diff = %q, %v", d, err)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatal("Diff kept a history entry")
	}
	if err := m.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	// As every appcmd command that replaces applicationHost.config does.
	if got, err := os.ReadFile(entry); err != nil || !bytes.Equal(got, before) {
		t.Errorf("history entry %s: %v; want the version before Commit", entry, err)
	}
}

// A refused change makes the Manager reread the files; a file another
// writer replaced before that still makes Commit refuse.
func TestConflictSurvivesRefusedChange(t *testing.T) {
	m, path := open(t)
	ws, _ := m.ApplicationHost().Section("webSocket", "")
	if err := ws.SetAttr("enabled", false); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	os.WriteFile(path+".new", append(data, "\r\n"...), 0o644)
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
	if err := ws.SetAttr("receiveBufferLimit", uint32(1)); code(err) != iisconfig.CodeInvalidData {
		t.Fatalf("SetAttr = %v, want code %08x", err, iisconfig.CodeInvalidData)
	}
	if v, err := ws.Attr("enabled"); err != nil || v != false {
		t.Fatalf("the earlier change was lost: enabled = %v, %v", v, err)
	}
	if err := m.Commit(context.Background()); code(err) != iisconfig.CodeConflict {
		t.Fatalf("Commit = %v, want code %08x", err, iisconfig.CodeConflict)
	}
}

func TestLevels(t *testing.T) {
	m, path := open(t)
	dir := filepath.Dir(path)
	os.MkdirAll(filepath.Join(dir, "wwwroot", "sub"), 0o755)
	tests := []struct {
		name     string
		cfg      *iisconfig.Config
		location string
		file     string // written file, relative to dir
		text     string // in it
		wantCode uint32
	}{
		{"apphost location", m.ApplicationHost(), "Default Web Site/sub", "applicationHost.config", `<location path="Default Web Site/sub">`, 0},
		{"site web.config", m.WebConfig("Default Web Site", "/"), "", "wwwroot/web.config", `<directoryBrowse enabled="true" />`, 0},
		{"location in site web.config", m.WebConfig("Default Web Site", ""), "sub", "wwwroot/web.config", `<location path="sub">`, 0},
		{"folder web.config", m.WebConfig("Default Web Site", "/sub"), "", "wwwroot/sub/web.config", `<directoryBrowse enabled="true" />`, 0},
		{"no such site", m.WebConfig("Nowhere", "/"), "", "", "", iisconfig.CodePathNotFound},
		{"no such site in apphost", m.ApplicationHost(), "Nowhere", "", "", iisconfig.CodePathNotFound},
		{"dot segment", m.WebConfig("Default Web Site", "/a/../b"), "", "", "", iisconfig.CodePathNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := m.Refresh(); err != nil {
				t.Fatal(err)
			}
			s, err := tt.cfg.Section("directoryBrowse", tt.location)
			if tt.wantCode != 0 {
				if code(err) != tt.wantCode {
					t.Fatalf("Section = %v, want code %08x", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetAttr("enabled", true); err != nil {
				t.Fatal(err)
			}
			d, err := m.Diff()
			if err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(dir, tt.file)
			if !strings.Contains(d, "+++ "+want+"\n") || !strings.Contains(d, tt.text) {
				t.Errorf("Diff does not write %s with %s:\n%s", want, tt.text, d)
			}
		})
	}
}

// Options.Drives maps the drive of a physical path, as $APPCMD_DRIVE_<L>
// does for the CLI; nested collections reach the root virtual directory.
func TestDrives(t *testing.T) {
	m, path := open(t)
	dir := filepath.Dir(path)
	sites, err := m.Sites()
	if err != nil {
		t.Fatal(err)
	}
	apps, err := sites[0].Element.Collection()
	if err != nil {
		t.Fatal(err)
	}
	root, err := apps.Find(map[string]any{"path": "/"})
	if err != nil || root == nil {
		t.Fatalf("root application: %v, %v", root, err)
	}
	vdirs, err := root.Collection()
	if err != nil {
		t.Fatal(err)
	}
	vdir, err := vdirs.Find(map[string]any{"path": "/"})
	if err != nil || vdir == nil {
		t.Fatalf("root virtual directory: %v, %v", vdir, err)
	}
	if err := vdir.SetAttr("physicalPath", `D:\content`); err != nil {
		t.Fatal(err)
	}
	if err := m.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	drive := filepath.Join(dir, "d")
	os.MkdirAll(filepath.Join(drive, "content"), 0o755)
	m2, err := iisconfig.Open(iisconfig.Options{AppHostPath: path, Drives: map[string]string{"d:": drive}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m2.WebConfig("Default Web Site", "/").Section("directoryBrowse", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAttr("enabled", true); err != nil {
		t.Fatal(err)
	}
	if err := m2.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(drive, "content", "web.config")); err != nil {
		t.Errorf("web.config not written in the mapped drive: %v", err)
	}
}

// Machine and RootWeb write machine.config and the root web.config, whose
// settings every level below inherits.
func TestMachineAndRootWeb(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	if _, err := iisconfig.CreateDefault(path); err != nil {
		t.Fatal(err)
	}
	mc, rw := filepath.Join(dir, "net", "machine.config"), filepath.Join(dir, "net", "web.config")
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path, MachineConfigPath: mc, RootWebConfigPath: rw})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s, err := m.Machine().Section("system.web/compilation", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAttr("debug", true); err != nil {
		t.Fatal(err)
	}
	s, err = m.RootWeb().Section("system.web/compilation", "Default Web Site")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAttr("targetFramework", "4.8"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Machine().Section("system.webServer/webSocket", ""); code(err) != iisconfig.CodeInvalidArg {
		t.Errorf("webSocket in machine.config: %v, want an undeclared section", err)
	}
	if err := m.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{mc: `<compilation debug="true" />`, rw: `<location path="Default Web Site">`} {
		b, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v\n%s", file, err, b)
		}
	}
	site, err := m.WebConfig("Default Web Site", "/").Section("compilation", "")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]any{"debug": true, "targetFramework": "4.8"} {
		if got, err := site.Attr(name); err != nil || got != want {
			t.Errorf("site %s = %v (%v), want %v", name, got, err, want)
		}
	}
}
