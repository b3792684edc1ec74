package iis

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// EachObject gives the objects Objects gives, in the same order, with the
// same properties and configuration elements.
func TestEachObject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(path, gen.Bytes(40, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, k := range []*Kind{SiteKind, AppKind, VDirKind, PoolKind, ModuleKind} {
		t.Run(k.Name, func(t *testing.T) {
			open := func() *Model {
				s, err := configstore.Open(configstore.Options{AppHostPath: path, Env: func(string) (string, bool) { return "", false }})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return New(s)
			}
			want, err := open().Objects(k)
			if err != nil || len(want) < 40 && k != ModuleKind || len(want) == 0 {
				t.Fatalf("%d objects, %v", len(want), err)
			}
			var got []*Object
			if err := open().EachObject(k, func(o *Object) bool { got = append(got, o); return true }); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d objects, want %d", len(got), len(want))
			}
			for i := range want {
				if g, w := renderEff(got[i].Element), renderEff(want[i].Element); g != w {
					t.Fatalf("object %d: element\n%s\nwant\n%s", i, g, w)
				}
				g, w := *got[i], *want[i]
				g.Element, w.Element = nil, nil
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("object %d: %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

// renderEff writes an effective element's values and origins.
func renderEff(e *configstore.EffElement) string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	var walk func(e *configstore.EffElement, ind string)
	walk = func(e *configstore.EffElement, ind string) {
		b.WriteString(ind + e.Name)
		for _, a := range e.Attrs {
			fmt.Fprintf(&b, " %s=%s@%s/%t", a.Name, a.Value, a.Origin.String(), a.Set)
		}
		b.WriteString("\n")
		for _, c := range e.Children {
			walk(c, ind+" ")
		}
		for _, c := range e.Items {
			walk(c, ind+"  - ")
		}
	}
	walk(e, "")
	return b.String()
}
