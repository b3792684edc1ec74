package wsserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fatih/color"
	"github.com/gorilla/websocket"
)

func TestRoutePrecedence(t *testing.T) {
	ip1 := "192.0.2.1"
	sites := []Site{
		{Name: "any", ID: 1, Bindings: []Binding{httpB("*", 80, "")}},
		{Name: "ipbound", ID: 2, Bindings: []Binding{httpB(ip1, 80, "")}},
		{Name: "www", ID: 3, Bindings: []Binding{httpB("*", 80, "www.x.com")}},
		{Name: "wild", ID: 4, Bindings: []Binding{httpB("*", 80, "*.x.com")}},
		{Name: "wilder", ID: 5, Bindings: []Binding{httpB("*", 80, "*.a.x.com")}},
		{Name: "ip+host", ID: 6, Bindings: []Binding{httpB(ip1, 80, "both.x.com")}},
		{Name: "any+host", ID: 7, Bindings: []Binding{httpB("*", 80, "both.x.com")}},
		{Name: "p8080", ID: 8, Bindings: []Binding{httpB("*", 8080, "only8080.test")}},
		{Name: "dup", ID: 9, Bindings: []Binding{httpB("*", 80, "www.x.com")}}, // same as "www": first site wins
		{Name: "v6", ID: 10, Bindings: []Binding{httpB("[::1]", 80, "")}},
		{Name: "tls", ID: 11, Bindings: []Binding{{Protocol: "https", IP: "*", Port: 443, Host: ""}}},
	}
	rt, skipped, err := buildRoutes(sites, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0].site != "tls" {
		t.Fatalf("skipped = %+v", skipped)
	}
	cases := []struct {
		port int
		ip   string
		host string
		want string
	}{
		{80, "127.0.0.1", "", "any"},                  // weak wildcard
		{80, "127.0.0.1", "unknown.test", "any"},      // host-less binding takes any host
		{80, ip1, "", "ipbound"},                      // IP-bound weak wildcard beats *
		{80, ip1, "unknown.test", "ipbound"},          //
		{80, ip1, "www.x.com", "www"},                 // explicit host beats IP-bound
		{80, "127.0.0.1", "WWW.X.Com", "www"},         // case-insensitive
		{80, "127.0.0.1", "b.x.com", "wild"},          // wildcard host beats host-less
		{80, "127.0.0.1", "c.b.x.com", "wild"},        // several labels (A11)
		{80, "127.0.0.1", "x.com", "any"},             // *.x.com does not match x.com
		{80, "127.0.0.1", "b.a.x.com", "wilder"},      // longer wildcard suffix wins
		{80, ip1, "both.x.com", "ip+host"},            // specific IP + host beats * + host
		{80, "127.0.0.1", "both.x.com", "any+host"},   // IP mismatch excludes ip+host
		{8080, "127.0.0.1", "only8080.test", "p8080"}, //
		{8080, "127.0.0.1", "www.x.com", ""},          // no binding on 8080 for that host: 400
		{81, "127.0.0.1", "", ""},                     // no binding on that port
		{80, "::1", "", "v6"},                         // IPv6 IP-bound
		{80, "::ffff:192.0.2.1", "", "ipbound"},       // v4-mapped local address
		{443, "127.0.0.1", "", ""},                    // https not served
		{80, "127.0.0.1", "www.x.com.", "any"},        // trailing dot is not stripped
		{80, "127.0.0.1", "dup-check.x.com", "wild"},  //
		{80, "127.0.0.1", "www.x.com", "www"},         // tie: first site
		{80, "198.51.100.7", "only8080.test", "any"},  //
		{80, ip1, "b.x.com", "wild"},                  // wildcard host beats IP-bound weak
		{80, "127.0.0.1", "WILD.A.X.COM", "wilder"},   //
		{8080, "127.0.0.1", "ONLY8080.TEST", "p8080"}, //
		{80, "127.0.0.1", "a.x.com", "wild"},          // "*.a.x.com" needs a label before a.x.com
		{80, "::1", "www.x.com", "www"},               // host beats IPv6 IP-bound
		{80, "::1", "b.a.x.com", "wilder"},            //
		{80, "2001:db8::1", "", "any"},                //
		{80, "2001:db8::1", "both.x.com", "any+host"}, //
		{80, "192.0.2.1", "BOTH.x.com", "ip+host"},    //
		{80, "127.0.0.1", "other.com", "any"},         //
		{80, "127.0.0.1", "x.com.evil", "any"},        //
		{80, "127.0.0.1", "evilx.com", "any"},         // suffix must start at a label boundary
		{80, "127.0.0.1", "a..x.com", "any"},          // empty label does not count
	}
	for _, c := range cases {
		e := rt.route(c.port, normIP(net.ParseIP(c.ip)), requestHost(c.host))
		got := ""
		if e != nil {
			got = e.site
		}
		if got != c.want {
			t.Errorf("route(%d, %s, %q) = %q, want %q", c.port, c.ip, c.host, got, c.want)
		}
	}
	// Override: addresses and ports ignored, hosts still route.
	ro, _, _ := buildRoutes(sites, nil, true)
	for _, c := range []struct{ host, want string }{
		{"", "any"}, {"www.x.com", "www"}, {"b.x.com", "wild"}, {"only8080.test", "p8080"}, {"both.x.com", "ip+host"},
	} {
		e := ro.route(12345, net.ParseIP("127.0.0.1"), c.host)
		if e == nil || e.site != c.want {
			t.Errorf("override route(%q) = %v, want %q", c.host, e, c.want)
		}
	}
	if got := requestHost("[::1]:8080"); got != "::1" {
		t.Errorf("requestHost = %q", got)
	}
	if got := requestHost("Example.COM:80"); got != "example.com" {
		t.Errorf("requestHost = %q", got)
	}
}

func TestSiteSelection(t *testing.T) {
	sites := defaultConfig().Sites
	rt, _, err := buildRoutes(sites, []string{"ping site", "Default Web Site"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rt.sites(), ","); got != "Default Web Site,Ping Site" {
		t.Fatalf("sites = %s", got)
	}
	if _, _, err := buildRoutes(sites, []string{"nope"}, true); err == nil || !strings.Contains(err.Error(), `"nope" not found`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := New(staticLoader(defaultConfig()), Options{Sites: []string{"nope"}}); err == nil {
		t.Fatal("New accepted an unknown site")
	}
}

func TestListenerPlan(t *testing.T) {
	sites := []Site{
		{Name: "a", Bindings: []Binding{httpB("*", 80, ""), httpB("127.0.0.1", 80, "x"), httpB("127.0.0.1", 81, ""), httpB("127.0.0.2", 81, "h")}},
		{Name: "b", Bindings: []Binding{httpB("127.0.0.1", 81, "y"), httpB("[::1]", 82, ""), {Protocol: "https", IP: "*", Port: 443}}},
	}
	rt, _, _ := buildRoutes(sites, nil, false)
	for _, all := range []bool{true, false} {
		var keys []string
		for _, sp := range rt.listenerPlan("", all) {
			keys = append(keys, sp.key+"="+sp.addr)
		}
		want := "*:80=:80 127.0.0.1:81=127.0.0.1:81 127.0.0.2:81=127.0.0.2:81 [::1]:82=[::1]:82"
		if !all {
			// "*" on loopback only (issue 16).
			want = "*:80=127.0.0.1:80 127.0.0.1:81=127.0.0.1:81 127.0.0.2:81=127.0.0.2:81 [::1]:82=[::1]:82"
		}
		if got := strings.Join(keys, " "); got != want {
			t.Fatalf("all=%v: plan = %s\nwant   %s", all, got, want)
		}
	}
	if p := rt.listenerPlan("127.0.0.1:0", false); len(p) != 1 || p[0].addr != "127.0.0.1:0" {
		t.Fatalf("override plan = %+v", p)
	}
}

func get(t testing.TB, addr, host, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
	if host != "" {
		req.Host = host
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestInvalidHostname(t *testing.T) {
	cfg := fakeConfig{Sites: []Site{{Name: "only", ID: 1, Bindings: []Binding{httpB("*", 80, "only.test")}}}}
	ts := startServer(t, staticLoader(cfg), Options{})
	resp, body := get(t, ts.addr, "other.test", "/", nil)
	if resp.StatusCode != 400 || !strings.Contains(body, "Bad Request - Invalid Hostname") {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	// An upgrade request gets the same answer.
	if _, err := dial(t, ts.addr, "other.test", "/", nil); err == nil || !strings.Contains(err.Error(), "status 400") {
		t.Fatalf("dial err = %v", err)
	}
	resp, _ = get(t, ts.addr, "ONLY.test:8080", "/", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("matching host: status %d", resp.StatusCode)
	}
}

func Test50019(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	resp, body := get(t, ts.addr, "", "/broken/page.aspx", nil)
	if resp.StatusCode != 500 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{"500.19", `C:\inetpub\wwwroot\broken\web.config`, "Config Line</th><td>4", "This configuration section cannot be used at this path"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	resp, body = get(t, ts.addr, "", "/broken", map[string]string{"Accept": "application/json"})
	var j struct {
		Status, SubStatus int
		Error             ConfigError
	}
	if err := json.Unmarshal([]byte(body), &j); err != nil || resp.StatusCode != 500 || j.SubStatus != 19 || j.Error.Line != 4 {
		t.Fatalf("json %d %q %v", resp.StatusCode, body, err)
	}
	if _, err := dial(t, ts.addr, "", "/broken/x", nil); err == nil || !strings.Contains(err.Error(), "status 500") {
		t.Fatalf("dial err = %v", err)
	}
	ts.log.waitFor(t, "500.19", time.Second)
	// Sibling paths are fine.
	mustDial(t, ts.addr, "/brokenness")
}

func TestEnabledPerSiteAndPath(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	for _, c := range []struct {
		host, path string
		ok         bool
	}{
		{"", "/", true},
		{"", "/app/x", true},
		{"", "/off", false},
		{"", "/OFF/deeper", false},
		{"", "/off/on", true},
		{"", "/off/on/x", true},
		{"", "/offline", true},
		{"off.test", "/", false},
		{"off.test", "/any", false},
		{"ping.test", "/", true},
	} {
		_, err := dial(t, ts.addr, c.host, c.path, nil)
		if c.ok && err != nil {
			t.Errorf("%s%s: %v", c.host, c.path, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), "status 200")) {
			t.Errorf("%s%s: want a normal 200 answer, got %v", c.host, c.path, err)
		}
	}
	ts.log.waitFor(t, "enabled=false from "+`C:\inetpub\wwwroot\off\web.config:3`, time.Second)
}

// TestModuleNotLoaded: where WebSocketModule does not run, an upgrade
// request is a normal request even with enabled=true, and the log says why.
func TestModuleNotLoaded(t *testing.T) {
	cfg := defaultConfig()
	cfg.Rules = append(cfg.Rules, fakeRule{Site: "Default Web Site", Path: "/nomod", Module: bptr(false), Origin: "web.config:5 (remove)"})
	ts := startServer(t, staticLoader(cfg), Options{})
	if _, err := dial(t, ts.addr, "", "/nomod/x", nil); err == nil || !strings.Contains(err.Error(), "status 200") {
		t.Errorf("/nomod/x: want a normal 200 answer, got %v", err)
	}
	mustDial(t, ts.addr, "/nomodule")
	ts.log.waitFor(t, "WebSocketModule is not in the effective system.webServer/modules (web.config:5 (remove))", time.Second)
}

func TestInvalidHandshakeIsNormalRequest(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	base := map[string]string{"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
	for name, mod := range map[string]func(h map[string]string){
		"no key":          func(h map[string]string) { delete(h, "Sec-WebSocket-Key") },
		"short key":       func(h map[string]string) { h["Sec-WebSocket-Key"] = "c2hvcnQ=" },
		"not base64 key":  func(h map[string]string) { h["Sec-WebSocket-Key"] = "!!!!!!!!!!!!!!!!!!!!!!!!" },
		"version 8":       func(h map[string]string) { h["Sec-WebSocket-Version"] = "8" },
		"no version":      func(h map[string]string) { delete(h, "Sec-WebSocket-Version") },
		"no upgrade":      func(h map[string]string) { delete(h, "Upgrade") },
		"upgrade h2c":     func(h map[string]string) { h["Upgrade"] = "h2c" },
		"conn keep-alive": func(h map[string]string) { h["Connection"] = "keep-alive" },
	} {
		h := map[string]string{}
		for k, v := range base {
			h[k] = v
		}
		mod(h)
		resp, body := get(t, ts.addr, "", "/", h)
		if resp.StatusCode != 200 || !strings.Contains(body, `id="result"`) {
			t.Errorf("%s: status %d, want the test page", name, resp.StatusCode)
		}
	}
	// Connection: keep-alive, Upgrade (token list) is valid.
	rc := rawDial(t, ts.addr, "", "/", "Connection: keep-alive, upgrade")
	if rc.resp.StatusCode != 101 {
		t.Fatalf("token list: status %d", rc.resp.StatusCode)
	}
	// POST with upgrade headers: a normal request, 405 like a static handler.
	req, _ := http.NewRequest("POST", "http://"+ts.addr+"/", strings.NewReader("x"))
	for k, v := range base {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("POST: status %d", resp.StatusCode)
	}
}

func TestPageAndJSON(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	resp, body := get(t, ts.addr, "", "/ping/a", nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`id="result"`, `"configPath":"MACHINE/WEBROOT/APPHOST/Default Web Site/ping/a"`, `"pingInterval":"00:00:00.1500000"`, `"pingIntervalMs":150`, `applicationHost.config:120`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, settingsMarker) {
		t.Error("marker not replaced")
	}
	resp, body = get(t, ts.addr, "", "/limit/x", map[string]string{"Accept": "text/html;q=0.5, application/json"})
	var j map[string]any
	if err := json.Unmarshal([]byte(body), &j); err != nil {
		t.Fatalf("json: %v %q", err, body)
	}
	want := map[string]any{
		"site": "Default Web Site", "path": "/limit/x", "configPath": "MACHINE/WEBROOT/APPHOST/Default Web Site/limit/x",
		"enabled": true, "pingInterval": "00:00:00", "pingIntervalMs": 0.0, "receiveBufferLimit": 4096.0,
	}
	for k, v := range want {
		if j[k] != v {
			t.Errorf("json %s = %v, want %v", k, j[k], v)
		}
	}
	if o, _ := j["origins"].(map[string]any); o["receiveBufferLimit"] != "applicationHost.config:130" || o["enabled"] != "schema default" {
		t.Errorf("origins = %v", j["origins"])
	}
	// Path canonicalisation: /limit/../ping resolves under /ping.
	_, body = get(t, ts.addr, "", "/x/../ping/./y", map[string]string{"Accept": "application/json"})
	if !strings.Contains(body, `"path": "/ping/y"`) {
		t.Errorf("canonical path: %s", body)
	}
}

// pongCounter reads from c and records when Pongs (or Pings) arrive.
type ctrlRecorder struct {
	mu    sync.Mutex
	pongs []time.Time
	pings []time.Time
	msgs  int
}

func recordControl(c *websocket.Conn) (*ctrlRecorder, chan error) {
	r := &ctrlRecorder{}
	c.SetPongHandler(func(string) error {
		r.mu.Lock()
		r.pongs = append(r.pongs, time.Now())
		r.mu.Unlock()
		return nil
	})
	c.SetPingHandler(func(string) error {
		r.mu.Lock()
		r.pings = append(r.pings, time.Now())
		r.mu.Unlock()
		return nil // don't answer
	})
	done := make(chan error, 1)
	go func() {
		for {
			_, _, err := c.ReadMessage()
			if err != nil {
				done <- err
				return
			}
			r.mu.Lock()
			r.msgs++
			r.mu.Unlock()
		}
	}()
	return r, done
}

// checkIntervals checks keepalive arrival times. The server's timer
// starts at the upgrade, somewhere between opened (before the dial) and
// dialed (after it): on a loaded machine the handshake alone can take
// longer than an interval, so the first gap is measured from whichever
// end gives the benefit of the doubt.
func checkIntervals(t *testing.T, opened, dialed time.Time, at []time.Time, interval time.Duration, min int) {
	t.Helper()
	if len(at) < min {
		t.Fatalf("got %d keepalives, want >= %d", len(at), min)
	}
	prev := opened
	for i, a := range at {
		// Generous tolerance: -40%/+100% of the interval per gap.
		// most and least are the gap's bounds; they differ only for the
		// first keepalive, whose start is known within the dial.
		most, least := a.Sub(prev), a.Sub(prev)
		if i == 0 {
			least = a.Sub(dialed)
		}
		if most < interval*6/10 || least > interval*2 {
			t.Errorf("keepalive %d came %v (%v after the dial) after the previous one, interval %v", i, most, least, interval)
		}
		prev = a
	}
}

func TestKeepalivePongs(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	opened := time.Now()
	c := mustDial(t, ts.addr, "/ping")
	dialed := time.Now()
	r, _ := recordControl(c)
	// Traffic does not change the cadence.
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				c.WriteMessage(websocket.TextMessage, []byte("hi"))
			}
		}
	}()
	time.Sleep(1000 * time.Millisecond)
	close(stop)
	<-stopped
	r.mu.Lock()
	pongs, pings, msgs := append([]time.Time(nil), r.pongs...), len(r.pings), r.msgs
	r.mu.Unlock()
	checkIntervals(t, opened, dialed, pongs, 150*time.Millisecond, 4)
	if len(pongs) > 8 || pings != 0 || msgs == 0 {
		t.Fatalf("pongs=%d pings=%d msgs=%d", len(pongs), pings, msgs)
	}
	// No keepalives where pingInterval is 0.
	c0 := mustDial(t, ts.addr, "/")
	r0, _ := recordControl(c0)
	time.Sleep(300 * time.Millisecond)
	r0.mu.Lock()
	if len(r0.pongs)+len(r0.pings) != 0 {
		t.Fatalf("keepalives on a pingInterval=0 connection")
	}
	r0.mu.Unlock()
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""))
	ts.log.waitFor(t, "keepalives=", 2*time.Second)
}

func TestKeepalivePingOption(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{PingOpcode: PingOpcodePing})
	opened := time.Now()
	c, err := dial(t, ts.addr, "ping.test", "/", nil)
	if err != nil {
		t.Fatal(err)
	}
	dialed := time.Now()
	r, _ := recordControl(c)
	time.Sleep(900 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	checkIntervals(t, opened, dialed, r.pings, 200*time.Millisecond, 3)
	if len(r.pongs) != 0 {
		t.Fatalf("pongs = %d", len(r.pongs))
	}
}

func TestKeepaliveNotice(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	c := mustDial(t, ts.addr, "/ping?notify=keepalive")
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, msg, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var n struct {
		AppcmdKeepalive struct {
			Frame       string
			Seq         int
			SinceOpenMs int64
		}
	}
	if err := json.Unmarshal(msg, &n); err != nil || n.AppcmdKeepalive.Frame != "pong" || n.AppcmdKeepalive.Seq != 1 || n.AppcmdKeepalive.SinceOpenMs < 100 {
		t.Fatalf("notice %q: %+v %v", msg, n, err)
	}
}

func TestReceiveBufferLimit(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	// Exactly at the limit: echoed.
	c := mustDial(t, ts.addr, "/limit")
	msg := bytes.Repeat([]byte("a"), 4096)
	c.WriteMessage(websocket.TextMessage, msg)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, got, err := c.ReadMessage(); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("at limit: %v len %d", err, len(got))
	}
	// One byte above: 1009.
	c.WriteMessage(websocket.BinaryMessage, append(msg, 'b'))
	if code := readClose(t, c, 5*time.Second); code != 1009 {
		t.Fatalf("over limit: close %d, want 1009", code)
	}
	ts.log.waitFor(t, "close=1009(server)", 2*time.Second)
	// Fragmented: the running total counts (2048 + 2049).
	rc := rawDial(t, ts.addr, "", "/limit")
	rc.send(t, frame(false, 0, opBin, true, make([]byte, 2048)), frame(true, 0, opCont, true, make([]byte, 2049)))
	if code := rc.expectClose(t); code != 1009 {
		t.Fatalf("fragmented over limit: close %d", code)
	}
	// The huge frame header alone triggers 1009, before the payload is sent,
	// and the close handshake still completes (the server skips the payload
	// it never read).
	rc = rawDial(t, ts.addr, "", "/limit")
	hdr := frame(true, 0, opBin, true, nil)
	hdr[1] = 0x80 | 127
	hdr = append(hdr[:2], append(make([]byte, 8), hdr[2:]...)...)
	hdr[2+5] = 0x10 // 1 MiB announced
	rc.send(t, hdr[:14], make([]byte, 1000))
	f, err := rc.readFrame(5 * time.Second)
	if err != nil || f.opcode != opClose || f.closeCode() != 1009 || len(f.payload) != 2 {
		t.Fatalf("got %v %v, want close 1009 with empty reason", f, err)
	}
	// Default limit (4 MiB) elsewhere: 1 MiB passes.
	c2 := mustDial(t, ts.addr, "/")
	big := bytes.Repeat([]byte{7}, 1<<20)
	c2.WriteMessage(websocket.BinaryMessage, big)
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if mt, got, err := c2.ReadMessage(); err != nil || mt != websocket.BinaryMessage || !bytes.Equal(got, big) {
		t.Fatalf("1 MiB: %v", err)
	}
}

func TestLimitCloseHandshakeAfterUnreadPayload(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	rc := rawDial(t, ts.addr, "", "/limit")
	rc.send(t, frame(true, 0, opBin, true, make([]byte, 5000)))
	start := time.Now()
	if code := rc.expectClose(t); code != 1009 {
		t.Fatalf("close %d", code)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("close handshake took %v (server did not notice our Close after the unread payload)", el)
	}
}

func TestInvalidUTF8(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	c := mustDial(t, ts.addr, "/")
	valid := "ok \xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 \xf0\x9d\x84\x9e"
	c.WriteMessage(websocket.TextMessage, []byte(valid))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, got, err := c.ReadMessage(); err != nil || string(got) != valid {
		t.Fatalf("valid text: %q %v", got, err)
	}
	c.WriteMessage(websocket.TextMessage, []byte("bad \xff here"))
	if code := readClose(t, c, 5*time.Second); code != 1007 {
		t.Fatalf("close %d, want 1007", code)
	}
	ts.log.waitFor(t, "close=1007(server)", 2*time.Second)

	// A valid sequence split across fragments is fine; binary is not checked.
	rc := rawDial(t, ts.addr, "", "/")
	rc.send(t, frame(false, 0, opText, true, []byte("a\xce")), frame(true, 0, opCont, true, []byte("\xbab")))
	f, err := rc.readFrame(5 * time.Second)
	if err != nil || f.opcode != opText || string(f.payload) != "aκb" || !f.fin {
		t.Fatalf("split sequence: %v %q %v", f, f.payload, err)
	}
	rc.send(t, frame(true, 0, opBin, true, []byte{0xff, 0xfe}))
	if f, err := rc.readFrame(5 * time.Second); err != nil || f.opcode != opBin {
		t.Fatalf("binary: %v %v", f, err)
	}
	// Fail fast: invalid bytes in the first fragment close with 1007 before
	// the message is complete.
	rc.send(t, frame(false, 0, opText, true, []byte("ab\xc0\xafcd")))
	if code := rc.expectClose(t); code != 1007 {
		t.Fatalf("fail-fast close %d", code)
	}
	// A message ending inside a sequence.
	rc = rawDial(t, ts.addr, "", "/")
	rc.send(t, frame(true, 0, opText, true, []byte("abc\xe2\x82")))
	if code := rc.expectClose(t); code != 1007 {
		t.Fatalf("truncated sequence: close %d", code)
	}
}

func TestProtocolErrors(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	for name, frames := range map[string][][]byte{
		"reserved opcode 3":       {frame(true, 0, 3, true, []byte("x"))},
		"reserved opcode 0xB":     {frame(true, 0, 0xB, true, nil)},
		"RSV1 without extension":  {frame(true, 4, opText, true, []byte("x"))},
		"RSV2":                    {frame(true, 2, opText, true, []byte("x"))},
		"unmasked client frame":   {frame(true, 0, opText, false, []byte("x"))},
		"fragmented ping":         {frame(false, 0, opPing, true, []byte("x"))},
		"control frame > 125":     {frame(true, 0, opPing, true, make([]byte, 126))},
		"continuation first":      {frame(true, 0, opCont, true, []byte("x"))},
		"new message in fragment": {frame(false, 0, opText, true, []byte("a")), frame(true, 0, opText, true, []byte("b"))},
		"close code 999":          {frame(true, 0, opClose, true, closePayload(999, ""))},
		"close code 1005":         {frame(true, 0, opClose, true, closePayload(1005, ""))},
	} {
		t.Run(name, func(t *testing.T) {
			rc := rawDial(t, ts.addr, "", "/")
			rc.send(t, frames...)
			if code := rc.expectClose(t); code != 1002 {
				t.Fatalf("close %d, want 1002", code)
			}
		})
	}
	ts.log.waitFor(t, "close=1002(server)", 2*time.Second)
}

func TestFragmentsAndControlFrames(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	rc := rawDial(t, ts.addr, "", "/")
	rc.send(t,
		frame(false, 0, opText, true, []byte("Hel")),
		frame(true, 0, opPing, true, []byte("p1")), // control frame inside a fragmented message
		frame(false, 0, opCont, true, []byte("lo, ")),
		frame(true, 0, opPong, true, []byte("ignored")),
		frame(true, 0, opCont, true, []byte("world")),
	)
	f, err := rc.readFrame(5 * time.Second)
	if err != nil || f.opcode != opPong || string(f.payload) != "p1" {
		t.Fatalf("want pong p1, got %v %q %v", f, f.payload, err)
	}
	f, err = rc.readFrame(5 * time.Second)
	if err != nil || f.opcode != opText || !f.fin || string(f.payload) != "Hello, world" || f.masked || f.rsv != 0 {
		t.Fatalf("want one text frame \"Hello, world\", got %v %q %v", f, f.payload, err)
	}
	// Binary, empty message, then a client close with a code and reason.
	rc.send(t, frame(true, 0, opBin, true, []byte{1, 2, 3}), frame(true, 0, opText, true, nil))
	if f, _ := rc.readFrame(5 * time.Second); f.opcode != opBin || !bytes.Equal(f.payload, []byte{1, 2, 3}) {
		t.Fatalf("binary echo: %v", f)
	}
	if f, _ := rc.readFrame(5 * time.Second); f.opcode != opText || len(f.payload) != 0 {
		t.Fatalf("empty echo: %v", f)
	}
	rc.send(t, frame(true, 0, opClose, true, closePayload(4000, "bye")))
	f, err = rc.readFrame(5 * time.Second)
	if err != nil || f.opcode != opClose || f.closeCode() != 4000 {
		t.Fatalf("close echo: %v %v", f, err)
	}
	// The server closes TCP right after echoing the Close.
	rc.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := rc.br.ReadByte(); err != io.EOF {
		t.Fatalf("want EOF, got %v", err)
	}
	ts.log.waitFor(t, "close=4000(client)", 2*time.Second)
	ts.log.waitFor(t, "in=3 out=3", time.Second)
}

func TestNoExtensionsNoOriginCheck(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	rc := rawDial(t, ts.addr, "", "/",
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
		"Origin: http://evil.example")
	if rc.resp.StatusCode != 101 {
		t.Fatalf("status %d", rc.resp.StatusCode)
	}
	if v := rc.resp.Header.Values("Sec-WebSocket-Extensions"); len(v) != 0 {
		t.Fatalf("extensions answered: %v", v)
	}
	if v := rc.resp.Header.Values("Sec-WebSocket-Protocol"); len(v) != 0 {
		t.Fatalf("subprotocol answered: %v", v)
	}
	d := websocket.Dialer{EnableCompression: true}
	c, resp, err := d.Dial("ws://"+ts.addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if resp.Header.Get("Sec-WebSocket-Extensions") != "" {
		t.Fatal("compression negotiated")
	}
}

func TestSubprotocol(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	for offer, want := range map[string]string{
		"echo":         "echo",
		"chat, echo":   "echo",
		"chat":         "",
		"ECHO":         "",
		"echo.v2":      "",
		"superchat,x1": "",
	} {
		rc := rawDial(t, ts.addr, "", "/", "Sec-WebSocket-Protocol: "+offer)
		if rc.resp.StatusCode != 101 {
			t.Fatalf("%s: status %d", offer, rc.resp.StatusCode)
		}
		if got := rc.resp.Header.Get("Sec-WebSocket-Protocol"); got != want {
			t.Errorf("offer %q: got %q, want %q", offer, got, want)
		}
	}
}

func TestReloadKeepsOpenConnections(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	cfg := defaultConfig()
	writeConfig(t, cfgPath, cfg)
	ts := startServer(t, fileLoader(cfgPath), Options{PollInterval: 50 * time.Millisecond})
	old := mustDial(t, ts.addr, "/limit")

	// Raise the limit to 8192 and add pings; the watcher notices.
	for i := range cfg.Rules {
		if cfg.Rules[i].Path == "/limit" {
			cfg.Rules[i].Limit = iptr(8192)
			cfg.Rules[i].Origin = "applicationHost.config:131"
		}
	}
	time.Sleep(20 * time.Millisecond)
	writeConfig(t, cfgPath, cfg)
	ts.log.waitFor(t, "reloaded configuration (changed: "+cfgPath, 3*time.Second)

	msg := bytes.Repeat([]byte("z"), 5000)
	fresh := mustDial(t, ts.addr, "/limit")
	fresh.WriteMessage(websocket.BinaryMessage, msg)
	fresh.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, got, err := fresh.ReadMessage(); err != nil || len(got) != 5000 {
		t.Fatalf("new connection, new limit: %v", err)
	}
	old.WriteMessage(websocket.BinaryMessage, msg)
	if code := readClose(t, old, 5*time.Second); code != 1009 {
		t.Fatalf("old connection kept limit 4096? close %d", code)
	}
	ts.log.waitFor(t, "receiveBufferLimit=4096(applicationHost.config:130)", 2*time.Second)

	// A broken file: reload fails, old (second) config stays.
	time.Sleep(20 * time.Millisecond)
	if err := writeFile(cfgPath, "{not json"); err != nil {
		t.Fatal(err)
	}
	ts.log.waitFor(t, "failed, keeping the previous configuration", 3*time.Second)
	_, body := get(t, ts.addr, "", "/limit", map[string]string{"Accept": "application/json"})
	if !strings.Contains(body, `"receiveBufferLimit": 8192`) {
		t.Fatalf("after failed reload: %s", body)
	}
	if err := ts.Reload(); err == nil {
		t.Fatal("Reload of a broken file succeeded")
	}
	// Loader error (not a parse error) also keeps the config.
	bad := cfg
	bad.Fail = "applicationHost.config:12: malformed XML"
	writeConfig(t, cfgPath, bad)
	ts.log.waitFor(t, "malformed XML", 3*time.Second)
	mustDial(t, ts.addr, "/")
	// Fix it: reloads again.
	cfg.Rules = append(cfg.Rules, fakeRule{Site: "Default Web Site", Path: "/new", Enabled: bptr(false), Origin: "web.config:1"})
	writeConfig(t, cfgPath, cfg)
	deadline := time.Now().Add(3 * time.Second)
	for {
		if _, err := dial(t, ts.addr, "", "/new", nil); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("fixed config not picked up")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReloadSelectedSiteRemoved(t *testing.T) {
	var mu sync.Mutex
	cfg := defaultConfig()
	loader := func() (Snapshot, error) {
		mu.Lock()
		defer mu.Unlock()
		return &fakeSnap{cfg: cfg}, nil
	}
	ts := startServer(t, loader, Options{Sites: []string{"ping site"}})
	if _, err := dial(t, ts.addr, "ping.test", "/", nil); err != nil {
		t.Fatal(err)
	}
	// Only the selected site is served: other hosts get 400.
	if resp, _ := get(t, ts.addr, "", "/", nil); resp.StatusCode != 400 {
		t.Fatalf("unselected site answered %d", resp.StatusCode)
	}
	mu.Lock()
	cfg.Sites = cfg.Sites[:2]
	mu.Unlock()
	if err := ts.Reload(); err == nil || !strings.Contains(err.Error(), `site "ping site" not found`) {
		t.Fatalf("Reload = %v", err)
	}
	ts.log.waitFor(t, "keeping the previous configuration", time.Second)
	if _, err := dial(t, ts.addr, "ping.test", "/", nil); err != nil {
		t.Fatal(err)
	}
	// No http binding left: also a failed reload.
	mu.Lock()
	cfg = defaultConfig()
	cfg.Sites[2].Bindings = []Binding{{Protocol: "https", IP: "*", Port: 443}}
	mu.Unlock()
	if err := ts.Reload(); err == nil || !strings.Contains(err.Error(), "no http bindings") {
		t.Fatalf("Reload = %v", err)
	}
}

func writeFile(path, s string) error {
	tmp := path + ".tmp"
	if err := writeBytes(tmp, []byte(s)); err != nil {
		return err
	}
	return rename(tmp, path)
}

func TestReloadLazyFiles(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	lazy := filepath.Join(dir, "app", "web.config")
	cfg := defaultConfig()
	cfg.Lazy = []string{lazy}
	writeConfig(t, cfgPath, cfg)
	ts := startServer(t, fileLoader(cfgPath), Options{PollInterval: 50 * time.Millisecond})
	time.Sleep(120 * time.Millisecond)
	get(t, ts.addr, "", "/app", nil) // probes the (missing) web.config
	time.Sleep(120 * time.Millisecond)
	if strings.Contains(ts.log.String(), "reloaded") {
		t.Fatalf("spurious reload:\n%s", ts.log.String())
	}
	if err := mkdirWrite(lazy, "<configuration/>"); err != nil {
		t.Fatal(err)
	}
	ts.log.waitFor(t, "reloaded configuration (changed: "+lazy, 3*time.Second)
}

func TestListenersFollowBindings(t *testing.T) {
	p1, p2 := freePort(t), freePort(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	cfg := fakeConfig{Sites: []Site{{Name: "A", ID: 1, Bindings: []Binding{
		httpB("127.0.0.1", p1, ""),
		{Protocol: "https", IP: "*", Port: 443, Host: ""},
	}}}}
	writeConfig(t, cfgPath, cfg)
	ts := startServer(t, fileLoader(cfgPath), Options{Listen: "-", PollInterval: 50 * time.Millisecond})
	ts.log.waitFor(t, "skipping https binding *:443: of site A", time.Second)
	a1 := "127.0.0.1:" + strconv.Itoa(p1)
	a2 := "127.0.0.1:" + strconv.Itoa(p2)
	if got := addrs(ts.Server); got != a1 {
		t.Fatalf("addrs = %s", got)
	}
	c1 := mustDial(t, a1, "/")

	// Add a binding: a new listener, the old one untouched.
	cfg.Sites[0].Bindings = append(cfg.Sites[0].Bindings, httpB("127.0.0.1", p2, "b.test"))
	writeConfig(t, cfgPath, cfg)
	ts.log.waitFor(t, "listeners +1 -0", 3*time.Second)
	if got, want := addrs(ts.Server), strings.Join(sorted(a1, a2), " "); got != want {
		t.Fatalf("addrs = %s", got)
	}
	if _, err := dial(t, a2, "b.test", "/", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := dial(t, a2, "other.test", "/", nil); err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("host routing on new listener: %v", err)
	}
	echo(t, c1, "still here")

	// Remove the first binding: its listener closes, its open WebSocket stays.
	cfg.Sites[0].Bindings = cfg.Sites[0].Bindings[1:]
	writeConfig(t, cfgPath, cfg)
	ts.log.waitFor(t, "listeners +0 -1", 3*time.Second)
	if got := addrs(ts.Server); got != a2 {
		t.Fatalf("addrs = %s", got)
	}
	if c, err := net.DialTimeout("tcp", a1, time.Second); err == nil {
		c.Close()
		t.Fatal("removed listener still accepts")
	}
	echo(t, c1, "open connections survive listener removal")

	// A binding that cannot be bound: reload fails, nothing changes.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg.Sites[0].Bindings = append(cfg.Sites[0].Bindings, httpB("127.0.0.1", busy.Addr().(*net.TCPAddr).Port, ""))
	writeConfig(t, cfgPath, cfg)
	ts.log.waitFor(t, "address already in use", 3*time.Second)
	if got := addrs(ts.Server); got != a2 {
		t.Fatalf("addrs after failed bind = %s", got)
	}
}

func addrs(s *Server) string {
	var out []string
	for _, a := range s.Addrs() {
		out = append(out, a.String())
	}
	return strings.Join(sorted(out...), " ")
}

func sorted(s ...string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func echo(t testing.TB, c *websocket.Conn, s string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, got, err := c.ReadMessage()
	if err != nil || string(got) != s {
		t.Fatalf("echo %q: %q %v", s, got, err)
	}
}

func TestShutdownSends1001(t *testing.T) {
	s, err := New(staticLoader(defaultConfig()), Options{Listen: "127.0.0.1:0", PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	lb := &syncBuffer{}
	s.log = newLogger(lb, false)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	addr := s.Addrs()[0].String()
	var codes [3]atomic.Int64
	var wg sync.WaitGroup
	for i := range codes {
		c := mustDial(t, addr, "/ping")
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i].Store(int64(readClose(t, c, 10*time.Second)))
		}(i)
	}
	// One raw client that never answers the Close.
	rc := rawDial(t, addr, "", "/")
	for s.OpenConnections() < 4 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Shutdown(ctx)
	el := time.Since(start)
	wg.Wait()
	for i := range codes {
		if c := codes[i].Load(); c != 1001 {
			t.Errorf("client %d: close %d, want 1001", i, c)
		}
	}
	f, ferr := rc.readFrame(time.Second)
	if ferr != nil || f.opcode != opClose || f.closeCode() != 1001 {
		t.Errorf("raw client: %v %v", f, ferr)
	}
	if !errors.Is(err, context.DeadlineExceeded) || el > 2*time.Second {
		t.Errorf("Shutdown = %v after %v; want deadline exceeded (raw client never answered) within ~0.7 s", err, el)
	}
	if n := s.OpenConnections(); n != 0 {
		t.Errorf("%d connections left", n)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("listener still open")
	}
	if got := strings.Count(lb.String(), "close=1001(server)"); got != 4 {
		t.Errorf("log has %d close=1001 lines:\n%s", got, lb.String())
	}
	select {
	case <-s.Done():
	default:
		t.Error("Done not closed")
	}
	// Idempotent.
	if err := s.Shutdown(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second Shutdown = %v", err)
	}
}

func TestShutdownByContext(t *testing.T) {
	s, err := New(staticLoader(defaultConfig()), Options{Listen: "127.0.0.1:0", PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c := mustDial(t, s.Addrs()[0].String(), "/")
	cancel()
	if code := readClose(t, c, 5*time.Second); code != 1001 {
		t.Fatalf("close %d", code)
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not shut down")
	}
	if err := s.Start(context.Background()); err == nil {
		t.Fatal("second Start succeeded")
	}
}

func TestPingFromClientAnswered(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	c := mustDial(t, ts.addr, "/")
	got := make(chan string, 1)
	c.SetPongHandler(func(s string) error { got <- s; return nil })
	go c.ReadMessage()
	c.WriteControl(websocket.PingMessage, []byte("are you there"), time.Now().Add(time.Second))
	select {
	case s := <-got:
		if s != "are you there" {
			t.Fatalf("pong payload %q", s)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no pong")
	}
}

func TestConnectionLogLine(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	c := mustDial(t, ts.addr, "/ping/x")
	echo(t, c, "one")
	echo(t, c, "two")
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""))
	readClose(t, c, 2*time.Second)
	ts.log.waitFor(t, "ws close", 2*time.Second)
	var line string
	for _, l := range strings.Split(ts.log.String(), "\n") {
		if strings.Contains(l, "ws close") {
			line = l
		}
	}
	for _, want := range []string{
		`site="Default Web Site"`, "path=/ping/x", `config="MACHINE/WEBROOT/APPHOST/Default Web Site/ping/x"`,
		`enabled=true("schema default")`, "pingInterval=00:00:00.1500000(applicationHost.config:120)",
		`receiveBufferLimit=4194304("schema default")`, "close=1000(client)", "duration=", "in=2", "out=2", "keepalives=",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %s:\n%s", want, line)
		}
	}
	if strings.Contains(line, "\x1b[") {
		t.Error("colour without Options.Color")
	}
}

func TestColor(t *testing.T) {
	before := color.NoColor
	var b bytes.Buffer
	l := newLogger(&b, true)
	l.warnf("x")
	if !strings.Contains(b.String(), "\x1b[") {
		t.Fatalf("no colour: %q", b.String())
	}
	if color.NoColor != before {
		t.Fatal("global color.NoColor changed")
	}
}

func TestFormatTimeSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                 "00:00:00",
		10 * time.Second:                  "00:00:10",
		time.Minute + 30*time.Second:      "00:01:30",
		25*time.Hour + time.Second:        "1.01:00:01",
		150 * time.Millisecond:            "00:00:00.1500000",
		time.Second + 100*time.Nanosecond: "00:00:01.0000001",
	} {
		if got := formatTimeSpan(d); got != want {
			t.Errorf("formatTimeSpan(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestCanonicalPath(t *testing.T) {
	for _, tc := range []struct{ in, raw, want, bad string }{
		{in: "", want: "/"},
		{in: "/", want: "/"},
		{in: "/a/b", want: "/a/b"},
		{in: "/a/./b", want: "/a/b"},
		{in: "/a/../b", want: "/b"},
		{in: "/../../x", want: "/x"},
		{in: "/a/b/..", want: "/a/"},
		{in: "/a/.", want: "/a/"},
		{in: "/a//b/", want: "/a//b/"},
		{in: "/.well/x", want: "/.well/x"},
		{in: "/a/..b/c", want: "/a/..b/c"},
		{in: "relative/x", want: "/relative/x"},
		{in: "/a\\b\\..\\c", raw: "/a\\b\\..\\c", want: "/a/c"},
		{in: "/caf\u00e9/\u4e2d", want: "/caf\u00e9/\u4e2d"},
		{in: "/" + strings.Repeat("a/", 254) + "b", want: "/" + strings.Repeat("a/", 254) + "b"},
		{in: "/" + strings.Repeat("\u00e9", 260), want: "/" + strings.Repeat("\u00e9", 260)},
		// Refused with 400 (HTTP.sys defaults).
		{in: "/a\x00b", raw: "/a%00b", bad: "control character"},
		{in: "/a\r\nb", raw: "/a%0D%0Ab", bad: "control character"},
		{in: "/\x1b[31m", raw: "/%1B[31m", bad: "control character"},
		{in: "/\x07", raw: "/%07", bad: "control character"},
		{in: "/\x7f", raw: "/%7F", bad: "control character"},
		{in: "/\u0085", raw: "/%C2%85", bad: "control character"},
		{in: "/a\\b", raw: "/a%5Cb", bad: "escaped backslash"},
		{in: "/a\\b", raw: "/a%5cb", bad: "escaped backslash"},
		{in: "/\xc0\xae\xc0\xae/x", raw: "/%C0%AE%C0%AE/x", bad: "not valid UTF-8"},
		{in: "/\xff", raw: "/%FF", bad: "not valid UTF-8"},
		{in: "/a\uffff", raw: "/a%EF%BF%BF", bad: "noncharacter"},
		{in: "/\ufffe", raw: "/%EF%BF%BE", bad: "noncharacter"},
		{in: "/" + strings.Repeat("a/", 255) + "b", bad: "more than 255 segments"},
		{in: "/" + strings.Repeat("a", 261), bad: "a segment longer than 260 characters"},
	} {
		got, bad := canonicalPath(tc.in, tc.raw)
		if got != tc.want || bad != tc.bad {
			t.Errorf("canonicalPath(%q, %q) = %q, %q; want %q, %q", tc.in, tc.raw, got, bad, tc.want, tc.bad)
		}
	}
}

func TestUTF8Chunks(t *testing.T) {
	msg := []byte("añ€𝄞z")
	// Every split of a valid message into two reads passes; the invalid one fails.
	for i := 0; i <= len(msg); i++ {
		r := &chunkReader{chunks: [][]byte{msg[:i], msg[i:]}}
		bp, err := readMessage(websocket.TextMessage, r)
		if err != nil || !bytes.Equal(*bp, msg) {
			t.Fatalf("split %d: %v", i, err)
		}
	}
	for _, bad := range [][]byte{[]byte("a\xff"), []byte("\xed\xa0\x80"), []byte("\xf4\x90\x80\x80"), []byte("ab\xe2\x82"), []byte("\xc0\xaf")} {
		for i := 0; i <= len(bad); i++ {
			r := &chunkReader{chunks: [][]byte{bad[:i], bad[i:]}}
			if _, err := readMessage(websocket.TextMessage, r); !errors.Is(err, errInvalidUTF8) {
				t.Fatalf("%q split %d: err %v", bad, i, err)
			}
		}
	}
	if _, err := readMessage(websocket.BinaryMessage, &chunkReader{chunks: [][]byte{{0xff}}}); err != nil {
		t.Fatal(err)
	}
}

type chunkReader struct{ chunks [][]byte }

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.chunks) > 0 && len(r.chunks[0]) == 0 {
		r.chunks = r.chunks[1:]
	}
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	r.chunks[0] = r.chunks[0][n:]
	return n, nil
}

func TestFrameTracker(t *testing.T) {
	stream := bytes.Join([][]byte{
		frame(true, 0, opText, true, []byte("hello")),
		frame(true, 0, opBin, true, make([]byte, 300)),
		frame(true, 0, opBin, true, make([]byte, 70000)),
		frame(true, 0, opPing, true, []byte("p")),
	}, nil)
	closing := frame(true, 0, opClose, true, closePayload(1000, "bye"))
	for _, step := range []int{1, 3, 7, 64, 1 << 20} {
		var ft frameTracker
		for i := 0; i < len(stream); i += step {
			if ft.feed(stream[i:min(i+step, len(stream))]) {
				t.Fatalf("step %d: close seen too early", step)
			}
		}
		seen := false
		for i := 0; i < len(closing); i += step {
			seen = ft.feed(closing[i:min(i+step, len(closing))])
			if seen && i+step < len(closing) {
				t.Fatalf("step %d: close seen before its payload", step)
			}
		}
		if !seen {
			t.Fatalf("step %d: close not seen", step)
		}
	}
	var ft frameTracker
	if !ft.feed(frame(true, 0, opClose, true, nil)) {
		t.Fatal("empty close not seen")
	}
}
