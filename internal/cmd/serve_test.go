package cmd

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/testenv"
	"github.com/appcmd-project/appcmd/internal/wsserver"
)

// The serve adapter against real files; testdata/script/serve_*.txtar run
// the whole command with real clients.

const serveTestAppHost = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <configSections>
        <sectionGroup name="system.applicationHost">
            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
        </sectionGroup>
        <sectionGroup name="system.webServer">
            <section name="webSocket" overrideModeDefault="Deny" />
        </sectionGroup>
    </configSections>
    <system.applicationHost>
        <sites>
            <site name="Default Web Site" id="1">
                <application path="/">
                    <virtualDirectory path="/" physicalPath="site" />
                    <virtualDirectory path="/media" physicalPath="media" />
                </application>
                <application path="/app">
                    <virtualDirectory path="/" physicalPath="app" />
                </application>
                <application path="/locked">
                    <virtualDirectory path="/" physicalPath="locked" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="*:8080:" />
                    <binding protocol="http" bindingInformation="*:bad:" />
                    <binding protocol="net.tcp" bindingInformation="808:*" />
                </bindings>
            </site>
            <site name="Other" id="7">
                <application path="/">
                    <virtualDirectory path="/" physicalPath="other" />
                </application>
                <bindings>
                    <binding protocol="http" bindingInformation="127.0.0.1:8081:other.test" />
                </bindings>
            </site>
        </sites>
    </system.applicationHost>
    <location path="Default Web Site/app" overrideMode="Allow">
        <system.webServer>
            <webSocket pingInterval="00:00:05" />
        </system.webServer>
    </location>
    <location path="Nowhere">
        <system.webServer>
            <webSocket enabled="false" />
        </system.webServer>
    </location>
</configuration>
`

const serveTestAppWebConfig = `<configuration>
  <system.webServer>
    <webSocket enabled="false"
               receiveBufferLimit="8192" />
  </system.webServer>
</configuration>
`

func writeServeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	testenv.WriteTree(t, dir, files)
	return dir
}

func serveTestFiles() map[string]string {
	return map[string]string{
		"applicationHost.config": serveTestAppHost,
		"app/web.config":         serveTestAppWebConfig,
		"locked/web.config":      "<configuration>\n<system.webServer>\n<webSocket enabled=\"false\" />\n</system.webServer>\n</configuration>\n",
	}
}

func loadServeTest(t *testing.T, dir string) *serveSnapshot {
	t.Helper()
	snap, err := serveLoader(configstore.Options{AppHostPath: filepath.Join(dir, "applicationHost.config"), Env: func(string) (string, bool) { return "", false }})()
	if err != nil {
		t.Fatal(err)
	}
	return snap.(*serveSnapshot)
}

func TestServeSnapshotSettings(t *testing.T) {
	dir := writeServeFiles(t, serveTestFiles())
	s := loadServeTest(t, dir)
	apphost := filepath.Join(dir, "applicationHost.config")
	appWeb := filepath.Join(dir, "app", "web.config")

	got, err := s.WebSocket("Default Web Site", "/app/chat")
	if err != nil {
		t.Fatal(err)
	}
	want := wsserver.Settings{
		Enabled: false, PingInterval: 5 * time.Second, ReceiveBufferLimit: 8192,
		ConfigPath: "MACHINE/WEBROOT/APPHOST/Default Web Site/app/chat",
		App:        "/app", VDir: "/app", PhysicalPath: filepath.Join(dir, "app", "chat"),
		Origins: map[string]string{"enabled": appWeb + ":3", "pingInterval": apphost + ":42", "receiveBufferLimit": appWeb + ":4"},
	}
	if !settingsEqual(got, want) {
		t.Errorf("/app/chat:\n got %+v\nwant %+v", got, want)
	}

	got, err = s.WebSocket("Default Web Site", "//media///a/")
	if err != nil {
		t.Fatal(err)
	}
	want = wsserver.Settings{
		Enabled: true, ReceiveBufferLimit: 4194304,
		ConfigPath: "MACHINE/WEBROOT/APPHOST/Default Web Site/media/a",
		App:        "/", VDir: "/media", PhysicalPath: filepath.Join(dir, "media", "a"),
		Origins: map[string]string{"enabled": "schema default", "pingInterval": "schema default", "receiveBufferLimit": "schema default"},
	}
	if !settingsEqual(got, want) {
		t.Errorf("//media///a/:\n got %+v\nwant %+v", got, want)
	}

	// A locked web.config: the 500.19 error with file and line, also
	// below it; the rest of the site is unaffected.
	for _, p := range []string{"/locked", "/locked/x/y"} {
		_, err = s.WebSocket("Default Web Site", p)
		var ce *wsserver.ConfigError
		if !errors.As(err, &ce) || ce.File != filepath.Join(dir, "locked", "web.config") || ce.Line != 3 ||
			!strings.HasPrefix(ce.Description, "This configuration section cannot be used at this path.") {
			t.Errorf("%s: got %v, want a ConfigError at locked/web.config:3", p, err)
		}
	}
	if _, err := s.WebSocket("Other", "/"); err != nil {
		t.Errorf("Other: %v", err)
	}

	sites := s.Sites()
	if len(sites) != 2 || sites[0].Name != "Default Web Site" || sites[1].ID != 7 {
		t.Fatalf("sites: %+v", sites)
	}
	wantB := []wsserver.Binding{
		{Protocol: "http", IP: "*", Port: 8080},
		{Protocol: "http", IP: "*", Port: -1}, // invalid: wsserver skips it
		{Protocol: "net.tcp"},
	}
	if len(sites[0].Bindings) != 3 {
		t.Fatalf("bindings: %+v", sites[0].Bindings)
	}
	for i, b := range wantB {
		if sites[0].Bindings[i] != b {
			t.Errorf("binding %d = %+v, want %+v", i, sites[0].Bindings[i], b)
		}
	}

	files := strings.Join(s.Files(), "\n")
	for _, f := range []string{apphost, appWeb, filepath.Join(dir, "site", "web.config"), filepath.Join(dir, "locked", "web.config")} {
		if !strings.Contains(files, f) {
			t.Errorf("Files() lacks %s:\n%s", f, files)
		}
	}
}

func settingsEqual(a, b wsserver.Settings) bool {
	if a.Enabled != b.Enabled || a.PingInterval != b.PingInterval || a.ReceiveBufferLimit != b.ReceiveBufferLimit ||
		a.ConfigPath != b.ConfigPath || a.App != b.App || a.VDir != b.VDir || a.PhysicalPath != b.PhysicalPath || len(a.Origins) != len(b.Origins) {
		return false
	}
	for k, v := range b.Origins {
		if a.Origins[k] != v {
			return false
		}
	}
	return true
}

// TestServeSnapshotConcurrent runs lookups and Files from many goroutines
// (go test -race checks the store's mutex) and compares with a sequential
// pass over a fresh snapshot.
func TestServeSnapshotConcurrent(t *testing.T) {
	dir := writeServeFiles(t, serveTestFiles())
	paths := []string{"/", "/app", "/app/x", "/media/a", "/locked", "/a/b/c", "/app/d/e"}
	ref := loadServeTest(t, dir)
	want := map[string]string{}
	for _, p := range paths {
		set, err := ref.WebSocket("Default Web Site", p)
		want[p] = describeServe(set, err)
	}
	s := loadServeTest(t, dir)
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				p := paths[(g+i)%len(paths)]
				set, err := s.WebSocket("Default Web Site", p)
				if d := describeServe(set, err); d != want[p] {
					select {
					case errs <- p + ": " + d + " != " + want[p]:
					default:
					}
				}
				if i%10 == 0 {
					s.Files()
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func describeServe(set wsserver.Settings, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return set.ConfigPath + " " + set.Origins["enabled"] + " " + set.PingInterval.String()
}

// TestServeSnapshotLoadErrors: errors in applicationHost.config (or the
// schema) fail the load, so a reload keeps the previous snapshot; errors in
// a web.config, even at a site root, stay per-request 500.19.
func TestServeSnapshotLoadErrors(t *testing.T) {
	files := serveTestFiles()
	files["site/web.config"] = "<configuration><system.webServer><webSocket enabled=\"true\" /></system.webServer></configuration>"
	dir := writeServeFiles(t, files)
	s := loadServeTest(t, dir)
	var ce *wsserver.ConfigError
	if _, err := s.WebSocket("Default Web Site", "/"); !errors.As(err, &ce) || ce.Line != 1 {
		t.Errorf("site root with a locked web.config: %v", err)
	}

	for name, body := range map[string]string{
		"invalid value in a location": strings.Replace(serveTestAppHost, `pingInterval="00:00:05"`, `pingInterval="soon"`, 1),
		"unknown attribute":           strings.Replace(serveTestAppHost, `<webSocket enabled="false" />`, `<webSocket enabled="false" /></system.webServer></location><location path="Other"><system.webServer><webSocket colour="red" />`, 1),
		"not well-formed":             strings.Replace(serveTestAppHost, "<sites>", "<sites", 1),
		"no declaration":              strings.Replace(serveTestAppHost, `<section name="webSocket" overrideModeDefault="Deny" />`, "", 1),
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeServeFiles(t, map[string]string{"applicationHost.config": body})
			_, err := serveLoader(configstore.Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})()
			if err == nil {
				t.Fatal("load succeeded")
			}
			var cfe *configstore.ConfigFileError
			var use *configstore.UnknownSectionError
			if !errors.As(err, &cfe) && !errors.As(err, &use) {
				t.Errorf("error %T %v, want a configstore error for describe()", err, err)
			}
		})
	}
}

func TestServeConfigPath(t *testing.T) {
	for in, want := range map[string]string{
		"/":          "MACHINE/WEBROOT/APPHOST/S",
		"":           "MACHINE/WEBROOT/APPHOST/S",
		"/a/b/":      "MACHINE/WEBROOT/APPHOST/S/a/b",
		"//a//b":     "MACHINE/WEBROOT/APPHOST/S/a/b",
		"/A/page.js": "MACHINE/WEBROOT/APPHOST/S/A/page.js",
	} {
		cp, err := serveConfigPath("S", in)
		if err != nil || cp.String() != want {
			t.Errorf("serveConfigPath(%q) = %v, %v; want %s", in, cp, err, want)
		}
	}
}

func TestServeListenLines(t *testing.T) {
	sites := []wsserver.Site{
		{Name: "A", Bindings: []wsserver.Binding{{Protocol: "http", IP: "*", Port: 80}}},
		{Name: "B", Bindings: []wsserver.Binding{{Protocol: "http", IP: "127.0.0.1", Port: 81, Host: "b"}, {Protocol: "https", IP: "*", Port: 80}}},
		{Name: "C", Bindings: []wsserver.Binding{{Protocol: "http", IP: "*", Port: 80, Host: "c"}}},
	}
	addrs := []wsserver.ListenerAddr{
		{Addr: &net.TCPAddr{IP: net.IPv6zero, Port: 80}},
		{Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 81}},
		{Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80}, TLS: true},
	}
	got := serveListenLines(addrs, sites, nil, false)
	want := []string{"Listening on http://[::]:80 (A, C)", "Listening on http://127.0.0.1:81 (B)", "Listening on https://127.0.0.1:80 (B)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bindings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got = serveListenLines(addrs[1:2], sites, []string{"C", "B"}, true)
	if want := "Listening on http://127.0.0.1:81 (B, C)"; len(got) != 1 || got[0] != want {
		t.Errorf("override: %q, want %q", got, want)
	}
}

func TestServeSelectSites(t *testing.T) {
	sites := []wsserver.Site{{Name: "Default Web Site"}, {Name: "Other"}}
	got, err := selectServeSites(sites, []string{"other", "DEFAULT web site", "Other"})
	if err != nil || strings.Join(got, "|") != "Other|Default Web Site" {
		t.Errorf("got %q, %v", got, err)
	}
	_, err = selectServeSites(sites, []string{"Nope"})
	if d := describe(err); d.code != exitObjNotFound || d.text != `ERROR ( message:Cannot find SITE object with identifier "Nope". )` {
		t.Errorf("unknown site: %d %s", d.code, d.text)
	}
}

// TestServeCorpus loads every applicationHost.config of the shared corpus
// and resolves each site root: only a missing webSocket declaration may
// stop a load.
func TestServeCorpus(t *testing.T) {
	files := testenv.CorpusFiles(t, filepath.Join("..", "..", "..", "shared", "corpus"), "apphost", "apphost-full")
	for _, f := range files {
		snap, err := serveLoader(configstore.Options{AppHostPath: f, Env: func(string) (string, bool) { return "", false }})()
		var use *configstore.UnknownSectionError
		if errors.As(err, &use) {
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, site := range snap.Sites() {
			if _, err := snap.WebSocket(site.Name, "/"); err != nil {
				t.Errorf("%s: site %s: %v", filepath.Base(f), site.Name, err)
			}
		}
	}
}

// TestServeRun runs the command in process: address file, a JSON answer
// with origins, and -exitafter closing an open WebSocket with 1001, exit 0.
func TestServeRun(t *testing.T) {
	dir := writeServeFiles(t, serveTestFiles())
	addrFile := filepath.Join(dir, "addr.txt")
	ios, _, stdout, stderr := testStreams()
	env := func(k string) (string, bool) {
		switch k {
		case envAppHost:
			return filepath.Join(dir, "applicationHost.config"), true
		case "APPCMD_RUNTIME_DIR":
			return filepath.Join(dir, "rt"), true // not the user's own
		}
		return "", false
	}
	done := make(chan int)
	go func() {
		done <- runArgs([]string{"serve", "default web site", "-listen:127.0.0.1:0", "-exitafter:2s", "-addrfile:" + addrFile}, ios, env)
	}()
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == ""; {
		if b, err := os.ReadFile(addrFile); err == nil {
			line := strings.TrimSpace(string(b))
			if !strings.HasPrefix(line, "Listening on http://") || !strings.HasSuffix(line, " (Default Web Site)") {
				t.Fatalf("addr file: %q", line)
			}
			addr = strings.Fields(strings.TrimPrefix(line, "Listening on http://"))[0]
		} else if time.Now().After(deadline) {
			t.Fatal("no address file")
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/app/x", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]any
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	origins, _ := info["origins"].(map[string]any)
	if info["enabled"] != false || origins["enabled"] != filepath.Join(dir, "app", "web.config")+":3" {
		t.Errorf("JSON: %v", info)
	}
	conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _, err = conn.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("open connection at -exitafter: %v, want close 1001", err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d\n%s", code, stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not exit")
	}
	if !strings.HasPrefix(stdout.String(), "Listening on http://"+addr+" (Default Web Site)") {
		t.Errorf("stdout: %q", stdout)
	}
	for _, want := range []string{"-exitafter:2s elapsed, shutting down", "close=1001(server)", "stopped listening on " + addr} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestServeModuleState: the built-in template registers and enables
// WebSocketModule (an IIS with the WebSocket feature), and the module state
// follows globalModules and the effective modules list per URL.
func TestServeModuleState(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(path, configstore.DefaultConfig(path), 0o644); err != nil {
		t.Fatal(err)
	}
	s := loadServeTest(t, dir)
	set, err := s.WebSocket("Default Web Site", "/x")
	if err != nil {
		t.Fatal(err)
	}
	m := set.Module
	if !m.Loaded() || !strings.HasPrefix(m.RegisteredAt, path+":") || !strings.HasPrefix(m.EnabledAt, path+":") {
		t.Errorf("template: module %+v, want loaded with origins in %s", m, path)
	}
	for _, c := range []struct {
		modules, global string
		loaded          bool
		reason          string
	}{
		{`<add name="WebSocketModule" />`, `<add name="WebSocketModule" image="x.dll" />`, true, ""},
		{`<add name="WebSocketModule" /><remove name="WebSocketModule" />`, `<add name="WebSocketModule" image="x.dll" />`, false, "(remove)"},
		{`<add name="WebSocketModule" /><clear />`, `<add name="WebSocketModule" image="x.dll" />`, false, "(clear)"},
		{`<add name="Other" />`, `<add name="WebSocketModule" image="x.dll" />`, false, "never added"},
		{`<add name="WebSocketModule" />`, `<add name="Other" image="x.dll" />`, false, "not registered"},
		{`<add name="websocketmodule" />`, `<add name="WebSocketModule" image="x.dll" />`, false, "never added"}, // names are case-sensitive
	} {
		cfg := strings.Replace(serveModuleAppHost, "MODULES", c.modules, 1)
		cfg = strings.Replace(cfg, "GLOBAL", c.global, 1)
		d := writeServeFiles(t, map[string]string{"applicationHost.config": cfg})
		set, err := loadServeTest(t, d).WebSocket("S", "/")
		if err != nil {
			t.Fatal(err)
		}
		if set.Module.Loaded() != c.loaded || !strings.Contains(set.Module.Reason(), c.reason) {
			t.Errorf("modules %s, global %s: %+v (reason %q), want loaded=%v reason ~ %q", c.modules, c.global, set.Module, set.Module.Reason(), c.loaded, c.reason)
		}
	}
}

const serveModuleAppHost = `<configuration>
<configSections>
<sectionGroup name="system.applicationHost"><section name="sites" /></sectionGroup>
<sectionGroup name="system.webServer">
<section name="globalModules" /><section name="modules" /><section name="webSocket" />
</sectionGroup>
</configSections>
<system.applicationHost><sites><site name="S" id="1"><application path="/"><virtualDirectory path="/" physicalPath="." /></application>
<bindings><binding protocol="http" bindingInformation="*:80:" /></bindings></site></sites></system.applicationHost>
<system.webServer><globalModules>GLOBAL</globalModules><modules>MODULES</modules></system.webServer>
</configuration>
`
