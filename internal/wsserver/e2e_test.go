package wsserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// End-to-end tests with independent clients run as subprocesses against the
// server started in-process on 127.0.0.1:0 with defaultConfig:
//
//	Node ws 8.23.0      e2e/node_client.js        (npm ci --prefix wsserver/e2e)
//	python3-websockets  e2e/websockets_client.py  (Debian, /usr/bin/python3)
//	python3-autobahn    e2e/autobahn_client.py    (Debian, with python3-twisted)
//	chromium            the test page's ?autotest (Debian chromium, headless)
//
// A missing client skips its test, unless APPCMD_E2E=1 (CI), which makes it
// a failure.

const e2eEnv = "APPCMD_E2E"

func e2eNeed(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv(e2eEnv) == "1" {
		t.Fatalf("%s (required because %s=1)", what, e2eEnv)
	}
	t.Skipf("skipped: needs %s (set %s=1 to make this a failure)", what, e2eEnv)
}

// debianPython is Debian's interpreter: the Debian packages are not visible
// to another python3 on PATH (e.g. pyenv's).
const debianPython = "/usr/bin/python3"

func pythonHas(modules ...string) bool {
	if _, err := os.Stat(debianPython); err != nil {
		return false
	}
	return exec.Command(debianPython, "-c", "import "+strings.Join(modules, ", ")).Run() == nil
}

// clientResult is what the client scripts print (one object per case).
type clientResult struct {
	Name            string          `json:"name"`
	Opened          bool            `json:"opened"`
	Status          int             `json:"status"`
	Error           string          `json:"error"`
	Protocol        *string         `json:"protocol"`
	Extensions      string          `json:"extensions"`
	Echoed          json.RawMessage `json:"echoed"`
	Mismatch        int             `json:"mismatch"`
	CloseCode       *int            `json:"closeCode"`
	RemoteCloseCode *int            `json:"remoteCloseCode"`
	WasClean        *bool           `json:"wasClean"`
	Pongs           []int           `json:"pongs"`
	Pings           []int           `json:"pings"`
	DurationMs      int             `json:"durationMs"`
}

func (r clientResult) code() int {
	if r.CloseCode == nil {
		return -1
	}
	return *r.CloseCode
}

func (r clientResult) String() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// runClient runs a client script with the cases as one JSON argument.
func runClient(t *testing.T, cases any, name string, args ...string) map[string]clientResult {
	t.Helper()
	js, _ := json.Marshal(cases)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, append(args, string(js))...)
	cmd.Dir = "e2e"
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	t.Logf("%s %s: %v", name, filepath.Base(args[len(args)-1]), time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("%s %v: %v\nstdout: %s\nstderr: %s", name, args, err, out, stderr.String())
	}
	var res []clientResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("client output: %v\n%s\nstderr: %s", err, out, stderr.String())
	}
	m := map[string]clientResult{}
	for _, r := range res {
		m[r.Name] = r
		t.Logf("  %s", r)
	}
	return m
}

func startE2E(t *testing.T) *testServer {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", ts.log.String())
		}
	})
	return ts
}

// checkKeepalives checks keepalive arrival times (ms since open) over a
// window of durMs against the configured interval, with generous tolerance.
func checkKeepalives(t *testing.T, who string, at []int, interval time.Duration, durMs int) {
	t.Helper()
	iv := int(interval.Milliseconds())
	want := durMs / iv
	if len(at) < want-2 || len(at) > want+1 {
		t.Errorf("%s: %d keepalives in %d ms, want about %d (interval %v): %v", who, len(at), durMs, want, interval, at)
		return
	}
	// The server sends on a fixed schedule from the upgrade; the client
	// stamps arrivals from its own open event, and on a loaded machine
	// either side can be late by a scheduling delay. So: no gap over twice
	// the interval, and the mean period within 30% of it (a late
	// keepalive followed by one on time makes one short gap, not a wrong
	// interval).
	prev := 0
	for i, a := range at {
		if d := a - prev; d > iv*2 {
			t.Errorf("%s: keepalive %d after %d ms, interval %d ms: %v", who, i, d, iv, at)
		}
		prev = a
	}
	if n := len(at); n >= 3 {
		if mean := (at[n-1] - at[0]) / (n - 1); mean < iv*7/10 || mean > iv*13/10 {
			t.Errorf("%s: keepalives every %d ms on average, interval %d ms: %v", who, mean, iv, at)
		}
	}
}

func TestE2ENodeWS(t *testing.T) {
	t.Parallel()
	_, err := exec.LookPath("node")
	e2eNeed(t, err == nil, "node (not in PATH)")
	_, err = os.Stat("e2e/node_modules/ws/package.json")
	e2eNeed(t, err == nil, "the npm package ws (run `npm ci --prefix internal/wsserver/e2e`)")
	ts := startE2E(t)
	u := "ws://" + ts.addr
	type c = map[string]any
	r := runClient(t, []c{
		{"name": "echo", "url": u + "/", "op": "echo", "size": 64, "count": 3},
		{"name": "echo16k", "url": u + "/x", "op": "echo", "size": 16384, "count": 2},
		{"name": "refused-path", "url": u + "/off", "op": "echo"},
		{"name": "refused-site", "url": u + "/", "host": "off.test", "op": "echo"},
		{"name": "reenabled-path", "url": u + "/off/on", "op": "echo"},
		{"name": "site-ping", "url": u + "/", "host": "ping.test", "op": "pongs", "duration": 1000},
		{"name": "pongs", "url": u + "/ping", "op": "pongs", "duration": 1000},
		{"name": "no-pongs", "url": u + "/", "op": "pongs", "duration": 400},
		{"name": "at-limit", "url": u + "/limit", "op": "limit", "size": 4096},
		{"name": "over-limit", "url": u + "/limit", "op": "limit", "size": 4097},
		{"name": "proto-echo", "url": u + "/", "protocols": []string{"chat", "echo"}, "op": "echo"},
		{"name": "proto-other", "url": u + "/", "protocols": []string{"chat"}, "op": "echo"},
	}, "node", "node_client.js")

	for _, n := range []string{"echo", "echo16k", "reenabled-path"} {
		x := r[n]
		if !x.Opened || x.Mismatch != 0 || x.code() != 1000 || x.Extensions != "" {
			t.Errorf("%s: %v", n, x)
		}
	}
	if string(r["echo"].Echoed) != "3" || string(r["echo16k"].Echoed) != "2" {
		t.Errorf("echo counts: %s %s", r["echo"].Echoed, r["echo16k"].Echoed)
	}
	for _, n := range []string{"refused-path", "refused-site"} {
		if x := r[n]; x.Opened || x.Status != 200 {
			t.Errorf("%s: want a normal 200 answer, got %v", n, x)
		}
	}
	checkKeepalives(t, "node /ping", r["pongs"].Pongs, 150*time.Millisecond, 1000)
	checkKeepalives(t, "node ping.test", r["site-ping"].Pongs, 200*time.Millisecond, 1000)
	if x := r["no-pongs"]; len(x.Pongs)+len(x.Pings) != 0 || !x.Opened {
		t.Errorf("no-pongs: %v", x)
	}
	if x := r["at-limit"]; string(x.Echoed) != "true" || x.code() != 1000 {
		t.Errorf("at-limit: %v", x)
	}
	if x := r["over-limit"]; string(x.Echoed) != "false" || x.code() != 1009 {
		t.Errorf("over-limit: %v", x)
	}
	if x := r["proto-echo"]; !x.Opened || x.Protocol == nil || *x.Protocol != "echo" {
		t.Errorf("proto-echo: %v", x)
	}
	// ws fails the handshake when it offered subprotocols and got none (as
	// RFC 6455 §4.1 lets a client do); the server selected none.
	if x := r["proto-other"]; x.Opened || !strings.Contains(x.Error, "Server sent no subprotocol") {
		t.Errorf("proto-other: %v", x)
	}
}

func TestE2EPythonWebsockets(t *testing.T) {
	t.Parallel()
	e2eNeed(t, pythonHas("websockets"), "python3-websockets (importable by "+debianPython+")")
	ts := startE2E(t)
	type c = map[string]any
	a := ts.addr
	r := runClient(t, []c{
		{"name": "echo", "addr": a, "path": "/", "op": "echo", "size": 64, "count": 3},
		{"name": "refused-path", "addr": a, "path": "/off/x", "op": "echo"},
		{"name": "refused-site", "addr": a, "host": "off.test", "path": "/", "op": "echo"},
		{"name": "reenabled-path", "addr": a, "path": "/off/on", "op": "echo", "size": 16384, "count": 1},
		{"name": "pongs", "addr": a, "path": "/ping/deep", "op": "pongs", "duration": 1000},
		{"name": "site-ping", "addr": a, "host": "ping.test", "path": "/", "op": "pongs", "duration": 1000},
		{"name": "at-limit", "addr": a, "path": "/limit", "op": "limit", "size": 4096},
		{"name": "over-limit", "addr": a, "path": "/limit", "op": "limit", "size": 4097},
	}, debianPython, "websockets_client.py")
	for _, n := range []string{"echo", "reenabled-path"} {
		if x := r[n]; !x.Opened || x.code() != 1000 || x.Extensions != "" || x.Error != "" {
			t.Errorf("%s: %v", n, x)
		}
	}
	if string(r["echo"].Echoed) != "3" || string(r["reenabled-path"].Echoed) != "1" {
		t.Errorf("echo counts: %s %s", r["echo"].Echoed, r["reenabled-path"].Echoed)
	}
	for _, n := range []string{"refused-path", "refused-site"} {
		if x := r[n]; x.Opened || x.Status != 200 {
			t.Errorf("%s: %v", n, x)
		}
	}
	checkKeepalives(t, "python /ping", r["pongs"].Pongs, 150*time.Millisecond, 1000)
	checkKeepalives(t, "python ping.test", r["site-ping"].Pongs, 200*time.Millisecond, 1000)
	if x := r["at-limit"]; string(x.Echoed) != "true" || x.code() != 1000 {
		t.Errorf("at-limit: %v", x)
	}
	if x := r["over-limit"]; x.code() != 1009 || x.DurationMs > 3000 {
		t.Errorf("over-limit: %v", x)
	}
}

func TestE2EAutobahn(t *testing.T) {
	t.Parallel()
	e2eNeed(t, pythonHas("autobahn.twisted.websocket", "twisted.internet"), "python3-autobahn and python3-twisted (importable by "+debianPython+")")
	ts := startE2E(t)
	u := "ws://" + ts.addr
	type c = map[string]any
	r := runClient(t, []c{
		{"name": "opcode3", "url": u + "/", "op": "opcode3"},
		{"name": "fragping", "url": u + "/", "op": "fragping"},
		{"name": "rsv1", "url": u + "/", "op": "rsv1"},
		{"name": "badutf8", "url": u + "/", "op": "badutf8"},
		{"name": "badutf8frag", "url": u + "/", "op": "badutf8frag"},
		{"name": "at-limit", "url": u + "/limit", "op": "bigframe", "size": 4096},
		{"name": "over-limit", "url": u + "/limit", "op": "bigframe", "size": 5000},
		{"name": "fragments", "url": u + "/", "op": "echo", "size": 1000},
		{"name": "pongs", "url": u + "/ping", "op": "pongs", "duration": 1000},
	}, debianPython, "autobahn_client.py")
	for n, want := range map[string]int{"opcode3": 1002, "fragping": 1002, "rsv1": 1002, "badutf8": 1007, "badutf8frag": 1007, "over-limit": 1009} {
		x := r[n]
		if x.code() != want || x.WasClean == nil || !*x.WasClean || x.DurationMs > 3000 {
			t.Errorf("%s: want a clean close %d, got %v", n, want, x)
		}
	}
	if x := r["at-limit"]; string(x.Echoed) != "true" || x.code() != 1000 {
		t.Errorf("at-limit: %v", x)
	}
	if x := r["fragments"]; string(x.Echoed) != "true" || x.code() != 1000 {
		t.Errorf("fragments: %v", x)
	}
	checkKeepalives(t, "autobahn /ping", r["pongs"].Pongs, 150*time.Millisecond, 1000)
}

func chromiumPath() string {
	if p := os.Getenv("APPCMD_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

var resultRE = regexp.MustCompile(`<span id="result">([^<]*)</span>`)

// chromiumAutotest loads the test page headless and returns #result.
func chromiumAutotest(t *testing.T, bin, url string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(),
		"--virtual-time-budget=30000"}, extra...)
	args = append(args, "--dump-dom", url)
	start := time.Now()
	var out []byte
	var err error
	for try := 1; ; try++ {
		out, err = exec.CommandContext(ctx, bin, args...).Output()
		// A browser crash (seen rarely under heavy CPU load) says nothing
		// about the server: try again, at most twice.
		var ee *exec.ExitError
		crashed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()
		if !crashed || try == 3 || ctx.Err() != nil {
			break
		}
		t.Logf("chromium %s: %v, retrying", url, err)
	}
	if err != nil {
		t.Fatalf("chromium %s: %v", url, err)
	}
	m := resultRE.FindSubmatch(out)
	if m == nil {
		t.Fatalf("chromium %s: no #result in DOM:\n%s", url, out)
	}
	res := html.UnescapeString(string(m[1]))
	t.Logf("chromium %s (%v): %s", url, time.Since(start).Round(time.Millisecond), res)
	return res
}

func TestE2EChromium(t *testing.T) {
	t.Parallel()
	bin := chromiumPath()
	e2eNeed(t, bin != "", "chromium not found")
	ts := startE2E(t)
	base := "http://" + ts.addr
	port := ts.addr[strings.LastIndex(ts.addr, ":")+1:]
	mapHosts := "--host-resolver-rules=MAP *.test 127.0.0.1"

	if got := chromiumAutotest(t, bin, base+"/?autotest=1"); !strings.HasPrefix(got, `PASS echo 3/3 size=64 protocol="" extensions="" close=1000`) {
		t.Errorf("echo: %s", got)
	}
	if got := chromiumAutotest(t, bin, base+"/app/?autotest=1&proto=echo&size=70000&count=2"); !strings.HasPrefix(got, `PASS echo 2/2 size=70000 protocol="echo" extensions=""`) {
		t.Errorf("echo with subprotocol: %s", got)
	}
	if got := chromiumAutotest(t, bin, base+"/off/x?autotest=1"); !strings.HasPrefix(got, "PASS refused enabled=false") {
		t.Errorf("refused path: %s", got)
	}
	if got := chromiumAutotest(t, bin, "http://off.test:"+port+"/?autotest=1", mapHosts); !strings.HasPrefix(got, "PASS refused enabled=false") {
		t.Errorf("refused site: %s", got)
	}
	if got := chromiumAutotest(t, bin, base+"/limit?autotest=limit"); got != "PASS limit at=4096 echoed over=4097 close=1009" {
		t.Errorf("limit: %s", got)
	}
	got := chromiumAutotest(t, bin, "http://ping.test:"+port+"/?autotest=keepalive&n=4", mapHosts)
	var at []int
	if m := regexp.MustCompile(`^PASS keepalive n=4 frame=pong at_ms=([0-9,]+) `).FindStringSubmatch(got); m == nil {
		t.Errorf("keepalive: %s", got)
	} else {
		for _, s := range strings.Split(m[1], ",") {
			var v int
			fmt.Sscan(s, &v)
			at = append(at, v)
		}
		checkKeepalives(t, "chromium ping.test (server clock)", at, 200*time.Millisecond, 800)
	}
}
