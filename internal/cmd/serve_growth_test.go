package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/wsserver"
)

// A long-running serve does not grow with reloads (issue 16 item 7): every
// reload opens a new store, and nothing may keep the old ones alive (a
// package-level cache keyed by schema elements once did). The live heap
// after 1,000 in-process reloads, each followed by a request that fills
// the new snapshot's caches, stays within 10% of its value after 10.
// docs/reliability.md has the figure.
func TestServeReloadGrowth(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: 1,000 reloads")
	}
	dir := writeServeFiles(t, serveTestFiles())
	// A first server warms what the process allocates once (net/http's
	// and the runtime's own tables), so the figures are the server's.
	reloadServer(t, dir, 20, nil)
	var at10, at1000 uint64
	start := time.Now()
	reloadServer(t, dir, 1000, func(i int) {
		switch i {
		case 10:
			at10 = liveHeap()
		case 1000:
			at1000 = liveHeap()
		}
	})
	t.Logf("live heap after 10 reloads %d KiB, after 1,000 %d KiB (%+.1f%%); 990 reloads in %v",
		at10>>10, at1000>>10, 100*(float64(at1000)/float64(at10)-1), time.Since(start))
	if float64(at1000) > 1.10*float64(at10) {
		t.Errorf("the heap grew with reloads: %d KiB after 10, %d KiB after 1,000 (more than 10%%)", at10>>10, at1000>>10)
	}
}

// reloadServer runs a server on the files in dir, reloads it n times,
// each followed by a request, and calls after(i) after the i-th.
func reloadServer(t *testing.T, dir string, n int, after func(int)) {
	load := serveLoader(configstore.Options{AppHostPath: filepath.Join(dir, "applicationHost.config"), Env: func(string) (string, bool) { return "", false }})
	srv, err := wsserver.New(load, wsserver.Options{Listen: "127.0.0.1:0", PollInterval: -1, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); <-srv.Done() }()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	url := "http://" + srv.Addrs()[0].String()
	// A connection per request: none is open when the heap is measured.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	for i := 1; i <= n; i++ {
		if err := srv.Reload(); err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/app/page%d", url, i%10), nil)
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if after != nil {
			after(i)
		}
	}
}

// liveHeap is the smallest of a few readings of the live heap after a
// collection: a leak raises them all, while buffers in flight (timers,
// pools) come and go.
func liveHeap() uint64 {
	least := ^uint64(0)
	for range 3 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC() // finalizers of the first pass
		runtime.ReadMemStats(&m)
		least = min(least, m.HeapAlloc)
	}
	return least
}
