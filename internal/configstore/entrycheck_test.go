package configstore

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
	"github.com/appcmd-project/appcmd/internal/testenv"
)

// The quick check of dropped entries changes nothing validate reports:
// the findings are those of merging every entry, on entries that pass it
// and on every kind it leaves to the merge.
func TestQuickEntries(t *testing.T) {
	// (listCheck runs on two goroutines only where there are two.)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2)))
	site := func(inner string) string {
		return `<site name="A" id="1"><application path="/"><virtualDirectory path="/" physicalPath="/nowhere/a" /></application></site>` + inner
	}
	pools := func(inner string) string {
		return `<applicationPools><add name="P" />` + inner + `</applicationPools>`
	}
	entries := map[string]string{
		"clean":                 site(`<site name="B" id="2" serverAutoStart="false"><application path="/" applicationPool="P"><virtualDirectory path="/" physicalPath="/x" /></application><bindings><binding protocol="http" bindingInformation="*:80:b" /><binding protocol="https" bindingInformation="*:443:b" sslFlags="1" /></bindings><limits maxConnections="5" /><logFile directory="/l" /></site>`),
		"unknown attribute":     site(`<site name="B" id="2" bogus="1" />`),
		"nested unknown":        site(`<site name="B" id="2"><application path="/" bogus="1" /></site>`),
		"bad value":             site(`<site name="B" id="2" serverAutoStart="maybe" />`),
		"nested bad value":      site(`<site name="B" id="2"><limits maxConnections="-1" /></site>`),
		"validator":             pools(`<add name="Q" queueLength="5" />`),
		"missing required":      site(`<site name="B" id="2"><application applicationPool="P" /></site>`),
		"duplicate name":        site(`<site name="a" id="2" />`),
		"duplicate id":          site(`<site name="B" id="1" />`),
		"nested duplicate":      site(`<site name="B" id="2"><bindings><binding protocol="http" bindingInformation="*:80:" /><binding protocol="http" bindingInformation="*:80:" /></bindings></site>`),
		"nested duplicate key":  site(`<site name="B" id="2"><application path="/x" /><application path="/X" /></site>`),
		"nested clear":          site(`<site name="B" id="2"><bindings><binding protocol="http" bindingInformation="*:80:" /><clear /><binding protocol="http" bindingInformation="*:80:" /></bindings></site>`),
		"lockItem":              site(`<site name="B" id="2" lockItem="true" />`),
		"lockAttributes":        site(`<site name="B" id="2" lockAttributes="serverAutoStart" />`),
		"lock list unknown":     site(`<site name="B" id="2" lockAttributes="nothing" />`),
		"child twice":           site(`<site name="B" id="2"><bindings><binding protocol="http" bindingInformation="*:80:" /></bindings><bindings><binding protocol="http" bindingInformation="*:80:" /></bindings></site>`),
		"child case":            site(`<site name="B" id="2"><Limits maxConnections="5" /></site>`),
		"attribute case":        site(`<site Name="B" id="2" />`),
		"attribute case dup":    site(`<site Name="a" id="2" />`),
		"unknown child":         site(`<site name="B" id="2"><nothing /></site>`),
		"meta attributes":       site(`<site name="B" id="2" xmlns:x="urn:x" />`),
		"pool children":         pools(`<add name="Q" managedRuntimeVersion="v4.0" startMode="AlwaysRunning"><processModel identityType="SpecificUser" userName="u" idleTimeout="00:05:00" /><recycling><periodicRestart time="1.02:00:00" /></recycling></add>`),
		"pool bad child value":  pools(`<add name="Q"><processModel idleTimeout="soon" /></add>`),
		"pool duplicate":        pools(`<add name="p" />`),
		"pool remove":           pools(`<add name="Q" /><remove name="P" /><add name="P" />`),
		"pool clear":            pools(`<add name="Q" /><clear /><add name="Q" />`),
		"pool without name":     pools(`<add managedRuntimeVersion="v4.0" />`),
		"encrypted":             pools(`<add name="Q"><processModel identityType="SpecificUser" userName="u" password="[enc:AesProvider:abc:enc]" /></add>`),
		"virtual directory dup": site(`<site name="B" id="2"><application path="/"><virtualDirectory path="/" physicalPath="/a" /><virtualDirectory path="/" physicalPath="/b" /></application></site>`),
	}
	// Strings with a validator, kept as written once it passes them
	// (validText): the value decoded before it is checked.
	entries["site name bad by reference"] = site(`<site name="B&#47;C" id="2" />`)
	entries["site name blank by reference"] = site(`<site name="&#32;" id="2" />`)
	entries["site name blank, not ASCII"] = site(`<site name="&#xA0;&#x2003;" id="2" />`)
	entries["site name with white space"] = site("<site name=\"B\tC\" id=\"2\" />")
	entries["pool name bad by reference"] = pools(`<add name="Q&#x3a;" />`)
	entries["application path by reference"] = site(`<site name="B" id="2"><application path="/x&#47;" /></site>`)
	// Past smallKeys entries the keys go to a hash set (bigKeys).
	var many, bindings strings.Builder
	for i := range 12 {
		fmt.Fprintf(&many, `<site name="M%d" id="%d" />`, i, 100+i)
		fmt.Fprintf(&bindings, `<binding protocol="http" bindingInformation="*:%d:" />`, 80+i)
	}
	entries["many sites"] = site(many.String())
	// Keys read from the source (appendRawLower, canonicalInteger): a
	// reference, white space, a name not in ASCII, a number not written
	// canonically, each the same key as another written otherwise.
	entries["many sites, duplicate by reference"] = site(many.String() + `<site name="R&amp;D" id="200" /><site name="r&amp;d" id="201" />`)
	entries["many sites, reference and plain"] = site(many.String() + `<site name="R&amp;D" id="200" /><site name="R&#38;d" id="202" />`)
	entries["many sites, white space"] = site(many.String() + "<site name=\"a\tb\" id=\"200\" /><site name=\"A B\" id=\"201\" />")
	entries["many sites, not ASCII"] = site(many.String() + `<site name="Édition" id="200" /><site name="éDITION" id="201" />`)
	entries["many sites, not ASCII apart"] = site(many.String() + `<site name="Édition" id="200" /><site name="Edition" id="201" />`)
	entries["many sites, id written twice"] = site(many.String() + `<site name="Z1" id="0200" /><site name="Z2" id="200" />`)
	entries["many sites, id with plus"] = site(many.String() + `<site name="Z1" id="+200" /><site name="Z2" id="200" />`)
	entries["many sites, id with spaces"] = site(many.String() + `<site name="Z1" id=" 200 " /><site name="Z2" id="200" />`)
	entries["many sites, late duplicate name"] = site(many.String() + `<site name="m10" id="99" />`)
	entries["many sites, late duplicate id"] = site(many.String() + `<site name="N" id="111" />`)
	entries["many bindings"] = site(`<site name="B" id="2"><bindings>` + bindings.String() + `</bindings></site>`)
	entries["many bindings, late duplicate"] = site(`<site name="B" id="2"><bindings>` + bindings.String() + `<binding protocol="http" bindingInformation="*:90:" /></bindings></site>` + many.String())
	for name, body := range longLists() {
		entries["long list, "+name] = site(body)
	}
	// Server-level sections and <location> tags below them: each
	// location merges into the server's merge, shared (quickInstance).
	loc := func(path, inner string) string {
		return `<location path="` + path + `"><system.webServer>` + inner + `</system.webServer></location>`
	}
	docs := func(files string) string { return `<defaultDocument><files>` + files + `</files></defaultDocument>` }
	server := `<system.webServer>` + docs(`<add value="a.htm" /><add value="b.htm" />`) + `<webSocket pingInterval="00:00:10" /></system.webServer>`
	locations := map[string]string{
		"clean":                    loc("S", docs(`<add value="c.htm" />`)+`<webSocket enabled="false" />`) + loc("S/app", docs(`<add value="d.htm" />`)),
		"duplicate of server":      loc("S", docs(`<add value="A.htm" />`)) + loc("S/app", docs(`<add value="a.htm" />`)),
		"duplicate within":         loc("S", docs(`<add value="x.htm" /><add value="x.htm" />`)),
		"duplicate of parent":      loc("S", docs(`<add value="x.htm" />`)) + loc("S/app", docs(`<add value="x.htm" />`)),
		"remove then add":          loc("S", docs(`<remove value="a.htm" /><add value="a.htm" />`)),
		"clear then add":           loc("S", docs(`<clear /><add value="a.htm" /><add value="a.htm" />`)),
		"bad value":                loc("S", `<webSocket pingInterval="soon" />`),
		"unknown attribute":        loc("S", `<webSocket bogus="1" />`),
		"unknown child":            loc("S", `<defaultDocument><nothing /></defaultDocument>`),
		"child twice":              loc("S", `<defaultDocument><files><add value="z" /></files><files><add value="z" /></files></defaultDocument>`),
		"lock in location":         loc("S", `<webSocket lockAttributes="enabled" />`) + loc("S/app", `<webSocket enabled="false" />`),
		"locked by server":         loc("S", `<webSocket enabled="false" />`),
		"missing required":         loc("S", docs(`<add />`)),
		"duplicate by reference":   loc("S", docs(`<add value="R&amp;D.htm" /><add value="r&#38;d.HTM" />`)),
		"reference, not duplicate": loc("S", docs(`<add value="R&amp;D.htm" /><add value="r&amp;e.htm" />`)),
		"duplicate, white space":   loc("S", docs("<add value=\"x\ty.htm\" /><add value=\"X Y.htm\" />")),
		"duplicate, not ASCII":     loc("S", docs(`<add value="Été.htm" /><add value="éTÉ.htm" />`)),
		"many sites, one level":    loc("S", docs(`<add value="c.htm" />`)) + loc("S/app", docs(`<add value="c.htm" />`)) + loc("S/app/x", docs(`<add value="b.htm" />`)),
		// What the raw walk of <location> tags (walkRaw) meets.
		"unknown section":     loc("S", `<nothing />`),
		"unknown in group":    `<location path="S"><system.webServer><security><nothing /></security></system.webServer></location>`,
		"unknown group":       `<location path="S"><system.nothing><webSocket /></system.nothing></location>`,
		"group twice":         loc("S", `<webSocket enabled="false" />`) + `<location path="S"><system.webServer><caching /></system.webServer><system.webServer><webSocket /></system.webServer></location>`,
		"section twice":       loc("S", `<webSocket enabled="false" /><webSocket enabled="true" />`),
		"markup between":      `<location path="S"><!-- <webSocket/> --><system.webServer><?pi <x/>?><webSocket enabled="false" /><!-- x --></system.webServer></location>`,
		"nested location":     `<location path="S"><location path="x" /></location>`,
		"configSections":      `<location path="S"><configSections /><system.webServer><webSocket /></system.webServer></location>`,
		"bad override":        `<location path="S" overrideMode="Sometimes"><system.webServer><webSocket /></system.webServer></location>`,
		"bad path":            `<location path="S/../.."><system.webServer><webSocket /></system.webServer></location>`,
		"not in child apps":   `<location path="S" inheritInChildApplications="false">` + `<system.webServer>` + docs(`<add value="c.htm" />`) + `</system.webServer></location>` + loc("S/app", docs(`<add value="c.htm" />`)),
		"location path empty": `<location path=""><system.webServer><webSocket enabled="false" /></system.webServer></location>`,
		"allowDefinition":     `<location path="S/app"><system.applicationHost><sites /></system.applicationHost></location>`,
		"case of path":        loc("s", `<webSocket enabled="false" />`) + loc("S", `<webSocket enabled="true" />`),
	}
	for name, body := range locations {
		srv := server
		if name == "locked by server" {
			srv = strings.Replace(server, `<webSocket pingInterval="00:00:10" />`, `<webSocket pingInterval="00:00:10" lockAttributes="enabled" />`, 1)
		}
		entries["location: "+name] = "\x00" + srv + body
	}
	check := func(t *testing.T, path string) {
		s, err := Open(Options{AppHostPath: path})
		if err != nil {
			t.Skipf("does not open: %v", err)
		}
		defer s.Close()
		// The merge of every entry, one pass after the other, against the
		// quick check, with the <location> pass on its own goroutine or not.
		exact := s.validate(true, false)
		// And as appcmd validate opens it: long lists checked while the
		// file is read (early.go).
		early, err := Open(Options{AppHostPath: path, Validating: true})
		if err != nil {
			t.Fatal(err)
		}
		defer early.Close()
		for _, split := range []bool{true, false, true} {
			quick := s.validate(false, split)
			if early != nil {
				quick, early = early.validate(false, split), nil
			}
			if !reflect.DeepEqual(findingTexts(quick), findingTexts(exact)) {
				t.Fatalf("quick (split %t):\n%s\nmerged:\n%s", split, strings.Join(findingTexts(quick), "\n"), strings.Join(findingTexts(exact), "\n"))
			}
			if !reflect.DeepEqual(quick.Files, exact.Files) || !reflect.DeepEqual(quick.Unchecked, exact.Unchecked) {
				t.Fatalf("split %t: files %v, unchecked %v; merged: %v, %v", split, quick.Files, quick.Unchecked, exact.Files, exact.Unchecked)
			}
		}
	}
	for name, body := range entries {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			host := hostSites("<sites>" + body)
			switch {
			case strings.HasPrefix(body, "<applicationPools>"):
				host = strings.Replace(hierarchyHost, "<sites>", body+"<sites>", 1)
			case strings.HasPrefix(body, "\x00"):
				host = strings.Replace(hierarchyHost, "{{SERVER}}", body[1:], 1)
			}
			host = strings.Replace(host, "{{SERVER}}", "", 1)
			host = strings.Replace(host, `<section name="sites"`, `<section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" /><section name="sites"`, 1)
			testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": host})
			check(t, filepath.Join(dir, "applicationHost.config"))
		})
	}
	for _, f := range testenv.CorpusFiles(t, filepath.Join(sharedDir, "corpus"), "apphost*") {
		t.Run(filepath.Base(f), func(t *testing.T) { check(t, f) })
	}
}

func findingTexts(r *Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Column, f.Rule, f.Message))
	}
	return out
}

// readSiteRaw reads what readSite reads of names, applications and
// virtual directories.
func TestReadSiteRaw(t *testing.T) {
	crafted := strings.Replace(hierarchyHost, "<sites>", `<sites><virtualDirectoryDefaults allowSubDirConfig="false" />`+
		`<site name="T" id="9"><virtualDirectoryDefaults allowSubDirConfig="true" /><application path="/"><virtualDirectory path="/" physicalPath="/t" /></application>`+
		`<application path="/a"><virtualDirectoryDefaults allowSubDirConfig="False" /><virtualDirectory path="/" physicalPath="/a" allowSubDirConfig="true" /><virtualDirectory path="/b" physicalPath="/b&amp;c" /></application></site>`+
		// defaults after what they apply to; the first of two wins
		`<site name="U" id="10"><application path="/"><virtualDirectory path="/" physicalPath="/u" /><virtualDirectory path="/x" physicalPath="/x" allowSubDirConfig="false" />`+
		`<virtualDirectoryDefaults allowSubDirConfig="false" /><virtualDirectoryDefaults allowSubDirConfig="true" /></application>`+
		`<application path="/b"><virtualDirectory path="/" physicalPath="/ub" /></application><virtualDirectoryDefaults allowSubDirConfig="FALSE" /><virtualDirectoryDefaults allowSubDirConfig="true" /></site>`, 1)
	crafted = strings.Replace(crafted, "{{SERVER}}", "", 1)
	dir := t.TempDir()
	testenv.WriteTree(t, dir, map[string]string{"applicationHost.config": crafted})
	files := []string{filepath.Join(dir, "applicationHost.config")}
	if c, err := filepath.Glob(filepath.Join(sharedDir, "corpus", "apphost*", "*.config")); err == nil {
		files = append(files, c...)
	}
	describe := func(site *Site) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s\n", site.Name, site.ID)
		for _, a := range site.Apps {
			fmt.Fprintf(&b, " %s\n", a.Path)
			for _, v := range a.VDirs {
				fmt.Fprintf(&b, "  %s %s %s %t\n", v.Path, v.URLPath(), v.PhysicalPath, v.AllowSubDirConfig)
			}
		}
		return b.String()
	}
	for _, f := range files {
		s, err := Open(Options{AppHostPath: f})
		if err != nil {
			continue
		}
		sites, defs, err := s.sitesSection()
		if err != nil || sites == nil {
			s.Close()
			continue
		}
		r, ok := sites.Raw()
		if !ok {
			t.Fatalf("%s: no raw view", f)
		}
		var raw, read []string
		r.EachChild(func(c xmldoc.Raw) bool {
			if c.NameIs("site") {
				raw = append(raw, describe(readSiteRaw(c, defs)))
			}
			return true
		})
		sites.EachChildNamed("site", func(e *xmldoc.Element) bool {
			read = append(read, describe(s.readSite(e, defs)))
			return true
		})
		s.Close()
		if strings.Join(raw, "") != strings.Join(read, "") || len(read) == 0 {
			t.Fatalf("%s: raw\n%s\nread\n%s", f, strings.Join(raw, ""), strings.Join(read, ""))
		}
	}
}

// The quick check asks metaAttr only of names starting with l, c or x.
func TestMetaAttrInitials(t *testing.T) {
	names := []string{"configSource", "xmlns", "xmlns:x", "xdt:Transform"}
	for n := range lockAttrNames {
		names = append(names, n)
	}
	for _, n := range names {
		if !metaAttr(n) || n[0] != 'l' && n[0] != 'c' && n[0] != 'x' {
			t.Errorf("%q: metaAttr %t, initial %c", n, metaAttr(n), n[0])
		}
	}
	for _, n := range []string{"name", "enabled", "Xmlns", "LockItem", "ConfigSource", "dxt:x", ""} {
		if metaAttr(n) {
			t.Errorf("metaAttr(%q) = true", n)
		}
	}
}

// hostSites is hierarchyHost with its sites section, from its start tag
// up to its end tag, replaced by sites.
func hostSites(sites string) string {
	return hierarchyHost[:strings.Index(hierarchyHost, "<sites>")] + sites + hierarchyHost[strings.Index(hierarchyHost, "</sites>"):]
}

// longLists are site lists of splitEntries or more, which quickInstance
// and the early check read on two goroutines (listCheck): what is wrong
// within one's part, and what is wrong only across them.
func longLists() map[string]string {
	var long strings.Builder
	for i := range splitEntries + 100 {
		fmt.Fprintf(&long, `<site name="L%d" id="%d"><bindings><binding protocol="http" bindingInformation="*:80:l%d" /></bindings></site>`, i, 1000+i, i)
	}
	half := strings.Index(long.String(), fmt.Sprintf(`<site name="L%d"`, (splitEntries+100)/2))
	first, second := long.String()[:half], long.String()[half:]
	defaults := `<siteDefaults><limits maxConnections="9" /></siteDefaults>`
	return map[string]string{
		"clean":                        first + second,
		"duplicate name across":        first + second + `<site name="l3" id="9" />`,
		"duplicate id across":          first + `<site name="X" id="1003" />` + second,
		"duplicate within second":      first + second + `<site name="l2000" id="9" />`,
		"duplicate within first":       `<site name="X" id="9" />` + first + `<site name="x" id="8" />` + second,
		"child in each half":           defaults + first + second + defaults,
		"child in second half":         first + second + defaults,
		"bad value in second half":     first + second + `<site name="X" id="9" serverAutoStart="maybe" />`,
		"bad value in first half":      `<site name="X" id="9" serverAutoStart="maybe" />` + first + second,
		"clear in second half":         first + `<clear />` + second,
		"remove in second half":        first + second + `<remove name="L3" />`,
		"nested duplicate second half": first + second + `<site name="X" id="9"><application path="/x" /><application path="/X" /></site>`,
		"unknown attribute first half": strings.Replace(first, "<site ", "<site bogus=\"1\" ", 1) + second,
		// Keys of the two halves written otherwise (appendRawLower).
		"duplicate across by reference": first + second + `<site name="&#76;3" id="9" />`,
		"duplicate across, not ASCII":   `<site name="Ä" id="8" />` + first + second + `<site name="ä" id="9" />`,
		"not ASCII across, distinct":    `<site name="Ä" id="8" />` + first + second + `<site name="A" id="9" />`,
	}
}

// listCheck says what one walk (element) says of every long list.
func TestListCheck(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2)))
	lists := longLists()
	// The list element's own attributes are read by the first half.
	lists["attribute of the list"] = "\x00" + lists["clean"]
	for name, body := range lists {
		t.Run(name, func(t *testing.T) {
			open := "<sites>"
			if body[0] == 0 {
				open, body = `<sites bogus="1">`, body[1:]
			}
			host := hostSites(open + body)
			s := openHost(t, strings.Replace(host, "{{SERVER}}", "", 1))
			sites, _, err := s.sitesSection()
			if err != nil {
				t.Fatal(err)
			}
			r, _ := sites.Raw()
			n := r.IndexedChildren()
			if n < splitEntries {
				t.Fatalf("%d children indexed", n)
			}
			v := &validator{s: s, seen: map[string]bool{}, unchecked: map[string]bool{}}
			_, sch := v.declaration(s.apphost.declared, "system.applicationHost/sites")
			root := v.inherited(sch, nil).root
			q := &quickScratch{}
			_, want := q.element(sch.Root, r, root, v.knownKeys)
			// As quickInstance (two goroutines) and the early check (one
			// started, one joining), and with more.
			for goroutines := 1; goroutines <= 3; goroutines++ {
				lc := newListCheck(sch.Root, root, v.knownKeys, n)
				for range goroutines - 1 {
					other, _ := r.Fork()
					lc.start(other)
				}
				if !q.attributes(sch.Root, r) {
					lc.failed.Store(true)
				}
				q.attrs = q.attrs[:0]
				lc.work(r)
				if got := lc.result(); got != want {
					t.Errorf("%d goroutines: %t, one walk %t", goroutines, got, want)
				}
			}
		})
	}
}

// appendCompareKey is CompareKey for every kind and text, canonical
// numbers (its fast path) or not.
func TestAppendCompareKey(t *testing.T) {
	kinds := map[string]*section.Attribute{
		"uint":   {Name: "u", Type: section.KindUint},
		"int":    {Name: "i", Type: section.KindInt},
		"int64":  {Name: "l", Type: section.KindInt64},
		"string": {Name: "s", Type: section.KindString},
		"case":   {Name: "c", Type: section.KindString, CaseSensitive: true},
		"bool":   {Name: "b", Type: section.KindBool},
		"inf":    {Name: "n", Type: section.KindUint, AllowInfinite: true},
	}
	texts := []string{"0", "-0", "00", "7", "07", "+7", " 7", "-7", "-07", "123456789", "1234567890", "4294967295", "4294967296",
		"999999999999999999", "9999999999999999999", "-9223372036854775808", "Infinite", "", "-", "x", "Ab", "TRUE", "1e3"}
	for kind, a := range kinds {
		for _, v := range texts {
			if got, want := string(appendCompareKey([]byte("k"), a, v)), "k"+a.CompareKey(v); got != want {
				t.Errorf("%s %q: %q, want %q", kind, v, got, want)
			}
		}
	}
}

// bigKeys tells a long list of distinct keys from one with a key twice,
// wherever the second one stands, and sortHashes sorts.
func TestBigKeys(t *testing.T) {
	q := &quickScratch{}
	for _, n := range []int{9, 1023, 1024, 20000} {
		for _, dup := range []int{-1, 0, n / 2, n - 1} {
			ks := keySet{big: q.bigSet()}
			for i := range n {
				ks.big.add([]byte(fmt.Sprint("k", i)))
				if i == dup {
					ks.big.add([]byte(fmt.Sprint("k", i/3)))
				}
			}
			if got := q.done(&ks); got != (dup < 0) {
				t.Errorf("%d keys, k%d twice: distinct %t", n, dup/3, got)
			}
			if ks.big != nil || len(q.spare) != 1 || len(q.spare[0].hashes) != 0 {
				t.Fatalf("not emptied for reuse")
			}
		}
		// Spread over the whole range, and a third in one bucket.
		rnd := rand.New(rand.NewPCG(1, uint64(n)))
		h := make([]uint64, n)
		for i := range h {
			h[i] = rnd.Uint64()
			if i%3 == 0 {
				h[i] = h[i]&(1<<40-1) | 5<<48
			}
		}
		want := slices.Sorted(slices.Values(h))
		sortHashes(h)
		if !slices.Equal(h, want) {
			t.Errorf("%d hashes not sorted", n)
		}
	}
}
