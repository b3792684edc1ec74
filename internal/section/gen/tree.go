package main

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/appcmd-project/appcmd/internal/section"
	"github.com/appcmd-project/appcmd/internal/section/refdoc"
)

// node is an element of a section being generated.
type node struct {
	fullName   string // section name, on the root only
	name       string
	attrs      []*attr
	elems      []*node
	colls      []*coll
	isDefault  bool
	allowUnrec bool
}

type attr struct {
	name, typ, def                string
	hasDef                        bool
	required, uniqueKey, combined bool
	caseSensitive, encrypted      bool
	allowInfinite, expanded       bool
	tsFormat                      string
	enums, flags                  []refdoc.Named
	vType, vParam                 string
}

type coll struct {
	add                  []string
	remove, clear, deflt string
	mergeAppend          *bool
	allowDup, allowUnrec bool
	item                 *node
}

type generator struct {
	pages map[string]*refdoc.Page // by element path
	notes []string                // the automatic rules applied, for stderr
}

func (g *generator) notef(format string, args ...any) {
	g.notes = append(g.notes, fmt.Sprintf(format, args...))
}

func (g *generator) decided(path, attrName, field string) (string, bool) {
	return refdoc.Decided(path, attrName, field)
}

// fromReference builds the section from the page at its path and the
// pages below it.
func (g *generator) fromReference(name string) *node {
	if g.pages[name] == nil {
		g.notef("%s: no reference page", name)
		return nil
	}
	return g.element(name, name[strings.LastIndex(name, "/")+1:])
}

// element builds the element documented at path.
func (g *generator) element(path, name string) *node {
	n := &node{name: name}
	if _, ok := g.decided(path, "", "defaults"); ok {
		n.isDefault = true
	}
	if _, ok := g.decided(path, "", "allowUnrecognized"); ok {
		n.allowUnrec = true
	}
	pg := g.pages[path]
	if pg != nil {
		for _, ra := range pg.Attrs {
			if a := g.attribute(path, ra); a != nil {
				n.attrs = append(n.attrs, a)
			}
		}
	}
	// Children: those the page lists, then any page below it.
	var kids []string
	seen := map[string]bool{}
	addKid := func(k string) {
		if !seen[k] {
			seen[k] = true
			kids = append(kids, k)
		}
	}
	if pg != nil {
		for _, c := range pg.Children {
			addKid(c)
		}
	}
	prefix := path + "/"
	for p := range g.pages {
		if rest, ok := strings.CutPrefix(p, prefix); ok && !strings.Contains(rest, "/") {
			addKid(rest)
		}
	}
	sortKids(kids, pg)
	itemName, isColl := g.decided(path, "", "item")
	if _, no := g.decided(path, "", "notCollection"); no {
		isColl = false
	} else if !isColl && (seen["add"] && g.pages[prefix+"add"] != nil || seen["clear"] || seen["remove"]) {
		itemName, isColl = "add", true
	}
	var c *coll
	if isColl {
		c = &coll{add: []string{itemName}}
		if seen["remove"] {
			c.remove = "remove"
		}
		if seen["clear"] {
			c.clear = "clear"
		}
		if v, ok := g.decided(path, "", "remove"); ok {
			c.remove = v
		}
		if v, ok := g.decided(path, "", "clear"); ok {
			c.clear = v
		}
		if g.pages[prefix+itemName] != nil {
			c.item = g.element(prefix+itemName, itemName)
		} else {
			c.item = &node{name: itemName}
			g.notef("%s: collection item <%s> has no page", path, itemName)
		}
		g.keys(prefix+itemName, c.item)
		if n.allowUnrec {
			// Decided for the collection: its items take any attribute.
			n.allowUnrec, c.allowUnrec = false, true
		}
		n.colls = append(n.colls, c)
	}
	for _, k := range kids {
		if k == "remove" || k == "clear" || (c != nil && k == itemName) {
			continue
		}
		if _, skip := g.decided(prefix+k, "", "skip"); skip {
			continue
		}
		if g.pages[prefix+k] == nil {
			g.notef("%s: child <%s> has no page; left out", path, k)
			continue
		}
		n.elems = append(n.elems, g.element(prefix+k, k))
	}
	return n
}

// sortKids keeps the page's order and puts pages it does not list last,
// by name.
func sortKids(kids []string, pg *refdoc.Page) {
	listed := map[string]int{}
	if pg != nil {
		for i, c := range pg.Children {
			listed[c] = i
		}
	}
	less := func(a, b string) bool {
		ia, oka := listed[a]
		ib, okb := listed[b]
		switch {
		case oka && okb:
			return ia < ib
		case oka != okb:
			return oka
		}
		return a < b
	}
	for i := 1; i < len(kids); i++ {
		for j := i; j > 0 && less(kids[j], kids[j-1]); j-- {
			kids[j], kids[j-1] = kids[j-1], kids[j]
		}
	}
}

// keys marks the key attributes of a collection item: those decided, or
// else the required ones (one is a unique key, several a combined key).
func (g *generator) keys(path string, item *node) {
	var names []string
	if v, ok := g.decided(path, "", "key"); ok {
		if v != "" {
			names = strings.Split(v, ",")
		}
	} else {
		for _, a := range item.attrs {
			if a.required {
				names = append(names, a.name)
			}
		}
	}
	for _, k := range names {
		found := false
		for _, a := range item.attrs {
			if a.name == k {
				found = true
				if len(names) == 1 {
					a.uniqueKey = true
				} else {
					a.combined = true
				}
			}
		}
		if !found {
			g.notef("%s: key attribute %q not documented", path, k)
		}
	}
}

func (g *generator) attribute(path string, ra refdoc.Attr) *attr {
	if _, skip := g.decided(path, ra.Name, "skip"); skip {
		return nil
	}
	if v, ok := g.decided(path, ra.Name, "name"); ok {
		ra.Name = v
	}
	a := &attr{name: ra.Name, typ: ra.Type, required: ra.Required, def: ra.Default, hasDef: ra.HasDefault, encrypted: ra.Encrypted}
	if _, ok := g.decided(path, ra.Name, "encrypted"); ok {
		a.encrypted = true
	}
	if a.encrypted && !a.hasDef {
		// What IIS writes for an empty secret; read back as "".
		a.def, a.hasDef = "[enc:AesProvider::enc]", true
	}
	if v, ok := g.decided(path, ra.Name, "type"); ok {
		a.typ = v
	} else if ra.Note != "" {
		g.notef("%s@%s: %s", path, ra.Name, ra.Note)
	}
	if v, ok := g.decided(path, ra.Name, "required"); ok {
		a.required = v == "true"
	}
	if v, ok := g.decided(path, ra.Name, "default"); ok {
		a.def, a.hasDef = v, v != ""
	}
	if len(ra.Values) > 0 && a.typ == "string" && !allNumbered(ra.Values) {
		// A string attribute's table lists special identifiers ("*"
		// for all users), not the values of an enum.
		ra.Values = nil
	}
	if len(ra.Values) > 0 {
		numbered(path, a, ra.Values, g)
		// Pages list values alphabetically; schema order (which is the
		// order flags are written in) is by number.
		sort.SliceStable(ra.Values, func(i, j int) bool {
			x, _ := strconv.ParseInt(ra.Values[i].Value, 0, 64)
			y, _ := strconv.ParseInt(ra.Values[j].Value, 0, 64)
			return x < y
		})
		switch a.typ {
		case "flags":
			a.flags = ra.Values
		default:
			if a.typ != "enum" {
				g.notef("%s@%s: %s attribute with a value table read as enum", path, ra.Name, a.typ)
				a.typ = "enum"
			}
			a.enums = ra.Values
		}
	} else if a.typ == "enum" || a.typ == "flags" {
		g.notef("%s@%s: %s without values; read as string", path, ra.Name, a.typ)
		a.typ = "string"
	}
	if m := rangeRe.FindStringSubmatch(ra.Desc); m != nil && (a.typ == "uint" || a.typ == "int" || a.typ == "int64") {
		// "Acceptable values are in the range from 10 through 3600."
		a.vType = "integerRange"
		a.vParam = strings.ReplaceAll(m[1], ",", "") + "," + strings.ReplaceAll(m[2], ",", "")
	}
	if v, ok := g.decided(path, ra.Name, "range"); ok {
		a.vType, a.vParam = "integerRange", v
	}
	if a.hasDef {
		canon, err := canonical(a)
		if err != nil {
			g.notef("%s@%s: default %q is not a %s; left out", path, ra.Name, a.def, a.typ)
			a.def, a.hasDef = "", false
		} else {
			a.def = canon
		}
		if a.typ == "string" && a.def == "" {
			a.hasDef = false
		}
	}
	return a
}

// canonical checks a default against the attribute's type through the
// section package and returns it in canonical form.
func canonical(a *attr) (string, error) {
	k, ok := kinds[a.typ]
	if !ok {
		return "", fmt.Errorf("unknown type %q", a.typ)
	}
	sa := &section.Attribute{Name: a.name, Type: k, TimeSpanFormat: section.TimeSpanString}
	for _, e := range a.enums {
		v, err := strconv.ParseInt(e.Value, 0, 64)
		if err != nil {
			return "", err
		}
		sa.Enums = append(sa.Enums, section.Named{Name: e.Name, Value: v})
	}
	for _, e := range a.flags {
		v, err := strconv.ParseInt(e.Value, 0, 64)
		if err != nil {
			return "", err
		}
		sa.Flags = append(sa.Flags, section.Named{Name: e.Name, Value: v})
	}
	return sa.Normalize(a.def)
}

// rangeRe finds a range of integers stated in an attribute's description.
var rangeRe = regexp.MustCompile(`(?i)(?:range|between|from)\s*(?:is\s*)?(?:of\s*)?(?:from\s*)?(-?\d(?:[\d,]*\d)?)\s*(?:through|to|and)\s*(-?\d(?:[\d,]*\d)?)`)

var kinds = map[string]section.Kind{
	"string": section.KindString, "bool": section.KindBool, "enum": section.KindEnum,
	"flags": section.KindFlags, "uint": section.KindUint, "int": section.KindInt,
	"int64": section.KindInt64, "timeSpan": section.KindTimeSpan,
}

// fromSchemaFile reads one section from a real schema file and keeps its
// facts (not its text: the output is written by render).
func fromSchemaFile(file, name string) (*node, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s := &section.Schema{}
	if err := s.Add(file, data); err != nil {
		return nil, err
	}
	sec := s.Section(name)
	if sec == nil {
		return nil, fmt.Errorf("%s: no section %s", file, name)
	}
	return fromModel(sec.Root), nil
}

func fromModel(e *section.Element) *node {
	n := &node{name: e.Name, isDefault: e.IsCollectionDefault, allowUnrec: e.AllowUnrecognizedAttributes}
	for _, a := range e.Attributes {
		na := &attr{
			name: a.Name, typ: a.Type.String(), required: a.Required, uniqueKey: a.IsUniqueKey,
			combined: a.IsCombinedKey, caseSensitive: a.CaseSensitive, encrypted: a.Encrypted,
			allowInfinite: a.AllowInfinite, expanded: a.Expanded,
		}
		if a.Type == section.KindTimeSpan && a.TimeSpanFormat != section.TimeSpanString {
			na.tsFormat = a.TimeSpanFormat
		}
		if a.HasDefault && (a.Type != section.KindString || a.DefaultValue != "") {
			na.def, na.hasDef = a.Default(), true
		}
		for _, v := range a.Enums {
			na.enums = append(na.enums, refdoc.Named{Name: v.Name, Value: strconv.FormatInt(v.Value, 10)})
		}
		for _, v := range a.Flags {
			na.flags = append(na.flags, refdoc.Named{Name: v.Name, Value: fmt.Sprintf("%d", v.Value)})
		}
		if a.Validator != nil {
			na.vType, na.vParam = a.Validator.Type, a.Validator.Parameter
		}
		n.attrs = append(n.attrs, na)
	}
	for _, c := range e.Elements {
		n.elems = append(n.elems, fromModel(c))
	}
	if col := e.Collection; col != nil {
		// One <collection> per distinct item schema.
		byItem := map[*section.Element]*coll{}
		for _, add := range col.AddElements {
			it := col.ItemFor(add)
			if c, ok := byItem[it]; ok {
				c.add = append(c.add, add)
				continue
			}
			ma := col.MergeAppend
			c := &coll{add: []string{add}, remove: col.RemoveElement, clear: col.ClearElement,
				deflt: col.DefaultElement, allowDup: col.AllowDuplicates, allowUnrec: col.AllowUnrecognizedAttributes,
				item: fromModel(it)}
			if !ma {
				c.mergeAppend = &ma
			}
			byItem[it] = c
			n.colls = append(n.colls, c)
		}
	}
	return n
}

// numbered gives values without a stated number one: enums count from 0,
// flags take the next free bit, in the order of the page's table.
func numbered(path string, a *attr, vs []refdoc.Named, g *generator) {
	missing := false
	for _, v := range vs {
		if v.Value == "" {
			missing = true
		}
	}
	if !missing {
		return
	}
	g.notef("%s@%s: values without numbers; numbered in table order", path, a.name)
	for i := range vs {
		if a.typ == "flags" {
			vs[i].Value = strconv.Itoa(1 << i)
		} else {
			vs[i].Value = strconv.Itoa(i)
		}
	}
}

// reorder sorts n's attributes and elements into the order of r, the same
// element in a real schema file; what r lacks goes last, in page order.
func reorder(n *node, r *section.Element) {
	if r == nil {
		return
	}
	pos := func(name string, names []string) int {
		for i, x := range names {
			if strings.EqualFold(x, name) {
				return i
			}
		}
		return len(names)
	}
	var an, en []string
	for _, a := range r.Attributes {
		an = append(an, a.Name)
	}
	for _, e := range r.Elements {
		en = append(en, e.Name)
	}
	sort.SliceStable(n.attrs, func(i, j int) bool { return pos(n.attrs[i].name, an) < pos(n.attrs[j].name, an) })
	sort.SliceStable(n.elems, func(i, j int) bool { return pos(n.elems[i].name, en) < pos(n.elems[j].name, en) })
	for _, e := range n.elems {
		reorder(e, r.Element(e.name))
	}
	if r.Collection != nil {
		for _, c := range n.colls {
			reorder(c.item, r.Collection.ItemFor(c.add[0]))
		}
	}
}

func allNumbered(vs []refdoc.Named) bool {
	for _, v := range vs {
		if v.Value == "" {
			return false
		}
	}
	return true
}
