package cmd

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Hints: one "hint:" line after appcmd.exe's error text (which stays first
// and unchanged, as scripts parse it) saying what to do next; the "hint"
// field of the -json error object. Only where it helps: locks, unknown
// names (the closest known ones) and rejected values (what is allowed).

// unknownParamError is a general parameter the command does not take.
type unknownParamError struct{ name string }

func (e *unknownParamError) Error() string { return "unknown parameter " + e.name }

// hint returns the hint for err, or "".
func (c *invocation) hint(err error) string {
	if c.commandLine == nil {
		return ""
	}
	if c.opts == nil {
		// The command line failed before its options were typed.
		c.opts = &options{appHostConfig: c.Reserved["apphostconfig"].Value, section: c.Reserved["section"].Value}
	}
	sec := c.opts.section
	name := sec // the section as the hints' commands name it
	if name == "" {
		name = "NAME"
	}
	if up, ok := as[*unknownParamError](err); ok {
		return c.paramHint(up.name)
	}
	if le, ok := as[*configstore.LockError](err); ok && le.Above && le.Description == configstore.DescLockViolation {
		return fmt.Sprintf("the section is locked by a <location overrideMode=\"Deny\"> in machine.config or the root web.config: unlock it there ('appcmd unlock config MACHINE -section:%s', or MACHINE/WEBROOT), or write the setting into that file (-commit:MACHINE, -commit:WEBROOT)", name)
	}
	if le, ok := as[*configstore.LockError](err); ok {
		return lockHint(le.Description, name)
	}
	if cfe, ok := as[*configstore.ConfigFileError](err); ok && cfe.Kind == configstore.ErrLocked && cfe.Description == configstore.DescLockViolation {
		if p, ok := c.existingAppHostPath(); ok && p == cfe.File {
			// Only machine.config or the root web.config can lock a
			// section for applicationHost.config.
			return fmt.Sprintf("%s sets a section that machine.config or the root web.config locks (<location overrideMode=\"Deny\">): run 'appcmd unlock config MACHINE -section:%s' (or MACHINE/WEBROOT), or take the setting out of applicationHost.config", cfe.File, name)
		}
		return fmt.Sprintf("%s sets a section locked above it (IIS answers 500.19 there): move the setting to applicationHost.config (-commit:apphost), or run 'appcmd unlock config -section:%s'; 'appcmd validate config' lists every such place", cfe.File, name)
	}
	if cfe, ok := as[*configstore.ConfigFileError](err); ok && cfe.Undeclared != "" {
		return fmt.Sprintf("nothing declares the section '%s' (an IIS without its module answers 500.19 for every request that reads %s): declare it in applicationHost.config's <configSections>, as installing the module does, or remove the element", cfe.Undeclared, cfe.File)
	}
	if us, ok := as[*configstore.UnknownSectionError](err); ok && !strings.Contains(us.Reason, "ambiguous") {
		return c.sectionHint(us.Name)
	}
	if ua, ok := as[*configstore.UnknownAttributeError](err); ok {
		return c.attributeHint(sec, ua.Path)
	}
	if ve, ok := as[*section.ValueError](err); ok {
		return c.valueHint(sec, ve.Attribute)
	}
	return ""
}

// lockHint: what to do about a section locked below applicationHost.config.
// name is the section ("NAME" when none was given).
func lockHint(desc, name string) string {
	switch {
	case strings.HasPrefix(desc, strings.SplitN(configstore.DescAllowDefinition, "%", 2)[0]):
		return "the section may not be set at this level: save it in applicationHost.config with -commit:apphost (a <location> tag for the path)"
	case desc == configstore.DescLockViolation:
		return fmt.Sprintf("add -commit:apphost to save the setting in applicationHost.config (a <location> tag for the path), or first run 'appcmd unlock config -section:%s' to allow it in web.config files", name)
	}
	return ""
}

// paramHint: the closest general parameters the command takes.
func (c *invocation) paramHint(name string) string {
	cmd := lookupCommand(c.Object, c.Verb)
	if cmd == nil {
		return ""
	}
	var cands []string
	for _, list := range [][]string{cmd.takes, universalParams} {
		cands = append(cands, list...)
	}
	help := fmt.Sprintf("'appcmd %s %s /?' lists the parameters", cmd.verb, strings.ToLower(cmd.object))
	if cmd.object == "" {
		help = fmt.Sprintf("'appcmd %s /?' lists the parameters", cmd.verb)
	}
	if near := closest(name, cands); len(near) > 0 {
		return "did you mean " + orList(prefixed("-", near)) + "? " + help
	}
	return help
}

// sectionHint: the closest section names (full or short, as typed).
func (c *invocation) sectionHint(name string) string {
	const list = "'appcmd list config -section:?' lists the sections"
	s := c.existingStore()
	if s == nil {
		return list
	}
	defer s.Close()
	var cands []string
	for _, n := range s.SectionNames() {
		if strings.Contains(name, "/") {
			cands = append(cands, n)
		} else {
			cands = append(cands, n[strings.LastIndex(n, "/")+1:])
		}
	}
	short := name[strings.LastIndex(name, "/")+1:]
	near := closest(name, cands)
	if len(near) == 0 && short != name {
		// A typo in the last part of a full name: compare that part.
		byShort := map[string]string{}
		var shorts []string
		for _, n := range cands {
			sn := n[strings.LastIndex(n, "/")+1:]
			byShort[sn] = n
			shorts = append(shorts, sn)
		}
		for _, sn := range closest(short, shorts) {
			near = append(near, byShort[sn])
		}
	}
	if len(near) > 0 {
		return "did you mean " + orList(prefixed("-section:", near)) + "? " + list
	}
	return list
}

// attributeHint: the closest attribute paths of the section.
func (c *invocation) attributeHint(sec, path string) string {
	if sec == "" || strings.HasPrefix(sec, "?") {
		return ""
	}
	help := fmt.Sprintf("'appcmd set config -section:%s /?' lists its attributes", sec)
	sch := c.knownSection(sec)
	if sch == nil {
		return help
	}
	cands := prefixed("/", attributePaths(sch.Root, true))
	// A misspelt general parameter (-comit:) reads as an attribute.
	if cmd := lookupCommand(c.Object, c.Verb); cmd != nil {
		cands = append(cands, prefixed("-", append(append([]string{}, cmd.takes...), universalParams...))...)
	}
	if near := closest("/"+path, cands); len(near) > 0 {
		return "did you mean " + orList(near) + "? " + help
	}
	return help
}

// valueHint: what the attribute accepts.
func (c *invocation) valueHint(sec, attr string) string {
	if sec == "" {
		sec = objectSections[c.Object]
	}
	if sec == "" {
		return ""
	}
	sch := c.knownSection(sec)
	if sch == nil {
		return ""
	}
	a := findAttribute(sch.Root, attr)
	if a == nil {
		return ""
	}
	if allowed := allowedValues(a); allowed != "" {
		return fmt.Sprintf("%s takes %s", a.Name, allowed)
	}
	return ""
}

// objectSections are the sections the object verbs edit.
var objectSections = map[string]string{
	"SITE": "system.applicationHost/sites", "APP": "system.applicationHost/sites", "VDIR": "system.applicationHost/sites",
	"APPPOOL": "system.applicationHost/applicationPools", "MODULE": "system.webServer/modules",
}

// findAttribute finds an attribute by name or dotted path in a schema element.
func findAttribute(e *section.Element, path string) *section.Attribute {
	if a := e.Attribute(path); a != nil {
		return a
	}
	if head, rest, ok := strings.Cut(path, "."); ok {
		for _, ch := range e.Elements {
			if strings.EqualFold(ch.Name, head) {
				return findAttribute(ch, rest)
			}
		}
	}
	for _, ch := range e.Elements {
		if a := findAttribute(ch, path); a != nil {
			return a
		}
	}
	if e.Collection != nil {
		for _, n := range e.Collection.AddElements {
			if it := e.Collection.ItemFor(n); it != nil {
				if a := findAttribute(it, path); a != nil {
					return a
				}
			}
		}
	}
	return nil
}

// allowedValues describes the values an attribute accepts: its enum or
// flag names, its range, or its type; "" for a free string.
func allowedValues(a *section.Attribute) string {
	switch {
	case len(a.Enums) > 0:
		return "one of " + joinNamed(a.Enums, ", ")
	case len(a.Flags) > 0:
		return "a comma-separated list of " + joinNamed(a.Flags, ", ")
	case a.Type == section.KindBool:
		return "true or false"
	}
	v := a.Validator
	if v != nil {
		switch v.Type {
		case section.ValidateIntegerRange:
			if v.Exclude {
				return fmt.Sprintf("an integer outside %d..%d", v.Min, v.Max)
			}
			return fmt.Sprintf("an integer in %d..%d", v.Min, v.Max)
		case section.ValidateTimeSpanRange:
			r := fmt.Sprintf("a time span (hh:mm:ss) in %s..%s", seconds(v.Min), seconds(v.Max))
			if v.Granularity > 1 {
				r += fmt.Sprintf(", a multiple of %s", seconds(v.Granularity))
			}
			return r
		case section.ValidateNonEmptyString:
			return "a non-empty string"
		}
		if v.Parameter != "" {
			return fmt.Sprintf("a value valid for %s(%s)", v.Type, v.Parameter)
		}
		return "a value valid for " + v.Type
	}
	switch a.Type {
	case section.KindUint:
		return "an integer of 0 or more"
	case section.KindInt:
		return "an integer"
	case section.KindTimeSpan:
		return "a time span (hh:mm:ss)"
	}
	return ""
}

// seconds formats a number of seconds as IIS writes time spans.
func seconds(n int64) string {
	d := time.Duration(n) * time.Second
	days := int64(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	s := fmt.Sprintf("%02d:%02d:%02d", int64(d/time.Hour), int64(d/time.Minute)%60, int64(d/time.Second)%60)
	if days > 0 {
		s = fmt.Sprintf("%d.%s", days, s)
	}
	return s
}

// closest returns the candidates nearest to name by edit distance
// (ignoring case), at most three, within a distance that grows with the
// name's length; a candidate that starts with the name also counts.
func closest(name string, cands []string) []string {
	type scored struct {
		s string
		d int
	}
	limit := min(3, max(2, len(name)/4))
	lower := strings.ToLower(name)
	var got []scored
	seen := map[string]bool{}
	for _, c := range cands {
		lc := strings.ToLower(c)
		if seen[lc] || lc == lower {
			continue
		}
		seen[lc] = true
		d := editDistance(lower, lc)
		if d <= limit || (len(lower) >= 3 && strings.HasPrefix(lc, lower)) {
			got = append(got, scored{c, d})
		}
	}
	sort.SliceStable(got, func(i, j int) bool {
		if got[i].d != got[j].d {
			return got[i].d < got[j].d
		}
		return got[i].s < got[j].s
	})
	var out []string
	for i := 0; i < len(got) && i < 3; i++ {
		out = append(out, got[i].s)
	}
	return out
}

// editDistance is the Levenshtein distance of two strings, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func prefixed(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
