package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore"
)

// validate config [PATH]: every problem the configuration reader would
// refuse, in every file, without writing anything (docs/validate.md). The
// checks are configstore's own (Store.Validate), so validate reports
// exactly what a command or IIS would stop at.

type jsonFinding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func validateConfig(c *invocation) error {
	path := c.opts.ident
	for _, p := range c.opts.params {
		// An absolute POSIX path reads as a /parameter in AppCmd's grammar.
		if _, err := os.Stat(p.Raw); path == "" && strings.HasPrefix(p.Raw, "/") && err == nil {
			path = p.Raw
			continue
		}
		return unexpectedParam(p.Raw)
	}
	if path == "" {
		p, ok := c.existingAppHostPath()
		if !ok {
			return &configstore.ConfigFileError{File: p, Kind: configstore.ErrUnreadable, Description: configstore.DescCannotRead + ": no such file; name the file to check (appcmd validate config PATH)", Err: os.ErrNotExist}
		}
		path = p
	}
	info, err := os.Stat(path)
	if err != nil {
		return &configstore.ConfigFileError{File: path, Kind: configstore.ErrUnreadable, Description: configstore.DescCannotRead, Err: err}
	}
	if info.IsDir() {
		return &usageError{Message: fmt.Sprintf("%s is a folder: name a configuration file, e.g. %s", path, filepath.Join(path, "web.config")), Framed: true}
	}
	defer batchGC(info.Size())()
	opts := configstore.Options{AppHostPath: path, SchemaDirs: c.schemaDirs(), Env: c.getenv, Validating: true}
	var r *configstore.Report
	if isAppHostFile(path) {
		s, err := configstore.Open(opts)
		if err != nil {
			// A file that does not load is one finding (malformed XML,
			// bad declarations): the rest cannot be read.
			abs, _ := filepath.Abs(path)
			r = &configstore.Report{Findings: []configstore.Finding{configstore.FindingOf(err)}, Files: []string{abs}}
		} else {
			r = s.Validate()
			s.Close()
		}
	} else {
		r, err = configstore.ValidateWebConfig(path, opts)
		if err != nil {
			return err
		}
	}
	findings, files := r.Findings, r.Files
	if c.opts.json {
		out := struct {
			Valid     bool          `json:"valid"`
			Files     []string      `json:"files"`
			Findings  []jsonFinding `json:"findings"`
			Unchecked []string      `json:"unchecked"`
		}{Valid: len(findings) == 0, Files: files, Findings: []jsonFinding{}, Unchecked: append([]string{}, r.Unchecked...)}
		for _, f := range findings {
			out.Findings = append(out.Findings, jsonFinding{f.File, f.Line, f.Column, f.Rule, f.Message})
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		c.println(string(b))
	} else {
		// One write per 64 KiB, not per finding (10,000 on a generated
		// 50,000-site file); flushed before anything goes to stderr.
		w := bufio.NewWriterSize(c.ios.Out, 64<<10)
		for _, f := range findings {
			w.WriteString(lines(fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Column, f.Rule, oneLine(f.Message))))
		}
		w.Flush()
		if len(r.Unchecked) > 0 {
			c.notice(fmt.Sprintf("not checked (no schema here; add schema files with %s): %s", envSchemaPath, strings.Join(r.Unchecked, ", ")))
		}
		noun := "files"
		if len(files) == 1 {
			noun = "file"
		}
		if len(findings) == 0 {
			c.success(fmt.Sprintf("OK: no problems in %d %s", len(files), noun))
		} else {
			c.notice(fmt.Sprintf("%d problem(s) in %d %s checked", len(findings), len(files), noun))
		}
	}
	if len(findings) > 0 {
		// The findings are the output; only the exit code is left to give
		// (ERROR_INVALID_DATA, as for an invalid file in other commands).
		return &appcmdError{code: exitInvalidData}
	}
	return nil
}

// oneLine keeps a finding on one line, as editors and CI annotations read
// FILE:LINE:COL: lines.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// isAppHostFile tells an applicationHost.config (it has
// <system.applicationHost>, or is named so) from a web.config.
func isAppHostFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case base == "web.config":
		return false
	case strings.Contains(base, "applicationhost"):
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return true // Open reports it
	}
	defer f.Close()
	// The section group opens near the top of every applicationHost.config;
	// a web.config cannot hold it.
	head := make([]byte, 1<<20)
	n, _ := io.ReadFull(f, head)
	return bytes.Contains(head[:n], []byte("<system.applicationHost"))
}

// batchGC leaves the garbage collector off for one validate run until
// the heap nears a limit of the file's size (at least 48 MiB), unless
// GOGC or GOMEMLIMIT says otherwise: the run is short and its garbage
// dies with it, and collecting as it went cost about a fifth of its CPU
// on a 50,000-site file; the limit keeps the heap, and so peak memory,
// in step with the file (docs/performance.md). It returns what restores
// the settings.
func batchGC(fileSize int64) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := debug.SetMemoryLimit(max(fileSize, 48<<20))
	percent := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
