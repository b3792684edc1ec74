package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/rogpeppe/go-internal/testscript"
)

// wsCmd is the testscript command "ws" that the serve_*.txtar scripts use
// to drive a running "appcmd serve" with real clients. Subcommands:
//
//	ws waitaddr FILE [VAR]      wait for serve's -addrfile, set $ADDR (or $VAR)
//	                            to the first http listener's host:port and
//	                            $ADDRTLS (${VAR}TLS) to the first https one
//	ws need node|python         mark $WORK/.e2e-<client> when the client is
//	                            installed (scripts then skip on [!exists:...]);
//	                            with APPCMD_E2E=1 a missing client fails instead
//	ws client node|python|go FILE
//	                            run internal/wsserver/e2e's client on the JSON
//	                            cases in FILE ($VARS expanded), or for go the
//	                            in-process gorilla client, which needs nothing
//	                            installed; one result line per case
//	ws get [-host H] [-json] [-wait RE] [-ca CERT.pem] PATH
//	                            HTTP GET http://$ADDR PATH (with -ca: https://$ADDRTLS,
//	                            trusting only CERT.pem); print "HTTP <status>"
//	                            and the body; -wait repeats until the body
//	                            matches RE (for reloads)
//	ws hold NAME PATH           open a WebSocket (gorilla, in process) and keep it
//	ws held NAME                wait for a held connection to end; print its close code
//	ws freeport VAR             set $VAR to a TCP port free on 127.0.0.1 now
//	ws pid VAR                  set $VAR to the pid of the (one) background command
//	ws hup                      send SIGHUP to the background commands (serve reloads;
//	                            signals are handled in order, so a later kill -INT
//	                            finds the reload done)
//
// Case fields: name, addr (default $ADDR), path, host, op (echo, pongs,
// limit), size, count,
// duration (ms), protocols, every (a Go duration: check keepalive arrival
// times against it, printing the frame kind and every=D:ok or every=D:BAD
// instead of counts), ca (wss:// to $ADDRTLS, trusting only that
// PEM file). The clients and "ws get" talk to $ADDR.
func wsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! ws")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: ws waitaddr|need|client|get|hold|held ...")
	}
	switch args[0] {
	case "waitaddr":
		wsWaitAddr(ts, args[1:])
	case "need":
		wsNeed(ts, args[1:])
	case "client":
		wsClient(ts, args[1:])
	case "get":
		wsGet(ts, args[1:])
	case "hold":
		wsHold(ts, args[1:])
	case "held":
		wsHeld(ts, args[1:])
	case "freeport":
		if len(args) != 2 {
			ts.Fatalf("usage: ws freeport VAR")
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		ts.Setenv(args[1], fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
		ln.Close()
	case "pid":
		bg := ts.BackgroundCmds()
		if len(args) != 2 || len(bg) != 1 {
			ts.Fatalf("usage: ws pid VAR (with one background command)")
		}
		ts.Setenv(args[1], fmt.Sprint(bg[0].Process.Pid))
	case "hup":
		for _, c := range ts.BackgroundCmds() {
			ts.Check(c.Process.Signal(syscall.SIGHUP))
		}
	default:
		ts.Fatalf("unknown ws subcommand %q", args[0])
	}
}

// e2eDir holds the client scripts; tests run in the module root.
var e2eDir, _ = filepath.Abs(filepath.Join("internal", "wsserver", "e2e"))

// debianPython is the interpreter that sees Debian's python3-websockets.
const debianPython = "/usr/bin/python3"

const wsWait = 15 * time.Second

func wsWaitAddr(ts *testscript.TestScript, args []string) {
	if len(args) != 1 && len(args) != 2 {
		ts.Fatalf("usage: ws waitaddr FILE [VAR]")
	}
	envVar := "ADDR"
	if len(args) == 2 {
		envVar = args[1]
	}
	file := ts.MkAbs(args[0])
	re := regexp.MustCompile(`^Listening on (https?)://(\S+) \(`)
	deadline := time.Now().Add(wsWait)
	for {
		b, err := os.ReadFile(file)
		if err == nil {
			// The first http listener is $VAR, the first https one
			// ${VAR}TLS.
			set := map[string]bool{}
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				m := re.FindStringSubmatch(line)
				if m == nil {
					ts.Fatalf("%s: unexpected line %q", args[0], line)
				}
				v := envVar
				if m[1] == "https" {
					v += "TLS"
				}
				if !set[v] {
					set[v] = true
					ts.Setenv(v, m[2])
					ts.Logf("%s=%s", v, m[2])
				}
			}
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not appear within %v (did serve start?)", args[0], wsWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wsClientMissing says why a client cannot run, or "".
func wsClientMissing(client string) string {
	switch client {
	case "node":
		if _, err := exec.LookPath("node"); err != nil {
			return "node (not in PATH)"
		}
		if _, err := os.Stat(filepath.Join(e2eDir, "node_modules", "ws", "package.json")); err != nil {
			return "the npm package ws (run `npm ci --prefix internal/wsserver/e2e`)"
		}
	case "python":
		if err := exec.Command(debianPython, "-c", "import websockets").Run(); err != nil {
			return "python3-websockets (importable by " + debianPython + ")"
		}
	default:
		return "unknown client " + client
	}
	return ""
}

func wsNeed(ts *testscript.TestScript, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: ws need node|python")
	}
	if why := wsClientMissing(args[0]); why != "" {
		if os.Getenv("APPCMD_E2E") == "1" {
			ts.Fatalf("%s (required because APPCMD_E2E=1)", why)
		}
		ts.Logf("skipped: needs %s (set APPCMD_E2E=1 to make this a failure)", why)
		return
	}
	ts.Check(os.WriteFile(ts.MkAbs(".e2e-"+args[0]), nil, 0o644))
}

// wsCase is one client case as the scripts write it.
type wsCase struct {
	Name      string   `json:"name"`
	Addr      string   `json:"addr,omitempty"` // default $ADDR
	Path      string   `json:"path"`
	Host      string   `json:"host,omitempty"`
	Op        string   `json:"op"`
	Size      int      `json:"size,omitempty"`
	Count     int      `json:"count,omitempty"`
	Duration  int      `json:"duration,omitempty"`
	Protocols []string `json:"protocols,omitempty"`
	Every     string   `json:"every,omitempty"`
	// CA, for the Go client: dial wss:// ($ADDRTLS unless Addr), trusting
	// this PEM certificate (serve's self-signed one).
	CA string `json:"ca,omitempty"`
}

// wsResult is what the client scripts print per case.
type wsResult struct {
	Name      string          `json:"name"`
	Opened    bool            `json:"opened"`
	Status    int             `json:"status"`
	Error     string          `json:"error"`
	Echoed    json.RawMessage `json:"echoed"`
	CloseCode *int            `json:"closeCode"`
	Pongs     []int           `json:"pongs"`
	Pings     []int           `json:"pings"`
}

func wsClient(ts *testscript.TestScript, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: ws client node|python CASES.json")
	}
	client := args[0]
	var cases []wsCase
	src := os.Expand(ts.ReadFile(args[1]), ts.Getenv)
	if err := json.Unmarshal([]byte(src), &cases); err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	addr := ts.Getenv("ADDR")
	if addr == "" {
		ts.Fatalf("$ADDR is not set (run ws waitaddr first)")
	}
	if client == "go" {
		for i, c := range cases {
			if c.CA != "" && c.Addr == "" {
				cases[i].Addr = ts.Getenv("ADDRTLS")
			}
		}
		wsPrintResults(ts, cases, wsGoClient(cases, addr))
		return
	}
	if why := wsClientMissing(client); why != "" {
		ts.Fatalf("%s (guard the script with ws need)", why)
	}
	// Both scripts take a JSON array of cases; they differ in how the
	// target is named.
	var in []map[string]any
	for _, c := range cases {
		a := addr
		if c.Addr != "" {
			a = c.Addr
		}
		m := map[string]any{"name": c.Name, "op": c.Op, "host": c.Host}
		scheme := "ws://"
		if c.CA != "" {
			m["ca"], scheme = c.CA, "wss://"
			if c.Addr == "" {
				a = ts.Getenv("ADDRTLS")
			}
		}
		if client == "node" {
			m["url"] = scheme + a + c.Path
		} else {
			m["addr"], m["path"] = a, c.Path
		}
		for k, v := range map[string]int{"size": c.Size, "count": c.Count, "duration": c.Duration} {
			if v != 0 {
				m[k] = v
			}
		}
		if c.Protocols != nil {
			m["protocols"] = c.Protocols
		}
		in = append(in, m)
	}
	js, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	var cmd *exec.Cmd
	if client == "node" {
		cmd = exec.CommandContext(ctx, "node", filepath.Join(e2eDir, "node_client.js"), string(js))
	} else {
		cmd = exec.CommandContext(ctx, debianPython, filepath.Join(e2eDir, "websockets_client.py"), string(js))
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		ts.Fatalf("%s client: %v\nstdout: %s\nstderr: %s", client, err, out, stderr.String())
	}
	var res []wsResult
	if err := json.Unmarshal(out, &res); err != nil {
		ts.Fatalf("%s client output: %v\n%s", client, err, out)
	}
	ts.Logf("%s client: %s", client, out)
	wsPrintResults(ts, cases, res)
}

// wsPrintResults prints one line per case, in the order of the cases.
func wsPrintResults(ts *testscript.TestScript, cases []wsCase, res []wsResult) {
	byName := map[string]wsResult{}
	for _, r := range res {
		byName[r.Name] = r
	}
	for _, c := range cases {
		r, ok := byName[c.Name]
		if !ok {
			ts.Fatalf("no result for case %q", c.Name)
		}
		fmt.Fprintln(ts.Stdout(), wsResultLine(ts, c, r))
	}
}

// wsResultLine renders a result as "name key=value ...", stable for
// stdout matching.
func wsResultLine(ts *testscript.TestScript, c wsCase, r wsResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s opened=%v", c.Name, r.Opened)
	if !r.Opened {
		fmt.Fprintf(&b, " status=%d", r.Status)
		// The clients' wording for a refused handshake differs; the
		// status says it all.
		if r.Status == 0 && r.Error != "" {
			fmt.Fprintf(&b, " error=%q", r.Error)
		}
		return b.String()
	}
	if r.CloseCode != nil {
		fmt.Fprintf(&b, " close=%d", *r.CloseCode)
	} else {
		b.WriteString(" close=none")
	}
	switch {
	case len(r.Echoed) > 0:
		fmt.Fprintf(&b, " echoed=%s", r.Echoed)
	case c.Op == "limit":
		// python3-websockets reports nothing when the close came first.
		b.WriteString(" echoed=false")
	}
	if c.Op == "pongs" && c.Every == "" {
		fmt.Fprintf(&b, " pongs=%d pings=%d", len(r.Pongs), len(r.Pings))
	}
	if c.Every != "" {
		// Counts depend on timing; the kind and the timing check do not.
		switch {
		case len(r.Pings) == 0:
			b.WriteString(" keepalives=pong")
		case len(r.Pongs) == 0:
			b.WriteString(" keepalives=ping")
		default:
			b.WriteString(" keepalives=mixed")
		}
		iv, err := time.ParseDuration(c.Every)
		if err != nil {
			ts.Fatalf("case %s: every: %v", c.Name, err)
		}
		if why := keepaliveTiming(append(r.Pongs, r.Pings...), iv, c.Duration); why != "" {
			fmt.Fprintf(&b, " every=%s:BAD(%s)", c.Every, why)
		} else {
			fmt.Fprintf(&b, " every=%s:ok", c.Every)
		}
	}
	return b.String()
}

// keepaliveTiming checks keepalive arrival times (ms since open) over a
// window of durMs against interval, with generous tolerance for loaded
// machines (as wsserver's e2e tests do): the count within -2..+1 of the
// expected number, each gap within 0.5..2 intervals. "" means fine.
func keepaliveTiming(at []int, interval time.Duration, durMs int) string {
	iv := int(interval.Milliseconds())
	if iv <= 0 || durMs <= 0 {
		return "every needs a positive interval and duration"
	}
	want := durMs / iv
	if len(at) < max(want-2, 1) || len(at) > want+1 {
		return fmt.Sprintf("%d keepalives in %d ms, want about %d: %v", len(at), durMs, want, at)
	}
	// As internal/wsserver's checkKeepalives: no gap over twice the
	// interval, and the mean period within 30% of it (one keepalive late
	// under load makes the next gap short without changing the interval).
	prev := 0
	for i, a := range at {
		if d := a - prev; d > iv*2 {
			return fmt.Sprintf("keepalive %d came %d ms after the previous one: %v", i, d, at)
		}
		prev = a
	}
	if n := len(at); n >= 3 {
		if mean := (at[n-1] - at[0]) / (n - 1); mean < iv*7/10 || mean > iv*13/10 {
			return fmt.Sprintf("keepalives every %d ms on average: %v", mean, at)
		}
	}
	return ""
}

func wsGet(ts *testscript.TestScript, args []string) {
	fs := flag.NewFlagSet("ws get", flag.ContinueOnError)
	host := fs.String("host", "", "Host header")
	asJSON := fs.Bool("json", false, "send Accept: application/json")
	wait := fs.String("wait", "", "repeat until the body matches this regexp")
	ca := fs.String("ca", "", "GET https://$ADDRTLS trusting this PEM certificate")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: ws get [-host H] [-json] [-wait RE] PATH")
	}
	var re *regexp.Regexp
	if *wait != "" {
		var err error
		re, err = regexp.Compile(*wait)
		ts.Check(err)
	}
	url := "http://" + ts.Getenv("ADDR") + fs.Arg(0)
	client := http.DefaultClient
	if *ca != "" {
		cfg, err := wsTrust(ts.MkAbs(*ca), *host)
		ts.Check(err)
		url = "https://" + ts.Getenv("ADDRTLS") + fs.Arg(0)
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
	}
	deadline := time.Now().Add(wsWait)
	for {
		req, err := http.NewRequest("GET", url, nil)
		ts.Check(err)
		if *host != "" {
			req.Host = *host
		}
		if *asJSON {
			req.Header.Set("Accept", "application/json")
		}
		resp, err := client.Do(req)
		ts.Check(err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ts.Check(err)
		if re == nil || re.Match(body) {
			fmt.Fprintf(ts.Stdout(), "HTTP %d\n%s", resp.StatusCode, body)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("GET %s: body did not match %q within %v; last answer HTTP %d:\n%s", fs.Arg(0), *wait, wsWait, resp.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// wsHeldConn is a connection opened by "ws hold", per script.
type wsHeldConn struct {
	done chan struct{}
	code int // close code received (-1: none)
	err  error
}

var wsHolds sync.Map // *testscript.TestScript -> map[string]*wsHeldConn

func wsHoldsOf(ts *testscript.TestScript) map[string]*wsHeldConn {
	m, loaded := wsHolds.LoadOrStore(ts, map[string]*wsHeldConn{})
	if !loaded {
		ts.Defer(func() { wsHolds.Delete(ts) })
	}
	return m.(map[string]*wsHeldConn)
}

func wsHold(ts *testscript.TestScript, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: ws hold NAME PATH")
	}
	holds := wsHoldsOf(ts)
	if holds[args[0]] != nil {
		ts.Fatalf("duplicate held connection %q", args[0])
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, resp, err := d.Dial("ws://"+ts.Getenv("ADDR")+args[1], nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		ts.Fatalf("ws hold %s: %v (HTTP %d)", args[1], err, status)
	}
	h := &wsHeldConn{done: make(chan struct{}), code: -1}
	holds[args[0]] = h
	ts.Defer(func() { conn.Close() })
	go func() {
		defer close(h.done)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				var ce *websocket.CloseError
				if errors.As(err, &ce) {
					h.code = ce.Code
				} else {
					h.err = err
				}
				return
			}
		}
	}()
}

func wsHeld(ts *testscript.TestScript, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: ws held NAME")
	}
	h := wsHoldsOf(ts)[args[0]]
	if h == nil {
		ts.Fatalf("no held connection %q", args[0])
	}
	select {
	case <-h.done:
	case <-time.After(wsWait):
		ts.Fatalf("held connection %q still open after %v", args[0], wsWait)
	}
	if h.err != nil {
		fmt.Fprintf(ts.Stdout(), "%s close=none error=%v\n", args[0], h.err)
		return
	}
	fmt.Fprintf(ts.Stdout(), "%s close=%d\n", args[0], h.code)
}

// wsGoClient runs the cases concurrently with gorilla/websocket, the way
// internal/wsserver/e2e/node_client.js does, so the serve scripts check
// the server on a machine without Node or Python.
func wsGoClient(cases []wsCase, addr string) []wsResult {
	out := make([]wsResult, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := addr
			if c.Addr != "" {
				a = c.Addr
			}
			out[i] = wsGoCase(c, a)
		}()
	}
	wg.Wait()
	return out
}

func wsGoCase(c wsCase, addr string) wsResult {
	r := wsResult{Name: c.Name}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: c.Protocols}
	h := http.Header{}
	if c.Host != "" {
		h.Set("Host", c.Host)
	}
	scheme := "ws://"
	if c.CA != "" {
		cfg, err := wsTrust(c.CA, c.Host)
		if err != nil {
			r.Error = err.Error()
			return r
		}
		d.TLSClientConfig, scheme = cfg, "wss://"
	}
	conn, resp, err := d.Dial(scheme+addr+c.Path, h)
	if err != nil {
		if resp != nil {
			r.Status = resp.StatusCode
		} else {
			r.Error = err.Error()
		}
		return r
	}
	defer conn.Close()
	r.Opened = true
	t0 := time.Now()
	ms := func() int { return int(time.Since(t0) / time.Millisecond) }
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	var mu sync.Mutex
	conn.SetPongHandler(func(string) error { mu.Lock(); r.Pongs = append(r.Pongs, ms()); mu.Unlock(); return nil })
	conn.SetPingHandler(func(data string) error {
		mu.Lock()
		r.Pings = append(r.Pings, ms())
		mu.Unlock()
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	closeNormal := func() {
		conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	}
	switch c.Op {
	case "echo":
		count, size := max(c.Count, 1), c.Size
		if size == 0 {
			size = 64
		}
		want := wsPayload(size)
		for range count {
			conn.WriteMessage(websocket.TextMessage, []byte(want))
		}
		echoed := 0
		for n := 0; n < count; n++ {
			kind, data, err := conn.ReadMessage()
			if err != nil {
				break
			}
			if kind == websocket.TextMessage && string(data) == want {
				echoed++
			}
		}
		r.Echoed = json.RawMessage(fmt.Sprint(echoed))
		closeNormal()
	case "pongs":
		time.AfterFunc(time.Duration(max(c.Duration, 1000))*time.Millisecond, closeNormal)
	case "limit":
		conn.WriteMessage(websocket.BinaryMessage, []byte(strings.Repeat("a", c.Size)))
		if _, data, err := conn.ReadMessage(); err == nil {
			r.Echoed = json.RawMessage(fmt.Sprint(len(data) == c.Size))
			closeNormal()
		} else {
			wsCloseCode(&r, err)
			return r
		}
	default:
		closeNormal()
	}
	// Read until the server's close frame (or its absence) ends the
	// connection; control frames are handled while reading.
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			wsCloseCode(&r, err)
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return r
}

func wsCloseCode(r *wsResult, err error) {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		code := ce.Code
		r.CloseCode = &code
	} else {
		r.Error = err.Error()
	}
}

// wsPayload is node_client.js's payload: a repeated ASCII unit.
func wsPayload(n int) string {
	const unit = "appcmd-websocket-test-0123456789-"
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// wsTrust is a TLS client configuration that trusts only the PEM
// certificate in file, sending host (if any) as the SNI server name.
func wsTrust(file, host string) (*tls.Config, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%s: no PEM certificate", file)
	}
	return &tls.Config{RootCAs: pool, ServerName: host}, nil
}
