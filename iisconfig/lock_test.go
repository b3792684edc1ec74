package iisconfig

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// Commit takes the lock every appcmd command takes: while a command holds
// it, Commit waits; when the command ends without writing, Commit goes on.
func TestCommitTakesTheCLILock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if _, err := CreateDefault(path); err != nil {
		t.Fatal(err)
	}
	m, err := Open(Options{AppHostPath: path})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := m.ApplicationHost().Section("webSocket", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.SetAttr("enabled", false); err != nil {
		t.Fatal(err)
	}
	// What the CLI's openStore(true) does.
	cli, err := configstore.Open(configstore.Options{AppHostPath: path, Write: true})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Commit(context.Background()) }()
	select {
	case err := <-done:
		cli.Close()
		t.Fatalf("Commit returned %v while a command held the lock", err)
	case <-time.After(200 * time.Millisecond):
	}
	cli.Close()
	if err := <-done; err != nil {
		t.Fatalf("Commit after the command ended: %v", err)
	}
	if v, err := ws.Attr("enabled"); err != nil || v != false {
		t.Errorf("enabled = %v, %v after Commit", v, err)
	}
}
