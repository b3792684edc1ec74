// Command websocket enables WebSockets for one IIS site and sets its
// pingInterval, through the public Go API (package iisconfig): the
// <webSocket> page's configuration sample as a program.
//
//	websocket -config applicationHost.config -site "Default Web Site" -ping 30s [-whatif]
//
// The settings go into a <location path="SITE"> tag of
// applicationHost.config, as appcmd's -commit:apphost does (webSocket is
// locked for web.config files by default). -whatif prints the diff instead
// of writing. On error it prints the error and exits with the low word of
// its HRESULT, as appcmd does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/appcmd-project/appcmd/iisconfig"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("websocket", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", os.Getenv("APPCMD_APPHOSTCONFIG"), "applicationHost.config to edit (default $APPCMD_APPHOSTCONFIG)")
	site := fs.String("site", "Default Web Site", "the site")
	ping := fs.Duration("ping", 30*time.Second, "pingInterval, e.g. 30s or 1m")
	whatIf := fs.Bool("whatif", false, "print the diff instead of writing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *config == "" {
		fmt.Fprintln(stderr, "websocket: give -config or set APPCMD_APPHOSTCONFIG")
		return 2
	}
	if err := enable(*config, *site, *ping, *whatIf, stdout); err != nil {
		fmt.Fprintln(stderr, "websocket:", err)
		var ce *iisconfig.ConfigError
		if errors.As(err, &ce) {
			return int(ce.Code & 0xffff)
		}
		return 1
	}
	return 0
}

func enable(config, site string, ping time.Duration, whatIf bool, stdout io.Writer) error {
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: config})
	if err != nil {
		return err
	}
	defer m.Close()
	ws, err := m.ApplicationHost().Section("system.webServer/webSocket", site)
	if err != nil {
		return err
	}
	if err := ws.SetAttr("enabled", true); err != nil {
		return err
	}
	if err := ws.SetAttr("pingInterval", ping); err != nil {
		return err
	}
	if whatIf {
		d, err := m.Diff()
		if err != nil {
			return err
		}
		_, err = io.WriteString(stdout, d)
		return err
	}
	if err := m.Commit(context.Background()); err != nil {
		return err
	}
	vals, err := m.Effective(site, "system.webServer/webSocket")
	if err != nil {
		return err
	}
	for _, v := range vals {
		fmt.Fprintf(stdout, "%s=%s\n", v.Path, v.Text)
	}
	return nil
}
