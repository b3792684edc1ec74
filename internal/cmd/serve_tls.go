package cmd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/appcmd-project/appcmd/internal/wsserver"
)

// Certificates for https bindings (docs/serve.md "https and wss://"): a
// PEM pair from -cert:FILE -key:FILE (or APPCMD_SERVE_CERT and
// APPCMD_SERVE_KEY), else a self-signed certificate for the https
// bindings' host names, created once beside applicationHost.config and
// reused while it covers them.

const (
	serveCertFile = "appcmd-serve-cert.pem"
	serveKeyFile  = "appcmd-serve-key.pem"
)

// serveCert is the certificate serve uses, for the start-up line.
type serveCert struct {
	tls         *tls.Config
	file        string
	fingerprint string // SHA-256 of the DER, colon-separated hex
	created     bool
}

// serveHTTPSHosts returns the host names of the selected sites' https
// bindings without the SNI flag, and those of SNI bindings, which get a
// certificate each (wildcards kept as written).
func serveHTTPSHosts(sites []wsserver.Site, selected []string) (hosts, sni []string, any bool) {
	for _, s := range sites {
		if len(selected) > 0 && !slices.Contains(selected, s.Name) {
			continue
		}
		for _, b := range s.Bindings {
			if strings.EqualFold(b.Protocol, "https") {
				any = true
				h := strings.ToLower(b.Host)
				switch {
				case h == "":
				case b.SSLFlags&1 != 0:
					if !slices.Contains(sni, h) {
						sni = append(sni, h)
					}
				case !slices.Contains(hosts, h):
					hosts = append(hosts, h)
				}
			}
		}
	}
	return hosts, sni, any
}

// serveSNICerts adds a self-signed certificate per SNI host name to cfg,
// chosen by the TLS server name (sslFlags SNI: IIS picks each SNI
// binding's own certificate by host name); the others get cfg's default.
func serveSNICerts(cfg *tls.Config, dir string, sni []string) ([]*serveCert, error) {
	byHost := map[string]*tls.Certificate{}
	var out []*serveCert
	for _, h := range sni {
		base := strings.NewReplacer("*", "_wildcard", "/", "_", "\\", "_", ":", "_").Replace(h)
		cf := filepath.Join(dir, "appcmd-serve-cert-"+base+".pem")
		kf := filepath.Join(dir, "appcmd-serve-key-"+base+".pem")
		sc := &serveCert{file: cf}
		if !serveCertCovers(cf, kf, []string{h}) {
			if err := writeSelfSigned(cf, kf, []string{h}); err != nil {
				return nil, fmt.Errorf("creating a self-signed certificate for SNI host %s in %s: %w", h, dir, err)
			}
			sc.created = true
		}
		pair, err := tls.LoadX509KeyPair(cf, kf)
		if err != nil {
			return nil, err
		}
		sc.fingerprint = serveFingerprint(pair.Certificate[0])
		byHost[h] = &pair
		out = append(out, sc)
	}
	def := cfg.Certificates[0]
	cfg.Certificates = nil
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := strings.ToLower(hello.ServerName)
		if c := byHost[name]; c != nil {
			return c, nil
		}
		if i := strings.IndexByte(name, '.'); i > 0 {
			if c := byHost["*"+name[i:]]; c != nil {
				return c, nil
			}
		}
		return &def, nil
	}
	return out, nil
}

// serveFingerprint is the SHA-256 of a certificate, colon-separated hex.
func serveFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	hex := make([]string, len(sum))
	for i, b := range sum {
		hex[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(hex, ":")
}

// loadServeCert loads the given pair, or the self-signed one in dir
// (creating it when missing, expired or not covering hosts).
func loadServeCert(certFile, keyFile, dir string, hosts []string) (*serveCert, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, serveUsage("-cert and -key go together: give both files (or APPCMD_SERVE_CERT and APPCMD_SERVE_KEY)")
	}
	out := &serveCert{file: certFile}
	if certFile == "" {
		out.file = filepath.Join(dir, serveCertFile)
		keyFile = filepath.Join(dir, serveKeyFile)
		names := append([]string{"localhost", "127.0.0.1", "::1"}, hosts...)
		if !serveCertCovers(out.file, keyFile, names) {
			if err := writeSelfSigned(out.file, keyFile, names); err != nil {
				return nil, fmt.Errorf("creating a self-signed certificate for https bindings in %s: %w (give one with -cert:FILE -key:FILE)", dir, err)
			}
			out.created = true
		}
	}
	pair, err := tls.LoadX509KeyPair(out.file, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the certificate for https bindings: %w (check -cert/-key or APPCMD_SERVE_CERT/APPCMD_SERVE_KEY)", err)
	}
	out.fingerprint = serveFingerprint(pair.Certificate[0])
	out.tls = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	return out, nil
}

// serveCertCovers reports whether the self-signed pair exists, is valid
// for another day and names every host.
func serveCertCovers(certFile, keyFile string, names []string) bool {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return false
	}
	c, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil || time.Now().Add(24*time.Hour).After(c.NotAfter) {
		return false
	}
	for _, n := range names {
		if !slices.Contains(c.DNSNames, n) && c.VerifyHostname(n) != nil {
			return false
		}
	}
	return true
}

// writeSelfSigned writes an ECDSA P-256 certificate valid for a year for
// names, the key with mode 0600.
func writeSelfSigned(certFile, keyFile string, names []string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "appcmd serve (self-signed)"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // so it can be trusted as its own root
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFileMode(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return err
	}
	return writeFileMode(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}

// writeFileMode writes data through a temporary file created with mode,
// then renames it, so a reader never sees a partial key.
func writeFileMode(path string, data []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
