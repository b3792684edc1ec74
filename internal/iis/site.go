package iis

import (
	"net/url"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/iis/binding"
	"github.com/appcmd-project/appcmd/internal/section"
)

// ParseBindings reads a bindings list: comma-separated
// protocol/bindingInformation (http/*:80:, https/*:443:www.example.com) or
// URLs (http://*:80, https://localhost:44300), as appcmd.exe accepts both.
// Each binding must be valid (Check).
func ParseBindings(v string) ([]Binding, error) {
	var out []Binding
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var b Binding
		if strings.Contains(part, "://") {
			u, err := url.Parse(part)
			if err != nil || u.Scheme == "" {
				return nil, bindingError(part, "The URL cannot be parsed")
			}
			b = binding.FromURL(u)
		} else {
			proto, info, ok := strings.Cut(part, "/")
			if !ok || proto == "" {
				return nil, bindingError(part, "A binding is written protocol/bindingInformation, e.g. http/*:80: or https/*:443:www.example.com")
			}
			b = binding.Parse(proto, info)
		}
		if err := checkBinding(b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// checkBinding is Check as a value error of the bindings attribute.
func checkBinding(b Binding) error {
	if err := b.Check(); err != nil {
		msg := err.Error()
		return bindingError(b.Protocol+"/"+b.Information, strings.ToUpper(msg[:1])+msg[1:])
	}
	return nil
}

func bindingError(input, reason string) error {
	return &section.ValueError{Attribute: "bindings", Input: input, Reason: reason}
}

func hasBinding(list []Binding, b Binding) bool {
	for _, x := range list {
		if x.Same(b) {
			return true
		}
	}
	return false
}

func bindingStep(b Binding) commit.Step {
	return commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "protocol", Value: b.Protocol}, {Name: "bindingInformation", Value: b.Information}}}}
}

// bindingChanges makes a site's bindings exactly want: bindings that stay
// are not touched, so their elements keep their place and formatting.
// (That /bindings: on set replaces the list is UNCONFIRMED; docs/objects.md.)
func bindingChanges(site commit.Path, have, want []Binding) []commit.Change {
	var chs []commit.Change
	coll := under(site, commit.Step{Name: "bindings"})
	for _, b := range have {
		if !hasBinding(want, b) {
			chs = append(chs, commit.Change{Kind: commit.Remove, Path: under(coll, bindingStep(b))})
		}
	}
	for _, b := range want {
		if !hasBinding(have, b) {
			chs = append(chs, commit.Change{Kind: commit.Add, Path: under(coll, bindingStep(b))})
		}
	}
	return chs
}

// NewSite is what add site creates.
type NewSite struct {
	Name         string
	ID           string // with HasID; else the next free id
	HasID        bool
	Bindings     []Binding
	PhysicalPath string // with HasPhysicalPath: the root application and directory
	// HasPhysicalPath asks for the root application "/" and its root
	// virtual directory.
	HasPhysicalPath bool
}

// AddSite returns the change set that adds a site. Its Base is the site's
// element, for further attributes.
func (m *Model) AddSite(n NewSite) (*Edit, error) {
	ids, err := m.siteIDIndex()
	if err != nil {
		return nil, err
	}
	if m.siteExists(n.Name, ids) {
		return nil, &ExistsError{Object: SiteKind.Name, ID: n.Name}
	}
	id := n.ID
	if !n.HasID {
		id = ids.next(nil)
	} else if err := ids.check(nil, id); err != nil {
		return nil, err
	}
	site := commit.Path{keyStep("name", n.Name)}
	ed := newEdit(SitesSection, site)
	ed.add(commit.Change{Kind: commit.Add, Path: commit.Path{{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "name", Value: n.Name}, {Name: "id", Value: id}}}}}})
	ed.done(SiteKind, n.Name, Added)
	// Applications before bindings, as IIS writes a site.
	if n.HasPhysicalPath {
		app := under(site, keyStep("path", "/"))
		ed.add(commit.Change{Kind: commit.Add, Path: app}, rootVDir(app, n.PhysicalPath))
		ed.done(AppKind, AppName(n.Name, "/"), Added)
		ed.done(VDirKind, VDirName(n.Name, "/", "/"), Added)
	}
	ed.add(bindingChanges(site, nil, n.Bindings)...)
	return ed, nil
}

// siteExists reports whether a site has the name (ignoring case): from the
// id index's names, unless the model has merged the section; errors of
// the file are left to the edit to report.
func (m *Model) siteExists(name string, ids *siteIDIndex) bool {
	if m.effs[SitesSection] != nil {
		o, _ := m.Find(SiteKind, name)
		return o != nil
	}
	return ids.hasName(name)
}

// rootVDir adds the root virtual directory "/" of an application.
func rootVDir(app commit.Path, phys string) commit.Change {
	return commit.Change{Kind: commit.Add, Path: under(app, commit.Step{Selector: &commit.Selector{Keys: []commit.KeyValue{{Name: "path", Value: "/"}, {Name: "physicalPath", Value: phys}}}})}
}

// siteKeys returns every site with its name, id and bindings, which have
// no defaults: from the merged section when the model has it, else read
// raw (configstore.Store.Sites), so the id and binding checks of one edit
// do not merge every site of a large file.
func (m *Model) siteKeys() ([]*Site, error) {
	if m.effs[SitesSection] != nil {
		return m.Sites()
	}
	return m.SitesUnchecked()
}

// recordAttr is an attribute of the /in record of a SITE (not of one of
// its elements).
func recordAttr(r *commit.Tree, name string) (string, bool) {
	if r == nil || !strings.EqualFold(r.Name, SiteKind.Name) || r.Child(SiteKind.Element) != nil {
		return "", false
	}
	return r.Attr(name)
}

// siteBindings returns the bindings of a site object.
func siteBindings(o *Object) []Binding {
	if o.Element == nil {
		return nil
	}
	var out []Binding
	if bs := o.Element.Child("bindings"); bs != nil {
		for _, b := range bs.Items {
			out = append(out, Binding{Protocol: attrValue(b, "protocol"), Information: attrValue(b, "bindingInformation")})
		}
	}
	return out
}

// siteUpdate is the SITE part of Update: an id must be free, and
// /bindings: (or a record's bindings) replaces the list.
func (m *Model) siteUpdate(o *Object, u Update) ([]commit.Change, error) {
	var ids *siteIDIndex
	if _, rid := recordAttr(u.Record, "SITE.ID"); u.HasID || rid {
		var err error
		if ids, err = m.siteIDIndex(); err != nil {
			return nil, err
		}
	}
	if r := u.Record; r != nil && strings.EqualFold(r.Name, SiteKind.Name) && r.Child(SiteKind.Element) == nil {
		if rid, ok := r.Attr("SITE.ID"); ok {
			if err := ids.check(o, rid); err != nil {
				return nil, err
			}
		}
		if rb, ok := r.Attr("bindings"); ok && !u.HasBindings {
			list, err := ParseBindings(rb)
			if err != nil {
				return nil, err
			}
			return bindingChanges(o.ElementPath, siteBindings(o), list), nil
		}
	}
	if u.HasID {
		if err := ids.check(o, u.ID); err != nil {
			return nil, err
		}
	}
	if u.HasBindings {
		return bindingChanges(o.ElementPath, siteBindings(o), u.Bindings), nil
	}
	return nil, nil
}

// checkNewBindings validates what an edit did to sites beyond the schema:
// every binding that is new must have valid binding information (IP:port:host
// for http and https). before holds the sites before the edit, now the
// same sites (or every site) after it.
func checkNewBindings(before, now []*Site) error {
	had := map[string][]Binding{}
	for _, s := range before {
		had[strings.ToLower(s.Name)] = s.bindings()
	}
	for _, s := range now {
		for _, b := range s.bindings() {
			if !hasBinding(had[strings.ToLower(s.Name)], b) {
				if err := checkBinding(b); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// bindings are a site's bindings as written (protocol and information).
func (s *Site) bindings() []Binding {
	if s.Element != nil {
		return siteBindings(&s.Object)
	}
	out := make([]Binding, len(s.Bindings))
	for i, b := range s.Bindings {
		out[i] = Binding{Protocol: b.Protocol, Information: b.Information}
	}
	return out
}
