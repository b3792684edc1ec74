package configstore

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// AppHostRoot is the config path of applicationHost.config.
const AppHostRoot = "MACHINE/WEBROOT/APPHOST"

// MachineRoot and WebRootRoot are the config paths of machine.config and
// the root web.config, the two levels above applicationHost.config.
const (
	MachineRoot = "MACHINE"
	WebRootRoot = "MACHINE/WEBROOT"
)

// ConfigPath is an absolute configuration path:
// MACHINE/WEBROOT/APPHOST[/<site>[/<segment>...]], or one of the two levels
// above it, MACHINE and MACHINE/WEBROOT. Segments keep the case they were
// written with; comparisons ignore case, as IIS does.
type ConfigPath struct {
	segs []string // site name first; nil at server level
	// up counts the levels above applicationHost.config: 1 is
	// MACHINE/WEBROOT, 2 is MACHINE (segs is nil then).
	up int8
}

// ServerPath is the server level, MACHINE/WEBROOT/APPHOST.
var ServerPath = ConfigPath{}

// MachinePath and WebRootPath are the levels of machine.config and of the
// root web.config.
var (
	MachinePath = ConfigPath{up: 2}
	WebRootPath = ConfigPath{up: 1}
)

// SitePath returns the config path of a site root.
func SitePath(site string) ConfigPath { return ConfigPath{segs: []string{site}} }

// String returns the absolute form printed in messages.
func (p ConfigPath) String() string {
	switch p.up {
	case 2:
		return MachineRoot
	case 1:
		return WebRootRoot
	}
	if len(p.segs) == 0 {
		return AppHostRoot
	}
	return AppHostRoot + "/" + strings.Join(p.segs, "/")
}

// Relative returns the path as written in an applicationHost.config
// <location path>: "Default Web Site/app1", or "" at server level.
func (p ConfigPath) Relative() string { return strings.Join(p.segs, "/") }

// Site returns the site name, or "" at server level.
func (p ConfigPath) Site() string {
	if len(p.segs) == 0 {
		return ""
	}
	return p.segs[0]
}

// URLPath returns the path inside the site: "/" for the site root, "/a/b"
// below it, "" at server level.
func (p ConfigPath) URLPath() string {
	if len(p.segs) == 0 {
		return ""
	}
	return "/" + strings.Join(p.segs[1:], "/")
}

// Depth counts the segments below the server level; the levels above it
// are -1 (MACHINE/WEBROOT) and -2 (MACHINE), so that ordering by depth
// merges machine.config first.
func (p ConfigPath) Depth() int { return len(p.segs) - int(p.up) }

// Segments returns a copy of the segments (site first).
func (p ConfigPath) Segments() []string { return append([]string(nil), p.segs...) }

// IsServer reports whether p names no site: the server level, or one of
// the levels above it (AboveAppHost tells them apart).
func (p ConfigPath) IsServer() bool { return len(p.segs) == 0 }

// AboveAppHost reports whether p is MACHINE or MACHINE/WEBROOT.
func (p ConfigPath) AboveAppHost() bool { return p.up > 0 }

// Parent returns the path one level up (the server level stays put).
func (p ConfigPath) Parent() ConfigPath {
	if len(p.segs) == 0 {
		return p
	}
	return ConfigPath{segs: p.segs[:len(p.segs)-1]}
}

// Prefix returns the path of the first n segments.
func (p ConfigPath) Prefix(n int) ConfigPath { return ConfigPath{segs: p.segs[:n]} }

// Join appends a relative path written with '/' separators.
func (p ConfigPath) Join(rel string) (ConfigPath, error) {
	segs, err := splitSegments(rel)
	if err != nil {
		return ConfigPath{}, err
	}
	if len(segs) == 0 {
		return p, nil
	}
	// A <location path="Site/..."> of machine.config or the root
	// web.config names a level below applicationHost.config, as IIS reads it.
	out := make([]string, 0, len(p.segs)+len(segs))
	return ConfigPath{segs: append(append(out, p.segs...), segs...)}, nil
}

// Equal compares two paths ignoring case.
func (p ConfigPath) Equal(q ConfigPath) bool {
	return p.up == q.up && len(p.segs) == len(q.segs) && p.Contains(q)
}

// Contains reports whether q is p or below p.
func (p ConfigPath) Contains(q ConfigPath) bool {
	if p.up != q.up {
		return p.up > q.up // a level above applicationHost.config holds every level below it
	}
	if len(q.segs) < len(p.segs) {
		return false
	}
	for i := range p.segs {
		if !strings.EqualFold(p.segs[i], q.segs[i]) {
			return false
		}
	}
	return true
}

// RelativeTo returns p relative to an ancestor, as a location path.
func (p ConfigPath) RelativeTo(anc ConfigPath) string {
	return strings.Join(p.segs[len(anc.segs):], "/")
}

// ParseConfigPath parses a config-path identifier that does not need the
// site list: "" (server level), "MACHINE/WEBROOT/APPHOST[/...]",
// "MACHINE", "MACHINE/WEBROOT" or "Site[/path...]". URLs
// (http://host/path) are resolved by Store.
func ParseConfigPath(s string) (ConfigPath, error) {
	if s == "" {
		return ServerPath, nil
	}
	upper := strings.ToUpper(s)
	switch {
	case upper == AppHostRoot || upper == AppHostRoot+"/":
		return ServerPath, nil
	case strings.HasPrefix(upper, AppHostRoot+"/"):
		s = s[len(AppHostRoot)+1:]
	case upper == MachineRoot || upper == MachineRoot+"/":
		return MachinePath, nil
	case upper == WebRootRoot || upper == WebRootRoot+"/":
		return WebRootPath, nil
	case strings.HasPrefix(upper, MachineRoot+"/"):
		return ConfigPath{}, &PathError{Path: s, Reason: fmt.Sprintf("Unrecognized configuration path '%s'. Use %s (machine.config), %s (the root web.config), %s or a path below it", s, MachineRoot, WebRootRoot, AppHostRoot)}
	}
	segs, err := splitSegments(s)
	if err != nil {
		return ConfigPath{}, &PathError{Path: s, Reason: fmt.Sprintf("Unrecognized configuration path '%s'. %v", s, err)}
	}
	return ConfigPath{segs: segs}, nil
}

// splitSegments splits a '/'-separated path. One leading or trailing slash
// is ignored ("Default Web Site/" is the site root); empty, "." and ".."
// segments are refused, so no path can climb out of its site.
func splitSegments(s string) ([]string, error) {
	s = strings.ReplaceAll(s, "\\", "/")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "/"), "/")
	if s == "" || s == "." {
		return nil, nil
	}
	if err := xmldoc.CheckValue(s); err != nil {
		return nil, fmt.Errorf("A configuration file cannot hold it: %v", err)
	}
	segs := strings.Split(s, "/")
	for _, seg := range segs {
		switch strings.TrimSpace(seg) {
		case "":
			return nil, fmt.Errorf("The path %q has an empty segment", s)
		case ".", "..":
			return nil, fmt.Errorf("The path %q may not contain '.' or '..' segments", s)
		}
		// A URL decoder on the way to a file (a web server, a script)
		// would turn %2e%2e into "..": such segments are refused too,
		// as are encoded separators.
		if dec, ok := percentDecoded(seg); ok {
			if strings.ContainsAny(dec, `/\`) {
				return nil, fmt.Errorf("The path %q may not contain percent-encoded separators (%%2f, %%5c)", s)
			}
			if d := strings.TrimSpace(dec); d == "." || d == ".." {
				return nil, fmt.Errorf("The path %q may not contain '.' or '..' segments, percent-encoded (%%2e) or not", s)
			}
		}
	}
	return segs, nil
}

// percentDecoded decodes %XX escapes, repeatedly (%252e is %2e once
// decoded); ok is false when seg holds none.
func percentDecoded(seg string) (string, bool) {
	if !strings.Contains(seg, "%") {
		return seg, false
	}
	for range 4 {
		dec, err := url.PathUnescape(seg)
		if err != nil || dec == seg {
			break
		}
		seg = dec
	}
	return seg, true
}
