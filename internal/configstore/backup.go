package configstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// Backups of applicationHost.config, as appcmd's BACKUP object keeps them
// (appcmd.md §8), and configuration history.
//
// A named backup is <config dir>/backup/<name>/applicationHost.config (IIS:
// %windir%\System32\inetsrv\backup\<name>\, beside the config folder).
// History entries are <history dir>/CFGHISTORY_NNNNNNNNNN/
// applicationHost.config, kept before a save replaces
// applicationHost.config, as system.applicationHost/configHistory says:
//
//   - enabled="false" keeps none;
//   - path: where the entries go. Unset, it is <config dir>/history
//     (IIS's %SystemDrive%\inetpub\history belongs to the IIS service, not
//     to a command-line tool), created when needed; set explicitly, it
//     must exist, as for IIS, or no history is kept;
//   - maxHistories: the oldest entries beyond it are deleted;
//   - period: IIS's service looks for changes once per period, so there is
//     at most one entry per period: no entry is made while the newest is
//     younger than period.
//
// Only applicationHost.config is copied: it is the one server-wide file
// this tool manages (IIS also copies administration.config and
// redirection.config).

// BackupFile is the file a backup or history entry holds.
const BackupFile = "applicationHost.config"

// HistoryPrefix starts the name of every history entry.
const HistoryPrefix = "CFGHISTORY_"

// Backup is a named backup or a history entry.
type Backup struct {
	Name    string
	Dir     string
	History bool
}

// File returns the backed-up applicationHost.config.
func (b *Backup) File() string { return filepath.Join(b.Dir, BackupFile) }

// BackupError is a backup name that cannot be used, or a backup that
// exists already.
type BackupError struct {
	Name   string
	Exists bool
	Reason string
}

func (e *BackupError) Error() string { return e.Reason }

// BackupRoot is the folder of named backups.
func (s *Store) BackupRoot() string {
	return filepath.Join(filepath.Dir(s.apphost.Path), "backup")
}

// maxBackupName bounds a backup name in bytes: the temporary folder a
// backup is made in adds about 25 bytes, and folder names may have 255.
const maxBackupName = 200

// checkBackupName accepts the names IIS accepts, a Windows folder name,
// and refuses the rest (docs/objects.md, "Backup names"): no
// /\:*?"<>|, no control or non-printable characters, no surrounding
// spaces and no trailing dot, not a Windows device name, at most
// maxBackupName bytes. Two rules are ours: a name may not start with "."
// (the tool's temporary folders do) or with CFGHISTORY_ (history entries).
func checkBackupName(name string) error {
	bad := func(why string) error {
		return &BackupError{Name: name, Reason: fmt.Sprintf("Invalid backup name %s: %s. A backup name is a folder name of printable characters without /\\:*?\"<>|", strconv.Quote(name), why)}
	}
	switch {
	case name == "":
		return bad("it is empty")
	case !utf8.ValidString(name):
		return bad("it is not valid UTF-8")
	case len(name) > maxBackupName:
		return bad(fmt.Sprintf("it is longer than %d bytes", maxBackupName))
	case strings.ContainsAny(name, `/\:*?"<>|`):
		return bad(`it contains one of /\:*?"<>|`)
	case strings.HasPrefix(name, "."):
		return bad(`it starts with "." (reserved for temporary folders)`)
	case strings.TrimSpace(name) != name:
		return bad("it starts or ends with white space")
	case strings.HasSuffix(name, "."):
		return bad(`it ends with "." (Windows drops it)`)
	case isDeviceName(name):
		return bad("it is a Windows device name")
	case strings.HasPrefix(strings.ToUpper(name), HistoryPrefix):
		return &BackupError{Name: name, Reason: fmt.Sprintf("Invalid backup name %s: names starting with %s are configuration history entries", strconv.Quote(name), HistoryPrefix)}
	}
	for _, r := range name {
		if !unicode.IsPrint(r) && r != ' ' {
			return bad(fmt.Sprintf("it contains the non-printable character %U", r))
		}
	}
	return nil
}

// CheckBackupName reports whether add backup would accept name
// (a *BackupError when not), for -whatif.
func CheckBackupName(name string) error { return checkBackupName(name) }

// isDeviceName reports Windows' reserved device names (CON, NUL, COM1, …),
// which are no folder names even with an extension.
func isDeviceName(name string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	base = strings.TrimRight(base, " ")
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		return strings.ContainsRune("0123456789¹²³", rune(base[3]))
	}
	return false
}

// Backups lists named backups (by name) and then history entries (oldest
// first).
func (s *Store) Backups() ([]*Backup, error) {
	named, err := backupsIn(s.BackupRoot(), false)
	if err != nil {
		return nil, err
	}
	h, err := s.HistorySettings()
	if err != nil {
		return nil, err
	}
	hist, err := backupsIn(h.Dir, true)
	if err != nil {
		return nil, err
	}
	return append(named, hist...), nil
}

// backupsIn reads the folders of dir that hold a backup file.
func backupsIn(dir string, history bool) ([]*Backup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Backup
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || history != isHistoryName(name) {
			continue
		}
		// A folder made by hand with a name that add backup refuses
		// (a temporary folder, one with control characters) is no backup.
		if !history && checkBackupName(name) != nil {
			continue
		}
		b := &Backup{Name: name, Dir: filepath.Join(dir, name), History: history}
		if _, err := os.Stat(b.File()); err == nil {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

func isHistoryName(name string) bool {
	_, ok := historyNumber(name)
	return ok
}

func historyNumber(name string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, HistoryPrefix)
	if !ok || rest == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	return n, err == nil
}

// FindBackup returns the backup or history entry with this name (ignoring
// case), or nil.
func (s *Store) FindBackup(name string) (*Backup, error) {
	all, err := s.Backups()
	if err != nil {
		return nil, err
	}
	for _, b := range all {
		if strings.EqualFold(b.Name, name) {
			return b, nil
		}
	}
	return nil, nil
}

// AddBackup copies applicationHost.config, as read, into a new backup.
// The folder appears complete or not at all.
func (s *Store) AddBackup(name string) (*Backup, error) {
	if err := checkBackupName(name); err != nil {
		return nil, err
	}
	if b, err := s.FindBackup(name); err != nil || b != nil {
		if err != nil {
			return nil, err
		}
		return nil, &BackupError{Name: name, Exists: true, Reason: "Cannot create a file when that file already exists."}
	}
	root := s.BackupRoot()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	b := &Backup{Name: name, Dir: filepath.Join(root, name)}
	return b, writeEntry(b.Dir, s.apphost.doc.Source())
}

// writeEntry writes a backup folder under a temporary name and renames it
// into place.
func writeEntry(dir string, src []byte) error {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(tmp, BackupFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		_, err = f.Write(src)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	syncDir(filepath.Dir(dir))
	return nil
}

// DeleteBackup removes a backup or history entry.
func (s *Store) DeleteBackup(b *Backup) error {
	// Rename first, so a failure half-way never leaves a partial backup
	// that list would show.
	tmp := filepath.Join(filepath.Dir(b.Dir), "."+b.Name+".del-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	if err := os.Rename(b.Dir, tmp); err != nil {
		return err
	}
	return os.RemoveAll(tmp)
}

// RestoreBackup replaces applicationHost.config in memory with a backup;
// Save writes it, all or nothing. It returns whether anything changes.
func (s *Store) RestoreBackup(b *Backup) (bool, error) {
	path := b.File()
	src, err := ReadConfigFile(path)
	if err != nil {
		return false, readError(path, err)
	}
	// The file being replaced was not parsed when it is malformed
	// (Options.Restore); its bytes are compared as they are on disk.
	cur := s.apphost
	if cur.doc != nil && bytes.Equal(src, cur.doc.Source()) && !cur.Changed() {
		return false, nil
	}
	if cur.doc == nil {
		if now, err := ReadConfigFile(cur.Path); err == nil && bytes.Equal(now, src) {
			return false, nil
		}
	}
	f, err := parseFile(path, ServerPath, src, xmldoc.Options{})
	if err != nil {
		return false, err
	}
	decl := newRegistry()
	if err := decl.readDeclarations(path, f.doc); err != nil {
		return false, err
	}
	f.doc.MarkChanged()
	cur.doc, cur.declared = f.doc, decl
	s.lastSite = nil
	return true, nil
}

// History is the configHistory section as it applies here.
type History struct {
	Enabled  bool
	Dir      string
	Explicit bool // path is set in applicationHost.config
	Max      int64
	Period   time.Duration
}

// HistorySettings reads system.applicationHost/configHistory at server
// level; a configuration that does not declare it gets the defaults.
func (s *Store) HistorySettings() (History, error) {
	h := History{Enabled: true, Dir: filepath.Join(filepath.Dir(s.apphost.Path), "history"), Max: 10, Period: 2 * time.Minute}
	eff, err := s.Effective(ServerPath, "system.applicationHost/configHistory")
	var use *UnknownSectionError
	if errors.As(err, &use) {
		return h, nil
	}
	if err != nil {
		return h, err
	}
	if a := eff.Root.Attr("enabled"); a != nil && a.Schema != nil {
		if h.Enabled, err = a.Schema.Bool(a.Value); err != nil {
			return h, err
		}
	}
	if a := eff.Root.Attr("path"); a != nil && a.Set {
		h.Dir, h.Explicit = s.ExpandPath(a.Value), true
	}
	if a := eff.Root.Attr("maxHistories"); a != nil && a.Schema != nil {
		if h.Max, err = a.Schema.Int(a.Value); err != nil {
			return h, err
		}
	}
	if a := eff.Root.Attr("period"); a != nil && a.Schema != nil {
		if h.Period, err = a.Schema.Duration(a.Value); err != nil {
			return h, err
		}
	}
	return h, nil
}

// KeepHistory saves the current applicationHost.config (the version on
// disk, about to be replaced) as a new history entry, if configHistory
// asks for one at time now, and deletes entries beyond maxHistories.
func (s *Store) KeepHistory(now time.Time) error {
	h, err := s.HistorySettings()
	if err != nil || !h.Enabled {
		return err
	}
	if _, err := os.Stat(h.Dir); err != nil {
		if h.Explicit {
			return nil // IIS keeps no history until the folder exists
		}
		if err := os.MkdirAll(h.Dir, 0o755); err != nil {
			return err
		}
	}
	entries, err := backupsIn(h.Dir, true)
	if err != nil {
		return err
	}
	sort.Slice(entries, func(i, j int) bool {
		a, _ := historyNumber(entries[i].Name)
		b, _ := historyNumber(entries[j].Name)
		return a < b
	})
	var next uint64 = 1
	if n := len(entries); n > 0 {
		last := entries[n-1]
		if info, err := os.Stat(last.Dir); err == nil && now.Sub(info.ModTime()) < h.Period {
			return nil
		}
		num, _ := historyNumber(last.Name)
		next = num + 1
	}
	dir := filepath.Join(h.Dir, fmt.Sprintf("%s%010d", HistoryPrefix, next))
	if err := linkEntry(dir, s.apphost.Path); err != nil {
		return &ConfigFileError{File: dir, Kind: ErrUnreadable, Write: true, Description: "Cannot keep configuration history: " + err.Error(), Err: err}
	}
	os.Chtimes(dir, now, now) // the entry's time, for period
	entries = append(entries, &Backup{Name: filepath.Base(dir), Dir: dir, History: true})
	var old []*Backup
	for len(entries) > 0 && int64(len(entries)) > h.Max {
		old = append(old, entries[0])
		entries = entries[1:]
	}
	p := &pendingHistory{entry: dir, old: old}
	if s.saving {
		s.history = p // Save settles it: kept and pruned, or removed
		return nil
	}
	return s.settleHistory(p, true)
}

// pendingHistory is the history entry a save made before replacing
// applicationHost.config: if the save fails, the entry goes again (the
// file did not change), and only a save that succeeded deletes the
// entries beyond maxHistories.
type pendingHistory struct {
	entry string
	old   []*Backup
}

// settleHistory keeps and prunes (ok) or removes the pending entry.
func (s *Store) settleHistory(p *pendingHistory, ok bool) error {
	if p == nil {
		return nil
	}
	if !ok {
		return os.RemoveAll(p.entry)
	}
	for _, b := range p.old {
		if err := s.DeleteBackup(b); err != nil {
			return err
		}
	}
	return nil
}

// linkEntry makes a history folder holding the file at src: a hard link
// costs nothing, since saves replace the file by rename; where links are
// not possible the file is copied.
func linkEntry(dir, src string) error {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	dst := filepath.Join(tmp, BackupFile)
	// A link to a symbolic link would follow whatever it points to later.
	if real, err := filepath.EvalSymlinks(src); err == nil {
		src = real
	}
	if err := os.Link(src, dst); err != nil {
		err = copyFile(dst, src)
		if err != nil {
			os.RemoveAll(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
