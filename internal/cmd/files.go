package cmd

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Environment variables that choose the files (docs/files.md).
const (
	envAppHost    = "APPCMD_APPHOSTCONFIG" // applicationHost.config to edit
	envSchemaPath = "APPCMD_SCHEMA_PATH"   // extra schema directories, list-separated
)

// appHostPath returns the applicationHost.config to use: -apphostconfig:,
// then $APPCMD_APPHOSTCONFIG, then the per-user default, which is created
// from the built-in template on first use (and announced on stderr).
func (c *invocation) appHostPath() (string, error) {
	if p := c.opts.appHostConfig; p != "" {
		return p, nil
	}
	if p, ok := c.getenv(envAppHost); ok && p != "" {
		return p, nil
	}
	dir, err := c.userConfigDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "appcmd", "applicationHost.config")
	created, err := configstore.CreateDefault(path)
	if err != nil {
		return "", err
	}
	if created {
		c.notice("created " + path + " from the built-in template (set " + envAppHost + " or -apphostconfig: to use another file)")
	}
	return path, nil
}

// existingAppHostPath is appHostPath without creating the default file:
// the path, and whether that file exists (shell completion must not
// create files).
func (c *invocation) existingAppHostPath() (string, bool) {
	path := ""
	if p := c.opts.appHostConfig; p != "" {
		path = p
	} else if p, ok := c.getenv(envAppHost); ok && p != "" {
		path = p
	} else if dir, err := c.userConfigDir(); err == nil {
		path = filepath.Join(dir, "appcmd", "applicationHost.config")
	}
	if path == "" {
		return "", false
	}
	info, err := os.Stat(path)
	return path, err == nil && info.Mode().IsRegular()
}

// existingStore opens the configuration in use read-only, without
// creating anything (completion and hints must not); nil when there is
// none or it cannot be read.
func (c *invocation) existingStore() *configstore.Store {
	path, ok := c.existingAppHostPath()
	if !ok {
		return nil
	}
	s, err := configstore.Open(configstore.Options{AppHostPath: path, SchemaDirs: c.schemaDirs(), Env: c.getenv})
	if err != nil {
		return nil
	}
	return s
}

// knownSection is the schema of a section name (full or short), or nil.
func (c *invocation) knownSection(name string) *section.Section {
	s := c.existingStore()
	if s == nil {
		return nil
	}
	defer s.Close()
	return knownSection(s, name)
}

func knownSection(s *configstore.Store, name string) *section.Section {
	sch, _, err := s.LookupSection(name, configstore.ServerPath)
	if err != nil {
		return nil
	}
	return sch
}

// userConfigDir is $XDG_CONFIG_HOME, else the platform's user config
// directory, read through c.getenv so tests can redirect it.
func (c *invocation) userConfigDir() (string, error) {
	if v, ok := c.getenv("XDG_CONFIG_HOME"); ok && v != "" {
		return v, nil
	}
	if v, ok := c.getenv("APPDATA"); ok && v != "" {
		return v, nil
	}
	if home, ok := c.getenv("HOME"); ok && home != "" {
		return filepath.Join(home, ".config"), nil
	}
	return os.UserConfigDir()
}

// schemaDirs returns the directories of $APPCMD_SCHEMA_PATH.
func (c *invocation) schemaDirs() []string {
	v, _ := c.getenv(envSchemaPath)
	var dirs []string
	for _, d := range filepath.SplitList(v) {
		if d = strings.TrimSpace(d); d != "" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// openModel opens the configuration (as openStore) with the IIS object
// model over it; close it with m.Store().Close().
func (c *invocation) openModel(write bool) (*iis.Model, error) {
	s, err := c.openStore(write)
	if err != nil {
		return nil, err
	}
	return iis.New(s), nil
}

// openStore opens the configuration; write takes the exclusive lock that
// makes the read-modify-write of one command atomic against others.
// -whatif writes nothing, so it takes no lock (and works in a read-only
// folder).
func (c *invocation) openStore(write bool) (*configstore.Store, error) {
	return c.openStoreOpts(write, false)
}

// openStoreOpts is openStore; restore opens an applicationHost.config that
// may be malformed, for restore backup to replace.
func (c *invocation) openStoreOpts(write, restore bool) (*configstore.Store, error) {
	path, err := c.appHostPath()
	if err != nil {
		return nil, err
	}
	s, err := configstore.Open(configstore.Options{
		AppHostPath: path,
		SchemaDirs:  c.schemaDirs(),
		Env:         c.getenv,
		Write:       write && !c.opts.whatIf,
		FollowLinks: c.followLinks(),
		Restore:     restore,

		AllowPlaintext: c.allowPlaintext(),
	})
	if err == nil && c.opts.debug {
		c.stores = append(c.stores, s)
	}
	return s, err
}

// envAllowPlaintext is the environment form of -unencrypted.
const envAllowPlaintext = "APPCMD_ALLOW_PLAINTEXT"

// allowPlaintext is -unencrypted or $APPCMD_ALLOW_PLAINTEXT: write
// attributes that IIS stores encrypted as clear text (docs/config.md).
func (c *invocation) allowPlaintext() bool {
	if c.opts.unencrypted {
		return true
	}
	v, _ := c.getenv(envAllowPlaintext)
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// followLinks is -followLinks or $APPCMD_FOLLOW_LINKS: write a web.config
// even where a symbolic link leads out of its virtual directory.
func (c *invocation) followLinks() bool {
	if c.opts.followLinks {
		return true
	}
	v, _ := c.getenv(configstore.EnvFollowLinks)
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}
