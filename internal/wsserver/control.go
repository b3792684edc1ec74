package wsserver

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/lockedfile"
)

// The control endpoint: a running server answers the runtime verbs of
// other appcmd processes of the same user. It is a Unix domain socket,
// mode 0600, in a per-user directory (mode 0700, owned by the user),
// named after the applicationHost.config served, so that servers of
// different configurations coexist and a command finds the one serving
// its file. Where Unix sockets cannot be used, a loopback TCP port with a
// random token, both in a 0600 file, stands in. On Linux the server also
// checks the peer's uid (SO_PEERCRED). One JSON request line, one JSON
// reply line per connection.

// ErrNoServer means no server runs for the configuration.
var ErrNoServer = errors.New("no appcmd serve runs for this configuration")

// ControlRequest is one request to the control endpoint.
type ControlRequest struct {
	// Op: status, start-site, stop-site, start-pool, stop-pool, recycle-pool.
	Op    string `json:"op"`
	Name  string `json:"name,omitempty"`
	Token string `json:"token,omitempty"` // the TCP fallback's token
}

// ControlReply is the answer: an error (Kind "already-started",
// "not-started", "unknown" or "failed") or the status after the operation.
type ControlReply struct {
	Error  string  `json:"error,omitempty"`
	Kind   string  `json:"kind,omitempty"`
	Status *Status `json:"status,omitempty"`
}

// EndpointTakenError: another server already answers for the file.
type EndpointTakenError struct {
	PID    int
	Config string
}

func (e *EndpointTakenError) Error() string {
	who := "another appcmd serve"
	if e.PID != 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return who + " is already serving " + e.Config + "; runtime commands (start site, list wp, ...) act on that one"
}

// ControlError is an operation the server refused or failed.
type ControlError struct{ Kind, Message string }

func (e *ControlError) Error() string { return e.Message }

// controlName is the endpoint's file name (without extension) for a
// configuration file: a hash of its absolute, symlink-free path.
func controlName(config string) string {
	sum := sha256.Sum256([]byte(canonicalConfig(config)))
	return hex.EncodeToString(sum[:8])
}

func canonicalConfig(config string) string {
	if abs, err := filepath.Abs(config); err == nil {
		config = abs
	}
	if real, err := filepath.EvalSymlinks(config); err == nil {
		config = real
	}
	return config
}

// tcpEndpoint is the content of the TCP fallback's file.
type tcpEndpoint struct {
	Addr  string `json:"addr"`
	Token string `json:"token"`
	PID   int    `json:"pid"`
}

// maxSocketPath is the longest Unix socket path every system takes
// (sun_path is 104 bytes on BSDs and macOS, 108 on Linux).
const maxSocketPath = 103

// Control is a published control endpoint; Close removes it.
type Control struct {
	srv    *Server
	ln     net.Listener
	path   string // the socket or the TCP fallback's file
	token  string
	config string
	wg     sync.WaitGroup
	once   sync.Once
}

// Path is the socket (or, for the TCP fallback, the file naming the port).
func (c *Control) Path() string { return c.path }

// ListenControl publishes the server's control endpoint in dir for the
// configuration file config. A socket left by a server that was killed
// is removed; one that answers means another server runs for the same
// configuration, which is an error. forceTCP selects the TCP fallback
// (tests; it is chosen by itself where Unix sockets fail).
func (s *Server) ListenControl(dir, config string, forceTCP bool) (*Control, error) {
	if err := ensurePrivateDir(dir); err != nil {
		return nil, err
	}
	name := controlName(config)
	sock := filepath.Join(dir, name+".sock")
	portFile := filepath.Join(dir, name+".port")
	// Two servers starting for one configuration at the same moment must
	// not both find no answer, each remove the other's new socket as stale
	// and both listen: the check, the removal and the listen are one step.
	unlock, err := lockedfile.MutexAt(filepath.Join(dir, name+".lock")).Lock()
	if err != nil {
		return nil, fmt.Errorf("control endpoint: %w", err)
	}
	defer unlock()
	// Another server for this configuration, or a stale endpoint?
	if st, err := callEndpoint(dir, config, ControlRequest{Op: "status"}); err == nil {
		pid := 0
		if st.Status != nil {
			pid = st.Status.PID
		}
		return nil, &EndpointTakenError{PID: pid, Config: canonicalConfig(config)}
	}
	for _, p := range []string{sock, portFile} {
		if err := os.Remove(p); err == nil {
			s.log.infof("removed a stale control endpoint %s (its server is gone)", quoteIfNeeded(p))
		}
	}
	c := &Control{srv: s, config: canonicalConfig(config)}
	if !forceTCP && len(sock) <= maxSocketPath {
		c.ln, err = net.Listen("unix", sock)
		if errors.Is(err, syscall.EADDRINUSE) {
			// Another server started for the file at the same moment.
			return nil, &EndpointTakenError{Config: c.config}
		}
		if err == nil {
			if err = os.Chmod(sock, 0o600); err != nil {
				c.ln.Close()
				return nil, err
			}
			c.path = sock
		}
	}
	if c.ln == nil {
		// The fallback: loopback TCP and a token only the user can read.
		if c.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("control endpoint: %w", err)
		}
		var b [16]byte
		rand.Read(b[:])
		c.token = hex.EncodeToString(b[:])
		js, _ := json.Marshal(tcpEndpoint{Addr: c.ln.Addr().String(), Token: c.token, PID: os.Getpid()})
		if err := writePrivateFile(portFile, js); err != nil {
			c.ln.Close()
			return nil, fmt.Errorf("control endpoint: %w", err)
		}
		c.path = portFile
	}
	c.wg.Add(1)
	go c.accept()
	return c, nil
}

// Close stops answering and removes the endpoint.
func (c *Control) Close() error {
	c.once.Do(func() {
		c.ln.Close() // a Unix listener unlinks its socket
		if c.token != "" {
			os.Remove(c.path)
		}
		c.wg.Wait()
	})
	return nil
}

func (c *Control) accept() {
	defer c.wg.Done()
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.handle(conn)
		}()
	}
}

func (c *Control) handle(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if uc, ok := conn.(*net.UnixConn); ok {
		if uid, known := peerUID(uc); known && uid != os.Getuid() {
			c.srv.log.warnf("control endpoint: refused a connection from uid %d (only uid %d may control this server)", uid, os.Getuid())
			return
		}
	}
	line, err := bufio.NewReaderSize(conn, 4096).ReadSlice('\n')
	if err != nil {
		return
	}
	var req ControlRequest
	reply := ControlReply{}
	switch {
	case json.Unmarshal(line, &req) != nil:
		reply = ControlReply{Kind: "failed", Error: "malformed request"}
	case c.token != "" && subtle.ConstantTimeCompare([]byte(req.Token), []byte(c.token)) != 1:
		c.srv.log.warnf("control endpoint: refused a request with a wrong token from %s", conn.RemoteAddr())
		return
	default:
		reply = c.do(req)
	}
	js, _ := json.Marshal(reply)
	conn.Write(append(js, '\n'))
}

func (c *Control) do(req ControlRequest) ControlReply {
	var err error
	switch req.Op {
	case "status":
	case "start-site":
		err = c.srv.StartSite(req.Name)
	case "stop-site":
		err = c.srv.StopSite(req.Name)
	case "start-pool":
		err = c.srv.StartPool(req.Name)
	case "stop-pool":
		err = c.srv.StopPool(req.Name)
	case "recycle-pool":
		err = c.srv.RecyclePool(req.Name)
	default:
		err = fmt.Errorf("unknown operation %q", req.Op)
	}
	if err != nil {
		kind := "failed"
		switch {
		case errors.Is(err, ErrAlreadyStarted):
			kind = "already-started"
		case errors.Is(err, ErrNotStarted):
			kind = "not-started"
		case errors.Is(err, ErrUnknownObject):
			kind = "unknown"
		}
		return ControlReply{Kind: kind, Error: err.Error()}
	}
	st := c.srv.Status()
	st.Config = c.config
	return ControlReply{Status: &st}
}

// CallControl sends one request to the server serving config, through
// the endpoint in dir. ErrNoServer when none runs (no endpoint, or a
// stale one nobody answers); a *ControlError when the server refused.
func CallControl(dir, config string, req ControlRequest) (*Status, error) {
	reply, err := callEndpoint(dir, config, req)
	if err != nil {
		return nil, err
	}
	if reply.Error != "" {
		return nil, &ControlError{Kind: reply.Kind, Message: reply.Error}
	}
	if reply.Status == nil || reply.Status.Config != canonicalConfig(config) {
		return nil, ErrNoServer // not the server of this file (a hash collision)
	}
	return reply.Status, nil
}

func callEndpoint(dir, config string, req ControlRequest) (*ControlReply, error) {
	name := controlName(config)
	var conn net.Conn
	var err error
	sock := filepath.Join(dir, name+".sock")
	if _, serr := os.Lstat(sock); serr == nil {
		conn, err = net.DialTimeout("unix", sock, 2*time.Second)
	} else {
		js, rerr := os.ReadFile(filepath.Join(dir, name+".port"))
		if rerr != nil {
			return nil, ErrNoServer
		}
		var ep tcpEndpoint
		if json.Unmarshal(js, &ep) != nil || !loopbackAddr(ep.Addr) {
			return nil, ErrNoServer
		}
		req.Token = ep.Token
		conn, err = net.DialTimeout("tcp", ep.Addr, 2*time.Second)
	}
	if err != nil {
		// Refused: a stale endpoint of a server that was killed (or one
		// this user cannot reach, which is the same to it).
		return nil, ErrNoServer
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	js, _ := json.Marshal(req)
	if _, err := conn.Write(append(js, '\n')); err != nil {
		return nil, fmt.Errorf("control endpoint: %w", err)
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		if len(line) == 0 {
			// Closed without an answer: the server refused us (peer check,
			// token) or died meanwhile.
			return nil, fmt.Errorf("control endpoint %s closed the connection without answering (another user's server?)", conn.RemoteAddr())
		}
		return nil, fmt.Errorf("control endpoint: %w", err)
	}
	var reply ControlReply
	if err := json.Unmarshal(line, &reply); err != nil {
		return nil, fmt.Errorf("control endpoint: malformed reply: %w", err)
	}
	return &reply, nil
}

func loopbackAddr(a string) bool {
	host, _, err := net.SplitHostPort(a)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// ensurePrivateDir creates dir (mode 0700) or checks that it is a
// directory of this user that nobody else can enter.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("control endpoint: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("control endpoint: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("control endpoint: %s is not a directory", dir)
	}
	if err := checkOwner(dir, fi); err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("control endpoint: %s is open to other users and cannot be made private: %w", dir, err)
		}
	}
	return nil
}

// writePrivateFile writes a 0600 file through a rename, so a reader never
// sees it half written.
func writePrivateFile(path string, data []byte) error {
	tmp := path + ".tmp" + fmt.Sprint(os.Getpid())
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// ControlDir is the per-user directory of control endpoints:
// $APPCMD_RUNTIME_DIR, else $XDG_RUNTIME_DIR/appcmd, else appcmd-<uid> in
// the temporary directory.
func ControlDir(getenv func(string) string) string {
	if d := getenv("APPCMD_RUNTIME_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "appcmd")
	}
	tmp := getenv("TMPDIR")
	if tmp == "" || !filepath.IsAbs(tmp) {
		tmp = os.TempDir()
	}
	return filepath.Join(tmp, "appcmd-"+userTag())
}
