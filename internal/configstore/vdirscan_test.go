package configstore

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/testenv"
)

// The web.config search finds what it found without the memo of folder
// parts as written (rawMissing, siteMissing): the same web.config files,
// in the same order, whichever folders exist beside the missing ones.
func TestDiscoverMissingFolders(t *testing.T) {
	if filepath.Separator != '/' {
		t.Skip("skipped: the memo serves systems where '/' separates folders")
	}
	dir := t.TempDir()
	wc := `<configuration />`
	testenv.WriteTree(t, dir, map[string]string{
		"ex/site1/www/web.config":     wc,
		"ex/site1/www/sub/web.config": wc,
		"ex/site2/.keep":              "",
	})
	env := map[string]string{"A": dir, "UP": `..\ex\site1`}
	cases := []struct {
		path    string
		found   bool   // its web.config files are found
		written string // a folder part noted missing by then ("": none new)
	}{
		{`%A%\none\s1\www`, false, `%A%\none`},
		{dir + "/ex/site1/www", true, ""},                     // written absolute: no folder part before its first '/'
		{`%A%\none\s2\www`, false, ""},                        // from the memo
		{`%A%\ex\site1\www`, true, ""},                        // exists beside missing ones
		{`%A%\none\..\ex\site1\www`, true, ""},                // ".." leaves the missing folder
		{`%A%\none\x\..\..\ex\site1\www`, true, ""},           // so does ".." further down
		{`%A%\none\%UP%\www`, true, ""},                       // and a variable holding ".."
		{`%A%/none/s3/www`, false, `%A%/none`},                // '/' is another part as written
		{`%A%/none\s4/www`, false, ""},                        // mixed: `%A%/none` again
		{`none\rel\www`, false, `none`},                       // relative to applicationHost.config
		{`%A%\ex\site2\www`, false, ""},                       // missing in an existing folder
		{`%A%\ex\site2\www\deeper`, false, ""},                // below that one: its own folder, not noted
		{`%A%\ex\site2\gone\a\b`, false, `%A%\ex\site2\gone`}, // two levels below a missing one
		{`%A%\ex\site2\gone\c\d`, false, ""},                  // from the memo
		{`%A%\ex\site2\GONE\a\b`, false, `%A%\ex\site2\GONE`}, // case as written
		{`%A%\none\.\x`, false, ""},
		{`%A%\n&#111;ne\s5\www`, false, ""}, // a reference: decoded, not from the memo
		{`%A%\ex\site1\www\.`, true, ""},
	}
	var sites strings.Builder
	for i, c := range cases {
		sites.WriteString(`<site name="S` + strconv.Itoa(i) + `" id="` + strconv.Itoa(i+1) + `"><application path="/">` +
			`<virtualDirectory path="/" physicalPath="` + c.path + `" /></application></site>` + "\n")
	}
	host := strings.Replace(hostSites("<sites>\n"+sites.String()), "{{SERVER}}", "", 1)
	s := openHostIn(t, dir, host, Options{Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	all, err := s.Sites()
	if err != nil || len(all) != len(cases) {
		t.Fatalf("sites %d, %v", len(all), err)
	}

	// What each virtual directory finds, read on its own with no memo.
	want := &validator{s: s}
	for i, site := range all {
		vd := site.Apps[0].VDirs[0]
		n := len(want.hits)
		if info, err := os.Stat(s.ExpandPath(vd.PhysicalPath)); err == nil && info.IsDir() {
			want.vdirIn(site, vd, s.ExpandPath(vd.PhysicalPath))
		}
		if got := len(want.hits) > n; got != cases[i].found {
			t.Fatalf("%s: found %t, the case says %t", cases[i].path, got, cases[i].found)
		}
	}

	// The memo notes each missing folder part once, where the case says.
	v := &validator{s: s}
	sitesEl, defs, err := s.sitesSection()
	if err != nil {
		t.Fatal(err)
	}
	r, ok := sitesEl.Raw()
	if !ok {
		t.Fatal("no raw view")
	}
	i := 0
	r.EachChild(func(c xmldoc.Raw) bool {
		if !c.NameIs("site") {
			return true
		}
		before := maps.Clone(v.rawMissing)
		v.siteRaw(c, defs)
		var added []string
		for k := range v.rawMissing {
			if !before[k] {
				added = append(added, k)
			}
		}
		if w := cases[i].written; len(added) > 1 || (len(added) == 1) != (w != "") || w != "" && added[0] != w {
			t.Errorf("%s: noted %q, want %q", cases[i].path, added, w)
		}
		i++
		return true
	})
	if got, w := hitTexts(v.hits), hitTexts(want.hits); !slices.Equal(got, w) {
		t.Errorf("hits %q\nwant %q", got, w)
	}
	// discover, from the start, gives the same.
	d := &validator{s: s}
	d.discover()
	if got, w := hitTexts(d.hits), hitTexts(want.hits); !slices.Equal(got, w) {
		t.Errorf("discover: hits %q\nwant %q", got, w)
	}
}

// hitTexts are the levels and files of web.config hits.
func hitTexts(hits []webConfigHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.cp.String()+" "+h.path)
	}
	return out
}

// knownMissingRaw answers from a folder part noted missing only by plain
// names after it: no '%', no "..", nothing the reader would decode.
func TestKnownMissingRaw(t *testing.T) {
	v := &validator{}
	v.addRawMissing(`%A%\none`)
	v.addRawMissing(`rel`)
	v.addRawMissing(`%SystemDrive%\inetpub\sites\site1234`)
	long := `C:\` + strings.Repeat("a", 70) // a length past 63: its bit wraps (rawLens)
	v.addRawMissing(long)
	for _, c := range []struct {
		path string
		want bool
	}{
		{`%A%\none\x`, true},
		{`%A%\none\x\y\z`, true},
		{`%A%\none\`, true}, // the folder itself, written with a '\' after it
		{`%A%\none`, false}, // stat-ed as any folder
		{`%A%\none/x`, true},
		{`%A%/none/x`, false}, // another part as written
		{`%A%\nonex\y`, false},
		{`%A%\no`, false},
		{`%A%\none\%B%`, false},
		{`%A%\none\x%`, false},
		{`%A%\none\..`, false},
		{`%A%\none\..\x`, false},
		{`%A%\none\x\..`, false},
		{`%A%\none\.\x`, true},
		{`%A%\none\x..y`, true},
		{`%A%\none\...`, true},
		{`%A%\none\a&amp;b`, false},
		{"%A%\\none\\a\tb", false},
		{`%SystemDrive%\inetpub\sites\site1234\www`, true},
		{`%SystemDrive%\inetpub\sites\site123\www`, false},
		{long + `\x`, true},
		{long[:len(long)-64] + `\x`, false},
		{`rel\x`, true},
		{`rel/x`, true},
		{`relx\y`, false},
		{`\rel\x`, false},
		{``, false},
	} {
		v.lastMissing = ""
		for round := 0; round < 2; round++ { // from the map, then from lastMissing
			if got := v.knownMissingRaw([]byte(c.path)); got != c.want {
				t.Errorf("round %d: knownMissingRaw(%q) = %t, want %t", round, c.path, got, c.want)
			}
		}
	}
}

// The memo is bounded, as expand's is: the parts noted last are kept.
func TestRawMissingBounded(t *testing.T) {
	v := &validator{}
	for i := range 5000 {
		v.addRawMissing(`C:\gone` + strconv.Itoa(i))
	}
	if len(v.rawMissing) > 4096 || !v.knownMissingRaw([]byte(`C:\gone4999\x`)) || v.knownMissingRaw([]byte(`C:\gone0\x`)) {
		t.Errorf("%d parts noted; the last one known: %t", len(v.rawMissing), v.knownMissingRaw([]byte(`C:\gone4999\x`)))
	}
}

// siteMissing answers true only when every <virtualDirectory> start tag
// of a site's source has a physical path known missing.
func TestSiteMissing(t *testing.T) {
	v := &validator{}
	v.addRawMissing(`C:\none`)
	vd := func(attrs string) string { return `<virtualDirectory ` + attrs + ` />` }
	app := func(inner ...string) string {
		return `<application path="/">` + strings.Join(inner, "\n") + `</application>`
	}
	miss := vd(`path="/" physicalPath="C:\none\x"`)
	for _, c := range []struct {
		name, body string
		want       bool
	}{
		{"missing", app(miss), true},
		{"two missing", app(miss, vd(`path="/b" physicalPath="C:\none\y"`)) + app(miss), true},
		{"no virtual directory", `<bindings><binding protocol="http" /></bindings>`, true},
		{"one exists", app(miss, vd(`path="/b" physicalPath="C:\here\y"`)), false},
		{"no physical path", app(miss, vd(`path="/b"`)), false},
		{"single quotes, spaces", app(`<virtualDirectory path='/' physicalPath = 'C:\none\x'/>`), true},
		{"attributes on lines", app("<virtualDirectory\n\tpath=\"/\"\r\n physicalPath=\"C:\\none\\x\">\n</virtualDirectory>"), true},
		{"defaults passed by", `<virtualDirectoryDefaults physicalPath="C:\here" />` + app(miss), true},
		{"longer names passed by", app(miss, `<virtualDirectory2 physicalPath="C:\here" />`, `<virtualDirectory:x physicalPath="C:\here" />`), true},
		{"name in text", app(miss) + `virtualDirectory`, true},
		{"in a comment, unreadable", app(miss) + `<!-- <virtualDirectory path="/c" -->`, false},
		{"in a comment, exists", `<!-- <virtualDirectory physicalPath="C:\here" /> -->` + app(miss), false},
		{"a value naming the attribute", app(vd(`path="physicalPath=&quot;C:\none\x" physicalPath="C:\here"`)), false},
		{"reference", app(vd(`physicalPath="C:\none\&#120;"`)), false},
		{"dot dot", app(vd(`physicalPath="C:\none\..\x"`)), false},
		{"percent", app(vd(`physicalPath="C:\none\%X%"`)), false},
		{"cut short", app(miss) + `<virtualDirectory physicalPath="C:\none\x`, false},
		{"empty", ``, true},
	} {
		if got := v.siteMissing([]byte(c.body)); got != c.want {
			t.Errorf("%s: siteMissing = %t, want %t", c.name, got, c.want)
		}
	}
	if (&validator{}).siteMissing([]byte(app(miss))) {
		t.Error("siteMissing with nothing noted = true")
	}
}
