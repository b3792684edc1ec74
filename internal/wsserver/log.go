package wsserver

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fatih/color"
)

// logger writes one line per event to Options.Log. Colour comes from our own
// *color.Color values, switched on or off per value (never the global
// color.NoColor).
type logger struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time

	dim, site, good, warn, bad, key *color.Color
}

func newLogger(w io.Writer, useColor bool) *logger {
	if w == nil {
		w = io.Discard
	}
	l := &logger{
		w:    w,
		now:  time.Now,
		dim:  color.New(color.Faint),
		site: color.New(color.FgCyan),
		good: color.New(color.FgGreen),
		warn: color.New(color.FgYellow),
		bad:  color.New(color.FgRed, color.Bold),
		key:  color.New(color.FgBlue),
	}
	for _, c := range []*color.Color{l.dim, l.site, l.good, l.warn, l.bad, l.key} {
		if useColor {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return l
}

func (l *logger) line(s string) {
	ts := l.dim.Sprint(l.now().Format("2006-01-02 15:04:05.000"))
	l.mu.Lock()
	io.WriteString(l.w, ts+" "+s+"\n")
	l.mu.Unlock()
}

func (l *logger) infof(format string, args ...any) { l.line(fmt.Sprintf(format, args...)) }

func (l *logger) warnf(format string, args ...any) {
	l.line(l.warn.Sprint("warning: ") + fmt.Sprintf(format, args...))
}

func (l *logger) errorf(format string, args ...any) {
	l.line(l.bad.Sprint("error: ") + fmt.Sprintf(format, args...))
}

// kv renders key=value with the key coloured.
func (l *logger) kv(k, v string) string { return l.key.Sprint(k+"=") + v }

// quoteIfNeeded quotes values with spaces so log lines stay parseable, and
// values holding a control character, a non-printable rune (line and
// paragraph separators, bidi overrides) or invalid UTF-8 so that a client
// cannot forge log lines or send escape sequences to a terminal: URL paths
// and Host names come from clients.
func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"=") || !printable(s) {
		return strconv.Quote(s)
	}
	return s
}

// printable reports whether s is valid UTF-8 made of printable runes
// (unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the
// ASCII space).
func printable(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !unicode.IsPrint(r) {
			return false
		}
		i += n
	}
	return true
}

// clip shortens s to about n bytes (at a rune boundary), saying how long
// it was: a refused URL can be a megabyte long.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "...(" + strconv.Itoa(len(s)) + " bytes)"
}

// escapeText makes free text (an error message that may quote a path)
// safe for the log: every rune quoteIfNeeded would quote for is written
// as a Go escape (\r, \n, \x1b, \u202e), the rest is kept as it is.
func escapeText(s string) string {
	if printable(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r < utf8.RuneSelf && (r < 0x20 || r == 0x7f) || r >= utf8.RuneSelf && !unicode.IsPrint(r) {
			q := strconv.QuoteToASCII(s[i : i+n])
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// errText is err's message made safe for the log (escapeText).
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return escapeText(err.Error())
}

// rateLimited logs at most one line per interval for each key; the lines
// left out in between are counted and reported with the next one, or by a
// timer when no next one comes. Floods (connections dropped by the
// slowloris guard, accept errors while descriptors run out) must not flood
// the log too.
type rateLimited struct {
	l        *logger
	interval time.Duration

	mu   sync.Mutex
	keys map[string]*rateKey
}

type rateKey struct {
	last       time.Time
	suppressed int
	latest     string // the latest suppressed line
	timer      *time.Timer
}

func newRateLimited(l *logger, interval time.Duration) *rateLimited {
	return &rateLimited{l: l, interval: interval, keys: map[string]*rateKey{}}
}

// warnf logs a warning under key unless one was logged less than the
// interval ago.
func (r *rateLimited) warnf(key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	now := time.Now()
	r.mu.Lock()
	k := r.keys[key]
	if k == nil {
		k = &rateKey{}
		r.keys[key] = k
	}
	if !k.last.IsZero() && now.Sub(k.last) < r.interval {
		k.suppressed++
		k.latest = msg
		if k.timer == nil {
			k.timer = time.AfterFunc(r.interval-now.Sub(k.last), func() { r.flush(key) })
		}
		r.mu.Unlock()
		return
	}
	k.last = now
	r.mu.Unlock()
	r.l.warnf("%s", msg)
}

// flush reports the lines left out under key, if any.
func (r *rateLimited) flush(key string) {
	r.mu.Lock()
	k := r.keys[key]
	k.timer = nil
	n, msg := k.suppressed, k.latest
	k.suppressed, k.latest = 0, ""
	if n > 0 {
		k.last = time.Now()
	}
	r.mu.Unlock()
	if n > 0 {
		r.l.warnf("%s (%d similar line(s) left out in the last %v)", msg, n, r.interval)
	}
}

// stop cancels pending flush timers (Shutdown), reporting what they held.
func (r *rateLimited) stop() {
	r.mu.Lock()
	var keys []string
	for key, k := range r.keys {
		if k.timer != nil && k.timer.Stop() {
			keys = append(keys, key)
		}
	}
	r.mu.Unlock()
	for _, key := range keys {
		r.flush(key)
	}
}

// settingsFields renders the three attributes with where each came from.
func (l *logger) settingsFields(s Settings) string {
	o := func(name string) string {
		if src, ok := s.Origins[name]; ok && src != "" {
			return "(" + quoteIfNeeded(src) + ")"
		}
		return "(?)"
	}
	return l.kv("enabled", strconv.FormatBool(s.Enabled)+o("enabled")) + " " +
		l.kv("pingInterval", formatTimeSpan(s.PingInterval)+o("pingInterval")) + " " +
		l.kv("receiveBufferLimit", strconv.FormatInt(s.ReceiveBufferLimit, 10)+o("receiveBufferLimit")) + " " +
		l.kv("module", "loaded(registered "+quoteIfNeeded(s.Module.RegisteredAt)+", enabled "+quoteIfNeeded(s.Module.EnabledAt)+")")
}

// connClosed is the one line logged per WebSocket connection, at close.
func (l *logger) connClosed(c *wsConn, code int, by string, d time.Duration) {
	codeStr := strconv.Itoa(code) + "(" + by + ")"
	switch {
	case code == 1000 || code == 1001 || code == 1005:
		codeStr = l.good.Sprint(codeStr)
	case code == 1006:
		codeStr = l.bad.Sprint(codeStr)
	default:
		codeStr = l.warn.Sprint(codeStr)
	}
	var b strings.Builder
	b.WriteString("ws close ")
	b.WriteString(l.kv("site", l.site.Sprint(quoteIfNeeded(c.site))))
	b.WriteString(" " + l.kv("path", quoteIfNeeded(c.path)))
	b.WriteString(" " + l.kv("config", quoteIfNeeded(c.set.ConfigPath)))
	b.WriteString(" " + l.settingsFields(c.set))
	if c.proto != "" {
		b.WriteString(" " + l.kv("subprotocol", c.proto))
	}
	b.WriteString(" " + l.kv("close", codeStr))
	b.WriteString(" " + l.kv("duration", d.Round(time.Millisecond).String()))
	b.WriteString(" " + l.kv("in", strconv.FormatInt(c.msgIn, 10)))
	b.WriteString(" " + l.kv("out", strconv.FormatInt(c.msgOut, 10)))
	if n := c.keepalives.Load(); n > 0 || c.set.PingInterval > 0 {
		b.WriteString(" " + l.kv("keepalives", strconv.FormatInt(n, 10)))
	}
	b.WriteString(" " + l.kv("remote", c.remote))
	l.line(b.String())
}
