package cmd

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// showVersion is appcmd version (and --version): the module version and
// the VCS revision from the build information the Go toolchain embeds.
func showVersion(c *invocation) error {
	if len(c.Identifiers) > 0 {
		return &usageError{Framed: true, Message: fmt.Sprintf("version takes no arguments, not %q. Run 'appcmd version'.", c.Identifiers[0])}
	}
	c.println(versionText(debug.ReadBuildInfo()))
	return nil
}

// versionText formats build information: "appcmd VERSION (revision REV,
// TIME[, modified]) GOVERSION". A build outside a module or a VCS checkout
// says what is missing rather than inventing a version.
func versionText(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "appcmd (no build information: build with the Go toolchain in module mode)"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var vcs []string
	if rev != "" {
		vcs = append(vcs, "revision "+rev)
	} else {
		vcs = append(vcs, "no VCS revision")
	}
	if at != "" {
		vcs = append(vcs, at)
	}
	if modified {
		vcs = append(vcs, "modified")
	}
	return fmt.Sprintf("appcmd %s (%s) %s", version, strings.Join(vcs, ", "), bi.GoVersion)
}
