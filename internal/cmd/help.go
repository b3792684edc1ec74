package cmd

import (
	"fmt"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"strings"

	"github.com/appcmd-project/appcmd/internal/section"
)

// Help at three levels, as appcmd.exe has: top (objects), object (its
// verbs) and verb (parameters and examples). The wording is ours; the
// syntax lines and footers follow appcmd.exe.

func topHelp() string {
	var b strings.Builder
	b.WriteString("General purpose IIS command line administration tool.\n\n")
	b.WriteString("APPCMD (command) (object-type) <identifier> </parameter1:value1 ...>\n\n")
	b.WriteString("Supported object types:\n\n")
	for _, o := range objectTypes {
		fmt.Fprintf(&b, "  %-10s %s\n", o.name, o.summary)
	}
	b.WriteString("\n(To list commands supported by each object use /?, e.g. 'appcmd.exe site /?')\n\n")
	b.WriteString("Commands without an object (extensions of this tool):\n\n")
	for _, v := range topCommands() {
		fmt.Fprintf(&b, "  %-10s %s\n", v.verb, v.summary)
	}
	b.WriteString(`
General parameters:

  /?                Display context-sensitive help.
  /text<:value>     Text output (the default). /text:* shows every property
                    of each object; /text:<attribute> shows only that value.
  /xml              XML output, to be piped into a command that uses /in.
  /in or -          Read XML produced by /xml from standard input and
                    apply the command to each object in it.
  /config<:*>       Show the configuration of the objects listed; /config:*
                    also shows inherited and default values.
  /commit           Where changes are saved: a config path such as
                    MACHINE/WEBROOT/APPHOST/Default Web Site, or url
                    (default), site, app, parent (relative to the path
                    being edited), or apphost, webroot, machine.
  /apphostconfig    The applicationHost.config to use (default:
                    $APPCMD_APPHOSTCONFIG, then a per-user file).
  /debug            After the command, show on stderr which configuration
                    files it read, its exit code and how long it took.
  -json             JSON output for list verbs and change results.
  -whatif           Show the changes a command would make, write nothing.

Each command takes only the general parameters its help lists (and
/apphostconfig, -json, /debug); any other is refused as an unknown
attribute.

Use "!" to escape parameters that have same names as the general parameters,
like "/!debug:value" to set a config property named "debug".

Exit codes are Win32 error codes, as appcmd.exe's: 0 success, 1 help,
13 invalid data, 33 lock violation, 87 invalid parameter, 183 duplicate,
1168 object not found, 4312 collection element not found (docs/errors.md).
`)
	return b.String()
}

func objectHelp(o *objectType) string {
	var b strings.Builder
	b.WriteString(o.summary + "\n\n")
	fmt.Fprintf(&b, "APPCMD (command) %s <identifier> <-parameter1:value1 ...>\n\n", o.name)
	b.WriteString("Supported commands:\n\n")
	verbs := o.verbs()
	for _, v := range verbs {
		fmt.Fprintf(&b, "  %-10s %s\n", v.verb, v.summary)
	}
	fmt.Fprintf(&b, "\n(To get help for each command use /?, e.g. 'appcmd.exe %s %s /?'.)\n", verbs[0].verb, strings.ToLower(o.name))
	return b.String()
}

func verbHelp(v *command) string {
	var b strings.Builder
	ident := v.ident
	if ident == "" {
		ident = "<identifier>"
	}
	b.WriteString(v.summary + "\n\n")
	fmt.Fprintf(&b, "APPCMD %s %s %s <-parameter1:value1 ...>\n", v.verb, v.object, ident)
	if v.params != "" {
		b.WriteString("\nParameters:\n\n" + v.params + "\n")
	}
	if v.examples != "" {
		b.WriteString("\nExamples:\n\n" + v.examples + "\n")
	}
	return b.String()
}

// topVerbHelp is the help of a command without an object (other than
// serve, which has its own page).
func topVerbHelp(v *command) string {
	var b strings.Builder
	b.WriteString(v.summary + "\n\n")
	fmt.Fprintf(&b, "APPCMD %s\n", v.verb)
	if v.params != "" {
		b.WriteString("\n" + v.params + "\n")
	}
	if v.examples != "" {
		b.WriteString("\nExamples:\n\n" + v.examples + "\n")
	}
	return b.String()
}

func serveHelp() string {
	return `Run the WebSocket test server for the configured sites.

APPCMD serve [SITE ...] [-listen:ADDR] [-listentls:ADDR] [-cert:FILE -key:FILE]
             [-wildcard:loopback|all] [-ping:pong|ping]
             [-exitafter:DURATION] [-addrfile:PATH]

Serves each site (all sites by default) on its http and https bindings
(wss:// on https), where IIS would load the WebSocketModule, within the
site's maxConnections and connectionTimeout limits, and applies
the effective system.webServer/webSocket settings (enabled, pingInterval,
receiveBufferLimit) per site and URL path, as IIS would. WebSocket
messages are echoed; a plain GET shows a test page, and a GET with
Accept: application/json returns the effective settings and the file:line
each came from. A web.config error answers 500.19 below its folder.

  -listen:ADDR         Listen on ADDR (e.g. 127.0.0.1:0) instead of the
                       bindings' addresses; requests are still routed by
                       Host header.
  -listentls:ADDR      The same for https bindings; with -listen: alone,
                       https bindings are not served.
  -cert:FILE -key:FILE PEM certificate and key for https bindings (or
                       $APPCMD_SERVE_CERT and $APPCMD_SERVE_KEY); without
                       them a self-signed certificate for the bindings'
                       host names is created beside applicationHost.config
                       and its SHA-256 fingerprint printed.
  -wildcard:all        Listen for "*" bindings on every address; by default
                       they listen on loopback (127.0.0.1) only.
  -ping:ping           Send Ping frames for pingInterval instead of
                       unsolicited Pong frames (what IIS sends is not
                       documented).
  -exitafter:DURATION  Shut down by itself after DURATION (30s, 2m), for
                       scripts and tests.
  -addrfile:PATH       Also write the "Listening on" lines to PATH once
                       listening (replaced atomically), for scripts that
                       cannot read stdout while the server runs.

Standard output gets one line per listener, e.g.
"Listening on http://127.0.0.1:41234 (Default Web Site)"; the log goes
to standard error. The configuration files are polled every second (SIGHUP
reloads at once): new connections get changed settings, open connections
keep theirs, and a configuration that fails to load keeps the previous one.
Ctrl+C or SIGTERM closes open WebSockets with 1001 and exits 0.
While it runs, list site/apppool show state Started or Stopped, and
start/stop site, start/stop/recycle apppool, list wp and list request act
on it (only for your user). See docs/serve.md.
`
}

// help prints the help the invocation asked for.
func (c *invocation) help() error {
	switch c.Help {
	case helpTop:
		c.println(strings.TrimSuffix(topHelp(), "\n"))
	case helpObject:
		o, _ := lookupObject(c.Object)
		c.println(strings.TrimSuffix(objectHelp(o), "\n"))
	case helpVerb:
		if c.Verb == serveVerb {
			c.println(strings.TrimSuffix(serveHelp(), "\n"))
			return nil
		}
		if c.Object == "" {
			c.println(strings.TrimSuffix(topVerbHelp(lookupCommand("", c.Verb)), "\n"))
			return nil
		}
		text := verbHelp(lookupCommand(c.Object, c.Verb))
		if c.Object == "CONFIG" {
			if sec := c.Reserved["section"].Value; sec != "" && !strings.HasPrefix(sec, "?") {
				more, err := c.sectionHelp(sec)
				if err != nil {
					return err
				}
				text += "\n" + more
			}
		}
		if c.Verb == "set" {
			more, ok, err := c.objectPropsHelp(c.Object)
			if err != nil {
				return err
			}
			if ok {
				text += "\n" + more
			}
		}
		c.println(strings.TrimSuffix(text, "\n"))
	}
	return nil
}

// sectionHelp lists the properties of a section for "set config
// -section:X /?".
func (c *invocation) sectionHelp(name string) (string, error) {
	s, err := c.openStore(false)
	if err != nil {
		return "", err
	}
	defer s.Close()
	sch, _, err := s.LookupSection(name, configstore.ServerPath)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Properties of section %s:\n\n", sch.Name)
	describeElement(&b, sch.Root, "")
	return b.String(), nil
}

func describeElement(b *strings.Builder, e *section.Element, prefix string) {
	for _, a := range e.Attributes {
		line := fmt.Sprintf("  /%s%s  %s, default %q", prefix, a.Name, a.Type.String(), a.Default())
		if allowed := allowedValues(a); allowed != "" {
			line += ", " + allowed
		}
		if a.Required {
			line += ", required"
		}
		b.WriteString(line + "\n")
	}
	if e.Collection != nil {
		keys := []string{}
		for _, k := range e.Collection.KeyAttributes() {
			keys = append(keys, k.Name+"='...'")
		}
		if len(e.Collection.AddElements) > 0 {
			add := e.Collection.AddElements[0]
			fmt.Fprintf(b, "  /+%s[%s]  add an entry (<%s>) with:\n", prefix, strings.Join(keys, ","), add)
			if it := e.Collection.ItemFor(add); it != nil {
				for _, a := range it.Attributes {
					line := fmt.Sprintf("      %s  %s, default %q", a.Name, a.Type.String(), a.Default())
					if allowed := allowedValues(a); allowed != "" {
						line += ", " + allowed
					}
					if a.Required {
						line += ", required"
					}
					b.WriteString(line + "\n")
				}
			}
		}
	}
	for _, c := range e.Elements {
		describeElement(b, c, prefix+c.Name+".")
	}
}

func joinNamed(ns []section.Named, sep string) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name)
	}
	return strings.Join(out, sep)
}
