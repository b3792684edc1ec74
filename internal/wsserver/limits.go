package wsserver

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// unlimitedConnections is the schema default of maxConnections (uint max):
// IIS applies no limit.
const unlimitedConnections = 4294967295

// siteCounters counts each site's connections for maxConnections. Counters
// live on the Server (by lower-case site name), so that a reload does not
// forget the connections already open.
type siteCounters struct{ m sync.Map } // string -> *atomic.Int64

// admit counts one more connection for site unless it already has max.
//
// (A) IIS (HTTP.sys) counts TCP connections per site. serve counts what it
// can attribute to a site: requests being answered and upgraded WebSocket
// connections. An idle keep-alive HTTP connection between requests is not
// counted (a listener may serve several sites and a connection names its
// site only with each request). 0 is treated as no limit, like the
// schema default.
func (sc *siteCounters) admit(site string, max int64) (release func(), ok bool) {
	v, _ := sc.m.LoadOrStore(strings.ToLower(site), new(atomic.Int64))
	n := v.(*atomic.Int64)
	if n.Add(1) > max && max > 0 && max < unlimitedConnections {
		n.Add(-1)
		return nil, false
	}
	var once sync.Once
	return func() { once.Do(func() { n.Add(-1) }) }, true
}

// count returns the connections counted for site.
func (sc *siteCounters) count(site string) int64 {
	if v, ok := sc.m.Load(strings.ToLower(site)); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// defaultConnectionTimeout is the schema default of limits/@connectionTimeout,
// used for a connection before a request has named its site.
const defaultConnectionTimeout = 2 * time.Minute

// idleTimers applies connectionTimeout to HTTP connections kept alive
// between requests (never to upgraded ones, A8): net/http's IdleTimeout is
// one value per listener, while several sites may share a listener, so the
// timeout of the site of a connection's last request is kept per connection.
type idleTimers struct {
	mu sync.Mutex
	m  map[net.Conn]*idleConn
}

type idleConn struct {
	d time.Duration
	t *time.Timer
}

// setTimeout records the connectionTimeout of the site c's request went to;
// 0 is no idle timeout.
func (it *idleTimers) setTimeout(c net.Conn, d time.Duration) {
	it.mu.Lock()
	if e := it.m[c]; e != nil {
		e.d = d
	}
	it.mu.Unlock()
}

// state is chained into http.Server.ConnState.
func (it *idleTimers) state(c net.Conn, st http.ConnState) {
	it.mu.Lock()
	defer it.mu.Unlock()
	if it.m == nil {
		it.m = map[net.Conn]*idleConn{}
	}
	e := it.m[c]
	switch st {
	case http.StateNew:
		it.m[c] = &idleConn{d: defaultConnectionTimeout}
	case http.StateActive:
		if e != nil && e.t != nil {
			e.t.Stop()
			e.t = nil
		}
	case http.StateIdle:
		if e != nil && e.d > 0 {
			e.t = time.AfterFunc(e.d, func() { c.Close() })
		}
	case http.StateHijacked, http.StateClosed:
		if e != nil && e.t != nil {
			e.t.Stop()
		}
		delete(it.m, c)
	}
}
