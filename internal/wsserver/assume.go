package wsserver

import (
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Assumptions. The IIS WebSocket module (iiswsock.dll) is closed source and
// several of its behaviours are undocumented (../shared/reference/websocket.md
// marks them UNCONFIRMED). Every place where this package stands in for such a
// behaviour with a guess of its own is one named function or constant in this
// file, so docs can cite it and it can be changed in one place:
//
//	(A1) isUpgradeRequest       an invalid or partial RFC 6455 handshake is answered as a
//	                            normal request (no library 400/426 bodies).
//	(A2) upgradeRefused         enabled="false" never answers 101: the upgrade request falls
//	                            through to the normal handler (our test page, 200).
//	(A3) keepaliveDue           pingInterval > 0: an empty unsolicited Pong (Options.PingOpcode:
//	                            Ping) every interval from connection open, regardless of
//	                            traffic; no reply expected, no dead-peer close.
//	(A4) keepaliveWriteTimeout  a keepalive that cannot start within this time (another write
//	                            holds the connection) is skipped; one the peer's TCP window
//	                            keeps from completing drops the connection as in (A14).
//	(A5) readLimit              receiveBufferLimit is a per-message cap on received payload
//	                            bytes; exceeding it closes with 1009 (empty reason) as soon as
//	                            a frame header announces it, before the payload is read.
//	(A6) validText              invalid UTF-8 in a text message closes with 1007 (websocket.dll
//	                            validates; IIS behaviour itself unconfirmed).
//	(A7) closeWait              after the server sends a Close frame it waits at most this long
//	                            for the peer's Close (or EOF), then closes TCP.
//	(A8) idleTimeout            no idle timeout after 101 (connectionTimeout is not applied to
//	                            an upgraded connection).
//	(A9) settingsAtUpgrade      settings are captured when a connection is upgraded; a reload
//	                            changes new connections only.
//	(A10) bindingRank           HTTP.sys precedence: explicit host > wildcard host (*.x.com,
//	                            longest suffix first) > IP-bound weak wildcard > "*" weak
//	                            wildcard; inside each host category a specific IP beats "*";
//	                            identical bindings on two sites: the first site wins (IIS would
//	                            refuse to start the second).
//	(A11) wildcardHostMatch     "*.x.com" matches any host ending in ".x.com" with at least one
//	                            more label (a.x.com, a.b.x.com), not "x.com" itself.
//	(A12) canonicalPath         the URL path used for configuration is the decoded path with
//	                            "." and ".." segments resolved; decoded control characters,
//	                            invalid UTF-8, %5C, more than 255 segments or a segment over
//	                            260 characters get 400 (HTTP.sys defaults; other HTTP.sys
//	                            canonicalisation is not reproduced).
//	(A13) echoSubprotocol       the echo handler accepts the subprotocol "echo" only (exact,
//	                            case-sensitive); any other offer gets no Sec-WebSocket-Protocol.
//	(A14) writeTimeout          a write to an upgraded connection (echo, Pong, notice) that the
//	                            peer does not take within 10 s means the peer stopped reading:
//	                            the connection is closed without a Close frame (logged 1006).
//	(A15) headerTimeout         a client gets 10 s to send a request's headers (HTTP.sys
//	                            HeaderWait: 2 min), then the connection is closed; not read
//	                            from the configuration.
//	(A16) defaultMaxWaiting     connections waiting for request headers (or idle between
//	                            requests) are bounded in all and per client address; at a
//	                            limit the one waiting longest is closed (HTTP.sys has no such
//	                            limit by default).
//	(A17) siteCounters.admit    limits/@maxConnections counts a site's requests being answered
//	                            and its open WebSocket connections (not idle keep-alive HTTP
//	                            connections); past it a request gets HTTP.sys's 503; 0 is no
//	                            limit.
//	(A18) idleTimers            limits/@connectionTimeout of the site of a connection's last
//	                            request closes it when idle between requests (2 min before a
//	                            first request names a site); 0 is no idle timeout.
//	(A19) WebSocketModule       a configuration that does not declare globalModules or modules
//	                            at all is taken as having the module (cmd/serve_snapshot.go).
//
// Not assumptions but facts of this implementation worth citing: no
// permessage-deflate (IIS has none), no Origin check (IIS has none), Pings from
// the peer are answered with Pongs and Pongs are ignored, protocol errors close
// with 1002 (gorilla/websocket), the peer's close code is echoed.

// isUpgradeRequest reports whether r is a complete, valid RFC 6455 opening
// handshake (§4.2.1): GET, HTTP/1.1 or later, a Host, "Upgrade: websocket",
// "Connection" containing "upgrade", "Sec-WebSocket-Version: 13" and a
// Sec-WebSocket-Key that is base64 of 16 bytes.
//
// (A1) Anything else is served as a normal request (the test page), never with
// a library-specific 400 or 426.
func isUpgradeRequest(r *http.Request) bool {
	if r.Method != http.MethodGet || !r.ProtoAtLeast(1, 1) || r.Host == "" {
		return false
	}
	if !headerHasToken(r.Header, "Upgrade", "websocket") ||
		!headerHasToken(r.Header, "Connection", "upgrade") {
		return false
	}
	v := r.Header.Values("Sec-Websocket-Version")
	if len(v) != 1 || strings.TrimSpace(v[0]) != "13" {
		return false
	}
	k := r.Header.Values("Sec-Websocket-Key")
	if len(k) != 1 {
		return false
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k[0]))
	return err == nil && len(key) == 16
}

// upgradeRefused reports whether a valid upgrade request must not be upgraded
// because of the effective settings.
//
// (A2) enabled="false" never yields 101; the caller serves the request as a
// normal GET (our handler's normal answer is the test page with 200). No IIS
// status specific to this case is known.
func upgradeRefused(s Settings) bool { return !s.Enabled || !s.Module.Loaded() }

// keepaliveDue returns the time of the keepalive that follows one due at
// prev, for a connection with the given interval, observed at now.
//
// (A3) Keepalives start one interval after the connection opens and follow
// every interval regardless of traffic in either direction (a fixed cadence,
// not an idle timer). If the scheduler fell behind by more than an interval,
// missed keepalives are dropped rather than sent in a burst. The frame is an
// empty unsolicited Pong unless Options.PingOpcode is PingOpcodePing; a Pong
// needs no answer, so there is no dead-peer detection.
func keepaliveDue(prev time.Time, interval time.Duration, now time.Time) time.Time {
	interval = max(interval, minKeepaliveInterval)
	next := prev.Add(interval)
	if !next.After(now) {
		next = now.Add(interval)
	}
	return next
}

// minKeepaliveInterval guards the scheduler against absurd intervals (the
// IIS schema's granularity is one second; tests use 100-200 ms).
const minKeepaliveInterval = 10 * time.Millisecond

// keepaliveWriteTimeout bounds how long one keepalive may wait for the
// connection's writer and the socket (Options.WriteTimeout overrides it).
//
// (A4) When it expires while another write holds the connection, the
// keepalive is skipped and the connection stays open. When it expires in the
// socket write itself (a peer that has not read for this long),
// gorilla/websocket marks the connection's writer failed for good, so the
// connection is closed as for writeTimeout (A14). A keepalive never holds up
// other connections' keepalives: while a write on its connection is in
// progress it is sent from a goroutine of its own, not a shared worker.
const keepaliveWriteTimeout = 10 * time.Second

// writeTimeout is the deadline of each data-message write (echo, keepalive
// notice) and of each Pong answering a Ping (Options.WriteTimeout overrides
// it).
//
// (A14) A write the peer's TCP window keeps from completing within 10 s
// means the peer stopped reading: the connection is closed without a Close
// frame (none can be sent past the blocked write), logged as
// close=1006(write-timeout), and its goroutine and buffers are freed.
// Without it a client that sends but never reads would pin a goroutine and a
// message buffer (up to receiveBufferLimit) until it disconnects. HTTP.sys's
// analogue is webLimits/@minBytesPerSecond (MinSendRate, 240 B/s) for
// responses; whether it applies after 101 is unconfirmed, and at 240 B/s a 4
// MiB echo could take almost five hours, so a fixed bound is used instead
// (10 s, as for keepalives: enough for a 4 MiB echo at 400 KiB/s). Pongs use
// it too instead of gorilla's fixed one second, so one rule covers every
// write. The bound is per write, not a minimum rate: a peer that keeps
// taking a few bytes at a time is served slowly, not dropped (TCP
// back-pressure then slows its own sending, and memory stays bounded).
const writeTimeout = 10 * time.Second

// headerTimeout is http.Server.ReadHeaderTimeout: how long a client may
// take, from connecting (or from the first byte of a later request on a
// kept-alive connection), to send a complete request header
// (Options.HeaderTimeout overrides it).
//
// (A15) HTTP.sys's HeaderWait timer, set by webLimits/@headerWaitTimeout;
// its default 00:00:00 means HTTP.sys's own default, 2 minutes. Here it is
// 10 seconds: with 2 minutes, 20,000 slowloris connections trickling a
// header byte now and then held every descriptor of the server for minutes
// (issue 13); a real client sends its headers in milliseconds, and a
// browser whose request is cut simply retries. When it expires the
// connection is closed. HTTP.sys resets it without an answer;
// net/http does too for a client that sent nothing, but answers "400 Bad
// Request" (Connection: close) first when part of a request had arrived
// (bufio hands it the partial line) — a difference kept, since avoiding it
// would mean replacing net/http's request reader. The value is not read
// from the configuration: Snapshot has no webLimits (server-wide, not per
// URL) and changing it would need new listeners.
const headerTimeout = 10 * time.Second

// defaultMaxWaiting returns the default limits of the connection guard
// (connGuard, Options.MaxWaiting and MaxWaitingPerAddr).
//
// (A16) HTTP.sys has no limit on connections waiting for request headers
// by default (only HeaderWait, A15). Here a quarter of the descriptor limit
// (RLIMIT_NOFILE; 4,096 where there is none) may wait in all, between 64
// and 16,384, and a quarter of that per client IP address; idle kept-alive
// connections and held (?hold=) requests count too. At a limit the
// connection that has waited longest is closed, never the new one, so a
// real client (headers within milliseconds) always gets in; when accept
// fails for lack of descriptors, the one waiting longest (over minEvictAge)
// is closed to free one. The rest of the descriptors stays for upgraded
// connections and files.
func defaultMaxWaiting() (total, perAddr int) {
	total = 1024
	if n := descriptorLimit(); n > 0 {
		total = int(min(n/4, 16384))
	}
	total = max(total, 64)
	return total, max(total/4, 16)
}

// readLimit returns the limit passed to gorilla's Conn.SetReadLimit.
//
// (A5) receiveBufferLimit caps the payload bytes of one received data message
// (sum of its frames, control frames excluded). gorilla checks the running
// total at each frame header and, when it would exceed the limit, sends Close
// 1009 with an empty reason before reading the payload. A message of exactly
// receiveBufferLimit bytes is accepted. A value <= 0 (not valid in IIS, schema
// minimum 4096) means no limit. A 64-bit length with the most significant
// bit set (RFC 6455 §5.2 forbids it; 1002 would do as well) is treated as
// over the limit, 1009: gorilla reports it as ErrReadLimit but sends no
// Close frame, so readFailed sends one.
func readLimit(s Settings) int64 {
	if s.ReceiveBufferLimit <= 0 {
		return 0
	}
	return s.ReceiveBufferLimit
}

// validText is the UTF-8 check applied to text messages.
//
// (A6) Invalid UTF-8 closes the connection with 1007 (Invalid frame payload
// data), as websocket.dll does unless told otherwise. The check runs on each
// chunk as it arrives, so a message fails as soon as a complete invalid
// sequence has been received.
func validText(p []byte) bool { return utf8.Valid(p) }

// closeWait is how long the server waits for the peer's Close frame (or EOF)
// after sending its own Close, before closing TCP.
//
// (A7) IIS's value is not documented; 5 s.
const closeWait = 5 * time.Second

// idleTimeout is the read/write idle timeout applied to upgraded connections.
//
// (A8) None: limits/@connectionTimeout governs HTTP.sys timers before the
// upgrade; an upgraded connection stays open while idle.
const idleTimeout time.Duration = 0

// settingsAtUpgrade returns the settings a new WebSocket connection keeps for
// its whole life.
//
// (A9) Captured at upgrade time; a later reload affects new connections only.
// Snapshots are immutable, so the value (including its Origins map, which a
// snapshot may share between paths) is kept as is, not copied.
func settingsAtUpgrade(s Settings) Settings { return s }

// Binding match categories, best first (see bindingRank).
const (
	rankHostIP      = iota // explicit host, specific IP
	rankHostAny            // explicit host, "*"
	rankWildHostIP         // wildcard host, specific IP
	rankWildHostAny        // wildcard host, "*"
	rankNoHostIP           // no host, specific IP (IP-bound weak wildcard)
	rankNoHostAny          // no host, "*" (weak wildcard)
	rankNone        = -1
)

// bindingRank says how well binding e matches a request for host (lower
// case, no port) that arrived on local address ip (nil when the listen
// address is overridden and binding addresses do not apply). It returns
// rankNone when the binding does not match, else the category and, for
// wildcard hosts, the suffix length (longer is more specific). Port matching
// is the caller's job.
//
// (A10) HTTP.sys documents: strong wildcard > explicit host > IP-bound weak
// wildcard > weak wildcard. IIS bindings never register a strong wildcard.
// Wildcard host headers (IIS 10) rank below explicit hosts and above
// host-less bindings, and among host categories a specific IP beats "*"; both
// of those are unconfirmed ("more specific wins"). Ties between identical
// bindings of different sites are broken by site order (the caller keeps the
// first): IIS would not start the second site.
func bindingRank(e *routeEntry, host string, ip net.IP) (rank int, suffix int) {
	ipMatch, specific := true, false
	if ip != nil && e.ip != nil {
		ipMatch, specific = e.ip.Equal(ip), true
	}
	if !ipMatch {
		return rankNone, 0
	}
	pick := func(withIP, any int) int {
		if specific {
			return withIP
		}
		return any
	}
	switch {
	case e.host == "":
		return pick(rankNoHostIP, rankNoHostAny), 0
	case e.wildSuffix != "":
		if wildcardHostMatch(e.wildSuffix, host) {
			return pick(rankWildHostIP, rankWildHostAny), len(e.wildSuffix)
		}
		return rankNone, 0
	case e.host == host:
		return pick(rankHostIP, rankHostAny), 0
	}
	return rankNone, 0
}

// wildcardHostMatch reports whether host matches a wildcard binding host
// "*"+suffix (suffix starts with ".").
//
// (A11) The wildcard stands for one or more labels: "*.x.com" matches
// "a.x.com" and "a.b.x.com" but not "x.com".
func wildcardHostMatch(suffix, host string) bool {
	return len(host) > len(suffix) && strings.HasSuffix(host, suffix) && host[len(host)-len(suffix)-1] != '.'
}

// canonicalPath returns the URL path used to resolve configuration, or
// the reason the request URL is invalid (answered 400 "Invalid URL", as
// HTTP.sys answers it, before any routing or configuration lookup).
//
// (A12) The decoded path with "." and ".." segments resolved (never above
// "/"), empty = "/"; duplicate slashes and a trailing slash are kept; a
// backslash sent as is counts as "/" (HTTP.sys does the same). Refused with
// 400, following HTTP.sys's defaults: a decoded control character
// (U+0000-U+001F, U+007F-U+009F: AllowRestrictedChars=0), the
// noncharacters U+FFFE and U+FFFF (XML, and so no configuration path, can
// hold them; HTTP.sys's answer is unknown), a decoded path
// that is not valid UTF-8 (overlong forms included; HTTP.sys may fall back
// to the system code page, which is not reproduced), an escaped backslash
// (%5C), more than 255 segments (UrlSegmentMaxCount) and a segment longer
// than 260 characters (UrlSegmentMaxLength). Other HTTP.sys
// canonicalisation is not reproduced. rawPath is the path as sent (the
// request target up to "?"), where an escaped backslash can still be told
// from a plain one.
func canonicalPath(p, rawPath string) (string, string) {
	if strings.Contains(rawPath, "%5C") || strings.Contains(rawPath, "%5c") {
		return "", "escaped backslash"
	}
	if !utf8.ValidString(p) {
		return "", "not valid UTF-8"
	}
	for _, r := range p {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			return "", "control character"
		}
		if r == 0xfffe || r == 0xffff {
			return "", "noncharacter" // no configuration path can hold it (XML)
		}
	}
	p = strings.ReplaceAll(p, "\\", "/")
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	segs := strings.Split(p[1:], "/")
	if len(segs) > maxURLSegments {
		return "", "more than " + strconv.Itoa(maxURLSegments) + " segments"
	}
	for _, s := range segs {
		if utf8.RuneCountInString(s) > maxURLSegmentLength {
			return "", "a segment longer than " + strconv.Itoa(maxURLSegmentLength) + " characters"
		}
	}
	if !strings.Contains(p, "/.") {
		return p, ""
	}
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	return "/" + strings.Join(out, "/"), ""
}

// HTTP.sys's default URL limits (A12): UrlSegmentMaxCount and
// UrlSegmentMaxLength. They also bound the work one request can cause:
// every segment is a web.config probe.
const (
	maxURLSegments      = 255
	maxURLSegmentLength = 260
)

// echoSubprotocol is the only subprotocol the echo handler accepts.
//
// (A13) If the client offers "echo" (exact, case-sensitive) among its
// subprotocols, the 101 names it; otherwise no Sec-WebSocket-Protocol is
// sent (browsers accept that; some clients, e.g. Node's ws, then fail the
// handshake, as they should).
const echoSubprotocol = "echo"

// headerHasToken reports whether the comma-separated header name contains
// token (case-insensitive), across repeated header lines.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
