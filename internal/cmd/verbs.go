package cmd

import (
	"strings"
)

// The one table of commands. Dispatch (runArgs), the three levels of help,
// shell completion (root.go) and the generated part of docs/objects.md
// are all built from objectTypes and commands; nothing registers itself
// elsewhere. Adding a verb is one entry here plus its run function.

// objectType is one AppCmd object type.
type objectType struct {
	name    string // upper-case singular, as printed: "SITE"
	plural  string // upper-case plural accepted as a synonym; "" if none
	summary string
}

// objectTypes lists the object types in help order. Verbs the reference
// marks UNCONFIRMED (MODULE set, TRACE configure/inspect) and the BINDING
// object are left out until they are implemented. CONFIG has no plural: no
// source shows "CONFIGS". TRACE has only list (failed-request logs).
var objectTypes = []objectType{
	// The summaries are appcmd.exe's object list (appcmd /?).
	{"SITE", "SITES", "Administration of virtual sites"},
	{"APP", "APPS", "Administration of applications"},
	{"VDIR", "VDIRS", "Administration of virtual directories"},
	{"APPPOOL", "APPPOOLS", "Administration of application pools"},
	{"CONFIG", "", "Administration of general configuration sections"},
	{"WP", "WPS", "Administration of worker processes"},
	{"REQUEST", "REQUESTS", "Administration of HTTP requests"},
	{"MODULE", "MODULES", "Administration of server modules"},
	{"BACKUP", "BACKUPS", "Administration of server configuration backups"},
	{"TRACE", "TRACES", "Working with failed request trace logs"},
}

// serveVerb is our top-level extension command: `appcmd serve [SITE ...]`.
// It takes no object; every non-prefixed token after it names a site.
const serveVerb = "serve"

// command is one verb of an object, or a command without an object
// (object "").
type command struct {
	object  string // "SITE"; "" for serve
	verb    string // lower case: "list"
	summary string

	// takes lists the general parameters (appcmd.md §1.4) the verb reads,
	// besides those every verb takes (universalParams). Any other general
	// parameter is refused before the verb runs. in is /in (or a lone -).
	takes []string
	in    bool

	// Help: the identifier's form, the parameter lines and examples.
	ident, params, examples string

	run func(*invocation) error
}

// universalParams are the general parameters every command takes:
// the file to use, JSON output (results and errors) and /debug.
var universalParams = []string{"apphostconfig", "json", "debug"}

// Parameter sets shared by several verbs.
var (
	listTakes = []string{"text", "xml", "config"}
	// WP and REQUEST have no configuration element.
	runtimeListTakes = []string{"text", "xml"}
	changeTakes      = []string{"whatif", "followlinks", "unencrypted"}
	// objectChangeTakes adds -commit:, which IIS articles pass to object
	// verbs (set site X ... /commit:apphost); these objects live in
	// applicationHost.config, so apphost is the only target (applyEdit).
	objectChangeTakes = append(changeTakes[:len(changeTakes):len(changeTakes)], "commit")
)

// Help text shared by several verbs.
const (
	listParams = `  /<property>:<value>  Only objects whose property (or configuration
                       attribute, dotted for child elements) has this
                       value; several are ANDed.
  /config<:*>          Also show the configuration element (with :*
                       inherited and default values).
  /text:*              Every property; /text:<property> one value each.
  /xml                 Records for a command that uses /in.
  /in or -             Select the objects named by records on stdin.
  -json                JSON (docs/output.md).`
	runtimeListParams = `  /text:*  /text:<property>  /xml  -json, as for list site.
  Answered by the running "appcmd serve" of this applicationHost.config
  (docs/serve.md); without one the command fails as appcmd.exe does when
  the IIS services are not running.`
	changeParams = `  -whatif              Print the diff of what would change, write nothing.
  -followLinks         Write a web.config even where a symbolic link leads
                       out of its virtual directory (or APPCMD_FOLLOW_LINKS=1).
  -unencrypted         Write attributes IIS keeps encrypted (passwords) as
                       clear text, with a warning (or APPCMD_ALLOW_PLAINTEXT=1).
  -json                One JSON result: changed, files, messages.`
	runtimeParams = `  /wait:<bool> /timeout:<ms>  Accepted, as appcmd.exe has them.
  Acts on the running "appcmd serve" of this applicationHost.config
  (docs/serve.md); without one the command fails as appcmd.exe does when
  the IIS services are not running.`
)

// commands is the table, in help order within each object.
var commands = []command{
	{object: "SITE", verb: "list", summary: "Show sites, all or those matching an identifier or filter",
		takes: listTakes, in: true, ident: "<name or URL>", params: listParams,
		examples: "  appcmd list sites\n  appcmd list site /serverAutoStart:false\n  appcmd list site \"Default Web Site\" /config /xml",
		run:      func(c *invocation) error { return c.listObjects(siteKind) }},
	{object: "SITE", verb: "set", summary: "Change the properties of a site",
		takes: objectChangeTakes, in: true, ident: "<name or URL>",
		params:   "  /<attribute>:<value>, /+bindings.[protocol='..',bindingInformation='..'],\n  /-bindings.[...], /bindings:<list> (replaces the list),\n  /[path='/'].applicationPool:<pool>\n  /in                  Apply the records read from stdin.\n" + changeParams,
		examples: "  appcmd set site Contoso /+bindings.[protocol='https',bindingInformation='*:443:']",
		run:      setSite},
	{object: "SITE", verb: "add", summary: "Create a site",
		takes: objectChangeTakes, in: true, ident: "[<name>]",
		params:   "  /name:<name>         Required.\n  /id:<n>              Default: one more than the highest id.\n  /bindings:<list>     http/*:80:,https/*:443:host or URLs (http://*:80).\n  /physicalPath:<dir>  Also create the root application and directory.\n  /<attribute>:<value> Any site property (/logFile.directory:...).\n  /in                  Add the SITE records read from stdin.\n" + changeParams,
		examples: "  appcmd add site /name:Contoso /bindings:http/*:81: /physicalPath:C:\\contoso",
		run:      addSite},
	{object: "SITE", verb: "delete", summary: "Remove a site",
		takes: objectChangeTakes, in: true, ident: "<name>",
		params:   "  Deletes the site with its applications and virtual directories.\n" + changeParams,
		examples: "  appcmd delete site Contoso",
		run:      func(c *invocation) error { return c.deleteObjects(siteKind) }},
	{object: "SITE", verb: "start", summary: "Start a site", in: true, ident: "<name>",
		params: runtimeParams, examples: "  appcmd start site Contoso", run: runtimeVerb(siteKind, opStartSite)},
	{object: "SITE", verb: "stop", summary: "Stop a site", in: true, ident: "<name>",
		params: runtimeParams, examples: "  appcmd stop site Contoso", run: runtimeVerb(siteKind, opStopSite)},

	{object: "APP", verb: "list", summary: "Show applications",
		takes: listTakes, in: true, ident: "<site>/<path>", params: listParams,
		examples: "  appcmd list apps /site.name:\"Default Web Site\"\n  appcmd list apps /apppool.name:DefaultAppPool",
		run:      func(c *invocation) error { return c.listObjects(appKind) }},
	{object: "APP", verb: "set", summary: "Change the properties of an application",
		takes: objectChangeTakes, in: true, ident: "<site>/<path>",
		params:   "  /<attribute>:<value>  e.g. /applicationPool:<pool>\n" + changeParams,
		examples: "  appcmd set app \"Default Web Site/\" /applicationPool:MyPool",
		run:      func(c *invocation) error { return c.setObjects(appKind, false, nil) }},
	{object: "APP", verb: "add", summary: "Create an application",
		takes: objectChangeTakes, in: true, ident: "/site.name:<site> /path:/<path>",
		params:   "  /site.name:<site>    Required.\n  /path:/<path>        Required.\n  /physicalPath:<dir>  Also create the root virtual directory.\n  /applicationPool:<pool>\n  /in                  Add the APP records read from stdin.\n" + changeParams,
		examples: "  appcmd add app /site.name:Contoso /path:/app1 /physicalPath:C:\\app1",
		run:      addApp},
	{object: "APP", verb: "delete", summary: "Remove an application",
		takes: objectChangeTakes, in: true, ident: "<site>/<path>", params: changeParams,
		examples: "  appcmd delete app Contoso/app1",
		run:      func(c *invocation) error { return c.deleteObjects(appKind) }},

	{object: "VDIR", verb: "list", summary: "Show virtual directories",
		takes: listTakes, in: true, ident: "<site>/<app path>/<vdir path>", params: listParams,
		examples: "  appcmd list vdirs /app.name:\"Default Web Site/\"\n  appcmd list vdirs /text:physicalPath",
		run:      func(c *invocation) error { return c.listObjects(vdirKind) }},
	{object: "VDIR", verb: "set", summary: "Change the properties of a virtual directory",
		takes: objectChangeTakes, in: true, ident: "<site>/<app path>/<vdir path>",
		params:   "  /<attribute>:<value>  e.g. /physicalPath:<dir>\n" + changeParams,
		examples: "  appcmd set vdir \"Default Web Site/\" /physicalPath:C:\\www",
		run:      func(c *invocation) error { return c.setObjects(vdirKind, false, nil) }},
	{object: "VDIR", verb: "add", summary: "Create a virtual directory",
		takes: objectChangeTakes, in: true, ident: "/app.name:<app> /path:/<path>",
		params:   "  /app.name:<site>/<path>  Required.\n  /path:/<path>            Required.\n  /physicalPath:<dir>\n" + changeParams,
		examples: "  appcmd add vdir /app.name:Contoso/app1 /path:/images /physicalPath:D:\\images",
		run:      addVdir},
	{object: "VDIR", verb: "delete", summary: "Remove a virtual directory",
		takes: objectChangeTakes, in: true, ident: "<site>/<app path>/<vdir path>", params: changeParams,
		examples: "  appcmd delete vdir Contoso/app1/images",
		run:      func(c *invocation) error { return c.deleteObjects(vdirKind) }},

	{object: "APPPOOL", verb: "list", summary: "Show application pools",
		takes: listTakes, in: true, ident: "<name>", params: listParams,
		examples: "  appcmd list apppools /managedPipelineMode:Classic\n  appcmd list apppool DefaultAppPool /text:*",
		run:      func(c *invocation) error { return c.listObjects(poolKind) }},
	{object: "APPPOOL", verb: "set", summary: "Change the properties of an application pool",
		takes: objectChangeTakes, in: true, ident: "<name>",
		params:   "  /<attribute>:<value>  Dotted for child elements.\n" + changeParams,
		examples: "  appcmd set apppool MyPool /processModel.identityType:NetworkService",
		run:      func(c *invocation) error { return c.setObjects(poolKind, false, nil) }},
	{object: "APPPOOL", verb: "add", summary: "Create an application pool",
		takes: objectChangeTakes, in: true, ident: "[<name>]",
		params:   "  /name:<name>         Required.\n  /managedRuntimeVersion:v4.0|\"\"  /managedPipelineMode:Integrated|Classic\n  /<attribute>:<value> Any pool property (/processModel.identityType:...).\n" + changeParams,
		examples: "  appcmd add apppool /name:MyPool /managedRuntimeVersion:v4.0",
		run:      addPool},
	{object: "APPPOOL", verb: "delete", summary: "Remove an application pool",
		takes: objectChangeTakes, in: true, ident: "<name>", params: changeParams,
		examples: "  appcmd delete apppool MyPool",
		run:      func(c *invocation) error { return c.deleteObjects(poolKind) }},
	{object: "APPPOOL", verb: "start", summary: "Start an application pool", in: true, ident: "<name>",
		params: runtimeParams, examples: "  appcmd start apppool MyPool", run: runtimeVerb(poolKind, opStartPool)},
	{object: "APPPOOL", verb: "stop", summary: "Stop an application pool", in: true, ident: "<name>",
		params: runtimeParams, examples: "  appcmd stop apppool MyPool", run: runtimeVerb(poolKind, opStopPool)},
	{object: "APPPOOL", verb: "recycle", summary: "Recycle the worker processes of an application pool", in: true, ident: "<name>",
		params: runtimeParams, examples: "  appcmd recycle apppool MyPool", run: runtimeVerb(poolKind, opRecyclePool)},

	{object: "CONFIG", verb: "list", summary: "Show configuration sections",
		takes: []string{"section", "config", "text", "xml", "commit"}, ident: "<config path or URL>",
		params: `  /section:<name>   Section to show (full or short name); /section:? lists
                    all sections, /section:?system.webServer/* filters them.
  /config:*         Also show inherited and default values.
  /commit:<target>  Only the settings of that file and those above it
                    (machine, webroot, apphost, ... as for set config).
  /text:*           Every property; /text:<attribute> one value.
  /xml              CONFIG records for /in; -json adds where each value
                    was set (file and line).`,
		examples: `  appcmd list config "Default Web Site" -section:system.webServer/webSocket
  appcmd list config "Default Web Site/app1" -section:webSocket /config:*
  appcmd list config -section:webSocket /text:pingInterval`,
		run: listConfig},
	{object: "CONFIG", verb: "set", summary: "Change attributes and collections of a section",
		takes: []string{"section", "commit", "whatif", "followlinks", "unencrypted"}, in: true, ident: "<config path or URL>",
		params: `  /section:<name>          Section to change (required).
  /<attribute>:<value>     Set an attribute; dotted paths reach child
                           elements: /limits.maxBandwidth:1000
  /+[key='v',...]          Add a collection entry (/+files.[value='a.htm']).
  /-[key='v']              Remove a collection entry.
  /[key='v'].attr:value    Change an attribute of an entry.
  /commit:<target>         url (default), site, app, parent (relative to
                           the path), apphost, webroot (the root
                           web.config), machine (machine.config) or a
                           config path.
  /in                      Apply the CONFIG records read from stdin.
` + changeParams,
		examples: `  appcmd set config "Default Web Site" -section:system.webServer/webSocket /enabled:true /pingInterval:00:00:10 -commit:apphost
  appcmd set config -section:defaultDocument /+files.[value='home.html']
  appcmd set config -section:system.web/compilation /!debug:false -commit:WEBROOT`,
		run: setConfig},
	{object: "CONFIG", verb: "search", summary: "Find where configuration is defined",
		takes: []string{"section", "text"}, ident: "<config path>",
		params: `  /section:<name>   Only locations that define this section.
  /<attribute>      Only locations that set this attribute;
  /<attribute>:<v>  ... set it to this value.`,
		examples: `  appcmd search config "Default Web Site" -section:webSocket /pingInterval`,
		run:      searchConfig},
	{object: "CONFIG", verb: "lock", summary: "Lock a section so lower levels cannot override it",
		takes: []string{"section", "commit", "whatif", "followlinks", "unencrypted"}, ident: "<config path>",
		params:   `  /section:<name>   Section to lock for the levels below the path.`,
		examples: `  appcmd lock config -section:system.webServer/defaultDocument`,
		run:      lockConfig},
	{object: "CONFIG", verb: "unlock", summary: "Unlock a section so lower levels can override it",
		takes: []string{"section", "commit", "whatif", "followlinks", "unencrypted"}, ident: "<config path>",
		params:   `  /section:<name>   Section to unlock for the levels below the path.`,
		examples: `  appcmd unlock config "Default Web Site" -section:system.webServer/webSocket`,
		run:      unlockConfig},
	{object: "CONFIG", verb: "clear", summary: "Remove locally set configuration so inherited values apply",
		takes: []string{"section", "commit", "whatif", "followlinks", "unencrypted"}, ident: "<config path or URL>",
		params: `  /section:<name>   Section to clear (required).
  /<attribute>      Clear only this attribute (or collection, or entry
                    /[key='v']); without one the whole section is cleared
                    at this level, so inherited values apply.
  /commit:<target>  Which file to change, as for set config.`,
		examples: `  appcmd clear config "Default Web Site" -section:webSocket /pingInterval -commit:apphost`,
		run:      clearConfig},
	{object: "CONFIG", verb: "reset", summary: "Return a section to its default values",
		takes: []string{"section", "commit", "whatif", "followlinks", "unencrypted"}, ident: "<config path or URL>",
		params:   `  /section:<name>   Section to reset (required).` + "\n  /commit:<target>  Which file to change, as for set config.",
		examples: `  appcmd reset config "Default Web Site" -section:webSocket -commit:apphost`,
		run:      resetConfig},

	{object: "WP", verb: "list", summary: "Show worker processes", takes: runtimeListTakes, ident: "<process id>",
		params:   "  /apppool.name:<pool>  Only the process serving this pool.\n" + runtimeListParams,
		examples: "  appcmd list wps\n  appcmd list wp /apppool.name:DefaultAppPool", run: listWP},
	{object: "REQUEST", verb: "list", summary: "Show executing requests", takes: runtimeListTakes, ident: "<request id>",
		params:   "  /elapsed:<ms>        Only requests running at least this long.\n  /site.name:<site> /apppool.name:<pool> /wp.name:<pid>  Only those.\n" + runtimeListParams,
		examples: "  appcmd list requests\n  appcmd list requests /elapsed:1000 /site.name:\"Default Web Site\"", run: listRequests},

	{object: "CONFIG", verb: "validate", summary: "Check configuration files against the schema and hierarchy (writes nothing)",
		ident: "[<file>]",
		params: `  <file>               An applicationHost.config (default: the one in use)
                       and every web.config its virtual directories reach,
                       or one web.config on its own (checked as a site's,
                       under the stock applicationHost.config).
  -json                {"valid", "files", "findings": [{file, line,
                       column, rule, message}]}.
  One line per problem: FILE:LINE:COLUMN: RULE: MESSAGE. Exit code 0 when
  there is none, 13 otherwise. See docs/validate.md.`,
		examples: "  appcmd validate config\n  appcmd validate config C:\\inetpub\\wwwroot\\web.config -json",
		run:      validateConfig},

	{object: "CONFIG", verb: "migrate", summary: "Migrate an application's ASP.NET httpModules and httpHandlers to system.webServer",
		takes: changeTakes, ident: "<site>/<app path>",
		params: "  Adds the system.web/httpModules and httpHandlers entries of the\n" +
			"  application's web.config to system.webServer/modules and handlers,\n" +
			"  and sets validation/@validateIntegratedModeConfiguration to false.\n" + changeParams,
		examples: "  appcmd migrate config \"Default Web Site/app1\"",
		run:      migrateConfig},

	{object: "MODULE", verb: "list", summary: "Show enabled modules",
		takes: listTakes, in: true, ident: "<name>", params: "  /app.name:<app>      Modules enabled for that application.\n" + listParams,
		examples: "  appcmd list modules\n  appcmd list modules /app.name:\"Default Web Site/\"",
		run:      listModules},
	{object: "MODULE", verb: "add", summary: "Enable a module",
		takes: []string{"commit", "whatif", "followlinks", "unencrypted"}, ident: "[<name>]",
		params:   "  /name:<name> /type:<managed type> /preCondition:<p> /app.name:<app> /commit:<target>\n" + changeParams,
		examples: "  appcmd add module /name:MyModule /type:My.Module",
		run:      addModule},
	{object: "MODULE", verb: "delete", summary: "Disable a module",
		takes: []string{"commit", "whatif", "followlinks", "unencrypted"}, ident: "<name>",
		params:   "  /app.name:<app> /commit:<target>\n" + changeParams,
		examples: "  appcmd delete module MyModule",
		run:      deleteModule},
	{object: "MODULE", verb: "install", summary: "Register a native module with the server",
		takes: changeTakes, ident: "[<name>]",
		params:   "  /name:<name> /image:<dll> /preCondition:<p> /add:false (register only)\n" + changeParams,
		examples: "  appcmd install module /name:MyNative /image:C:\\modules\\my.dll",
		run:      installModule},
	{object: "MODULE", verb: "uninstall", summary: "Unregister a native module",
		takes: changeTakes, ident: "<name>", params: changeParams,
		examples: "  appcmd uninstall module MyNative",
		run:      uninstallModule},

	{object: "BACKUP", verb: "list", summary: "Show backups, including configuration history",
		takes: listTakes, in: true, ident: "<name>", params: listParams,
		examples: "  appcmd list backups",
		run:      listBackups},
	{object: "BACKUP", verb: "add", summary: "Back up the server configuration",
		takes: changeTakes, ident: "<name>",
		params:   "  Default name: the local time, yyyyMMddTHHmmss.\n" + changeParams,
		examples: "  appcmd add backup MyBackup",
		run:      addBackup},
	{object: "BACKUP", verb: "delete", summary: "Remove a backup",
		takes: changeTakes, ident: "<name>", params: changeParams,
		examples: "  appcmd delete backup MyBackup",
		run:      deleteBackup},
	{object: "BACKUP", verb: "restore", summary: "Restore the server configuration from a backup",
		takes: changeTakes, ident: "<name>",
		params:   "  Also history entries (CFGHISTORY_NNNNNNNNNN).\n" + changeParams,
		examples: "  appcmd restore backup MyBackup",
		run:      restoreBackup},

	{object: "TRACE", verb: "list", summary: "Show failed-request trace logs of the sites",
		takes: listTakes, in: true, ident: "<site>/<frNNNNNN.xml>",
		params: "  Reads the fr*.xml files in W3SVC<site id> below each site's\n" +
			"  traceFailedRequestsLogging directory.\n" +
			"  /site.name:<site> /statuscode:<code> /url:<url> /wp.name:<pid> /verb:<verb>\n" + listParams,
		examples: "  appcmd list traces\n  appcmd list traces /site.name:\"Default Web Site\" /statuscode:500\n" +
			"  appcmd list trace \"Default Web Site/fr000001.xml\" /text:*",
		run: listTraces},

	{verb: serveVerb, summary: "Run the WebSocket test server for the configured sites",
		takes: []string{"listen"}, run: runServe},
	{verb: "version", summary: "Show the version of this tool (also --version)",
		params:   "  Prints the module version and the VCS revision it was built from\n  (go version -m shows the same build information).",
		examples: "  appcmd version\n  appcmd --version",
		run:      showVersion},
}

// topVerb returns the command without an object that token names
// (ignoring case), or "".
func topVerb(token string) string {
	for _, c := range topCommands() {
		if strings.EqualFold(token, c.verb) {
			return c.verb
		}
	}
	return ""
}

// lookupObject finds an object type by its singular or plural name,
// ignoring case.
func lookupObject(token string) (*objectType, bool) {
	for i := range objectTypes {
		o := &objectTypes[i]
		if strings.EqualFold(token, o.name) || (o.plural != "" && strings.EqualFold(token, o.plural)) {
			return o, true
		}
	}
	return nil, false
}

// verbs returns the object's commands in table order.
func (o *objectType) verbs() []*command {
	var out []*command
	for i := range commands {
		if commands[i].object == o.name {
			out = append(out, &commands[i])
		}
	}
	return out
}

// lookupVerb finds one of the object's verbs, ignoring case.
func (o *objectType) lookupVerb(token string) (*command, bool) {
	for _, c := range o.verbs() {
		if strings.EqualFold(token, c.verb) {
			return c, true
		}
	}
	return nil, false
}

// topCommands returns the commands without an object.
func topCommands() []*command {
	var out []*command
	for i := range commands {
		if commands[i].object == "" {
			out = append(out, &commands[i])
		}
	}
	return out
}

// lookupCommand returns the command for a parsed invocation, or nil.
func lookupCommand(object, verb string) *command {
	for i := range commands {
		if commands[i].object == object && commands[i].verb == verb {
			return &commands[i]
		}
	}
	return nil
}

// accepts reports whether the command takes the general parameter name
// (lower case).
func (cmd *command) accepts(name string) bool {
	for _, list := range [][]string{universalParams, cmd.takes} {
		for _, p := range list {
			if p == name {
				return true
			}
		}
	}
	return false
}

// checkParams refuses the general parameters the command does not take,
// in command-line order, with appcmd.exe's text for an unknown parameter
// (docs/grammar.md).
func (cmd *command) checkParams(inv *commandLine) error {
	for _, r := range inv.generalInOrder() {
		if !cmd.accepts(r.Name) {
			return unexpectedParam(r.Raw)
		}
	}
	if inv.Stdin && !cmd.in {
		return unexpectedParam("in")
	}
	return nil
}
