package configstore

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// openWritable creates the default configuration in a temporary folder,
// with the configHistory element replaced by attrs, and opens it for
// writing.
func openWritable(t *testing.T, historyAttrs string) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	src := bytes.Replace(DefaultConfig(path), []byte(`<configHistory enabled="true" maxHistories="10" />`), []byte("<configHistory "+historyAttrs+" />"), 1)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return reopen(t, path), path
}

func reopen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(Options{AppHostPath: path, Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func historyNames(t *testing.T, s *Store) []string {
	t.Helper()
	bs, err := s.Backups()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range bs {
		if b.History {
			out = append(out, b.Name)
		}
	}
	return out
}

func TestKeepHistoryPeriodAndMax(t *testing.T) {
	s, path := openWritable(t, `maxHistories="2" period="00:00:10"`)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		at   time.Duration
		want []string
	}{
		{0, []string{"CFGHISTORY_0000000001"}},
		{5 * time.Second, []string{"CFGHISTORY_0000000001"}}, // within the period
		{10 * time.Second, []string{"CFGHISTORY_0000000001", "CFGHISTORY_0000000002"}},
		{30 * time.Second, []string{"CFGHISTORY_0000000002", "CFGHISTORY_0000000003"}}, // max 2
	}
	for _, st := range steps {
		if err := s.KeepHistory(t0.Add(st.at)); err != nil {
			t.Fatal(err)
		}
		if got := historyNames(t, s); !slices.Equal(got, st.want) {
			t.Errorf("at +%v: history %v, want %v", st.at, got, st.want)
		}
	}
	want, _ := os.ReadFile(path)
	got, err := os.ReadFile(filepath.Join(filepath.Dir(path), "history", "CFGHISTORY_0000000003", BackupFile))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("history entry differs from the file it keeps (%v)", err)
	}
}

func TestKeepHistoryDisabledOrMissingPath(t *testing.T) {
	s, path := openWritable(t, `enabled="false"`)
	if err := s.KeepHistory(time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "history")); !os.IsNotExist(err) {
		t.Errorf("disabled history created a folder (%v)", err)
	}

	missing := filepath.Join(t.TempDir(), "nothere")
	s, _ = openWritable(t, `path="`+missing+`"`)
	if err := s.KeepHistory(time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("an explicit history path was created (%v)", err)
	}
}

func TestBackupAddRestoreDelete(t *testing.T) {
	s, path := openWritable(t, `enabled="true"`)
	orig, _ := os.ReadFile(path)
	b, err := s.AddBackup("one")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(b.File()); !bytes.Equal(got, orig) {
		t.Error("backup differs from applicationHost.config")
	}
	if _, err := s.AddBackup("ONE"); err == nil {
		t.Error("a second backup with the same name (other case) was accepted")
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, " x", "CFGHISTORY_1"} {
		if _, err := s.AddBackup(bad); err == nil {
			t.Errorf("backup name %q accepted", bad)
		}
	}
	changed, err := s.RestoreBackup(b)
	if err != nil || changed {
		t.Errorf("restoring an identical backup: changed=%v err=%v", changed, err)
	}

	// A different file on disk: restore replaces it, through Save.
	s.Close()
	os.WriteFile(path, append(orig[:len(orig):len(orig)], "<!-- edited -->"...), 0o644)
	s2 := reopen(t, path)
	b2, err := s2.FindBackup("one")
	if err != nil || b2 == nil {
		t.Fatalf("FindBackup: %v %v", b2, err)
	}
	if changed, err := s2.RestoreBackup(b2); err != nil || !changed {
		t.Fatalf("restore: changed=%v err=%v", changed, err)
	}
	if _, err := s2.Save(nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
		t.Error("restored file differs from the backup")
	}
	if err := s2.DeleteBackup(b2); err != nil {
		t.Fatal(err)
	}
	if b, _ := s2.FindBackup("one"); b != nil {
		t.Error("deleted backup still listed")
	}
}
