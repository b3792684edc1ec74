package configstore

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// The two levels above applicationHost.config: machine.config (config
// path MACHINE) and the root web.config (MACHINE/WEBROOT) of .NET
// Framework 4. IIS merges them first, so system.web settings written
// there reach every site. Absent files are empty levels; a write creates
// one from its minimal template (docs/config.md).

// Environment variables that name the two files (docs/files.md).
const (
	EnvMachineConfig = "APPCMD_MACHINECONFIG"
	EnvRootWebConfig = "APPCMD_ROOTWEBCONFIG"
)

// netConfigDir is where .NET Framework 4 (64-bit) keeps both files, under
// the mapped %windir%.
const netConfigDir = `%windir%\Microsoft.NET\Framework64\v4.0.30319\Config`

//go:embed template/machine.config
var machineTemplate string

//go:embed template/web.config
var rootWebTemplate string

// Machine returns machine.config (which may not exist yet).
func (s *Store) Machine() *File { return s.machine }

// WebRoot returns the root web.config (which may not exist yet).
func (s *Store) WebRoot() *File { return s.webroot }

// topFile reports whether f is machine.config or the root web.config.
func (s *Store) topFile(f *File) bool { return f != nil && (f == s.machine || f == s.webroot) }

// topPath is where a file above applicationHost.config is: the option,
// then the environment variable, then the standard .NET path.
func (s *Store) topPath(opt, env, name, apphost string) (string, error) {
	p := opt
	if p == "" {
		p = s.getenv(env)
	}
	if p == "" {
		return s.expandPathIn(netConfigDir+`\`+name, filepath.Dir(apphost)), nil
	}
	return filepath.Abs(p)
}

// openTop reads machine.config and the root web.config (absent files are
// empty levels) and their section declarations. A writing store locks
// their folder first, as it does for every web.config.
func (s *Store) openTop(opts Options, apphost string) error {
	mp, err := s.topPath(opts.MachineConfigPath, EnvMachineConfig, "machine.config", apphost)
	if err != nil {
		return err
	}
	wp, err := s.topPath(opts.RootWebConfigPath, EnvRootWebConfig, "web.config", apphost)
	if err != nil {
		return err
	}
	if s.machine, err = s.loadInFolder(mp, MachinePath); err != nil {
		return err
	}
	if s.webroot, err = s.loadInFolder(wp, WebRootPath); err != nil {
		return err
	}
	s.machine.declared = newRegistry()
	if err := s.machine.declared.readDeclarations(mp, s.machine.docOrEmpty()); err != nil {
		return err
	}
	s.webroot.declared, err = s.machine.declared.below(s.webroot)
	return err
}

// docOrEmpty is the file's document, or an empty one for a missing file.
func (f *File) docOrEmpty() *xmldoc.Document {
	if f.doc == nil {
		return xmldoc.New("configuration", "\r\n", "    ")
	}
	return f.doc
}

// appHostRegistry is where applicationHost.config's declarations start:
// those of the files above it, when they declare anything.
func (s *Store) appHostRegistry() *Registry {
	if s.webroot != nil {
		if r := s.webroot.declared; len(r.sections) > 0 || len(r.groups) > 0 {
			return r.clone()
		}
	}
	return newRegistry()
}

// newTopDoc gives a missing machine.config or root web.config the
// document of its built-in template (CRLF line endings, as .NET ships
// them).
func (f *File) newTopDoc(s *Store) error {
	text := machineTemplate
	if f == s.webroot {
		text = rootWebTemplate
	}
	doc, err := xmldoc.Parse([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	if err != nil {
		return err
	}
	f.doc = doc
	return nil
}

// topDeclared reports whether section name may be written in machine.config
// or the root web.config: declared there (or above), or one of the .NET
// sections machine.config declares on every server. IIS's own sections
// are declared in applicationHost.config, below these files.
func (s *Store) topDeclared(f *File, name string) bool {
	return f.declared != nil && f.declared.Lookup(name) != nil || MachineLevel(name)
}

// topMode is the lock state of a section for a file at or above
// applicationHost.config: only an explicit <location overrideMode> (or
// allowOverride) in a file above it locks it; overrideModeDefault binds
// the web.config files below applicationHost.config.
func (s *Store) topMode(name string, cp ConfigPath, f *File) string {
	var above []*File
	for _, t := range []*File{s.machine, s.webroot} {
		if t == nil || t == f {
			break
		}
		above = append(above, t)
	}
	if len(above) == 0 {
		return "Allow"
	}
	_, loc := s.sectionMode(name, &Declaration{OverrideModeDefault: "Allow"}, cp, above, nil)
	if loc != nil {
		return loc.OverrideMode
	}
	return "Allow"
}

// makeTopFolder creates the folder of a new machine.config or root
// web.config (the .NET Config folder of a mapped %windir% usually does not
// exist); the error says how to choose another file.
func (s *Store) makeTopFolder(f *File) error {
	dir := filepath.Dir(f.Path)
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil // writeTemp reports what is wrong with it
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		env := EnvMachineConfig
		if f == s.webroot {
			env = EnvRootWebConfig
		}
		return &ConfigFileError{File: f.Path, Kind: ErrUnreadable, Write: true, Err: err,
			Description: fmt.Sprintf("Cannot write configuration file: %v. Set %s to another file, or map %%windir%% with APPCMD_DRIVE_C", err, env)}
	}
	return nil
}

// topAllows reports whether allowDefinition def lets machine.config or the
// root web.config define a section: MachineOnly machine.config only,
// MachineToWebRoot both; AppHostOnly neither.
func (s *Store) topAllows(f *File, def string) bool {
	switch strings.ToLower(def) {
	case "machineonly":
		return f == s.machine
	case "machinetowebroot", "machinetorootweb":
		return s.topFile(f)
	}
	return false
}

// SectionNamesAt is SectionNames for a level: at MACHINE and
// MACHINE/WEBROOT only the sections declared there (the .NET ones), not
// the IIS sections applicationHost.config declares below them.
func (s *Store) SectionNamesAt(cp ConfigPath) []string {
	if !cp.AboveAppHost() {
		return s.SectionNames()
	}
	f := s.machine
	if cp.Equal(WebRootPath) {
		f = s.webroot
	}
	var out []string
	for _, n := range s.SectionNames() {
		if s.topDeclared(f, n) {
			out = append(out, n)
		}
	}
	return out
}

// tops returns machine.config and the root web.config, for the stores
// that have them (ValidateWebConfig's stand-alone store has neither).
func (s *Store) tops() []*File {
	if s.machine == nil || s.webroot == nil {
		return nil
	}
	return []*File{s.machine, s.webroot}
}
