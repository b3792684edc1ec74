package cmd

import (
	"fmt"
	"path"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// sectionArg returns the -section: value, or an error when required.
func (c *invocation) sectionArg(required bool) (string, error) {
	s, ok := c.opts.section, c.opts.hasSection
	if (!ok || s == "") && required {
		return "", &usageError{Framed: true,
			Message: "Must specify a section with -section:NAME, e.g. -section:system.webServer/webSocket. Use -section:? to list the sections."}
	}
	return s, nil
}

// listSectionNames prints section names for -section:? (optionally
// filtered by a wildcard pattern written after the '?').
func (c *invocation) listSectionNames(s *configstore.Store, pattern string) error {
	names := s.SectionNames()
	if id := c.identifier(); id != "" {
		// MACHINE and MACHINE/WEBROOT have only the .NET sections; a path
		// that names nothing is refused as every other command refuses it.
		cp, err := s.ResolveIdentifier(id)
		if err != nil {
			return err
		}
		names = s.SectionNamesAt(cp)
	}
	for _, n := range names {
		if pattern != "" {
			if ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(n)); !ok {
				continue
			}
		}
		c.println(n)
	}
	return nil
}

func listConfig(c *invocation) error {
	s, err := c.openStore(false)
	if err != nil {
		return err
	}
	defer s.Close()
	if sec := c.opts.section; strings.HasPrefix(sec, "?") {
		return c.listSectionNames(s, strings.TrimPrefix(sec, "?"))
	}
	if err := c.noParams(); err != nil {
		return err
	}
	cp, err := s.ResolveIdentifier(c.identifier())
	if err != nil {
		return err
	}
	var names []string
	if sec, _ := c.sectionArg(false); sec != "" {
		names = []string{sec}
	} else {
		names = s.SectionNamesAt(cp)
	}
	// -commit: the section as the file it names sees it: that file's
	// settings and those above it (list config /commit:MACHINE/WEBROOT/APPHOST
	// in appcmd.md §3.1).
	var through *configstore.File
	at := cp
	if c.opts.commit != "" {
		t, err := commit.ResolveTarget(s, cp, c.opts.commit)
		if err != nil {
			return err
		}
		// The server level committed to a file above it is that file's
		// own level (commit.ResolveTarget).
		through, at = t.File, t.Level
	}
	var effs []*configstore.Effective
	for _, n := range names {
		eff, err := s.EffectiveFor(at, n, through, false)
		if err != nil {
			return err
		}
		effs = append(effs, eff)
	}
	all := false
	if c.opts.config == "*" {
		all = true
	}
	var b strings.Builder
	switch text, hasText := c.opts.text, c.opts.hasText; {
	case c.opts.json:
		out, err := configJSON(effs)
		if err != nil {
			return err
		}
		b.Write(out)
	case c.opts.xml:
		b.WriteString(xmlHeader + "<appcmd>\n")
		for _, eff := range effs {
			configXML(&b, eff, all)
		}
		b.WriteString("</appcmd>")
	case hasText && text == "*":
		for _, eff := range effs {
			textAll(&b, eff)
		}
	case hasText && text != "":
		for _, eff := range effs {
			v, err := textValue(eff, text)
			if err != nil {
				return err
			}
			b.WriteString(v + "\n")
		}
	default:
		for _, eff := range effs {
			sectionXML(&b, eff, all)
		}
	}
	if b.Len() > 0 {
		c.println(strings.TrimSuffix(b.String(), "\n"))
	}
	return nil
}

// noParams refuses attribute parameters, for verbs that take none.
func (c *invocation) noParams() error {
	if len(c.Params) > 0 {
		return unexpectedParam(c.Params[0].Raw)
	}
	return nil
}

// unexpectedParam rejects a parameter the verb does not take.
func unexpectedParam(raw string) error {
	// The name only: "-lisen:127.0.0.1:0" is the unknown attribute "lisen".
	name, _, _ := strings.Cut(strings.TrimLeft(raw, "/-"), ":")
	return &usageError{Framed: true, Message: fmt.Sprintf("Unknown attribute %q.  Replace with -? for help.", name), Err: &unknownParamError{name}}
}

// changes turns the attribute operations into a change set. For set config
// every operation needs a value; clear config takes paths without values.
func (c *invocation) changes(clear bool) ([]commit.Change, error) {
	var out []commit.Change
	for _, p := range c.Params {
		ch := commit.Change{Path: p.Path, Value: p.Value}
		switch {
		case p.Op == opAdd:
			ch.Kind = commit.Add
		case p.Op == opRemove:
			ch.Kind = commit.Remove
		case clear:
			ch.Kind = commit.Clear
		case !p.HasValue:
			return nil, &usageError{Framed: true,
				Message: fmt.Sprintf("The parameter %q needs a value, e.g. %s:VALUE (use clear config to remove a value).", p.Raw, p.Raw)}
		default:
			ch.Kind = commit.Set
		}
		out = append(out, ch)
	}
	return out, nil
}

// applyConfig runs a change set against one section and saves it.
func (c *invocation) applyConfig(clear bool, extra ...commit.Change) (*commit.Result, configstore.ConfigPath, error) {
	sec, err := c.sectionArg(true)
	if err != nil {
		return nil, configstore.ConfigPath{}, err
	}
	chs, err := c.changes(clear)
	if err != nil {
		return nil, configstore.ConfigPath{}, err
	}
	chs = append(chs, extra...)
	s, err := c.openStore(true)
	if err != nil {
		return nil, configstore.ConfigPath{}, err
	}
	defer s.Close()
	cp, err := s.ResolveIdentifier(c.identifier())
	if err != nil {
		return nil, cp, err
	}
	commitTo := c.opts.commit
	res, err := commit.Apply(s, commit.Request{Section: sec, Level: cp, Commit: commitTo, Changes: chs})
	if err != nil {
		return nil, cp, err
	}
	if err := c.save(s); err != nil {
		return nil, cp, err
	}
	return res, cp, nil
}

func setConfig(c *invocation) error {
	if c.Stdin {
		return setConfigIn(c)
	}
	if sec := c.opts.section; strings.HasPrefix(sec, "?") {
		s, err := c.openStore(false)
		if err != nil {
			return err
		}
		defer s.Close()
		return c.listSectionNames(s, strings.TrimPrefix(sec, "?"))
	}
	if len(c.Params) == 0 {
		return &usageError{Framed: true, Message: "Nothing to set: give attributes such as /enabled:true, or collection edits such as /+[name='x']."}
	}
	res, cp, err := c.applyConfig(false)
	if err != nil {
		return err
	}
	return c.report(fmt.Sprintf("Applied configuration changes to section %q for %q at configuration commit path %q", res.Section, cp.String(), res.Target.CommitPath().String()))
}

func clearConfig(c *invocation) error {
	var extra []commit.Change
	if len(c.Params) == 0 {
		extra = append(extra, commit.Change{Kind: commit.Clear})
	}
	res, cp, err := c.applyConfig(true, extra...)
	if err != nil {
		return err
	}
	return c.report(fmt.Sprintf("Cleared section %q at configuration path %q", res.Section, cp.String()))
}

func resetConfig(c *invocation) error {
	if err := c.noParams(); err != nil {
		return err
	}
	res, cp, err := c.applyConfig(true, commit.Change{Kind: commit.Clear})
	if err != nil {
		return err
	}
	return c.report(fmt.Sprintf("Cleared section %q at configuration path %q", res.Section, cp.String()),
		fmt.Sprintf("Reset section %q to default values", res.Section))
}

func lockConfig(c *invocation) error   { return c.setLock("Deny", "Locked") }
func unlockConfig(c *invocation) error { return c.setLock("Allow", "Unlocked") }

// setLock writes the section's overrideMode in a <location> tag of
// applicationHost.config for the identified path.
func (c *invocation) setLock(mode, verb string) error {
	sec, err := c.sectionArg(true)
	if err != nil {
		return err
	}
	if err := c.noParams(); err != nil {
		return err
	}
	s, err := c.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	cp, err := s.ResolveIdentifier(c.identifier())
	if err != nil {
		return err
	}
	name, err := commit.SetOverrideMode(s, sec, cp, mode)
	if err != nil {
		return err
	}
	if err := c.save(s); err != nil {
		return err
	}
	return c.report(fmt.Sprintf("%s section %q at configuration path %q.", verb, name, cp.String()))
}
