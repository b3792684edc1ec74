package wsserver

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Issue 13, item 5: slowloris. Clients that trickle their headers must not
// take every descriptor of the server: the guard (A16) bounds the waiting
// connections in all and per address, the header timeout (A15) cuts each
// one off, and real clients are answered meanwhile.

// slowClient is the child process of TestStressSlowlorisGuard. Args: addr
// n addrs dribbleMS lifeMS. It opens n connections spread over addrs
// source addresses (127.0.0.2, 127.0.0.3, ...), each sending a request
// header one byte every dribble until the server closes it (or life
// passes), and prints "ready DIALED FAILED" once all are dialed, then "done
// CLOSED OPEN MIN_MS MEDIAN_MS MAX_MS" (connection lifetimes).
func slowClient(args []string) int {
	addr, n, addrs := args[0], atoi(args[1]), atoi(args[2])
	dribble := time.Duration(atoi(args[3])) * time.Millisecond
	life := time.Duration(atoi(args[4])) * time.Millisecond
	raiseNoFile(uint64(n) + 200)
	var dialFailed, stillOpen atomic.Int64
	lifetimes := make([]time.Duration, n)
	var dialed, wg sync.WaitGroup
	dialed.Add(n)
	sem := make(chan struct{}, 256) // dials in flight
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%addrs))}}
			t0 := time.Now()
			c, err := d.Dial("tcp", addr)
			<-sem
			dialed.Done()
			if err != nil {
				dialFailed.Add(1)
				lifetimes[i] = -1
				return
			}
			defer c.Close()
			header := "GET /slow HTTP/1.1\r\nHost: " + addr + "\r\nX-Slow: " + strings.Repeat("a", 4000)
			var buf [512]byte
			for j := 0; ; j++ {
				if time.Since(t0) > life {
					stillOpen.Add(1)
					break
				}
				c.SetWriteDeadline(time.Now().Add(time.Second))
				if _, err := c.Write([]byte{header[j%len(header)]}); err != nil {
					break
				}
				c.SetReadDeadline(time.Now().Add(dribble))
				if _, err := c.Read(buf[:]); err != nil {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						continue
					}
					break // EOF or reset: the server closed it
				}
				// An answer (400 after the header timeout): closed next.
			}
			lifetimes[i] = time.Since(t0)
		}(i)
	}
	dialed.Wait()
	fmt.Printf("ready %d %d\n", int64(n)-dialFailed.Load(), dialFailed.Load())
	wg.Wait()
	var ok []time.Duration
	for _, l := range lifetimes {
		if l >= 0 {
			ok = append(ok, l)
		}
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i] < ok[j] })
	if len(ok) == 0 {
		ok = []time.Duration{0}
	}
	fmt.Printf("done %d %d %d %d %d\n", int64(len(ok))-stillOpen.Load(), stillOpen.Load(),
		ok[0].Milliseconds(), ok[len(ok)/2].Milliseconds(), ok[len(ok)-1].Milliseconds())
	return 0
}

// TestStressSlowlorisGuard: n slowloris connections (2,000; 20,400 with
// APPCMD_STRESS=1, as in issue 13) from child processes and several source
// addresses trickle request headers. The server must hold at most
// MaxWaiting of them (and MaxWaitingPerAddr per address), cut every one
// within the header timeout, log rate-limited warnings, and answer a
// normal client's page requests and WebSocket echoes throughout, without
// running out of descriptors.
func TestStressSlowlorisGuard(t *testing.T) {
	n := stressSize(2000, 20400)
	children := stressSize(1, 3) // 20,400 sockets do not fit one process's 20,000 descriptors
	const addrs = 4
	ht := stressDuration(2*time.Second, headerTimeout)
	dribble := stressDuration(300*time.Millisecond, time.Second)
	opts := Options{HeaderTimeout: ht, MaxWaiting: 600, MaxWaitingPerAddr: 200}
	if stressFull() {
		opts.MaxWaiting, opts.MaxWaitingPerAddr = 0, 0 // the defaults
	}
	base0 := settledBaseline()
	s, lb := newServer(t, staticLoader(benchConfig(0)), opts)
	addr := s.Addrs()[0].String()
	base1 := settledBaseline()

	var stopSampling atomic.Bool
	var peakWaiting, peakPerAddr, peakFDs atomic.Int64
	var samplerDone sync.WaitGroup
	samplerDone.Add(1)
	go func() {
		defer samplerDone.Done()
		for !stopSampling.Load() {
			tot, per := s.guard.waiting()
			peakWaiting.Store(max(peakWaiting.Load(), int64(tot)))
			peakPerAddr.Store(max(peakPerAddr.Load(), int64(per)))
			peakFDs.Store(max(peakFDs.Load(), int64(openFDs())))
			time.Sleep(20 * time.Millisecond)
		}
	}()

	life := ht + 8*time.Second // a connection open this long was not cut
	start := time.Now()
	var kids []*child
	for k := 0; k < children; k++ {
		kids = append(kids, startChild(t, "slow", addr, strconv.Itoa(n/children), strconv.Itoa(addrs),
			strconv.Itoa(int(dribble.Milliseconds())), strconv.Itoa(int(life.Milliseconds()))))
	}
	dialedN, dialFailed := 0, 0
	for _, k := range kids {
		f := strings.Fields(k.expect(t, "ready "))
		dialedN += atoi(f[0])
		dialFailed += atoi(f[1])
	}
	dialAll := time.Since(start)

	// A normal client from 127.0.0.1 meanwhile: page requests and
	// WebSocket echoes, each on a new connection, until the slow ones are
	// gone.
	var normal []time.Duration
	normalFailed := 0
	resCh := make(chan []string, children)
	for _, k := range kids {
		go func(k *child) { resCh <- strings.Fields(k.expect(t, "done ")) }(k)
	}
	var results [][]string
	cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	for len(results) < children {
		select {
		case r := <-resCh:
			results = append(results, r)
			continue
		default:
		}
		t0 := time.Now()
		resp, err := cl.Get("http://" + addr + "/normal")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		if err == nil {
			var wc *websocket.Conn
			if wc, err = dial(t, addr, "", "/normal", nil); err == nil {
				echo(t, wc, "through the slowloris crowd")
				wc.Close()
			}
		}
		if err != nil {
			normalFailed++
			t.Errorf("normal client during slowloris: %v", err)
		} else {
			normal = append(normal, time.Since(t0))
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	for _, k := range kids {
		k.cmd.Wait() // the child has exited: its pipes are closed
	}
	stopSampling.Store(true)
	samplerDone.Wait()

	closed, open, maxLife := 0, 0, int64(0)
	var medLife int64
	for _, r := range results {
		closed += atoi(r[0])
		open += atoi(r[1])
		medLife = max(medLife, int64(atoi(r[3])))
		maxLife = max(maxLife, int64(atoi(r[4])))
	}
	waitOpen(t, s, 0, 5*time.Second)
	after := waitBaseline(t, "server running, slowloris gone", base1, 10*time.Second)
	final := stopServer(t, s, base0)
	sort.Slice(normal, func(i, j int) bool { return normal[i] < normal[j] })
	if len(normal) == 0 {
		t.Fatalf("no normal request was answered")
	}
	warnLines := strings.Count(lb.String(), "waited longest for its request headers")
	t.Logf("STRESS test=slowloris_guard conns=%d source_addrs=%d header_timeout_ms=%d max_waiting=%d max_waiting_per_addr=%d dial_all_ms=%d dial_failed=%d "+
		"held_peak=%d held_peak_per_addr=%d server_fds_base=%d server_fds_peak=%d server_fds_after=%d fds_after_shutdown=%d "+
		"slow_closed=%d slow_still_open=%d slow_lifetime_median_ms=%d slow_lifetime_max_ms=%d guard_closed=%d warning_lines=%d "+
		"normal_requests=%d normal_failed=%d normal_median_ms=%.1f normal_max_ms=%.1f elapsed_ms=%d goroutines_base=%d goroutines_after=%d",
		n, addrs, ms(ht), s.opts.MaxWaiting, s.opts.MaxWaitingPerAddr, ms(dialAll), dialFailed,
		peakWaiting.Load(), peakPerAddr.Load(), base1.fds, peakFDs.Load(), after.fds, final.fds,
		closed, open, medLife, maxLife, s.guard.closed, warnLines,
		len(normal), normalFailed, float64(normal[len(normal)/2].Microseconds())/1000, float64(normal[len(normal)-1].Microseconds())/1000,
		ms(elapsed), base1.goroutines, after.goroutines)

	if peakWaiting.Load() > int64(s.opts.MaxWaiting) || peakPerAddr.Load() > int64(s.opts.MaxWaitingPerAddr) {
		t.Errorf("server held %d waiting connections (%d from one address), limits %d and %d",
			peakWaiting.Load(), peakPerAddr.Load(), s.opts.MaxWaiting, s.opts.MaxWaitingPerAddr)
	}
	if fdLimit := base1.fds + s.opts.MaxWaiting + 64; peakFDs.Load() > int64(fdLimit) {
		t.Errorf("server descriptors peaked at %d, want at most %d", peakFDs.Load(), fdLimit)
	}
	if open > 0 || maxLife > ms(ht+3*time.Second) {
		t.Errorf("%d slowloris connections still open after %v; the longest lived %d ms (header timeout %v)", open, life, maxLife, ht)
	}
	if s.guard.closed == 0 {
		t.Errorf("the guard closed no connection")
	}
	// At most one line per interval and kind, plus the count of those left out.
	if maxLines := 3 * (2*int(elapsed/guardWarnInterval) + 2); warnLines == 0 || warnLines > maxLines {
		t.Errorf("%d guard warning lines in %v, want 1..%d", warnLines, elapsed, maxLines)
	}
	if normalFailed > 0 || normal[len(normal)-1] > 2*time.Second {
		t.Errorf("normal client: %d failed, slowest %v", normalFailed, normal[len(normal)-1])
	}
}

// TestOutOfDescriptors (issue 13, item 5): while the process has no
// descriptor left, the file watcher reports no configuration change (a
// file it cannot open is not a changed file) and logs no "reload failed";
// accept frees a descriptor by closing the connection that waited longest,
// so a real client is still answered; once descriptors are back, a change
// made meanwhile is picked up.
func TestOutOfDescriptors(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	cfg := benchConfig(0)
	writeConfig(t, cfgPath, cfg)
	ts := startServer(t, fileLoader(cfgPath), Options{PollInterval: 20 * time.Millisecond})
	ts.rate.interval = 100 * time.Millisecond
	time.Sleep(100 * time.Millisecond)

	// One connection waiting for its headers, for accept to sacrifice.
	slow, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "GET / HTTP/1.1\r\n")
	time.Sleep(minEvictAge + 50*time.Millisecond) // old enough to be sacrificed

	// The configuration is edited while nothing can be opened, through a
	// descriptor taken before.
	w, err := os.OpenFile(cfgPath, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Skip("skipped: needs RLIMIT_NOFILE")
	}
	saved := rl
	rl.Cur = uint64(openFDs() + 40)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Skipf("skipped: cannot lower RLIMIT_NOFILE: %v", err)
	}
	var held []*os.File
	release := func() {
		for _, f := range held {
			f.Close()
		}
		held = nil
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &saved)
	}
	defer release()
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			if !isOutOfDescriptors(err) {
				t.Fatal(err)
			}
			break
		}
		held = append(held, f)
	}
	cfg.Rules = append(cfg.Rules, fakeRule{Site: cfg.Sites[0].Name, Path: "/", Limit: iptr(5000), Origin: "config.json:1"})
	b, _ := json.MarshalIndent(cfg, "", " ")
	if err := w.Truncate(0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteAt(b, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // polls while out of descriptors
	if log := ts.log.String(); strings.Contains(log, "reload") {
		t.Fatalf("the watcher took a file it could not open for a changed one:\n%s", log)
	}
	// A real client: its socket takes the one descriptor freed for it, so
	// the server's accept finds none.
	var client net.Conn
	for client == nil {
		held[len(held)-1].Close()
		held = held[:len(held)-1]
		client, err = net.Dial("tcp", ts.addr)
		if err != nil && !isOutOfDescriptors(err) {
			t.Fatal(err)
		}
	}
	defer client.Close()
	// The real client is answered although every descriptor is taken.
	client.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(client, "GET /normal HTTP/1.1\r\nHost: "+ts.addr+"\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(client), nil)
	if err != nil {
		t.Fatalf("real client while out of descriptors: %v\n%s", err, ts.log.String())
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"path": "/normal"`) {
		t.Fatalf("real client: %d %s", resp.StatusCode, body)
	}
	time.Sleep(300 * time.Millisecond) // many polls
	if log := ts.log.String(); strings.Contains(log, ") failed, keeping") {
		t.Fatalf("a reload failed while out of descriptors:\n%s", log)
	}
	ts.log.waitFor(t, "out of file descriptors: closed the connection that had waited longest", time.Second)
	release()
	ts.log.waitFor(t, "reloaded configuration (changed: "+cfgPath, 2*time.Second)
	_, body = getNoKeepAlive(t, ts.addr, "/", map[string]string{"Accept": "application/json"})
	if !strings.Contains(string(body), `"receiveBufferLimit": 5000`) {
		t.Fatalf("after the change: %s", body)
	}
	if strings.Contains(ts.log.String(), ") failed, keeping") {
		t.Fatalf("false reload failure:\n%s", ts.log.String())
	}
}

// fakeConn is a net.Conn with a remote address, for the guard's unit test.
type fakeConn struct {
	net.Conn
	remote string
	closed bool
}

func (c *fakeConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.ParseIP(c.remote), Port: 1234}
}
func (c *fakeConn) Close() error { c.closed = true; return nil }

// TestConnGuard: at a limit the connection that has waited longest goes
// (of the same address for the per-address limit), never the new one;
// connections inside a handler or upgraded do not count; idle kept-alive
// ones count again.
func TestConnGuard(t *testing.T) {
	g := newConnGuard(4, 2, func(string, net.Conn) {})
	conn := func(ip string) *fakeConn { return &fakeConn{remote: ip} }
	admit := func(c *fakeConn) []net.Conn {
		ev, _ := g.admit(c)
		var out []net.Conn
		for _, e := range ev {
			out = append(out, e.c)
		}
		return out
	}
	a1, a2, a3 := conn("192.0.2.1"), conn("192.0.2.1"), conn("192.0.2.1")
	b1, b2, c1 := conn("192.0.2.2"), conn("192.0.2.2"), conn("2001:db8::1")
	for _, tc := range []struct {
		name  string
		do    func() []net.Conn
		evict []net.Conn
		total int
	}{
		{"a1", func() []net.Conn { return admit(a1) }, nil, 1},
		{"a2", func() []net.Conn { return admit(a2) }, nil, 2},
		{"a3: a1 goes (per address)", func() []net.Conn { return admit(a3) }, []net.Conn{a1}, 2},
		{"a2 in a handler", func() []net.Conn { g.busy(a2); return nil }, nil, 1},
		{"b1", func() []net.Conn { return admit(b1) }, nil, 2},
		{"b2", func() []net.Conn { return admit(b2) }, nil, 3},
		{"c1", func() []net.Conn { return admit(c1) }, nil, 4},
		{"a2 idle again, then a new one: a3 and b1 go (in all)", func() []net.Conn {
			g.state(a2, http.StateIdle)
			ev, _ := g.admit(conn("198.51.100.1"))
			var out []net.Conn
			for _, e := range ev {
				out = append(out, e.c)
			}
			return out
		}, []net.Conn{a3, b1}, 4},
		{"b2 upgraded", func() []net.Conn { g.state(b2, http.StateHijacked); return nil }, nil, 3},
		{"c1 closed", func() []net.Conn { g.state(c1, http.StateClosed); return nil }, nil, 2},
	} {
		got := tc.do()
		if fmt.Sprint(got) != fmt.Sprint(tc.evict) {
			t.Fatalf("%s: evicted %v, want %v", tc.name, got, tc.evict)
		}
		if total, _ := g.waiting(); total != tc.total {
			t.Fatalf("%s: %d waiting, want %d", tc.name, total, tc.total)
		}
	}
	// Accept out of descriptors: only a connection waiting long enough.
	if g.evictOldest(time.Hour) {
		t.Fatalf("evicted a connection that had waited less than the minimum")
	}
	if !g.evictOldest(0) {
		t.Fatalf("evicted nothing")
	}
	if total, _ := g.waiting(); total != 1 {
		t.Fatalf("%d waiting after evictOldest, want 1", total)
	}
}

// TestHeldRequestsCountAsWaiting: a ?hold= request only waits, so it
// counts against the guard's limits like an idle connection (else a client
// could hold descriptors past the guard with it); at the limit it is closed
// first, being the oldest.
func TestHeldRequestsCountAsWaiting(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{MaxWaiting: 3, MaxWaitingPerAddr: 3})
	held := make(chan error, 1)
	go func() {
		cl := &http.Client{Timeout: 20 * time.Second}
		resp, err := cl.Get("http://" + ts.addr + "/?hold=15000")
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("answered %d", resp.StatusCode)
		}
		held <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if total, _ := ts.guard.waiting(); total != 1 {
		t.Fatalf("%d waiting with one held request, want 1", total)
	}
	var idle []net.Conn
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	select {
	case err := <-held:
		if err == nil || strings.Contains(err.Error(), "answered") {
			t.Fatalf("held request: %v, want the connection closed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the held request was not closed at the limit")
	}
	c := mustDial(t, ts.addr, "/")
	echo(t, c, "still serving")
}
