package gen

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

func TestGenerate(t *testing.T) {
	const n = 50
	b := Bytes(n, 7)
	if !bytes.Equal(b, Bytes(n, 7)) {
		t.Fatal("not deterministic")
	}
	if bytes.Equal(b, Bytes(n, 8)) {
		t.Fatal("the seed changes nothing")
	}
	if bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
		t.Fatal("not CRLF throughout")
	}
	d, err := xmldoc.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<site name="Default Web Site" id="1">`, `<add name="DefaultAppPool" />`, `<section name="webSocket"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("template part %q missing", want)
		}
	}
	sites := d.Root().Child("system.applicationHost").Child("sites")
	locs, ws := 0, 0
	d.Root().EachChildNamed("location", func(l *xmldoc.Element) bool {
		if p, _ := l.Attr("path"); p != "" {
			locs++
			if l.Child("system.webServer").Child("webSocket") != nil {
				ws++
			}
		}
		return true
	})
	count := 0
	sites.EachChildNamed("site", func(*xmldoc.Element) bool { count++; return true })
	if count != n+1 || locs != n || ws != n/2 {
		t.Fatalf("%d sites, %d site locations, %d with webSocket", count, locs, ws)
	}
	for k := 1; k <= n; k++ {
		if !bytes.Contains(b, fmt.Appendf(nil, `<add name="Pool%d" managedRuntimeVersion="v4.0"`, k)) ||
			!bytes.Contains(b, fmt.Appendf(nil, `<location path="Site%d">`, k)) {
			t.Fatalf("Pool%d or the location of Site%d missing", k, k)
		}
	}
	if bytes.Contains(b, []byte(`pingInterval="00:00:30"`)) {
		t.Fatal("an existing pingInterval equals the benchmark's value")
	}
}
