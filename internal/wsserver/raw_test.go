package wsserver

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A raw RFC 6455 client over net.Conn, written from the RFC (§4.1, §5.2),
// for frames gorilla's client will not send.

type rawClient struct {
	net.Conn
	br   *bufio.Reader
	resp *http.Response
}

// rawDial performs the opening handshake by hand; extra header lines are
// added verbatim.
func rawDial(t testing.TB, addr, host, path string, extra ...string) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if host == "" {
		host = addr
	}
	var k [16]byte
	rand.Read(k[:])
	key := base64.StdEncoding.EncodeToString(k[:])
	req := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
	for _, e := range extra {
		req += e + "\r\n"
	}
	req += "\r\n"
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	rc := &rawClient{Conn: c, br: br, resp: resp}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return rc
	}
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if got, want := resp.Header.Get("Sec-WebSocket-Accept"), base64.StdEncoding.EncodeToString(h[:]); got != want {
		t.Fatalf("Sec-WebSocket-Accept = %q, want %q", got, want)
	}
	return rc
}

const (
	opCont  = 0x0
	opText  = 0x1
	opBin   = 0x2
	opClose = 0x8
	opPing  = 0x9
	opPong  = 0xA
)

// frame builds one client frame: FIN, RSV bits (rsv<<4), opcode, mask.
func frame(fin bool, rsv byte, opcode byte, masked bool, payload []byte) []byte {
	b0 := rsv<<4 | opcode&0x0f
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	var mbit byte
	if masked {
		mbit = 0x80
	}
	switch n := len(payload); {
	case n <= 125:
		out = append(out, mbit|byte(n))
	case n <= 0xffff:
		out = append(out, mbit|126, byte(n>>8), byte(n))
	default:
		out = append(out, mbit|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	p := append([]byte(nil), payload...)
	if masked {
		var key [4]byte
		rand.Read(key[:])
		out = append(out, key[:]...)
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return append(out, p...)
}

func closePayload(code int, reason string) []byte {
	return append([]byte{byte(code >> 8), byte(code)}, reason...)
}

func (c *rawClient) send(t testing.TB, frames ...[]byte) {
	t.Helper()
	for _, f := range frames {
		if _, err := c.Write(f); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
}

type rawFrame struct {
	fin     bool
	rsv     byte
	opcode  byte
	masked  bool
	payload []byte
}

func (f rawFrame) closeCode() int {
	if len(f.payload) < 2 {
		return 1005
	}
	return int(binary.BigEndian.Uint16(f.payload))
}

func (f rawFrame) String() string {
	return fmt.Sprintf("frame{fin=%v rsv=%d op=%#x masked=%v len=%d}", f.fin, f.rsv, f.opcode, f.masked, len(f.payload))
}

// readFrame reads one server frame.
func (c *rawClient) readFrame(d time.Duration) (rawFrame, error) {
	c.SetReadDeadline(time.Now().Add(d))
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return rawFrame{}, err
	}
	f := rawFrame{fin: h[0]&0x80 != 0, rsv: h[0] >> 4 & 7, opcode: h[0] & 0x0f, masked: h[1]&0x80 != 0}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return f, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(c.br, b[:]); err != nil {
			return f, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	var key [4]byte
	if f.masked {
		if _, err := io.ReadFull(c.br, key[:]); err != nil {
			return f, err
		}
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(c.br, f.payload); err != nil {
		return f, err
	}
	if f.masked {
		for i := range f.payload {
			f.payload[i] ^= key[i%4]
		}
	}
	return f, nil
}

// expectClose reads frames until a Close frame and returns its code; it
// then checks that the server closes TCP after we answer.
func (c *rawClient) expectClose(t testing.TB) int {
	t.Helper()
	for {
		f, err := c.readFrame(5 * time.Second)
		if err != nil {
			t.Fatalf("waiting for close frame: %v", err)
		}
		if f.opcode != opClose {
			continue
		}
		if f.masked {
			t.Errorf("server frame is masked")
		}
		code := f.closeCode()
		// Answer, then the server must close TCP promptly.
		c.Write(frame(true, 0, opClose, true, closePayload(code, "")))
		start := time.Now()
		c.SetReadDeadline(time.Now().Add(6 * time.Second))
		_, err = io.Copy(io.Discard, c.br)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("server did not close TCP within 6 s after the close handshake")
		} else if el := time.Since(start); el > 2*time.Second {
			t.Errorf("server took %v to close TCP after our Close reply", el)
		}
		return code
	}
}

func TestRawHelpersAgainstSpec(t *testing.T) {
	// RFC 6455 §5.7 example: a single-frame unmasked text message "Hello".
	if got := frame(true, 0, opText, false, []byte("Hello")); string(got) != "\x81\x05Hello" {
		t.Fatalf("frame = %q", got)
	}
	if got := frame(true, 0, opPing, false, []byte("Hello")); string(got) != "\x89\x05Hello" {
		t.Fatalf("ping frame = %q", got)
	}
	if got := frame(true, 0, opBin, false, make([]byte, 256))[:4]; string(got) != "\x82\x7E\x01\x00" {
		t.Fatalf("256-byte header = %q", got)
	}
	if got := frame(true, 0, opBin, false, make([]byte, 65536))[:10]; string(got) != "\x82\x7F\x00\x00\x00\x00\x00\x01\x00\x00" {
		t.Fatalf("64KiB header = %q", got)
	}
	if !strings.HasPrefix(string(frame(false, 0, opText, true, []byte("Hel"))), "\x01\x83") {
		t.Fatal("masked fragment header")
	}
}
