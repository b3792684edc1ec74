package configstore_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/testenv"
)

// Validate checks applicationHost.config's <location> tags on a second
// goroutine and merges the findings back: on a generated file (one site
// location in five is wrong) with web.config files below some of its
// sites, it reports what one goroutine reports, in the same order (go
// test -race checks that the two share nothing they write).
func TestValidateSplit(t *testing.T) {
	dir := t.TempDir()
	host := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(host, gen.Bytes(300, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	drive := filepath.Join(dir, "c")
	bad := `<configuration><system.webServer><webSocket bogus="1" /></system.webServer></configuration>`
	testenv.WriteTree(t, drive, map[string]string{
		"inetpub/sites/site3/wwwroot/web.config":     bad,
		"inetpub/sites/site5/api/web.config":         bad,
		"inetpub/sites/site5/api/sub/web.config":     `<configuration><system.webServer><directoryBrowse enabled="maybe" /></system.webServer></configuration>`,
		"inetpub/sites/site250/wwwroot/x/web.config": bad,
	})
	env := func(k string) (string, bool) {
		if k == "APPCMD_DRIVE_C" {
			return drive, true
		}
		return "", false
	}
	s, err := configstore.Open(configstore.Options{AppHostPath: host, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	text := func(r *configstore.Report) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Column, f.Rule, f.Message))
		}
		return out
	}
	one := configstore.ValidateOneGoroutine(s)
	// Two goroutines need two Ps, also on a one-core runner.
	prev := runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2))
	defer runtime.GOMAXPROCS(prev)
	two := s.Validate()
	// The web.config search on either goroutine (the one free first
	// takes it).
	for _, r := range []*configstore.Report{two, configstore.ValidateDiscoverOn(s, 1), configstore.ValidateDiscoverOn(s, 2)} {
		if !reflect.DeepEqual(text(r), text(one)) || !reflect.DeepEqual(r.Files, one.Files) || !reflect.DeepEqual(r.Unchecked, one.Unchecked) {
			t.Fatalf("two goroutines:\n%s\n%v\none:\n%s\n%v", strings.Join(text(r), "\n"), r.Files, strings.Join(text(one), "\n"), one.Files)
		}
	}
	webConfigs, locations := 0, 0
	for _, f := range two.Findings {
		if f.File == host {
			locations++
		} else {
			webConfigs++
		}
	}
	// Each bad web.config: its webSocket is locked (overrideModeDefault)
	// and bogus unknown; the one below: an invalid value.
	if len(two.Files) != 5 || webConfigs != 7 || locations < 30 {
		t.Fatalf("%d files, %d findings in web.config files, %d in applicationHost.config: the test misses what it checks\n%s", len(two.Files), webConfigs, locations, strings.Join(text(two), "\n"))
	}
}
