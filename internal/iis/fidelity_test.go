package iis

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootAppName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Default Web Site", "Default Web Site/"},
		{"Default Web Site/", "Default Web Site/"},
		{"Default Web Site/app1", "Default Web Site/app1"},
		{"", ""},
	} {
		if got := RootAppName(c.in); got != c.want {
			t.Errorf("RootAppName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestReadTraceHead(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, body string
		ok         bool
		url, code  string
	}{
		{"log", `<?xml version="1.0"?><?xml-stylesheet type='text/xsl' href='freb.xsl'?><!-- c --><failedRequest url="http://x/a?b=1" statusCode="500" processId="7" xmlns:freb="urn:x"><Event/></failedRequest>`, true, "http://x/a?b=1", "500"},
		{"truncated", `<failedRequest url="http://x/" statusCode="404"><Event>`, true, "http://x/", "404"},
		{"other root", `<configuration/>`, false, "", ""},
		{"not xml", `IIS is still writing`, false, "", ""},
		{"empty", ``, false, "", ""},
	} {
		p := filepath.Join(dir, c.name+".xml")
		if err := os.WriteFile(p, []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
		attrs, ok := readTraceHead(p)
		if ok != c.ok || attrs["url"] != c.url || attrs["statusCode"] != c.code {
			t.Errorf("%s: readTraceHead = %v, %v", c.name, attrs, ok)
		}
		if ok && attrs["freb"] != "" {
			t.Errorf("%s: namespace declaration taken as an attribute: %v", c.name, attrs)
		}
	}
	if _, ok := readTraceHead(filepath.Join(dir, "missing.xml")); ok {
		t.Error("readTraceHead(missing) = ok")
	}
}
