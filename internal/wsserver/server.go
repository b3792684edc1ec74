// Package wsserver is the test WebSocket server behind "appcmd serve": it
// listens on the http bindings of IIS sites, routes each request to a site
// the way HTTP.sys does, resolves the effective system.webServer/webSocket
// settings for the URL through a Snapshot, and behaves accordingly (echo
// handler, keepalives, receive limit, 500.19 on configuration errors). It
// reloads when any file the configuration came from changes.
//
// The behaviour follows ../shared/reference/websocket.md §8; the places where
// it stands in for undocumented IIS behaviour are listed in assume.go.
package wsserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// PingOpcode selects the keepalive frame sent every pingInterval.
type PingOpcode int

const (
	// PingOpcodePong sends unsolicited Pong frames (default; what the
	// Windows WebSocket stack does, see assume.go A3).
	PingOpcodePong PingOpcode = iota
	// PingOpcodePing sends Ping frames (the peer answers with Pongs, which
	// are ignored).
	PingOpcodePing
)

// Options configure a Server.
type Options struct {
	// Sites to serve by name (case-insensitive); empty = all sites.
	Sites []string
	// Listen, when not empty, replaces the addresses of all selected sites'
	// http bindings by this one address (e.g. "127.0.0.1:0"). Routing by
	// Host header still applies; binding IPs and ports are then ignored.
	Listen string
	// ListenTLS is Listen for https bindings. Either one given replaces
	// every binding address: a scheme without its own is then not served.
	ListenTLS string
	// TLS serves https bindings (its GetCertificate chooses by SNI host
	// name); nil = https bindings are skipped.
	TLS *tls.Config
	// WildcardAll listens for "*" bindings on every address; by default
	// they are served on loopback (127.0.0.1) only, so that a test server
	// opens no port to the network by surprise.
	WildcardAll bool
	// PingOpcode is the keepalive frame type (default Pong).
	PingOpcode PingOpcode
	// Log receives one line per event (nil = discard).
	Log io.Writer
	// Color colours the log.
	Color bool
	// PollInterval is how often the configuration files are checked for
	// changes: 0 = 1 s, negative = never (Reload still works).
	PollInterval time.Duration
	// HeaderTimeout is how long a client may take to send a request's
	// headers before the connection is dropped (slowloris): 0 =
	// headerTimeout (A15, 10 s).
	HeaderTimeout time.Duration
	// MaxWaiting bounds the connections that are neither upgraded nor
	// inside a handler (waiting for request headers, or idle between
	// requests); MaxWaitingPerAddr bounds them per client IP address. At a
	// limit the one that has waited longest is closed (A16). 0 = a quarter
	// of the descriptor limit (64 to 16,384) and a quarter of that per
	// address; negative = no limit.
	MaxWaiting, MaxWaitingPerAddr int
	// WriteTimeout bounds every write to an upgraded connection (echo,
	// Pong, keepalive, notice): 0 = writeTimeout (A14) and
	// keepaliveWriteTimeout (A4), 10 s each.
	WriteTimeout time.Duration
}

// Server serves WebSocket test endpoints for IIS sites. Create it with New,
// then Start; stop it with Shutdown (or by cancelling Start's context).
type Server struct {
	loader Loader
	opts   Options
	log    *logger
	rate   *rateLimited // floods of warnings (slowloris guard, bad URLs, accept errors)
	guard  *connGuard
	// closers: the recent stop/recycle sweeps, for upgrades in flight.
	closers closers

	upgrader websocket.Upgrader
	handler  http.Handler

	state atomic.Pointer[state]

	reloadMu sync.Mutex // serialises loads and listener changes
	watch    fileWatch
	lnMu     sync.Mutex
	lns      map[string]*listener

	conns    connSet
	reqs     requestSet
	sites    siteCounters // maxConnections (limits.go)
	idle     idleTimers   // connectionTimeout (limits.go)
	rt       runtimeSel
	ka       *keepalives
	shutting atomic.Bool

	writeTimeout   time.Duration // data writes and Pongs (A14)
	kaWriteTimeout time.Duration // keepalives (A4)

	startOnce    sync.Once
	started      bool
	shutdownOnce sync.Once
	stopWatch    context.CancelFunc
	watchDone    chan struct{}
	done         chan struct{}
	shutdownErr  error
}

// state is what a request needs, swapped atomically on reload.
type state struct {
	snap      Snapshot
	routes    *routeTable
	plan      []listenerSpec
	skipped   []skippedBinding
	served    map[string]bool   // lower-case names of the sites listened for
	apps      map[string][]App  // by site name as configured (runtime.go)
	limits    map[string]Limits // by lower-case site name
	usedPools map[string]bool   // lower-case pools of served sites
	loadStart time.Time
	gen       int
}

type listener struct {
	spec listenerSpec
	ln   net.Listener
	srv  *http.Server
}

type ctxKey struct{}

// New loads the initial snapshot and checks that the selected sites exist.
// It does not listen yet.
func New(loader Loader, opts Options) (*Server, error) {
	if loader == nil {
		return nil, errors.New("wsserver: nil loader")
	}
	if opts.PingOpcode != PingOpcodePong && opts.PingOpcode != PingOpcodePing {
		return nil, fmt.Errorf("wsserver: invalid PingOpcode %d", opts.PingOpcode)
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = time.Second
	}
	if opts.HeaderTimeout < 0 || opts.WriteTimeout < 0 {
		return nil, errors.New("wsserver: negative HeaderTimeout or WriteTimeout")
	}
	if opts.HeaderTimeout == 0 {
		opts.HeaderTimeout = headerTimeout
	}
	defTotal, defPerAddr := defaultMaxWaiting()
	if opts.MaxWaiting == 0 {
		opts.MaxWaiting = defTotal
	}
	if opts.MaxWaitingPerAddr == 0 {
		opts.MaxWaitingPerAddr = defPerAddr
	}
	s := &Server{
		loader:         loader,
		opts:           opts,
		log:            newLogger(opts.Log, opts.Color),
		lns:            map[string]*listener{},
		done:           make(chan struct{}),
		writeTimeout:   writeTimeout,
		kaWriteTimeout: keepaliveWriteTimeout,
	}
	s.rate = newRateLimited(s.log, guardWarnInterval)
	s.guard = newConnGuard(max(opts.MaxWaiting, 0), max(opts.MaxWaitingPerAddr, 0), s.guardWarn)
	if opts.WriteTimeout > 0 {
		s.writeTimeout, s.kaWriteTimeout = opts.WriteTimeout, opts.WriteTimeout
	}
	s.upgrader = websocket.Upgrader{
		ReadBufferSize:    readBufferSize,
		WriteBufferSize:   writeBufferSize,
		WriteBufferPool:   writePool,
		Subprotocols:      []string{echoSubprotocol},
		CheckOrigin:       func(*http.Request) bool { return true }, // IIS checks no Origin
		EnableCompression: false,                                    // IIS has no permessage-deflate
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			// Unreachable for requests isUpgradeRequest accepted, except
			// when hijacking fails.
			http.Error(w, http.StatusText(status), status)
		},
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	loadStart := time.Now()
	snap, err := loader()
	if err != nil {
		return nil, fmt.Errorf("loading configuration: %w", err)
	}
	st, err := s.newState(snap, loadStart, 1)
	if err != nil {
		return nil, err
	}
	s.state.Store(st)
	s.watch.reset(snap.Files(), loadStart)
	return s, nil
}

// Buffer sizes for upgraded connections: a small read buffer (large
// payloads are read straight into the message buffer) and pooled write
// buffers, so an idle connection holds no write buffer.
const (
	readBufferSize  = 1024
	writeBufferSize = 4096
)

var writePool = &sync.Pool{}

func (s *Server) newState(snap Snapshot, loadStart time.Time, gen int) (*state, error) {
	names, err := s.servedSites(snap.Sites())
	if err != nil {
		return nil, err
	}
	routes, skipped := &routeTable{override: s.override()}, []skippedBinding(nil)
	if len(names) > 0 {
		if routes, skipped, err = buildRoutesFor(snap.Sites(), names, s.override(), s.schemes()); err != nil {
			return nil, err
		}
	}
	plan := routes.listenerPlanTLS(s.opts.Listen, s.opts.ListenTLS, s.opts.WildcardAll)
	if len(routes.entries) == 0 && !s.rt.anyStopped() {
		return nil, errors.New("no http bindings to serve for the selected sites")
	}
	served := map[string]bool{}
	for _, e := range routes.entries {
		served[strings.ToLower(e.site)] = true
	}
	st := &state{snap: snap, routes: routes, plan: plan, skipped: skipped, served: served, loadStart: loadStart, gen: gen}
	st.indexApps()
	st.limits = map[string]Limits{}
	for _, site := range snap.Sites() {
		st.limits[strings.ToLower(site.Name)] = site.Limits
	}
	return st, nil
}

// Start binds the listeners, starts serving and watching the configuration,
// and returns. Cancelling ctx shuts the server down (as Shutdown with a
// closeWait timeout).
func (s *Server) Start(ctx context.Context) error {
	err := errors.New("wsserver: already started")
	s.startOnce.Do(func() {
		err = s.start(ctx)
	})
	return err
}

func (s *Server) start(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.shutting.Load() {
		return errors.New("wsserver: shut down")
	}
	st := s.state.Load()
	s.logSkipped(st.skipped, nil)
	added, err := s.openListeners(st.plan)
	if err != nil {
		return err
	}
	s.ka = newKeepalives(opcodeOf(s.opts.PingOpcode))
	s.started = true
	for _, l := range added {
		s.serve(l)
	}
	s.logListeners(st, added)
	wctx, cancel := context.WithCancel(context.Background())
	s.stopWatch = cancel
	s.watchDone = make(chan struct{})
	go s.watchLoop(wctx)
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), closeWait+time.Second)
			s.Shutdown(sctx)
			cancel()
		case <-s.done:
		}
	}()
	return nil
}

// openListeners binds every spec not already open; on any failure it closes
// the ones it opened and returns the error.
func (s *Server) openListeners(plan []listenerSpec) ([]*listener, error) {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	var added []*listener
	for _, sp := range plan {
		if _, ok := s.lns[sp.key]; ok {
			continue
		}
		ln, err := net.Listen("tcp", sp.addr)
		if err != nil {
			for _, l := range added {
				l.ln.Close()
			}
			return nil, fmt.Errorf("listening on %s: %w", sp.addr, err)
		}
		var gl net.Listener = guardListener{Listener: ln, g: s.guard}
		if sp.tls {
			// The handshake runs in the serving goroutine (net/http),
			// bounded by ReadHeaderTimeout.
			gl = tls.NewListener(gl, s.opts.TLS)
		}
		added = append(added, &listener{spec: sp, ln: gl})
	}
	for _, l := range added {
		s.lns[l.spec.key] = l
	}
	return added, nil
}

func (s *Server) serve(l *listener) {
	sp := l.spec
	l.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.HeaderTimeout, // (A15)
		// No IdleTimeout: idleTimers applies each site's connectionTimeout.
		ErrorLog: log.New(logWriter{s}, "", 0),
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.Background(), ctxKey{}, &sp)
		},
		ConnContext: guardContext,
		ConnState: func(c net.Conn, st http.ConnState) {
			s.guard.state(c, st)
			s.idle.state(c, st)
		},
	}
	go l.srv.Serve(l.ln)
}

// logWriter takes net/http's own log lines. Accept errors come in floods
// when descriptors run out (net/http retries every few milliseconds), so
// they are rate-limited; every line is escaped (it may quote a client).
type logWriter struct{ s *Server }

func (w logWriter) Write(p []byte) (int, error) {
	msg := escapeText(strings.TrimRight(string(p), "\n"))
	if !strings.HasPrefix(msg, "http: ") {
		msg = "http: " + msg
	}
	if strings.Contains(msg, "Accept error") {
		w.s.rate.warnf("accept", "%s", msg)
	} else {
		w.s.log.line(msg)
	}
	return len(p), nil
}

// guardWarn logs, rate-limited, a connection closed by the slowloris guard
// (A16), or a descriptor freed when accept failed.
func (s *Server) guardWarn(reason string, c net.Conn) {
	switch reason {
	case "descriptors":
		s.rate.warnf("guard-fd", "out of file descriptors: closed the connection that had waited longest for its request headers, to accept new ones")
	case "per-address":
		s.rate.warnf("guard-addr", "closed a connection from %s that had waited longest for its request headers: more than %d connections from that address are waiting (slow or idle clients)",
			addrKey(c.RemoteAddr()), s.opts.MaxWaitingPerAddr)
	default:
		s.rate.warnf("guard-total", "closed a connection from %s that had waited longest for its request headers: more than %d connections are waiting (slow or idle clients)",
			addrKey(c.RemoteAddr()), s.opts.MaxWaiting)
	}
}

// override reports whether Listen or ListenTLS replaces binding addresses.
func (s *Server) override() bool { return s.opts.Listen != "" || s.opts.ListenTLS != "" }

// schemes says which bindings are served under the options.
func (s *Server) schemes() schemes {
	sc := httpOnly()
	if s.opts.TLS != nil {
		sc.https, sc.httpsMissing = true, ""
	}
	if s.override() {
		if s.opts.Listen == "" {
			sc.http, sc.httpMissing = false, "an https address override alone was given: give an http one too to serve http bindings"
		}
		if s.opts.ListenTLS == "" {
			sc.https, sc.httpsMissing = false, "an http address override alone was given: give an https one too (-listentls:ADDR) to serve https bindings"
		}
	}
	return sc
}

// ListenerAddr is a bound listener: its address and whether it serves https.
type ListenerAddr struct {
	Addr net.Addr
	TLS  bool
}

// Listeners returns the bound listeners, sorted by listener key.
func (s *Server) Listeners() []ListenerAddr {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	keys := make([]string, 0, len(s.lns))
	for k := range s.lns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]ListenerAddr, 0, len(keys))
	for _, k := range keys {
		out = append(out, ListenerAddr{s.lns[k].ln.Addr(), s.lns[k].spec.tls})
	}
	return out
}

// Addrs returns the bound listener addresses, sorted by listener key.
func (s *Server) Addrs() []net.Addr {
	lns := s.Listeners()
	out := make([]net.Addr, len(lns))
	for i, l := range lns {
		out[i] = l.Addr
	}
	return out
}

// Done is closed when Shutdown has finished.
func (s *Server) Done() <-chan struct{} { return s.done }

// Reload loads the configuration now and applies it (caddy style): build
// and validate the new state, bind listeners for new addresses, swap the
// state atomically, then close listeners no longer needed. On any error the
// old configuration stays in service, the error is logged and returned.
// Open WebSocket connections keep the settings they were upgraded with.
func (s *Server) Reload() error { return s.reload("requested") }

func (s *Server) reload(reason string) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.shutting.Load() {
		return errors.New("wsserver: shutting down")
	}
	old := s.state.Load()
	loadStart := time.Now()
	snap, err := s.loader()
	if err != nil {
		if isOutOfDescriptors(err) {
			// Not a configuration error: the files could not be opened.
			s.rate.warnf("reload-fd", "reload (%s) postponed: out of file descriptors (not a configuration error), keeping the previous configuration; the file watcher tries again: %s", escapeText(reason), errText(err))
			return err
		}
		s.log.errorf("reload (%s) failed, keeping the previous configuration: %s", escapeText(reason), errText(err))
		return err
	}
	if err := s.install(snap, loadStart, old.gen+1, reason); err != nil {
		s.log.errorf("reload (%s) failed, keeping the previous configuration: %s", escapeText(reason), errText(err))
		return err
	}
	return nil
}

// install puts a snapshot in service with the runtime selection (reload,
// start and stop site): build the state, bind listeners for new addresses,
// swap the state, close listeners no longer needed. gen is the new
// generation; a start or stop keeps the loaded one. Holds reloadMu.
func (s *Server) install(snap Snapshot, loadStart time.Time, gen int, reason string) error {
	old := s.state.Load()
	st, err := s.newState(snap, loadStart, gen)
	if err != nil {
		return err
	}
	var added []*listener
	if s.started {
		added, err = s.openListeners(st.plan)
		if err != nil {
			return err
		}
	}
	s.state.Store(st)
	if gen != old.gen { // a start or stop keeps the snapshot and what is watched
		s.watch.reset(snap.Files(), loadStart)
	}
	var removed []*listener
	if s.started {
		for _, l := range added {
			s.serve(l)
		}
		removed = s.dropListeners(st.plan)
	}
	s.logSkipped(st.skipped, old.skipped)
	if gen != old.gen {
		s.log.infof("reloaded configuration (%s): generation %d, %d site(s), %d binding(s), listeners +%d -%d",
			escapeText(reason), st.gen, len(st.routes.sites()), len(st.routes.entries), len(added), len(removed))
	} else {
		s.log.infof("%s: %d site(s) served, %d binding(s), listeners +%d -%d",
			escapeText(reason), len(st.routes.sites()), len(st.routes.entries), len(added), len(removed))
	}
	if len(added) > 0 {
		s.logListeners(st, added)
	}
	for _, l := range removed {
		s.log.infof("stopped listening on %s", l.ln.Addr())
	}
	return nil
}

// dropListeners closes listeners whose key is not in plan. Open WebSocket
// connections accepted on them stay open.
func (s *Server) dropListeners(plan []listenerSpec) []*listener {
	keep := map[string]bool{}
	for _, sp := range plan {
		keep[sp.key] = true
	}
	s.lnMu.Lock()
	var removed []*listener
	for k, l := range s.lns {
		if !keep[k] {
			removed = append(removed, l)
			delete(s.lns, k)
		}
	}
	s.lnMu.Unlock()
	for _, l := range removed {
		l.ln.Close()
		go func(srv *http.Server) {
			ctx, cancel := context.WithTimeout(context.Background(), closeWait)
			defer cancel()
			srv.Shutdown(ctx)
		}(l.srv)
	}
	return removed
}

func (s *Server) logListeners(st *state, ls []*listener) {
	for _, l := range ls {
		var sites []string
		for _, e := range st.routes.entries {
			if st.routes.override || e.binding.Port == l.spec.port && (l.spec.ip == nil || e.ip.Equal(l.spec.ip)) {
				sites = append(sites, fmt.Sprintf("%s (%s)", quoteIfNeeded(e.site), escapeText(fmt.Sprintf("%s:%d:%s", e.binding.IP, e.binding.Port, e.binding.Host))))
			}
		}
		s.log.infof("listening on %s for %s", s.log.site.Sprint("http://"+l.ln.Addr().String()), strings.Join(sites, ", "))
	}
}

func (s *Server) logSkipped(now, before []skippedBinding) {
	seen := map[string]bool{}
	for _, b := range before {
		seen[b.site+"\x00"+b.binding.String()] = true
	}
	for _, b := range now {
		if !seen[b.site+"\x00"+b.binding.String()] {
			s.log.warnf("skipping %s binding %s of site %s: %s", quoteIfNeeded(b.binding.Protocol),
				quoteIfNeeded(fmt.Sprintf("%s:%d:%s", b.binding.IP, b.binding.Port, b.binding.Host)), quoteIfNeeded(b.site), b.reason)
		}
	}
}

// watchLoop polls the snapshot's files and reloads on change.
func (s *Server) watchLoop(ctx context.Context) {
	defer close(s.watchDone)
	if s.opts.PollInterval < 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(s.opts.PollInterval)
	defer t.Stop()
	var retry []string // changes a reload could not take for lack of descriptors
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.reloadMu.Lock()
		changed := s.watch.changed(s.state.Load().snap.Files())
		s.reloadMu.Unlock()
		changed = append(retry, changed...)
		retry = nil
		if len(changed) > 0 {
			reason := "changed: " + strings.Join(changed, ", ")
			if len(changed) > 3 {
				reason = fmt.Sprintf("changed: %s and %d more", strings.Join(changed[:3], ", "), len(changed)-3)
			}
			if err := s.reload(reason); err != nil && isOutOfDescriptors(err) {
				retry = changed
			}
		}
	}
}

// Shutdown stops the server: new upgrades are refused, every open WebSocket
// gets Close 1001 (Going Away), the listeners are closed, and connections
// get up to closeWait (or until ctx ends) to finish the close handshake
// before TCP is closed. It is safe to call more than once; later calls wait
// for the first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		s.shutdownErr = s.shutdown(ctx)
		close(s.done)
	})
	select {
	case <-s.done:
		return s.shutdownErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) shutdown(ctx context.Context) error {
	s.shutting.Store(true)
	// Stop the watcher without holding reloadMu: it takes reloadMu on every
	// poll, so waiting for it under the lock could wait for good. Start
	// either has set stopWatch by the time we get the lock or sees shutting
	// and does not start; a reload the watcher still starts sees shutting.
	s.reloadMu.Lock()
	stopWatch, watchDone := s.stopWatch, s.watchDone
	s.reloadMu.Unlock()
	if stopWatch != nil {
		stopWatch()
		<-watchDone
	}
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	// Close 1001 to every WebSocket (a few at a time: a write may block).
	conns := s.conns.list()
	var wg sync.WaitGroup
	ch := make(chan *wsConn)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range ch {
				c.serverClose(closeGoingAway)
			}
		}()
	}
	for _, c := range conns {
		ch <- c
	}
	close(ch)
	wg.Wait()
	// Then the listeners.
	s.lnMu.Lock()
	lns := s.lns
	s.lns = map[string]*listener{}
	s.lnMu.Unlock()
	for _, l := range lns {
		l.ln.Close()
	}
	var err error
	for _, l := range lns {
		if l.srv != nil {
			// The listener is closed already; net/http closes it again
			// (and reports that) when its Serve goroutine has not yet
			// noticed.
			if e := l.srv.Shutdown(ctx); e != nil && !errors.Is(e, net.ErrClosed) && err == nil {
				err = e
			}
		}
	}
	// Wait for close handshakes, at most closeWait or ctx.
	wctx, cancel := context.WithTimeout(ctx, closeWait)
	defer cancel()
	if !s.conns.wait(wctx) {
		for _, c := range s.conns.list() {
			c.raw.Close()
		}
		s.conns.wait(context.Background())
		if ctx.Err() != nil && err == nil {
			err = ctx.Err()
		}
	}
	if s.ka != nil {
		s.ka.close()
	}
	s.rate.stop()
	for _, l := range lns {
		s.log.infof("stopped listening on %s", l.ln.Addr())
	}
	return err
}

// OpenConnections returns the number of open WebSocket connections.
func (s *Server) OpenConnections() int { return s.conns.count() }

// connSet tracks open WebSocket connections for Shutdown.
type connSet struct {
	mu sync.Mutex
	m  map[*wsConn]struct{}
	wg sync.WaitGroup
}

func (cs *connSet) add(c *wsConn) {
	cs.mu.Lock()
	if cs.m == nil {
		cs.m = map[*wsConn]struct{}{}
	}
	cs.m[c] = struct{}{}
	cs.wg.Add(1)
	cs.mu.Unlock()
}

func (cs *connSet) done(c *wsConn) {
	if c.srv.ka != nil {
		c.srv.ka.remove(c)
	}
	c.srv.reqs.remove(c.req)
	cs.mu.Lock()
	delete(cs.m, c)
	cs.mu.Unlock()
	cs.wg.Done()
}

func (cs *connSet) list() []*wsConn {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	out := make([]*wsConn, 0, len(cs.m))
	for c := range cs.m {
		out = append(out, c)
	}
	return out
}

func (cs *connSet) count() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.m)
}

// wait waits for all connections to end; false if ctx ended first.
func (cs *connSet) wait(ctx context.Context) bool {
	ch := make(chan struct{})
	go func() { cs.wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		return false
	}
}
