// Package commit applies a change set to configuration: it resolves where a
// change is written (the -commit: target), edits the documents through
// configstore, checks the result against the schema, locks and
// allowDefinition, and saves every touched file as one step.
package commit

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// Target is where a change is written: a file, and the level whose
// settings change (a <location> in the file when below the file's own).
type Target struct {
	File  *configstore.File
	Level configstore.ConfigPath
}

// CommitPath is the config path of the file written, as printed in
// "at configuration commit path ...".
func (t *Target) CommitPath() configstore.ConfigPath { return t.File.ConfigPath }

// TargetError is a -commit: value that cannot be used for a path.
type TargetError struct{ Message string }

func (e *TargetError) Error() string { return e.Message }

// ResolveTarget finds the file and location for changes to level cp with
// the -commit: value commit (appcmd.md §4.2):
//
//	"" or url  the file at the level of cp (the nearest file IIS reads for
//	           it, with a <location> for what lies below that file)
//	site, app  the web.config of the site root or application root
//	parent     the file of the parent path
//	apphost    applicationHost.config, <location path="site/...">
//	MACHINE/WEBROOT/APPHOST[/...]  that level's file
//	machine, MACHINE           machine.config
//	webroot, MACHINE/WEBROOT   the root web.config
//
// A file above applicationHost.config holds a level without a site
// (the server level) at its own level, with no <location>: no location
// path can name it from there.
func ResolveTarget(s *configstore.Store, cp configstore.ConfigPath, commit string) (*Target, error) {
	switch c := strings.ToLower(commit); {
	case c == "" || c == "url":
		return fileTarget(s, cp, cp)
	case c == "apphost" || strings.EqualFold(commit, configstore.AppHostRoot):
		if cp.AboveAppHost() {
			return nil, notParentError(cp, configstore.AppHostRoot)
		}
		return &Target{File: s.AppHost(), Level: cp}, nil
	case c == "site":
		if cp.IsServer() {
			return nil, &TargetError{Message: "Cannot commit to \"site\": the path " + cp.String() + " is not in a site"}
		}
		return fileTarget(s, cp, cp.Prefix(1))
	case c == "app":
		if cp.IsServer() {
			return nil, &TargetError{Message: "Cannot commit to \"app\": the path " + cp.String() + " is not in an application"}
		}
		m, err := s.Map(cp)
		if err != nil {
			return nil, err
		}
		if m.App == nil {
			return nil, &TargetError{Message: fmt.Sprintf("Cannot commit to \"app\": no application serves %s", cp)}
		}
		app, err := configstore.SitePath(m.Site.Name).Join(m.App.Path)
		if err != nil {
			return nil, err
		}
		return fileTarget(s, cp, app)
	case c == "parent":
		if cp.IsServer() {
			return nil, &TargetError{Message: "Cannot commit to \"parent\": the server level has no parent"}
		}
		return fileTarget(s, cp, cp.Parent())
	case c == "machine" || strings.EqualFold(strings.TrimSuffix(commit, "/"), configstore.MachineRoot):
		return topTarget(s.Machine(), cp)
	case c == "webroot" || strings.EqualFold(strings.TrimSuffix(commit, "/"), configstore.WebRootRoot):
		return topTarget(s.WebRoot(), cp)
	default:
		at, err := configstore.ParseConfigPath(commit)
		if err != nil || !strings.HasPrefix(c, strings.ToLower(configstore.AppHostRoot)) {
			return nil, &TargetError{Message: fmt.Sprintf("Invalid commit path %q. Use url, site, app, parent, apphost, webroot, machine or a config path such as %s/Default Web Site", commit, configstore.AppHostRoot)}
		}
		if !at.Contains(cp) {
			return nil, notParentError(cp, at.String())
		}
		if at.IsServer() {
			return &Target{File: s.AppHost(), Level: cp}, nil
		}
		return fileTarget(s, cp, at)
	}
}

// fileTarget writes cp's settings into the file of level at, with a
// <location> for the part of cp below it. For the url commit (at == cp) a
// level that cannot hold a web.config (a file such as page.aspx, or a folder
// below a virtual directory with allowSubDirConfig="false") uses the nearest
// file above it.
func fileTarget(s *configstore.Store, cp, at configstore.ConfigPath) (*Target, error) {
	chain, err := s.Chain(at)
	if err != nil {
		return nil, err
	}
	f := chain[len(chain)-1]
	if f.ConfigPath.Equal(at) || at.Equal(cp) && !f.AppHost {
		return &Target{File: f, Level: cp}, nil
	}
	if _, err := s.FileAt(at); err != nil {
		return nil, err
	}
	return nil, &TargetError{Message: fmt.Sprintf("Cannot find a configuration file for %s", at)}
}

// topTarget writes cp's settings into machine.config or the root
// web.config: at the file's own level for a level without a site, else in
// <location path="site/...">.
func topTarget(f *configstore.File, cp configstore.ConfigPath) (*Target, error) {
	if !f.ConfigPath.Contains(cp) {
		return nil, notParentError(cp, f.ConfigPath.String())
	}
	if cp.IsServer() {
		return &Target{File: f, Level: f.ConfigPath}, nil
	}
	return &Target{File: f, Level: cp}, nil
}

// notParentError refuses a commit path that is not cp or one of its parents.
func notParentError(cp configstore.ConfigPath, at string) *TargetError {
	return &TargetError{Message: fmt.Sprintf("Cannot commit changes for %s at %s: the commit path must be the path itself or one of its parents", cp, at)}
}
