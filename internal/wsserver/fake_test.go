package wsserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeConfig is a tiny stand-in for applicationHost.config + web.config: a
// list of sites and per-path rules, loadable from a JSON file so reload
// tests change a real file and let the watcher notice.
type fakeConfig struct {
	Sites []Site       `json:"sites"`
	Rules []fakeRule   `json:"rules"`
	Lazy  []string     `json:"lazy,omitempty"` // files added to Files() once WebSocket is called
	Fail  string       `json:"fail,omitempty"` // loader error
	Extra []fakeErrors `json:"errors,omitempty"`
}

// fakeRule sets attributes for a site at a URL path prefix (segment-wise,
// case-insensitive), deeper prefixes override shallower ones.
type fakeRule struct {
	Site    string         `json:"site"`
	Path    string         `json:"path"`
	Enabled *bool          `json:"enabled,omitempty"`
	Ping    *time.Duration `json:"ping,omitempty"`
	Limit   *int64         `json:"limit,omitempty"`
	Module  *bool          `json:"module,omitempty"` // false: WebSocketModule removed from modules
	Origin  string         `json:"origin"`           // "file:line"
}

// fakeErrors makes WebSocket return a *ConfigError under a path.
type fakeErrors struct {
	Site string      `json:"site"`
	Path string      `json:"path"`
	Err  ConfigError `json:"err"`
}

type fakeSnap struct {
	cfg   fakeConfig
	files []string
	mu    sync.Mutex
	lazy  bool
	calls int
}

func (f *fakeSnap) Sites() []Site { return f.cfg.Sites }

func (f *fakeSnap) Files() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string(nil), f.files...)
	if f.lazy {
		out = append(out, f.cfg.Lazy...)
	}
	return out
}

func under(path, prefix string) bool {
	p, pre := strings.ToLower(path), strings.ToLower(strings.TrimSuffix(prefix, "/"))
	return pre == "" || p == pre || strings.HasPrefix(p, pre+"/")
}

func (f *fakeSnap) WebSocket(site, path string) (Settings, error) {
	f.mu.Lock()
	f.lazy = true
	f.calls++
	f.mu.Unlock()
	found := false
	for _, s := range f.cfg.Sites {
		if s.Name == site {
			found = true
		}
	}
	if !found {
		return Settings{}, fmt.Errorf("no site %q", site)
	}
	for _, e := range f.cfg.Extra {
		if e.Site == site && under(path, e.Path) {
			ce := e.Err
			return Settings{}, fmt.Errorf("loading web.config: %w", &ce)
		}
	}
	s := Settings{
		Enabled: true, ReceiveBufferLimit: 4194304,
		ConfigPath: "MACHINE/WEBROOT/APPHOST/" + site + strings.TrimSuffix(path, "/"),
		App:        "/", VDir: "/", PhysicalPath: "/srv/" + site + path,
		Origins: map[string]string{"enabled": "schema default", "pingInterval": "schema default", "receiveBufferLimit": "schema default"},
		Module:  Module{Registered: true, RegisteredAt: "fake:1", Enabled: true, EnabledAt: "fake:2"},
	}
	rules := append([]fakeRule(nil), f.cfg.Rules...)
	sort.SliceStable(rules, func(i, j int) bool { return len(rules[i].Path) < len(rules[j].Path) })
	for _, r := range rules {
		if r.Site != site || !under(path, r.Path) {
			continue
		}
		if r.Enabled != nil {
			s.Enabled = *r.Enabled
			s.Origins["enabled"] = r.Origin
		}
		if r.Ping != nil {
			s.PingInterval = *r.Ping
			s.Origins["pingInterval"] = r.Origin
		}
		if r.Module != nil {
			s.Module.Enabled, s.Module.EnabledAt = *r.Module, r.Origin
		}
		if r.Limit != nil {
			s.ReceiveBufferLimit = *r.Limit
			s.Origins["receiveBufferLimit"] = r.Origin
		}
	}
	return s, nil
}

func bptr(b bool) *bool                   { return &b }
func dptr(d time.Duration) *time.Duration { return &d }
func iptr(i int64) *int64                 { return &i }
func httpB(ip string, port int, host string) Binding {
	return Binding{Protocol: "http", IP: ip, Port: port, Host: host}
}

// fileLoader loads a fakeConfig from a JSON file (and reports the file).
func fileLoader(path string) Loader {
	return func() (Snapshot, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var cfg fakeConfig
		if err := json.Unmarshal(b, &cfg); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if cfg.Fail != "" {
			return nil, errors.New(cfg.Fail)
		}
		return &fakeSnap{cfg: cfg, files: []string{path}}, nil
	}
}

func staticLoader(cfg fakeConfig) Loader {
	return func() (Snapshot, error) { return &fakeSnap{cfg: cfg}, nil }
}

func writeConfig(t testing.TB, path string, cfg fakeConfig) {
	t.Helper()
	b, err := json.MarshalIndent(cfg, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a concurrency-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLog waits until the log contains substr.
func (s *syncBuffer) waitFor(t testing.TB, substr string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(s.String(), substr) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("log does not contain %q within %v:\n%s", substr, d, s.String())
}

// testServer is a started server on 127.0.0.1:0 (unless opts.Listen says
// otherwise) with its log.
type testServer struct {
	*Server
	log  *syncBuffer
	addr string
}

// newServer starts a server on 127.0.0.1:0 (unless opts.Listen is "-": the
// bindings' own addresses) that logs into a buffer unless opts.Log is set.
// The caller shuts it down.
func newServer(t testing.TB, loader Loader, opts Options) (*Server, *syncBuffer) {
	t.Helper()
	lb := &syncBuffer{}
	if opts.Log == nil {
		opts.Log = lb
	}
	if opts.Listen == "-" {
		opts.Listen = ""
	} else if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = -1
	}
	s, err := New(loader, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, lb
}

// startServer is newServer, shut down when the test ends.
func startServer(t testing.TB, loader Loader, opts Options) *testServer {
	t.Helper()
	s, lb := newServer(t, loader, opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		if testing.Verbose() {
			t.Logf("server log:\n%s", lb.String())
		}
	})
	ts := &testServer{Server: s, log: lb}
	if a := s.Addrs(); len(a) > 0 {
		ts.addr = a[0].String()
	}
	return ts
}

// dial connects with gorilla's client; host overrides the Host header.
func dial(t testing.TB, addr, host, path string, hdr map[string]string) (*websocket.Conn, error) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	if host != "" {
		d.NetDial = func(network, _ string) (net.Conn, error) { return net.Dial(network, addr) }
	} else {
		host = addr
	}
	h := map[string][]string{}
	for k, v := range hdr {
		h[k] = []string{v}
	}
	c, resp, err := d.Dial("ws://"+host+path, h)
	if err != nil {
		if resp != nil {
			b, _ := io.ReadAll(resp.Body)
			return nil, fmt.Errorf("%w (status %d, body %.200q)", err, resp.StatusCode, b)
		}
		return nil, err
	}
	t.Cleanup(func() { c.Close() })
	return c, nil
}

func mustDial(t testing.TB, addr, path string) *websocket.Conn {
	t.Helper()
	c, err := dial(t, addr, "", path, nil)
	if err != nil {
		t.Fatalf("dial %s%s: %v", addr, path, err)
	}
	return c
}

// readClose reads until the connection fails and returns the close code
// received (or -1 when none).
func readClose(t testing.TB, c *websocket.Conn, d time.Duration) int {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	for {
		_, _, err := c.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return -1
		}
	}
}

// defaultConfig: two sites, various per-path settings.
func defaultConfig() fakeConfig {
	return fakeConfig{
		Sites: []Site{
			{Name: "Default Web Site", ID: 1, Bindings: []Binding{httpB("*", 80, "")}},
			{Name: "Off Site", ID: 2, Bindings: []Binding{httpB("*", 80, "off.test")}},
			{Name: "Ping Site", ID: 3, Bindings: []Binding{httpB("*", 80, "ping.test")}},
		},
		Rules: []fakeRule{
			{Site: "Default Web Site", Path: "/off", Enabled: bptr(false), Origin: `C:\inetpub\wwwroot\off\web.config:3`},
			{Site: "Default Web Site", Path: "/off/on", Enabled: bptr(true), Origin: `C:\inetpub\wwwroot\off\on\web.config:4`},
			{Site: "Default Web Site", Path: "/ping", Ping: dptr(150 * time.Millisecond), Origin: "applicationHost.config:120"},
			{Site: "Default Web Site", Path: "/limit", Limit: iptr(4096), Origin: "applicationHost.config:130"},
			{Site: "Off Site", Path: "/", Enabled: bptr(false), Origin: "applicationHost.config:140"},
			{Site: "Ping Site", Path: "/", Ping: dptr(200 * time.Millisecond), Origin: "applicationHost.config:150"},
		},
		Extra: []fakeErrors{{Site: "Default Web Site", Path: "/broken", Err: ConfigError{
			File: `C:\inetpub\wwwroot\broken\web.config`, Line: 4,
			Description: "This configuration section cannot be used at this path. This happens when the section is locked at a parent level.",
		}}},
	}
}

func TestFakeSnapshot(t *testing.T) {
	s := &fakeSnap{cfg: defaultConfig()}
	got, err := s.WebSocket("Default Web Site", "/off/on/x")
	if err != nil || !got.Enabled || got.Origins["enabled"] != `C:\inetpub\wwwroot\off\on\web.config:4` {
		t.Fatalf("got %+v %v", got, err)
	}
	got, _ = s.WebSocket("Default Web Site", "/OFF/x")
	if got.Enabled {
		t.Fatalf("case-insensitive prefix: %+v", got)
	}
	got, _ = s.WebSocket("Default Web Site", "/offline")
	if !got.Enabled {
		t.Fatalf("segment prefix: %+v", got)
	}
	_, err = s.WebSocket("Default Web Site", "/broken/a")
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line != 4 {
		t.Fatalf("err = %v", err)
	}
}

func writeBytes(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }
func rename(from, to string) error           { return os.Rename(from, to) }
func mkdirWrite(path, s string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
