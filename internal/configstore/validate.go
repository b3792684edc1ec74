package configstore

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Validation (appcmd validate config) reports every section instance the
// reader would refuse, in every file: the same checks that Effective runs
// (checkInstance, mergeElement), one instance at a time, so a file is read
// once and a 50,000-location applicationHost.config costs one pass rather
// than one Effective per location.

// Finding is one problem of a configuration file.
type Finding struct {
	File    string
	Line    int
	Column  int
	Rule    string // short name of the rule broken (RuleOf)
	Message string
	Err     error
}

// Report is the result of a validation.
type Report struct {
	Findings []Finding
	Files    []string // the files read
	// Unchecked are declared sections without a schema here (IIS
	// extensions whose schema files are not installed, .NET sections):
	// IIS reads them only with their schema, so they are not findings.
	Unchecked []string
}

// Rules of Finding.Rule.
const (
	RuleMalformed        = "malformed"         // not well-formed XML, bad root, bad <location>
	RuleUnreadable       = "unreadable"        // cannot be read
	RuleUnknownSection   = "unknown-section"   // not declared, or no schema
	RuleUnknownAttribute = "unknown-attribute" // not in the section's schema
	RuleUnknownElement   = "unknown-element"   // not in the section's schema
	RuleInvalidValue     = "invalid-value"     // rejected by the type or validator
	RuleDuplicateKey     = "duplicate-key"     // a collection key added twice
	RuleMissingRequired  = "missing-required"  // a required attribute left out
	RuleSectionTwice     = "section-twice"     // one section twice for one level in one file
	RuleLocked           = "locked"            // set where a parent level locks it
	RuleNotAllowedHere   = "not-allowed-here"  // allowDefinition or allowLocation forbids the place
	RuleInvalid          = "invalid"           // anything else the reader refuses
)

// ruleOf names the rule an error of the reader breaks.
func ruleOf(err error) string {
	var cfe *ConfigFileError
	if !errors.As(err, &cfe) {
		if errors.As(err, new(*UnknownSectionError)) {
			return RuleUnknownSection
		}
		return RuleInvalid
	}
	d := cfe.Description
	has := func(format string) bool {
		p, _, _ := strings.Cut(format, "%")
		return strings.HasPrefix(d, p)
	}
	switch {
	case cfe.Kind == ErrUnreadable:
		return RuleUnreadable
	case has(DescNotWellFormed), strings.HasPrefix(d, "The root element"), has(DescBothOverride),
		strings.HasPrefix(d, "The overrideMode"), strings.HasPrefix(d, "The allowOverride"), strings.HasPrefix(d, "Invalid location path"):
		return RuleMalformed
	case has(DescMissingDecl), has(DescMissingSchema), strings.HasPrefix(d, "Unrecognized configuration section"):
		return RuleUnknownSection
	case has(DescUnrecognizedAtt):
		return RuleUnknownAttribute
	case has(DescUnrecognizedEl):
		return RuleUnknownElement
	case strings.HasPrefix(d, "Invalid value"):
		return RuleInvalidValue
	case has(DescDuplicate), has(DescDuplicateCombo):
		return RuleDuplicateKey
	case has(DescMissingRequired):
		return RuleMissingRequired
	case has(DescSectionTwice):
		return RuleSectionTwice
	case has(DescNotInLocation), strings.HasPrefix(d, "This configuration section cannot be used at this path. The section is registered"):
		return RuleNotAllowedHere
	case cfe.Kind == ErrLocked:
		return RuleLocked
	}
	return RuleInvalid
}

// Validate checks applicationHost.config and every web.config its virtual
// directories reach (their physical folders and the folders below them,
// as IIS reads a web.config in any folder it serves). Nothing is written
// or created. Findings are sorted by file and line.
func (s *Store) Validate() *Report { return s.validate(false, true) }

// validate is Validate; exact merges every entry (no quickEntry), and
// split checks applicationHost.config's <location> tags on another
// goroutine (appHost), for tests that compare them.
func (s *Store) validate(exact, split bool) *Report { return s.validateWith(exact, split, 0) }

// validateWith is validate with the web.config search given to one
// goroutine (locPass.discoverOn), for tests.
func (s *Store) validateWith(exact, split bool, discoverOn int) *Report {
	s.validating = true
	v := &validator{s: s, seen: map[string]bool{}, unchecked: map[string]bool{}, files: []string{s.apphost.Path}, exact: exact, split: split, discoverOn: discoverOn}
	// machine.config and the root web.config, when they exist: IIS reads
	// them first for every path.
	for i, f := range s.tops() {
		if f.doc != nil {
			v.files = append(v.files, f.Path)
			v.file(f, s.tops()[:i+1])
		}
	}
	v.file(s.apphost, []*File{s.apphost})
	if v.pass == nil || v.pass.claim(false) {
		// (Else the <location> pass does it, after its own checks: the
		// goroutine free first takes it. The findings come out in the
		// same place either way: join.)
		v.discover()
	}
	v.join()
	for _, h := range v.hits {
		v.webConfig(h.cp, h.path)
	}
	return v.report()
}

// discover finds the web.config files below every virtual directory
// (v.hits), reading the sites as Sites reads them, one at a time: 50,000
// read sites (and the elements they hold) are never kept at once.
func (v *validator) discover() {
	sites, defs, err := v.sitesSection()
	if err != nil {
		v.add(err, nil)
		return
	}
	if sites == nil {
		return
	}
	if r, ok := sites.Raw(); ok {
		r.EachChild(func(c xmldoc.Raw) bool {
			if c.NameIs("site") {
				v.siteRaw(c, defs)
			}
			return true
		})
		return
	}
	sites.EachChildNamed("site", func(e *xmldoc.Element) bool {
		site := v.s.readSite(e, defs)
		for _, app := range site.Apps {
			for _, vd := range app.VDirs {
				v.vdir(site, vd)
			}
		}
		return true
	})
}

// sitesSection is Store.sitesSection, from the file level's walk where
// it found the section (noteTop): the first instance Store.sitesSection
// finds, the file level's coming before any <location>'s. Then the
// 50,000 <location> tags are not searched again. A section whose
// settings are in a configSource file is left to Store.sitesSection.
func (v *validator) sitesSection() (*xmldoc.Element, siteDefaults, error) {
	in := v.topSites
	if in == nil || in.Source != nil {
		return v.s.sitesSection()
	}
	if _, ok := in.Element.Attr("configSource"); ok {
		return v.s.sitesSection()
	}
	defs := v.s.readSiteDefaults(in.Element)
	defs.file = in.File.Path
	return in.Element, defs, nil
}

// noteTop notes the sites section among the file level's instances of
// applicationHost.config (validator.sitesSection).
func (fc *fileCheck) noteTop() {
	if fc.f != fc.v.s.apphost {
		return
	}
	for _, in := range fc.top {
		if in.Location == nil && in.Name == "system.applicationHost/sites" {
			fc.v.topSites = in
			return
		}
	}
}

// readSiteRaw is readSite's names, applications and virtual directories
// (what validate needs to find web.config files) from the source, without
// building the elements or the bindings. Each application is read when it
// is met, so its end is known without a second scan (Raw.EachChild); the
// defaults of virtualDirectoryDefaults (the first one of the site and of
// each application, wherever it stands) are applied once all is read.
func readSiteRaw(e xmldoc.Raw, defs siteDefaults) *Site {
	site := &Site{File: defs.file}
	site.Name, _ = e.Attr("name")
	site.ID, _ = e.Attr("id")
	subDir := defs.allowSubDirConfig
	siteDefaults := false
	type appRead struct {
		subDir, set bool   // the application's own default, if given
		sub         string // its value
		own         []bool // per virtual directory: allowSubDirConfig given
	}
	var reads []appRead
	e.EachChild(func(c xmldoc.Raw) bool {
		switch {
		case c.NameIs("application"):
			app := &App{Site: site}
			app.Path, _ = c.Attr("path")
			var rd appRead
			c.EachChild(func(r xmldoc.Raw) bool {
				switch {
				case r.NameIs("virtualDirectory"):
					vd := &VDir{App: app}
					vd.Path, _ = r.Attr("path")
					vd.PhysicalPath, _ = r.Attr("physicalPath")
					x, own := r.Attr("allowSubDirConfig")
					if own {
						vd.AllowSubDirConfig = !strings.EqualFold(x, "false")
					}
					rd.own = append(rd.own, own)
					app.VDirs = append(app.VDirs, vd)
				case !rd.subDir && r.NameIs("virtualDirectoryDefaults"):
					rd.subDir = true
					rd.sub, rd.set = r.Attr("allowSubDirConfig")
				}
				return true
			})
			site.Apps = append(site.Apps, app)
			reads = append(reads, rd)
		case !siteDefaults && c.NameIs("virtualDirectoryDefaults"):
			siteDefaults = true
			if x, ok := c.Attr("allowSubDirConfig"); ok {
				subDir = x
			}
		}
		return true
	})
	for i, app := range site.Apps {
		sub := subDir
		if reads[i].set {
			sub = reads[i].sub
		}
		for j, vd := range app.VDirs {
			if !reads[i].own[j] {
				vd.AllowSubDirConfig = !strings.EqualFold(sub, "false")
			}
		}
	}
	return site
}

func (v *validator) report() *Report {
	v.join()
	sort.SliceStable(v.out, func(i, j int) bool {
		a, b := v.out[i], v.out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	r := &Report{Findings: v.out, Files: v.files}
	for n := range v.unchecked {
		r.Unchecked = append(r.Unchecked, n)
	}
	sort.Strings(r.Unchecked)
	return r
}

// ValidateWebConfig checks one web.config on its own, as the configuration
// of a site (MACHINE/WEBROOT/APPHOST/Default Web Site) of the stock
// applicationHost.config: the sections it may use, their locks and schema.
func ValidateWebConfig(path string, opts Options) (*Report, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// The stock file is read from memory: nothing is written anywhere.
	host := filepath.Join(filepath.Dir(abs), "(stock applicationHost.config)")
	schema := section.Builtin()
	if err := section.LoadDirs(schema, opts.SchemaDirs); err != nil {
		return nil, err
	}
	s := &Store{schema: schema, env: opts.Env, files: map[string]*File{}, fileErr: map[string]error{},
		defaults: defaultsCache{}, rename: os.Rename, noMap: true}
	if s.env == nil {
		s.env = os.LookupEnv
	}
	ah, err := parseFile(host, ServerPath, DefaultConfig(host), xmldoc.Options{})
	if err != nil {
		return nil, err
	}
	ah.AppHost, ah.exists, ah.declared = true, true, newRegistry()
	if err := ah.declared.readDeclarations(ah.Path, ah.doc); err != nil {
		return nil, err
	}
	s.apphost = ah
	cp := SitePath("Default Web Site")
	v := &validator{s: s, seen: map[string]bool{}, unchecked: map[string]bool{}}
	v.files = []string{abs}
	f, err := s.load(abs, cp, false)
	if err != nil {
		v.add(err, nil)
		return v.report(), nil
	}
	if f.declared, err = s.apphost.declared.below(f); err != nil {
		v.add(err, f)
		return v.report(), nil
	}
	v.file(f, []*File{s.apphost, f})
	return v.report(), nil
}

type validator struct {
	s           *Store
	out         []Finding
	files       []string              // files checked
	unchecked   map[string]bool       // declared sections without a schema
	seen        map[string]bool       // findings reported (findingKey)
	checked     map[string]bool       // web.config files checked or refused (webConfig)
	lines       map[*File]*lineCursor // where lines start, for columns
	ups         map[string]*mergedUp
	exact       bool // merge every entry (no quickEntry)
	kinds       map[kindKey]int
	lkey        []byte // levelKeyBytes
	keys        map[*EffElement]map[string]bool
	ids         map[*SectionInstance]int // idOf
	buf         []byte                   // keys being built
	missing     map[string]bool          // folders that do not exist (noteMissing)
	lowers      map[string]string        // lower-case section names
	decls       map[kindKey]declSchema   // declarations and schemas (declaration)
	recentDecls [8]recentDecl            // the last ones asked for
	fulls       map[string]fullName      // names below <location> (fullName)
	nbuf        []byte                   // a name being built
	insts       []*SectionInstance       // instance's list, reused
	dirs        map[string]string        // expanded folders (expand)
	present     map[string]bool          // folders that do
	rawMissing  map[string]bool          // folder parts as written known missing (noteMissingRaw)
	lastMissing string                   // the one of them found last (knownMissingRaw)
	rawLens     uint64                   // bit n%64 set: a part of n bytes in rawMissing
	hits        []webConfigHit           // web.config files found (vdir)
	roots       []string                 // a site's folders (siteRaw), reused
	// split runs applicationHost.config's <location> pass on another
	// goroutine (appHost); pass is that pass.
	split bool
	pass  *locPass
	errs  int // errors added (before dropping those reported already)
	// topSites is applicationHost.config's file level sites section
	// (noteTop).
	topSites   *SectionInstance
	discoverOn int // locPass.discoverOn
}

// webConfigHit is a web.config file found below a virtual directory, and
// its level.
type webConfigHit struct {
	cp   ConfigPath
	path string
}

// add records an error of the reader as a finding, once.
func (v *validator) add(err error, f *File) {
	v.errs++
	fd := Finding{Rule: ruleOf(err), Message: err.Error(), Err: err}
	var cfe *ConfigFileError
	if errors.As(err, &cfe) {
		fd.File, fd.Line, fd.Message = cfe.File, cfe.Line, cfe.Description
		var se *xmldoc.SyntaxError
		if errors.As(err, &se) {
			fd.Column = se.Column
		} else if f != nil && f.doc != nil && f.Path == cfe.File {
			fd.Column = column(f.doc.Source(), v.lineStart(f, cfe.Line), cfe.Description)
		}
	} else if f != nil {
		fd.File = f.Path
	}
	v.keep(fd)
}

// keep records a finding, once.
func (v *validator) keep(fd Finding) {
	key := findingKey(fd)
	if v.seen[key] {
		return
	}
	v.seen[key] = true
	v.out = append(v.out, fd)
}

// findingKey is what two findings reported once have in common
// (separated: file "a1" line 2 is not file "a" line 12).
func findingKey(fd Finding) string {
	return fd.File + "\x00" + strconv.Itoa(fd.Line) + "\x00" + fd.Message
}

// quotedName finds the attribute or element a description names. Compiled
// on first use, not at start-up: most commands never need it.
var quotedName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:attribute|element) '([^']+)'`)
})

// describedName is the name quotedName finds in a description,
// remembered: a file's findings often share their description (10,000
// duplicates of one default document).
func describedName(desc string) (string, bool) {
	described.Lock()
	defer described.Unlock()
	if n, ok := described.names[desc]; ok {
		return n.name, n.ok
	}
	var n describedEntry
	if m := quotedName().FindStringSubmatch(desc); m != nil {
		n.name, n.ok = m[1], true
	}
	if described.names == nil || len(described.names) >= 1024 {
		described.names = map[string]describedEntry{}
	}
	described.names[desc] = n
	return n.name, n.ok
}

var described struct {
	sync.Mutex
	names map[string]describedEntry
}

type describedEntry struct {
	name string
	ok   bool
}

// lineStart returns the byte offset of a 1-based line of f. Findings
// come roughly in file order, so it counts line breaks from the line
// asked for last, or from the document's block index: an index of every
// line of a 74 MiB file would touch every page and hold megabytes.
func (v *validator) lineStart(f *File, line int) int {
	if v.lines == nil {
		v.lines = map[*File]*lineCursor{}
	}
	c := v.lines[f]
	if c == nil {
		c = &lineCursor{line: 1}
		v.lines[f] = c
	}
	if line <= 0 {
		return -1
	}
	if line < c.line || line-c.line > 1000 {
		// far off: from the document's block index (one block's count)
		off := f.doc.LineStart(line)
		if off < 0 {
			return -1
		}
		c.line, c.off = line, off
		return off
	}
	src := f.doc.Source()
	for c.line < line {
		j := bytes.IndexByte(src[c.off:], '\n')
		if j < 0 {
			return -1
		}
		c.off += j + 1
		c.line++
	}
	return c.off
}

// lineCursor is the start (off) of one line of a file.
type lineCursor struct{ line, off int }

// column is the 1-based column of what a finding on the line starting at
// start is about: the attribute or element its description names, else
// the first tag.
func column(src []byte, start int, desc string) int {
	if start < 0 {
		return 0
	}
	end := bytes.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src) - start
	}
	text := bytes.TrimSuffix(src[start:start+end], []byte("\r"))
	at := -1
	if name, ok := describedName(desc); ok {
		if i := bytes.Index(text, []byte(name+"=")); i >= 0 {
			at = i
		} else if i := bytes.Index(text, []byte("<"+name)); i >= 0 {
			at = i
		}
	}
	if at < 0 {
		at = bytes.IndexByte(text, '<')
	}
	if at < 0 {
		at = len(text) - len(bytes.TrimLeft(text, " \t"))
	}
	return 1 + utf8.RuneCount(text[:at])
}

// vdir finds the web.config files of one virtual directory's folder tree
// (v.hits), to check once the <location> pass is done: only the files of
// applicationHost.config are read while it runs.
func (v *validator) vdir(site *Site, vd *VDir) {
	if root, _ := v.vdirRoot(vd.PhysicalPath); root != "" {
		v.vdirIn(site, vd, root)
	}
}

// vdirRoot is the folder of a virtual directory's physical path, or ""
// when there is none to read; top is a folder above it known not to
// exist, if any (noteMissingRaw may then note the path as written).
func (v *validator) vdirRoot(physicalPath string) (root, top string) {
	root = v.expand(physicalPath)
	if root == "" {
		return "", ""
	}
	if top = v.missingTop(root); top != "" {
		return "", top // below a folder that does not exist
	}
	info, err := os.Stat(root)
	if err != nil || !info.IsDir() {
		if errors.Is(err, fs.ErrNotExist) {
			if t := v.noteMissing(root); t != root {
				top = t
			}
		}
		return "", top // IIS answers 500 for the folder itself; nothing to read here
	}
	return root, ""
}

// siteRaw is vdir for each virtual directory of a site read from the
// source: their folders first, and the site itself (readSiteRaw) only
// when one of them exists, which most of 50,000 sites' need not.
func (v *validator) siteRaw(e xmldoc.Raw, defs siteDefaults) {
	if v.siteMissing(e.Body()) {
		return // every folder below one known missing, read from the source
	}
	roots := v.roots[:0]
	found := false
	e.EachChild(func(c xmldoc.Raw) bool {
		if c.NameIs("application") {
			c.EachChild(func(r xmldoc.Raw) bool {
				if r.NameIs("virtualDirectory") {
					p, _ := attrRaw(r, "physicalPath") // as written: most are answered from it (rawRoot)
					root := v.rawRoot(r, p)
					roots = append(roots, root)
					found = found || root != ""
				}
				return true
			})
		}
		return true
	})
	v.roots = roots
	if !found {
		return
	}
	site := readSiteRaw(e, defs)
	i := 0
	for _, app := range site.Apps {
		for _, vd := range app.VDirs {
			if roots[i] != "" {
				v.vdirIn(site, vd, roots[i])
			}
			i++
		}
	}
}

// vdirIn finds the web.config files below root, the folder of vd.
func (v *validator) vdirIn(site *Site, vd *VDir, root string) {
	base := SitePath(site.Name)
	if u := strings.Trim(vd.URLPath(), "/"); u != "" {
		if p, err := base.Join(u); err == nil {
			base = p
		}
	}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != root && (!vd.AllowSubDirConfig || strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.EqualFold(d.Name(), "web.config") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		cp := base
		if rel != "." {
			if cp, err = base.Join(filepath.ToSlash(rel)); err != nil {
				return nil
			}
		}
		v.hits = append(v.hits, webConfigHit{cp, p})
		return nil
	})
}

// expand is ExpandPath, with the folder part of a path expanded once
// for all the paths in that folder (100,000 virtual directories in a few
// folders, each level once): where '/' separates, ExpandPath(dir\last) is
// Join(ExpandPath(dir), last) when that is absolute and last is a plain
// name without '%'. Anything else is expanded whole.
func (v *validator) expand(p string) string {
	i := strings.LastIndexAny(p, `\/`)
	if filepath.Separator != '/' || i <= 0 {
		return v.s.ExpandPath(p)
	}
	dir, last := p[:i], p[i+1:]
	if last == "" || last == "." || last == ".." || strings.ContainsRune(last, '%') {
		return v.s.ExpandPath(p)
	}
	d, ok := v.dirs[dir]
	if !ok {
		d = v.expand(dir) // its own folder from the memo too
		if v.dirs == nil || len(v.dirs) >= 4096 {
			v.dirs = map[string]string{}
		}
		v.dirs[dir] = d
	}
	if !filepath.IsAbs(d) {
		return v.s.ExpandPath(p)
	}
	// filepath.Join(d, last): d is clean (Clean or Join made it) and
	// last a plain name, so Join would clean nothing.
	if strings.HasSuffix(d, "/") {
		return d + last
	}
	return d + "/" + last
}

// missingTop is the folder above path known not to exist (noteMissing),
// or "": then path does not either, and 50,000 virtual directories below
// one missing folder cost one stat each no more.
func (v *validator) missingTop(path string) string {
	if len(v.missing) == 0 {
		return ""
	}
	for d := filepath.Dir(path); ; {
		if v.missing[d] {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return ""
		}
		d = up
	}
}

// noteMissing records the highest missing folder at or above a path that
// does not exist: a path resolves folder by folder, so nothing below it exists
// either. A parent seen to exist is remembered, so virtual directories
// side by side in one existing folder cost one stat of it in all. It
// returns the folder recorded.
func (v *validator) noteMissing(path string) string {
	top := path
	for d := filepath.Dir(path); !v.present[d]; {
		_, err := os.Stat(d)
		if err == nil {
			if v.present == nil {
				v.present = map[string]bool{}
			}
			v.present[d] = true
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			break
		}
		top = d
		up := filepath.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	if v.missing == nil {
		v.missing = map[string]bool{}
	}
	v.missing[top] = true
	return top
}

// webConfig checks the web.config of level cp, reading it (and the files
// above it) through Chain, as every command does.
func (v *validator) webConfig(cp ConfigPath, path string) {
	if v.checked == nil {
		v.checked = map[string]bool{}
	}
	chain, err := v.s.Chain(cp)
	if err != nil {
		if !v.checked[path] {
			v.checked[path] = true
			v.files = append(v.files, path)
		}
		v.add(err, nil)
		return
	}
	f := chain[len(chain)-1]
	if f.AppHost || !f.ConfigPath.Equal(cp) || f.doc == nil || v.checked[f.Path] {
		return
	}
	v.checked[f.Path] = true
	v.files = append(v.files, f.Path)
	v.file(f, chain)
}

// file checks every section instance of one file; chain is the file and
// the files above it.
func (v *validator) file(f *File, chain []*File) {
	if f.doc == nil {
		return
	}
	if f == v.s.apphost && v.pass == nil && v.split {
		v.appHost(f, chain)
		return
	}
	v.newFileCheck(f, chain).all()
}

// fileCheck is the check of one file's section instances. Instances are
// checked as they are found and then dropped, so a file with 50,000
// <location> tags is not held in memory at once. Only the instances
// another one inherits from are kept (byLevel): the file level's, and
// those of <location> levels that lie above another <location>.
type fileCheck struct {
	v       *validator
	f       *File
	chain   []*File
	byLevel map[string][]*SectionInstance
	deepest int // the depth of the deepest level in byLevel
	top     []*SectionInstance
	// seen is the sections seen at each level, for DescSectionTwice: the
	// instances checked together are those of one level.
	seen   levelSeen
	bodies map[uint64]checkedBody // <location> texts checked (textDecides)
	insts  []*SectionInstance     // one <location>'s, reused
	// joined: the findings are deduplicated again by join (locPass), so
	// a text checked again adds its own without a key (checkedAgain).
	joined bool
}

func (v *validator) newFileCheck(f *File, chain []*File) *fileCheck {
	return &fileCheck{v: v, f: f, chain: chain, byLevel: map[string][]*SectionInstance{}}
}

// all checks the file, one step after the other (appHost runs the steps
// on two goroutines).
func (fc *fileCheck) all() {
	fc.walkTop()
	fc.above()
	fc.checkTop()
	fc.locations()
}

func (fc *fileCheck) keep(in *SectionInstance) {
	k := fc.v.levelKey(in.Name, in.Config)
	fc.byLevel[k] = append(fc.byLevel[k], in)
	fc.deepest = max(fc.deepest, in.Config.Depth())
}

// walkTop collects the instances of the file's own level.
func (fc *fileCheck) walkTop() { fc.walkTopNoting(nil) }

// walkTopNoting is walkTop; given above, it also notes there the levels
// the <location> tags lie above (above's first half, for keepAbove) in
// the same walk, and reports whether it did: with 50,000 <location> tags
// each walk touches the whole file again (its pages are let go behind
// it: Options.Evict). false where the walk does not read the file raw.
func (fc *fileCheck) walkTopNoting(above map[string]bool) bool {
	f, v := fc.f, fc.v
	noted := false
	if r, ok := f.doc.Root().Raw(); ok && !v.exact {
		child := func(c xmldoc.Raw) bool {
			v.walkRawChild(f, c, "", nil, f.ConfigPath, &fc.top)
			return true
		}
		if above == nil {
			// Raw, and the 50,000 <location> tags (member: kindSkip)
			// passed by the index alone, with no tag read.
			r.EachChildExcept("location", child)
		} else {
			r.EachChild(func(c xmldoc.Raw) bool {
				if c.NameIs("location") {
					fc.noteAbove(above, c) // (member: kindSkip)
					return true
				}
				return child(c)
			})
			noted = true
		}
	} else {
		v.walk(f, f.doc.Root(), "", nil, f.ConfigPath, &fc.top)
	}
	for _, in := range fc.top {
		fc.keep(in)
	}
	fc.noteTop()
	return noted
}

// above collects the instances of the <location> tags that lie above
// another one.
func (fc *fileCheck) above() {
	root := fc.f.doc.Root()
	above := map[string]bool{}
	if r, ok := root.Raw(); ok {
		r.EachChild(func(c xmldoc.Raw) bool {
			if c.NameIs("location") {
				fc.noteAbove(above, c)
			}
			return true
		})
	} else {
		root.EachChildWhere("location", "path", func(p string, _ bool) bool {
			fc.noteAbovePath(above, p)
			return false
		}, func(*xmldoc.Element) bool { return true })
	}
	fc.keepAbove(above)
}

// noteAbovePath notes in above the levels between the file's and that
// of a <location> path (lower case).
func (fc *fileCheck) noteAbovePath(above map[string]bool, p string) {
	f := fc.f
	if !strings.ContainsAny(p, `/\`) {
		return // one segment: no level between it and the file's
	}
	if cp, err := f.ConfigPath.Join(p); err == nil {
		for d := f.ConfigPath.Depth() + 1; d < cp.Depth(); d++ {
			above[strings.ToLower(cp.Prefix(d).String())] = true
		}
	}
}

// keepAbove keeps the instances of the <location> tags at the levels
// noted in above.
func (fc *fileCheck) keepAbove(above map[string]bool) {
	f, v := fc.f, fc.v
	if len(above) == 0 {
		return
	}
	f.doc.Root().EachChildNamed("location", func(c *xmldoc.Element) bool {
		if loc, err := f.locationOf(c); err == nil && above[strings.ToLower(loc.Config.String())] {
			var insts []*SectionInstance
			v.walk(f, c, "", loc, loc.Config, &insts)
			for _, in := range insts {
				fc.keep(in)
			}
		}
		return true
	})
}

// check checks the instances of one level.
func (fc *fileCheck) check(insts []*SectionInstance, report bool) {
	if len(insts) == 0 {
		return
	}
	v, f := fc.v, fc.f
	cp := insts[0].Config
	at, h := fc.seen.find(v.levelBytes(cp))
	names := fc.seen.scratch[:0]
	if at >= 0 {
		names = append(names, fc.seen.levelNamesOf(at)...)
	}
	for _, in := range insts {
		name := v.lower(in.Name)
		if slices.Contains(names, name) {
			if report {
				v.add(&ConfigFileError{File: f.Path, Line: in.Element.Line(), Kind: ErrMalformed, Description: fmt.Sprintf(DescSectionTwice, in.Name)}, f)
			}
		} else {
			names = append(names, name)
		}
		if report {
			for _, err := range v.instance(in, fc.chain, fc.byLevel, fc.deepest) {
				v.add(err, f)
			}
		}
	}
	fc.seen.scratch = names
	fc.seen.keep(at, h, v.levelBytes(cp), names)
}

// checkTop checks the instances of the file's own level.
func (fc *fileCheck) checkTop() { fc.check(fc.top, true) }

// locations checks the instances of every <location> tag.
func (fc *fileCheck) locations() {
	root := fc.f.doc.Root()
	if r, ok := root.Raw(); ok && !fc.v.exact {
		// 50,000 <location> tags read from the source: only the location
		// and its section instances get an element (detached, read-only),
		// not the groups around them nor the lists of the root's children.
		r.EachChild(func(c xmldoc.Raw) bool {
			if c.NameIs("location") {
				fc.locationRaw(c)
			}
			return true
		})
		return
	}
	root.EachChildNamed("location", func(c *xmldoc.Element) bool {
		fc.location(c)
		return true
	})
}

// location checks the instances of one <location> tag.
func (fc *fileCheck) location(c *xmldoc.Element) {
	v, f := fc.v, fc.f
	loc, err := f.locationOf(c)
	if err != nil {
		v.add(err, f)
		return
	}
	fc.insts = fc.insts[:0]
	v.walk(f, c, "", loc, loc.Config, &fc.insts)
	fc.check(fc.insts, true)
}

// locationRaw is location from the source, with a text checked before
// not checked again where only the text decides (checkedBody).
func (fc *fileCheck) locationRaw(r xmldoc.Raw) {
	v, f := fc.v, fc.f
	// A text checked before at a level not seen before: from the tag's
	// path alone when it is plain (simpleLevel), without a Location.
	tried := false
	if fc.textMayDecide() {
		if key, depth, ok := fc.simpleLevel(r); ok && depth > f.ConfigPath.Depth() {
			if fc.checkedAgain(r.Body(), key, r) {
				return
			}
			tried = true
		}
	}
	// The attributes from the source; the element (for an error's line)
	// only when needed.
	loc, err := f.locationWith(nil, r.Attr)
	if err != nil {
		loc, err = f.locationWith(r.Element(), r.Attr)
	}
	if err != nil {
		v.add(err, f)
		return
	}
	var body []byte
	if fc.textDecides(loc) {
		body = r.Body()
		if !tried && fc.checkedAgain(body, v.levelBytes(loc.Config), r) {
			return
		}
	}
	loc.Element = r.Element()
	errs, out := v.errs, len(v.out)
	fc.insts = fc.insts[:0]
	v.walkRaw(f, r, "", loc, loc.Config, &fc.insts)
	fc.seedLines(r)
	fc.check(fc.insts, true)
	if body != nil {
		fc.noteChecked(body, fc.insts, r, v.out[out:], v.errs-errs != len(v.out)-out)
	}
}

// Checked bodies: the <location> tags of a large file often hold the
// same text (the same few settings for thousands of sites). What a
// <location> below the file's level reports depends only on its text
// when nothing else varies with its level (textDecides): the instances
// it inherits are the file level's alone (no <location> lies above
// another), no file above applicationHost.config is read (their
// <location> tags would lock by level: topMode), and none of its
// sections is MachineToApplication (checkAllowDefinition maps the path;
// noteChecked). Then a text is checked once: another <location> with the same
// text reports the same findings, each on the line as far below the
// text's first line, in the same column (a finding on the text's first or
// last line, which other text shares, is not kept: that text is checked
// each time). Its sections are noted for the level (DescSectionTwice),
// and a level seen before is checked in full.
type checkedBody struct {
	body       []byte       // the text
	start, end int32        // its sections (lower case), as check notes them: in fc.seen.names
	findings   []relFinding // what it reports
}

// relFinding is a finding of a checked body, its line counted from the
// body's first line.
type relFinding struct {
	fd   Finding
	down int
}

// textDecides reports whether a <location> at loc may use the checked
// bodies: one of applicationHost.config below its level, no instance
// kept (byLevel) below the file's level, no machine.config or root
// web.config read.
func (fc *fileCheck) textDecides(loc *Location) bool {
	return fc.textMayDecide() && loc.Config.Depth() > fc.f.ConfigPath.Depth()
}

// textMayDecide is textDecides but for the level of the <location>.
func (fc *fileCheck) textMayDecide() bool {
	s := fc.v.s
	return fc.f.AppHost && fc.deepest <= fc.f.ConfigPath.Depth() &&
		(s.machine == nil || s.machine.doc == nil) && (s.webroot == nil || s.webroot.doc == nil)
}

// checkedAgain reports whether body (of the <location> r, at the level
// of key: levelBytes) was checked before, and then reports its findings
// again and notes its sections for the level, as check would; false when
// the level was seen before (its sections must be compared: check does
// it all).
func (fc *fileCheck) checkedAgain(body []byte, key []byte, r xmldoc.Raw) bool {
	h := maphash.Bytes(levelSeed, body)
	cb, ok := fc.bodies[h]
	if !ok || !bytes.Equal(cb.body, body) {
		return false
	}
	v := fc.v
	at, lh := fc.seen.find(key)
	if at >= 0 {
		return false
	}
	fc.seen.keepRange(-1, lh, key, cb.start, cb.end)
	if len(cb.findings) > 0 {
		first := r.BodyLine()
		for _, rf := range cb.findings {
			fd := rf.fd
			fd.Line = first + rf.down
			cfe := *fd.Err.(*ConfigFileError)
			cfe.Line = fd.Line
			fd.Err = &cfe
			v.errs++
			if fc.joined {
				// Each on a line of this text alone (noteChecked):
				// no finding before is the same, and join drops any
				// after that is.
				v.out = append(v.out, fd)
			} else {
				v.keep(fd)
			}
		}
	}
	return true
}

// noteChecked records a body checked in full and what it reported
// (found: the findings it added, each once; dropped: it also reported one
// found before, or a section not checked, which found does not show).
func (fc *fileCheck) noteChecked(body []byte, insts []*SectionInstance, r xmldoc.Raw, found []Finding, dropped bool) {
	if dropped {
		return
	}
	v := fc.v
	var names []string
	for _, in := range insts {
		decl, _ := v.declaration(in.File.declared, in.Name)
		if strings.EqualFold(decl.AllowDefinition, "MachineToApplication") {
			return // depends on the level's place in its site
		}
		if name := v.lower(in.Name); !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	var rel []relFinding
	if len(found) > 0 {
		first, last := r.BodyLine(), r.BodyLine()+bytes.Count(body, []byte{'\n'})
		for _, fd := range found {
			cfe, ok := fd.Err.(*ConfigFileError)
			if !ok || fd.File != fc.f.Path || fd.Line <= first || fd.Line >= last || cfe.Line != fd.Line {
				return // a line other text shares, or an error of another kind
			}
			rel = append(rel, relFinding{fd, fd.Line - first})
		}
	}
	if fc.bodies == nil {
		fc.bodies = map[uint64]checkedBody{}
	}
	h := maphash.Bytes(levelSeed, body)
	if _, taken := fc.bodies[h]; !taken {
		start, end := fc.seen.addNames(names)
		fc.bodies[h] = checkedBody{bytes.Clone(body), start, end, rel}
	}
}

// locPass is the <location> pass of applicationHost.config, run beside
// the rest of the check (appHost): on its own validator over a fork of the
// store, so the two share nothing they write.
type locPass struct {
	run      func()
	done     chan struct{}
	panicked any
	// The pass's findings: those of the <location> tags above others
	// (collected before the file level is checked) and the others.
	above, rest []Finding
	found       []Finding      // of the web.config search (discover)
	hits        []webConfigHit // its web.config files
	unchecked   map[string]bool
	// marks is where the pass fits among the other goroutine's findings
	// (join): after the file level's walk, after its check.
	marks [2]int
	// started: run was started on its own goroutine (else join runs it:
	// one core).
	started bool
	// discovering: the web.config search is taken (claim); discoverOn
	// gives it to the first goroutine (1) or the pass (2) in tests.
	discovering atomic.Bool
	discoverOn  int
}

// appHost is file for applicationHost.config, with its <location> tags
// (50,000 with 50,000 sites) and then the web.config search (discover)
// on another goroutine, while this one checks the file level (the sites
// and pools); join merges the findings back into the order of the checks
// one after the other: the file level's walk, the <location> tags above
// others, the file level's check, the <location> tags, the search, and
// what this goroutine found after file returned.
func (v *validator) appHost(f *File, chain []*File) {
	t := v.s.fork()
	if t == nil {
		v.newFileCheck(f, chain).all()
		return
	}
	w := &validator{s: t, seen: map[string]bool{}, unchecked: map[string]bool{}, exact: v.exact}
	chain2 := slices.Clone(chain)
	for i, c := range chain2 {
		switch c {
		case v.s.apphost:
			chain2[i] = t.apphost
		case v.s.machine:
			chain2[i] = t.machine
		case v.s.webroot:
			chain2[i] = t.webroot
		}
	}
	p := &locPass{done: make(chan struct{}), discoverOn: v.discoverOn}
	p.run = func() {
		defer func() {
			p.panicked = recover()
			t.releaseAll()
			close(p.done)
		}()
		p.check(w.newFileCheck(t.apphost, chain2))
	}
	fc := v.newFileCheck(f, chain)
	fc.walkTop()
	p.marks[0] = len(v.out)
	v.pass = p
	if runtime.GOMAXPROCS(0) > 1 {
		p.started = true
		go p.run()
	} // else join runs it
	fc.checkTop()
	p.marks[1] = len(v.out)
}

// check is the pass's work on its own validator (fc.v): the <location>
// tags, then the web.config search, each one's findings kept apart.
func (p *locPass) check(fc *fileCheck) {
	w := fc.v
	fc.joined = true
	// The file level's walk (what the other goroutine reports too) and
	// the first half of above in one walk where it can.
	above := map[string]bool{}
	noted := fc.walkTopNoting(above)
	fc.check(fc.top, false)
	a := len(w.out)
	if noted {
		fc.keepAbove(above)
	} else {
		fc.above()
	}
	b := len(w.out)
	fc.locations()
	d := len(w.out)
	// The web.config search, unless the other goroutine was free first
	// (validate).
	if p.claim(true) {
		w.discover()
	}
	p.above, p.rest, p.found, p.unchecked, p.hits = w.out[a:b], w.out[b:d], w.out[d:], w.unchecked, w.hits
}

// claim reports whether the calling goroutine (the pass's, or the one
// that started it) is the first to ask for the web.config search, and
// so does it. Its findings come right after the pass's others in either
// case: the pass's come before what the other goroutine found after
// file returned (join), and the search is the first thing that one does
// then. discoverOn, when set, gives it to one side (tests).
func (p *locPass) claim(pass bool) bool {
	switch p.discoverOn {
	case 1:
		return !pass
	case 2:
		return pass
	}
	return p.discovering.CompareAndSwap(false, true)
}

// join waits for the <location> pass of appHost and merges its findings
// in (the order and the duplicates dropped as if the checks had run one
// after the other).
func (v *validator) join() {
	p := v.pass
	if p == nil || p.run == nil {
		return
	}
	if !p.started {
		p.run()
	}
	<-p.done
	p.run = nil
	if p.panicked != nil {
		panic(p.panicked)
	}
	out, m := v.out, p.marks
	v.out = make([]Finding, 0, len(out)+len(p.above)+len(p.rest))
	seen := map[string]bool{}
	v.hits = append(p.hits, v.hits...)
	for _, part := range [][]Finding{out[:m[0]], p.above, out[m[0]:m[1]], p.rest, p.found, out[m[1]:]} {
		for _, fd := range part {
			if k := findingKey(fd); !seen[k] {
				seen[k] = true
				v.out = append(v.out, fd)
			}
		}
	}
	for k := range seen {
		v.seen[k] = true
	}
	for n := range p.unchecked {
		v.unchecked[n] = true
	}
}

// levelKey indexes section instances by section and level.
func (v *validator) levelKey(name string, cp ConfigPath) string {
	return string(v.levelKeyBytes(name, cp))
}

// levelKeyBytes is levelKey in v.lkey, reused: a map lookup with
// string(b) makes no string.
func (v *validator) levelKeyBytes(name string, cp ConfigPath) []byte {
	v.lkey = appendLevel(append(appendLower(v.lkey[:0], name), 0), cp)
	return v.lkey
}

// levelBytes is the level's part of levelKey, in v.lkey (levelSeen's
// key).
func (v *validator) levelBytes(cp ConfigPath) []byte {
	v.lkey = appendLevel(v.lkey[:0], cp)
	return v.lkey
}

// appendLevel appends cp's segments in lower case, joined by '/' (the
// level's part of levelKey).
func appendLevel(b []byte, cp ConfigPath) []byte {
	for i, seg := range cp.segs {
		if i > 0 {
			b = append(b, '/')
		}
		b = appendLower(b, seg)
	}
	return b
}

// lower is strings.ToLower of a section name, made once per name.
func (v *validator) lower(name string) string {
	l, ok := v.lowers[name]
	if !ok {
		l = strings.ToLower(name)
		if v.lowers == nil {
			v.lowers = map[string]string{}
		}
		v.lowers[name] = l
	}
	return l
}

// appendLower appends strings.ToLower(s), without making a string when
// s is ASCII.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// Kinds of names below <configuration> or <location> (kindOf).
const (
	kindUnknown = iota
	kindSection
	kindGroup
	kindSkip // not a section's place (member)
)

// kindOf tells whether a name is a section, a section group or neither
// for a file declaring decls, remembered: 50,000 <location> tags name the
// same few sections and groups.
func (v *validator) kindOf(decls *Registry, name string) int {
	key := kindKey{decls, name}
	if k, ok := v.kinds[key]; ok {
		return k
	}
	k := kindUnknown
	switch {
	case decls.Lookup(name) != nil || MachineLevel(name):
		k = kindSection
	case decls.IsGroup(name) || machineGroup(name):
		k = kindGroup
	}
	if v.kinds == nil {
		v.kinds = map[kindKey]int{}
	}
	v.kinds[key] = k
	return k
}

type kindKey struct {
	decls *Registry
	name  string
}

// walk collects the section instances below a container (<configuration>
// or <location>), reporting elements that are neither a declared section
// nor a section group.
func (v *validator) walk(f *File, container *xmldoc.Element, prefix string, loc *Location, cp ConfigPath, out *[]*SectionInstance) {
	container.EachChild(func(c *xmldoc.Element) bool {
		switch n := v.member(f.declared, prefix, c.Name(), loc); n.kind {
		case kindSection:
			*out = append(*out, &SectionInstance{Name: n.name, File: f, Location: loc, Element: c, Config: cp})
		case kindGroup:
			v.walk(f, c, n.prefix, loc, cp, out)
		case kindUnknown:
			v.undeclared(f, c.Line(), n.name)
		}
		return true
	})
}

// walkRaw is walk on a raw view: the section instances get a detached
// element each (Raw.Element), the groups none.
func (v *validator) walkRaw(f *File, container xmldoc.Raw, prefix string, loc *Location, cp ConfigPath, out *[]*SectionInstance) {
	container.EachChild(func(c xmldoc.Raw) bool {
		v.walkRawChild(f, c, prefix, loc, cp, out)
		return true
	})
}

// walkRawChild is walkRaw's work on one child.
func (v *validator) walkRawChild(f *File, c xmldoc.Raw, prefix string, loc *Location, cp ConfigPath, out *[]*SectionInstance) {
	switch n := v.member(f.declared, prefix, c.Name(), loc); n.kind {
	case kindSection:
		*out = append(*out, &SectionInstance{Name: n.name, File: f, Location: loc, Element: c.Element(), Config: cp})
	case kindGroup:
		v.walkRaw(f, c, n.prefix, loc, cp, out)
	case kindUnknown:
		v.undeclared(f, c.Line(), n.name)
	}
}

// member is fullName for a child of a container that walk visits, of
// kind kindSkip when it is none of its sections: <configSections>, and
// <location> below <configuration>.
func (v *validator) member(decls *Registry, prefix, name string, loc *Location) fullName {
	if prefix == "" && (name == "configSections" || name == "location" && loc == nil) {
		return fullName{kind: kindSkip}
	}
	return v.fullName(decls, prefix, name)
}

// undeclared reports an element that is neither a declared section nor a
// section group.
func (v *validator) undeclared(f *File, line int, full string) {
	v.add(&ConfigFileError{File: f.Path, Line: line, Kind: ErrMalformed, Description: fmt.Sprintf(DescMissingDecl, full)}, f)
}

// fullName is prefix+name and kindOf it, made once per name: 50,000
// <location> tags hold the same few.
func (v *validator) fullName(decls *Registry, prefix, name string) fullName {
	b := append(append(v.nbuf[:0], prefix...), name...)
	v.nbuf = b
	if n, ok := v.fulls[string(b)]; ok && n.decls == decls {
		return n
	}
	n := fullName{name: string(b), decls: decls}
	n.kind = v.kindOf(decls, n.name)
	if n.kind == kindGroup {
		n.prefix = n.name + "/"
	}
	if v.fulls == nil {
		v.fulls = map[string]fullName{}
	}
	v.fulls[n.name] = n
	return n
}

type fullName struct {
	name   string
	decls  *Registry
	kind   int
	prefix string // name + "/", for a group
}

// sameSource reports whether two elements are the same source element
// (a detached element of walkRaw and its parent's child).
func sameSource(a, b *xmldoc.Element) bool {
	if a == b {
		return true
	}
	ra, okA := a.Raw()
	rb, okB := b.Raw()
	return okA && okB && ra == rb
}

// instance runs the reader's checks on one section instance: the checks
// Effective runs on it (lock, allowDefinition, allowLocation), then the
// merge of the instances that apply at its level up to and including it.
// Errors of other instances are left to their own check. A section set
// where it is locked is still merged, so its other problems show too.
func (v *validator) instance(in *SectionInstance, chain []*File, byLevel map[string][]*SectionInstance, deepest int) []error {
	s := v.s
	decl, sch := v.declaration(in.File.declared, in.Name)
	if sch == nil {
		// Read by .NET or by an extension whose schema is not here: IIS
		// does not check it without a schema, and neither do we.
		if !MachineLevel(in.Name) {
			v.unchecked[in.Name] = true
			v.errs++ // not a finding, but no text to take as checked (noteChecked)
		}
		return nil
	}
	upTo := chain
	for i, f := range chain {
		if f == in.File {
			upTo = chain[:i+1]
		}
	}
	var errs []error
	if err := s.checkInstance(in, decl, upTo); err != nil {
		errs = append(errs, err)
	}
	insts := v.insts[:0]
	defer func() { v.insts = insts[:0] }()
	if in.File.AppHost {
		// The instances of applicationHost.config that apply at in's
		// level: at each ancestor level, by the index (no scan of every
		// <location>).
		for d := 0; d <= min(in.Config.Depth(), deepest); d++ {
			for _, o := range byLevel[string(v.levelKeyBytes(in.Name, in.Config.Prefix(d)))] {
				if sameSource(o.Element, in.Element) {
					break
				}
				if o.Location != nil && !o.Location.InheritInChildApps && s.inChildApp(o.Config, in.Config) {
					continue
				}
				insts = append(insts, o)
			}
		}
		insts = append(insts, in)
	} else {
		all, err := s.instancesFor(upTo, in.Name, in.Config)
		if err != nil {
			return append(errs, err)
		}
		for _, o := range all {
			insts = append(insts, o)
			if o == in || sameSource(o.Element, in.Element) {
				break
			}
		}
	}
	// What the instances above in's merge to is the same for every
	// <location> below one level (50,000 site locations inherit the
	// server level's): it is merged once, frozen, and each instance merges
	// into a copy that shares what it does not change.
	up := v.inherited(sch, insts[:len(insts)-1])
	if up.err != nil {
		var cfe *ConfigFileError
		if errors.As(up.err, &cfe) && cfe.File == up.from.File.Path {
			return errs // an ancestor's own error, reported for it
		}
		return append(errs, up.err)
	}
	if !v.exact && !up.locks {
		ok, known := s.early.answer(in, sch, len(insts)-1)
		if !known {
			ok = v.quickInstance(up.root, in.Element)
		}
		if ok {
			return errs // the merge would succeed
		}
	}
	root := up.root.copy(up.root.Name)
	if err := v.merge(root, in); err != nil {
		return append(errs, err)
	}
	return errs
}

// declaration returns a section's declaration in decls and its schema,
// remembered per name: 50,000 locations name the same few sections.
func (v *validator) declaration(decls *Registry, name string) (*Declaration, *section.Section) {
	key := kindKey{decls, name}
	// The few sections of one <location> come round again and again:
	// compared in turn before hashing the name.
	for _, r := range v.recentDecls {
		if r.key.decls == decls && r.key.name == name {
			return r.d.decl, r.d.sch
		}
	}
	if d, ok := v.decls[key]; ok {
		v.noteDecl(key, d)
		return d.decl, d.sch
	}
	decl := decls.Lookup(name)
	if decl == nil {
		decl = machineDeclaration(name)
	}
	d := declSchema{decl, v.s.schema.Section(decl.Name)}
	if v.decls == nil {
		v.decls = map[kindKey]declSchema{}
	}
	v.decls[key] = d
	v.noteDecl(key, d)
	return d.decl, d.sch
}

// noteDecl keeps a declaration among the recent ones.
func (v *validator) noteDecl(key kindKey, d declSchema) {
	copy(v.recentDecls[1:], v.recentDecls[:len(v.recentDecls)-1])
	v.recentDecls[0] = recentDecl{key, d}
}

type recentDecl struct {
	key kindKey
	d   declSchema
}

type declSchema struct {
	decl *Declaration
	sch  *section.Section
}

// mergedUp is the merge of the instances above one instance, frozen.
type mergedUp struct {
	root  *EffElement
	err   error
	from  *SectionInstance // the instance err is about
	locks bool             // some element of root carries locks
}

// inherited merges insts (in order, from the schema defaults) or returns
// the merge made before for the same instances.
func (v *validator) inherited(sch *section.Section, insts []*SectionInstance) *mergedUp {
	buf := append(v.buf[:0], sch.Name...)
	for _, o := range insts {
		buf = strconv.AppendInt(append(buf, 0), int64(v.idOf(o)), 10)
	}
	v.buf = buf
	if up := v.ups[string(buf)]; up != nil {
		return up
	}
	key := string(buf)
	up := &mergedUp{root: v.s.defaults.newEffElement(sch.Root.Name, sch.Root)}
	for _, o := range insts {
		if err := v.merge(up.root, o); err != nil {
			up.err, up.from = err, o
			break
		}
	}
	freeze(up.root)
	up.locks = hasLocks(up.root)
	if v.ups == nil || len(v.ups) >= 256 {
		v.ups = map[string]*mergedUp{} // locations come in runs below one level
		v.keys = nil
	}
	v.ups[key] = up
	return up
}

// idOf numbers the instances inherited merges are made of, for the keys
// of their cache.
func (v *validator) idOf(o *SectionInstance) int {
	id, ok := v.ids[o]
	if !ok {
		if v.ids == nil {
			v.ids = map[*SectionInstance]int{}
		}
		id = len(v.ids)
		v.ids[o] = id
	}
	return id
}

// merge folds one instance into root. Entries of the section's own
// collection are checked and then dropped (shrink): 50,000 merged sites
// are never held at once.
func (v *validator) merge(root *EffElement, o *SectionInstance) error {
	m := v.s.mergerFor(o)
	m.dropRoot, m.exact = root, v.exact
	return m.mergeElement(root, o.Element)
}

// freeze marks a merged tree shared: copy and own copy what a merge
// into it changes.
func freeze(e *EffElement) {
	if e.shared {
		return
	}
	e.shared = true
	for _, c := range e.Children {
		freeze(c)
	}
}

// FindingOf turns an error of opening a file (Open, Chain) into a finding.
func FindingOf(err error) Finding {
	v := &validator{seen: map[string]bool{}, unchecked: map[string]bool{}}
	v.add(err, nil)
	return v.out[0]
}

// machineGroup reports a section group of machine.config (system.web).
func machineGroup(name string) bool {
	for _, g := range machineGroups {
		if strings.EqualFold(g, name) {
			return true
		}
	}
	return false
}

// fork returns a read-only twin of an unedited store for another
// goroutine (validate's <location> pass): the same files read through
// forks of their documents (xmldoc.Document.Fork), with caches of its
// own; nil when a document has been edited. Only what the twin loads
// itself (configSource files) is released by releaseAll.
func (s *Store) fork() *Store {
	t := &Store{schema: s.schema, validating: s.validating, env: s.env, files: map[string]*File{}, fileErr: map[string]error{},
		defaults: defaultsCache{}, rename: s.rename, noMap: s.noMap, followLinks: s.followLinks, allowPlaintext: s.allowPlaintext}
	ok := true
	twin := func(f *File) *File {
		if f == nil {
			return nil
		}
		g := &File{Path: f.Path, ConfigPath: f.ConfigPath, AppHost: f.AppHost, exists: f.exists, declared: f.declared,
			ident: f.ident, root: f.root, store: t, host: f.host}
		if f.doc != nil {
			if g.doc = f.doc.Fork(); g.doc == nil {
				ok = false
			}
		}
		return g
	}
	t.apphost, t.machine, t.webroot = twin(s.apphost), twin(s.machine), twin(s.webroot)
	if !ok || s.apphost == nil || s.apphost.host != nil {
		return nil
	}
	return t
}

// releaseAll unmaps the files a store twin (fork) loaded itself.
func (s *Store) releaseAll() {
	for _, r := range s.release {
		r()
	}
	s.release = nil
}
