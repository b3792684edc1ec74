package wsserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Issue 13, server items: log injection (7), close frame details and
// malformed request paths (10). Slowloris (5) and unique paths (6) are in
// guard_test.go and watch_test.go.

// rawGet sends one request line as is (no client library re-encodes the
// path) and returns the status code and body.
func rawGet(t testing.TB, addr, target string, upgrade bool) (int, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET " + target + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n"
	if upgrade {
		req = "GET " + target + " HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET %q: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMalformedPaths (issue 13, item 10): paths HTTP.sys refuses get 400
// "Invalid URL", for page requests and handshakes alike, never 500; the
// server goes on answering other paths.
func TestMalformedPaths(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	for _, target := range []string{
		"/a%00b", "/%00", "/a%5Cb", "/a%5c..%5cb", "/%C0%AE%C0%AE/x", "/%E0%80%AF", "/%FF",
		"/%0D%0AX-Forged:%20yes", "/%EF%BF%BF", "/%1B[2J", "/%07", "/%7F", "/%C2%85",
		"/" + strings.Repeat("a/", 256), "/" + strings.Repeat("b", 261),
		"http://" + "127.0.0.1" + "/x%00",
	} {
		for _, upgrade := range []bool{false, true} {
			code, body := rawGet(t, ts.addr, target, upgrade)
			if code != 400 || !strings.Contains(body, "Invalid URL") {
				t.Errorf("GET %.60q (upgrade %v): %d %.80q, want 400 Invalid URL", target, upgrade, code, body)
			}
		}
	}
	// Paths that are fine: a plain backslash is a slash, printable
	// non-ASCII is kept, 255 segments and 260 characters are allowed.
	for _, target := range []string{"/a\\b", "/caf%C3%A9", "/" + strings.Repeat("a/", 254) + "a", "/" + strings.Repeat("b", 260)} {
		if code, _ := rawGet(t, ts.addr, target, false); code != 200 {
			t.Errorf("GET %.60q: %d, want 200", target, code)
		}
	}
	c := mustDial(t, ts.addr, "/after")
	echo(t, c, "still serving")
}

// TestCloseFrameDetails (issue 13, item 10): a Close body of one byte gets
// 1002, a reason that is not UTF-8 gets 1007 (after a valid code; an
// invalid code stays 1002), and a good Close is still echoed.
func TestCloseFrameDetails(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	for _, tc := range []struct {
		name    string
		payload []byte
		want    int
	}{
		{"one byte", []byte{0x03}, 1002},
		{"invalid UTF-8 reason", closePayload(1000, "bad \xff\xfe"), 1007},
		{"overlong UTF-8 reason", closePayload(4000, "\xc0\xae"), 1007},
		{"truncated UTF-8 reason", closePayload(1001, "\xe2\x82"), 1007},
		{"invalid code and reason", closePayload(999, "\xff"), 1002},
		{"valid reason", closePayload(1000, "ok ✓"), 1000},
		{"empty body", nil, 1005},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := rawDial(t, ts.addr, "", "/")
			rc.send(t, frame(true, 0, opText, true, []byte("hi")))
			if f, err := rc.readFrame(5 * time.Second); err != nil || string(f.payload) != "hi" {
				t.Fatalf("echo: %v %v", f, err)
			}
			rc.send(t, frame(true, 0, opClose, true, tc.payload))
			f, err := rc.readFrame(5 * time.Second)
			if err != nil || f.opcode != opClose {
				t.Fatalf("want a Close frame, got %v %v", f, err)
			}
			if got := f.closeCode(); got != tc.want {
				t.Fatalf("close code %d, want %d", got, tc.want)
			}
			rc.SetReadDeadline(time.Now().Add(3 * time.Second))
			if _, err := io.Copy(io.Discard, rc.br); err != nil {
				t.Fatalf("server did not close TCP: %v", err)
			}
		})
	}
	ts.log.waitFor(t, "close=1002(server)", 2*time.Second)
	ts.log.waitFor(t, "close=1007(server)", 2*time.Second)
	ts.log.waitFor(t, "close=1000(client)", 2*time.Second)
	c := mustDial(t, ts.addr, "/")
	echo(t, c, "still serving")
}

// TestLogInjection (issue 13, item 7): whatever a client puts in a URL
// path, every log line stays one line of printable text; fields with
// control or non-printable characters are quoted with Go escapes.
func TestLogInjection(t *testing.T) {
	ts := startServer(t, staticLoader(defaultConfig()), Options{})
	ts.rate.interval = 300 * time.Millisecond
	// Refused paths are logged (rate-limited), quoted.
	if code, _ := rawGet(t, ts.addr, "/%0D%0A2026-01-01%2000:00:00.000%20reloaded%1B[31m%07%00", false); code != 400 {
		t.Fatalf("status %d, want 400", code)
	}
	ts.log.waitFor(t, `path="/\r\n2026-01-01 00:00:00.000 reloaded\x1b[31m\a\x00": control character`, 2*time.Second)
	// A long URL is clipped in the log.
	time.Sleep(350 * time.Millisecond) // past the rate limit
	rawGet(t, ts.addr, "/"+strings.Repeat("x", 5000), false)
	ts.log.waitFor(t, `path="/`+strings.Repeat("x", 299)+`...(5001 bytes)": a segment longer than 260 characters`, 2*time.Second)
	// A burst is one line plus a count.
	for i := 0; i < 20; i++ {
		rawGet(t, ts.addr, "/%1B", false)
	}
	ts.log.waitFor(t, "similar line(s) left out", 2*time.Second)
	// Non-printable runes HTTP.sys lets through (line separator, bidi
	// override, no-break space) reach the settings, the 500.19 warning
	// and the connection's close line: quoted there.
	c := mustDial(t, ts.addr, "/x%E2%80%A8y%E2%80%AEz%C2%A0")
	echo(t, c, "hi")
	c.Close()
	ts.log.waitFor(t, `path="/x\u2028y\u202ez\u00a0"`, 2*time.Second)
	if code, _ := rawGet(t, ts.addr, "/broken/%E2%80%A8", false); code != 500 {
		t.Fatalf("status %d, want 500", code)
	}
	ts.log.waitFor(t, `500.19 site="Default Web Site" path="/broken/\u2028"`, 2*time.Second)
	time.Sleep(400 * time.Millisecond) // the rate limiter's flush
	for i, line := range strings.Split(strings.TrimSuffix(ts.log.String(), "\n"), "\n") {
		if !printable(line) {
			t.Errorf("log line %d holds a control or non-printable character: %q", i+1, line)
		}
		if len(line) < 24 || line[4] != '-' || line[10] != ' ' {
			t.Errorf("log line %d does not start with a timestamp: %q", i+1, line)
		}
	}
}

func TestQuoteIfNeeded(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          "plain",
		"/a/b":           "/a/b",
		"café/中":         "café/中",
		"":               `""`,
		"a b":            `"a b"`,
		"a=b":            `"a=b"`,
		"a\r\nb":         `"a\r\nb"`,
		"\x1b[31m":       `"\x1b[31m"`,
		"\a\x00\x7f":     `"\a\x00\x7f"`,
		"\u2028\u202e":   `"\u2028\u202e"`,
		"\u00a0":         `"\u00a0"`,
		"bad\xffutf8":    `"bad\xffutf8"`,
		"\u0085next":     `"\u0085next"`,
		"emoji 😀":        `"emoji 😀"`,
		"C:\\inetpub\\x": "C:\\inetpub\\x",
	} {
		got := quoteIfNeeded(in)
		if got != want {
			t.Errorf("quoteIfNeeded(%q) = %s, want %s", in, got, want)
		}
		if !printable(got) || !utf8.ValidString(got) {
			t.Errorf("quoteIfNeeded(%q) = %q is not printable", in, got)
		}
	}
	for in, want := range map[string]string{
		"file /a\r\nb: bad": `file /a\r\nb: bad`,
		"é \x1b ok":         `é \x1b ok`,
		"\xff":              `\xff`,
		"\u202e":            `\u202e`,
	} {
		if got := escapeText(in); got != want {
			t.Errorf("escapeText(%q) = %s, want %s", in, got, want)
		}
	}
}
