// Package binding is the one model of an IIS site binding: protocol plus
// bindingInformation ("IP:port:host" for http and https). It imports none
// of our packages, so configstore (which finds a site by a URL's host and
// port) and iis (which owns the site rules) share the one type.
package binding

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Binding is one <binding> of a site.
type Binding struct {
	Protocol    string
	Information string // bindingInformation as written, e.g. "*:80:host"
	IP          string // "*" for all unassigned addresses (http/https only)
	Port        int
	Host        string
}

// isHTTP reports whether bindingInformation has the IP:port:host form.
func isHTTP(protocol string) bool {
	return strings.EqualFold(protocol, "http") || strings.EqualFold(protocol, "https")
}

// Parse splits an http/https bindingInformation "IP:port:host". Other
// protocols keep only Protocol and Information.
func Parse(protocol, info string) Binding {
	b := Binding{Protocol: protocol, Information: info}
	if !isHTTP(protocol) {
		return b
	}
	// The IP part may be an IPv6 literal in brackets containing colons.
	ip, rest := "", info
	if strings.HasPrefix(info, "[") {
		if i := strings.Index(info, "]:"); i >= 0 {
			ip, rest = info[:i+1], info[i+2:]
		}
	} else if i := strings.IndexByte(info, ':'); i >= 0 {
		ip, rest = info[:i], info[i+1:]
	}
	port, host, _ := strings.Cut(rest, ":")
	b.IP = ip
	if b.IP == "" {
		b.IP = "*"
	}
	b.Port, _ = strconv.Atoi(port)
	b.Host = host
	return b
}

// FromURL is the binding a URL stands for (http://*:80, https://host:443):
// a literal IP goes in the IP part, a name in the host part.
func FromURL(u *url.URL) Binding {
	host, port := HostPort(u)
	info := "*:" + port + ":" + host
	switch ip := net.ParseIP(host); {
	case host == "*" || host == "":
		info = "*:" + port + ":"
	case ip != nil && ip.To4() == nil:
		info = "[" + host + "]:" + port + ":"
	case ip != nil:
		info = host + ":" + port + ":"
	}
	return Parse(u.Scheme, info)
}

// HostPort returns a URL's host and port, the port defaulting to the
// scheme's (80 for http, 443 for https).
func HostPort(u *url.URL) (host, port string) {
	port = u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return u.Hostname(), port
}

// Check reports what is wrong with the bindingInformation: for http and
// https it must be IP:port:host with a valid IP (or *) and port; other
// protocols only need it non-empty.
func (b Binding) Check() error {
	if !isHTTP(b.Protocol) {
		if b.Information == "" {
			return fmt.Errorf("the binding information must not be empty")
		}
		return nil
	}
	info := b.Information
	if strings.Count(info, ":") < 2 {
		return fmt.Errorf("the binding information %q must have the form IP:port:host, e.g. *:80:", info)
	}
	p := Parse(b.Protocol, info)
	if p.IP != "*" && net.ParseIP(strings.Trim(p.IP, "[]")) == nil {
		return fmt.Errorf("the binding information %q has an invalid IP address %q", info, p.IP)
	}
	if p.Port < 1 || p.Port > 65535 {
		return fmt.Errorf("the binding information %q has an invalid port; use 1 to 65535", info)
	}
	return nil
}

// Same reports whether two bindings are the same entry: the protocol
// ignoring case, the information exactly.
func (b Binding) Same(o Binding) bool {
	return strings.EqualFold(b.Protocol, o.Protocol) && b.Information == o.Information
}

// String returns the form appcmd prints: protocol/bindingInformation, with
// "*" for an empty IP part.
func (b Binding) String() string {
	info := b.Information
	if strings.HasPrefix(info, ":") && isHTTP(b.Protocol) {
		info = "*" + info
	}
	return b.Protocol + "/" + info
}
