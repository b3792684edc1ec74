package iisconfig

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Section is one configuration section at one path, as ConfigurationSection:
// its own attributes through the embedded Element.
type Section struct {
	Element
	name   string
	level  configstore.ConfigPath
	commit string
}

// Name returns the full section name, e.g. "system.webServer/webSocket".
func (s *Section) Name() string { return s.name }

// Path returns the config path the section's values apply to.
func (s *Section) Path() string { return s.level.String() }

// Element is an element of a section: the section element, a child element,
// or a collection entry, as ConfigurationElement. It is a view by path:
// every call reads the Manager's current working copy.
type Element struct {
	m    *Manager
	sec  *Section
	path commit.Path // from the section element; selectors pick entries
	name string
}

// Name returns the XML element name ("webSocket", "site", "add").
func (e *Element) Name() string { return e.name }

// resolve finds the element in the effective section. The caller holds m.mu.
func (e *Element) resolve() (*configstore.EffElement, error) {
	if err := e.m.usable(); err != nil {
		return nil, err
	}
	eff, err := e.m.work.Effective(e.sec.level, e.sec.name)
	if err != nil {
		return nil, wrap(err)
	}
	cur := eff.Root
	for _, st := range e.path {
		if st.Selector == nil {
			cur = cur.Child(st.Name)
			if cur == nil {
				return nil, wrap(&configstore.UnknownAttributeError{Path: e.path.String()})
			}
			continue
		}
		it := findItem(cur, st.Selector)
		if it == nil {
			return nil, wrap(&configstore.NotFoundError{Message: commit.NotFoundText})
		}
		cur = it
	}
	return cur, nil
}

// findItem is the entry a selector names: at its position (when given),
// with every attribute it gives, compared by the attribute's rules.
func findItem(coll *configstore.EffElement, sel *commit.Selector) *configstore.EffElement {
	items := coll.Items
	if sel.Pos.Kind == commit.PosIndex {
		if sel.Pos.Index >= len(items) {
			return nil
		}
		items = items[sel.Pos.Index : sel.Pos.Index+1]
	}
	for _, it := range items {
		if hasKeys(it, sel.Keys) {
			return it
		}
	}
	return nil
}

// hasKeys reports whether an entry has every attribute value of keys.
func hasKeys(it *configstore.EffElement, keys []commit.KeyValue) bool {
	for _, kv := range keys {
		a := it.Attr(kv.Name)
		if a == nil {
			return false
		}
		if a.Schema != nil {
			want := kv.Value
			if v, err := a.Schema.Normalize(want); err == nil {
				want = v
			}
			if !a.Schema.Equal(a.Value, want) {
				return false
			}
		} else if a.Value != kv.Value {
			return false
		}
	}
	return true
}

// change runs one change of this element's section through commit.Apply.
func (e *Element) change(c commit.Change) error {
	return e.m.apply(commit.Request{Section: e.sec.name, Level: e.sec.level, Commit: e.sec.commit, Changes: []commit.Change{c}})
}

func (e *Element) sub(steps ...commit.Step) commit.Path {
	return append(append(commit.Path(nil), e.path...), steps...)
}

// Attr returns an attribute's effective value, typed by its schema type
// (see the package documentation); schema defaults included.
func (e *Element) Attr(name string) (any, error) {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	el, err := e.resolve()
	if err != nil {
		return nil, err
	}
	a := el.Attr(name)
	if a == nil {
		return nil, wrap(&configstore.UnknownAttributeError{Path: e.sub(commit.Step{Name: name}).String()})
	}
	return typed(a)
}

// Attrs returns the names of the element's attributes: those of its schema
// in schema order, then any others it has.
func (e *Element) Attrs() ([]string, error) {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	el, err := e.resolve()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range el.Attrs {
		out = append(out, a.Name)
	}
	return out, nil
}

// SetAttr sets an attribute at this element's path. The value is checked
// against the schema (type, validators, locks, allowDefinition) at once;
// nothing is written before Commit.
func (e *Element) SetAttr(name string, value any) error {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	el, err := e.resolve()
	if err != nil {
		return err
	}
	var as *section.Attribute
	if el.Schema != nil {
		as = el.Schema.Attribute(name)
	}
	text, err := format(as, name, value)
	if err != nil {
		return err
	}
	return e.change(commit.Change{Kind: commit.Set, Path: e.sub(commit.Step{Name: name}), Value: text})
}

// ResetAttr removes the attribute at this element's path, so that the
// inherited value or the schema default applies again (appcmd's
// clear config with a property).
func (e *Element) ResetAttr(name string) error {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	if _, err := e.resolve(); err != nil {
		return err
	}
	return e.change(commit.Change{Kind: commit.Clear, Path: e.sub(commit.Step{Name: name})})
}

// Child returns a child element defined by the schema, as
// GetChildElement.
func (e *Element) Child(name string) (*Element, error) {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	el, err := e.resolve()
	if err != nil {
		return nil, err
	}
	c := el.Child(name)
	if c == nil || c.Schema == nil {
		return nil, wrap(&configstore.UnknownAttributeError{Path: e.sub(commit.Step{Name: name}).String()})
	}
	return &Element{m: e.m, sec: e.sec, path: e.sub(commit.Step{Name: c.Name}), name: c.Name}, nil
}

// Collection returns the element's collection (the <site> entries of
// system.applicationHost/sites, the <add> entries of a files element), as
// GetCollection.
func (e *Element) Collection() (*Collection, error) {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	el, err := e.resolve()
	if err != nil {
		return nil, err
	}
	if el.Schema == nil || el.Schema.Collection == nil {
		return nil, argError("The element %q has no collection", e.name)
	}
	return &Collection{owner: *e}, nil
}

// Collection is the entries of a collection element, in effective order
// (inherited entries included), as ConfigurationElementCollection.
type Collection struct{ owner Element }

// End, as the position of Add, puts a new entry where appcmd puts it: after
// the entries defined at the same level.
const End = -1

// All returns every entry.
func (c *Collection) All() ([]*Element, error) {
	m := c.owner.m
	m.mu.Lock()
	defer m.mu.Unlock()
	el, err := c.owner.resolve()
	if err != nil {
		return nil, err
	}
	out := make([]*Element, 0, len(el.Items))
	for i, it := range el.Items {
		out = append(out, c.entry(el, it, i))
	}
	return out, nil
}

// Len returns the number of entries.
func (c *Collection) Len() (int, error) {
	m := c.owner.m
	m.mu.Lock()
	defer m.mu.Unlock()
	el, err := c.owner.resolve()
	if err != nil {
		return 0, err
	}
	return len(el.Items), nil
}

// entry is the Element of item i: picked by its key attributes, or by
// position in a collection without keys.
func (c *Collection) entry(owner, it *configstore.EffElement, i int) *Element {
	sel := &commit.Selector{}
	if coll := owner.Schema.Collection; coll != nil {
		for _, k := range coll.KeyAttributes() {
			if a := it.Attr(k.Name); a != nil {
				sel.Keys = append(sel.Keys, commit.KeyValue{Name: a.Name, Value: a.Value})
			}
		}
	}
	if len(sel.Keys) == 0 {
		sel.Pos = commit.Position{Kind: commit.PosIndex, Index: i}
	}
	return &Element{m: c.owner.m, sec: c.owner.sec, path: c.owner.sub(commit.Step{Selector: sel}), name: it.Name}
}

// selector turns keys into a selector, in the order of the item schema's
// attributes (so a new entry's attributes are written in schema order).
func (c *Collection) selector(keys map[string]any, owner *configstore.EffElement) (*commit.Selector, error) {
	if len(keys) == 0 {
		return nil, argError("No attributes given: name the entry by its key attributes, e.g. {\"name\": \"x\"}")
	}
	var item *section.Element
	if owner.Schema != nil && owner.Schema.Collection != nil {
		item = owner.Schema.Collection.Item
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	rank := func(n string) int {
		if item != nil {
			for i, a := range item.Attributes {
				if strings.EqualFold(a.Name, n) {
					return i
				}
			}
		}
		return math.MaxInt
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	sel := &commit.Selector{}
	for _, n := range names {
		var as *section.Attribute
		if item != nil {
			as = item.Attribute(n)
		}
		text, err := format(as, n, keys[n])
		if err != nil {
			return nil, err
		}
		sel.Keys = append(sel.Keys, commit.KeyValue{Name: n, Value: text})
	}
	return sel, nil
}

// Find returns the first entry whose attributes have the given values
// (usually its keys: {"name": "Default Web Site"}), or nil when none has.
func (c *Collection) Find(keys map[string]any) (*Element, error) {
	m := c.owner.m
	m.mu.Lock()
	defer m.mu.Unlock()
	el, sel, err := c.resolveKeys(keys)
	if err != nil {
		return nil, err
	}
	return c.match(el, sel.Keys), nil
}

// resolveKeys resolves the collection and turns keys into a selector of
// its entries. The caller holds m.mu.
func (c *Collection) resolveKeys(keys map[string]any) (*configstore.EffElement, *commit.Selector, error) {
	el, err := c.owner.resolve()
	if err != nil {
		return nil, nil, err
	}
	sel, err := c.selector(keys, el)
	if err != nil {
		return nil, nil, err
	}
	return el, sel, nil
}

// match is the first entry of el with these key values, or nil.
func (c *Collection) match(el *configstore.EffElement, keys []commit.KeyValue) *Element {
	for i, it := range el.Items {
		if hasKeys(it, keys) {
			return c.entry(el, it, i)
		}
	}
	return nil
}

// Add adds an entry with these attributes at position (0 first, End after
// the entries of this level, as appcmd does without @position). It fails
// with CodeAlreadyExists when an entry has the same keys, and when a
// required attribute is missing.
func (c *Collection) Add(attrs map[string]any, position int) (*Element, error) {
	m := c.owner.m
	m.mu.Lock()
	defer m.mu.Unlock()
	_, sel, err := c.resolveKeys(attrs)
	if err != nil {
		return nil, err
	}
	if position < End {
		return nil, argError("Invalid position %d: use 0 or more, or End", position)
	}
	if position >= 0 {
		sel.Pos = commit.Position{Kind: commit.PosIndex, Index: position}
	}
	if err := c.owner.change(commit.Change{Kind: commit.Add, Path: c.owner.sub(commit.Step{Selector: sel})}); err != nil {
		return nil, err
	}
	el, err := c.owner.resolve()
	if err != nil {
		return nil, err
	}
	if e := c.match(el, sel.Keys); e != nil {
		return e, nil
	}
	return nil, wrap(&configstore.NotFoundError{Message: commit.NotFoundText})
}

// Remove removes the entry with these keys: a local entry is deleted, an
// inherited one is hidden with <remove>. It fails with CodeNotFound when
// there is none.
func (c *Collection) Remove(keys map[string]any) error {
	m := c.owner.m
	m.mu.Lock()
	defer m.mu.Unlock()
	_, sel, err := c.resolveKeys(keys)
	if err != nil {
		return err
	}
	return c.owner.change(commit.Change{Kind: commit.Remove, Path: c.owner.sub(commit.Step{Selector: sel})})
}

// Clear removes every entry: local entries are deleted and a <clear />
// hides inherited ones.
func (c *Collection) Clear() error {
	m := c.owner.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := c.owner.resolve(); err != nil {
		return err
	}
	return c.owner.change(commit.Change{Kind: commit.ClearItems, Path: c.owner.path})
}

// typed converts an effective attribute to its Go value.
func typed(a *configstore.EffAttr) (any, error) {
	as := a.Schema
	if as == nil {
		return a.Value, nil
	}
	var v any
	var err error
	switch as.Type {
	case section.KindBool:
		v, err = as.Bool(a.Value)
	case section.KindUint:
		var n int64
		n, err = as.Int(a.Value)
		v = uint32(n)
	case section.KindInt:
		var n int64
		n, err = as.Int(a.Value)
		v = int32(n)
	case section.KindInt64:
		v, err = as.Int(a.Value)
	case section.KindTimeSpan:
		v, err = as.Duration(a.Value)
	default: // string, enum and flags by name
		v = a.Value
	}
	if err != nil {
		return nil, wrap(err)
	}
	return v, nil
}

// format turns a Go value into the text appcmd would take for the
// attribute; the attribute's own rules then check it (commit.Apply).
func format(as *section.Attribute, name string, value any) (string, error) {
	kind := section.KindString
	if as != nil {
		kind = as.Type
	}
	wrong := func() (string, error) {
		return "", argError("Cannot set attribute %q of type %s from a Go %T", name, kind, value)
	}
	numeric := kind == section.KindUint || kind == section.KindInt || kind == section.KindInt64 ||
		kind == section.KindEnum || kind == section.KindFlags
	switch v := value.(type) {
	case string:
		return v, nil
	case fmt.Stringer:
		if _, isDur := value.(time.Duration); !isDur {
			return v.String(), nil
		}
	case bool:
		if kind != section.KindBool && kind != section.KindString {
			return wrong()
		}
		return strconv.FormatBool(v), nil
	}
	if d, ok := value.(time.Duration); ok {
		if kind != section.KindTimeSpan {
			return wrong()
		}
		return formatDuration(as, d)
	}
	var text string
	switch v := reflect.ValueOf(value); v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		text = strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		text = strconv.FormatUint(v.Uint(), 10)
	default:
		return wrong()
	}
	if !numeric && kind != section.KindString {
		return wrong()
	}
	return text, nil
}

// formatDuration writes a duration in the attribute's timeSpanFormat:
// [-][d.]hh:mm:ss[.fffffff], or whole seconds or minutes.
func formatDuration(as *section.Attribute, d time.Duration) (string, error) {
	switch as.TimeSpanFormat {
	case section.TimeSpanSeconds:
		if d%time.Second != 0 {
			return "", argError("Attribute %q holds whole seconds; %v is not", as.Name, d)
		}
		return strconv.FormatInt(int64(d/time.Second), 10), nil
	case section.TimeSpanMinutes:
		if d%time.Minute != 0 {
			return "", argError("Attribute %q holds whole minutes; %v is not", as.Name, d)
		}
		return strconv.FormatInt(int64(d/time.Minute), 10), nil
	}
	if d%100 != 0 {
		return "", argError("Attribute %q holds 100 ns ticks; %v is not a whole number of them", as.Name, d)
	}
	var b strings.Builder
	u := uint64(d)
	if d < 0 {
		b.WriteByte('-')
		u = uint64(-d)
	}
	ticks := u / 100
	const perSec = 10_000_000
	secs, frac := ticks/perSec, ticks%perSec
	days, secs := secs/86400, secs%86400
	if days > 0 {
		fmt.Fprintf(&b, "%d.", days)
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if frac > 0 {
		fmt.Fprintf(&b, ".%07d", frac)
	}
	return b.String(), nil
}
