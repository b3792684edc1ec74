package wsserver

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// connGuard bounds the connections that hold a descriptor without being of
// use yet: accepted and not upgraded, and not inside a handler (waiting for
// a request's headers, or idle between two requests of a kept-alive
// connection). A slowloris client keeps many such connections open by
// sending its headers a byte at a time; the header timeout (A15) cuts each
// one off eventually, and this guard bounds how many there can be at once,
// in all and per client address (A16). At a limit the connection that has
// waited longest is closed, not the new one: a real client sends its
// headers within milliseconds and is past the guard long before it would be
// next in line, so room stays for it whatever the slow ones do.
type connGuard struct {
	maxTotal, maxPerAddr int
	warn                 func(reason string, c net.Conn)

	mu     sync.Mutex
	conns  map[net.Conn]*guarded
	head   *guarded // the oldest waiting connection
	tail   *guarded
	perIP  map[string]int
	total  int
	closed int64 // connections closed by the guard (tests, figures)
}

// guarded is one accepted connection; while it waits it is in the list.
type guarded struct {
	c          net.Conn
	addr       string
	waiting    bool
	since      time.Time // waiting since
	prev, next *guarded
}

func newConnGuard(maxTotal, maxPerAddr int, warn func(string, net.Conn)) *connGuard {
	return &connGuard{maxTotal: maxTotal, maxPerAddr: maxPerAddr, warn: warn,
		conns: map[net.Conn]*guarded{}, perIP: map[string]int{}}
}

func addrKey(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

func (g *connGuard) pushLocked(e *guarded) {
	e.waiting = true
	e.since = time.Now()
	e.prev, e.next = g.tail, nil
	if g.tail != nil {
		g.tail.next = e
	} else {
		g.head = e
	}
	g.tail = e
	g.total++
	g.perIP[e.addr]++
}

func (g *connGuard) unlinkLocked(e *guarded) {
	if !e.waiting {
		return
	}
	e.waiting = false
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		g.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		g.tail = e.prev
	}
	e.prev, e.next = nil, nil
	g.total--
	if g.perIP[e.addr]--; g.perIP[e.addr] <= 0 {
		delete(g.perIP, e.addr)
	}
}

// admit registers a newly accepted connection as waiting and returns the
// connections to close to stay within the limits (oldest first).
func (g *connGuard) admit(c net.Conn) (evict []*guarded, reason string) {
	e := &guarded{c: c, addr: addrKey(c.RemoteAddr())}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.conns[c] = e
	g.pushLocked(e)
	for g.maxPerAddr > 0 && g.perIP[e.addr] > g.maxPerAddr {
		// The oldest waiting connection from the same address.
		o := g.head
		for o != nil && o.addr != e.addr {
			o = o.next
		}
		g.dropLocked(o)
		evict, reason = append(evict, o), "per-address"
	}
	for g.maxTotal > 0 && g.total > g.maxTotal {
		o := g.head
		g.dropLocked(o)
		evict, reason = append(evict, o), "total"
	}
	return evict, reason
}

func (g *connGuard) dropLocked(e *guarded) {
	g.unlinkLocked(e)
	delete(g.conns, e.c)
	g.closed++
}

// evictOldest closes the connection that has waited longest, if it has
// waited at least minAge, to free a descriptor when accept fails for lack
// of one. It reports whether there was one. Linux takes the descriptor
// before it looks for a pending connection, so accept fails even when none
// is pending: the age keeps the client accepted just before from being
// taken for a slow one.
func (g *connGuard) evictOldest(minAge time.Duration) bool {
	g.mu.Lock()
	e := g.head
	if e != nil && time.Since(e.since) >= minAge {
		g.dropLocked(e)
	} else {
		e = nil
	}
	g.mu.Unlock()
	if e == nil {
		return false
	}
	e.c.Close()
	return true
}

// state follows net/http's view of a connection (http.Server.ConnState).
func (g *connGuard) state(c net.Conn, st http.ConnState) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.conns[rawConn(c)]
	if e == nil {
		return
	}
	switch st {
	case http.StateIdle:
		// Done with a request; waiting for the next one (kept alive).
		if !e.waiting {
			g.pushLocked(e)
		}
	case http.StateHijacked, http.StateClosed:
		g.unlinkLocked(e)
		delete(g.conns, rawConn(c))
	}
}

// busy takes c out of the waiting list while a handler runs: its request
// arrived whole.
func (g *connGuard) busy(c net.Conn) {
	g.mu.Lock()
	if e := g.conns[rawConn(c)]; e != nil {
		g.unlinkLocked(e)
	}
	g.mu.Unlock()
}

// idle puts c back in the waiting list while its handler only waits.
func (g *connGuard) idle(c net.Conn) {
	g.mu.Lock()
	if e := g.conns[rawConn(c)]; e != nil && !e.waiting {
		g.pushLocked(e)
	}
	g.mu.Unlock()
}

// waiting returns the number of waiting connections, in all and the most
// from one address.
func (g *connGuard) waiting() (total, maxPerAddr int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.perIP {
		maxPerAddr = max(maxPerAddr, n)
	}
	return g.total, maxPerAddr
}

// guardListener admits every accepted connection to the guard and closes
// what it evicts. When accept fails for lack of descriptors it frees one by
// closing the oldest waiting connection, so that the server keeps
// accepting real clients.
type guardListener struct {
	net.Listener
	g *connGuard
}

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		if isOutOfDescriptors(err) && l.g.evictOldest(minEvictAge) {
			l.g.warn("descriptors", nil)
		}
		return nil, err
	}
	evict, reason := l.g.admit(c)
	for _, e := range evict {
		e.c.Close()
		l.g.warn(reason, e.c)
	}
	return c, nil
}

// isOutOfDescriptors reports whether err comes from the process (EMFILE)
// or the system (ENFILE) running out of file descriptors.
func isOutOfDescriptors(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

type connKey struct{}

// guardContext stores the connection in its requests' context, so the
// handler can mark it busy (http.Server.ConnContext).
func guardContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// minEvictAge is how long a connection must have waited before accept
// closes it for its descriptor: far longer than a real client takes to send
// its headers.
const minEvictAge = time.Second

// guardWarnInterval is how often the guard's warnings may be logged.
const guardWarnInterval = 5 * time.Second

// rawConn is the accepted connection under a TLS one: the guard tracks
// what the listener accepted, net/http reports the *tls.Conn.
func rawConn(c net.Conn) net.Conn {
	if t, ok := c.(*tls.Conn); ok {
		return t.NetConn()
	}
	return c
}
