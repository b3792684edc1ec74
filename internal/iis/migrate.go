package iis

import (
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
// and position, the validation element.

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
// name means its root application). Entries already present in the
// integrated sections (by name) are not added again, so running it twice
// changes nothing the second time.
func (m *Model) MigrateConfig(appName string) (*Migration, error) {
	cp, err := m.AppLevel(appName)
	if err != nil {
		return nil, err
	}
	out := &Migration{}
	level := func(sec string) *Edit {
		return &Edit{Section: sec, Level: cp, Commit: "", Done: nil}
	}

	mods, err := m.localItems(cp, HTTPModulesSection)
	if err != nil {
		return nil, err
	}
	if len(mods) > 0 {
		have, err := m.itemNames(cp, ModulesSection)
		if err != nil {
			return nil, err
		}
		ed := level(ModulesSection)
		for _, it := range mods {
			name := attrValue(it, "name")
			if have[name] {
				continue
			}
			// managedHandler: a classic module only ever saw requests
			// mapped to ASP.NET.
			ed.add(addItem(commit.Position{}, kv("name", name), kv("type", attrValue(it, "type")), kv("preCondition", "managedHandler")))
		}
		out.Edits = append(out.Edits, ed)
		out.Migrated = append(out.Migrated, HTTPModulesSection)
	}

	hands, err := m.localItems(cp, HTTPHandlersSection)
	if err != nil {
		return nil, err
	}
	if len(hands) > 0 {
		have, err := m.itemNames(cp, HandlersSection)
		if err != nil {
			return nil, err
		}
		ed := level(HandlersSection)
		// In front of the inherited handlers (the last of which, StaticFile,
		// takes every path), in their classic order: added at @start in
		// reverse.
		for i := len(hands) - 1; i >= 0; i-- {
			it := hands[i]
			path, verb := attrValue(it, "path"), attrValue(it, "verb")
			name := path + "_" + verb
			if have[name] {
				continue
			}
			ed.add(addItem(commit.Position{Kind: commit.PosStart}, kv("name", name), kv("path", path), kv("verb", verb),
				kv("type", attrValue(it, "type")), kv("preCondition", "integratedMode")))
		}
		out.Edits = append(out.Edits, ed)
		out.Migrated = append(out.Migrated, HTTPHandlersSection)
	}
	if len(out.Migrated) > 0 {
		ed := level(ValidationSection)
		ed.add(commit.Change{Kind: commit.Set, Path: commit.Path{{Name: "validateIntegratedModeConfiguration"}}, Value: "false"})
		out.Edits = append(out.Edits, ed)
	}
	return out, nil
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

// localItems returns the collection entries of a section that the level's
// own configuration adds (not inherited ones: the root web.config's
// ASP.NET modules have integrated counterparts already).
func (m *Model) localItems(cp configstore.ConfigPath, sec string) ([]*configstore.EffElement, error) {
	eff, err := m.store.Effective(cp, sec)
	if err != nil {
		return nil, err
	}
	var out []*configstore.EffElement
	for _, it := range eff.Root.Items {
		if it.SrcLevel.Equal(cp) {
			out = append(out, it)
		}
	}
	return out, nil
}

// itemNames returns the names of a collection's effective entries.
func (m *Model) itemNames(cp configstore.ConfigPath, sec string) (map[string]bool, error) {
	eff, err := m.store.Effective(cp, sec)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, it := range eff.Root.Items {
		out[attrValue(it, "name")] = true
	}
	return out, nil
}
