package wsserver

import (
	"context"
	"os"
	"os/signal"
	"testing"
)

// TestDevServe runs the server with defaultConfig until interrupted, for
// trying the test page by hand:
//
//	WSSERVER_DEV_LISTEN=127.0.0.1:8080 go test ./wsserver -run TestDevServe -v
func TestDevServe(t *testing.T) {
	addr := os.Getenv("WSSERVER_DEV_LISTEN")
	if addr == "" {
		t.Skip("set WSSERVER_DEV_LISTEN=host:port to run")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := New(staticLoader(defaultConfig()), Options{Listen: addr, Log: os.Stderr, Color: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range s.Addrs() {
		t.Logf("listening on http://%s/", a)
	}
	<-s.Done()
}
