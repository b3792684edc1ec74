package cmd

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/configstore"
	"github.com/appcmd-project/appcmd/configstore/xmldoc"
)

func init() { register("CONFIG", "search", searchConfig) }

// searchConfig lists where configuration is defined (appcmd.md §3.3):
// below the identified path, optionally only places that define a section,
// set an attribute (/attr) or set it to a value (/attr:value). Each result
// prints as CONFIG "<path>"; /text:* and -json add the file, the location
// path and the sections (docs/output.md).
func searchConfig(c *invocation) error {
	s, err := c.openStore(false)
	if err != nil {
		return err
	}
	defer s.Close()
	under, err := s.ResolveIdentifier(c.identifier())
	if err != nil {
		return err
	}
	section := ""
	if sec, _ := c.reserved("section"); sec != "" {
		sch, _, err := s.LookupSection(sec, configstore.ServerPath)
		if err != nil {
			return err
		}
		section = sch.Name
	}
	results, err := s.Search(under)
	if err != nil {
		return err
	}
	var kept []*configstore.SearchResult
	for _, r := range results {
		if matchSearch(s, r, section, c.Params) {
			kept = append(kept, r)
		}
	}
	var b strings.Builder
	text, _ := c.reserved("text")
	switch {
	case c.has("json"):
		type jr struct {
			Path     string   `json:"path"`
			File     string   `json:"file"`
			Location string   `json:"location"`
			Sections []string `json:"sections"`
		}
		out := []jr{}
		for _, r := range kept {
			out = append(out, jr{r.Path.String(), r.File, r.Location, r.Sections})
		}
		j, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		b.Write(j)
	case text == "*":
		for _, r := range kept {
			fmt.Fprintf(&b, "CONFIG\n  CONFIG.PATH:%q\n  file:%q\n  locationPath:%q\n  sections:%q\n", r.Path.String(), r.File, r.Location, strings.Join(r.Sections, ","))
		}
	default:
		// One line per path: a path configured in several files (or tags)
		// is listed once; /text:* and -json list every place.
		seen := map[string]bool{}
		for _, r := range kept {
			if p := r.Path.String(); !seen[strings.ToLower(p)] {
				seen[strings.ToLower(p)] = true
				fmt.Fprintf(&b, "CONFIG %q\n", p)
			}
		}
	}
	if b.Len() > 0 {
		c.println(strings.TrimSuffix(b.String(), "\n"))
	}
	return nil
}

// matchSearch applies the section and attribute filters to one result.
func matchSearch(s *configstore.Store, r *configstore.SearchResult, section string, params []Param) bool {
	names := r.Sections
	if section != "" {
		if _, ok := r.Elements[section]; !ok {
			return false
		}
		names = []string{section}
	}
	for _, p := range params {
		found := false
		for _, n := range names {
			if attrMatches(s, n, r.Elements[n], p) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// attrMatches reports whether a section element sets the attribute a
// parameter names (a dotted path into child elements), with the value if
// one is given (compared with the schema's rules).
func attrMatches(s *configstore.Store, section string, e *xmldoc.Element, p Param) bool {
	var names []string
	for _, st := range p.Path {
		if st.Selector != nil {
			return false
		}
		names = append(names, st.Name)
	}
	if len(names) == 0 {
		return false
	}
	for _, n := range names[:len(names)-1] {
		if e = e.Child(n); e == nil {
			return false
		}
	}
	attr := names[len(names)-1]
	for _, a := range e.Attrs() {
		if !strings.EqualFold(a.Name, attr) {
			continue
		}
		if !p.HasValue {
			return true
		}
		if sch := s.Schema().Section(section); sch != nil {
			el := sch.Root
			for _, n := range names[:len(names)-1] {
				if el = el.Element(n); el == nil {
					break
				}
			}
			if el != nil {
				if as := el.Attribute(attr); as != nil {
					if v, err := as.Normalize(p.Value); err == nil {
						return as.Equal(a.Value, v)
					}
				}
			}
		}
		return a.Value == p.Value
	}
	return false
}
