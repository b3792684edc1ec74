package iis

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// migrate config: an application's ASP.NET classic-mode registrations
// (system.web/httpModules and system.web/httpHandlers, the entries its own
// web.config adds) become integrated-mode ones (system.webServer/modules
// and system.webServer/handlers), and the integrated-mode check that would
// otherwise refuse the leftover system.web entries (HTTP 500.22) is turned
// off, as appcmd.exe's migration does. The system.web entries stay.
// UNCONFIRMED details, docs/grammar.md: module preCondition, handler names
// and position, the validation element, how <remove> and <clear /> map.

// Migration sections.
const (
	HTTPModulesSection  = "system.web/httpModules"
	HTTPHandlersSection = "system.web/httpHandlers"
	HandlersSection     = "system.webServer/handlers"
	ValidationSection   = "system.webServer/validation"
)

// Migration is the result of MigrateConfig: one Edit per section to
// write (all at the application's level, written to its web.config), and
// the classic sections that had entries to migrate.
type Migration struct {
	Edits    []*Edit
	Migrated []string
}

// MigrateConfig plans the migration of an application (APP.NAME; a site
// name means its root application). The application's own directives are
// replayed in order: <add> becomes an entry of the integrated section,
// <remove> removes the integrated entries it names (modules by name,
// handlers by path and verb), <clear /> becomes <clear />. Entries already
// present in the integrated sections (by name) are not added again, and a
// <clear /> already written there is not written again, so running it
// twice changes nothing the second time.
func (m *Model) MigrateConfig(appName string) (*Migration, error) {
	cp, err := m.AppLevel(appName)
	if err != nil {
		return nil, err
	}
	out := &Migration{}
	for _, mig := range []struct {
		classic, integrated string
		plan                func(cp configstore.ConfigPath, ds []configstore.Directive) (*Edit, error)
	}{
		{HTTPModulesSection, ModulesSection, m.migrateModules},
		{HTTPHandlersSection, HandlersSection, m.migrateHandlers},
	} {
		eff, err := m.store.Effective(cp, mig.classic)
		if err != nil {
			return nil, err
		}
		ds := eff.Directives(cp)
		if len(ds) == 0 {
			continue
		}
		ed, err := mig.plan(cp, ds)
		if err != nil {
			return nil, err
		}
		out.Edits = append(out.Edits, ed)
		out.Migrated = append(out.Migrated, mig.classic)
	}
	if len(out.Migrated) > 0 {
		ed := &Edit{Section: ValidationSection, Level: cp}
		ed.add(commit.Change{Kind: commit.Set, Path: commit.Path{{Name: "validateIntegratedModeConfiguration"}}, Value: "false"})
		out.Edits = append(out.Edits, ed)
	}
	return out, nil
}

// integrated is an integrated section at the application's level: its
// effective entries (name, and the keys <remove> in system.web matches)
// and whether the level already writes a <clear />.
type integrated struct {
	entries []map[string]string
	cleared bool
}

func (m *Model) integratedAt(cp configstore.ConfigPath, sec string, keys ...string) (*integrated, error) {
	eff, err := m.store.Effective(cp, sec)
	if err != nil {
		return nil, err
	}
	in := &integrated{}
	for _, it := range eff.Root.Items {
		e := map[string]string{}
		for _, k := range keys {
			e[k] = attrValue(it, k)
		}
		in.entries = append(in.entries, e)
	}
	for _, d := range eff.Directives(cp) {
		if d.Kind == "clear" {
			in.cleared = true
		}
	}
	return in, nil
}

// has reports whether an entry has this name.
func (in *integrated) has(name string) bool { return in.index(name) >= 0 }

// index is the position of the entry with this name, or -1.
func (in *integrated) index(name string) int {
	for i, e := range in.entries {
		if e["name"] == name {
			return i
		}
	}
	return -1
}

// replay walks the classic directives: clear and remove become changes
// of the integrated section (removes through removeMatching), adds are
// returned in order for the caller to place, without those a later
// <remove> or <clear /> took back.
func (in *integrated) replay(ed *Edit, ds []configstore.Directive, removeMatching func(d configstore.Directive) []string, keys ...string) []configstore.Directive {
	var adds []configstore.Directive
	for _, d := range ds {
		switch d.Kind {
		case "clear":
			adds = nil
			if !in.cleared {
				ed.add(commit.Change{Kind: commit.ClearItems})
				in.entries, in.cleared = nil, true
			}
		case "remove":
			kept := adds[:0]
			for _, a := range adds {
				if !sameKeys(a, d, keys) {
					kept = append(kept, a)
				}
			}
			adds = kept
			for _, name := range removeMatching(d) {
				ed.add(commit.Change{Kind: commit.Remove, Path: commit.Path{keyStep("name", name)}})
				i := in.index(name)
				in.entries = append(in.entries[:i], in.entries[i+1:]...)
			}
		case "add":
			adds = append(adds, d)
		}
	}
	return adds
}

// sameKeys reports whether two directives name the same entry.
func sameKeys(a, b configstore.Directive, keys []string) bool {
	for _, k := range keys {
		if !strings.EqualFold(a.Attrs[k], b.Attrs[k]) {
			return false
		}
	}
	return true
}

func (m *Model) migrateModules(cp configstore.ConfigPath, ds []configstore.Directive) (*Edit, error) {
	in, err := m.integratedAt(cp, ModulesSection, "name")
	if err != nil {
		return nil, err
	}
	ed := &Edit{Section: ModulesSection, Level: cp}
	adds := in.replay(ed, ds, func(d configstore.Directive) []string {
		if name := d.Attrs["name"]; in.has(name) {
			return []string{name}
		}
		return nil
	}, "name")
	for _, d := range adds {
		name := d.Attrs["name"]
		if in.has(name) {
			continue
		}
		// managedHandler: a classic module only ever saw requests
		// mapped to ASP.NET.
		ed.add(addItem(commit.Position{}, kv("name", name), kv("type", d.Attrs["type"]), kv("preCondition", "managedHandler")))
	}
	return ed, nil
}

func (m *Model) migrateHandlers(cp configstore.ConfigPath, ds []configstore.Directive) (*Edit, error) {
	in, err := m.integratedAt(cp, HandlersSection, "name", "path", "verb")
	if err != nil {
		return nil, err
	}
	ed := &Edit{Section: HandlersSection, Level: cp}
	// A classic <remove path verb> takes out the handler mappings of that
	// path and verb; verb="*" those of every verb.
	adds := in.replay(ed, ds, func(d configstore.Directive) []string {
		var names []string
		for _, e := range in.entries {
			if strings.EqualFold(e["path"], d.Attrs["path"]) && (d.Attrs["verb"] == "*" || strings.EqualFold(e["verb"], d.Attrs["verb"])) {
				names = append(names, e["name"])
			}
		}
		return names
	}, "path", "verb")
	// In front of the inherited handlers (the last of which, StaticFile,
	// takes every path), in their classic order: added at @start in
	// reverse.
	for i := len(adds) - 1; i >= 0; i-- {
		d := adds[i]
		path, verb := d.Attrs["path"], d.Attrs["verb"]
		name := path + "_" + verb
		if in.has(name) {
			continue
		}
		ed.add(addItem(commit.Position{Kind: commit.PosStart}, kv("name", name), kv("path", path), kv("verb", verb),
			kv("type", d.Attrs["type"]), kv("preCondition", "integratedMode")))
	}
	return ed, nil
}

func kv(name, value string) commit.KeyValue { return commit.KeyValue{Name: name, Value: value} }

// addItem is /+[@pos,k='v',...] with the empty values left out.
func addItem(pos commit.Position, keys ...commit.KeyValue) commit.Change {
	sel := &commit.Selector{Pos: pos}
	for _, k := range keys {
		if k.Value != "" {
			sel.Keys = append(sel.Keys, k)
		}
	}
	return commit.Change{Kind: commit.Add, Path: commit.Path{{Selector: sel}}}
}
