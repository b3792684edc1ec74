package cmd

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// binding is one entry of a /bindings: list.
type binding struct{ protocol, info string }

// parseBindings reads /bindings: a comma-separated list of
// protocol/bindingInformation (http/*:80:, https/*:443:www.example.com) or
// URLs (http://*:80, https://localhost:44300), as appcmd.exe accepts both.
func parseBindings(v string) ([]binding, error) {
	var out []binding
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var b binding
		if strings.Contains(part, "://") {
			u, err := url.Parse(part)
			if err != nil || u.Scheme == "" {
				return nil, bindingError(part, "The URL cannot be parsed")
			}
			host, port := configstore.HostPort(u)
			switch ip := net.ParseIP(host); {
			case host == "*" || host == "":
				b = binding{u.Scheme, "*:" + port + ":"}
			case ip != nil && ip.To4() == nil:
				b = binding{u.Scheme, "[" + host + "]:" + port + ":"}
			case ip != nil:
				b = binding{u.Scheme, host + ":" + port + ":"}
			default:
				b = binding{u.Scheme, "*:" + port + ":" + host}
			}
		} else {
			proto, info, ok := strings.Cut(part, "/")
			if !ok || proto == "" {
				return nil, bindingError(part, "A binding is written protocol/bindingInformation, e.g. http/*:80: or https/*:443:www.example.com")
			}
			b = binding{proto, info}
		}
		if err := validBinding(b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func validBinding(b binding) error {
	if err := configstore.ValidBindingInformation(b.protocol, b.info); err != nil {
		msg := err.Error()
		return bindingError(b.protocol+"/"+b.info, strings.ToUpper(msg[:1])+msg[1:])
	}
	return nil
}

func bindingError(input, reason string) error {
	return &section.ValueError{Attribute: "bindings", Input: input, Reason: reason}
}

// siteBindings returns a site's bindings.
func siteBindings(site *configstore.EffElement) []binding {
	var out []binding
	if bs := site.Child("bindings"); bs != nil {
		for _, b := range bs.Items {
			out = append(out, binding{attrValue(b, "protocol"), attrValue(b, "bindingInformation")})
		}
	}
	return out
}

func hasBinding(list []binding, b binding) bool {
	for _, x := range list {
		if strings.EqualFold(x.protocol, b.protocol) && x.info == b.info {
			return true
		}
	}
	return false
}

func bindingStep(b binding) commit.Step {
	return commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "protocol", Value: b.protocol}, {Name: "bindingInformation", Value: b.info}}}}
}

// bindingChanges makes a site's bindings exactly want: bindings that stay
// are not touched, so their elements keep their place and formatting.
// (That /bindings: on set replaces the list is UNCONFIRMED; docs/objects.md.)
func bindingChanges(site commit.Path, have, want []binding) []commit.Change {
	var chs []commit.Change
	coll := append(append(commit.Path{}, site...), commit.Step{Name: "bindings"})
	for _, b := range have {
		if !hasBinding(want, b) {
			chs = append(chs, commit.Change{Kind: commit.Remove, Path: append(append(commit.Path{}, coll...), bindingStep(b))})
		}
	}
	for _, b := range want {
		if !hasBinding(have, b) {
			chs = append(chs, commit.Change{Kind: commit.Add, Path: append(append(commit.Path{}, coll...), bindingStep(b))})
		}
	}
	return chs
}

// nextSiteID is the id of a new site when /id: is not given: one more than
// the highest id in use (1 for the first site). appcmd.md §7.1 says "the
// next available"; newer IIS may allocate differently (UNCONFIRMED).
func nextSiteID(sites []*object, taken map[uint64]bool) string {
	var max uint64
	for _, o := range sites {
		if n, err := strconv.ParseUint(o.prop("SITE.ID"), 10, 32); err == nil && n > max {
			max = n
		}
	}
	for n := range taken {
		max = maxU(max, n)
	}
	return strconv.FormatUint(max+1, 10)
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// checkSiteID rejects an id another site already has. The configuration
// system would also refuse it, but its duplicate text names the site's
// first key (name), not the id.
func checkSiteID(sites []*object, self *object, id string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(id), 10, 64)
	if err != nil {
		return nil // the schema reports the invalid value
	}
	for _, o := range sites {
		if self != nil && strings.EqualFold(o.id, self.id) {
			continue
		}
		if m, err := strconv.ParseUint(o.prop("SITE.ID"), 10, 64); err == nil && m == n {
			return &configstore.DuplicateError{Message: fmt.Sprintf(configstore.DescDuplicate, "site", "id", strconv.FormatUint(n, 10))}
		}
	}
	return nil
}

func addSite(c *invocation) error {
	if c.Stdin {
		return c.addFromInput(siteKind)
	}
	name, _ := c.takeParam("name", "site.name")
	if name == "" {
		name = c.identifier()
	}
	if name == "" {
		return missingParam(siteKind, "name")
	}
	id, hasID := c.takeParam("id")
	var bindings []binding
	if v, ok := c.takeParam("bindings"); ok {
		var err error
		if bindings, err = parseBindings(v); err != nil {
			return err
		}
	}
	phys, hasPhys := c.takeParam("physicalPath")
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	m := newModel(s)
	sites, err := m.objects(siteKind)
	if err != nil {
		return err
	}
	if o, _ := m.find(siteKind, name); o != nil {
		return duplicateObject(name)
	}
	if !hasID {
		id = nextSiteID(sites, nil)
	} else if err := checkSiteID(sites, nil, id); err != nil {
		return err
	}
	site := commit.Path{keyStep("name", name)}
	chs := []commit.Change{{Kind: commit.Add, Path: commit.Path{{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "name", Value: name}, {Name: "id", Value: id}}}}}}}
	msgs := []string{fmt.Sprintf("SITE object %q added", name)}
	// Applications before bindings, as IIS writes a site.
	if hasPhys {
		chs = append(chs, rootAppChanges(site, phys)...)
		msgs = append(msgs, fmt.Sprintf("APP object %q added", appName(name, "/")), fmt.Sprintf("VDIR object %q added", vdirName(name, "/", "/")))
	}
	chs = append(chs, bindingChanges(site, nil, bindings)...)
	more, err := c.paramChanges(site)
	if err != nil {
		return err
	}
	return c.applyObjects(s, m, sitesSection, append(chs, more...), msgs, site)
}

// rootAppChanges adds the root application "/" of a site (or of an app
// path) with its root virtual directory.
func rootAppChanges(site commit.Path, phys string) []commit.Change {
	app := append(append(commit.Path{}, site...), keyStep("path", "/"))
	vdir := append(append(commit.Path{}, app...), commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "path", Value: "/"}, {Name: "physicalPath", Value: phys}}}})
	return []commit.Change{{Kind: commit.Add, Path: app}, {Kind: commit.Add, Path: vdir}}
}

func setSite(c *invocation) error {
	var want []binding
	v, hasBindings := c.takeParam("bindings")
	if hasBindings {
		var err error
		if want, err = parseBindings(v); err != nil {
			return err
		}
	}
	id, hasID := c.paramValue("id")
	return c.setObjects(siteKind, hasBindings, func(m *model, o *object, r *commit.Tree) ([]commit.Change, error) {
		sites, err := m.objects(siteKind)
		if err != nil {
			return nil, err
		}
		if r != nil && strings.EqualFold(r.Name, siteKind.name) && configElement(siteKind, r) == nil {
			if rid, ok := r.Attr("SITE.ID"); ok {
				if err := checkSiteID(sites, o, rid); err != nil {
					return nil, err
				}
			}
			if rb, ok := r.Attr("bindings"); ok && !hasBindings {
				list, err := parseBindings(rb)
				if err != nil {
					return nil, err
				}
				return bindingChanges(o.path, siteBindings(o.el), list), nil
			}
		}
		if hasID {
			if err := checkSiteID(sites, o, id); err != nil {
				return nil, err
			}
		}
		if hasBindings {
			return bindingChanges(o.path, siteBindings(o.el), want), nil
		}
		return nil, nil
	})
}

// paramValue returns a /name:value parameter without consuming it.
func (c *invocation) paramValue(name string) (string, bool) {
	for _, p := range c.Params {
		if p.Op == OpSet && !p.Escaped && strings.EqualFold(p.Path.String(), name) {
			return p.Value, true
		}
	}
	return "", false
}

// checkSites validates what an edit did to sites beyond the schema: every
// binding that is new must have valid binding information (IP:port:host
// for http and https).
func checkSites(s *configstore.Store, before *model) error {
	old, err := before.objects(siteKind)
	if err != nil {
		return err
	}
	had := map[string][]binding{}
	for _, o := range old {
		had[strings.ToLower(o.id)] = siteBindings(o.el)
	}
	now, err := newModel(s).objects(siteKind)
	if err != nil {
		return err
	}
	for _, o := range now {
		for _, b := range siteBindings(o.el) {
			if !hasBinding(had[strings.ToLower(o.id)], b) {
				if err := validBinding(b); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
