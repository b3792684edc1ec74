package binding

import (
	"net/url"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		proto, info string
		want        Binding
	}{
		{"http", "*:80:", Binding{"http", "*:80:", "*", 80, ""}},
		{"HTTPS", "10.0.0.1:443:www.example.com", Binding{"HTTPS", "10.0.0.1:443:www.example.com", "10.0.0.1", 443, "www.example.com"}},
		{"http", ":8080:", Binding{"http", ":8080:", "*", 8080, ""}},
		{"http", "[::1]:81:v6", Binding{"http", "[::1]:81:v6", "[::1]", 81, "v6"}},
		{"http", "*:x:", Binding{"http", "*:x:", "*", 0, ""}},
		{"net.tcp", "808:*", Binding{Protocol: "net.tcp", Information: "808:*"}},
	} {
		if got := Parse(tc.proto, tc.info); got != tc.want {
			t.Errorf("Parse(%q, %q) = %+v, want %+v", tc.proto, tc.info, got, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		proto, info string
		bad         string // "" when valid
	}{
		{"http", "*:80:", ""},
		{"https", "[::1]:443:h", ""},
		{"http", "127.0.0.1:65535:", ""},
		{"http", "*:80", `the binding information "*:80" must have the form IP:port:host, e.g. *:80:`},
		{"http", "999.1.1.1:80:", `the binding information "999.1.1.1:80:" has an invalid IP address "999.1.1.1"`},
		{"http", "*:0:", `the binding information "*:0:" has an invalid port; use 1 to 65535`},
		{"http", "*:65536:", `the binding information "*:65536:" has an invalid port; use 1 to 65535`},
		{"net.pipe", "*", ""},
		{"net.pipe", "", "the binding information must not be empty"},
	} {
		err := Parse(tc.proto, tc.info).Check()
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s/%s: %v", tc.proto, tc.info, err)
		case tc.bad != "" && (err == nil || err.Error() != tc.bad):
			t.Errorf("%s/%s: got %v, want %s", tc.proto, tc.info, err, tc.bad)
		}
	}
}

func TestFromURLAndString(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"http://*:80", "http/*:80:"},
		{"http://localhost", "http/*:80:localhost"},
		{"https://www.example.com", "https/*:443:www.example.com"},
		{"http://127.0.0.1:8080/", "http/127.0.0.1:8080:"},
		{"http://[::1]:81", "http/[::1]:81:"},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := FromURL(u).String(); got != tc.want {
			t.Errorf("FromURL(%s) = %s, want %s", tc.url, got, tc.want)
		}
	}
	if got := Parse("http", ":80:").String(); got != "http/*:80:" {
		t.Errorf("empty IP prints as %s", got)
	}
	if !Parse("HTTP", "*:80:").Same(Parse("http", "*:80:")) || Parse("http", "*:80:").Same(Parse("http", "*:80:H")) {
		t.Error("Same: protocol ignores case, information does not")
	}
}
