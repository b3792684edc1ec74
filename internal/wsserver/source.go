package wsserver

import (
	"fmt"
	"time"
)

// This file is the whole contract between wsserver and whoever owns the
// configuration (cmd/serve.go wires it to configstore). wsserver imports
// nothing else of ours.

// Loader loads one whole, validated configuration snapshot
// (applicationHost.config plus the web.config files it leads to).
//
// The server calls it once in New and again on every reload (file change seen
// by the watcher, or Server.Reload). It is never called concurrently with
// itself. An error keeps the previous snapshot in service.
type Loader func() (Snapshot, error)

// Snapshot is one immutable view of the configuration.
//
// All methods may be called concurrently. WebSocket may read web.config files
// lazily; Files must then include them (and the probed paths that did not
// exist) from then on, so the watcher re-reads Files on every poll.
type Snapshot interface {
	// Sites returns all sites with their bindings, in a stable order
	// (configuration order). Routing ties are broken by this order.
	Sites() []Site

	// WebSocket resolves site+URL path to the effective
	// system.webServer/webSocket settings. urlPath is the decoded URL path
	// as received ("/", "/app/page.html"). A *ConfigError (possibly wrapped)
	// means IIS would answer 500.19 for that path; any other error is
	// answered with a plain 500.
	WebSocket(site string, urlPath string) (Settings, error)

	// Files lists every file the snapshot read or probed (including
	// web.config paths that did not exist), so a watcher can notice edits
	// and creations.
	Files() []string
}

// Site is one <site> element.
type Site struct {
	Name     string
	ID       int64
	Bindings []Binding
	// Apps are the site's applications with their pools: the runtime
	// verbs stop, start and recycle pools (runtime.go).
	Apps []App
	// Limits is the site's effective <limits> (siteDefaults applied).
	Limits Limits
}

// Limits is system.applicationHost/sites/site/limits.
type Limits struct {
	// MaxConnections bounds the site's concurrent connections (limits.go);
	// 0 or 4294967295 (the schema default) is no limit.
	MaxConnections int64
	// ConnectionTimeout closes idle HTTP connections before an upgrade;
	// 0 leaves serve's own header timeout alone.
	ConnectionTimeout time.Duration
	// MaxBandwidth is shown, not applied (docs/serve.md).
	MaxBandwidth int64
	// Origins maps "maxConnections", "connectionTimeout" and
	// "maxBandwidth" to "file:line" or "schema default".
	Origins map[string]string
}

// App is one <application> of a site: its path ("/" or "/app") and the
// application pool it runs in.
type App struct {
	Path string
	Pool string
}

// Binding is one <binding> of a site, bindingInformation "IP:port:host" split.
type Binding struct {
	Protocol string // "http", "https", "net.tcp", ... only "http" is served
	IP       string // "*" (all unassigned addresses) or an address; IPv6 with or without brackets
	Port     int
	Host     string // "" = any host; may be a wildcard such as "*.example.com"
	SSLFlags int    // https: bit 1 (SNI) = the certificate is chosen by host name
}

// String renders the binding the way IIS writes bindingInformation.
func (b Binding) String() string {
	return fmt.Sprintf("%s %s:%d:%s", b.Protocol, b.IP, b.Port, b.Host)
}

// Settings is the effective system.webServer/webSocket section for one URL.
type Settings struct {
	Enabled            bool
	PingInterval       time.Duration
	ReceiveBufferLimit int64

	ConfigPath string // MACHINE/WEBROOT/APPHOST/<site><path>

	// What the path mapped to, for logs and the test page.
	App, VDir, PhysicalPath string

	// Origins maps an attribute name ("enabled", "pingInterval",
	// "receiveBufferLimit") to "file:line" where the effective value was
	// set, or "schema default".
	Origins map[string]string

	// Module is the IIS WebSocket module as IIS would load it for the URL.
	Module Module
}

// Module is the effective state of WebSocketModule at one URL: IIS upgrades
// only where the module is registered in system.webServer/globalModules
// and present in the effective system.webServer/modules (websocket.md §0).
type Module struct {
	Registered   bool   `json:"registered"`
	RegisteredAt string `json:"registeredAt"` // file:line of the globalModules <add>, or why not
	Enabled      bool   `json:"enabled"`
	EnabledAt    string `json:"enabledAt"` // file:line of the modules <add>, or of the <remove>/<clear> that took it out
}

// Loaded reports whether IIS would run the module for the URL.
func (m Module) Loaded() bool { return m.Registered && m.Enabled }

// Reason says why the module does not run, "" when it does.
func (m Module) Reason() string {
	switch {
	case !m.Registered:
		return "WebSocketModule is not registered in system.webServer/globalModules (" + m.RegisteredAt + ")"
	case !m.Enabled:
		return "WebSocketModule is not in the effective system.webServer/modules (" + m.EnabledAt + ")"
	}
	return ""
}

// ConfigError is a configuration error that IIS reports as HTTP 500.19 for
// every request under the affected path.
type ConfigError struct {
	File        string
	Line        int
	Description string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Description)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Description)
}
