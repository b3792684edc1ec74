// Package refdoc reads the facts of the IIS configuration reference pages
// (../shared/iis-config-reference, CC BY 4.0): for each page, the element
// it documents, the rows of its Attributes table (name, type, required,
// default, enum or flag values) and the names in its Child Elements table.
// The generator (internal/section/gen) and the tests that walk the pages
// share it.
package refdoc

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Page is what one reference page states about one element.
type Page struct {
	File     string   // relative to the reference root
	Path     []string // element path, e.g. system.webServer, webSocket
	Attrs    []Attr
	Children []string // names in the Child Elements table, in order
	HasAttrs bool     // the page has an Attributes table (not "None.")
}

// Attr is one row of an Attributes table.
type Attr struct {
	Name, Type, Default string
	Required            bool
	Encrypted           bool // "encrypted string attribute"
	HasDefault          bool
	Values              []Named // enum or flag values with their numbers ("" if the page gives none)
	Note                string  // why the row was read the way it was, if guessed
	Desc                string  // the description cell, for facts stated in prose
}

// Named is an enum or flag value.
type Named struct {
	Name  string
	Value string
}

var (
	rowRe      = regexp.MustCompile("^\\|\\s*\\[?`([^`]+)`\\]?(?:\\([^)]*\\))?\\s*\\|(.*)\\|\\s*$")
	childRowRe = regexp.MustCompile("^\\|\\s*\\[?`?([A-Za-z][A-Za-z0-9-]*)`?\\]?(?:\\([^)]*\\))?\\s*\\|")
	typeRe     = regexp.MustCompile(`(?i)^\s*(optional|required)?\s*((?:unique\s+|encrypted\s+)*)(boolean|bool|uint|unit|int64|int|string|timespan|enum|flags)\s+(?:attribute|value)`)
	defaultRe  = regexp.MustCompile("(?i)the default(?: value)? (?:is|for [^.]*? is):?\\s*(?:`([^`]*)`|\\*\\*([^*]*)\\*\\*|<code>([^<]*)</code>|\"([^\"]*)\"|([-A-Za-z0-9:.]+))")
	enumRowRe  = regexp.MustCompile(`<t[hd]>\s*<code>([^<]+)</code>\s*</t[hd]>\s*<td>(.*?)</td>`)
	defaultsRe = regexp.MustCompile("(?i)the default values are:?\\s*((?:`[^`]+`(?:,?\\s*(?:and\\s+)?)?)+)")
	tickRe     = regexp.MustCompile("`[^`]+`")
	// "The default value is `x`", preferred to a bare word after "is".
	quotedDefaultRe = regexp.MustCompile("(?i)the default(?: value)? is:?\\s*`([^`]*)`")
	// "the default for IIS 7.5 is `70`": one default per version.
	versionDefaultRe = regexp.MustCompile("(?i)default(?: value)? (?:for|in) IIS ([0-9.]+)(?: and later)? (?:is|was):?\\s*`([^`]*)`")
	numericRe        = regexp.MustCompile("(?i)numeric value is\\s*(?:<code>|`)?\\s*(0x[0-9a-f]+|-?[0-9]+)")
)

// Read parses every page under root.
func Read(root string) ([]*Page, error) {
	var pages []*Page
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == "index.md" || rel == "README.md" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		pg := ParsePage(rel, string(data))
		pages = append(pages, pg)
		return nil
	})
	sort.Slice(pages, func(i, j int) bool { return pages[i].File < pages[j].File })
	return pages, err
}

func ParsePage(rel, text string) *Page {
	el := strings.TrimSuffix(rel, ".md")
	el = strings.TrimSuffix(el, "/index")
	pg := &Page{File: rel, Path: strings.Split(el, "/")}
	section := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, "#") {
			h := strings.TrimSpace(strings.TrimLeft(line, "#"))
			switch {
			case strings.EqualFold(h, "Attributes"):
				section = "attrs"
			case strings.EqualFold(h, "Child Elements"):
				section = "children"
			default:
				section = ""
			}
			continue
		}
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "| ---") || strings.HasPrefix(line, "|---") {
			continue
		}
		// Some pages put the table under "Configuration" without the
		// "Attributes" heading; the header row tells.
		// A heading wins over the header row (one Attributes table is
		// headed "Element").
		hdr := strings.ToLower(strings.Join(strings.Fields(line), " "))
		if strings.HasPrefix(hdr, "| attribute | description |") || strings.HasPrefix(hdr, "| element | description |") {
			if section == "" && strings.HasPrefix(hdr, "| attribute") {
				section = "attrs"
			}
			continue
		}
		switch section {
		case "attrs":
			m := rowRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			pg.HasAttrs = true
			pg.Attrs = append(pg.Attrs, parseRow(m[1], m[2]))
		case "children":
			m := childRowRe.FindStringSubmatch(line)
			if m == nil || m[1] == "Element" {
				continue
			}
			pg.Children = append(pg.Children, m[1])
		}
	}
	return pg
}

func parseRow(name, desc string) Attr {
	a := Attr{Name: strings.TrimSpace(name), Desc: desc}
	first := strings.ReplaceAll(strings.SplitN(desc, "<br", 2)[0], "*", "")
	if m := typeRe.FindStringSubmatch(first); m != nil {
		a.Required = strings.EqualFold(m[1], "required")
		a.Encrypted = strings.Contains(strings.ToLower(m[2]), "encrypted")
		switch t := strings.ToLower(m[3]); t {
		case "boolean", "bool":
			a.Type = "bool"
		case "unit":
			a.Type = "uint"
			a.Note = "typo \"unit\" read as uint"
		case "timespan":
			a.Type = "timeSpan"
		default:
			a.Type = t
		}
	} else {
		a.Type = "string"
		a.Required = strings.Contains(strings.ToLower(first), "required")
		a.Note = "no type stated; read as string"
	}
	// The enum table comes after the default in most rows; look at the
	// prose before it for the default.
	prose := desc
	if i := strings.Index(prose, "<table"); i >= 0 {
		rest := ""
		if j := strings.LastIndex(prose, "</table>"); j > i {
			rest = prose[j+len("</table>"):]
		}
		prose = prose[:i] + " " + rest
	}
	if v, ok := latestDefault(prose); ok {
		a.Default, a.HasDefault = v, true
	} else if m := defaultsRe.FindStringSubmatch(prose); m != nil {
		a.Default = strings.Join(tickRe.FindAllString(m[1], -1), ",")
		a.Default = strings.ReplaceAll(a.Default, "`", "")
		a.HasDefault = true
	} else if m := quotedDefaultRe.FindStringSubmatch(prose); m != nil {
		a.Default, a.HasDefault = strings.TrimSpace(m[1]), true
	} else if m := defaultRe.FindStringSubmatch(prose); m != nil {
		for _, g := range m[1:] {
			if g != "" {
				a.Default = strings.TrimSpace(strings.TrimSuffix(g, "."))
				a.HasDefault = true
				break
			}
		}
	}
	for _, m := range enumRowRe.FindAllStringSubmatch(desc, -1) {
		v := ""
		if n := numericRe.FindStringSubmatch(m[2]); n != nil {
			v = n[1]
		}
		a.Values = append(a.Values, Named{Name: strings.TrimSpace(m[1]), Value: v})
	}
	return a
}

func (p *Page) String() string { return fmt.Sprintf("%s (%s)", strings.Join(p.Path, "/"), p.File) }

// latestDefault returns the default a page gives for the latest IIS
// version, when it gives one per version.
func latestDefault(prose string) (string, bool) {
	best, val := "", ""
	for _, m := range versionDefaultRe.FindAllStringSubmatch(prose, -1) {
		if versionLess(best, m[1]) {
			best, val = m[1], m[2]
		}
	}
	return strings.TrimSpace(val), best != ""
}

// versionLess compares dotted version numbers ("" is the least).
func versionLess(a, b string) bool {
	if a == "" {
		return b != ""
	}
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
