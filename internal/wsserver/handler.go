package wsserver

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// serveHTTP is every listener's handler: route by binding, resolve the
// effective webSocket settings for the path, then upgrade or answer as a
// normal request.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if c, ok := r.Context().Value(connKey{}).(net.Conn); ok {
		s.guard.busy(c) // its request arrived whole (A16)
	}
	path, bad := canonicalPath(r.URL.Path, rawRequestPath(r.RequestURI))
	if bad != "" {
		s.rate.warnf("400-url", "400 invalid URL %s: %s (remote=%s)", s.log.kv("path", quoteIfNeeded(clip(r.URL.Path, 300))), bad, r.RemoteAddr)
		writeInvalidURL(w)
		return
	}
	// Taken before the state: a stop or recycle that closes connections
	// after this request was routed is seen by upgrade (closers).
	closeGen := s.closers.gen.Load()
	st := s.state.Load()
	port, isTLS := 0, false
	if sp, ok := r.Context().Value(ctxKey{}).(*listenerSpec); ok {
		port, isTLS = sp.port, sp.tls
	}
	var local net.IP
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
		local = normIP(a.IP)
	}
	e := st.routes.routeScheme(isTLS, port, local, requestHost(r.Host))
	if e == nil {
		writeInvalidHostname(w)
		return
	}
	set, err := st.snap.WebSocket(e.site, path)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			s.log.warnf("500.19 site=%s path=%s: %s", quoteIfNeeded(e.site), quoteIfNeeded(path), errText(ce))
			write50019(w, r, e, path, ce)
			return
		}
		s.log.errorf("resolving webSocket settings for site=%s path=%s: %s", quoteIfNeeded(e.site), quoteIfNeeded(path), errText(err))
		http.Error(w, "500 Internal Server Error: "+err.Error(), http.StatusInternalServerError)
		return
	}
	pool := st.poolOf(e.site, set.App)
	if pool != "" && s.poolState(st, pool) == StateStopped {
		writeServiceUnavailable(w) // stop apppool
		return
	}
	lim := st.limits[strings.ToLower(e.site)]
	if c, ok := r.Context().Value(connKey{}).(net.Conn); ok {
		s.idle.setTimeout(c, lim.ConnectionTimeout)
	}
	release, ok := s.sites.admit(e.site, lim.MaxConnections)
	if !ok {
		s.rate.warnf("503-maxconn", "503 site=%s path=%s: maxConnections=%d reached (%s)", quoteIfNeeded(e.site), quoteIfNeeded(path),
			lim.MaxConnections, quoteIfNeeded(lim.Origins["maxConnections"]))
		writeServiceUnavailable(w)
		return
	}
	if isUpgradeRequest(r) {
		switch {
		case upgradeRefused(set):
			s.log.infof("ws not upgraded %s %s %s (%s): answered as a normal request",
				s.log.kv("site", s.log.site.Sprint(quoteIfNeeded(e.site))), s.log.kv("path", quoteIfNeeded(path)),
				s.log.kv("config", quoteIfNeeded(set.ConfigPath)), refusalReason(set))
		case s.shutting.Load():
			release()
			http.Error(w, "503 Service Unavailable: server shutting down", http.StatusServiceUnavailable)
			return
		default:
			s.upgrade(w, r, e, path, set, pool, release, closeGen)
			return
		}
	}
	defer release()
	in := s.reqs.add(r, e.site, e.siteID, set.App, pool, false)
	defer s.reqs.remove(in)
	s.serveNormal(w, r, e, path, set)
}

// upgrade answers 101 and runs the echo handler on the connection.
// release gives back the site's connection count when the connection ends.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request, e *routeEntry, path string, set Settings, pool string, release func(), closeGen uint64) {
	hw := &hijackTracker{ResponseWriter: w}
	ws, err := s.upgrader.Upgrade(hw, r, nil)
	if err != nil {
		release()
		s.log.warnf("upgrade failed site=%s path=%s: %s", quoteIfNeeded(e.site), quoteIfNeeded(path), errText(err))
		return
	}
	c := &wsConn{
		srv:     s,
		ws:      ws,
		raw:     hw.raw,
		site:    e.site,
		pool:    pool,
		req:     s.reqs.add(r, e.site, e.siteID, set.App, pool, true),
		path:    path,
		remote:  r.RemoteAddr,
		proto:   ws.Subprotocol(),
		notify:  r.URL.Query().Get("notify") == "keepalive",
		set:     settingsAtUpgrade(set),
		release: release,
		opened:  time.Now(),
		kaIndex: -1,
	}
	s.conns.add(c)
	if c.set.PingInterval > 0 && s.ka != nil {
		s.ka.add(c)
	}
	if s.shutting.Load() || s.closers.since(closeGen, c) {
		// Raced with Shutdown's sweep, or with a stop or recycle that
		// closed its site's or pool's connections before this one was
		// registered.
		c.serverClose(closeGoingAway)
	}
	// A fresh goroutine with a small stack; the HTTP server's goroutine ends.
	go c.run()
}

// serveNormal answers a request that is not upgraded: the test page, or the
// settings as JSON.
func (s *Server) serveNormal(w http.ResponseWriter, r *http.Request, e *routeEntry, path string, set Settings) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if h := r.URL.Query().Get("hold"); h != "" {
		// A held request waits like an idle connection: the guard may
		// close it (A16), or ?hold= would hold descriptors beyond it.
		if c, ok := r.Context().Value(connKey{}).(net.Conn); ok {
			s.guard.idle(c)
			defer s.guard.busy(c)
		}
		holdRequest(w, r, h)
		return
	}
	info := newPageInfo(e, path, set, s.state.Load().limits[strings.ToLower(e.site)])
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		b, _ := json.MarshalIndent(info, "", "  ")
		w.Write(append(b, '\n'))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(renderPage(info))
}

// holdRequest answers GET ?hold=MS with 204 after MS milliseconds (at most
// a minute) or when the client goes away. The test page's autotest keeps
// one such request pending while it runs: headless Chromium with
// --virtual-time-budget does not advance virtual time (nor dump the DOM)
// while a fetch is pending, and an open WebSocket does not count as one.
func holdRequest(w http.ResponseWriter, r *http.Request, ms string) {
	n, err := strconv.Atoi(ms)
	if err != nil || n < 0 {
		http.Error(w, "400 Bad Request: hold=MILLISECONDS", http.StatusBadRequest)
		return
	}
	t := time.NewTimer(min(time.Duration(n)*time.Millisecond, time.Minute))
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
	w.WriteHeader(http.StatusNoContent)
}

func wantsJSON(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for _, t := range strings.Split(v, ",") {
			mt, _, _ := strings.Cut(strings.TrimSpace(t), ";")
			if strings.EqualFold(strings.TrimSpace(mt), "application/json") {
				return true
			}
		}
	}
	return false
}

// pageInfo is the JSON answer (stable field names) and the data of the page.
type pageInfo struct {
	Site               string            `json:"site"`
	SiteID             int64             `json:"siteId"`
	Binding            string            `json:"binding"`
	Path               string            `json:"path"`
	ConfigPath         string            `json:"configPath"`
	App                string            `json:"app"`
	VDir               string            `json:"vdir"`
	PhysicalPath       string            `json:"physicalPath"`
	Enabled            bool              `json:"enabled"`
	PingInterval       string            `json:"pingInterval"`
	PingIntervalMs     int64             `json:"pingIntervalMs"`
	ReceiveBufferLimit int64             `json:"receiveBufferLimit"`
	Origins            map[string]string `json:"origins"`
	AcceptsSubprotocol string            `json:"acceptsSubprotocol"`
	Module             pageModule        `json:"module"`
	Limits             pageLimits        `json:"limits"`
}

// pageLimits is the site's <limits> as applied, with origins.
type pageLimits struct {
	MaxConnections      int64             `json:"maxConnections"`
	ConnectionTimeout   string            `json:"connectionTimeout"`
	MaxBandwidth        int64             `json:"maxBandwidth"`
	MaxBandwidthApplied bool              `json:"maxBandwidthApplied"`
	Origins             map[string]string `json:"origins"`
}

// pageModule is Module with the verdict, for the page and the JSON view.
type pageModule struct {
	Module
	Loaded bool   `json:"loaded"`
	Reason string `json:"reason,omitempty"`
}

// refusalReason says why an upgrade request is answered as a normal one.
func refusalReason(set Settings) string {
	if !set.Module.Loaded() {
		return set.Module.Reason()
	}
	return "enabled=false from " + quoteIfNeeded(set.Origins["enabled"])
}

func newPageInfo(e *routeEntry, path string, set Settings, lim Limits) pageInfo {
	o := set.Origins
	if o == nil {
		o = map[string]string{}
	}
	return pageInfo{
		Site:               e.site,
		SiteID:             e.siteID,
		Binding:            fmt.Sprintf("%s:%d:%s", e.binding.IP, e.binding.Port, e.binding.Host),
		Path:               path,
		ConfigPath:         set.ConfigPath,
		App:                set.App,
		VDir:               set.VDir,
		PhysicalPath:       set.PhysicalPath,
		Enabled:            set.Enabled,
		PingInterval:       formatTimeSpan(set.PingInterval),
		PingIntervalMs:     set.PingInterval.Milliseconds(),
		ReceiveBufferLimit: set.ReceiveBufferLimit,
		Origins:            o,
		AcceptsSubprotocol: echoSubprotocol,
		Module:             pageModule{Module: set.Module, Loaded: set.Module.Loaded(), Reason: set.Module.Reason()},
		Limits: pageLimits{MaxConnections: lim.MaxConnections, ConnectionTimeout: formatTimeSpan(lim.ConnectionTimeout),
			MaxBandwidth: lim.MaxBandwidth, Origins: lim.Origins},
	}
}

// formatTimeSpan formats d as an IIS timeSpan: [d.]hh:mm:ss[.fffffff].
func formatTimeSpan(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	sec := d / time.Second
	d -= sec * time.Second
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10) + ".")
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", h, m, sec)
	if d > 0 {
		fmt.Fprintf(&b, ".%07d", d/100) // 100 ns ticks
	}
	return b.String()
}

// rawRequestPath returns the path of a request target as sent: no query,
// no scheme and authority in the absolute form.
func rawRequestPath(uri string) string {
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	if i := strings.Index(uri, "://"); i >= 0 && !strings.HasPrefix(uri, "/") {
		uri = uri[i+3:]
		if j := strings.IndexByte(uri, '/'); j >= 0 {
			uri = uri[j:]
		} else {
			uri = "/"
		}
	}
	return uri
}

// write50019 answers like IIS's detailed 500.19 page ("The requested page
// cannot be accessed because the related configuration data for the page is
// invalid"), with the file, line and description, and the offending source
// lines when the file is readable. With Accept: application/json the same
// facts come as JSON (status still 500).
func write50019(w http.ResponseWriter, r *http.Request, e *routeEntry, path string, ce *ConfigError) {
	w.Header().Set("Cache-Control", "no-store")
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		b, _ := json.MarshalIndent(map[string]any{
			"status": 500, "subStatus": 19, "site": e.site, "path": path,
			"error": map[string]any{"file": ce.File, "line": ce.Line, "description": ce.Description},
		}, "", "  ")
		w.Write(append(b, '\n'))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>IIS Detailed Error - 500.19 - Internal Server Error</title>` +
		`<style>body{font-family:Segoe UI,sans-serif;margin:0}h1{background:#5f727f;color:#fff;margin:0;padding:6px 20px;font-size:1.3em}` +
		`.c{padding:10px 20px}h3{color:#c00}th{text-align:right;padding-right:1em;vertical-align:top}pre{background:#eee;padding:6px}</style></head><body>`)
	b.WriteString(`<h1>Server Error in Application "` + esc(e.site) + `"</h1><div class="c">`)
	b.WriteString(`<h2>HTTP Error 500.19 - Internal Server Error</h2>`)
	b.WriteString(`<h3>The requested page cannot be accessed because the related configuration data for the page is invalid.</h3>`)
	b.WriteString(`<h4>Detailed Error Information:</h4><table>`)
	row := func(k, v string) { b.WriteString("<tr><th>" + k + "</th><td>" + v + "</td></tr>") }
	row("Config Error", esc(ce.Description))
	row("Config File", esc(ce.File))
	if ce.Line > 0 {
		row("Config Line", strconv.Itoa(ce.Line))
	}
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	row("Requested URL", esc(scheme+r.Host+r.URL.RequestURI()))
	b.WriteString(`</table>`)
	if src := sourceLines(ce.File, ce.Line); src != "" {
		b.WriteString(`<h4>Config Source:</h4><pre>` + esc(src) + `</pre>`)
	}
	b.WriteString(`<p>appcmd serve: HTTP status 500, substatus 19.</p></div></body></html>` + "\n")
	w.Write([]byte(b.String()))
}

// sourceLines returns lines line-1..line+1 of file, IIS "Config Source"
// style, or "" when unavailable.
func sourceLines(file string, line int) string {
	if line <= 0 || file == "" {
		return ""
	}
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var b strings.Builder
	for n := 1; sc.Scan() && n <= line+1; n++ {
		if n >= line-1 {
			fmt.Fprintf(&b, "%5d: %s\n", n, strings.TrimRight(sc.Text(), "\r"))
		}
	}
	return b.String()
}

// HTTP.sys answers some requests itself, before IIS sees them, with a
// short page of its own.

// writeInvalidHostname is HTTP.sys's answer when no binding matches.
func writeInvalidHostname(w http.ResponseWriter) {
	writeHTTPSysPage(w, http.StatusBadRequest, "Bad Request", "Bad Request - Invalid Hostname", "The request hostname is invalid.")
}

// writeInvalidURL is HTTP.sys's answer for a URL it refuses (A12).
func writeInvalidURL(w http.ResponseWriter) {
	writeHTTPSysPage(w, http.StatusBadRequest, "Bad Request", "Bad Request - Invalid URL", "The request URL is invalid.")
}

// writeServiceUnavailable is HTTP.sys's answer for a URL whose application
// pool is stopped, or a site past maxConnections.
func writeServiceUnavailable(w http.ResponseWriter) {
	writeHTTPSysPage(w, http.StatusServiceUnavailable, "Service Unavailable", "Service Unavailable", "The service is unavailable.")
}

func writeHTTPSysPage(w http.ResponseWriter, status int, title, heading, text string) {
	w.Header().Set("Content-Type", "text/html; charset=us-ascii")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"+
		"<HTML><HEAD><TITLE>%s</TITLE>\r\n"+
		"<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"+
		"<BODY><h2>%s</h2>\r\n"+
		"<hr><p>HTTP Error %d. %s</p>\r\n"+
		"</BODY></HTML>\r\n", title, heading, status, text)
}
