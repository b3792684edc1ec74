package cmd

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

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
	if sec := c.opts.section; sec != "" {
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
	text := c.opts.text
	switch {
	case c.opts.json:
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
func matchSearch(s *configstore.Store, r *configstore.SearchResult, section string, params []attrParam) bool {
	if section != "" && r.Elements[section] == nil {
		return false
	}
	for _, p := range params {
		var names []string
		for _, st := range p.Path {
			if st.Selector != nil {
				return false // entries are not searched, only attributes
			}
			names = append(names, st.Name)
		}
		if !s.ResultSets(r, section, names, p.Value, p.HasValue) {
			return false
		}
	}
	return true
}
