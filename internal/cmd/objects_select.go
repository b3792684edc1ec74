package cmd

import (
	"fmt"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
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
		if p.Op != OpSet || !p.HasValue {
			return nil, unexpectedParam(p.Raw)
		}
		if !p.Escaped && strings.EqualFold(p.Path.String(), k.alias) {
			sel.ident = p.Value
			continue
		}
		sel.filters = append(sel.filters, filter{path: p.Path, value: p.Value})
	}
	return sel, nil
}

// value returns a property for filters and /text:NAME: a synthetic
// property, else an attribute path into the configuration element (with
// the collection defaults applied).
func (o *object) value(p commit.Path) (string, *configstore.EffAttr, error) {
	if v, ok := o.props[strings.ToLower(p.String())]; ok {
		return v, nil, nil
	}
	e := o.el
	for i, st := range p {
		if st.Selector != nil {
			return "", nil, &configstore.UnknownAttributeError{Path: p.String()}
		}
		if i == len(p)-1 {
			break
		}
		if e = e.Child(st.Name); e == nil {
			return "", nil, &configstore.UnknownAttributeError{Path: p.String()}
		}
	}
	a := e.Attr(p[len(p)-1].Name)
	if a == nil {
		return "", nil, &configstore.UnknownAttributeError{Path: p.String()}
	}
	return a.Value, a, nil
}

// matches applies the filters. Synthetic properties compare ignoring
// case (/state:started matches Started); attributes by their type's rules
// (/serverAutoStart:False matches false).
func matches(o *object, sel *selection, urlName string) (bool, error) {
	if sel.ident != "" && !strings.EqualFold(o.id, urlName) {
		return false, nil
	}
	for _, f := range sel.filters {
		have, a, err := o.value(f.path)
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
func (c *invocation) choose(k *objKind, all []*object, resolve func(string) string) ([]*object, bool, error) {
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
	var out []*object
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
func (c *invocation) listAll(k *objKind, all []*object, resolve func(string) string) error {
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

func containsObject(list []*object, o *object) bool {
	for _, x := range list {
		if x == o {
			return true
		}
	}
	return false
}

// target returns the one object a changing verb works on: the
// identifier or the alias parameter (which is then consumed).
func (c *invocation) target(m *model, k *objKind) (*object, error) {
	id := c.identifier()
	if v, ok := c.takeParam(k.alias); ok && id == "" {
		id = v
	}
	if id == "" {
		return nil, &UsageError{Framed: true, Message: fmt.Sprintf("Must specify the %s object with identifier.", k.name)}
	}
	name, _ := m.resolveURL(k, id)
	o, err := m.find(k, name)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, &objectNotFoundError{Object: k.name, ID: id}
	}
	return o, nil
}

// takeParam removes the first /name:value parameter with one of the
// names (ignoring case) and returns its value.
func (c *invocation) takeParam(names ...string) (string, bool) {
	for i, p := range c.Params {
		if p.Op != OpSet || p.Escaped {
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
