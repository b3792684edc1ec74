package cmd

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Shell completion of one command's words: its general parameters,
// section names after -section:, and identifiers (site, application,
// virtual directory, pool, module and backup names, read from the
// configuration the words select with -apphostconfig:). Nothing is
// created or changed: a missing configuration completes no names.

// completer returns the completion function of one command.
func completer(v *command, ios *ioStreams, getenv func(string) (string, bool)) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		noFiles := cobra.ShellCompDirectiveNoFileComp
		if toComplete != "" && (toComplete[0] == '/' || toComplete[0] == '-') {
			prefix, body := toComplete[:1], toComplete[1:]
			if name, typed, ok := strings.Cut(body, ":"); ok {
				if strings.EqualFold(name, "section") && v.accepts("section") {
					return matching(sectionCandidates(v, args, ios, getenv), typed, prefix+name+":"), noFiles
				}
				// The values an attribute of the chosen section takes; flags
				// combine with commas, so complete the last one.
				vals, multi := attributeValues(v, args, name, ios, getenv)
				lead := prefix + name + ":"
				if i := strings.LastIndex(typed, ","); multi && i >= 0 {
					lead, typed = lead+typed[:i+1], typed[i+1:]
				}
				return matching(vals, typed, lead), noFiles
			}
			var out []string
			for _, list := range [][]string{v.takes, universalParams} {
				for _, p := range list {
					out = append(out, prefix+p+paramSuffix(p))
				}
			}
			if v.in {
				out = append(out, prefix+"in")
			}
			for _, a := range attributeNames(v, args, ios, getenv) {
				out = append(out, prefix+a+":")
			}
			return matching(out, toComplete, ""), noFiles | cobra.ShellCompDirectiveNoSpace
		}
		if v.object == "CONFIG" && v.verb == "validate" {
			return nil, cobra.ShellCompDirectiveDefault // a file name
		}
		inv, err := parseArgs(append([]string{v.verb, v.object}, args...))
		if v.object == "" {
			inv, err = parseArgs(append([]string{v.verb}, args...))
		}
		if err != nil || (v.object != "" && len(inv.Identifiers) > 0) {
			return nil, noFiles
		}
		return matching(identifiers(v, inv, ios, getenv), toComplete, ""), noFiles
	}
}

// paramSuffix is what follows a general parameter's name when offered:
// ":" for those that take a value.
func paramSuffix(p string) string {
	switch p {
	case "xml", "json", "whatif", "debug":
		return ""
	}
	return ":"
}

// matching returns the candidates that start with typed (ignoring case
// when none matches exactly), each with lead in front.
func matching(cands []string, typed, lead string) []string {
	var exact, folded []string
	for _, c := range cands {
		switch {
		case strings.HasPrefix(c, typed):
			exact = append(exact, lead+c)
		case strings.HasPrefix(strings.ToLower(c), strings.ToLower(typed)):
			folded = append(folded, lead+c)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return folded
}

// completionStore opens the configuration the words name, read-only and
// without creating the default file; nil when there is none.
func completionStore(words []string, ios *ioStreams, getenv func(string) (string, bool)) *configstore.Store {
	inv, err := parseArgs(append([]string{"list", "config"}, words...))
	if err != nil {
		inv = &commandLine{Reserved: map[string]generalParam{}}
	}
	c := &invocation{commandLine: inv, ios: ios, getenv: getenv,
		opts: &options{appHostConfig: inv.Reserved["apphostconfig"].Value}}
	return c.existingStore()
}

// sectionCandidates are the full and short names of every known section.
func sectionCandidates(v *command, words []string, ios *ioStreams, getenv func(string) (string, bool)) []string {
	s := completionStore(words, ios, getenv)
	if s == nil {
		return nil
	}
	defer s.Close()
	seen := map[string]bool{}
	var out []string
	for _, n := range s.SectionNames() {
		for _, c := range []string{n, n[strings.LastIndex(n, "/")+1:]} {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

// identifiers are the names the command's object can be named by.
func identifiers(v *command, inv *commandLine, ios *ioStreams, getenv func(string) (string, bool)) []string {
	var words []string
	for _, r := range inv.generalInOrder() {
		words = append(words, r.Raw)
	}
	s := completionStore(words, ios, getenv)
	if s == nil {
		return nil
	}
	defer s.Close()
	kinds := map[string]*iis.Kind{"": iis.SiteKind, "SITE": iis.SiteKind, "CONFIG": iis.SiteKind, "APP": iis.AppKind,
		"VDIR": iis.VDirKind, "APPPOOL": iis.PoolKind, "MODULE": iis.ModuleKind, "BACKUP": iis.BackupKind}
	k := kinds[v.object]
	if k == nil {
		return nil
	}
	out, err := iis.New(s).Names(k)
	if err != nil {
		return nil
	}
	return out
}

// completionSection is the schema of the section the words choose with
// -section: (or the section an object verb edits), or nil.
func completionSection(v *command, words []string, ios *ioStreams, getenv func(string) (string, bool)) *section.Section {
	name := objectSections[v.object]
	if v.object == "CONFIG" {
		name = ""
		for _, w := range words {
			if len(w) > 1 && (w[0] == '/' || w[0] == '-') {
				if k, val, ok := strings.Cut(w[1:], ":"); ok && strings.EqualFold(k, "section") {
					name = val
				}
			}
		}
	}
	if name == "" || strings.HasPrefix(name, "?") {
		return nil
	}
	s := completionStore(words, ios, getenv)
	if s == nil {
		return nil
	}
	defer s.Close()
	return knownSection(s, name)
}

// attributeNames are the attribute paths of the chosen section (dotted
// for child elements), for set, clear and list filters of CONFIG and for
// the object verbs that change properties.
func attributeNames(v *command, words []string, ios *ioStreams, getenv func(string) (string, bool)) []string {
	switch v.verb {
	case "set", "add", "list", "clear":
	default:
		return nil // lock, unlock, search, delete... take no attributes
	}
	sch := completionSection(v, words, ios, getenv)
	if sch == nil {
		return nil
	}
	root := sch.Root
	if v.object != "CONFIG" {
		// An object's properties are those of its collection entry.
		root = objectItem(sch.Root, v.object)
		if root == nil {
			return nil
		}
	}
	return attributePaths(root, false)
}

// attributePaths lists the dotted paths of an element's attributes and
// of its child elements' attributes; withCollections also walks child
// elements that are only a collection (completion leaves those out: their
// entries are edited with selectors, not dotted paths).
func attributePaths(root *section.Element, withCollections bool) []string {
	var out []string
	var walk func(e *section.Element, prefix string)
	walk = func(e *section.Element, prefix string) {
		for _, a := range e.Attributes {
			out = append(out, prefix+a.Name)
		}
		for _, c := range e.Elements {
			if withCollections || c.Collection == nil || len(c.Attributes) > 0 {
				walk(c, prefix+c.Name+".")
			}
		}
	}
	walk(root, "")
	return out
}

// objectItem is the schema element of one object in its section: the
// site, application or virtual directory entry, or the pool.
func objectItem(root *section.Element, object string) *section.Element {
	path := map[string][]string{"SITE": {"site"}, "APP": {"site", "application"}, "VDIR": {"site", "application", "virtualDirectory"},
		"APPPOOL": {"add"}, "MODULE": {"add"}}[object]
	e := root
	for _, name := range path {
		if e.Collection == nil {
			return nil
		}
		e = e.Collection.ItemFor(name)
		if e == nil {
			return nil
		}
	}
	return e
}

// attributeValues are the values an attribute accepts when they are
// names: enum and flag values, true and false; multi is set for flags,
// which combine with commas.
func attributeValues(v *command, words []string, attr string, ios *ioStreams, getenv func(string) (string, bool)) (vals []string, multi bool) {
	sch := completionSection(v, words, ios, getenv)
	if sch == nil {
		return nil, false
	}
	a := findAttribute(sch.Root, attr)
	if a == nil {
		return nil, false
	}
	var out []string
	switch {
	case len(a.Enums) > 0:
		for _, n := range a.Enums {
			out = append(out, n.Name)
		}
	case len(a.Flags) > 0:
		for _, n := range a.Flags {
			out = append(out, n.Name)
		}
	case a.Type == section.KindBool:
		out = []string{"true", "false"}
	}
	return out, len(a.Flags) > 0
}
