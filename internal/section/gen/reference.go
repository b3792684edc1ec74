package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// page is what one reference page states about one element.
type page struct {
	file     string   // relative to the reference root
	path     []string // element path, e.g. system.webServer, webSocket
	attrs    []refAttr
	children []string // names in the Child Elements table, in order
	hasAttrs bool     // the page has an Attributes table (not "None.")
}

// refAttr is one row of an Attributes table.
type refAttr struct {
	name, typ, def string
	required       bool
	hasDefault     bool
	enums          []named // enum or flag values with their numbers
	note           string  // why the row was read the way it was, if guessed
}

type named struct {
	name  string
	value string
}

var (
	rowRe      = regexp.MustCompile("^\\|\\s*\\[?`([^`]+)`\\]?(?:\\([^)]*\\))?\\s*\\|(.*)\\|\\s*$")
	childRowRe = regexp.MustCompile("^\\|\\s*\\[?`?([A-Za-z][A-Za-z0-9-]*)`?\\]?(?:\\([^)]*\\))?\\s*\\|")
	typeRe     = regexp.MustCompile(`(?i)^\s*(optional|required)?\s*(?:unique\s+|encrypted\s+)*(boolean|bool|uint|unit|int64|int|string|timespan|enum|flags)\s+(?:attribute|value)`)
	defaultRe  = regexp.MustCompile("(?i)the default(?: value)? (?:is|for [^.]*? is):?\\s*(?:`([^`]*)`|\\*\\*([^*]*)\\*\\*|<code>([^<]*)</code>|\"([^\"]*)\"|([-A-Za-z0-9:.]+))")
	enumRowRe  = regexp.MustCompile(`<t[hd]>\s*<code>([^<]+)</code>\s*</t[hd]>\s*<td>(.*?)</td>`)
	defaultsRe = regexp.MustCompile("(?i)the default values are:?\\s*((?:`[^`]+`(?:,?\\s*(?:and\\s+)?)?)+)")
	tickRe     = regexp.MustCompile("`[^`]+`")
	numericRe  = regexp.MustCompile("(?i)numeric value is\\s*(?:<code>|`)?\\s*(0x[0-9a-f]+|-?[0-9]+)")
)

// readReference parses every page under root.
func readReference(root string) ([]*page, error) {
	var pages []*page
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if !strings.Contains(rel, "/") {
			return nil // index.md, README.md, configurationRedirection.md
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		pg := parsePage(rel, string(data))
		pages = append(pages, pg)
		return nil
	})
	sort.Slice(pages, func(i, j int) bool { return pages[i].file < pages[j].file })
	return pages, err
}

func parsePage(rel, text string) *page {
	el := strings.TrimSuffix(rel, ".md")
	el = strings.TrimSuffix(el, "/index")
	pg := &page{file: rel, path: strings.Split(el, "/")}
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
		switch section {
		case "attrs":
			m := rowRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			pg.hasAttrs = true
			pg.attrs = append(pg.attrs, parseRow(m[1], m[2]))
		case "children":
			m := childRowRe.FindStringSubmatch(line)
			if m == nil || m[1] == "Element" {
				continue
			}
			pg.children = append(pg.children, m[1])
		}
	}
	return pg
}

func parseRow(name, desc string) refAttr {
	a := refAttr{name: strings.TrimSpace(name)}
	first := strings.ReplaceAll(strings.SplitN(desc, "<br", 2)[0], "*", "")
	if m := typeRe.FindStringSubmatch(first); m != nil {
		a.required = strings.EqualFold(m[1], "required")
		switch t := strings.ToLower(m[2]); t {
		case "boolean", "bool":
			a.typ = "bool"
		case "unit":
			a.typ = "uint"
			a.note = "typo \"unit\" read as uint"
		case "timespan":
			a.typ = "timeSpan"
		default:
			a.typ = t
		}
	} else {
		a.typ = "string"
		a.required = strings.Contains(strings.ToLower(first), "required")
		a.note = "no type stated; read as string"
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
	if m := defaultsRe.FindStringSubmatch(prose); m != nil {
		a.def = strings.Join(tickRe.FindAllString(m[1], -1), ",")
		a.def = strings.ReplaceAll(a.def, "`", "")
		a.hasDefault = true
	} else if m := defaultRe.FindStringSubmatch(prose); m != nil {
		for _, g := range m[1:] {
			if g != "" {
				a.def = strings.TrimSpace(strings.TrimSuffix(g, "."))
				a.hasDefault = true
				break
			}
		}
	}
	for _, m := range enumRowRe.FindAllStringSubmatch(desc, -1) {
		v := ""
		if n := numericRe.FindStringSubmatch(m[2]); n != nil {
			v = n[1]
		}
		a.enums = append(a.enums, named{name: strings.TrimSpace(m[1]), value: v})
	}
	return a
}

func (p *page) String() string { return fmt.Sprintf("%s (%s)", strings.Join(p.path, "/"), p.file) }
