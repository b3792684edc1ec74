package wsserver

import (
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// routeEntry is one served http binding of one selected site.
type routeEntry struct {
	site       string
	siteID     int64
	order      int // position in the routing table: site order, then binding order
	binding    Binding
	ip         net.IP // nil for "*"
	host       string // lower case; "" = any
	wildSuffix string // ".x.com" for host "*.x.com"
	tls        bool   // an https binding
}

// routeTable maps (listener, local IP, Host) to a site.
type routeTable struct {
	entries  []routeEntry
	override bool // Options.Listen in force: binding addresses and ports are ignored
}

// listenerSpec is one socket the server listens on.
type listenerSpec struct {
	key  string // "ip:port" or "*:port", or "listen:" + Options.Listen
	addr string // for net.Listen
	ip   net.IP // nil = all addresses
	port int    // configured binding port (0 when overridden)
	// loopback: a "*" binding served on loopback only (Options.WildcardAll unset).
	loopback bool
	tls      bool // serves https bindings
}

// schemes says which binding protocols are served: http always unless
// only an https address override is given; https when a certificate
// source is configured and, with address overrides, an https address is.
type schemes struct {
	http, https  bool
	httpsMissing string // why https bindings are skipped
	httpMissing  string
}

func httpOnly() schemes {
	return schemes{http: true, httpsMissing: "https is not supported by appcmd serve (no certificates)"}
}

// loopback is the address "*" bindings listen on by default.
var loopback = net.IPv4(127, 0, 0, 1).To4()

// skippedBinding is a binding that is not served, with the reason.
type skippedBinding struct {
	site    string
	binding Binding
	reason  string
}

// buildRoutes selects the sites named in want (all when empty; names compare
// case-insensitively as IIS site names do) and returns their http bindings as
// a routing table, plus the bindings that are skipped.
func buildRoutes(sites []Site, want []string, override bool) (*routeTable, []skippedBinding, error) {
	return buildRoutesFor(sites, want, override, httpOnly())
}

// buildRoutesFor is buildRoutes for the schemes sc.
func buildRoutesFor(sites []Site, want []string, override bool, sc schemes) (*routeTable, []skippedBinding, error) {
	selected := sites
	if len(want) > 0 {
		selected = nil
		for _, w := range want {
			found := false
			for _, s := range sites {
				if strings.EqualFold(s.Name, w) {
					selected = append(selected, s)
					found = true
					break
				}
			}
			if !found {
				return nil, nil, fmt.Errorf("site %q not found", w)
			}
		}
		// Keep configuration order for tie-breaking, whatever order was asked.
		sort.SliceStable(selected, func(i, j int) bool {
			return siteIndex(sites, selected[i].Name) < siteIndex(sites, selected[j].Name)
		})
	}
	t := &routeTable{override: override}
	var skipped []skippedBinding
	for _, s := range selected {
		for _, b := range s.Bindings {
			isHTTP, isHTTPS := strings.EqualFold(b.Protocol, "http"), strings.EqualFold(b.Protocol, "https")
			reason := ""
			switch {
			case !isHTTP && !isHTTPS:
				reason = "only http and https bindings are served"
			case isHTTPS && !sc.https:
				reason = sc.httpsMissing
			case isHTTP && !sc.http:
				reason = sc.httpMissing
			}
			if reason != "" {
				skipped = append(skipped, skippedBinding{s.Name, b, reason})
				continue
			}
			e := routeEntry{site: s.Name, siteID: s.ID, order: len(t.entries), binding: b, tls: isHTTPS}
			ipStr := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(b.IP), "["), "]")
			if ipStr != "*" && ipStr != "" {
				ip := net.ParseIP(ipStr)
				if ip == nil {
					skipped = append(skipped, skippedBinding{s.Name, b, "invalid IP address"})
					continue
				}
				e.ip = normIP(ip)
			}
			if b.Port < 0 || b.Port > 65535 {
				skipped = append(skipped, skippedBinding{s.Name, b, "invalid port"})
				continue
			}
			e.host = strings.ToLower(strings.TrimSpace(b.Host))
			if strings.HasPrefix(e.host, "*.") {
				e.wildSuffix = e.host[1:]
			}
			t.entries = append(t.entries, e)
		}
	}
	return t, skipped, nil
}

func siteIndex(sites []Site, name string) int {
	for i, s := range sites {
		if s.Name == name {
			return i
		}
	}
	return len(sites)
}

// route picks the binding serving a request, or nil (400 Invalid Hostname).
// port is the listener's configured port; ip the connection's local address.
func (t *routeTable) route(port int, ip net.IP, host string) *routeEntry {
	return t.routeScheme(false, port, ip, host)
}

// routeScheme is route for a listener serving https (tls) or http.
func (t *routeTable) routeScheme(tls bool, port int, ip net.IP, host string) *routeEntry {
	var best *routeEntry
	bestRank, bestSuffix := rankNone, 0
	if t.override {
		ip = nil
	}
	for i := range t.entries {
		e := &t.entries[i]
		if e.tls != tls || !t.override && e.binding.Port != port {
			continue
		}
		r, suf := bindingRank(e, host, ip)
		if r == rankNone {
			continue
		}
		if best == nil || r < bestRank || (r == bestRank && suf > bestSuffix) {
			best, bestRank, bestSuffix = e, r, suf
		}
	}
	return best
}

// sites returns the names of the sites that have at least one served binding.
func (t *routeTable) sites() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range t.entries {
		if !seen[e.site] {
			seen[e.site] = true
			out = append(out, e.site)
		}
	}
	return out
}

// listenerPlan returns the sockets needed for t. Bindings are grouped by
// IP:port; a "*" binding on a port makes one all-addresses socket for that
// port, which also serves that port's IP-specific bindings (routing then uses
// the connection's local address), because a socket on 0.0.0.0:P and one on
// 192.0.2.1:P cannot both be bound. listen != "" replaces all of them by one
// socket. Unless all is set, the all-addresses socket is a loopback one
// (127.0.0.1:P) and the port's other IP-specific bindings get their own.
func (t *routeTable) listenerPlan(listen string, all bool) []listenerSpec {
	return t.listenerPlanTLS(listen, "", all)
}

// listenerPlanTLS is listenerPlan with https bindings: listenTLS replaces
// their addresses as listen does the http ones (either override makes
// both replace, see schemes). An https socket's key starts with "https:".
func (t *routeTable) listenerPlanTLS(listen, listenTLS string, all bool) []listenerSpec {
	if listen != "" || listenTLS != "" {
		var out []listenerSpec
		if listen != "" {
			out = append(out, listenerSpec{key: "listen:" + listen, addr: listen})
		}
		if listenTLS != "" && slices.ContainsFunc(t.entries, func(e routeEntry) bool { return e.tls }) {
			out = append(out, listenerSpec{key: "https:listen:" + listenTLS, addr: listenTLS, tls: true})
		}
		return out
	}
	type portKey struct {
		port int
		tls  bool
	}
	type portInfo struct {
		wildcard bool
		ips      []net.IP
	}
	ports := map[portKey]*portInfo{}
	for _, e := range t.entries {
		pk := portKey{e.binding.Port, e.tls}
		pi := ports[pk]
		if pi == nil {
			pi = &portInfo{}
			ports[pk] = pi
		}
		if e.ip == nil {
			pi.wildcard = true
			continue
		}
		dup := false
		for _, ip := range pi.ips {
			if ip.Equal(e.ip) {
				dup = true
			}
		}
		if !dup {
			pi.ips = append(pi.ips, e.ip)
		}
	}
	var out []listenerSpec
	for pk, pi := range ports {
		port := pk.port
		p := strconv.Itoa(port)
		pre := ""
		if pk.tls {
			pre = "https:"
		}
		if pi.wildcard && all {
			out = append(out, listenerSpec{key: pre + "*:" + p, addr: ":" + p, port: port, tls: pk.tls})
			continue
		}
		if pi.wildcard {
			out = append(out, listenerSpec{key: pre + "*:" + p, addr: net.JoinHostPort(loopback.String(), p), port: port, loopback: true, tls: pk.tls})
		}
		for _, ip := range pi.ips {
			if pi.wildcard && ip.Equal(loopback) {
				continue // the loopback socket serves it
			}
			a := net.JoinHostPort(ip.String(), p)
			out = append(out, listenerSpec{key: pre + a, addr: a, ip: ip, port: port, tls: pk.tls})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// requestHost returns the Host header without port, lower case (IPv6
// brackets removed).
func requestHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	} else if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	return strings.ToLower(h)
}

// normIP returns the 4-byte form of IPv4 (and IPv4-mapped IPv6) addresses.
func normIP(ip net.IP) net.IP {
	if v4 := ip.To4(); v4 != nil {
		return v4
	}
	return ip
}
