package cmd

import (
	"encoding/json"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// Every changing verb ends with save and then report: save writes the
// changed files (or, with -whatif, prints what would change and writes
// nothing); report prints the success lines, or with -json one result
// object that says whether anything changed (docs/output.md).

// saveState is what the last save did, for report.
type saveState struct {
	whatIf  bool
	files   []string // changed (or, with -whatif, would-change) files
	written bool
}

// save writes every changed file of the store as one step.
func (c *invocation) save(s *configstore.Store) error {
	changed := s.Changed()
	c.warnPlaintext(s)
	c.saved = &saveState{whatIf: c.opts.whatIf}
	for _, f := range changed {
		c.saved.files = append(c.saved.files, f.Path)
	}
	if c.saved.whatIf {
		// What a real run would refuse, -whatif refuses too.
		d, err := s.Diff()
		if err != nil {
			return err
		}
		if !c.opts.json {
			c.ios.Out.Write(d)
		}
		return nil
	}
	_, err := s.Save(c.historyHook(s))
	c.saved.written = err == nil && len(changed) > 0
	return err
}

// warnPlaintext says on stderr which encrypted attributes this command
// writes as clear text (-unencrypted): the value is readable by anyone who
// can read the file, unlike the encrypted form IIS Manager writes.
func (c *invocation) warnPlaintext(s *configstore.Store) {
	for _, a := range s.Plaintext() {
		c.notice("warning: \"" + a + "\" is written as clear text (-unencrypted): anyone who can read the configuration file can read it; IIS reads it as it is. Set it again with appcmd.exe or IIS Manager on Windows to store it encrypted.")
	}
}

// jsonResult is the -json form of a changing verb's result.
type jsonResult struct {
	Changed  bool     `json:"changed"`
	WhatIf   bool     `json:"whatif,omitempty"`
	Files    []string `json:"files"`
	Messages []string `json:"messages"`
}

// report prints the success lines of a changing verb.
func (c *invocation) report(msgs ...string) error {
	st := c.saved
	if st == nil {
		st = &saveState{}
	}
	if c.opts.json {
		r := jsonResult{Changed: len(st.files) > 0, WhatIf: st.whatIf, Files: st.files, Messages: msgs}
		if r.Files == nil {
			r.Files = []string{}
		}
		out, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		c.println(string(out))
		return nil
	}
	if st.whatIf {
		return nil // the diff is the output
	}
	for _, m := range msgs {
		c.success(m)
	}
	return nil
}
