package wsserver

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// runtimeConfig: two sites in two pools on one listener.
func runtimeConfig() fakeConfig {
	return fakeConfig{Sites: []Site{
		{Name: "A", ID: 1, Bindings: []Binding{httpB("*", 80, "")}, Apps: []App{{Path: "/", Pool: "PA"}}},
		{Name: "B", ID: 2, Bindings: []Binding{httpB("*", 80, "b.test")}, Apps: []App{{Path: "/", Pool: "PB"}}},
		{Name: "S", ID: 3, Bindings: []Binding{{Protocol: "https", IP: "*", Port: 443}}, Apps: []App{{Path: "/", Pool: "PA"}}},
	}}
}

func TestControlEndpoint(t *testing.T) {
	srv := startServer(t, staticLoader(runtimeConfig()), Options{})
	dir := filepath.Join(t.TempDir(), "rt")
	config := filepath.Join(t.TempDir(), "applicationHost.config")
	ctl, err := srv.ListenControl(dir, config, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	// Only the user: the directory 0700, the socket 0600.
	for p, want := range map[string]os.FileMode{dir: 0o700, ctl.Path(): 0o600} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	st, err := CallControl(dir, config, ControlRequest{Op: "status"})
	if err != nil {
		t.Fatal(err)
	}
	if st.PID != os.Getpid() || st.Sites["A"] != StateStarted || st.Pools["PB"] != StateStarted || strings.Join(st.WorkerPools, ",") != "PA,PB" {
		t.Errorf("status = %+v", st)
	}
	// A second server for the same file is refused; another file is not
	// this server's.
	var taken *EndpointTakenError
	if _, err := srv.ListenControl(dir, config, false); !errors.As(err, &taken) || taken.PID != os.Getpid() {
		t.Errorf("second endpoint: %v", err)
	}
	if _, err := CallControl(dir, config+".other", ControlRequest{Op: "status"}); !errors.Is(err, ErrNoServer) {
		t.Errorf("other config: %v", err)
	}

	c := mustDial(t, srv.addr, "/")
	if _, err := CallControl(dir, config, ControlRequest{Op: "stop-site", Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if code := readClose(t, c, 5*time.Second); code != closeGoingAway {
		t.Errorf("stop site: close %d, want 1001", code)
	}
	var ce *ControlError
	if _, err := CallControl(dir, config, ControlRequest{Op: "stop-site", Name: "A"}); !errors.As(err, &ce) || ce.Kind != "not-started" {
		t.Errorf("stop twice: %v", err)
	}
	st, _ = CallControl(dir, config, ControlRequest{Op: "status"})
	if st.Sites["A"] != StateStopped || st.Pools["PA"] != StateStopped || strings.Join(st.WorkerPools, ",") != "PB" {
		t.Errorf("after stop: %+v", st)
	}
	if _, err := CallControl(dir, config, ControlRequest{Op: "start-site", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	if _, err := CallControl(dir, config, ControlRequest{Op: "start-site", Name: "A"}); !errors.As(err, &ce) || ce.Kind != "already-started" {
		t.Errorf("start twice: %v", err)
	}
	// A site with no http binding is Stopped and cannot be started.
	if _, err := CallControl(dir, config, ControlRequest{Op: "start-site", Name: "S"}); !errors.As(err, &ce) || ce.Kind != "failed" || !strings.Contains(err.Error(), "no http binding") {
		t.Errorf("start of an https-only site: %v", err)
	}
	if st, _ := CallControl(dir, config, ControlRequest{Op: "status"}); st.Sites["S"] != StateStopped {
		t.Errorf("https-only site: %s", st.Sites["S"])
	}
	// Recycle closes the pool's connections only.
	ca, cb := mustDial(t, srv.addr, "/"), dialHost(t, srv.addr, "b.test")
	if _, err := CallControl(dir, config, ControlRequest{Op: "recycle-pool", Name: "PA"}); err != nil {
		t.Fatal(err)
	}
	if code := readClose(t, ca, 5*time.Second); code != closeGoingAway {
		t.Errorf("recycle: close %d, want 1001", code)
	}
	if err := cb.WriteMessage(1, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := cb.ReadMessage(); err != nil || string(msg) != "x" {
		t.Errorf("other pool's connection after recycle: %q, %v", msg, err)
	}

	// Closing removes the socket: no server.
	ctl.Close()
	if _, err := os.Lstat(ctl.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left after Close: %v", err)
	}
	if _, err := CallControl(dir, config, ControlRequest{Op: "status"}); !errors.Is(err, ErrNoServer) {
		t.Errorf("after close: %v", err)
	}
}

func dialHost(t *testing.T, addr, host string) interface {
	WriteMessage(int, []byte) error
	ReadMessage() (int, []byte, error)
} {
	t.Helper()
	c, err := dial(t, addr, host, "/", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A server killed without cleaning up leaves its socket: commands see no
// server, and the next server removes it.
func TestControlStaleSocket(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "applicationHost.config")
	sock := filepath.Join(dir, controlName(config)+".sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("skipped: needs Unix sockets: %v", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // as a killed process leaves it
	if _, err := os.Lstat(sock); err != nil {
		t.Fatal(err)
	}
	if _, err := CallControl(dir, config, ControlRequest{Op: "status"}); !errors.Is(err, ErrNoServer) {
		t.Fatalf("stale socket: %v, want ErrNoServer", err)
	}
	srv := startServer(t, staticLoader(runtimeConfig()), Options{})
	ctl, err := srv.ListenControl(dir, config, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	srv.log.waitFor(t, "removed a stale control endpoint", time.Second)
	if _, err := CallControl(dir, config, ControlRequest{Op: "status"}); err != nil {
		t.Fatal(err)
	}
}

// The fallback where Unix sockets cannot be used: a loopback port and a
// token in a 0600 file; a request without the token gets no answer.
func TestControlTCPFallback(t *testing.T) {
	srv := startServer(t, staticLoader(runtimeConfig()), Options{})
	dir := t.TempDir()
	config := filepath.Join(dir, "applicationHost.config")
	ctl, err := srv.ListenControl(dir, config, true)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	fi, err := os.Stat(ctl.Path())
	if err != nil || fi.Mode().Perm() != 0o600 || !strings.HasSuffix(ctl.Path(), ".port") {
		t.Fatalf("%s: %v %v", ctl.Path(), fi, err)
	}
	if st, err := CallControl(dir, config, ControlRequest{Op: "status"}); err != nil || st.Sites["B"] != StateStarted {
		t.Fatalf("status: %+v, %v", st, err)
	}
	var ep tcpEndpoint
	b, _ := os.ReadFile(ctl.Path())
	json.Unmarshal(b, &ep)
	c, err := net.Dial("tcp", ep.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(`{"op":"stop-site","name":"A","token":"wrong"}` + "\n"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, _ := c.Read(make([]byte, 100)); n != 0 {
		t.Errorf("a wrong token got an answer")
	}
	if st, _ := CallControl(dir, config, ControlRequest{Op: "status"}); st == nil || st.Sites["A"] != StateStarted {
		t.Errorf("a wrong token stopped a site: %+v", st)
	}
}

// Servers starting for one configuration at the same moment: exactly one
// publishes the endpoint, the others are told it is taken, and the
// winner's socket answers (none removed the other's as stale).
func TestControlConcurrentStart(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "applicationHost.config")
	const n = 8
	srvs := make([]*testServer, n)
	for i := range srvs {
		srvs[i] = startServer(t, staticLoader(runtimeConfig()), Options{})
	}
	var wg sync.WaitGroup
	ctls := make([]*Control, n)
	errs := make([]error, n)
	for i := range srvs {
		wg.Go(func() { ctls[i], errs[i] = srvs[i].ListenControl(dir, config, false) })
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		var taken *EndpointTakenError
		switch {
		case err == nil:
			won++
			defer ctls[i].Close()
		case !errors.As(err, &taken):
			t.Fatalf("server %d: %v, want an EndpointTakenError", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d servers published the endpoint, want 1", won)
	}
	if _, err := CallControl(dir, config, ControlRequest{Op: "status"}); err != nil {
		t.Fatalf("the winner's endpoint does not answer: %v", err)
	}
}

// closers: an upgrade registered after a sweep it raced with is closed
// when the sweep selects it, and only then.
func TestClosersSince(t *testing.T) {
	var cs closers
	a, b := &wsConn{site: "A"}, &wsConn{site: "B"}
	g := cs.gen.Load()
	if cs.since(g, a) {
		t.Fatal("no sweep yet, but since is true")
	}
	cs.add(func(c *wsConn) bool { return c.site == "A" })
	if !cs.since(g, a) || cs.since(g, b) {
		t.Errorf("after a sweep of A: since(a)=%v since(b)=%v, want true false", cs.since(g, a), cs.since(g, b))
	}
	if cs.since(cs.gen.Load(), a) {
		t.Error("a request routed after the sweep is closed")
	}
	for range maxClosers + 1 {
		cs.add(func(*wsConn) bool { return false })
	}
	if !cs.since(g, b) {
		t.Error("sweeps older than those kept: want close (the safe answer)")
	}
}
