package wsserver

import (
	"bufio"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestSiteCountersAdmit(t *testing.T) {
	for _, c := range []struct {
		max  int64
		want int // admitted out of 5
	}{
		{0, 5}, {unlimitedConnections, 5}, {1, 1}, {3, 3},
	} {
		var sc siteCounters
		got := 0
		var rel []func()
		for range 5 {
			if r, ok := sc.admit("Site", c.max); ok {
				got++
				rel = append(rel, r)
			}
		}
		if got != c.want {
			t.Errorf("max=%d: admitted %d, want %d", c.max, got, c.want)
		}
		for _, r := range rel {
			r()
			r() // releasing twice counts once
		}
		if n := sc.count("SITE"); n != 0 {
			t.Errorf("max=%d: %d counted after release, want 0", c.max, n)
		}
	}
}

// TestConnectionTimeout: an HTTP connection idle between requests is
// closed after the site's connectionTimeout.
func TestConnectionTimeout(t *testing.T) {
	cfg := defaultConfig()
	for i := range cfg.Sites {
		cfg.Sites[i].Limits = Limits{ConnectionTimeout: 200 * time.Millisecond}
	}
	ts := startServer(t, staticLoader(cfg), Options{})
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := br.ReadByte(); err == nil {
		t.Fatal("read a byte from an idle connection")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("idle connection still open after 5 s (connectionTimeout 200ms)")
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("closed after %v, before connectionTimeout", d)
	}
}
