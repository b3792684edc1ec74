package wsserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// testCert is a self-signed certificate for 127.0.0.1 and *.test, the
// pool that trusts it, and its SPKI hash (for chromium).
func testCert(t testing.TB) (tls.Certificate, *x509.CertPool, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "wsserver test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost", "*.test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	spki := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool, base64.StdEncoding.EncodeToString(spki[:])
}

// startTLS serves defaultConfig with an https binding on every site, on
// loopback for both schemes; it returns the server and the https address.
func startTLS(t testing.TB, cert tls.Certificate) (*testServer, string) {
	cfg := defaultConfig()
	for i, s := range cfg.Sites {
		host := s.Bindings[0].Host
		cfg.Sites[i].Bindings = append(cfg.Sites[i].Bindings, Binding{Protocol: "https", IP: "*", Port: 443, Host: host})
	}
	ts := startServer(t, staticLoader(cfg), Options{Listen: "127.0.0.1:0", ListenTLS: "127.0.0.1:0",
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	tlsAddr := ""
	for _, l := range ts.Listeners() {
		if l.TLS {
			tlsAddr = l.Addr.String()
		} else {
			ts.addr = l.Addr.String()
		}
	}
	if tlsAddr == "" {
		t.Fatal("no https listener")
	}
	return ts, tlsAddr
}

// TestTLSBinding: https bindings upgrade over TLS (wss://) with the same
// routing and settings as http ones; http still works beside them.
func TestTLSBinding(t *testing.T) {
	cert, pool, _ := testCert(t)
	ts, tlsAddr := startTLS(t, cert)
	for _, c := range []struct {
		host, path string
		ok         bool
	}{
		{"", "/", true},
		{"", "/off/x", false},
		{"off.test", "/", false},
		{"ping.test", "/", true},
	} {
		d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: c.host}}
		u := "wss://" + tlsAddr + c.path
		if c.host != "" {
			d.NetDial = func(network, _ string) (net.Conn, error) { return net.Dial(network, tlsAddr) }
			u = "wss://" + c.host + c.path
		}
		conn, _, err := d.Dial(u, nil)
		if c.ok != (err == nil) {
			t.Errorf("%s%s: err=%v, want upgrade=%v", c.host, c.path, err, c.ok)
		}
		if err == nil {
			conn.WriteMessage(websocket.TextMessage, []byte("hi"))
			if _, p, err := conn.ReadMessage(); err != nil || string(p) != "hi" {
				t.Errorf("%s%s: echo %q %v", c.host, c.path, p, err)
			}
			conn.Close()
		} else if !c.ok && !strings.Contains(err.Error(), "bad handshake") {
			t.Errorf("%s%s: want a normal answer, got %v", c.host, c.path, err)
		}
	}
	mustDial(t, ts.addr, "/") // the http binding still serves
}

// TestE2EChromiumHTTPS: the test page over https passes its autotest in
// headless Chromium, which trusts only the test certificate's key.
func TestE2EChromiumHTTPS(t *testing.T) {
	t.Parallel()
	bin := chromiumPath()
	e2eNeed(t, bin != "", "chromium not found")
	cert, _, spki := testCert(t)
	_, tlsAddr := startTLS(t, cert)
	got := chromiumAutotest(t, bin, "https://"+tlsAddr+"/?autotest=1", "--ignore-certificate-errors-spki-list="+spki)
	if !strings.HasPrefix(got, `PASS echo 3/3 size=64 protocol="" extensions="" close=1000`) {
		t.Errorf("https echo: %s", got)
	}
}
