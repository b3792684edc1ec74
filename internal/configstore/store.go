package configstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/lockedfile"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Options say which files a Store reads.
type Options struct {
	// AppHostPath is the applicationHost.config to use.
	AppHostPath string
	// SchemaDirs are extra schema directories, after the built-ins and
	// <config dir>/schema. Later definitions replace earlier ones.
	SchemaDirs []string
	// Env looks up environment variables for %VAR% expansion; nil uses the
	// process environment.
	Env func(string) (string, bool)
	// Write takes the exclusive lock that every read-modify-write holds, so
	// concurrent invocations cannot lose each other's updates.
	Write bool
	// NoMap reads files into memory instead of mapping them, for stores that
	// are dropped without Close (the test server's snapshots).
	NoMap bool
	// FollowLinks allows writing a web.config whose real path (after
	// following symbolic links) leaves the physical path of its virtual
	// directory; by default Save refuses it (docs/files.md).
	FollowLinks bool
	// Restore opens a store whose applicationHost.config may be
	// malformed: restore backup replaces it without reading it. Only
	// RestoreBackup, the backup methods and Save may be used before a
	// backup has been restored.
	Restore bool
	// Rename replaces a file by its new version when saving; nil uses
	// os.Rename. Tests set it to make a save fail half-way.
	Rename func(from, to string) error
	// AllowPlaintext lets a change write an attribute that IIS stores
	// encrypted as clear text (-unencrypted); by default it is refused.
	AllowPlaintext bool
	// Validating says the store is opened to run Validate: the long
	// lists of applicationHost.config (sites, application pools) are
	// then checked while the rest of the file is read (early.go).
	Validating bool
	// MachineConfigPath and RootWebConfigPath are machine.config (config
	// path MACHINE) and the root web.config (MACHINE/WEBROOT); empty uses
	// $APPCMD_MACHINECONFIG and $APPCMD_ROOTWEBCONFIG, then the .NET
	// Framework 4 files under the mapped %windir% (machine.go).
	MachineConfigPath, RootWebConfigPath string
}

// Store is applicationHost.config, the schema, and the web.config files
// reached from it.
type Store struct {
	schema *section.Schema
	// validating keeps a web.config with an undeclared section readable:
	// Validate reports that section itself (with its column) and goes on
	// to the file's other findings, where a command stops at it.
	validating bool
	early      *earlyChecks // Options.Validating
	apphost    *File
	machine    *File // machine.config (machine.go)
	webroot    *File // the root web.config
	env        func(string) (string, bool)

	files   map[string]*File // web.config files by path
	fileErr map[string]error
	sources map[string]*File // configSource files by path (configsource.go)

	lastSite *siteMemo     // FindSite's last answer
	defaults defaultsCache // shown schema defaults, by schema element
	rename   func(from, to string) error

	unlock  func()
	release []func() // unmaps file contents
	noMap   bool

	locks       []*dirLock // web.config folder locks, by folder (lock.go)
	followLinks bool
	// allowPlaintext is Options.AllowPlaintext; plaintext lists the
	// encrypted attributes written as clear text, for the warning.
	allowPlaintext bool
	plaintext      []string
	saving         bool            // Save is running its hook
	history        *pendingHistory // the history entry of the save in progress (backup.go)
}

// Open loads applicationHost.config and the schema.
func Open(opts Options) (*Store, error) {
	path, err := filepath.Abs(opts.AppHostPath)
	if err != nil {
		return nil, err
	}
	s := &Store{env: opts.Env, files: map[string]*File{}, fileErr: map[string]error{}, noMap: opts.NoMap, followLinks: opts.FollowLinks,
		defaults: defaultsCache{}, rename: opts.Rename, allowPlaintext: opts.AllowPlaintext}
	if s.env == nil {
		s.env = os.LookupEnv
	}
	if s.rename == nil {
		s.rename = os.Rename
	}
	if opts.Write {
		// Nothing, not even the lock file, is created next to a path that
		// is not a configuration file.
		info, err := os.Stat(path)
		if err == nil {
			err = checkConfigFile(path, info) // a folder, a named pipe, a device
		}
		if err != nil {
			return nil, readError(path, err)
		}
		// Writers through a symbolic link and through its target must
		// take the same lock.
		lp := path
		if real, err := filepath.EvalSymlinks(path); err == nil {
			lp = real
		}
		unlock, err := lockedfile.MutexAt(lockPath(lp)).Lock()
		if err != nil {
			return nil, &ConfigFileError{File: path, Kind: ErrUnreadable, Description: "Cannot lock configuration file: " + err.Error(), Err: err}
		}
		s.unlock = unlock
	}
	schema := section.Builtin()
	dirs := append([]string{filepath.Join(filepath.Dir(path), "schema")}, opts.SchemaDirs...)
	if err := section.LoadDirs(schema, dirs); err != nil {
		s.Close()
		return nil, err
	}
	s.schema = schema
	var closed func([]string, xmldoc.Raw)
	if opts.Validating {
		s.early = &earlyChecks{schema: schema, lists: map[int]*earlyList{}}
		s.early.warm()
		closed = s.early.closed
	}
	f, err := s.loadWith(path, ServerPath, false, closed)
	if err == nil {
		s.apphost = f // relative paths and %APPCMD_CONFIG_DIR% start here
		err = s.openTop(opts, path)
	}
	if err == nil {
		f.declared = s.appHostRegistry()
		err = f.declared.readDeclarations(f.Path, f.doc)
		if err == nil {
			f.AppHost = true
			err = f.declared.checkSections(f)
		}
	}
	var cfe *ConfigFileError
	if err != nil && opts.Restore && errors.As(err, &cfe) && cfe.Kind != ErrUnreadable {
		// The file is about to be replaced by a backup; what matters is
		// that it is there and is a file, not that it can be read. The
		// store answers with the defaults until RestoreBackup.
		f, err = &File{Path: path, ConfigPath: ServerPath, exists: true, declared: newRegistry()}, nil
		if s.machine == nil || s.webroot == nil {
			s.machine = &File{Path: "machine.config", ConfigPath: MachinePath, declared: newRegistry()}
			s.webroot = &File{Path: "web.config", ConfigPath: WebRootPath, declared: s.machine.declared}
		}
		if _, isSpecial := cfe.Err.(*specialFileError); isSpecial {
			err = cfe
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	f.AppHost = true
	s.apphost = f
	return s, nil
}

// siteMemo is an answer of FindSite, true while the document is unedited:
// a command asks for its site several times (its config path, the
// web.config chain, the effective section), and in a large file each
// search reads every <site> and <location>.
type siteMemo struct {
	doc   *xmldoc.Document
	edits uint64
	name  string
	site  *Site
}

// lockPath is the sibling file that writers lock; it never holds data.
func lockPath(apphost string) string {
	return filepath.Join(filepath.Dir(apphost), "."+filepath.Base(apphost)+".lock")
}

// Close releases the write lock and the file contents.
func (s *Store) Close() error {
	s.early.stopAndWait() // before the files they read are let go
	for _, r := range s.release {
		r()
	}
	s.release = nil
	s.unlockFolders()
	if s.unlock != nil {
		s.unlock()
		s.unlock = nil
	}
	return nil
}

// Schema returns the loaded schema.
func (s *Store) Schema() *section.Schema { return s.schema }

// AppHost returns applicationHost.config.
func (s *Store) AppHost() *File { return s.apphost }

// Declarations returns the sections declared in applicationHost.config.
func (s *Store) Declarations() *Registry { return s.apphost.declared }

func (s *Store) load(path string, cp ConfigPath, optional bool) (*File, error) {
	return s.loadWith(path, cp, optional, nil)
}

// loadWith is load, telling closed of each long list as it is read
// (xmldoc.Options.Closed).
func (s *Store) loadWith(path string, cp ConfigPath, optional bool, closed func([]string, xmldoc.Raw)) (*File, error) {
	m, err := readFile(path, s.noMap)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return &File{Path: path, ConfigPath: cp}, nil
		}
		return nil, readError(path, err)
	}
	if m.release != nil {
		s.release = append(s.release, m.release)
	}
	f, err := parseFile(path, cp, m.data, xmldoc.Options{Evict: m.evict, CopyRange: m.copyRange, Closed: closed})
	if err != nil {
		return nil, err
	}
	f.ident = m.info
	f.store = s
	return f, nil
}

// webConfig returns the web.config file at path for level cp, loading it
// once; root is the physical path of the virtual directory it belongs to.
// A writing store locks the file's folder before reading it (lock.go).
func (s *Store) webConfig(path string, cp ConfigPath, root string) (*File, error) {
	if f := s.files[path]; f != nil {
		return f, nil
	}
	if err := s.fileErr[path]; err != nil {
		return nil, err
	}
	f, err := s.loadInFolder(path, cp)
	if err != nil {
		s.fileErr[path] = err
		return nil, err
	}
	f.root = root
	s.files[path] = f
	return f, nil
}

// loadInFolder loads a file that may be missing (a web.config,
// machine.config, the root web.config). A writing store locks the file's
// folder before reading it, and the lock holds the file (lock.go).
func (s *Store) loadInFolder(path string, cp ConfigPath) (*File, error) {
	var lock *dirLock
	if s.unlock != nil {
		l, err := s.lockFolderOf(path)
		if err != nil {
			return nil, err
		}
		lock = l
	}
	f, err := s.load(path, cp, true)
	if err != nil {
		return nil, err
	}
	if lock != nil {
		lock.files = append(lock.files, f)
	}
	return f, nil
}

// Files returns every file the store read or probed: machine.config, the
// root web.config, applicationHost.config and the web.config paths looked
// at, including ones that do not exist, so a watcher notices when they
// appear.
func (s *Store) Files() []string {
	var out []string
	for _, f := range s.tops() {
		out = append(out, f.Path)
	}
	out = append(out, s.apphost.Path)
	var more []string
	for p := range s.files {
		more = append(more, p)
	}
	for p := range s.fileErr {
		more = append(more, p)
	}
	for p := range s.sources {
		more = append(more, p)
	}
	sort.Strings(more)
	return append(out, more...)
}

// Chain returns the files whose settings apply to cp: machine.config, the
// root web.config, applicationHost.config, then the web.config of every URL
// level from the site root down, including ones that do not exist yet. Each
// file knows the declarations above it.
func (s *Store) Chain(cp ConfigPath) ([]*File, error) {
	switch {
	case cp.Equal(MachinePath):
		return []*File{s.machine}, nil
	case cp.Equal(WebRootPath):
		return []*File{s.machine, s.webroot}, nil
	}
	chain := append(s.tops(), s.apphost)
	if cp.IsServer() {
		return chain, nil
	}
	site, err := s.FindSite(cp.Site())
	if err != nil {
		return nil, err
	}
	if site == nil {
		return nil, &PathError{Path: cp.String(), Reason: fmt.Sprintf("Unrecognized configuration path '%s'. There is no site named %q", cp, cp.Site())}
	}
	if !hasRootApp(site) {
		// IIS maps a site's config path through its root application.
		line := 0
		if site.Element != nil {
			line = site.Element.Line()
		}
		return nil, &ConfigFileError{File: site.File, Line: line, Kind: ErrMalformed,
			Description: fmt.Sprintf(DescUnrecognizedPath, SitePath(site.Name))}
	}
	reg := s.apphost.declared
	for i := 1; i <= cp.Depth(); i++ {
		level := cp.Prefix(i)
		m := s.mapInSite(site, level)
		path, ok := s.webConfigPath(m)
		if !ok {
			continue
		}
		f, err := s.webConfig(path, level, s.ExpandPath(m.VDir.PhysicalPath))
		if err != nil {
			return nil, err
		}
		if f.declared == nil {
			declared, err := reg.below(f)
			if err == nil && !s.validating {
				err = declared.checkSections(f)
			}
			if err != nil {
				delete(s.files, path)
				s.fileErr[path] = err
				return nil, err
			}
			f.declared = declared
		}
		reg = f.declared
		chain = append(chain, f)
	}
	return chain, nil
}

// FileAt returns the web.config for exactly level cp (creating an empty one
// in memory when absent), and whether IIS would read a file there.
func (s *Store) FileAt(cp ConfigPath) (*File, error) {
	switch {
	case cp.Equal(MachinePath):
		return s.machine, nil
	case cp.Equal(WebRootPath):
		return s.webroot, nil
	case cp.IsServer():
		return s.apphost, nil
	}
	chain, err := s.Chain(cp)
	if err != nil {
		return nil, err
	}
	last := chain[len(chain)-1]
	if last.AppHost || !last.ConfigPath.Equal(cp) {
		m, err := s.Map(cp)
		if err != nil {
			return nil, err
		}
		if m.VDir == nil {
			return nil, &PathError{Path: cp.String(), Reason: fmt.Sprintf("Cannot write configuration for '%s': the path is not served by any virtual directory", cp)}
		}
		return nil, &PathError{Path: cp.String(), Reason: fmt.Sprintf("Cannot write configuration for '%s': %s is a file or lies below a virtual directory with allowSubDirConfig=\"false\"; use -commit: with a parent level", cp, m.Physical)}
	}
	return last, nil
}

// LookupSection resolves a full or short section name against the sections
// declared at cp (and the machine-level .NET sections) and returns its
// schema and declaration.
func (s *Store) LookupSection(name string, cp ConfigPath) (*section.Section, *Declaration, error) {
	reg := s.apphost.declared
	if !cp.IsServer() || cp.AboveAppHost() {
		if chain, err := s.Chain(cp); err == nil {
			if f := chain[len(chain)-1]; f.declared != nil {
				reg = f.declared
			}
		}
	}
	full, err := s.resolveName(name, reg)
	if err != nil {
		return nil, nil, err
	}
	decl := reg.Lookup(full)
	if decl == nil {
		if !MachineLevel(full) {
			return nil, nil, &UnknownSectionError{Name: full, Reason: fmt.Sprintf(DescMissingDecl, full)}
		}
		decl = machineDeclaration(full)
	}
	sch := s.schema.Section(decl.Name)
	if sch == nil {
		sch = s.schema.Section(full)
	}
	if sch == nil {
		return nil, nil, &UnknownSectionError{Name: full, Reason: fmt.Sprintf(DescMissingSchema, full)}
	}
	return sch, decl, nil
}

// AllowPlaintext reports whether encrypted attributes may be written as
// clear text (Options.AllowPlaintext).
func (s *Store) AllowPlaintext() bool { return s.allowPlaintext }

// NotePlaintext records that an encrypted attribute was written as clear
// text, so the command can warn about it.
func (s *Store) NotePlaintext(attr string) { s.plaintext = append(s.plaintext, attr) }

// Plaintext returns the attributes NotePlaintext recorded, in order.
func (s *Store) Plaintext() []string { return s.plaintext }

// resolveName expands a short section name ("webSocket") to the full one.
func (s *Store) resolveName(name string, reg *Registry) (string, error) {
	name = strings.Trim(name, "/")
	if name == "" {
		return "", &UnknownSectionError{Name: name, Reason: "A section name is required, e.g. -section:system.webServer/webSocket"}
	}
	if d := reg.Lookup(name); d != nil && d.Name == name {
		return name, nil // the full name as declared: what ResolveAmong's first rule gives
	}
	cands := reg.Names()
	for _, n := range s.schema.Names() {
		if MachineLevel(n) && reg.Lookup(n) == nil {
			cands = append(cands, n)
		}
	}
	got := section.ResolveAmong(name, cands)
	switch len(got) {
	case 1:
		return got[0], nil
	case 0:
		if strings.Contains(name, "/") {
			return name, nil // reported as undeclared by the caller
		}
		return "", &UnknownSectionError{Name: name, Reason: fmt.Sprintf(DescMissingDecl, name)}
	default:
		if pick, ok := section.PreferAmong(got); ok {
			return pick, nil // requestFiltering is system.webServer's, as in appcmd.exe
		}
		sort.Strings(got)
		return "", &UnknownSectionError{Name: name, Reason: fmt.Sprintf("The section name '%s' is ambiguous; use one of: %s", name, strings.Join(got, ", "))}
	}
}

// SectionNames lists the sections usable at the server level and known to
// the schema: those applicationHost.config declares, then machine.config's.
func (s *Store) SectionNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range s.apphost.declared.Names() {
		if s.schema.Has(n) {
			out = append(out, n)
			seen[n] = true
		}
	}
	// machine.config's sections (system.web, appSettings, ...) are
	// declared on a server without applicationHost.config naming them.
	for _, n := range s.schema.Names() {
		if !seen[n] && MachineLevel(n) {
			out = append(out, n)
		}
	}
	return out
}

func hasRootApp(site *Site) bool {
	for _, a := range site.Apps {
		if a.Path == "/" {
			return true
		}
	}
	return false
}
