package cmd

import "strings"

// ObjectSpec describes one AppCmd object type: its name, the plural that
// appcmd.exe also accepts, a one-line summary for help, and its verbs.
type ObjectSpec struct {
	Name    string // upper-case singular, as printed: "SITE"
	Plural  string // upper-case plural accepted as a synonym; "" if none
	Summary string
	Verbs   []VerbSpec
}

// VerbSpec is one command of an object (or a top-level command).
type VerbSpec struct {
	Name    string // lower-case: "list"
	Summary string
}

// Objects lists the object types in help order, with the verbs appcmd.md
// §2 confirms. Verbs the reference marks UNCONFIRMED (MODULE set, TRACE
// configure/inspect) and the BINDING object are left out until they are
// implemented; an unknown verb gets appcmd.exe's "not supported" error.
// CONFIG has no plural: no source shows "CONFIGS".
var Objects = []ObjectSpec{
	{Name: "SITE", Plural: "SITES", Summary: "Web sites", Verbs: []VerbSpec{
		{"list", "Show sites, all or those matching an identifier or filter"},
		{"set", "Change the properties of a site"},
		{"add", "Create a site"},
		{"delete", "Remove a site"},
		{"start", "Start a site"},
		{"stop", "Stop a site"},
	}},
	{Name: "APP", Plural: "APPS", Summary: "Applications inside sites", Verbs: []VerbSpec{
		{"list", "Show applications"},
		{"set", "Change the properties of an application"},
		{"add", "Create an application"},
		{"delete", "Remove an application"},
	}},
	{Name: "VDIR", Plural: "VDIRS", Summary: "Virtual directories inside applications", Verbs: []VerbSpec{
		{"list", "Show virtual directories"},
		{"set", "Change the properties of a virtual directory"},
		{"add", "Create a virtual directory"},
		{"delete", "Remove a virtual directory"},
	}},
	{Name: "APPPOOL", Plural: "APPPOOLS", Summary: "Application pools", Verbs: []VerbSpec{
		{"list", "Show application pools"},
		{"set", "Change the properties of an application pool"},
		{"add", "Create an application pool"},
		{"delete", "Remove an application pool"},
		{"start", "Start an application pool"},
		{"stop", "Stop an application pool"},
		{"recycle", "Recycle the worker processes of an application pool"},
	}},
	{Name: "CONFIG", Summary: "Configuration sections at any configuration path", Verbs: []VerbSpec{
		{"list", "Show configuration sections"},
		{"set", "Change attributes and collections of a section"},
		{"search", "Find where configuration is defined"},
		{"lock", "Lock a section so lower levels cannot override it"},
		{"unlock", "Unlock a section so lower levels can override it"},
		{"clear", "Remove locally set configuration so inherited values apply"},
		{"reset", "Return a section to its default values"},
		{"migrate", "Move ASP.NET module and handler settings to system.webServer"},
	}},
	{Name: "WP", Plural: "WPS", Summary: "Running worker processes", Verbs: []VerbSpec{
		{"list", "Show worker processes"},
	}},
	{Name: "REQUEST", Plural: "REQUESTS", Summary: "Requests currently executing", Verbs: []VerbSpec{
		{"list", "Show executing requests"},
	}},
	{Name: "MODULE", Plural: "MODULES", Summary: "Server and application modules", Verbs: []VerbSpec{
		{"list", "Show enabled modules"},
		{"add", "Enable a module"},
		{"delete", "Disable a module"},
		{"install", "Register a native module with the server"},
		{"uninstall", "Unregister a native module"},
	}},
	{Name: "BACKUP", Plural: "BACKUPS", Summary: "Backups of the server configuration", Verbs: []VerbSpec{
		{"list", "Show backups, including configuration history"},
		{"add", "Back up the server configuration"},
		{"delete", "Remove a backup"},
		{"restore", "Restore the server configuration from a backup"},
	}},
	{Name: "TRACE", Plural: "TRACES", Summary: "Failed-request trace logs", Verbs: []VerbSpec{
		{"list", "Show failed-request trace logs"},
	}},
}

// ServeVerb is our top-level extension command: `appcmd serve [SITE ...]`.
// It takes no object; every non-prefixed token after it names a site.
const ServeVerb = "serve"

// TopCommands are commands used without an object (our extensions).
var TopCommands = []VerbSpec{
	{ServeVerb, "Run the WebSocket test server for the configured sites"},
}

// LookupObject finds an object by its singular or plural name, ignoring case.
func LookupObject(token string) (*ObjectSpec, bool) {
	for i := range Objects {
		o := &Objects[i]
		if strings.EqualFold(token, o.Name) || (o.Plural != "" && strings.EqualFold(token, o.Plural)) {
			return o, true
		}
	}
	return nil, false
}

// LookupVerb finds one of the object's verbs, ignoring case.
func (o *ObjectSpec) LookupVerb(token string) (*VerbSpec, bool) {
	for i := range o.Verbs {
		if strings.EqualFold(token, o.Verbs[i].Name) {
			return &o.Verbs[i], true
		}
	}
	return nil, false
}
