package cmd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/wsserver"
)

// appcmd serve [SITE ...] [-listen:ADDR] [-wildcard:loopback|all]
// [-ping:ping|pong] [-exitafter:D] [-addrfile:PATH]: the WebSocket test
// server (wsserver) on the sites of applicationHost.config, and the runtime
// that the runtime verbs act on (runtime.go). docs/serve.md is the user
// documentation.

// serveOptions are serve's parameters.
type serveOptions struct {
	listen    string
	ping      wsserver.PingOpcode
	exitAfter time.Duration // 0 = run until a signal
	addrFile  string
	wildAll   bool // -wildcard:all: "*" bindings on every address
	// https bindings (serve_tls.go)
	listenTLS         string
	certFile, keyFile string
}

// serveParams parses serve's parameters. -listen is a general parameter
// of the grammar; the others arrive as attribute operations.
func (c *invocation) serveParams() (serveOptions, error) {
	var o serveOptions
	for name, r := range c.Reserved {
		switch name {
		case "listen":
			if r.Value == "" {
				return o, serveUsage("-listen needs an address, e.g. -listen:127.0.0.1:0")
			}
			o.listen = r.Value
		case "apphostconfig":
		default:
			return o, unexpectedParam(r.Raw)
		}
	}
	if c.Stdin {
		return o, serveUsage("serve does not read /in")
	}
	for _, p := range c.Params {
		if len(p.Path) != 1 || p.Path[0].Name == "" || p.Op != opSet {
			return o, unexpectedParam(p.Raw)
		}
		switch strings.ToLower(p.Path[0].Name) {
		case "ping":
			switch strings.ToLower(p.Value) {
			case "pong":
				o.ping = wsserver.PingOpcodePong
			case "ping":
				o.ping = wsserver.PingOpcodePing
			default:
				return o, serveUsage(fmt.Sprintf("Invalid value %q for -ping: use ping or pong", p.Value))
			}
		case "exitafter":
			d, err := time.ParseDuration(p.Value)
			if err != nil || d <= 0 {
				return o, serveUsage(fmt.Sprintf("Invalid value %q for -exitafter: use a positive duration such as 30s or 2m", p.Value))
			}
			o.exitAfter = d
		case "wildcard":
			switch strings.ToLower(p.Value) {
			case "all":
				o.wildAll = true
			case "loopback":
				o.wildAll = false
			default:
				return o, serveUsage(fmt.Sprintf("Invalid value %q for -wildcard: use loopback (the default) or all", p.Value))
			}
		case "listentls":
			if p.Value == "" {
				return o, serveUsage("-listentls needs an address, e.g. -listentls:127.0.0.1:0")
			}
			o.listenTLS = p.Value
		case "cert":
			o.certFile = p.Value
		case "key":
			o.keyFile = p.Value
		case "addrfile":
			if p.Value == "" {
				return o, serveUsage("-addrfile needs a file name")
			}
			o.addrFile = p.Value
		default:
			return o, unexpectedParam(p.Raw)
		}
	}
	return o, nil
}

func serveUsage(msg string) error {
	return &usageError{Framed: true, Message: msg}
}

func runServe(c *invocation) error {
	o, err := c.serveParams()
	if err != nil {
		return err
	}
	path, err := c.appHostPath()
	if err != nil {
		return err
	}
	load := serveLoader(configstore.Options{AppHostPath: path, SchemaDirs: c.schemaDirs(), Env: c.getenv})
	// The first load happens here, so that configuration errors and unknown
	// site names get appcmd's messages and exit codes; wsserver.New then
	// takes this snapshot instead of loading again.
	first, err := load()
	if err != nil {
		return err
	}
	allSites := first.Sites()
	names, err := selectServeSites(allSites, c.Identifiers)
	if err != nil {
		return err
	}
	if o.certFile == "" && o.keyFile == "" {
		o.certFile, _ = c.getenv("APPCMD_SERVE_CERT")
		o.keyFile, _ = c.getenv("APPCMD_SERVE_KEY")
	}
	var cert *serveCert
	var sniCerts []*serveCert
	// No certificate is made when https bindings cannot be served: an
	// http address override alone skips them.
	if hosts, sni, any := serveHTTPSHosts(allSites, names); any && (o.listen == "" || o.listenTLS != "") {
		// A given pair answers every host name; without one, each SNI
		// binding's host gets its own certificate.
		if o.certFile != "" || o.keyFile != "" {
			hosts = append(hosts, sni...)
			sni = nil
		}
		if cert, err = loadServeCert(o.certFile, o.keyFile, filepath.Dir(path), hosts); err != nil {
			return err
		}
		if len(sni) > 0 {
			if sniCerts, err = serveSNICerts(cert.tls, filepath.Dir(path), sni); err != nil {
				return err
			}
		}
	}
	loader := func() (wsserver.Snapshot, error) {
		if s := first; s != nil {
			first = nil
			return s, nil
		}
		return load()
	}
	// wsserver's log lines and ours share one lock: ErrOut may be a buffer.
	logw := &lockedWriter{w: c.ios.ErrOut}
	var tlsCfg *tls.Config
	if cert != nil {
		tlsCfg = cert.tls
	}
	srv, err := wsserver.New(loader, wsserver.Options{
		TLS:         tlsCfg,
		Sites:       names,
		Listen:      o.listen,
		ListenTLS:   o.listenTLS,
		WildcardAll: o.wildAll,
		PingOpcode:  o.ping,
		Log:         logw,
		Color:       c.ios.colorErr,
	})
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Room for a few: signal.Notify drops what does not fit, and a SIGHUP
	// queued before a SIGINT must not swallow it.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	if err := srv.Start(ctx); err != nil {
		return err
	}
	// The control endpoint: start/stop site, recycle apppool, list wp and
	// list request of other appcmd processes act on this server.
	// A second server on the same file serves, but the runtime commands
	// stay with the first.
	ctl, err := srv.ListenControl(c.controlDir(), path, false)
	var taken *wsserver.EndpointTakenError
	switch {
	case errors.As(err, &taken):
		serveLogf(logw, "warning: %v", err)
	case err != nil:
		cancel()
		<-srv.Done()
		return err
	default:
		defer ctl.Close()
	}
	if cert != nil && slices.ContainsFunc(srv.Listeners(), func(l wsserver.ListenerAddr) bool { return l.TLS }) {
		made := ""
		if cert.created {
			made = " (created)"
		}
		c.println(fmt.Sprintf("https certificate %s%s SHA-256 %s", cert.file, made, cert.fingerprint))
		for _, sc := range sniCerts {
			made := ""
			if sc.created {
				made = " (created)"
			}
			c.println(fmt.Sprintf("https certificate %s%s SHA-256 %s", sc.file, made, sc.fingerprint))
		}
	}
	lines := serveListenLines(srv.Listeners(), allSites, names, o.listen != "" || o.listenTLS != "")
	for _, l := range lines {
		c.println(l)
	}
	if o.listen == "" && !o.wildAll && serveHasWildcard(allSites, names) {
		serveLogf(logw, "\"*\" bindings are served on loopback (127.0.0.1) only: add -wildcard:all to listen on every address, or -listen:ADDR")
	}
	if o.addrFile != "" {
		if err := writeFileAtomic(o.addrFile, []byte(strings.Join(lines, "\n")+"\n")); err != nil {
			cancel()
			<-srv.Done()
			return err
		}
	}

	var exitTimer <-chan time.Time
	if o.exitAfter > 0 {
		t := time.NewTimer(o.exitAfter)
		defer t.Stop()
		exitTimer = t.C
	}
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				srv.Reload() // logs its own outcome
				continue
			}
			serveLogf(logw, "received %v, shutting down", sig)
			// A second Ctrl+C during the close handshakes kills the process.
			signal.Stop(sigs)
			cancel()
		case <-exitTimer:
			serveLogf(logw, "-exitafter:%v elapsed, shutting down", o.exitAfter)
			cancel()
		case <-srv.Done():
			return nil
		}
	}
}

// selectServeSites checks the site names given on the command line against
// the configuration (ignoring case, as IIS does) and returns them as spelt
// in the file, without duplicates; none means all sites.
func selectServeSites(sites []wsserver.Site, want []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, w := range want {
		found := ""
		for _, s := range sites {
			if strings.EqualFold(s.Name, w) {
				found = s.Name
				break
			}
		}
		if found == "" {
			return nil, &iis.NotFoundError{Object: iis.SiteKind.Name, ID: w}
		}
		if !seen[strings.ToLower(found)] {
			seen[strings.ToLower(found)] = true
			out = append(out, found)
		}
	}
	return out, nil
}

// serveListenLines renders one stdout line per listener with the sites it
// serves: "Listening on http://127.0.0.1:41234 (Default Web Site)".
func serveListenLines(addrs []wsserver.ListenerAddr, sites []wsserver.Site, selected []string, override bool) []string {
	chosen := func(name string) bool {
		if len(selected) == 0 {
			return true
		}
		for _, n := range selected {
			if n == name {
				return true
			}
		}
		return false
	}
	var out []string
	for _, la := range addrs {
		a, scheme := la.Addr, "http"
		if la.TLS {
			scheme = "https"
		}
		ta, _ := a.(*net.TCPAddr)
		var names []string
		for _, s := range sites {
			if !chosen(s.Name) {
				continue
			}
			for _, b := range s.Bindings {
				if !strings.EqualFold(b.Protocol, scheme) || b.Port < 0 {
					continue
				}
				if override || ta != nil && b.Port == ta.Port && serveSameIP(ta.IP, b.IP) {
					names = append(names, s.Name)
					break
				}
			}
		}
		out = append(out, fmt.Sprintf("Listening on %s://%s (%s)", scheme, a, strings.Join(names, ", ")))
	}
	return out
}

// serveSameIP reports whether a listener on ip serves a binding on bindIP:
// a listener on all addresses serves every binding of its port, and a "*"
// binding is served by every listener of its port (on loopback only by
// default).
func serveSameIP(ip net.IP, bindIP string) bool {
	if ip == nil || ip.IsUnspecified() || bindIP == "*" || bindIP == "" {
		return true
	}
	bip := net.ParseIP(strings.Trim(bindIP, "[]"))
	return bip != nil && bip.Equal(ip)
}

// serveHasWildcard reports whether a selected site has an http "*" binding.
func serveHasWildcard(sites []wsserver.Site, selected []string) bool {
	for _, s := range sites {
		if len(selected) > 0 && !slices.Contains(selected, s.Name) {
			continue
		}
		for _, b := range s.Bindings {
			if strings.EqualFold(b.Protocol, "http") && b.Port >= 0 && (b.IP == "*" || b.IP == "") {
				return true
			}
		}
	}
	return false
}

// serveLogf writes a log line in wsserver's format (timestamp, message)
// with one Write call.
func serveLogf(w io.Writer, format string, args ...any) {
	io.WriteString(w, time.Now().Format("2006-01-02 15:04:05.000")+" "+fmt.Sprintf(format, args...)+"\n")
}

// lockedWriter serialises writes to one stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// writeFileAtomic writes through a temporary file and a rename, so a script
// polling for the file never reads it half written.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
