package wsserver

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The server is the runtime that appcmd's runtime verbs act on (start and
// stop site, start, stop and recycle apppool, list wp, list request): it
// keeps which sites it was told to stop or start and which pools, and
// tracks the requests in flight. control.go publishes these to the local
// user.

// Runtime states, as appcmd.exe prints them.
const (
	StateStarted = "Started"
	StateStopped = "Stopped"
)

// Errors of the runtime operations: the object is already in the state
// asked for, or the server does not know it.
var (
	ErrAlreadyStarted = errors.New("already started")
	ErrNotStarted     = errors.New("not started")
	ErrUnknownObject  = errors.New("no such object in the served configuration")
)

// runtimeSel is what start and stop changed, by lower-case name. It
// outlives reloads: a stopped site stays stopped when its file changes.
type runtimeSel struct {
	mu           sync.Mutex
	stoppedSites map[string]bool
	startedSites map[string]bool // started although not named on serve's command line
	pools        map[string]bool // start/stop apppool: true = started
}

func (r *runtimeSel) siteStopped(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stoppedSites[strings.ToLower(name)]
}

func (r *runtimeSel) siteStarted(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.startedSites[strings.ToLower(name)]
}

// poolOverride returns the state start/stop apppool set, if any.
func (r *runtimeSel) poolOverride(name string) (started, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	started, ok = r.pools[strings.ToLower(name)]
	return started, ok
}

func setFlag(m *map[string]bool, name string, v bool) {
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[strings.ToLower(name)] = v
}

// servedSites returns the names, in configuration order, of the sites to
// serve: those of Options.Sites (all when empty) and those started since,
// less those stopped. Options.Sites names that do not exist are an error,
// as at start.
func (s *Server) servedSites(sites []Site) ([]string, error) {
	base := map[string]bool{}
	for _, w := range s.opts.Sites {
		found := false
		for _, st := range sites {
			if strings.EqualFold(st.Name, w) {
				base[strings.ToLower(st.Name)], found = true, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("site %q not found", w)
		}
	}
	var out []string
	for _, st := range sites {
		k := strings.ToLower(st.Name)
		if (len(s.opts.Sites) == 0 || base[k] || s.rt.siteStarted(k)) && !s.rt.siteStopped(k) {
			out = append(out, st.Name)
		}
	}
	return out, nil
}

// siteState is Started for a site the server listens for.
func (st *state) siteState(name string) string {
	if st.served[strings.ToLower(name)] {
		return StateStarted
	}
	return StateStopped
}

// poolUsed reports whether a served site has an application in the pool.
func (st *state) poolUsed(pool string) bool { return st.usedPools[strings.ToLower(pool)] }

// indexApps fills the per-request lookups of st: each site's
// applications, and the pools that served sites use.
func (st *state) indexApps() {
	st.apps, st.usedPools = map[string][]App{}, map[string]bool{}
	for _, site := range st.snap.Sites() {
		st.apps[site.Name] = site.Apps
		if !st.served[strings.ToLower(site.Name)] {
			continue
		}
		for _, a := range site.Apps {
			st.usedPools[strings.ToLower(a.Pool)] = true
		}
	}
}

// poolState is Started while a served site uses the pool, unless start
// or stop apppool said otherwise.
func (s *Server) poolState(st *state, pool string) string {
	started, ok := s.rt.poolOverride(pool)
	if !ok {
		started = st.poolUsed(pool)
	}
	if started {
		return StateStarted
	}
	return StateStopped
}

// poolOf returns the pool of the application app ("/" or "/app", from
// Settings.App) of a site, "" when unknown.
func (st *state) poolOf(site, app string) string {
	for _, a := range st.apps[site] {
		if strings.EqualFold(a.Path, app) {
			return a.Pool
		}
	}
	return ""
}

// servable reports whether a site has an http binding the server can
// listen for.
func (st *state) servable(site string, override bool, sc schemes) bool {
	for _, s := range st.snap.Sites() {
		if s.Name == site {
			rt, _, err := buildRoutesFor([]Site{s}, nil, override, sc)
			return err == nil && len(rt.entries) > 0
		}
	}
	return false
}

// findSite returns a site's name as configured, or "".
func (st *state) findSite(name string) string {
	for _, s := range st.snap.Sites() {
		if strings.EqualFold(s.Name, name) {
			return s.Name
		}
	}
	return ""
}

// knownPool reports whether an application of any site uses the pool.
func (st *state) knownPool(name string) bool {
	for _, s := range st.snap.Sites() {
		for _, a := range s.Apps {
			if strings.EqualFold(a.Pool, name) {
				return true
			}
		}
	}
	return false
}

// StartSite starts serving a site: it listens for its bindings again.
func (s *Server) StartSite(name string) error {
	return s.changeSite(name, true)
}

// StopSite stops serving a site: its listeners close unless another site
// uses them, and its open WebSocket connections get Close 1001.
func (s *Server) StopSite(name string) error {
	return s.changeSite(name, false)
}

func (s *Server) changeSite(name string, start bool) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.shutting.Load() {
		return errors.New("the server is shutting down")
	}
	old := s.state.Load()
	site := old.findSite(name)
	switch {
	case site == "":
		return ErrUnknownObject
	case start && old.siteState(site) == StateStarted:
		return ErrAlreadyStarted
	case !start && old.siteState(site) == StateStopped:
		return ErrNotStarted
	case start && !old.servable(site, s.override(), s.schemes()):
		return fmt.Errorf("site %s has no http binding that appcmd serve can listen on (https and other protocols are not served)", quoteIfNeeded(site))
	}
	k := strings.ToLower(site)
	s.rt.mu.Lock()
	prevStopped, prevStarted := s.rt.stoppedSites[k], s.rt.startedSites[k]
	setFlag(&s.rt.stoppedSites, k, !start)
	setFlag(&s.rt.startedSites, k, start)
	s.rt.mu.Unlock()
	verb := map[bool]string{true: "start", false: "stop"}[start]
	if err := s.install(old.snap, old.loadStart, old.gen, verb+" site "+quoteIfNeeded(site)); err != nil {
		s.rt.mu.Lock()
		s.rt.stoppedSites[k], s.rt.startedSites[k] = prevStopped, prevStarted
		s.rt.mu.Unlock()
		return err
	}
	if !start {
		s.closeConns(func(c *wsConn) bool { return c.site == site })
	}
	return nil
}

// StartPool starts an application pool: requests to its applications are
// served again.
func (s *Server) StartPool(name string) error { return s.changePool(name, "start") }

// StopPool stops an application pool: requests to its applications get
// 503 and its open WebSocket connections Close 1001.
func (s *Server) StopPool(name string) error { return s.changePool(name, "stop") }

// RecyclePool closes the pool's open WebSocket connections with 1001 and
// reloads the configuration, so new connections get fresh settings.
func (s *Server) RecyclePool(name string) error { return s.changePool(name, "recycle") }

func (s *Server) changePool(name, op string) error {
	s.reloadMu.Lock()
	st := s.state.Load()
	state := s.poolState(st, name)
	var err error
	switch {
	case s.shutting.Load():
		err = errors.New("the server is shutting down")
	case op == "start" && state == StateStarted:
		err = ErrAlreadyStarted
	case op != "start" && state == StateStopped:
		err = ErrNotStarted
	case op == "start":
		s.rt.mu.Lock()
		setFlag(&s.rt.pools, name, true)
		s.rt.mu.Unlock()
	case op == "stop":
		s.rt.mu.Lock()
		setFlag(&s.rt.pools, name, false)
		s.rt.mu.Unlock()
	}
	s.reloadMu.Unlock()
	if err != nil {
		return err
	}
	s.log.infof("%s apppool %s", op, quoteIfNeeded(name))
	if op != "start" {
		s.closeConns(func(c *wsConn) bool { return strings.EqualFold(c.pool, name) })
	}
	if op == "recycle" {
		return s.reload("recycle apppool " + name)
	}
	return nil
}

// closeConns sends Close 1001 to the open connections f selects, and to
// those being upgraded right now that f selects (closers).
func (s *Server) closeConns(f func(*wsConn) bool) {
	s.closers.add(f)
	for _, c := range s.conns.list() {
		if f(c) {
			c.serverClose(closeGoingAway)
		}
	}
}

// Request is one request in flight: an open WebSocket connection or a
// request being answered.
type Request struct {
	ID        string        `json:"id"`
	Site      string        `json:"site"`
	SiteID    int64         `json:"siteId"`
	App       string        `json:"app"`
	Pool      string        `json:"pool"`
	URL       string        `json:"url"`
	Verb      string        `json:"verb"`
	Client    string        `json:"client"`
	WebSocket bool          `json:"webSocket"`
	Elapsed   time.Duration `json:"elapsed"`
}

// inflight is a tracked request.
type inflight struct {
	Request
	id    uint64 // formatted by list: most requests are never listed
	start time.Time
}

// requestSet tracks requests in flight for list request.
type requestSet struct {
	next atomic.Uint64
	mu   sync.Mutex
	m    map[*inflight]struct{}
}

func (rs *requestSet) add(r *http.Request, site string, siteID int64, app, pool string, ws bool) *inflight {
	in := &inflight{id: rs.next.Add(1), Request: Request{Site: site, SiteID: siteID,
		App: app, Pool: pool, URL: r.URL.RequestURI(), Verb: r.Method, Client: r.RemoteAddr, WebSocket: ws},
		start: time.Now()}
	rs.mu.Lock()
	if rs.m == nil {
		rs.m = map[*inflight]struct{}{}
	}
	rs.m[in] = struct{}{}
	rs.mu.Unlock()
	return in
}

func (rs *requestSet) remove(in *inflight) {
	if in == nil {
		return
	}
	rs.mu.Lock()
	delete(rs.m, in)
	rs.mu.Unlock()
}

func (rs *requestSet) list() []Request {
	rs.mu.Lock()
	out := make([]Request, 0, len(rs.m))
	now := time.Now()
	for in := range rs.m {
		r := in.Request
		r.ID = fmt.Sprintf("%016x", in.id)
		r.Elapsed = now.Sub(in.start)
		out = append(out, r)
	}
	rs.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Status is what the runtime verbs read: the process, the state of every
// site and of every pool the served configuration names, and the requests
// in flight.
type Status struct {
	PID    int               `json:"pid"`
	Config string            `json:"config"`
	Sites  map[string]string `json:"sites"` // name as configured -> Started/Stopped
	Pools  map[string]string `json:"pools"`
	// WorkerPools are the started pools that a served site uses, sorted:
	// list wp shows the process once for each.
	WorkerPools []string  `json:"workerPools"`
	Requests    []Request `json:"requests"`
}

// Status returns the runtime state now.
func (s *Server) Status() Status {
	s.reloadMu.Lock()
	st := s.state.Load()
	out := Status{PID: os.Getpid(), Sites: map[string]string{}, Pools: map[string]string{}}
	for _, site := range st.snap.Sites() {
		out.Sites[site.Name] = st.siteState(site.Name)
		for _, a := range site.Apps {
			if a.Pool != "" {
				out.Pools[a.Pool] = s.poolState(st, a.Pool)
			}
		}
	}
	s.rt.mu.Lock()
	var overridden []string
	for p := range s.rt.pools {
		overridden = append(overridden, p)
	}
	s.rt.mu.Unlock()
	for _, p := range overridden {
		if !st.knownPool(p) {
			out.Pools[p] = s.poolState(st, p) // started by name, used by no site
		}
	}
	for p, state := range out.Pools {
		if state == StateStarted && st.poolUsed(p) {
			out.WorkerPools = append(out.WorkerPools, p)
		}
	}
	sort.Strings(out.WorkerPools)
	s.reloadMu.Unlock()
	out.Requests = s.reqs.list()
	return out
}

func (r *runtimeSel) anyStopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.stoppedSites {
		if v {
			return true
		}
	}
	return false
}

// closers remembers the recent closeConns selections, so that a connection
// routed before a stop or recycle and registered after its sweep (the 101
// is written before the connection is in s.conns) is closed too: upgrade
// asks since(the generation its request started in). Stops and recycles
// are rare, human-driven operations; the last maxClosers are kept.
type closers struct {
	gen  atomic.Uint64
	mu   sync.Mutex
	list []closer
}

type closer struct {
	gen uint64
	f   func(*wsConn) bool
}

const maxClosers = 64

func (cs *closers) add(f func(*wsConn) bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.list = append(cs.list, closer{gen: cs.gen.Load() + 1, f: f})
	if len(cs.list) > maxClosers {
		cs.list = cs.list[len(cs.list)-maxClosers:]
	}
	cs.gen.Add(1)
}

// since reports whether a closeConns after generation g selects c.
func (cs *closers) since(g uint64, c *wsConn) bool {
	if cs.gen.Load() == g {
		return false
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.list) > 0 && cs.list[0].gen > g+1 {
		return true // older than what is kept: close rather than guess
	}
	for _, cl := range cs.list {
		if cl.gen > g && cl.f(c) {
			return true
		}
	}
	return false
}
