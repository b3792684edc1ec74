package wsserver

import (
	"container/heap"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// keepalives is the one scheduler for all connections' keepalive frames: a
// min-heap of next-due times driven by a single timer, plus a few workers
// that do the writes (a write can block on a busy connection; the scheduler
// never does). No goroutine or ticker per connection.
type keepalives struct {
	opcode  int
	mu      sync.Mutex
	h       kaHeap
	timer   *time.Timer
	work    chan *wsConn
	stop    chan struct{}
	stopped bool
	wg      sync.WaitGroup
}

const keepaliveWorkers = 4

// kaBatch: keepalives due within this window are sent together (at most this
// early), which bounds the scheduler's wake-ups with many connections.
const kaBatch = time.Millisecond

func newKeepalives(opcode int) *keepalives {
	k := &keepalives{
		opcode: opcode,
		timer:  time.NewTimer(time.Hour),
		work:   make(chan *wsConn, 1024),
		stop:   make(chan struct{}),
	}
	k.timer.Stop()
	k.wg.Add(1 + keepaliveWorkers)
	go k.loop()
	for i := 0; i < keepaliveWorkers; i++ {
		go k.worker()
	}
	return k
}

// add schedules keepalives for c (c.set.PingInterval > 0), the first one an
// interval after c.opened.
func (k *keepalives) add(c *wsConn) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stopped {
		return
	}
	c.kaNext = keepaliveDue(c.opened, c.set.PingInterval, time.Now())
	heap.Push(&k.h, c)
	if c.kaIndex == 0 {
		k.timer.Reset(time.Until(c.kaNext))
	}
}

// remove stops keepalives for c (no-op if not scheduled).
func (k *keepalives) remove(c *wsConn) {
	k.mu.Lock()
	if c.kaIndex >= 0 && c.kaIndex < len(k.h) && k.h[c.kaIndex] == c {
		heap.Remove(&k.h, c.kaIndex)
	}
	k.mu.Unlock()
}

func (k *keepalives) loop() {
	defer k.wg.Done()
	var due []*wsConn
	for {
		select {
		case <-k.stop:
			return
		case <-k.timer.C:
		}
		now := time.Now()
		due = due[:0]
		k.mu.Lock()
		for len(k.h) > 0 && !k.h[0].kaNext.After(now.Add(kaBatch)) {
			c := k.h[0]
			c.kaNext = keepaliveDue(c.kaNext, c.set.PingInterval, now)
			heap.Fix(&k.h, 0)
			due = append(due, c)
		}
		if len(k.h) > 0 {
			k.timer.Reset(time.Until(k.h[0].kaNext))
		}
		k.mu.Unlock()
		for i, c := range due {
			select {
			case k.work <- c:
			default:
				go c.sendKeepalive(k.opcode) // workers saturated: don't delay the rest
			}
			due[i] = nil
		}
	}
}

func (k *keepalives) worker() {
	defer k.wg.Done()
	for {
		select {
		case <-k.stop:
			return
		case c := <-k.work:
			c.sendKeepalive(k.opcode)
		}
	}
}

func (k *keepalives) close() {
	k.mu.Lock()
	if k.stopped {
		k.mu.Unlock()
		return
	}
	k.stopped = true
	k.h = nil
	k.mu.Unlock()
	close(k.stop)
	k.wg.Wait()
}

// kaHeap orders connections by next keepalive time.
type kaHeap []*wsConn

func (h kaHeap) Len() int           { return len(h) }
func (h kaHeap) Less(i, j int) bool { return h[i].kaNext.Before(h[j].kaNext) }
func (h kaHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].kaIndex = i
	h[j].kaIndex = j
}
func (h *kaHeap) Push(x any) {
	c := x.(*wsConn)
	c.kaIndex = len(*h)
	*h = append(*h, c)
}
func (h *kaHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	c.kaIndex = -1
	return c
}

func opcodeOf(p PingOpcode) int {
	if p == PingOpcodePing {
		return websocket.PingMessage
	}
	return websocket.PongMessage
}
