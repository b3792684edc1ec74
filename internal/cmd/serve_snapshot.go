package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/wsserver"
)

// This file adapts configstore and the iis model to wsserver's Loader/Snapshot contract
// (wsserver/source.go). docs/serve.md describes the mapping.

// webSocketSection is the section the test server applies.
const webSocketSection = "system.webServer/webSocket"

// serveSnapshotCacheMax bounds the per-path cache, and with it the missing
// web.config paths the store remembers: URL paths come from clients, so an
// unbounded map would grow with every distinct URL.
const serveSnapshotCacheMax = 4096

// serveLoader returns a Loader that opens a fresh read-only store on every
// call. NoMap reads files into memory, so a snapshot that wsserver drops
// after a reload needs no Close.
func serveLoader(opts configstore.Options) wsserver.Loader {
	opts.NoMap, opts.Write = true, false
	return func() (wsserver.Snapshot, error) {
		s, err := loadServeSnapshot(opts)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

// serveSnapshot is one load of the configuration. The store is not safe
// for concurrent use and reads web.config files lazily, so every call that
// touches it holds mu.
type serveSnapshot struct {
	sites []wsserver.Site // immutable after load

	// registered is WebSocketModule in globalModules, read once per load
	// (the section is AppHostOnly).
	registered wsserver.Module

	mu    sync.Mutex
	store *configstore.Store
	cache map[string]serveResult // by site + "\x00" + URL path
}

type serveResult struct {
	set wsserver.Settings
	err error
}

// loadServeSnapshot opens the store, reads the sites, and validates what
// every request depends on, so that a broken applicationHost.config fails
// the load (wsserver then keeps the previous snapshot) instead of failing
// each request.
func loadServeSnapshot(opts configstore.Options) (*serveSnapshot, error) {
	st, err := configstore.Open(opts)
	if err != nil {
		return nil, err
	}
	sites, err := iis.New(st).SitesUnchecked()
	if err != nil {
		return nil, err
	}
	s := &serveSnapshot{store: st, cache: map[string]serveResult{}}
	if s.registered, err = serveRegistered(st); err != nil {
		return nil, err
	}
	apps := serveApps(st)
	limits, sni := serveLimits(st)
	for _, site := range sites {
		ws := wsSite(site)
		ws.Apps = apps[site.Name]
		ws.Limits = limits(site.Name)
		for i, b := range ws.Bindings {
			if strings.EqualFold(b.Protocol, "https") && sni[strings.ToLower(site.Name)+"\x00"+b.IP+":"+strconv.Itoa(b.Port)+":"+b.Host] {
				ws.Bindings[i].SSLFlags = 1
			}
		}
		s.sites = append(s.sites, ws)
	}
	if err := s.validate(sites); err != nil {
		return nil, err
	}
	return s, nil
}

// serveApps returns every site's applications with their pools, with
// applicationDefaults applied (the effective sites section); where that
// section cannot be read whole (elements of extension schemas that are not
// installed), the applicationPool attributes as written.
func serveApps(st *configstore.Store) map[string][]wsserver.App {
	out := map[string][]wsserver.App{}
	if apps, err := iis.New(st).Apps(); err == nil {
		for _, a := range apps {
			out[a.Site] = append(out[a.Site], wsserver.App{Path: a.Path, Pool: a.Pool})
		}
		return out
	}
	raw, err := st.Sites()
	if err != nil {
		return out
	}
	for _, site := range raw {
		for _, a := range site.Apps {
			pool, _ := a.Element.Attr("applicationPool")
			out[site.Name] = append(out[site.Name], wsserver.App{Path: a.Path, Pool: pool})
		}
	}
	return out
}

// wsSite converts a site of the iis model to wsserver's own small type.
// An http binding whose bindingInformation is invalid gets port -1, which
// wsserver skips with a logged reason (port 0 would make it listen on a
// random port).
func wsSite(site *iis.Site) wsserver.Site {
	id, _ := strconv.ParseInt(site.ID, 10, 64)
	out := wsserver.Site{Name: site.Name, ID: id}
	for _, b := range site.Bindings {
		wb := wsserver.Binding{Protocol: b.Protocol, IP: b.IP, Port: b.Port, Host: b.Host}
		if (strings.EqualFold(b.Protocol, "http") || strings.EqualFold(b.Protocol, "https")) && b.Check() != nil {
			wb.Port = -1
		}
		out.Bindings = append(out.Bindings, wb)
	}
	return out
}

// validate resolves the section at the server level, at every site root and
// at every <location> of applicationHost.config that holds it. Errors that
// come from applicationHost.config or the schema fail the load; an error in
// a web.config is what IIS answers with 500.19 for the paths below it, so
// it stays a per-request error. Site roots are cached as a side effect.
func (s *serveSnapshot) validate(sites []*iis.Site) error {
	apphost := s.store.AppHost().Path
	fatal := func(err error) error {
		var cfe *configstore.ConfigFileError
		var pe *configstore.PathError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &cfe) && cfe.File != apphost:
			return nil
		case errors.As(err, &pe):
			return nil // a location for a site that does not exist: IIS ignores it
		}
		return err
	}
	if _, err := s.resolve(configstore.ServerPath, false); err != nil {
		return err
	}
	for _, site := range sites {
		set, err := s.resolve(configstore.SitePath(site.Name), true)
		if fatal(err) != nil {
			return err
		}
		s.cache[site.Name+"\x00/"] = serveResult{set, asServeConfigError(err)}
	}
	insts, err := s.store.AppHost().Instances(webSocketSection, nil)
	if err != nil {
		return err
	}
	for _, in := range insts {
		if in.Config.IsServer() {
			continue
		}
		if _, err := s.resolve(in.Config, true); fatal(err) != nil {
			return err
		}
	}
	return nil
}

// Sites implements wsserver.Snapshot.
func (s *serveSnapshot) Sites() []wsserver.Site { return s.sites }

// Files implements wsserver.Snapshot: applicationHost.config and every
// web.config read or probed so far.
func (s *serveSnapshot) Files() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.Files()
}

// WebSocket implements wsserver.Snapshot.
func (s *serveSnapshot) WebSocket(site, urlPath string) (wsserver.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	res := s.lookup(site, urlPath)
	return res.set, res.err
}

// lookup resolves site+urlPath through the cache; mu must be held.
func (s *serveSnapshot) lookup(site, urlPath string) serveResult {
	key := site + "\x00" + urlPath
	if r, ok := s.cache[key]; ok {
		return r
	}
	var res serveResult
	cp, err := serveConfigPath(site, urlPath)
	if err != nil {
		res.err = err
	} else {
		res.set, res.err = s.resolve(cp, true)
		res.err = asServeConfigError(res.err)
	}
	if len(s.cache) >= serveSnapshotCacheMax {
		// Nothing cached depends on the missing web.config paths any
		// more: forget them too, so that the store and the watched list
		// (Files) stay bounded whatever URL paths clients send.
		clear(s.cache)
		s.store.ForgetMissing()
	}
	s.cache[key] = res
	return res
}

// serveConfigPath maps a request to its configuration path,
// MACHINE/WEBROOT/APPHOST/<site><urlPath> (websocket.md §5.3). urlPath is
// already decoded and free of "." and ".." (wsserver's canonicalPath).
// Empty segments ("//") are dropped, as configuration paths have none; a
// trailing slash names the same level as the path without it.
func serveConfigPath(site, urlPath string) (configstore.ConfigPath, error) {
	segs := strings.FieldsFunc(urlPath, func(r rune) bool { return r == '/' || r == '\\' })
	return configstore.SitePath(site).Join(strings.Join(segs, "/"))
}

// resolve computes the effective settings at cp; withMapping adds what the
// path maps to (site levels only). Errors are configstore's.
func (s *serveSnapshot) resolve(cp configstore.ConfigPath, withMapping bool) (wsserver.Settings, error) {
	eff, err := s.store.Effective(cp, webSocketSection)
	if err != nil {
		return wsserver.Settings{}, err
	}
	set, err := serveSettings(eff)
	if err != nil {
		return wsserver.Settings{}, err
	}
	set.Module = s.registered
	if set.Module.Enabled, set.Module.EnabledAt, err = serveModuleEnabled(s.store, cp); err != nil {
		return wsserver.Settings{}, err
	}
	if withMapping {
		if m, err := s.store.Map(cp); err == nil {
			if m.App != nil {
				set.App = m.App.Path
			}
			if m.VDir != nil {
				set.VDir = m.VDir.URLPath()
			}
			set.PhysicalPath = m.Physical
		}
	}
	return set, nil
}

// asServeConfigError turns a configuration file error into the
// *wsserver.ConfigError that wsserver answers with 500.19.
func asServeConfigError(err error) error {
	var cfe *configstore.ConfigFileError
	if errors.As(err, &cfe) {
		return &wsserver.ConfigError{File: cfe.File, Line: cfe.Line, Description: cfe.Description}
	}
	return err
}

// serveSettings converts the effective section. Values are parsed with the
// schema attribute's own type, so a schema that redefines an attribute
// (e.g. a wider pingInterval range) is honoured.
func serveSettings(eff *configstore.Effective) (wsserver.Settings, error) {
	set := wsserver.Settings{ConfigPath: eff.Path.String(), Origins: map[string]string{}}
	attr := func(name string) (*configstore.EffAttr, error) {
		a := eff.Root.Attr(name)
		if a == nil || a.Schema == nil {
			return nil, fmt.Errorf("the schema of section %s defines no attribute %q", eff.Section, name)
		}
		set.Origins[name] = a.Origin.String()
		return a, nil
	}
	// A value the schema accepted when the file was read cannot fail to
	// parse; if it does, report it where it was set.
	bad := func(a *configstore.EffAttr, err error) error {
		if a.Origin == nil {
			return fmt.Errorf("schema default of %s/@%s: %w", eff.Section, a.Name, err)
		}
		return &configstore.ConfigFileError{File: a.Origin.File, Line: a.Origin.Line, Kind: configstore.ErrMalformed, Description: err.Error(), Err: err}
	}
	a, err := attr("enabled")
	if err != nil {
		return set, err
	}
	if set.Enabled, err = a.Schema.Bool(a.Value); err != nil {
		return set, bad(a, err)
	}
	if a, err = attr("pingInterval"); err != nil {
		return set, err
	}
	if set.PingInterval, err = a.Schema.Duration(a.Value); err != nil {
		return set, bad(a, err)
	}
	if a, err = attr("receiveBufferLimit"); err != nil {
		return set, err
	}
	if set.ReceiveBufferLimit, err = a.Schema.Int(a.Value); err != nil {
		return set, bad(a, err)
	}
	return set, nil
}

// webSocketModule is the name IIS registers the WebSocket module under.
const webSocketModule = "WebSocketModule"

// serveModuleAssumed is the origin shown when the configuration does not
// declare the modules sections at all (a hand-written minimal
// applicationHost.config). (A) Such a file says nothing about the module,
// so serve assumes the WebSocket feature is installed and the module runs,
// as in the default template; every real applicationHost.config declares
// both sections.
const serveModuleAssumed = "assumed: section %s is not declared"

// serveRegistered reads WebSocketModule's registration in globalModules.
func serveRegistered(st *configstore.Store) (wsserver.Module, error) {
	var m wsserver.Module
	eff, err := st.Effective(configstore.ServerPath, iis.GlobalModulesSection)
	var unk *configstore.UnknownSectionError
	switch {
	case errors.As(err, &unk):
		m.Registered, m.RegisteredAt = true, fmt.Sprintf(serveModuleAssumed, iis.GlobalModulesSection)
		return m, nil
	case err != nil:
		return m, err
	}
	if it := findModuleItem(eff.Root.Items); it != nil {
		m.Registered, m.RegisteredAt = true, it.Origin.String()
		return m, nil
	}
	m.RegisteredAt = "not added in " + st.AppHost().Path
	return m, nil
}

// serveModuleEnabled reports whether WebSocketModule is in the effective
// modules list at cp, with the file:line of its <add>, or of the <remove>
// or <clear> that took it out (the last one merged).
func serveModuleEnabled(st *configstore.Store, cp configstore.ConfigPath) (bool, string, error) {
	eff, err := st.Effective(cp, iis.ModulesSection)
	var unk *configstore.UnknownSectionError
	switch {
	case errors.As(err, &unk):
		return true, fmt.Sprintf(serveModuleAssumed, iis.ModulesSection), nil
	case err != nil:
		return false, "", err
	}
	if it := findModuleItem(eff.Root.Items); it != nil {
		return true, it.Origin.String(), nil
	}
	where := eff.RemovedAt("name", webSocketModule)
	if where == "" {
		where = "never added"
	}
	return false, where, nil
}

// findModuleItem finds WebSocketModule among collection entries (module
// names are case-sensitive in the schema).
func findModuleItem(items []*configstore.EffElement) *configstore.EffElement {
	for _, it := range items {
		if a := it.Attr("name"); a != nil && a.Value == webSocketModule {
			return it
		}
	}
	return nil
}

// sitesSection holds the sites and their limits.
const sitesSection = "system.applicationHost/sites"

// serveLimits returns a function giving each site's effective <limits>
// (siteDefaults/limits applied, with origins). Where the sites section
// cannot be read whole (elements of extension schemas that are not
// installed), sites get the schema defaults, with the reason as origin.
//
// It also returns the https bindings with the SNI bit of sslFlags set, by
// lower-case site name + "\x00" + bindingInformation.
func serveLimits(st *configstore.Store) (func(site string) wsserver.Limits, map[string]bool) {
	byName := map[string]*configstore.EffElement{}
	sni := map[string]bool{}
	eff, err := st.Effective(configstore.ServerPath, sitesSection)
	if err == nil {
		for _, it := range eff.Root.Items {
			a := it.Attr("name")
			if a == nil {
				continue
			}
			byName[strings.ToLower(a.Value)] = it.Child("limits")
			if bs := it.Child("bindings"); bs != nil {
				for _, b := range bs.Items {
					info, flags := b.Attr("bindingInformation"), b.Attr("sslFlags")
					if info != nil && flags != nil && serveSNIFlag(flags.Value) {
						sni[strings.ToLower(a.Value)+"\x00"+info.Value] = true
					}
				}
			}
		}
	}
	return func(site string) wsserver.Limits {
		lim := wsserver.Limits{MaxConnections: 4294967295, ConnectionTimeout: 2 * time.Minute, MaxBandwidth: 4294967295, Origins: map[string]string{}}
		el := byName[strings.ToLower(site)]
		for _, name := range []string{"maxConnections", "connectionTimeout", "maxBandwidth"} {
			var a *configstore.EffAttr
			if el != nil {
				a = el.Attr(name)
			}
			if a == nil || a.Schema == nil {
				why := "schema default (limits not read)"
				if err != nil {
					why = "schema default (" + sitesSection + " not read: " + err.Error() + ")"
				}
				lim.Origins[name] = why
				continue
			}
			lim.Origins[name] = a.Origin.String()
			var perr error
			switch name {
			case "maxConnections":
				lim.MaxConnections, perr = a.Schema.Int(a.Value)
			case "connectionTimeout":
				lim.ConnectionTimeout, perr = a.Schema.Duration(a.Value)
			case "maxBandwidth":
				lim.MaxBandwidth, perr = a.Schema.Int(a.Value)
			}
			if perr != nil { // the schema accepted the value when the file was read
				lim.Origins[name] += " (unreadable: " + perr.Error() + ")"
			}
		}
		return lim
	}, sni
}

// serveSNIFlag reports whether an sslFlags value has the SNI bit, written
// as a number or by flag names ("Sni", "Sni,CentralCertStore").
func serveSNIFlag(v string) bool {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		return n&1 != 0
	}
	for _, f := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(f), "Sni") {
			return true
		}
	}
	return false
}
