package iisconfig

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// Options say which files a Manager edits, as the CLI's settings do
// (docs/files.md).
type Options struct {
	// AppHostPath is the applicationHost.config to use (the CLI's
	// -apphostconfig: or $APPCMD_APPHOSTCONFIG). Required: the package never
	// creates a default file.
	AppHostPath string
	// SchemaDirs are extra schema directories, read after the built-in
	// schema and <config dir>/schema ($APPCMD_SCHEMA_PATH for the CLI).
	SchemaDirs []string
	// Drives maps Windows drive letters in physical paths to folders
	// ("C" → "/srv/c"), as $APPCMD_DRIVE_C does for the CLI; a letter not
	// given maps to the file-system root, or to its $APPCMD_DRIVE_<LETTER>.
	Drives map[string]string
	// Env looks up the variables that %VAR% in physical paths expands (and
	// APPCMD_DRIVE_<LETTER>); nil uses the process environment.
	Env func(string) (string, bool)
	// FollowLinks allows writing a web.config whose real path leaves its
	// virtual directory through a symbolic link (the CLI's -followLinks).
	FollowLinks bool
	// Now is the clock of configuration history entries; nil is time.Now.
	Now func() time.Time
	// MachineConfigPath and RootWebConfigPath are machine.config (config
	// path MACHINE) and the root web.config (MACHINE/WEBROOT); empty uses
	// $APPCMD_MACHINECONFIG / $APPCMD_ROOTWEBCONFIG (through Env), then
	// the .NET Framework 4 files under the mapped %windir%. Missing files
	// are empty levels, created only by a commit that writes into them.
	MachineConfigPath, RootWebConfigPath string
}

// Manager is an open configuration: applicationHost.config, the schema,
// the web.config files reached from it, and the changes not yet committed.
// See the package documentation for its concurrency rules.
type Manager struct {
	mu   sync.Mutex
	opts configstore.Options
	now  func() time.Time
	// work is read into memory (no mapping, no lock) and holds the
	// uncommitted edits; log is the same edits as change sets, replayed
	// under the write lock by Commit.
	work *configstore.Store
	log  []commit.Request
	// stale is a file another writer replaced before a rebuild reread it:
	// the snapshot the caller worked from is gone, so Commit refuses.
	stale string
}

// Open reads applicationHost.config and the schema. It fails with a
// *ConfigError when the file cannot be read or is malformed.
func Open(opts Options) (*Manager, error) {
	if opts.AppHostPath == "" {
		return nil, argError("Options.AppHostPath is required: the applicationHost.config to edit")
	}
	env := opts.Env
	if env == nil {
		env = os.LookupEnv
	}
	if len(opts.Drives) > 0 {
		drives := map[string]string{}
		for k, v := range opts.Drives {
			drives["APPCMD_DRIVE_"+strings.ToUpper(strings.TrimSuffix(k, ":"))] = v
		}
		base := env
		env = func(name string) (string, bool) {
			if v, ok := drives[strings.ToUpper(name)]; ok {
				return v, true
			}
			return base(name)
		}
	}
	m := &Manager{
		opts: configstore.Options{AppHostPath: opts.AppHostPath, SchemaDirs: opts.SchemaDirs, Env: env, FollowLinks: opts.FollowLinks,
			MachineConfigPath: opts.MachineConfigPath, RootWebConfigPath: opts.RootWebConfigPath},
		now: opts.Now,
	}
	if m.now == nil {
		m.now = time.Now
	}
	if err := m.reload(); err != nil {
		return nil, err
	}
	return m, nil
}

// reload drops the working copy and the change log and reads the files again.
func (m *Manager) reload() error {
	o := m.opts
	o.NoMap = true // nothing stays mapped or open between calls
	s, err := configstore.Open(o)
	if err != nil {
		return wrap(err)
	}
	if m.work != nil {
		m.work.Close()
	}
	m.work, m.log, m.stale = s, nil, ""
	return nil
}

// Refresh discards the uncommitted changes and reads the files again: the
// retry rule after a CodeConflict error from Commit.
func (m *Manager) Refresh() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reload()
}

// Close discards the uncommitted changes. A Manager holds no file open, so
// Close only frees memory; the Manager must not be used afterwards.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.work != nil {
		m.work.Close()
		m.work, m.log = nil, nil
	}
	return nil
}

// Config is one configuration file, as ServerManager's Configuration:
// applicationHost.config or the web.config of a site path.
type Config struct {
	m *Manager
	// base is the level of the file; commit is the -commit: value that
	// writes into it.
	base   configstore.ConfigPath
	commit string
	err    error // a path WebConfig could not use, reported by Section
}

// Machine returns machine.config (config path MACHINE) and RootWeb the root
// web.config (MACHINE/WEBROOT), the levels above applicationHost.config
// (Options.MachineConfigPath): a section taken without a location is
// written at the file's own level, one with a site location into
// <location path="..."> there, as with -commit:MACHINE and -commit:WEBROOT.
// A missing file is an empty level, created from a minimal template by the
// commit that writes into it. Only the .NET sections (system.web, ...) are
// declared at these levels.
func (m *Manager) Machine() *Config {
	return &Config{m: m, base: configstore.MachinePath, commit: "machine"}
}

// RootWeb returns the root web.config; see Machine.
func (m *Manager) RootWeb() *Config {
	return &Config{m: m, base: configstore.WebRootPath, commit: "webroot"}
}

// ApplicationHost returns applicationHost.config
// (GetApplicationHostConfiguration): sections taken from it with a location
// are written into <location path="..."> tags there, as with -commit:apphost.
func (m *Manager) ApplicationHost() *Config {
	return &Config{m: m, base: configstore.ServerPath, commit: "apphost"}
}

// WebConfig returns the web.config of a site and a path in it ("/" or ""
// for the site root, "/app/dir"), as GetWebConfiguration. The file need not
// exist yet: Commit creates it.
func (m *Manager) WebConfig(siteName, path string) *Config {
	cp := configstore.SitePath(siteName)
	if p := strings.Trim(path, "/"); p != "" {
		if j, err := cp.Join("/" + p); err == nil {
			cp = j
		} else {
			return &Config{m: m, base: cp, err: pathError(path, err)}
		}
	}
	return &Config{m: m, base: cp, commit: cp.String()}
}

// Path returns the config path of the file, e.g. MACHINE/WEBROOT/APPHOST or
// MACHINE/WEBROOT/APPHOST/Default Web Site/app.
func (c *Config) Path() string { return c.base.String() }

// level is the config path a section with this location applies to.
func (c *Config) level(location string) (configstore.ConfigPath, error) {
	if c.err != nil {
		return configstore.ConfigPath{}, c.err
	}
	loc := strings.Trim(location, "/")
	if loc == "" {
		return c.base, nil
	}
	if c.base.IsServer() {
		cp, err := configstore.ParseConfigPath(configstore.AppHostRoot + "/" + loc)
		return cp, pathError(location, err)
	}
	cp, err := c.base.Join("/" + loc)
	return cp, pathError(location, err)
}

// pathError is a path the config path syntax refuses ("." or ".."
// segments, encoded separators): a path not found, as for the CLI.
func pathError(path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *configstore.PathError
	if errors.As(err, &pe) {
		return wrap(err)
	}
	return wrap(&configstore.PathError{Path: path, Reason: err.Error()})
}

// Section returns a section of this file at a location below it ("" for
// the file's own level; for applicationHost.config a site path such as
// "Default Web Site" or "Default Web Site/app"), as GetSection. name is the
// full or short section name ("system.webServer/webSocket" or "webSocket").
// Values read through it are effective at that path: inherited settings
// and schema defaults included.
func (c *Config) Section(name, location string) (*Section, error) {
	m := c.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.usable(); err != nil {
		return nil, err
	}
	cp, err := c.level(location)
	if err != nil {
		return nil, err
	}
	eff, err := m.work.Effective(cp, name)
	if err != nil {
		return nil, wrap(err)
	}
	s := &Section{name: eff.Section, level: cp, commit: c.commit}
	s.Element = Element{m: m, sec: s, name: eff.Root.Name}
	return s, nil
}

func (m *Manager) usable() error {
	if m.work == nil {
		return argError("the Manager is closed")
	}
	return nil
}

// apply runs one change set on the working copy, through the same
// commit.Apply the CLI's verbs call, and logs it for Commit. A refused
// change leaves the working copy as it was: it is rebuilt from the files
// and the log.
func (m *Manager) apply(req commit.Request) error {
	if _, err := commit.Apply(m.work, req); err != nil {
		if rerr := m.rebuild(); rerr != nil {
			return rerr
		}
		return wrap(err)
	}
	m.log = append(m.log, req)
	return nil
}

// rebuild reads the files again and replays the log, after a change that
// failed half-way. The files may have changed meanwhile; the replay then
// reports the conflict.
func (m *Manager) rebuild() error {
	log, stale := m.log, m.stale
	if files := m.work.Stale(); stale == "" && len(files) > 0 {
		stale = files[0]
	}
	if err := m.reload(); err != nil {
		return err
	}
	m.stale = stale
	for _, req := range log {
		if _, err := commit.Apply(m.work, req); err != nil {
			m.log = nil
			return &ConfigError{Code: CodeConflict, Err: err,
				Message: "The configuration files changed on disk and the uncommitted changes no longer apply (" + err.Error() + "); call Refresh and make the changes again"}
		}
	}
	m.log = log
	return nil
}

// HasChanges reports whether there are uncommitted changes.
func (m *Manager) HasChanges() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.work != nil && len(m.work.Changed()) > 0
}

// Diff returns the unified diff that Commit would write, one file after the
// other, applicationHost.config first: what the CLI prints with -whatif
// (configstore.Store.Diff, the same function). Empty when nothing changed.
func (m *Manager) Diff() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.usable(); err != nil {
		return "", err
	}
	d, err := m.work.Diff()
	return string(d), wrap(err)
}

// Commit writes every change as one all-or-nothing step, as one appcmd
// command does: it takes the CLI's write lock, checks that no file the
// Manager read was replaced since (else a *ConfigError with CodeConflict:
// call Refresh and make the changes again), applies the change sets again
// with commit.Apply on the locked files, and saves them with
// configuration history. On any error nothing is written and the
// uncommitted changes are kept. ctx is checked before the lock is taken and
// again before anything is written.
func (m *Manager) Commit(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.usable(); err != nil {
		return err
	}
	if len(m.work.Changed()) == 0 {
		m.log = nil
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	o := m.opts
	o.Write = true
	s, err := configstore.Open(o)
	if err != nil {
		return wrap(err)
	}
	defer s.Close()
	stale := m.stale
	if files := m.work.Stale(); stale == "" && len(files) > 0 {
		stale = files[0]
	}
	if stale != "" {
		return wrap(&configstore.ConfigFileError{File: stale, Kind: configstore.ErrConflict,
			Description: "Another program changed the configuration file since this Manager read it; nothing was written. Call Refresh and make the changes again"})
	}
	for _, req := range m.log {
		if _, err := commit.Apply(s, req); err != nil {
			return wrap(err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.Save(s.HistoryHook(m.now())); err != nil {
		return wrap(err)
	}
	s.Close()
	return m.reload()
}

// CreateDefault writes the built-in applicationHost.config (the one the
// CLI creates on first use) at path, with its wwwroot folder beside it,
// unless a file exists there. It reports whether it created the file.
func CreateDefault(path string) (bool, error) {
	created, err := configstore.CreateDefault(path)
	return created, wrap(err)
}
