package wsserver

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Another user cannot control the server: run as root, the test starts a
// copy of itself as uid 65534 (nobody). Through the private directory the
// socket cannot be reached at all (mode bits); with the directory and the
// socket opened up on purpose, the server refuses the peer by its
// credentials (SO_PEERCRED) and answers nothing.
func TestControlOtherUser(t *testing.T) {
	if dir := os.Getenv("APPCMD_CONTROL_CHILD_DIR"); dir != "" {
		_, err := CallControl(dir, os.Getenv("APPCMD_CONTROL_CHILD_CONFIG"), ControlRequest{Op: "stop-site", Name: "A"})
		if err == nil {
			os.Stdout.WriteString("CHILD: controlled the server\n")
		} else {
			os.Stdout.WriteString("CHILD: refused: " + err.Error() + "\n")
		}
		return
	}
	if os.Getuid() != 0 {
		t.Skip("skipped: needs root to run a child as another uid")
	}
	// A world-readable place for the test binary and the endpoint.
	base, err := os.MkdirTemp("", "appcmd-ctl")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	os.Chmod(base, 0o755)
	bin := filepath.Join(base, "wsserver.test")
	copyFile(t, os.Args[0], bin)
	dir := filepath.Join(base, "rt")
	config := filepath.Join(base, "applicationHost.config")

	srv := startServer(t, staticLoader(runtimeConfig()), Options{})
	ctl, err := srv.ListenControl(dir, config, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	child := func() string {
		cmd := exec.Command(bin, "-test.run=^TestControlOtherUser$")
		cmd.Env = append(os.Environ(), "APPCMD_CONTROL_CHILD_DIR="+dir, "APPCMD_CONTROL_CHILD_CONFIG="+config)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return string(out)
	}
	// The directory cannot even be searched: for that user no server runs.
	if out := child(); !strings.Contains(out, "CHILD: refused: "+ErrNoServer.Error()) && !strings.Contains(out, "permission denied") {
		t.Errorf("through the 0700 directory: %s", out)
	}
	os.Chmod(dir, 0o755)
	os.Chmod(ctl.Path(), 0o666)
	if out := child(); !strings.Contains(out, "CHILD: refused: ") {
		t.Errorf("with the modes opened up: %s", out)
	}
	srv.log.waitFor(t, "refused a connection from uid 65534", 5*time.Second)
	if st, err := CallControl(dir, config, ControlRequest{Op: "status"}); err != nil || st.Sites["A"] != StateStarted {
		t.Errorf("the other user stopped a site: %+v, %v", st, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
