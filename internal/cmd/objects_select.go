package cmd

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/iis"
)

// Choosing objects: an identifier (or its alias parameter, /site.name:X
// for SITE), property filters ANDed together (list site
// /serverAutoStart:false, list app /apppool.name:X), and with /in the
// records read from standard input.

// errNoObjects ends a list whose identifier or filters matched nothing:
// no output, exit 1, as appcmd.exe (scripts test ERRORLEVEL for
// "exists").
var errNoObjects = &appcmdError{code: exitFailure}

// selection picks objects of one kind.
type selection struct {
	ident   string // "" when none was given
	filters []filter
}

// filter is /name:value: a synthetic property or a configuration path.
type filter struct {
	path  commit.Path
	value string
}

// narrowed reports whether the selection can exclude objects.
func (s *selection) narrowed() bool { return s.ident != "" || len(s.filters) > 0 }

// selection reads the identifier and filters of the command line.
func (c *invocation) selection(k *objKind) (*selection, error) {
	sel := &selection{ident: c.identifier()}
	for _, p := range c.Params {
		if p.Op != opSet || !p.HasValue {
			return nil, unexpectedParam(p.Raw)
		}
		if !p.Escaped && strings.EqualFold(p.Path.String(), k.Alias) {
			sel.ident = p.Value
			continue
		}
		value := p.Value
		if !p.Escaped && strings.EqualFold(p.Path.String(), iis.AppKind.Alias) {
			value = iis.RootAppName(value) // list vdirs /app.name:"Default Web Site"
		}
		sel.filters = append(sel.filters, filter{path: p.Path, value: value})
	}
	return sel, nil
}

// matches applies the filters. Synthetic properties compare ignoring
// case (/state:started matches Started); attributes by their type's rules
// (/serverAutoStart:False matches false).
func matches(o *iis.Object, sel *selection, urlName string) (bool, error) {
	if sel.ident != "" && !strings.EqualFold(o.Name, urlName) {
		return false, nil
	}
	for _, f := range sel.filters {
		have, a, err := o.Value(f.path)
		if err != nil {
			return false, err
		}
		switch {
		case a == nil || a.Schema == nil:
			if !strings.EqualFold(have, f.value) {
				return false, nil
			}
		default:
			want, err := a.Schema.Normalize(f.value)
			if err != nil || !a.Schema.Equal(have, want) {
				return false, nil
			}
		}
	}
	return true, nil
}

// choose returns the objects of all that the command line (and /in)
// selects, in order, and whether anything narrowed the choice. resolve
// turns an identifier into an object name (URLs for sites, applications
// and virtual directories).
func (c *invocation) choose(k *objKind, all []*iis.Object, resolve func(string) string) ([]*iis.Object, bool, error) {
	base, err := c.selection(k)
	if err != nil {
		return nil, false, err
	}
	sels := []*selection{base}
	narrowed := base.narrowed()
	if c.Stdin {
		recs, err := c.readRecords()
		if err != nil {
			return nil, false, err
		}
		sels, narrowed = nil, true
		for _, r := range recs {
			if sel, ok := recordSelection(k, r, base); ok {
				sels = append(sels, sel)
			}
		}
	}
	var out []*iis.Object
	for _, sel := range sels {
		name := resolve(sel.ident)
		for _, o := range all {
			ok, err := matches(o, sel, name)
			if err != nil {
				return nil, false, err
			}
			if ok && !containsObject(out, o) {
				out = append(out, o)
			}
		}
	}
	return out, narrowed, nil
}

// listAll is the list verb over a set of objects: choose, print, and
// exit 1 when a selection matched nothing.
func (c *invocation) listAll(k *objKind, all []*iis.Object, resolve func(string) string) error {
	objs, narrowed, err := c.choose(k, all, resolve)
	if err != nil {
		return err
	}
	if err := c.printObjects(k, objs); err != nil {
		return err
	}
	if len(objs) == 0 && narrowed {
		return errNoObjects
	}
	return nil
}

// asIs is the resolve of objects named only by their identifier.
func asIs(id string) string { return id }

func containsObject(list []*iis.Object, o *iis.Object) bool {
	for _, x := range list {
		if x == o {
			return true
		}
	}
	return false
}

// target returns the one object a changing verb works on: the
// identifier or the alias parameter (which is then consumed).
func (c *invocation) target(m *iis.Model, k *objKind) (*iis.Object, error) {
	id := c.identifier()
	if v, ok := c.takeParam(k.Alias); ok && id == "" {
		id = v
	}
	if id == "" {
		return nil, &iis.MissingError{Object: k.Name}
	}
	return m.Lookup(k.Kind, id)
}

// takeParam removes the first /name:value parameter with one of the
// names (ignoring case) and returns its value.
func (c *invocation) takeParam(names ...string) (string, bool) {
	for i, p := range c.Params {
		if p.Op != opSet || p.Escaped {
			continue
		}
		for _, n := range names {
			if strings.EqualFold(p.Path.String(), n) {
				c.Params = append(c.Params[:i:i], c.Params[i+1:]...)
				return p.Value, true
			}
		}
	}
	return "", false
}

// paramValue returns a /name:value parameter without consuming it.
func (c *invocation) paramValue(name string) (string, bool) {
	for _, p := range c.Params {
		if p.Op == opSet && !p.Escaped && strings.EqualFold(p.Path.String(), name) {
			return p.Value, true
		}
	}
	return "", false
}
