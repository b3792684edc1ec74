package configstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

func TestRuleOf(t *testing.T) {
	cfe := func(kind ConfigErrorKind, desc string) error {
		return &ConfigFileError{File: "f", Line: 1, Kind: kind, Description: desc}
	}
	tests := []struct {
		err  error
		want string
	}{
		{cfe(ErrMalformed, DescNotWellFormed+" (column 3: x)"), RuleMalformed},
		{cfe(ErrUnreadable, DescCannotRead), RuleUnreadable},
		{cfe(ErrMalformed, fmt.Sprintf(DescMissingDecl, "x")), RuleUnknownSection},
		{cfe(ErrMalformed, fmt.Sprintf(DescUnrecognizedAtt, "x")), RuleUnknownAttribute},
		{cfe(ErrMalformed, fmt.Sprintf(DescUnrecognizedEl, "x")), RuleUnknownElement},
		{cfe(ErrMalformed, "Invalid value 'x' for attribute 'enabled': y"), RuleInvalidValue},
		{cfe(ErrMalformed, fmt.Sprintf(DescDuplicate, "add", "value", "a")), RuleDuplicateKey},
		{cfe(ErrMalformed, fmt.Sprintf(DescMissingRequired, "name")), RuleMissingRequired},
		{cfe(ErrMalformed, fmt.Sprintf(DescSectionTwice, "s")), RuleSectionTwice},
		{cfe(ErrLocked, DescLockViolation), RuleLocked},
		{cfe(ErrLocked, DescAttrLocked+": the attribute 'x' is locked"), RuleLocked},
		{cfe(ErrMalformed, DescNotInLocation), RuleNotAllowedHere},
		{cfe(ErrLocked, fmt.Sprintf(DescAllowDefinition, "AppHostOnly", "MACHINE/WEBROOT/APPHOST/S")), RuleNotAllowedHere},
		{&UnknownSectionError{Name: "x"}, RuleUnknownSection},
		{fmt.Errorf("other"), RuleInvalid},
	}
	for _, tt := range tests {
		if got := ruleOf(tt.err); got != tt.want {
			t.Errorf("ruleOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestColumn(t *testing.T) {
	src := []byte("<configuration>\r\n  <webSocket enabled=\"x\" pingIntervl=\"1\" />\r\n\t<é a='1' />\n")
	tests := []struct {
		start int
		desc  string
		want  int
	}{
		{17, "Unrecognized attribute 'pingIntervl'", 26},
		{17, "Unrecognized element 'webSocket'", 3},
		{17, "Lock violation", 3},
		{62, "x", 2},                          // after a tab
		{62, "Unrecognized attribute 'a'", 5}, // columns count characters, not bytes
		{-1, "x", 0},
	}
	for _, tt := range tests {
		if got := column(src, tt.start, tt.desc); got != tt.want {
			t.Errorf("column(%d, %q) = %d, want %d", tt.start, tt.desc, got, tt.want)
		}
	}
}

// TestValidateAgreesWithEffective: every section instance Effective
// refuses is a finding, and a clean file has none.
func TestValidateAgreesWithEffective(t *testing.T) {
	dir := t.TempDir()
	host := filepath.Join(dir, "applicationHost.config")
	cfg := string(DefaultConfig(host))
	if err := os.WriteFile(host, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Options{AppHostPath: host})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Validate(); len(r.Findings) != 0 {
		t.Fatalf("stock file: %v", r.Findings)
	}
	s.Close()
	wc := filepath.Join(dir, "wwwroot", "web.config")
	os.MkdirAll(filepath.Dir(wc), 0o755)
	if err := os.WriteFile(wc, []byte("<configuration>\n  <system.webServer>\n    <directoryBrowse enabled=\"sometimes\" />\n  </system.webServer>\n</configuration>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(Options{AppHostPath: host})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, effErr := s.Effective(SitePath("Default Web Site"), "system.webServer/directoryBrowse")
	r := s.Validate()
	if effErr == nil || len(r.Findings) != 1 || r.Findings[0].Message != effErr.(*ConfigFileError).Description ||
		r.Findings[0].File != wc || r.Findings[0].Line != 3 || r.Findings[0].Rule != RuleInvalidValue {
		t.Fatalf("Effective: %v; Validate: %+v", effErr, r.Findings)
	}
	if len(r.Files) != 2 {
		t.Errorf("files %v", r.Files)
	}
}

// A folder noted missing hides only what lies below it; one that exists
// hides nothing.
func TestMissingFolders(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "site", "www"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	v := &validator{}
	for _, p := range []string{"none/a/www", "site/gone", "file/x"} {
		// as vdir does: noted when the stat says it does not exist
		if _, err := os.Stat(filepath.Join(dir, p)); errors.Is(err, fs.ErrNotExist) {
			v.noteMissing(filepath.Join(dir, p))
		}
	}
	for _, c := range []struct {
		path    string
		missing bool
	}{
		{"none/a/api", true},    // below none, noted missing
		{"none/b", true},        // below none
		{"none", false},         // none itself is stat-ed
		{"site/www", false},     // exists
		{"site/gone", false},    // its own stat says so
		{"site/gone/x", true},   // below a missing folder in an existing one
		{"site/other/x", false}, // site exists; other was never asked
		{"file/x/y", false},     // not a folder: never noted (ENOTDIR)
		{"", false},
	} {
		if got := v.missingTop(filepath.Join(dir, c.path)) != ""; got != c.missing {
			t.Errorf("missingTop(%q) != \"\" = %t, want %t (missing %v)", c.path, got, c.missing, v.missing)
		}
	}
}

// A section given twice for one level in one file is reported at its
// second instance, whichever tags (file level, <location path="">, two
// <location> tags of one path in any case) hold the two.
func TestSectionTwice(t *testing.T) {
	ws := func(attrs string) string { return `<system.webServer><webSocket ` + attrs + ` /></system.webServer>` }
	loc := func(path, inner string) string { return `<location path="` + path + `">` + inner + `</location>` }
	for _, c := range []struct {
		name, server string
		want         int // findings of rule section-twice
	}{
		{"file level twice", ws("") + "\n" + ws(""), 1},
		{"file level and location path empty", ws("") + "\n" + loc("", ws("")), 1},
		{"two locations of one path", loc("S", ws(`enabled="true"`)) + "\n" + loc("S", ws(`enabled="false"`)), 1},
		{"paths differing in case", loc("S/app", ws("")) + "\n" + loc("s/APP", ws("")), 1},
		{"twice in one location", loc("S", `<system.webServer><webSocket /><webSocket /></system.webServer>`), 1},
		{"three times", loc("S", ws("")) + loc("S", ws("")) + "\n" + loc("S", ws("")), 2},
		{"other levels", ws("") + loc("S", ws("")) + loc("S/app", ws("")), 0},
		{"other sections", loc("S", ws("")) + loc("S", `<system.webServer><caching /></system.webServer>`), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openTree(t, `<location path="" overrideMode="Allow"><system.webServer><webSocket /></system.webServer></location>`+"\n"+c.server, nil)
			for _, exact := range []bool{false, true} {
				n := 0
				for _, f := range s.validate(exact, true).Findings {
					if f.Rule == RuleSectionTwice {
						n++
					}
				}
				// The template's own <location path=""> holds webSocket:
				// every case with webSocket at the server level adds one.
				want := c.want
				if strings.HasPrefix(c.name, "file level") || c.name == "other levels" {
					want++
				}
				if n != want {
					t.Errorf("exact %t: %d findings of section-twice, want %d: %v", exact, n, want, s.validate(exact, true).Findings)
				}
			}
		})
	}
}

// expand is ExpandPath, whatever the path.
func TestExpandFolders(t *testing.T) {
	dir := t.TempDir()
	host := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(host, DefaultConfig(host), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{
		`%SystemDrive%\inetpub\sites\site1\wwwroot`, `%SystemDrive%\inetpub\sites\site1\api`, `%SystemDrive%\x`,
		`%SystemDrive%`, `C:\x\y`, `C:\y`, `C:y`, `C:\`, `c:/a/b`, `rel\dir\x`, `rel/x`, `x`, `\x`, `/abs/x`, `/abs/x/`,
		`a\..\b`, `a\b\..`, `a\b\.`, `..\x`, `%UNSET%\x`, `%UNSET%x\y`, `%A%%B%\x`, `\%A%\x`, `c:\p\%A%`, `c:\p\a%b`,
		`%A\x%\y`, `%A\x`, `\\server\share\x`, `//server/share/x`, `C:\\x`, `C:\x\\y`, `%HOME%\w`, `%USERPROFILE%\w`,
	}
	for _, drive := range []string{"", "/mnt/c", "rel"} {
		env := map[string]string{"A": "/from/a", "B": `b\c`, "HOME": "/home/u"}
		if drive != "" {
			env["APPCMD_DRIVE_C"] = drive
		}
		s, err := Open(Options{AppHostPath: host, Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
		if err != nil {
			t.Fatal(err)
		}
		v := &validator{s: s}
		for round := 0; round < 2; round++ { // cold, then from the folders expanded
			for _, p := range paths {
				if got, want := v.expand(p), s.ExpandPath(p); got != want {
					t.Errorf("drive %q: expand(%q) = %q, ExpandPath gives %q", drive, p, got, want)
				}
			}
		}
		s.Close()
	}
}

// On a file written on one line every finding has line 1, so the order
// in which the checks run is the order of the findings: the <location>
// pass on its own goroutine (appHost, join) must give that of one
// goroutine (and of the merge of every entry).
func TestValidateOneLine(t *testing.T) {
	host := strings.Join(strings.Fields(strings.Replace(hierarchyHost, "{{SERVER}}",
		`<system.webServer><caching bogus1="1" /><webSocket enabled="maybe" /></system.webServer>`+
			`<location path="S/app"><system.webServer><staticContent bogus2="2" /></system.webServer></location>`+
			`<location path="S"><system.webServer><nothing /><staticContent bogus3="3" /></system.webServer></location>`+
			`<location path="S/app/v"><system.webServer><defaultDocument><files><add value="a" /><add value="a" /></files></defaultDocument></system.webServer></location>`, 1)), " ")
	dir := t.TempDir()
	testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host})
	s, err := Open(Options{AppHostPath: filepath.Join(dir, "applicationHost.config")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := findingTexts(s.validate(true, false))
	if len(want) < 5 {
		t.Fatalf("%d findings, want 5 or more:\n%s", len(want), strings.Join(want, "\n"))
	}
	for _, exact := range []bool{false, true} {
		for _, split := range []bool{false, true} {
			if got := findingTexts(s.validate(exact, split)); !reflect.DeepEqual(got, want) {
				t.Errorf("exact %t, split %t:\n%s\nwant\n%s", exact, split, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}

// plainSegment says yes only for paths that Join takes as one segment
// (serverInstances passes those by as not the server's level).
func TestPlainSegment(t *testing.T) {
	for _, p := range []string{"Site7", "Default Web Site", " x ", "a.b", "..x", "x..", "", " ", ".", "..", " . ", "a/b", `a\b`, "/a", "a/",
		"%2e%2e", "a%2fb", "x%", "\x01", "ü", "a\tb", "\t", "Site 1/app"} {
		cp, err := ServerPath.Join(p)
		one := err == nil && cp.Depth() == 1
		if plainSegment(p) && !one {
			t.Errorf("plainSegment(%q) but Join gives %v, %v", p, cp, err)
		}
	}
	if !plainSegment("Site7") {
		t.Error(`plainSegment("Site7") = false`)
	}
}

// A <location> text checked once is not checked again (checkedBody)
// only where nothing but its text decides: the findings stay those of
// checking every <location> in full (exact), and the ones that depend on
// the level are there.
func TestCheckedBodies(t *testing.T) {
	loc := func(path, inner string) string {
		return `<location path="` + path + `"><system.webServer>` + inner + `</system.webServer></location>` + "\n"
	}
	// tag is loc with the <location> tag's attributes as written.
	tag := func(attrs, inner string) string {
		return `<location ` + attrs + `><system.webServer>` + inner + `</system.webServer></location>` + "\n"
	}
	clean := `<caching enabled="false" /><staticContent enableDocFooter="true" />`
	bad := `<caching enabled="maybe" />`
	docs := `<defaultDocument><files><add value="x.htm" /></files></defaultDocument>`
	// lines puts each element of a text on a line of its own.
	lines := func(text string) string { return "\n" + strings.ReplaceAll(text, "><", ">\n<") + "\n" }
	twoSites := strings.Replace(hierarchyHost, "</sites>", `<site name="T" id="2"><application path="/"><virtualDirectory path="/" physicalPath="t" /><virtualDirectory path="/v" physicalPath="tv" /></application></site></sites>`, 1)
	for _, c := range []struct {
		name, decl, server string
		want               []string // rules that must be among the findings
		machine            string   // machine.config, when set
	}{
		{"same text", "", loc("S", clean) + loc("T", clean) + loc("S/app", clean), nil, ""},
		{"same text, a level twice", "", loc("S", clean) + loc("T", clean) + loc("s", clean), []string{RuleSectionTwice}, ""},
		{"same text, a level checked again twice", "", loc("S", clean) + loc("T", clean) + loc("t", clean), []string{RuleSectionTwice}, ""},
		{"same text, tags not plain", "", loc("S", clean) + tag(`path="T" overrideMode="Allow"`, clean) + tag(`path="/S/app/"`, clean) +
			tag(`path="T\v"`, clean) + tag(`path="T&#47;V"`, clean), []string{RuleSectionTwice}, ""},
		{"same text, a level twice spelt two ways", "", loc("S", clean) + loc("S/app", clean) + tag(`path="s\APP"`, clean), []string{RuleSectionTwice}, ""},
		{"same bad text", "", loc("S", bad) + loc("Three", bad), []string{RuleInvalidValue, RuleInvalidValue}, ""},
		{"same bad text on lines of its own", "", loc("S", lines(bad)) + loc("T", lines(bad)) + loc("X", lines(bad)) + loc("s", lines(bad)),
			[]string{RuleInvalidValue, RuleInvalidValue, RuleInvalidValue, RuleInvalidValue, RuleSectionTwice}, ""},
		{"a section twice in one text", "", loc("S", lines(clean+clean)) + loc("T", lines(clean+clean)),
			[]string{RuleSectionTwice, RuleSectionTwice, RuleSectionTwice, RuleSectionTwice}, ""},
		{"bad text, clean text", "", loc("S", lines(bad+docs)) + loc("T", lines(bad+docs)) + loc("S/app", lines(docs)) + loc("T/v", lines(docs)),
			[]string{RuleInvalidValue, RuleInvalidValue, RuleDuplicateKey}, ""},
		{"a level above another", "", loc("T", docs) + loc("S", docs) + loc("S/app", docs), []string{RuleDuplicateKey}, ""},
		{"a level above another, written with '\\'", "", loc("T", docs) + loc("S", docs) + tag(`path="S\app"`, docs), []string{RuleDuplicateKey}, ""},
		{"a level above another, its '/' a reference", "", loc("T", docs) + loc("S", docs) + tag(`path="S&#47;app"`, docs), []string{RuleDuplicateKey}, ""},
		{"MachineToApplication", `allowDefinition="MachineToApplication" `, loc("S/app", clean) + loc("T/v", clean), []string{RuleNotAllowedHere}, ""},
		{"locked above applicationHost.config", "", loc("S", clean) + loc("T", clean), []string{RuleLocked},
			`<configuration><location path="T" overrideMode="Deny"><system.webServer><caching /></system.webServer></location></configuration>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			host := strings.Replace(twoSites, "{{SERVER}}", c.server, 1)
			host = strings.Replace(host, `<section name="staticContent" `, `<section name="staticContent" `+c.decl, 1)
			dir := t.TempDir()
			files := map[string]string{"applicationHost.config": host}
			opts := Options{AppHostPath: filepath.Join(dir, "applicationHost.config")}
			if c.machine != "" {
				files["net/machine.config"], files["net/web.config"] = c.machine, "<configuration />"
				opts.MachineConfigPath, opts.RootWebConfigPath = filepath.Join(dir, "net", "machine.config"), filepath.Join(dir, "net", "web.config")
			}
			testenv.WriteTree(t, dir, files)
			s, err := Open(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			exact := s.validate(true, false)
			want := findingTexts(exact)
			for _, split := range []bool{false, true} {
				if got := findingTexts(s.validate(false, split)); !reflect.DeepEqual(got, want) {
					t.Errorf("split %t:\n%s\nwant\n%s", split, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
			if c.want == nil && len(want) > 0 {
				t.Fatalf("findings in a clean case:\n%s", strings.Join(want, "\n"))
			}
			var rules []string
			for _, f := range exact.Findings {
				rules = append(rules, f.Rule)
			}
			for _, r := range c.want {
				i := slices.Index(rules, r)
				if i < 0 {
					t.Fatalf("no %s among %v", r, want)
				}
				rules = slices.Delete(rules, i, i+1)
			}
		})
	}
}

// Two findings are one only when file, line and message are all the same.
func TestFindingKey(t *testing.T) {
	for _, c := range []struct{ a, b Finding }{
		{Finding{File: "/x/a1", Line: 2, Message: "m"}, Finding{File: "/x/a", Line: 12, Message: "m"}},
		{Finding{File: "/x/a", Line: 1, Message: "2m"}, Finding{File: "/x/a", Line: 12, Message: "m"}},
	} {
		if findingKey(c.a) == findingKey(c.b) {
			t.Errorf("findingKey(%+v) = findingKey(%+v)", c.a, c.b)
		}
	}
	if a := (Finding{File: "/x/a", Line: 3, Message: "m", Rule: "r"}); findingKey(a) != findingKey(Finding{File: "/x/a", Line: 3, Message: "m"}) {
		t.Error("findingKey differs for the same file, line and message")
	}
}
