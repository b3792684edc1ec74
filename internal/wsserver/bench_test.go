package wsserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// Benchmarks against a bare gorilla/websocket echo server in the same
// process, with the load generator in a separate process (this test binary
// re-executed with WSSERVER_BENCH_CLIENT set), so the server process's CPU
// time and RSS are the server's alone.
//
//	APPCMD_BENCH=1 go test ./wsserver -run '^TestBench' -v -timeout 10m
//
// In-process testing.B variants (client and server share the process):
//
//	go test ./wsserver -run '^$' -bench . -benchtime 2s

const benchEnv = "APPCMD_BENCH"

func TestMain(m *testing.M) {
	switch os.Getenv("WSSERVER_BENCH_CLIENT") {
	case "":
		os.Exit(m.Run())
	case "echo":
		os.Exit(echoClient(os.Args[len(os.Args)-4:]))
	case "idle":
		os.Exit(idleClient(os.Args[len(os.Args)-2:]))
	case "conns":
		os.Exit(connsClient(os.Args[len(os.Args)-3:]))
	case "slow":
		os.Exit(slowClient(os.Args[len(os.Args)-5:]))
	default:
		fmt.Fprintln(os.Stderr, "unknown WSSERVER_BENCH_CLIENT")
		os.Exit(2)
	}
}

// bareEcho is the reference: the gorilla/websocket echo example as is
// (default Upgrader buffers, ReadMessage/WriteMessage in the handler).
func bareEcho(t testing.TB) (addr string, stop func()) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, p); err != nil {
				return
			}
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }
}

func oursEcho(t testing.TB, cfg fakeConfig) (*Server, string, func()) {
	return oursServer(t, staticLoader(cfg))
}

// oursServer starts a quiet server on loopback; stop shuts it down.
func oursServer(t testing.TB, loader Loader) (s *Server, addr string, stop func()) {
	s, err := New(loader, Options{Listen: "127.0.0.1:0", Log: io.Discard, PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, s.Addrs()[0].String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	}
}

func benchConfig(ping time.Duration) fakeConfig {
	cfg := fakeConfig{Sites: []Site{{Name: "Default Web Site", ID: 1, Bindings: []Binding{httpB("*", 80, "")}}}}
	if ping > 0 {
		cfg.Rules = []fakeRule{{Site: "Default Web Site", Path: "/", Ping: dptr(ping), Origin: "bench"}}
	}
	return cfg
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// helper process plumbing: the child prints lines, reads commands.
type child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startChild(t testing.TB, mode string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$"}, args...)...)
	cmd.Env = append(os.Environ(), "WSSERVER_BENCH_CLIENT="+mode)
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return c
}

func (c *child) expect(t testing.TB, prefix string) string {
	t.Helper()
	for c.out.Scan() {
		l := c.out.Text()
		if strings.HasPrefix(l, prefix) {
			return strings.TrimSpace(strings.TrimPrefix(l, prefix))
		}
	}
	t.Fatalf("child ended before %q: %v", prefix, c.out.Err())
	return ""
}

func (c *child) send(cmd string) { io.WriteString(c.in, cmd+"\n") }

// echoClient: args addr conns size duration. Connects all, prints "ready",
// waits for "go", runs round trips for duration, prints "result N NS".
func echoClient(args []string) int {
	addr, conns, size, dur := args[0], atoi(args[1]), atoi(args[2]), mustDur(args[3])
	d := websocket.Dialer{}
	cs := make([]*websocket.Conn, conns)
	for i := range cs {
		c, _, err := d.Dial("ws://"+addr+"/", nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial:", err)
			return 1
		}
		cs[i] = c
	}
	msg := bytes.Repeat([]byte("x"), size)
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	in.Scan()
	var total atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	start := time.Now()
	for _, c := range cs {
		wg.Add(1)
		go func(c *websocket.Conn) {
			defer wg.Done()
			for !stop.Load() {
				if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
					return
				}
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
				total.Add(1)
			}
		}(c)
	}
	time.Sleep(dur)
	stop.Store(true)
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("result %d %d\n", total.Load(), el.Nanoseconds())
	in.Scan()
	for _, c := range cs {
		c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(time.Second))
		c.Close()
	}
	return 0
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
func mustDur(s string) time.Duration {
	d, _ := time.ParseDuration(s)
	return d
}

type echoRun struct {
	rps      float64       // round trips per second
	cpuPerRT time.Duration // server CPU per round trip
}

func runEchoLoad(t *testing.T, addr string, conns, size int, dur time.Duration) echoRun {
	c := startChild(t, "echo", addr, strconv.Itoa(conns), strconv.Itoa(size), dur.String())
	c.expect(t, "ready")
	runtime.GC()
	cpu0 := cpuTime()
	c.send("go")
	res := strings.Fields(c.expect(t, "result"))
	cpu := cpuTime() - cpu0
	c.send("quit")
	c.cmd.Wait()
	n, ns := atoi(res[0]), atoi(res[1])
	return echoRun{rps: float64(n) / (float64(ns) / 1e9), cpuPerRT: cpu / time.Duration(max(n, 1))}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func TestBenchEchoVsBare(t *testing.T) {
	if os.Getenv(benchEnv) != "1" {
		t.Skipf("set %s=1 to run", benchEnv)
	}
	bareAddr, stopBare := bareEcho(t)
	defer stopBare()
	_, oursAddr, stopOurs := oursEcho(t, benchConfig(0))
	defer stopOurs()
	const conns, rounds = 100, 5
	dur := 2 * time.Second
	for _, size := range []int{64, 16384} {
		var tput, cpu []float64
		for r := 0; r < rounds; r++ {
			var b, o echoRun
			if r%2 == 0 {
				b = runEchoLoad(t, bareAddr, conns, size, dur)
				o = runEchoLoad(t, oursAddr, conns, size, dur)
			} else {
				o = runEchoLoad(t, oursAddr, conns, size, dur)
				b = runEchoLoad(t, bareAddr, conns, size, dur)
			}
			tput = append(tput, o.rps/b.rps)
			cpu = append(cpu, float64(o.cpuPerRT)/float64(b.cpuPerRT))
			t.Logf("size %5d round %d: bare %8.0f rt/s %6.2f µs CPU/rt | ours %8.0f rt/s %6.2f µs CPU/rt",
				size, r, b.rps, us(b.cpuPerRT), o.rps, us(o.cpuPerRT))
		}
		mt, mc := median(tput), median(cpu)
		t.Logf("RESULT %d conns x %d B: throughput ours/bare = %.3fx (target >= 1.0), server CPU per round trip ours/bare = %.3fx (target <= 1.05); medians of %d alternating rounds",
			conns, size, mt, mc, rounds)
		if mt < 0.9 || mc > 1.15 {
			t.Errorf("size %d: far from target (throughput %.3fx, CPU %.3fx)", size, mt, mc)
		}
	}
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// idleClient: args addr n. Opens n connections (each with a reader that
// counts control frames), prints "ready N", then answers "stats" with
// "stats {json}" until "quit".
func idleClient(args []string) int {
	addr, n := args[0], atoi(args[1])
	raiseNoFile(uint64(n) + 1000)
	var pongs, closed atomic.Int64
	d := websocket.Dialer{ReadBufferSize: 256, WriteBufferSize: 256, HandshakeTimeout: 10 * time.Second}
	conns := make([]*websocket.Conn, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	var failed atomic.Int64
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			var c *websocket.Conn
			var err error
			for try := 0; try < 5; try++ {
				if c, _, err = d.Dial("ws://"+addr+"/", nil); err == nil {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				failed.Add(1)
				fmt.Fprintln(os.Stderr, "dial:", err)
				return
			}
			conns[i] = c
			c.SetPongHandler(func(string) error { pongs.Add(1); return nil })
			go func() {
				for {
					if _, _, err := c.NextReader(); err != nil {
						closed.Add(1)
						return
					}
				}
			}()
		}(i)
	}
	wg.Wait()
	fmt.Printf("ready %d\n", int64(n)-failed.Load())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch in.Text() {
		case "stats":
			b, _ := json.Marshal(map[string]int64{"conns": int64(n) - failed.Load(), "closed": closed.Load(), "pongs": pongs.Load()})
			fmt.Printf("stats %s\n", b)
		case "quit":
			for _, c := range conns {
				if c != nil {
					c.Close()
				}
			}
			return 0
		}
	}
	return 0
}

func raiseNoFile(n uint64) {
	var rl syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	if rl.Cur >= n {
		return
	}
	if rl.Max < n {
		rl.Max = n // needs privilege; falls back below
	}
	rl.Cur = n
	if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl) != nil {
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
		rl.Cur = rl.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
}

type memSample struct {
	rss, heapObjects, stacks, totalGo int64
	goroutines                        int
}

func sampleMem() memSample {
	ss := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}, {Name: "/memory/classes/total:bytes"}}
	metrics.Read(ss)
	return memSample{rss: testenv.RSS(), heapObjects: int64(ss[0].Value.Uint64()), stacks: int64(ss[1].Value.Uint64()),
		totalGo: int64(ss[2].Value.Uint64()), goroutines: runtime.NumGoroutine()}
}

func (c *child) stats(t testing.TB) map[string]int64 {
	c.send("stats")
	var m map[string]int64
	json.Unmarshal([]byte(c.expect(t, "stats")), &m)
	return m
}

func TestBenchIdleConnections(t *testing.T) {
	if os.Getenv(benchEnv) != "1" {
		t.Skipf("set %s=1 to run", benchEnv)
	}
	n := 10000
	if s := os.Getenv("APPCMD_BENCH_IDLE"); s != "" {
		n = atoi(s)
	}
	raiseNoFile(uint64(n) + 1000)
	var rl syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	if rl.Cur < uint64(n)+100 {
		t.Skipf("RLIMIT_NOFILE %d too low for %d connections", rl.Cur, n)
	}
	var gen atomic.Int64
	loader := func() (Snapshot, error) {
		gen.Add(1)
		cfg := benchConfig(time.Second)
		cfg.Rules = append(cfg.Rules, fakeRule{Site: "Default Web Site", Path: "/g" + strconv.FormatInt(gen.Load(), 10), Enabled: bptr(false), Origin: "bench"})
		return &fakeSnap{cfg: cfg}, nil
	}
	s, addr, stop := oursServer(t, loader)
	defer stop()

	runtime.GC()
	debug.FreeOSMemory()
	before := sampleMem()
	start := time.Now()
	c := startChild(t, "idle", addr, strconv.Itoa(n))
	ready := atoi(c.expect(t, "ready"))
	t.Logf("%d connections open in %v", ready, time.Since(start).Round(time.Millisecond))
	if ready != n {
		t.Fatalf("only %d of %d connections", ready, n)
	}
	for s.OpenConnections() < n {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // keepalives flowing
	st0 := c.stats(t)
	during := sampleMem()
	cpu0 := cpuTime()
	time.Sleep(2 * time.Second)
	kaCPU := float64(cpuTime()-cpu0) / float64(2*time.Second)
	st1 := c.stats(t)
	pongRate := float64(st1["pongs"]-st0["pongs"]) / 2
	runtime.GC()
	debug.FreeOSMemory()
	settled := sampleMem()
	if f := os.Getenv("APPCMD_BENCH_HEAPPROFILE"); f != "" {
		if w, err := os.Create(f); err == nil {
			pprof.Lookup("heap").WriteTo(w, 0)
			w.Close()
		}
	}

	per := func(a, b int64) float64 { return float64(a-b) / float64(n) / 1024 }
	t.Logf("RESULT idle: %d connections, pingInterval 1 s: server RSS per connection %.1f KiB (target <= 16), after GC+FreeOSMemory %.1f KiB; heap objects %.1f KiB/conn, goroutine stacks %.1f KiB/conn, goroutines %d -> %d; keepalives received %.0f/s (expected %d/s) costing %.1f%% of one core",
		n, per(during.rss, before.rss), per(settled.rss, before.rss), per(settled.heapObjects, before.heapObjects),
		per(settled.stacks, before.stacks), before.goroutines, settled.goroutines, pongRate, n, kaCPU*100)
	if per(during.rss, before.rss) > 16 {
		t.Errorf("RSS per connection %.1f KiB > 16 KiB", per(during.rss, before.rss))
	}
	if pongRate < float64(n)*0.8 || pongRate > float64(n)*1.2 {
		t.Errorf("keepalive rate %.0f/s, want about %d/s", pongRate, n)
	}

	// Reload with all connections open: none dropped, keepalives go on.
	rstart := time.Now()
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	rdur := time.Since(rstart)
	time.Sleep(1500 * time.Millisecond)
	st2 := c.stats(t)
	t.Logf("RESULT reload with %d open connections took %v: closed %d, server open %d, keepalives in the 1.5 s after %d",
		n, rdur.Round(time.Microsecond), st2["closed"], s.OpenConnections(), st2["pongs"]-st1["pongs"])
	if st2["closed"] != 0 || s.OpenConnections() != n {
		t.Errorf("reload dropped connections: client saw %d closed, server has %d open", st2["closed"], s.OpenConnections())
	}
	if st2["pongs"]-st1["pongs"] < int64(n) {
		t.Errorf("keepalives stalled after reload")
	}
	c.send("quit")
	c.cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for s.OpenConnections() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.OpenConnections() != 0 {
		t.Errorf("%d connections left after the client quit", s.OpenConnections())
	}
}

// In-process benchmarks: one connection, round trips.

func benchRoundTrip(b *testing.B, addr string, size int) {
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := bytes.Repeat([]byte("x"), size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEcho(b *testing.B) {
	bareAddr, stopBare := bareEcho(b)
	defer stopBare()
	_, oursAddr, stopOurs := oursEcho(b, benchConfig(0))
	defer stopOurs()
	for _, size := range []int{64, 16384} {
		b.Run(fmt.Sprintf("bare/%d", size), func(b *testing.B) { benchRoundTrip(b, bareAddr, size) })
		b.Run(fmt.Sprintf("ours/%d", size), func(b *testing.B) { benchRoundTrip(b, oursAddr, size) })
	}
}
