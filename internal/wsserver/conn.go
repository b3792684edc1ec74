package wsserver

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Close codes used here (RFC 6455 §7.4.1).
const (
	closeNormal        = 1000
	closeGoingAway     = 1001
	closeProtocolError = 1002
	closeNoStatus      = 1005
	closeAbnormal      = 1006
	closeInvalidData   = 1007
	closeTooBig        = 1009
)

// wsConn is one upgraded connection running the echo handler.
//
// Memory matters (thousands of idle connections): one goroutine (the reader,
// which also echoes), gorilla's small read buffer, no write buffer while idle
// (WriteBufferPool), and keepalives from the shared scheduler.
type wsConn struct {
	srv    *Server
	ws     *websocket.Conn
	raw    trackedConn
	site   string
	pool   string    // application pool (recycle and stop apppool close by pool)
	req    *inflight // for list request
	path   string
	remote string
	proto  string
	notify bool // send a text notice after each keepalive (test page option)
	set    Settings
	opened time.Time
	// release gives back the site's maxConnections count (limits.go).
	release func()

	msgIn, msgOut int64 // reader goroutine only

	// keepalive scheduling (owned by the scheduler's mutex)
	kaIndex int
	kaNext  time.Time

	keepalives    atomic.Int64
	kaInflight    atomic.Bool
	serverClosing atomic.Bool  // we sent the first Close (shutdown or 1007)
	writing       atomic.Int32 // echo, notice or Pong writes in progress
	writeTimedOut atomic.Bool  // a write hit its deadline (A14)
	dataMu        sync.Mutex   // serialises data-message writers (echo, notices)
}

// run is the connection's reader/echo loop; it returns when the connection
// is closed and logs the connection.
func (c *wsConn) run() {
	defer c.srv.conns.done(c)
	defer c.release()
	c.ws.SetReadLimit(readLimit(c.set))
	c.ws.SetPingHandler(c.pong)
	c.ws.SetCloseHandler(c.onClose)
	for {
		if idleTimeout > 0 {
			c.ws.SetReadDeadline(time.Now().Add(idleTimeout))
		}
		mt, r, err := c.ws.NextReader()
		if err != nil {
			c.finish(c.readFailed(err))
			return
		}
		bp, err := readMessage(mt, r)
		if err != nil {
			c.finish(c.readFailed(err))
			return
		}
		c.msgIn++
		err = c.writeData(mt, *bp)
		putBuf(bp)
		if err != nil {
			c.finish(err)
			return
		}
		c.msgOut++
	}
}

// readFailed sends the Close frame gorilla does not send for some read
// errors and returns the error finish should see.
func (c *wsConn) readFailed(err error) error {
	switch {
	case errors.Is(err, errInvalidUTF8):
		c.serverClose(closeInvalidData)
		return errServerClosed
	case errors.Is(err, websocket.ErrReadLimit) && c.raw.track().sentClose.Load() == 0:
		// gorilla sends Close 1009 for a message over the limit, but
		// nothing when a 64-bit length has its top bit set (RFC 6455
		// §5.2: MUST be 0), which it also reports as ErrReadLimit: a
		// length no limit admits, so 1009 as well (A5).
		c.serverClose(closeTooBig)
		return errServerClosed
	}
	return err
}

// writeData writes one data message under dataMu with the write deadline
// (A14).
func (c *wsConn) writeData(mt int, p []byte) error {
	c.dataMu.Lock()
	defer c.dataMu.Unlock()
	c.writing.Add(1)
	defer c.writing.Add(-1)
	c.ws.SetWriteDeadline(time.Now().Add(c.srv.writeTimeout))
	return c.wroteFailed(c.ws.WriteMessage(mt, p))
}

// pong answers a Ping (gorilla's default handler, with the write deadline
// of A14 instead of a fixed second).
func (c *wsConn) pong(appData string) error {
	c.writing.Add(1)
	err := c.ws.WriteControl(websocket.PongMessage, []byte(appData), time.Now().Add(c.srv.writeTimeout))
	c.writing.Add(-1)
	if !writerFailed(err) {
		return nil // written, close already sent, or writer busy: skip
	}
	return c.wroteFailed(err)
}

// onClose answers the peer's Close frame: its code echoed (gorilla's
// default), except a 1-byte body, which gorilla reads as "no status" but
// RFC 6455 §5.5.1 does not allow: 1002.
func (c *wsConn) onClose(code int, _ string) error {
	if c.raw.track().closeFault.Load() == closeProtocolError {
		c.serverClose(closeProtocolError)
		return nil
	}
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	return nil
}

// writerFailed reports whether err from a gorilla write means the
// connection can no longer be written: gorilla returns a temporary error
// only when it gave up waiting for another writer, and ErrCloseSent after
// a Close frame; every other error (a socket write that failed or timed
// out) has marked the writer failed for good.
func writerFailed(err error) bool {
	if err == nil || errors.Is(err, websocket.ErrCloseSent) {
		return false
	}
	var ne net.Error
	return !errors.As(err, &ne) || !ne.Temporary() //nolint:staticcheck // gorilla's own classification
}

// wroteFailed notes a write that timed out (for the log) and returns err.
func (c *wsConn) wroteFailed(err error) error {
	var ne net.Error
	if writerFailed(err) && errors.As(err, &ne) && ne.Timeout() {
		c.writeTimedOut.Store(true)
	}
	return err
}

var (
	errInvalidUTF8  = errors.New("invalid UTF-8 in text message")
	errServerClosed = errors.New("server sent close")
)

// serverClose starts a server-initiated close handshake with code.
func (c *wsConn) serverClose(code int) {
	c.serverClosing.Store(true)
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
}

// finish works out the close code for the log, waits for the peer's Close
// when we sent ours first (closeWait), then closes TCP.
func (c *wsConn) finish(err error) {
	code, by := closeAbnormal, "abnormal"
	sent := int(c.raw.track().sentClose.Load())
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce) && !c.serverClosing.Load():
		// Peer initiated; gorilla has echoed its code. Server closes TCP first.
		code, by = ce.Code, "client"
	case sent != 0:
		// We (or gorilla: 1002, 1009) sent Close first.
		code, by = sent, "server"
		if !errors.As(err, &ce) && !c.raw.track().peerClosed() {
			c.drain()
		}
	case c.writeTimedOut.Load():
		by = "write-timeout" // (A14) the peer stopped reading
	}
	c.raw.Close()
	c.srv.log.connClosed(c, code, by, time.Since(c.opened))
}

// drain reads and discards until the peer's Close frame has been seen (the
// frame tracker follows the raw byte stream, so this works even after gorilla
// stopped parsing, e.g. past an oversized payload), EOF, or closeWait.
func (c *wsConn) drain() {
	c.raw.SetReadDeadline(time.Now().Add(closeWait))
	var buf [512]byte
	for !c.raw.track().peerClosed() {
		if _, err := c.raw.Read(buf[:]); err != nil {
			return
		}
	}
}

// sendKeepalive is called by the keepalive scheduler's workers. A worker
// is shared by all connections, so it must not wait behind a write on this
// one (an echo to a peer that does not read blocks for up to writeTimeout):
// while one is in progress the keepalive gets a goroutine of its own.
func (c *wsConn) sendKeepalive(opcode int) {
	if !c.kaInflight.CompareAndSwap(false, true) {
		return // previous keepalive still blocked
	}
	if c.writing.Load() > 0 {
		go c.writeKeepalive(opcode)
		return
	}
	c.writeKeepalive(opcode)
}

func (c *wsConn) writeKeepalive(opcode int) {
	defer c.kaInflight.Store(false)
	if err := c.ws.WriteControl(opcode, nil, time.Now().Add(c.srv.kaWriteTimeout)); err != nil {
		if writerFailed(c.wroteFailed(err)) {
			c.raw.Close() // (A4) the writer is dead; the reader ends and logs
		}
		return
	}
	n := c.keepalives.Add(1)
	if c.notify && c.dataMu.TryLock() {
		// Test page extension: browsers cannot see control frames.
		c.writing.Add(1)
		c.ws.SetWriteDeadline(time.Now().Add(c.srv.writeTimeout))
		err := c.wroteFailed(c.ws.WriteMessage(websocket.TextMessage, keepaliveNotice(opcode, n, time.Since(c.opened))))
		c.writing.Add(-1)
		c.dataMu.Unlock()
		if writerFailed(err) {
			c.raw.Close()
		}
	}
}

func keepaliveNotice(opcode int, n int64, since time.Duration) []byte {
	kind := "pong"
	if opcode == websocket.PingMessage {
		kind = "ping"
	}
	b := make([]byte, 0, 96)
	b = append(b, `{"appcmdKeepalive":{"frame":"`...)
	b = append(b, kind...)
	b = append(b, `","seq":`...)
	b = appendInt(b, n)
	b = append(b, `,"sinceOpenMs":`...)
	b = appendInt(b, since.Milliseconds())
	b = append(b, "}}"...)
	return b
}

func appendInt(b []byte, n int64) []byte {
	var tmp [20]byte
	i := len(tmp)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		tmp[i] = '-'
	}
	return append(b, tmp[i:]...)
}

// --- message buffers -------------------------------------------------------

const (
	minBuf       = 4 << 10
	maxPooledBuf = 1 << 20
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, minBuf); return &b }}

func putBuf(bp *[]byte) {
	if cap(*bp) <= maxPooledBuf {
		*bp = (*bp)[:0]
		bufPool.Put(bp)
	}
}

// readMessage reads one whole message (fragments reassembled by gorilla)
// into a pooled buffer, checking text for valid UTF-8 chunk by chunk.
func readMessage(mt int, r io.Reader) (*[]byte, error) {
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	checked := 0
	text := mt == websocket.TextMessage
	for {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), 2*cap(b))
			copy(nb, b)
			b = nb
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if text && n > 0 {
			end := len(b) - incompleteTail(b[checked:])
			if !validText(b[checked:end]) {
				*bp = b
				putBuf(bp)
				return nil, errInvalidUTF8
			}
			checked = end
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			*bp = b
			putBuf(bp)
			return nil, err
		}
	}
	*bp = b
	if text && checked < len(b) { // message ends inside a sequence
		putBuf(bp)
		return nil, errInvalidUTF8
	}
	return bp, nil
}

// incompleteTail returns how many bytes at the end of p form the start of a
// UTF-8 sequence that may still be completed by the next chunk.
func incompleteTail(p []byte) int {
	n := len(p)
	for i := 1; i <= 3 && i <= n; i++ {
		b := p[n-i]
		if b < utf8.RuneSelf {
			return 0
		}
		if b >= 0xC0 { // lead byte
			need := 4
			switch {
			case b < 0xE0:
				need = 2
			case b < 0xF0:
				need = 3
			case b >= 0xF8:
				return 0 // invalid lead, let the check fail
			}
			if need > i {
				return i
			}
			return 0
		}
	}
	return 0
}

// --- raw connection with a frame tracker -------------------------------------

// trackedConn is the hijacked connection as gorilla sees it: reads feed a
// frame tracker (to see the peer's Close even after gorilla gave up), writes
// note the first Close frame we send.
type trackedConn interface {
	net.Conn
	track() *connTrack
}

type connTrack struct {
	ft        frameTracker // reader goroutine only
	peerClose atomic.Bool
	sentClose atomic.Int32
	// closeFault is the code the peer's Close frame deserves when
	// gorilla would answer it wrongly: 1002 for a 1-byte payload (gorilla
	// takes it for no status and echoes an empty Close), 1007 for a
	// reason that is not UTF-8 (gorilla sends 1002).
	closeFault atomic.Int32
}

func (t *connTrack) track() *connTrack { return t }
func (t *connTrack) peerClosed() bool  { return t.peerClose.Load() }

func (t *connTrack) read(p []byte) {
	if t.ft.feed(p) && !t.peerClose.Load() {
		t.closeFault.Store(int32(closePayloadFault(t.ft.closePayload)))
		t.peerClose.Store(true)
	}
}

// write notes the first Close frame sent, and turns gorilla's 1002 for a
// Close reason that is not UTF-8 into 1007 (RFC 6455 §7.4.1: data not
// consistent with the type of the message; Autobahn 7.5.1). It returns
// the bytes to write.
func (t *connTrack) write(p []byte) []byte {
	// gorilla writes whole frames, each Write starting with a frame header.
	if len(p) >= 2 && p[0] == 0x80|websocket.CloseMessage {
		code := int32(closeNoStatus)
		if len(p) >= 4 && p[1]&0x7f >= 2 {
			code = int32(binary.BigEndian.Uint16(p[2:4]))
			if code == closeProtocolError && t.closeFault.Load() == closeInvalidData && t.sentClose.Load() == 0 {
				q := append([]byte(nil), p...)
				binary.BigEndian.PutUint16(q[2:4], closeInvalidData)
				p, code = q, closeInvalidData
			}
		}
		t.sentClose.CompareAndSwap(0, code)
	}
	return p
}

// closePayloadFault classifies the payload of the peer's Close frame: 1002
// for a single byte (RFC 6455 §5.5.1: a body starts with a 2-byte code),
// 1007 for a valid code followed by a reason that is not UTF-8, else 0.
// An invalid code is gorilla's to answer (1002).
func closePayloadFault(p []byte) int {
	switch {
	case len(p) == 1:
		return closeProtocolError
	case len(p) >= 2 && validCloseCode(int(binary.BigEndian.Uint16(p))) && !utf8.Valid(p[2:]):
		return closeInvalidData
	}
	return 0
}

// validCloseCode is gorilla's rule for received codes (RFC 6455 §7.4).
func validCloseCode(code int) bool {
	switch code {
	case 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014:
		return true
	}
	return code >= 3000 && code <= 4999
}

// tcpTracked embeds *net.TCPConn so its other methods (including the one
// net.Buffers uses for writev) stay available to gorilla.
type tcpTracked struct {
	*net.TCPConn
	connTrack
}

func (c *tcpTracked) Read(p []byte) (int, error) {
	n, err := c.TCPConn.Read(p)
	c.read(p[:n])
	return n, err
}

func (c *tcpTracked) Write(p []byte) (int, error) {
	return c.TCPConn.Write(c.write(p))
}

type genericTracked struct {
	net.Conn
	connTrack
}

func (c *genericTracked) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read(p[:n])
	return n, err
}

func (c *genericTracked) Write(p []byte) (int, error) {
	return c.Conn.Write(c.write(p))
}

func wrapConn(c net.Conn) trackedConn {
	if tc, ok := c.(*net.TCPConn); ok {
		return &tcpTracked{TCPConn: tc}
	}
	return &genericTracked{Conn: c}
}

// frameTracker follows RFC 6455 frame boundaries in the client→server byte
// stream without copying payloads. It only needs to notice a complete Close
// frame.
type frameTracker struct {
	hdr       [14]byte
	hdrLen    int
	need      int // header length once known, else 0
	remaining uint64
	inClose   bool
	done      bool

	// The current Close frame's payload, unmasked (at most 125 bytes:
	// gorilla refuses longer control frames before this matters).
	mask         [4]byte
	masked       bool
	closePayload []byte
}

// feed consumes p and reports whether a complete Close frame has been seen
// (now or before).
func (t *frameTracker) feed(p []byte) bool {
	for len(p) > 0 && !t.done {
		if t.remaining > 0 {
			n := uint64(len(p))
			if n > t.remaining {
				n = t.remaining
			}
			if t.inClose {
				for _, b := range p[:n] {
					if len(t.closePayload) < 125 {
						if t.masked {
							b ^= t.mask[len(t.closePayload)%4]
						}
						t.closePayload = append(t.closePayload, b)
					}
				}
			}
			t.remaining -= n
			p = p[n:]
			if t.remaining == 0 && t.inClose {
				t.done = true
			}
			continue
		}
		// header bytes
		t.hdr[t.hdrLen] = p[0]
		t.hdrLen++
		p = p[1:]
		if t.hdrLen == 2 {
			t.need = 2
			switch t.hdr[1] & 0x7f {
			case 126:
				t.need += 2
			case 127:
				t.need += 8
			}
			if t.hdr[1]&0x80 != 0 {
				t.need += 4
			}
		}
		if t.hdrLen < 2 || t.hdrLen < t.need {
			continue
		}
		var l uint64
		switch t.hdr[1] & 0x7f {
		case 126:
			l = uint64(binary.BigEndian.Uint16(t.hdr[2:4]))
		case 127:
			l = binary.BigEndian.Uint64(t.hdr[2:10])
		default:
			l = uint64(t.hdr[1] & 0x7f)
		}
		t.inClose = t.hdr[0]&0x0f == websocket.CloseMessage
		t.masked = t.hdr[1]&0x80 != 0
		if t.masked {
			copy(t.mask[:], t.hdr[t.need-4:t.need])
		}
		t.closePayload = t.closePayload[:0]
		t.remaining = l
		t.hdrLen, t.need = 0, 0
		if l == 0 && t.inClose {
			t.done = true
		}
	}
	return t.done
}

// hijackTracker hands gorilla a tracked connection from Hijack.
type hijackTracker struct {
	http.ResponseWriter
	raw trackedConn
}

func (h *hijackTracker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response does not support hijacking")
	}
	c, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.raw = wrapConn(c)
	return h.raw, brw, nil
}
