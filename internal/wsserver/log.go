package wsserver

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

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

// quoteIfNeeded quotes values with spaces so log lines stay parseable.
func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"=") {
		return strconv.Quote(s)
	}
	return s
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
		l.kv("receiveBufferLimit", strconv.FormatInt(s.ReceiveBufferLimit, 10)+o("receiveBufferLimit"))
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
