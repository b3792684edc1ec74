package wsserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// Stress tests: many connections, peers that never read, slowloris
// handshakes, oversized frame headers, ping floods and reload storms. Each
// one checks that goroutines and file descriptors go back to their
// baseline afterwards (once with the server still running, once after
// Shutdown) and logs its figures on one line starting with "STRESS", as
// key=value pairs:
//
//	go test ./wsserver -run '^TestStress' -v                    # CI sizes
//	go test -race ./wsserver -run Stress
//	APPCMD_STRESS=1 go test ./wsserver -run '^TestStress' -v -timeout 20m
//
// APPCMD_STRESS=1 raises the sizes (10,000 connections, 5,000 slowloris
// clients, 1,000 connections through the reload storm). The 10,000
// connections' clients run in a child process (this test binary, like the
// benchmarks) so that the server's figures are its own and the two ends do
// not share one RLIMIT_NOFILE.

const stressEnv = "APPCMD_STRESS"

func stressFull() bool { return os.Getenv(stressEnv) == "1" }

// stressDuration returns ci, or full when APPCMD_STRESS=1.
func stressDuration(ci, full time.Duration) time.Duration {
	if stressFull() {
		return full
	}
	return ci
}

// stressSize returns ci, or full when APPCMD_STRESS=1.
func stressSize(ci, full int) int {
	if stressFull() {
		return full
	}
	return ci
}

// openFDs counts this process's open file descriptors (-1 without /proc).
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents) - 1 // the directory being read
}

func heapObjects() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func totalAlloc() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// resources is one sample of what a leak would show in.
type resources struct {
	goroutines int
	fds        int
	rss        int64
	heap       int64
}

func sampleResources() resources {
	return resources{goroutines: runtime.NumGoroutine(), fds: openFDs(), rss: testenv.RSS(), heap: heapObjects()}
}

// settledBaseline waits until the goroutine and fd counts have been stable
// for a moment (goroutines of earlier tests still ending), collects
// garbage, and returns the sample.
func settledBaseline() resources {
	deadline := time.Now().Add(3 * time.Second)
	last, stable := sampleResources(), 0
	for stable < 5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		r := sampleResources()
		if r.goroutines == last.goroutines && r.fds == last.fds {
			stable++
		} else {
			stable = 0
		}
		last = r
	}
	runtime.GC()
	debug.FreeOSMemory()
	return sampleResources()
}

// Leak tolerances: goroutines and fds may end up this much above their
// baseline (a runtime or net/http helper goroutine starting lazily).
const (
	leakSlackGoroutines = 3
	leakSlackFDs        = 2
)

// waitBaseline polls until goroutines and fds are back to base (within the
// slack) or d passes; on failure it reports what is left, with the
// goroutine profile. It returns the last sample.
func waitBaseline(t testing.TB, what string, base resources, d time.Duration) resources {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		r := sampleResources()
		okG := r.goroutines <= base.goroutines+leakSlackGoroutines
		okFD := r.fds < 0 || r.fds <= base.fds+leakSlackFDs
		if okG && okFD {
			// Within the slack: give goroutines that are just ending
			// (a Serve loop after its listener closed) a moment, so the
			// figure logged is the settled one.
			for end := time.Now().Add(500 * time.Millisecond); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
				if r.goroutines <= base.goroutines && r.fds <= base.fds {
					break
				}
				r = sampleResources()
			}
			return r
		}
		if time.Now().After(deadline) {
			var b bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			p := b.String()
			if len(p) > 32<<10 {
				p = p[:32<<10] + "\n..."
			}
			t.Errorf("%s: leak after %v: goroutines %d (baseline %d), fds %d (baseline %d)\n%s",
				what, d, r.goroutines, base.goroutines, r.fds, base.fds, p)
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// peakSampler records the maximum of each resource while it runs.
type peakSampler struct {
	mu   sync.Mutex
	peak resources
	stop chan struct{}
	done chan struct{}
}

func startPeakSampler(every time.Duration) *peakSampler {
	p := &peakSampler{stop: make(chan struct{}), done: make(chan struct{})}
	p.observe()
	go func() {
		defer close(p.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.observe()
			}
		}
	}()
	return p
}

func (p *peakSampler) observe() {
	r := sampleResources()
	p.mu.Lock()
	p.peak.goroutines = max(p.peak.goroutines, r.goroutines)
	p.peak.fds = max(p.peak.fds, r.fds)
	p.peak.rss = max(p.peak.rss, r.rss)
	p.peak.heap = max(p.peak.heap, r.heap)
	p.mu.Unlock()
}

// finish stops the sampler (its goroutine is gone when it returns).
func (p *peakSampler) finish() resources {
	p.observe()
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}

// leakFields formats the goroutine and fd counts the stress tests log:
// base1 once the server started, peak, after (server still running), base0
// before it started, final after Shutdown.
func leakFields(base0, base1, peak, after, final resources) string {
	return fmt.Sprintf("goroutines_base=%d goroutines_peak=%d goroutines_after=%d goroutines_before_server=%d goroutines_after_shutdown=%d fds_base=%d fds_peak=%d fds_after=%d fds_before_server=%d fds_after_shutdown=%d",
		base1.goroutines, peak.goroutines, after.goroutines, base0.goroutines, final.goroutines,
		base1.fds, peak.fds, after.fds, base0.fds, final.fds)
}

func kib(b int64) float64 { return float64(b) / 1024 }
func ms(d time.Duration) int64 {
	return d.Milliseconds()
}

// stopServer shuts s down and checks goroutines and fds against base (the
// sample taken before the server started).
func stopServer(t testing.TB, s *Server, base resources) resources {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	return waitBaseline(t, "after Shutdown", base, 10*time.Second)
}

// parallel runs f(0..n-1) on conc goroutines and waits for all.
func parallel(n, conc int, f func(i int)) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < min(conc, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

func waitOpen(t testing.TB, s *Server, want int, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for s.OpenConnections() != want {
		if time.Since(start) > d {
			t.Fatalf("server has %d open connections after %v, want %d", s.OpenConnections(), d, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// echoProbe keeps one well-behaved connection echoing while a test abuses
// the server, and records its worst round trip and (with keepalives) the
// longest gap between keepalive frames.
type echoProbe struct {
	c       *websocket.Conn
	stop    atomic.Bool
	done    chan struct{}
	rts     atomic.Int64
	maxRT   atomic.Int64 // ns
	maxGap  atomic.Int64 // ns between keepalives
	lastKA  atomic.Int64 // unix ns
	kas     atomic.Int64
	err     atomic.Value
	every   time.Duration
	payload []byte
}

func startEchoProbe(t testing.TB, addr, path string, every time.Duration) *echoProbe {
	t.Helper()
	c := mustDial(t, addr, path)
	p := &echoProbe{c: c, done: make(chan struct{}), every: every, payload: []byte("probe")}
	ka := func(string) error {
		now := time.Now().UnixNano()
		if last := p.lastKA.Swap(now); last != 0 {
			if gap := now - last; gap > p.maxGap.Load() {
				p.maxGap.Store(gap)
			}
		}
		p.kas.Add(1)
		return nil
	}
	c.SetPongHandler(ka)
	c.SetPingHandler(ka)
	go func() {
		defer close(p.done)
		for !p.stop.Load() {
			start := time.Now()
			c.SetReadDeadline(start.Add(10 * time.Second))
			err := c.WriteMessage(websocket.TextMessage, p.payload)
			if err == nil {
				var got []byte
				_, got, err = c.ReadMessage()
				if err == nil && !bytes.Equal(got, p.payload) {
					err = fmt.Errorf("echo %q, want %q", got, p.payload)
				}
			}
			if err != nil {
				p.err.Store(err)
				return
			}
			if rt := time.Since(start).Nanoseconds(); rt > p.maxRT.Load() {
				p.maxRT.Store(rt)
			}
			p.rts.Add(1)
			time.Sleep(p.every)
		}
	}()
	return p
}

// finish stops the probe, checks it never failed and closes it cleanly.
func (p *echoProbe) finish(t testing.TB) {
	t.Helper()
	p.stop.Store(true)
	<-p.done
	if err, _ := p.err.Load().(error); err != nil {
		t.Errorf("probe connection failed: %v", err)
	}
	p.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(time.Second))
	readClose(t, p.c, 5*time.Second)
	p.c.Close()
}

func (p *echoProbe) String() string {
	return fmt.Sprintf("probe_round_trips=%d probe_max_rt_ms=%.1f", p.rts.Load(), float64(p.maxRT.Load())/1e6)
}

// --- 1. many connections ----------------------------------------------------

// connsClient is the child process of TestStressConnections. Args: addr n
// conc. It opens n connections (conc at a time), each doing one echo round
// trip, prints "ready OK FAILED NS", then on "close" closes every one with
// a close handshake (code 1000) and prints "closed OK BAD NS"; it exits on
// "quit" or EOF.
func connsClient(args []string) int {
	addr, n, conc := args[0], atoi(args[1]), atoi(args[2])
	raiseNoFile(uint64(n) + 1000)
	d := websocket.Dialer{ReadBufferSize: 256, WriteBufferSize: 256, HandshakeTimeout: 30 * time.Second}
	conns := make([]*websocket.Conn, n)
	var failed atomic.Int64
	start := time.Now()
	parallel(n, conc, func(i int) {
		msg := []byte("echo " + strconv.Itoa(i))
		var err error
		for try := 0; try < 3; try++ {
			var c *websocket.Conn
			if c, _, err = d.Dial("ws://"+addr+"/", nil); err != nil {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			c.SetReadDeadline(time.Now().Add(30 * time.Second))
			if err = c.WriteMessage(websocket.TextMessage, msg); err == nil {
				var got []byte
				if _, got, err = c.ReadMessage(); err == nil && !bytes.Equal(got, msg) {
					err = fmt.Errorf("echo %q, want %q", got, msg)
				}
			}
			if err != nil {
				c.Close()
				continue
			}
			c.SetReadDeadline(time.Time{})
			conns[i] = c
			return
		}
		failed.Add(1)
		fmt.Fprintln(os.Stderr, "conn", i, err)
	})
	fmt.Printf("ready %d %d %d\n", int64(n)-failed.Load(), failed.Load(), time.Since(start).Nanoseconds())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "close":
			var ok, bad atomic.Int64
			start := time.Now()
			parallel(n, conc, func(i int) {
				c := conns[i]
				if c == nil {
					return
				}
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(30 * time.Second))
				c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(10*time.Second))
				for {
					_, _, err := c.ReadMessage()
					if err == nil {
						continue
					}
					var ce *websocket.CloseError
					if errors.As(err, &ce) && ce.Code == 1000 {
						ok.Add(1)
					} else {
						bad.Add(1)
						fmt.Fprintln(os.Stderr, "close", i, err)
					}
					return
				}
			})
			fmt.Printf("closed %d %d %d\n", ok.Load(), bad.Load(), time.Since(start).Nanoseconds())
		case "quit":
			return 0
		}
	}
	return 0
}

// TestStressConnections: n connections (1,000; 10,000 with APPCMD_STRESS=1)
// from a child process, each echoing once, all open at the same time, then
// all closed with a close handshake. Goroutines and fds must go back to
// their baseline, with the server running and after Shutdown.
func TestStressConnections(t *testing.T) {
	n := stressSize(1000, 10000)
	if s := os.Getenv("APPCMD_STRESS_CONNS"); s != "" {
		n = atoi(s)
	}
	const conc = 64
	raiseNoFile(uint64(n) + 1000)
	base0 := settledBaseline()
	s, lb := newServer(t, staticLoader(benchConfig(0)), Options{})
	addr := s.Addrs()[0].String()
	base1 := settledBaseline()

	start := time.Now()
	peak := startPeakSampler(100 * time.Millisecond)
	c := startChild(t, "conns", addr, strconv.Itoa(n), strconv.Itoa(conc))
	ready := strings.Fields(c.expect(t, "ready"))
	openTime := time.Since(start)
	if ok := atoi(ready[0]); ok != n {
		t.Fatalf("only %d of %d connections echoed (%s failed)", ok, n, ready[1])
	}
	waitOpen(t, s, n, 10*time.Second)
	runtime.GC()
	open := sampleResources()
	peak.observe()

	cstart := time.Now()
	c.send("close")
	closed := strings.Fields(c.expect(t, "closed"))
	closeClient := time.Duration(atoi(closed[2]))
	waitOpen(t, s, 0, 10*time.Second)
	closeTime := time.Since(cstart)
	c.send("quit")
	c.cmd.Wait()
	pk := peak.finish()
	if atoi(closed[0]) != n {
		t.Errorf("%s of %d close handshakes ended with 1000 (%s did not)", closed[0], n, closed[1])
	}
	if got := strings.Count(lb.String(), "close=1000(client)"); got != n {
		t.Errorf("server logged %d close=1000(client) lines, want %d", got, n)
	}
	settle := time.Now()
	after := waitBaseline(t, "server running, all closed", base1, 10*time.Second)
	settleTime := time.Since(settle)
	final := stopServer(t, s, base0)

	per := func(a, b int64) float64 { return float64(a-b) / float64(n) }
	t.Logf("STRESS test=connections conns=%d open_echo_ms=%d close_ms=%d client_close_ms=%d back_to_baseline_ms=%d "+
		"goroutines_base=%d goroutines_open=%d goroutines_peak=%d goroutines_after=%d goroutines_before_server=%d goroutines_after_shutdown=%d goroutines_per_conn=%.2f "+
		"fds_base=%d fds_open=%d fds_peak=%d fds_after=%d fds_before_server=%d fds_after_shutdown=%d fds_per_conn=%.2f "+
		"rss_base_kib=%.0f rss_open_kib=%.0f rss_peak_kib=%.0f rss_per_conn_kib=%.1f heap_per_conn_kib=%.1f",
		n, ms(openTime), ms(closeTime), ms(closeClient), ms(settleTime),
		base1.goroutines, open.goroutines, pk.goroutines, after.goroutines, base0.goroutines, final.goroutines, per(int64(open.goroutines), int64(base1.goroutines)),
		base1.fds, open.fds, pk.fds, after.fds, base0.fds, final.fds, per(int64(open.fds), int64(base1.fds)),
		kib(base1.rss), kib(open.rss), kib(pk.rss), per(pk.rss, base1.rss)/1024, per(open.heap, base1.heap)/1024)
	if g := per(int64(open.goroutines), int64(base1.goroutines)); g > 1.1 {
		t.Errorf("%.2f goroutines per connection, want 1", g)
	}
}

// --- 2. peers that never read -------------------------------------------------

// TestStressNeverReads: peers that send 1 MiB messages and never read
// their echoes (with keepalives due every 100 ms on their path, more of them
// than there are keepalive workers). Each is dropped once its echo has been
// blocked for WriteTimeout (A14), logged close=1006(write-timeout); memory
// stays bounded (TCP back-pressure stops their sending); a well-behaved
// connection on the same path meanwhile gets its echoes and its
// keepalives on time.
func TestStressNeverReads(t *testing.T) {
	const (
		stuck  = 8 // > keepaliveWorkers
		msgLen = 1 << 20
		wt     = 1500 * time.Millisecond
		ping   = 100 * time.Millisecond
	)
	cfg := benchConfig(0)
	cfg.Rules = []fakeRule{{Site: "Default Web Site", Path: "/ka", Ping: dptr(ping), Origin: "stress"}}
	base0 := settledBaseline()
	s, lb := newServer(t, staticLoader(cfg), Options{WriteTimeout: wt})
	addr := s.Addrs()[0].String()
	base1 := settledBaseline()
	peak := startPeakSampler(20 * time.Millisecond)

	probe := startEchoProbe(t, addr, "/ka", 20*time.Millisecond)
	d := websocket.Dialer{NetDial: func(network, a string) (net.Conn, error) {
		c, err := net.Dial(network, a)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	}}
	big := bytes.Repeat([]byte{0x5a}, msgLen)
	var sent atomic.Int64
	var wg sync.WaitGroup
	conns := make([]*websocket.Conn, stuck)
	for i := range conns {
		c, _, err := d.Dial("ws://"+addr+"/ka", nil)
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	start := time.Now()
	for _, c := range conns {
		wg.Add(1)
		go func(c *websocket.Conn) {
			defer wg.Done()
			for {
				c.SetWriteDeadline(time.Now().Add(20 * time.Second))
				if err := c.WriteMessage(websocket.BinaryMessage, big); err != nil {
					return
				}
				sent.Add(1)
			}
		}(c)
	}
	waitOpen(t, s, 1, 20*time.Second)
	allDropped := time.Since(start)
	wg.Wait()
	for _, c := range conns {
		c.Close()
	}
	lb.waitFor(t, "keepalives", time.Second)
	if got := strings.Count(lb.String(), "close=1006(write-timeout)"); got != stuck {
		t.Errorf("server logged %d close=1006(write-timeout) lines, want %d", got, stuck)
	}
	time.Sleep(3 * ping) // keepalives go on for the probe
	probe.finish(t)
	pk := peak.finish()
	after := waitBaseline(t, "server running, all closed", base1, 10*time.Second)
	final := stopServer(t, s, base0)

	gap := time.Duration(probe.maxGap.Load())
	heapGrowth := pk.heap - base1.heap
	t.Logf("STRESS test=never_reads stuck_conns=%d msg_bytes=%d write_timeout_ms=%d all_dropped_ms=%d msgs_sent_total=%d "+
		"%s probe_keepalives=%d probe_max_keepalive_gap_ms=%.1f ping_interval_ms=%d "+
		"heap_growth_peak_kib=%.0f heap_growth_per_stuck_conn_kib=%.0f rss_growth_peak_kib=%.0f "+
		"%s",
		stuck, msgLen, ms(wt), ms(allDropped), sent.Load(),
		probe, probe.kas.Load(), float64(gap)/1e6, ms(ping),
		kib(heapGrowth), kib(heapGrowth)/stuck, kib(pk.rss-base1.rss),
		leakFields(base0, base1, pk, after, final))
	if allDropped > 15*time.Second {
		t.Errorf("stuck connections dropped after %v", allDropped)
	}
	if rt := time.Duration(probe.maxRT.Load()); rt > time.Second {
		t.Errorf("probe round trip took up to %v while peers were stuck", rt)
	}
	if gap > time.Second {
		t.Errorf("probe keepalive gap up to %v (interval %v): keepalives held up by stuck connections", gap, ping)
	}
	// Each stuck connection holds at most one message buffer (up to 2x the
	// message while growing) on the server, and the clients' message.
	if limit := int64(stuck*4*msgLen + 32<<20); heapGrowth > limit {
		t.Errorf("heap grew by %.0f KiB, want <= %.0f KiB", kib(heapGrowth), kib(limit))
	}
}

// TestKeepaliveWriterFailedCloses: a keepalive whose socket write times out
// (the peer's window stayed full) closes the connection (A4): gorilla has
// marked the writer failed, nothing can be sent on it any more. The peer is
// a net.Pipe that is never read, so the first keepalive blocks.
func TestKeepaliveWriterFailedCloses(t *testing.T) {
	base0 := settledBaseline()
	s, lb := newServer(t, staticLoader(benchConfig(50*time.Millisecond)), Options{WriteTimeout: 300 * time.Millisecond})
	defer stopServer(t, s, base0)
	srvEnd, cliEnd := net.Pipe()
	defer cliEnd.Close()
	r := httpUpgradeRequest(t)
	w := &pipeHijacker{conn: srvEnd, rw: bufio.NewReadWriter(bufio.NewReader(srvEnd), bufio.NewWriter(srvEnd))}
	// The 101 response must be read, the frames after it never are.
	go func() {
		br := bufio.NewReader(cliEnd)
		http.ReadResponse(br, r)
	}()
	start := time.Now()
	s.serveHTTP(w, r)
	waitOpen(t, s, 1, 2*time.Second)
	waitOpen(t, s, 0, 5*time.Second)
	lb.waitFor(t, "close=1006(write-timeout)", time.Second)
	if el := time.Since(start); el < 300*time.Millisecond || el > 3*time.Second {
		t.Errorf("closed after %v, want about interval + WriteTimeout", el)
	}
}

func httpUpgradeRequest(t testing.TB) *http.Request {
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	r.RemoteAddr = "pipe"
	return r
}

// pipeHijacker is a minimal http.ResponseWriter + http.Hijacker over a
// net.Pipe, for serveHTTP without a listener.
type pipeHijacker struct {
	conn net.Conn
	rw   *bufio.ReadWriter
	h    http.Header
}

func (p *pipeHijacker) Header() http.Header {
	if p.h == nil {
		p.h = http.Header{}
	}
	return p.h
}
func (p *pipeHijacker) Write(b []byte) (int, error) { return len(b), nil }
func (p *pipeHijacker) WriteHeader(int)             {}
func (p *pipeHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return p.conn, p.rw, nil
}

// --- 3. slowloris -------------------------------------------------------------

// TestStressSlowloris: n clients (1,000; 5,000 with APPCMD_STRESS=1) open
// TCP and dribble a request header one byte every 200 ms (a tenth send
// nothing at all). Each must be disconnected about HeaderTimeout (A15) after
// it connected (a partial header gets net/http's 400 first, a silent client
// nothing), while a normal client upgrades and echoes meanwhile.
func TestStressSlowloris(t *testing.T) {
	n := stressSize(1000, 5000)
	const (
		ht      = time.Second
		dribble = 200 * time.Millisecond
	)
	raiseNoFile(uint64(2*n) + 1000)
	base0 := settledBaseline()
	// The guard (A16) off: this test measures the header timeout alone.
	s, _ := newServer(t, staticLoader(benchConfig(0)), Options{HeaderTimeout: ht, MaxWaiting: -1, MaxWaitingPerAddr: -1})
	addr := s.Addrs()[0].String()
	base1 := settledBaseline()
	peak := startPeakSampler(50 * time.Millisecond)

	lifetimes := make([]time.Duration, n)
	var wrong, answered atomic.Int64
	var wg sync.WaitGroup
	var dialed sync.WaitGroup
	dialed.Add(n)
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t0 := time.Now() // the server's clock starts later, at accept
			c, err := net.DialTimeout("tcp", addr, 10*time.Second)
			dialed.Done()
			if err != nil {
				wrong.Add(1)
				t.Errorf("slowloris %d: %v", i, err)
				return
			}
			defer c.Close()
			header := "GET / HTTP/1.1\r\nHost: " + addr + "\r\nX-Slow: " + strings.Repeat("a", 1000)
			silent := i%10 == 0
			var buf [256]byte
			var answer []byte
			for j := 0; time.Since(t0) < ht+5*time.Second; j++ {
				if !silent && len(answer) == 0 {
					c.SetWriteDeadline(time.Now().Add(time.Second))
					if _, err := c.Write([]byte{header[j%len(header)]}); err != nil {
						break // the server has closed (reset)
					}
				}
				c.SetReadDeadline(time.Now().Add(dribble))
				n, err := c.Read(buf[:])
				answer = append(answer, buf[:n]...)
				var ne net.Error
				if err == nil || errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				break // EOF or reset: closed
			}
			lifetimes[i] = time.Since(t0)
			// net/http answers a partial request line or header with 400
			// before closing (A15); a silent client gets nothing.
			if len(answer) > 0 {
				answered.Add(1)
				if silent || !bytes.HasPrefix(answer, []byte("HTTP/1.1 400 Bad Request\r\n")) {
					wrong.Add(1)
					t.Errorf("slowloris %d (silent %v) got the answer %q", i, silent, answer)
				}
			}
		}(i)
	}
	dialed.Wait()
	dialTime := time.Since(start)
	// A normal client meanwhile: upgrade, echo, and a page request.
	var normalRT []time.Duration
	for k := 0; k < 5; k++ {
		t0 := time.Now()
		c := mustDial(t, addr, "/")
		echo(t, c, "through the slowloris crowd")
		c.Close()
		normalRT = append(normalRT, time.Since(t0))
		time.Sleep(100 * time.Millisecond)
	}
	resp, _ := getNoKeepAlive(t, addr, "/", nil)
	if resp.StatusCode != 200 {
		t.Errorf("page during slowloris: status %d", resp.StatusCode)
	}
	midG := runtime.NumGoroutine()
	wg.Wait()
	pk := peak.finish()
	waitOpen(t, s, 0, 5*time.Second)
	after := waitBaseline(t, "server running, slowloris gone", base1, 10*time.Second)
	final := stopServer(t, s, base0)

	sorted := append([]time.Duration(nil), lifetimes...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	lo, med, hi := sorted[0], sorted[n/2], sorted[n-1]
	sort.Slice(normalRT, func(i, j int) bool { return normalRT[i] < normalRT[j] })
	t.Logf("STRESS test=slowloris conns=%d header_timeout_ms=%d dial_all_ms=%d cut_off_min_ms=%d cut_off_median_ms=%d cut_off_max_ms=%d "+
		"answered_400=%d normal_upgrade_echo_max_ms=%d goroutines_base=%d goroutines_during=%d goroutines_peak=%d goroutines_after=%d goroutines_before_server=%d goroutines_after_shutdown=%d "+
		"fds_base=%d fds_peak=%d fds_after=%d fds_before_server=%d fds_after_shutdown=%d rss_growth_peak_kib=%.0f rss_per_slowloris_kib=%.1f",
		n, ms(ht), ms(dialTime), ms(lo), ms(med), ms(hi), answered.Load(), ms(normalRT[len(normalRT)-1]),
		base1.goroutines, midG, pk.goroutines, after.goroutines, base0.goroutines, final.goroutines,
		base1.fds, pk.fds, after.fds, base0.fds, final.fds, kib(pk.rss-base1.rss), kib(pk.rss-base1.rss)/float64(n))
	if wrong.Load() > 0 {
		t.Errorf("%d slowloris clients failed to connect or got an answer", wrong.Load())
	}
	if lo < ht-50*time.Millisecond || hi > ht+3*time.Second {
		t.Errorf("slowloris cut off after %v..%v, want about %v", lo, hi, ht)
	}
	if normalRT[len(normalRT)-1] > time.Second {
		t.Errorf("normal client took up to %v to upgrade and echo", normalRT[len(normalRT)-1])
	}
}

func getNoKeepAlive(t testing.TB, addr, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// --- 4. oversized frames --------------------------------------------------------

// hugeHeader is a masked binary frame header announcing length bytes.
func hugeHeader(length uint64) []byte {
	h := []byte{0x80 | opBin, 0x80 | 127}
	h = binary.BigEndian.AppendUint64(h, length)
	return append(h, 1, 2, 3, 4) // mask key
}

// TestStressOversizedFrame: n clients (200) each send a frame header
// announcing 1 GiB (receiveBufferLimit 4 MiB) and nothing else. Each gets
// Close 1009 at once (A5), without the server reading or allocating the
// payload. Most then hang up; one trickles a byte every 100 ms and is cut
// off after closeWait (A7). A header whose 64-bit length has its top bit
// set gets Close 1009 too (gorilla alone closed TCP without a Close frame).
func TestStressOversizedFrame(t *testing.T) {
	n := stressSize(200, 1000)
	const announced = 1 << 30
	base0 := settledBaseline()
	s, lb := newServer(t, staticLoader(benchConfig(0)), Options{})
	addr := s.Addrs()[0].String()
	base1 := settledBaseline()
	peak := startPeakSampler(20 * time.Millisecond)

	clients := make([]*rawClient, n)
	parallel(n, 32, func(i int) { clients[i] = rawDial(t, addr, "", "/") })
	waitOpen(t, s, n, 5*time.Second)
	runtime.GC()
	alloc0, heap0 := totalAlloc(), heapObjects()
	lat := make([]time.Duration, n)
	var bad atomic.Int64
	start := time.Now()
	parallel(n, 32, func(i int) {
		t0 := time.Now()
		clients[i].send(t, hugeHeader(announced))
		f, err := clients[i].readFrame(5 * time.Second)
		lat[i] = time.Since(t0)
		if err != nil || f.opcode != opClose || f.closeCode() != 1009 || len(f.payload) != 2 {
			bad.Add(1)
			t.Errorf("client %d: %v %v, want Close 1009 with empty reason", i, f, err)
		}
	})
	all1009 := time.Since(start)
	allocDelta := int64(totalAlloc() - alloc0)
	heapDelta := heapObjects() - heap0

	// One trickles payload bytes (the server discards them, waiting for a
	// Close frame that cannot come before 1 GiB), the rest hang up.
	trickler := clients[0]
	trickleDone := make(chan time.Duration, 1)
	go func() {
		t0 := time.Now()
		for time.Since(t0) < closeWait+5*time.Second {
			trickler.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := trickler.Write([]byte{0}); err != nil {
				break
			}
			trickler.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			_, err := trickler.br.ReadByte()
			var ne net.Error
			if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
				break
			}
		}
		trickleDone <- time.Since(t0)
	}()
	hangup := time.Now()
	for _, c := range clients[1:] {
		c.Close()
	}
	waitOpen(t, s, 1, 5*time.Second)
	hangupTime := time.Since(hangup)

	// Top bit of the 64-bit length set: gorilla gives up without a Close
	// frame; the server sends 1009 (A5).
	rc := rawDial(t, addr, "", "/")
	rc.send(t, hugeHeader(1<<63|announced))
	f, err := rc.readFrame(2 * time.Second)
	if err != nil || f.opcode != opClose || f.closeCode() != 1009 {
		t.Errorf("length with top bit set: %v %v, want Close 1009", f, err)
	}
	rc.Close()

	trickleLife := <-trickleDone
	trickler.Close()
	waitOpen(t, s, 0, 5*time.Second)
	pk := peak.finish()
	if got := strings.Count(lb.String(), "close=1009(server)"); got != n+1 {
		t.Errorf("server logged %d close=1009(server) lines, want %d", got, n+1)
	}
	after := waitBaseline(t, "server running, all closed", base1, 10*time.Second)
	final := stopServer(t, s, base0)

	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("STRESS test=oversized_frame conns=%d announced_bytes=%d limit_bytes=%d close1009_median_ms=%.1f close1009_max_ms=%.1f all_1009_ms=%d "+
		"alloc_during_kib=%.0f alloc_per_conn_kib=%.1f heap_growth_kib=%.0f announced_total_gib=%d hangup_to_closed_ms=%d trickler_cut_off_ms=%d close_wait_ms=%d "+
		"%s rss_growth_peak_kib=%.0f",
		n, announced, 4194304, float64(lat[n/2])/1e6, float64(lat[n-1])/1e6, ms(all1009),
		kib(allocDelta), kib(allocDelta)/float64(n), kib(heapDelta), n*announced>>30, ms(hangupTime), ms(trickleLife), ms(closeWait),
		leakFields(base0, base1, pk, after, final), kib(pk.rss-base1.rss))
	if lat[n-1] > 2*time.Second {
		t.Errorf("Close 1009 took up to %v", lat[n-1])
	}
	// Client and server together, per connection: a few KiB, not the GiB.
	if per := allocDelta / int64(n); per > 256<<10 {
		t.Errorf("allocated %.0f KiB per oversized frame", kib(per))
	}
	if trickleLife < closeWait-500*time.Millisecond || trickleLife > closeWait+3*time.Second {
		t.Errorf("trickling client cut off after %v, want about closeWait (%v)", trickleLife, closeWait)
	}
}

// --- 5. ping flood ----------------------------------------------------------------

// pingBatch is count masked Ping frames with payloads of size bytes.
func pingBatch(count, size int) []byte {
	var b []byte
	p := bytes.Repeat([]byte("p"), size)
	for i := 0; i < count; i++ {
		b = append(b, frame(true, 0, opPing, true, p)...)
	}
	return b
}

// TestStressPingFlood: clients send Pings as fast as they can. Two read
// their Pongs (one with empty, one with 125-byte Pings): every Ping is
// answered. Four never read (125-byte Pings): once their Pongs fill the TCP
// buffers the Pong write blocks and the connection is dropped after
// WriteTimeout (A14), close=1006(write-timeout). A normal connection keeps
// echoing meanwhile; memory and goroutines stay flat.
func TestStressPingFlood(t *testing.T) {
	const (
		readers    = 2
		nonReaders = 4
		wt         = time.Second
		batch      = 256
	)
	perReader := stressSize(20000, 200000)
	base0 := settledBaseline()
	s, lb := newServer(t, staticLoader(benchConfig(0)), Options{WriteTimeout: wt})
	addr := s.Addrs()[0].String()
	base1 := settledBaseline()
	peak := startPeakSampler(20 * time.Millisecond)
	probe := startEchoProbe(t, addr, "/", 20*time.Millisecond)
	start := time.Now()

	// Non-readers.
	var floodSent atomic.Int64
	var wg sync.WaitGroup
	dropped := make([]time.Duration, nonReaders)
	for i := 0; i < nonReaders; i++ {
		rc := rawDial(t, addr, "", "/")
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			b := pingBatch(batch, 125)
			t0 := time.Now()
			for time.Since(t0) < 20*time.Second {
				rc.SetWriteDeadline(time.Now().Add(20 * time.Second))
				if _, err := rc.Write(b); err != nil {
					break
				}
				floodSent.Add(batch)
			}
			dropped[i] = time.Since(t0)
			rc.Close()
		}(i)
	}
	// Readers.
	var readerErr atomic.Int64
	answered := make([]int64, readers)
	for i := 0; i < readers; i++ {
		size := 0
		if i%2 == 1 {
			size = 125
		}
		rc := rawDial(t, addr, "", "/")
		wg.Add(2)
		go func() {
			defer wg.Done()
			b := pingBatch(batch, size)
			for sent := 0; sent < perReader; sent += batch {
				rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if _, err := rc.Write(b); err != nil {
					readerErr.Add(1)
					return
				}
			}
		}()
		go func(i int) {
			defer wg.Done()
			defer rc.Close()
			want := bytes.Repeat([]byte("p"), size)
			for answered[i] < int64((perReader+batch-1)/batch*batch) {
				f, err := rc.readFrame(10 * time.Second)
				if err != nil || f.opcode != opPong || !bytes.Equal(f.payload, want) {
					readerErr.Add(1)
					t.Errorf("reader %d after %d pongs: %v %v", i, answered[i], f, err)
					return
				}
				answered[i]++
			}
		}(i)
	}
	wg.Wait()
	floodTime := time.Since(start)
	waitOpen(t, s, 1, 10*time.Second)
	time.Sleep(100 * time.Millisecond)
	probe.finish(t)
	pk := peak.finish()
	if got := strings.Count(lb.String(), "close=1006(write-timeout)"); got != nonReaders {
		t.Errorf("server logged %d close=1006(write-timeout) lines, want %d", got, nonReaders)
	}
	after := waitBaseline(t, "server running, all closed", base1, 10*time.Second)
	final := stopServer(t, s, base0)

	sort.Slice(dropped, func(i, j int) bool { return dropped[i] < dropped[j] })
	t.Logf("STRESS test=ping_flood readers=%d pings_per_reader=%d pongs_answered=%d non_readers=%d non_reader_pings_sent=%d write_timeout_ms=%d "+
		"non_reader_dropped_min_ms=%d non_reader_dropped_max_ms=%d flood_total_ms=%d %s "+
		"heap_growth_peak_kib=%.0f rss_growth_peak_kib=%.0f %s",
		readers, perReader, answered[0]+answered[1], nonReaders, floodSent.Load(), ms(wt),
		ms(dropped[0]), ms(dropped[nonReaders-1]), ms(floodTime), probe,
		kib(pk.heap-base1.heap), kib(pk.rss-base1.rss), leakFields(base0, base1, pk, after, final))
	if readerErr.Load() > 0 {
		t.Errorf("%d reader errors", readerErr.Load())
	}
	if dropped[nonReaders-1] > 15*time.Second {
		t.Errorf("non-reading flooders dropped after up to %v", dropped[nonReaders-1])
	}
	if rt := time.Duration(probe.maxRT.Load()); rt > time.Second {
		t.Errorf("probe round trip took up to %v during the flood", rt)
	}
	// Test clients and server share the process: 1 goroutine per server
	// connection, at most 3 per test client, the sampler, slack.
	if g := pk.goroutines - base1.goroutines; g > 4*(readers+nonReaders+1)+10 {
		t.Errorf("goroutines grew by %d during the flood", g)
	}
	if h := pk.heap - base1.heap; h > 64<<20 {
		t.Errorf("heap grew by %.0f KiB during the flood", kib(h))
	}
}

// --- 6. reload storm --------------------------------------------------------------

// stormConfig is generation g: receiveBufferLimit 4096+g on "/", and on
// even generations a second binding (so listeners come and go too).
func stormConfig(g, p1, p2 int) fakeConfig {
	b := []Binding{httpB("127.0.0.1", p1, "")}
	if g%2 == 0 {
		b = append(b, httpB("127.0.0.1", p2, ""))
	}
	return fakeConfig{
		Sites: []Site{{Name: "Default Web Site", ID: 1, Bindings: b}},
		Rules: []fakeRule{{Site: "Default Web Site", Path: "/", Limit: iptr(int64(4096 + g)), Origin: "gen " + strconv.Itoa(g)}},
	}
}

// TestStressReloadStorm: 100 configuration changes, each written to the
// file and picked up by the server's own watcher (every tenth also with
// Reload, the SIGHUP path), while n connections (200; 1,000 with
// APPCMD_STRESS=1) echo. Every change moves receiveBufferLimit and adds or
// removes a listener. No connection is dropped, each new connection gets
// the settings of the moment (checked by JSON and by the limit itself),
// an old one keeps its own (A9), and nothing leaks.
func TestStressReloadStorm(t *testing.T) {
	n := stressSize(200, 1000)
	const reloads = 100
	p1, p2 := freePort(t), freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "storm.json")
	writeConfig(t, cfgPath, stormConfig(1, p1, p2))
	base0 := settledBaseline()
	s, lb := newServer(t, fileLoader(cfgPath), Options{Listen: "-", PollInterval: 5 * time.Millisecond})
	addr1, addr2 := "127.0.0.1:"+strconv.Itoa(p1), "127.0.0.1:"+strconv.Itoa(p2)
	base1 := settledBaseline()
	peak := startPeakSampler(50 * time.Millisecond)

	old := mustDial(t, addr1, "/") // generation 1: limit 4097
	conns := make([]*websocket.Conn, n)
	parallel(n, 32, func(i int) {
		c, err := dial(t, addr1, "", "/", nil)
		if err != nil {
			t.Error(err)
			return
		}
		conns[i] = c
	})
	if t.Failed() {
		t.FailNow()
	}
	var stop atomic.Bool
	var rts, errs atomic.Int64
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func(i int, c *websocket.Conn) {
			defer wg.Done()
			msg := []byte("storm " + strconv.Itoa(i))
			for !stop.Load() {
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				err := c.WriteMessage(websocket.TextMessage, msg)
				if err == nil {
					var got []byte
					if _, got, err = c.ReadMessage(); err == nil && !bytes.Equal(got, msg) {
						err = fmt.Errorf("echo %q", got)
					}
				}
				if err != nil {
					errs.Add(1)
					t.Errorf("connection %d failed during the storm: %v", i, err)
					return
				}
				rts.Add(1)
				time.Sleep(50 * time.Millisecond)
			}
		}(i, c)
	}

	limitNow := func(st *state) int64 { return *st.snap.(*fakeSnap).cfg.Rules[0].Limit }
	var reloadTimes []time.Duration
	stormStart := time.Now()
	for g := 2; g <= reloads+1; g++ {
		t0 := time.Now()
		writeConfig(t, cfgPath, stormConfig(g, p1, p2))
		if g%10 == 0 {
			if err := s.Reload(); err != nil {
				t.Fatalf("Reload at generation %d: %v", g, err)
			}
		}
		for limitNow(s.state.Load()) != int64(4096+g) {
			if time.Since(t0) > 5*time.Second {
				t.Fatalf("generation %d not picked up within 5 s", g)
			}
			time.Sleep(time.Millisecond)
		}
		reloadTimes = append(reloadTimes, time.Since(t0))
		// The effective settings of the moment, as a new request sees them.
		_, body := getNoKeepAlive(t, addr1, "/", map[string]string{"Accept": "application/json"})
		var info pageInfo
		if err := json.Unmarshal(body, &info); err != nil || info.ReceiveBufferLimit != int64(4096+g) {
			t.Fatalf("generation %d: page says receiveBufferLimit %d (%v)", g, info.ReceiveBufferLimit, err)
		}
		// The second listener is bound before the new state is swapped
		// in and closed just after it.
		for t1 := time.Now(); ; time.Sleep(time.Millisecond) {
			c2, err := net.DialTimeout("tcp", addr2, time.Second)
			if err == nil {
				c2.Close()
			}
			if (err == nil) == (g%2 == 0) {
				break
			}
			if time.Since(t1) > 2*time.Second {
				t.Errorf("generation %d: second listener open=%v, want %v", g, err == nil, g%2 == 0)
				break
			}
		}
		if g%10 == 0 || g == reloads+1 {
			// A new connection gets the new limit: at the limit echoed, one
			// byte more 1009.
			c := mustDial(t, addr1, "/")
			at := bytes.Repeat([]byte("L"), 4096+g)
			echo(t, c, string(at))
			c.WriteMessage(websocket.BinaryMessage, append(at, 'X'))
			if code := readClose(t, c, 5*time.Second); code != 1009 {
				t.Errorf("generation %d: over-limit message closed with %d, want 1009", g, code)
			}
			c.Close()
		}
	}
	stormTime := time.Since(stormStart)
	time.Sleep(200 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	if errs.Load() > 0 || s.OpenConnections() != n+1 {
		t.Errorf("after the storm: %d connections failed, server has %d open (want %d)", errs.Load(), s.OpenConnections(), n+1)
	}
	// The connection from generation 1 still has limit 4097 (A9).
	echo(t, old, strings.Repeat("o", 4097))
	old.WriteMessage(websocket.BinaryMessage, bytes.Repeat([]byte("o"), 4098))
	if code := readClose(t, old, 5*time.Second); code != 1009 {
		t.Errorf("old connection: 4098 bytes closed with %d, want 1009 (its limit is 4097)", code)
	}
	parallel(n, 32, func(i int) {
		c := conns[i]
		c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(5*time.Second))
		readClose(t, c, 5*time.Second)
		c.Close()
	})
	old.Close()
	waitOpen(t, s, 0, 10*time.Second)
	pk := peak.finish()
	gen := s.state.Load().gen
	if got := strings.Count(lb.String(), "close=1000(client)"); got != n {
		t.Errorf("server logged %d close=1000(client) lines, want %d (a connection ended early?)", got, n)
	}
	after := waitBaseline(t, "server running, storm over", base1, 10*time.Second)
	final := stopServer(t, s, base0)

	sort.Slice(reloadTimes, func(i, j int) bool { return reloadTimes[i] < reloadTimes[j] })
	t.Logf("STRESS test=reload_storm conns=%d config_changes=%d server_generations=%d storm_ms=%d reload_seen_median_ms=%.1f reload_seen_max_ms=%.1f "+
		"echo_round_trips=%d dropped=%d listeners_added_removed=%d "+
		"%s rss_growth_peak_kib=%.0f",
		n, reloads, gen, ms(stormTime), float64(reloadTimes[len(reloadTimes)/2])/1e6, float64(reloadTimes[len(reloadTimes)-1])/1e6,
		rts.Load(), errs.Load(), reloads/2,
		leakFields(base0, base1, pk, after, final), kib(pk.rss-base1.rss))
	if gen < reloads+1 {
		t.Errorf("server reached generation %d, want >= %d", gen, reloads+1)
	}
}

func TestTimeoutOptions(t *testing.T) {
	for _, o := range []Options{{HeaderTimeout: -1}, {WriteTimeout: -1}} {
		if _, err := New(staticLoader(benchConfig(0)), o); err == nil {
			t.Errorf("New(%+v) accepted a negative timeout", o)
		}
	}
	s, err := New(staticLoader(benchConfig(0)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.opts.HeaderTimeout != headerTimeout || s.writeTimeout != writeTimeout || s.kaWriteTimeout != keepaliveWriteTimeout {
		t.Errorf("defaults: header %v write %v keepalive %v", s.opts.HeaderTimeout, s.writeTimeout, s.kaWriteTimeout)
	}
	base := settledBaseline()
	s, _ = newServer(t, staticLoader(benchConfig(0)), Options{HeaderTimeout: 3 * time.Second, WriteTimeout: 2 * time.Second})
	if s.writeTimeout != 2*time.Second || s.kaWriteTimeout != 2*time.Second {
		t.Errorf("WriteTimeout 2s: write %v keepalive %v", s.writeTimeout, s.kaWriteTimeout)
	}
	for _, l := range s.lns {
		if l.srv.ReadHeaderTimeout != 3*time.Second {
			t.Errorf("ReadHeaderTimeout = %v", l.srv.ReadHeaderTimeout)
		}
	}
	stopServer(t, s, base)
}

// TestStressShutdownWhileReloading: Shutdown must not wait for the file
// watcher while holding the reload lock the watcher takes on every poll
// (found by the reload storm: Shutdown hung for good when it took the lock
// just as a poll was due). Many short-lived servers whose file changes all
// the time, each shut down at a random moment; it used to hang within a
// few hundred.
func TestStressShutdownWhileReloading(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "cfg.json")
	writeConfig(t, cfgPath, stormConfig(1, 0, 0))
	base0 := settledBaseline()
	var stop atomic.Bool
	writer := make(chan struct{})
	go func() {
		defer close(writer)
		for g := 2; !stop.Load(); g++ {
			writeConfig(t, cfgPath, stormConfig(g, 0, 0))
			time.Sleep(200 * time.Microsecond)
		}
	}()
	deadline := time.Now().Add(stressDuration(2*time.Second, 20*time.Second))
	n := 0
	for ; time.Now().Before(deadline); n++ {
		s, _ := newServer(t, fileLoader(cfgPath), Options{PollInterval: time.Millisecond})
		time.Sleep(time.Duration(n%7) * time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- s.Shutdown(context.Background()) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
		case <-time.After(10 * time.Second):
			// (Shutdown's ctx would not help: its caller runs shutdown.)
			var b bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("Shutdown %d deadlocked with the watcher:\n%s", n, b.String())
		}
	}
	stop.Store(true)
	<-writer
	t.Logf("%d servers shut down while their watcher was reloading", n)
	waitBaseline(t, "after the last Shutdown", base0, 5*time.Second)
}
