package iisconfig_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/appcmd-project/appcmd/iisconfig"
)

// newConfig makes a fresh applicationHost.config from the built-in
// template in a temporary folder.
func newConfig() (dir, path string) {
	dir, err := os.MkdirTemp("", "iisconfig-example")
	if err != nil {
		log.Fatal(err)
	}
	path = filepath.Join(dir, "applicationHost.config")
	if _, err := iisconfig.CreateDefault(path); err != nil {
		log.Fatal(err)
	}
	return dir, path
}

// The <webSocket> page of the IIS configuration reference configures
// WebSockets for a site with Microsoft.Web.Administration in C#
// (GetApplicationHostConfiguration, GetSection with the site as location,
// section["enabled"] = true, receiveBufferLimit, pingInterval,
// CommitChanges). The same in Go:
func Example_webSocket() {
	dir, path := newConfig()
	defer os.RemoveAll(dir)

	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	config := m.ApplicationHost()
	ws, err := config.Section("system.webServer/webSocket", "Default Web Site")
	if err != nil {
		log.Fatal(err)
	}
	if err := ws.SetAttr("enabled", true); err != nil {
		log.Fatal(err)
	}
	if err := ws.SetAttr("receiveBufferLimit", uint32(8192)); err != nil {
		log.Fatal(err)
	}
	if err := ws.SetAttr("pingInterval", time.Minute); err != nil {
		log.Fatal(err)
	}
	if err := m.Commit(context.Background()); err != nil {
		log.Fatal(err)
	}

	// A new Manager reads what was written.
	m2, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	if err != nil {
		log.Fatal(err)
	}
	ws2, err := m2.ApplicationHost().Section("webSocket", "Default Web Site")
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"enabled", "receiveBufferLimit", "pingInterval"} {
		v, err := ws2.Attr(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s = %v (%T)\n", name, v, v)
	}
	// Output:
	// enabled = true (bool)
	// receiveBufferLimit = 8192 (uint32)
	// pingInterval = 1m0s (time.Duration)
}

// Diff shows what Commit would write, as appcmd's -whatif does.
func ExampleManager_Diff() {
	dir, path := newConfig()
	defer os.RemoveAll(dir)
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	if err != nil {
		log.Fatal(err)
	}
	ws, err := m.ApplicationHost().Section("system.webServer/webSocket", "Default Web Site")
	if err != nil {
		log.Fatal(err)
	}
	if err := ws.SetAttr("pingInterval", 30*time.Second); err != nil {
		log.Fatal(err)
	}
	d, err := m.Diff()
	if err != nil {
		log.Fatal(err)
	}
	// Print the changed lines, with the temporary folder shown as DIR
	// (context lines and line numbers depend on the template).
	for _, line := range strings.Split(d, "\n") {
		if strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-") {
			fmt.Println(strings.TrimRight(strings.ReplaceAll(line, dir, "DIR"), "\r"))
		}
	}
	// Output:
	// --- DIR/applicationHost.config
	// +++ DIR/applicationHost.config
	// +    <location path="Default Web Site">
	// +        <system.webServer>
	// +            <webSocket pingInterval="00:00:30" />
	// +        </system.webServer>
	// +    </location>
}

// Collections: the default documents of a site, in its web.config.
func ExampleCollection_Add() {
	dir, path := newConfig()
	defer os.RemoveAll(dir)
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	if err != nil {
		log.Fatal(err)
	}
	dd, err := m.WebConfig("Default Web Site", "/").Section("system.webServer/defaultDocument", "")
	if err != nil {
		log.Fatal(err)
	}
	files, err := dd.Child("files")
	if err != nil {
		log.Fatal(err)
	}
	coll, err := files.Collection()
	if err != nil {
		log.Fatal(err)
	}
	if _, err := coll.Add(map[string]any{"value": "home.html"}, 0); err != nil {
		log.Fatal(err)
	}
	if err := coll.Remove(map[string]any{"value": "Default.asp"}); err != nil {
		log.Fatal(err)
	}
	all, err := coll.All()
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range all {
		v, _ := e.Attr("value")
		fmt.Println(v)
	}
	// Output:
	// home.html
	// Default.htm
	// index.htm
	// index.html
	// iisstart.htm
}

// Effective values say where each was set.
func ExampleManager_Effective() {
	dir, path := newConfig()
	defer os.RemoveAll(dir)
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	if err != nil {
		log.Fatal(err)
	}
	vals, err := m.Effective("Default Web Site", "system.webServer/webSocket")
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range vals {
		fmt.Printf("%s = %s (%s)\n", v.Path, v.Text, v.Origin)
	}
	// Output:
	// enabled = true (schema default)
	// receiveBufferLimit = 4194304 (schema default)
	// pingInterval = 00:00:00 (schema default)
}

// Errors are typed: errors.As gives the file, the line and the code.
func ExampleConfigError() {
	dir, path := newConfig()
	defer os.RemoveAll(dir)
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	if err != nil {
		log.Fatal(err)
	}
	ws, err := m.ApplicationHost().Section("system.webServer/webSocket", "")
	if err != nil {
		log.Fatal(err)
	}
	err = ws.SetAttr("receiveBufferLimit", uint32(1))
	var ce *iisconfig.ConfigError
	if errors.As(err, &ce) {
		fmt.Printf("%08x %s\n", ce.Code, ce.Message)
	}
	// Output:
	// 8007000d Invalid value "1" for attribute "receiveBufferLimit". Integer value must be between 4096 and 2147483647 inclusive
}

// Sites and application pools come from the same domain model as appcmd's
// SITE and APPPOOL objects; each carries its Element for edits.
func ExampleManager_Sites() {
	dir, path := newConfig()
	defer os.RemoveAll(dir)
	m, err := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	if err != nil {
		log.Fatal(err)
	}
	sites, err := m.Sites()
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sites {
		fmt.Printf("site %q id %s, %d binding(s), first on port %d, root app in %s\n",
			s.Name, s.ID, len(s.Bindings), s.Bindings[0].Port, s.Apps[0].Pool)
		if err := s.Element.SetAttr("serverAutoStart", false); err != nil {
			log.Fatal(err)
		}
	}
	pools, err := m.AppPools()
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range pools {
		fmt.Printf("pool %q %s %s\n", p.Name, p.PipelineMode, p.RuntimeVersion)
	}
	if err := m.Commit(context.Background()); err != nil {
		log.Fatal(err)
	}
	// Output:
	// site "Default Web Site" id 1, 1 binding(s), first on port 8080, root app in DefaultAppPool
	// pool "DefaultAppPool" Integrated v4.0
}

// A second writer between reading and Commit: Commit refuses and writes
// nothing; Refresh, change again, Commit.
func ExampleManager_Commit_conflict() {
	dir, path := newConfig()
	defer os.RemoveAll(dir)
	ctx := context.Background()
	setPing := func(m *iisconfig.Manager, d time.Duration) {
		ws, err := m.ApplicationHost().Section("webSocket", "Default Web Site")
		if err != nil {
			log.Fatal(err)
		}
		if err := ws.SetAttr("pingInterval", d); err != nil {
			log.Fatal(err)
		}
	}
	a, _ := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	b, _ := iisconfig.Open(iisconfig.Options{AppHostPath: path})
	setPing(a, time.Minute)
	setPing(b, 2*time.Minute)
	if err := b.Commit(ctx); err != nil {
		log.Fatal(err)
	}
	err := a.Commit(ctx)
	var ce *iisconfig.ConfigError
	if errors.As(err, &ce) && ce.Code == iisconfig.CodeConflict {
		fmt.Println("conflict in", filepath.Base(ce.File))
		if err := a.Refresh(); err != nil {
			log.Fatal(err)
		}
		setPing(a, time.Minute)
		err = a.Commit(ctx)
	}
	fmt.Println("commit:", err)
	// Output:
	// conflict in applicationHost.config
	// commit: <nil>
}
