package cmd

import (
	"reflect"
	"strings"
	"testing"
)

// parseFor parses argv and the options of its command, without running it.
func parseFor(t *testing.T, argv ...string) (*options, error) {
	t.Helper()
	inv, err := parseArgs(argv)
	if err != nil {
		return nil, err
	}
	cmd := lookupCommand(inv.Object, inv.Verb)
	if cmd == nil {
		t.Fatalf("%q: no command in the table", argv)
	}
	return cmd.parseOptions(inv)
}

// TestEveryCommandTakesOnlyItsParameters tries every general parameter on
// every command: accepted exactly when the table says so, otherwise
// appcmd's unknown-attribute error (exit 87).
func TestEveryCommandTakesOnlyItsParameters(t *testing.T) {
	for _, c := range commands {
		for name := range reservedNames {
			if name == "?" || name == "in" {
				continue
			}
			argv := []string{c.verb}
			if c.object != "" {
				argv = append(argv, strings.ToLower(c.object))
			}
			argv = append(argv, "-"+name+":x")
			_, err := parseFor(t, argv...)
			if c.accepts(name) != (err == nil) {
				t.Errorf("%q: accepted %v, table says %v (err %v)", argv, err == nil, c.accepts(name), err)
			}
			if err != nil {
				if d := describe(err); d.code != exitInvalidParam || !strings.Contains(d.text, `Unknown attribute "`+name+`"`) {
					t.Errorf("%q: %d %q", argv, d.code, d.text)
				}
			}
		}
		argv := []string{c.verb, strings.ToLower(c.object), "/in"}
		if c.object == "" {
			argv = []string{c.verb, "/in"}
		}
		if _, err := parseFor(t, argv...); c.in != (err == nil) {
			t.Errorf("%q: /in accepted %v, table says %v", argv, err == nil, c.in)
		}
	}
}

func TestParseOptions(t *testing.T) {
	for _, tt := range []struct {
		cli  []string
		want options
	}{
		{[]string{"set", "config", "Default Web Site", "-section:system.webServer/webSocket", "/enabled:true", "-commit:apphost", "-whatif", "-json"},
			options{ident: "Default Web Site", section: "system.webServer/webSocket", hasSection: true, commit: "apphost", whatIf: true, json: true}},
		{[]string{"list", "config", "-section:webSocket", "/config:*", "/text:pingInterval", "-apphostconfig:/x/a.config"},
			options{section: "webSocket", hasSection: true, config: "*", hasConfig: true, text: "pingInterval", hasText: true, appHostConfig: "/x/a.config"}},
		{[]string{"list", "sites", "/xml", "/debug"}, options{xml: true, debug: true}},
		{[]string{"list", "site", "/text"}, options{hasText: true}},
		{[]string{"set", "site", "/in"}, options{stdin: true}},
		{[]string{"delete", "apppool", "-"}, options{stdin: true}},
		{[]string{"serve", "-listen:127.0.0.1:0"}, options{listen: "127.0.0.1:0", hasListen: true}},
		{[]string{"add", "module", "/name:M", "-commit:MACHINE/WEBROOT/APPHOST/S"}, options{commit: "MACHINE/WEBROOT/APPHOST/S"}},
	} {
		got, err := parseFor(t, tt.cli...)
		if err != nil {
			t.Errorf("%q: %v", tt.cli, err)
			continue
		}
		got.params = nil // the attribute operations are parseArgs' tests
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.cli, *got, tt.want)
		}
	}
}
