package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// The list printer writes -json one object at a time; the result is the
// indented array encoding/json makes of all of them at once.
func TestListJSONStreamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, gen.Bytes(4, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) (string, bool) {
		if k == "HOME" || k == "XDG_CONFIG_HOME" {
			return t.TempDir(), true
		}
		return "", false
	}
	for _, tc := range []struct {
		kind   *objKind
		args   []string
		config bool
		match  func(o *iis.Object) bool
	}{
		{siteKind, []string{"list", "site"}, false, nil},
		{siteKind, []string{"list", "site", "/config"}, true, nil},
		{poolKind, []string{"list", "apppool", "/config:*"}, true, nil},
		{appKind, []string{"list", "app"}, false, nil},
		{siteKind, []string{"list", "site", "/name:Site3"}, false, func(o *iis.Object) bool { return o.Name == "Site3" }},
		{siteKind, []string{"list", "site", "/name:none"}, false, func(*iis.Object) bool { return false }},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			s, err := configstore.Open(configstore.Options{AppHostPath: path})
			if err != nil {
				t.Fatal(err)
			}
			all, err := iis.New(s).Objects(tc.kind.Kind)
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			want := []jsonObject{}
			for _, o := range all {
				if tc.match != nil && !tc.match(o) {
					continue
				}
				j := jsonObject{Object: tc.kind.Name, Identifier: o.Name, Attributes: map[string]string{}}
				for _, name := range tc.kind.Attrs {
					j.Attributes[name] = o.Prop(name)
				}
				if tc.config {
					j.Config = toJSONElement(o.Element)
				}
				want = append(want, j)
			}
			b, _ := json.MarshalIndent(want, "", "  ")
			ios, _, out, errOut := testStreams()
			code := runArgs(append(tc.args, "-json", "-apphostconfig:"+path), ios, env)
			if wantCode := map[bool]int{true: exitOK, false: exitFailure}[len(want) > 0]; code != wantCode {
				t.Fatalf("exit %d, want %d: %s", code, wantCode, errOut)
			}
			if out.String() != string(b)+"\n" {
				t.Fatalf("got\n%s\nwant\n%s", out, b)
			}
		})
	}
}

// write and end print what one println of the whole output (without its
// last line break) printed before the printer streamed.
func TestObjectPrinterBreaks(t *testing.T) {
	for _, parts := range [][]string{
		{"a\n", "b\n"},
		{"a\n\n"},
		{"a\n", "\n"},
		{"\n"},
		{"\n", "\n", "x"},
		{"a", "b\n\n\n"},
		{},
	} {
		ios, _, out, _ := testStreams()
		c := &invocation{ios: ios, opts: &options{}}
		p := c.newObjectPrinter(siteKind)
		for _, s := range parts {
			p.write(s)
		}
		if err := p.end(); err != nil {
			t.Fatal(err)
		}
		want := ""
		if all := strings.Join(parts, ""); all != "" {
			want = lines(strings.TrimSuffix(all, "\n"))
		}
		if out.String() != want {
			t.Errorf("%q: printed %q, want %q", parts, out, want)
		}
	}
}
