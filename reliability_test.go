//go:build linux

package main

// Reliability tests of issue 7, run against the real appcmd binary (the
// test binary, which testscript.Main put in $PATH as "appcmd"): many
// concurrent writers, kill -9 during large writes, hostile files, values
// that need escaping, and paths that try to leave their directory.
// docs/reliability.md reports the figures they log.

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/appcmd-project/appcmd/bench/genconfig/gen"
	"github.com/appcmd-project/appcmd/internal/configstore"
)

// result is one appcmd run.
type result struct {
	stdout, stderr string
	code           int
	maxRSS         int64 // bytes
	wall           time.Duration
}

// command returns an appcmd invocation with a private $HOME.
func command(home string, args ...string) *exec.Cmd {
	c := exec.Command("appcmd", args...)
	c.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "NO_COLOR=1", "APPCMD_APPHOSTCONFIG=", "APPCMD_TEST_STATUS=")
	return c
}

func runAppcmd(t *testing.T, home string, args ...string) result {
	t.Helper()
	c := command(home, args...)
	// The peak RSS a child reports to wait4 includes the memory of the
	// test process it was started from (Linux keeps the larger of the
	// pre-exec and post-exec figures), so it is measured by GNU time,
	// whose own child starts small.
	rssFile := filepath.Join(t.TempDir(), "rss")
	if gnuTime, err := exec.LookPath("/usr/bin/time"); err == nil {
		c.Args = append([]string{gnuTime, "-f", "%M", "-o", rssFile, c.Path}, c.Args[1:]...)
		c.Path = gnuTime
	}
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	start := time.Now()
	err := c.Run()
	r := result{stdout: out.String(), stderr: errb.String(), wall: time.Since(start)}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("appcmd %q: %v", args, err)
	}
	r.code = c.ProcessState.ExitCode()
	if b, err := os.ReadFile(rssFile); err == nil {
		// GNU time adds "Command exited with non-zero status N" first.
		lines := strings.Fields(string(b))
		var kib int64
		fmt.Sscan(lines[len(lines)-1], &kib)
		r.maxRSS = kib << 10
	} else {
		r.maxRSS = -1 // unknown
	}
	return r
}

// wellFormed checks a file with encoding/xml, an independent parser.
func wellFormed(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed: %v", path, err)
		}
	}
}

// noTemps fails if a writer left temporary files next to path.
func noTemps(t *testing.T, path string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp-*"))
	if len(left) > 0 {
		t.Fatalf("temporary files left behind: %q", left)
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

// runAll starts every command at once and waits for all of them.
func runAll(t *testing.T, cmds []*exec.Cmd) time.Duration {
	t.Helper()
	outs := make([]bytes.Buffer, len(cmds))
	start := time.Now()
	for i, c := range cmds {
		c.Stdout, c.Stderr = &outs[i], &outs[i]
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	var failed []string
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			failed = append(failed, fmt.Sprintf("%q: %v\n%s", c.Args[1:], err, outs[i].String()))
		}
	}
	if len(failed) > 0 {
		t.Fatalf("%d of %d writers failed:\n%s", len(failed), len(cmds), strings.Join(failed, "\n"))
	}
	return time.Since(start)
}

// TestReliabilityConcurrentWriters starts 50 writers at once, first adding
// one collection entry each at server level, then each editing its own
// <location> tag: every change must be there afterwards.
func TestReliabilityConcurrentWriters(t *testing.T) {
	const writers = 50
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")

	os.WriteFile(path, configstore.DefaultConfig(path), 0o644)
	// Baseline: one writer alone, in this run.
	one := runAppcmd(t, dir, "set", "config", "-section:staticContent", "/+[fileExtension='.base',mimeType='x/base']", "-apphostconfig:"+path)
	if one.code != 0 {
		t.Fatalf("exit %d\n%s", one.code, one.stderr)
	}
	var cmds []*exec.Cmd
	for i := range writers {
		cmds = append(cmds, command(dir, "set", "config", "-section:staticContent",
			fmt.Sprintf("/+[fileExtension='.c%02d',mimeType='x/c%02d']", i, i), "-apphostconfig:"+path))
	}
	took := runAll(t, cmds)
	wellFormed(t, path)
	noTemps(t, path)
	src, _ := os.ReadFile(path)
	for i := range writers {
		if n := bytes.Count(src, fmt.Appendf(nil, `<mimeMap fileExtension=".c%02d" mimeType="x/c%02d" />`, i, i)); n != 1 {
			t.Errorf("entry .c%02d is in the file %d times, want 1", i, n)
		}
	}
	list := runAppcmd(t, dir, "list", "config", "-section:staticContent", "-apphostconfig:"+path)
	if got := strings.Count(list.stdout, `mimeType:"x/c`) + strings.Count(list.stdout, `mimeType="x/c`); list.code != 0 || got != writers {
		t.Errorf("list config shows %d of the %d entries (exit %d)", got, writers, list.code)
	}
	t.Logf("figure: %d concurrent collection adds: %v, all present (one writer alone: %v; ratio to %d in a row: %.2f)", writers, took.Round(time.Millisecond), one.wall.Round(time.Millisecond), writers, float64(took)/float64(writers*int(one.wall)))

	// Distinct <location> tags of a 50-site file: each writer edits its own.
	os.WriteFile(path, gen.Bytes(writers, 7), 0o644)
	cmds = nil
	for k := 1; k <= writers; k++ {
		cmds = append(cmds, command(dir, "set", "config", fmt.Sprintf("Site%d", k), "-section:webSocket",
			fmt.Sprintf("/receiveBufferLimit:%d", 100000+k), "/enabled:false", "-commit:apphost", "-apphostconfig:"+path))
	}
	took = runAll(t, cmds)
	wellFormed(t, path)
	noTemps(t, path)
	src, _ = os.ReadFile(path)
	var blocks []string
	for _, b := range strings.Split(string(src), `<location path="`)[1:] {
		if strings.HasPrefix(b, "Site") {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) != writers {
		t.Fatalf("%d location tags, want %d", len(blocks), writers)
	}
	for _, b := range blocks {
		name := b[:strings.IndexByte(b, '"')]
		ws := regexp.MustCompile(`<webSocket [^>]*>`).FindString(b)
		k, _ := strconv.Atoi(name[len("Site"):])
		want := fmt.Sprintf(`receiveBufferLimit="%d"`, 100000+k)
		if !strings.Contains(ws, want) || !strings.Contains(ws, `enabled="false"`) {
			t.Errorf("location %s lacks its writer's change %s", name, want)
		}
	}
	t.Logf("figure: %d concurrent edits of distinct location tags: %v, all present (ratio to %d single writes in a row: %.2f)", writers, took.Round(time.Millisecond), writers, float64(took)/float64(writers*int(one.wall)))
}

// TestReliabilityKill9 kills a writer of a 50,000-site file at random
// moments: the file must always be the complete old or the complete new
// version, and what a killed writer leaves behind must not trouble the
// next one.
func TestReliabilityKill9(t *testing.T) {
	sites, rounds := 50000, 200
	if testing.Short() {
		sites, rounds = 5000, 40
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	// Site 2's location has a <webSocket> element, so the writers edit an
	// attribute in place and the two versions alternate exactly.
	versionA := gen.Bytes(sites, 11)
	os.WriteFile(path, versionA, 0o644)
	valueA := regexp.MustCompile(`<location path="Site2">[\s\S]*?pingInterval="([0-9:]+)"`).FindSubmatch(versionA)
	if valueA == nil {
		t.Fatal("Site2 has no pingInterval in the generated file")
	}
	values := [2]string{string(valueA[1]), "00:00:31"}
	edit := func(to int) *exec.Cmd {
		return command(dir, "set", "config", "Site2", "-section:webSocket", "/pingInterval:"+values[to], "-commit:apphost", "-apphostconfig:"+path)
	}
	// The new version, and how long an undisturbed write takes.
	start := time.Now()
	if out, err := edit(1).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	full := time.Since(start)
	versionB, _ := os.ReadFile(path)
	if out, err := edit(0).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, versionA) {
		t.Fatal("setting the value back does not give the original bytes; the test needs two exact versions")
	}
	versions := [2][]byte{versionA, versionB}

	r := rand.New(rand.NewPCG(1, 2))
	cur := 0
	var old, new, temps, finished int
	// Kills fall uniformly in [0, window). The window starts a little past
	// an undisturbed write and follows the machine's load: it grows by 5%
	// with each kill that leaves the old version and shrinks by 15% with
	// each that leaves the new one, which settles at about one kill in four
	// landing after the rename, so both sides of it keep being hit.
	window := full * 11 / 10
	for i := range rounds {
		c := edit(1 - cur)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(r.Int64N(int64(window)))
		time.Sleep(delay)
		c.Process.Signal(syscall.SIGKILL)
		err := c.Wait()
		if err == nil {
			finished++
		}
		got, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatalf("round %d (kill after %v): %v", i, delay, rerr)
		}
		switch {
		case bytes.Equal(got, versions[cur]):
			old++
			window = window * 21 / 20
		case bytes.Equal(got, versions[1-cur]):
			new++
			cur = 1 - cur
			window = window * 17 / 20
		default:
			t.Fatalf("round %d (kill after %v): the file is neither the old nor the new version (%d bytes)", i, delay, len(got))
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(left) > 0 {
			temps++
		}
	}
	// The next undisturbed writer succeeds and clears what killed ones left.
	if out, err := edit(1 - cur).CombinedOutput(); err != nil {
		t.Fatalf("writer after the kills: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, versions[1-cur]) {
		t.Fatal("writer after the kills did not write the new version")
	}
	noTemps(t, path)
	t.Logf("figure: %d sites (%.1f MiB), undisturbed write %v, final kill window %v; %d kills: %d left the old version, %d the new (%d of them had finished), %d left temporary files; 0 other states",
		sites, float64(len(versionA))/(1<<20), full.Round(time.Millisecond), window.Round(time.Millisecond), rounds, old, new, finished, temps)
	if new == 0 || old == 0 {
		t.Errorf("the kills never landed on one side of the rename (old %d, new %d); the timing is off", old, new)
	}
}

// hostile is a broken or malicious applicationHost.config.
type hostile struct {
	name  string
	write func(w io.Writer) // writes the file
	line  int               // the line the error names
	msg   string            // regexp of the description
	big   bool              // a 1 GB file: not with -short
	rss   int64             // peak RSS allowed, if not 160 MiB
}

// head is the start of a valid applicationHost.config: webSocket declared.
const head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n" +
	"<configSections><sectionGroup name=\"system.webServer\"><section name=\"webSocket\" overrideModeDefault=\"Deny\" /></sectionGroup></configSections>\n"

func text(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }

func repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, max(1, (64<<10)/len(s)))
	per := len(chunk) / len(s)
	for n >= per {
		io.WriteString(w, chunk)
		n -= per
	}
	io.WriteString(w, strings.Repeat(s, n))
}

var hostileFiles = []hostile{
	{name: "doctype-billion-laughs", line: 2, msg: `DTDs and entity declarations are not allowed`, write: text(`<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<configuration a="&lol3;"/>`)},
	{name: "external-entity", line: 2, msg: `DTDs and entity declarations are not allowed`, write: text(`<?xml version="1.0"?>
<!DOCTYPE configuration [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<configuration>&xxe;</configuration>`)},
	{name: "entity-declaration-inside", line: 5, msg: `DTDs and entity declarations are not allowed`, write: text(head + "<system.webServer>\n<!ENTITY x \"y\">\n</system.webServer></configuration>\n")},
	{name: "undefined-entity", line: 5, msg: `lol`, write: text(head + "<system.webServer>\n<webSocket enabled=\"&lol;\" />\n</system.webServer></configuration>\n")},
	{name: "invalid-utf8", line: 5, msg: `invalid character \(not UTF-8`, write: text(head + "<system.webServer>\n<webSocket enabled=\"tr\xffue\" />\n</system.webServer></configuration>\n")},
	{name: "nul-byte", line: 6, msg: `invalid character`, write: text(head + "<system.webServer>\n\n<webSocket \x00enabled=\"true\" />\n</system.webServer></configuration>\n")},
	{name: "mismatched-tags", line: 6, msg: `mismatched end tag </system.web>, expected </system.webServer>`, write: text(head + "<system.webServer>\n<webSocket enabled=\"true\" />\n</system.web></configuration>\n")},
	{name: "duplicate-attribute", line: 5, msg: `duplicate attribute "enabled" in <webSocket>`, write: text(head + "<system.webServer>\n<webSocket enabled=\"true\" enabled=\"false\" />\n</system.webServer></configuration>\n")},
	{name: "truncated-in-tag", line: 6, msg: `unexpected end of file`, write: text(head + "<system.webServer>\n<webSocket enabled=\"true\" />\n</system.webSer")},
	{name: "truncated-in-content", line: 6, msg: `unexpected end of file: element <system.webServer> is not closed`, write: text(head + "<system.webServer>\n<webSocket enabled=\"true\" />\n")},
	{name: "utf16", line: 1, msg: `UTF-16 encoded files are not supported`, write: text("\xff\xfe<\x00c\x00/\x00>\x00")},
	{name: "other-encoding", line: 1, msg: `encoding "ISO-8859-1" is not supported`, write: text(`<?xml version="1.0" encoding="ISO-8859-1"?><configuration/>`)},
	{name: "deep-nesting-100k", line: 5, msg: `elements are nested more than 1000 deep`, write: func(w io.Writer) {
		io.WriteString(w, head+"<system.webServer>\n")
		repeat(w, "<a>", 100000)
		repeat(w, "</a>", 100000)
		io.WriteString(w, "</system.webServer></configuration>\n")
	}},
	{name: "many-attributes", line: 5, msg: `more than 1000 attributes in start tag <webSocket`, write: func(w io.Writer) {
		io.WriteString(w, head+"<system.webServer>\n<webSocket")
		for i := range 100000 {
			fmt.Fprintf(w, " a%d=\"\"", i)
		}
		io.WriteString(w, " />\n</system.webServer></configuration>\n")
	}},
	{name: "many-elements", line: 5, rss: 512 << 20, msg: `the file has more than 4000000 elements`, write: func(w io.Writer) {
		io.WriteString(w, head+"<system.webServer>\n")
		repeat(w, "<a/>", 4_000_001)
		io.WriteString(w, "</system.webServer></configuration>\n")
	}},
	{name: "attribute-1GB", line: 5, msg: `the value of attribute "pingInterval" is longer than 4194304 bytes`, big: true, write: func(w io.Writer) {
		io.WriteString(w, head+"<system.webServer>\n<webSocket pingInterval=\"")
		repeat(w, strings.Repeat("0", 1<<20), 1000)
		io.WriteString(w, "\" />\n</system.webServer></configuration>\n")
	}},
}

// TestReliabilityHostileFiles gives appcmd broken and malicious files: each
// must fail with the file and line, in bounded memory, writing nothing.
func TestReliabilityHostileFiles(t *testing.T) {
	// Baseline: the same commands on the built-in template, in this run.
	dir := t.TempDir()
	good := filepath.Join(dir, "applicationHost.config")
	os.WriteFile(good, configstore.DefaultConfig(good), 0o644)
	baseline := runAppcmd(t, dir, "list", "config", "-section:system.webServer/webSocket", "-apphostconfig:"+good)
	t.Logf("figure: baseline: list on the built-in template: exit %d in %v, peak RSS %.1f MiB", baseline.code, baseline.wall.Round(time.Millisecond), float64(baseline.maxRSS)/(1<<20))
	for _, h := range hostileFiles {
		t.Run(h.name, func(t *testing.T) {
			if h.big && testing.Short() {
				t.Skip("a 1 GB file; not in -short")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "applicationHost.config")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			h.write(f)
			f.Close()
			info, _ := os.Stat(path)
			before := fileHash(t, path)
			for _, args := range [][]string{
				{"list", "config", "-section:system.webServer/webSocket"},
				{"set", "config", "-section:system.webServer/webSocket", "/enabled:false"},
			} {
				r := runAppcmd(t, dir, append(args, "-apphostconfig:"+path)...)
				if r.code != 13 {
					t.Errorf("%s: exit %d, want 13\n%s", args[0], r.code, r.stderr)
				}
				for _, want := range []string{
					`(?m)^ERROR \( message:Configuration error$`,
					`(?m)^Filename: ` + regexp.QuoteMeta(path) + `$`,
					fmt.Sprintf(`(?m)^Line Number: %d$`, h.line),
					`(?m)^Description: .*` + h.msg,
				} {
					if !regexp.MustCompile(want).MatchString(r.stderr) {
						t.Errorf("%s: stderr does not match %s:\n%.2000s", args[0], want, r.stderr)
					}
				}
				if r.stdout != "" {
					t.Errorf("%s: stdout %q, want nothing", args[0], r.stdout)
				}
				// Bounded memory: the process never holds a file this size.
				limit := int64(160 << 20)
				if h.rss != 0 {
					limit = h.rss
				}
				if r.maxRSS < 0 {
					t.Log("no /usr/bin/time: peak RSS not measured")
				} else if r.maxRSS > limit {
					t.Errorf("%s: peak RSS %d MiB, want under %d MiB", args[0], r.maxRSS>>20, limit>>20)
				}
				if r.wall > 60*time.Second {
					t.Errorf("%s: took %v", args[0], r.wall)
				}
				t.Logf("figure: %s: %s %.1f MiB file: exit %d in %v (%.1fx baseline), peak RSS %.1f MiB (%.2fx baseline)", h.name, args[0], float64(info.Size())/(1<<20), r.code,
					r.wall.Round(time.Millisecond), float64(r.wall)/float64(baseline.wall), float64(r.maxRSS)/(1<<20), float64(r.maxRSS)/float64(baseline.maxRSS))
			}
			if fileHash(t, path) != before {
				t.Error("the file changed")
			}
			noTemps(t, path)
		})
	}
}

// TestReliabilityEscaping sets values that need escaping and reads them
// back: they must come back identical, and the file must stay well-formed.
// Values XML cannot hold at all are refused, and nothing is written.
func TestReliabilityEscaping(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	os.WriteFile(path, configstore.DefaultConfig(path), 0o644)
	values := []string{
		`double " quote`, `single ' quote`, `<tag attr="x">`, `a & b &amp; &#65; &lt;`, `]]> --> <!-- <?pi?>`,
		"two\nlines", "crlf\r\nline", "cr\ronly", "tab\there", "  leading and trailing  ", "\t\n",
		"non-ASCII: é ß 日本語 🙂 \u00a0nbsp \u2028 ls", "del \x7f", `%SystemDrive%\inetpub`, `back\slash`, "",
	}
	for i, v := range values {
		name := fmt.Sprintf("X-Test-%d", i)
		// In a selector a quote is written twice (docs/grammar.md).
		add := runAppcmd(t, dir, "set", "config", "-section:system.webServer/httpProtocol",
			fmt.Sprintf("/+customHeaders.[name='%s',value='%s']", name, strings.ReplaceAll(v, "'", "''")), "-apphostconfig:"+path)
		if add.code != 0 {
			t.Fatalf("add %q: exit %d\n%s", v, add.code, add.stderr)
		}
		// And as a plain attribute value, on a second header.
		name2 := name + "b"
		runAppcmd(t, dir, "set", "config", "-section:system.webServer/httpProtocol", fmt.Sprintf("/+customHeaders.[name='%s',value='x']", name2), "-apphostconfig:"+path)
		set := runAppcmd(t, dir, "set", "config", "-section:system.webServer/httpProtocol", fmt.Sprintf("/customHeaders.[name='%s'].value:%s", name2, v), "-apphostconfig:"+path)
		if set.code != 0 {
			t.Fatalf("set %q: exit %d\n%s", v, set.code, set.stderr)
		}
	}
	wellFormed(t, path)
	got := readHeaders(t, dir, path)
	for i, v := range values {
		for _, name := range []string{fmt.Sprintf("X-Test-%d", i), fmt.Sprintf("X-Test-%db", i)} {
			if got[name] != v {
				t.Errorf("%s: read back %q, set %q", name, got[name], v)
			}
		}
	}
	// An independent parser reads the same values.
	src, _ := os.ReadFile(path)
	var doc struct {
		Headers []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"system.webServer>httpProtocol>customHeaders>add"`
	}
	if err := xml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Headers) != 2*len(values) {
		t.Fatalf("encoding/xml sees %d headers, want %d", len(doc.Headers), 2*len(values))
	}
	for _, h := range doc.Headers {
		if h.Value != got[h.Name] {
			t.Errorf("encoding/xml reads %s as %q, appcmd as %q", h.Name, h.Value, got[h.Name])
		}
	}

	before := fileHash(t, path)
	for _, bad := range []string{"bell \x07", "esc \x1b[31mred", "bad utf-8 \xff\xfe", "noncharacter \uFFFE", "vt \x0b ff \x0c"} {
		for _, args := range [][]string{
			{"set", "config", "-section:system.webServer/httpProtocol", fmt.Sprintf("/+customHeaders.[name='bad',value='%s']", bad)},
			{"set", "config", "-section:system.webServer/httpProtocol", "/customHeaders.[name='X-Test-0'].value:" + bad},
			{"set", "config", "Default Web Site/" + bad, "-section:webSocket", "/enabled:false", "-commit:apphost"},
		} {
			r := runAppcmd(t, dir, append(args, "-apphostconfig:"+path)...)
			if r.code == 0 || !strings.Contains(r.stderr, "cannot be stored in a configuration file") && !strings.Contains(r.stderr, "not valid UTF-8") {
				t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
			}
		}
	}
	if fileHash(t, path) != before {
		t.Error("a refused value changed the file")
	}
}

// readHeaders returns the custom headers as appcmd reads them back.
func readHeaders(t *testing.T, home, path string) map[string]string {
	t.Helper()
	r := runAppcmd(t, home, "list", "config", "-section:system.webServer/httpProtocol", "-json", "-apphostconfig:"+path)
	if r.code != 0 {
		t.Fatalf("list config: exit %d\n%s", r.code, r.stderr)
	}
	var out []struct {
		Config struct {
			Elements map[string]struct {
				Items []struct {
					Attributes map[string]struct {
						Value string `json:"value"`
					} `json:"attributes"`
				} `json:"items"`
			} `json:"elements"`
		} `json:"config"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out) != 1 {
		t.Fatalf("list config -json: %v\n%s", err, r.stdout)
	}
	got := map[string]string{}
	for _, it := range out[0].Config.Elements["customHeaders"].Items {
		got[it.Attributes["name"].Value] = it.Attributes["value"].Value
	}
	return got
}

// TestReliabilityPathsStayInside runs commands whose commit paths, config
// paths and backup names try to climb out of their directories, and
// checks that nothing outside the intended directories appears.
func TestReliabilityPathsStayInside(t *testing.T) {
	root := t.TempDir()
	// Deep enough that five ".." stay inside root, where the walk sees them.
	base := filepath.Join(root, "a", "b", "c", "d", "e")
	cfgDir := filepath.Join(base, "config")
	site := filepath.Join(base, "site")
	for _, d := range []string{cfgDir, filepath.Join(site, "app")} {
		os.MkdirAll(d, 0o755)
	}
	path := filepath.Join(cfgDir, "applicationHost.config")
	cfg := strings.Replace(string(configstore.DefaultConfig(path)), filepath.Join(cfgDir, "wwwroot"), site, 1)
	os.WriteFile(path, []byte(cfg), 0o644)
	runAppcmd(t, root, "add", "app", "/site.name:Default Web Site", "/path:/app", "/physicalPath:"+filepath.Join(site, "app"), "-apphostconfig:"+path)

	before := walk(t, root)
	var attempts int
	try := func(args ...string) {
		attempts++
		runAppcmd(t, root, append(args, "-apphostconfig:"+path)...)
	}
	for _, p := range []string{"..", "../..", "../../../../..", `..\..\..`, "%2e%2e/%2e%2e", "app/../../..", "/../..", "./..", "app/..%2f..", "...", "app/..\\.."} {
		try("set", "config", "Default Web Site/"+p, "-section:defaultDocument", "/enabled:false")
		try("set", "config", "Default Web Site/app", "-section:defaultDocument", "/enabled:false", "-commit:"+p)
		try("set", "config", "Default Web Site/app", "-section:defaultDocument", "/enabled:false", "-commit:MACHINE/WEBROOT/APPHOST/Default Web Site/"+p)
		try("add", "backup", p)
		try("add", "backup", "x/"+p)
		try("restore", "backup", p)
		try("delete", "backup", p)
		try("add", "vdir", "/app.name:Default Web Site/app", "/path:/"+p, "/physicalPath:"+site)
		try("add", "app", "/site.name:Default Web Site", "/path:/"+p, "/physicalPath:"+site)
	}
	for _, p := range []string{"/etc/evil", `C:\evil`, "../evil", "evil/../../x", "a:b"} {
		try("add", "backup", p)
	}
	// -apphostconfig: a directory, a missing directory, a relative path that
	// climbs back to the real file, each with a write and a backup.
	rel, _ := filepath.Rel(filepath.Join(base, "site", "app"), path)
	for _, ap := range []string{cfgDir, cfgDir + "/", filepath.Join(base, "nowhere", "applicationHost.config"), filepath.Join(site, "app", "..", "..", "config", "..", "config", "applicationHost.config"), rel, filepath.Join(cfgDir, "..")} {
		for _, args := range [][]string{
			{"set", "config", "-section:defaultDocument", "/enabled:false"},
			{"set", "config", "Default Web Site/app", "-section:defaultDocument", "/enabled:true", "-commit:parent"},
			{"add", "backup", "b-" + fmt.Sprint(attempts)},
		} {
			attempts++
			c := command(root, append(args, "-apphostconfig:"+ap)...)
			c.Dir = filepath.Join(site, "app")
			c.Run()
		}
	}
	after := walk(t, root)
	for name := range after {
		if _, ok := before[name]; ok {
			continue
		}
		// New files may only be web.config files in the site tree and backups
		// under the config directory.
		rel, _ := filepath.Rel(base, name)
		inSite := strings.HasPrefix(rel, "site"+string(filepath.Separator)) || rel == "site"
		if !(inSite && filepath.Base(name) == "web.config") && !strings.HasPrefix(rel, filepath.Join("config", "backup")) {
			t.Errorf("%d attempts created %s", attempts, name)
		}
	}
	for name, mod := range before {
		if after[name] != mod && !strings.HasPrefix(name, base) {
			t.Errorf("%s outside the tree changed", name)
		}
	}
}

// walk lists every file under root with its modification time.
func walk(t *testing.T, root string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out[p] = info.ModTime()
		}
		return nil
	})
	return out
}

// TestReliabilitySymlinks writes configuration files that are symbolic
// links (into a git checkout, say): the links stay links and their targets
// get the new content; a writer through the link and one through the
// target take the same lock.
func TestReliabilitySymlinks(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	live := filepath.Join(root, "live")
	site := filepath.Join(root, "site")
	for _, d := range []string{repo, live, site} {
		os.MkdirAll(d, 0o755)
	}
	real := filepath.Join(repo, "applicationHost.config")
	link := filepath.Join(live, "applicationHost.config")
	cfg := strings.Replace(string(configstore.DefaultConfig(link)), filepath.Join(live, "wwwroot"), site, 1)
	os.WriteFile(real, []byte(cfg), 0o644)
	os.Symlink(real, link)
	webReal := filepath.Join(repo, "web.config")
	os.WriteFile(webReal, []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>\r\n</configuration>\r\n"), 0o644)
	os.Symlink(webReal, filepath.Join(site, "web.config"))

	isLink := func(p string) {
		t.Helper()
		if info, err := os.Lstat(p); err != nil || info.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("%s is no longer a symbolic link", p)
		}
	}
	if r := runAppcmd(t, root, "set", "config", "-section:webSocket", "/pingInterval:00:00:07", "-apphostconfig:"+link); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	isLink(link)
	if b, _ := os.ReadFile(real); !bytes.Contains(b, []byte(`pingInterval="00:00:07"`)) {
		t.Error("the link's target did not get the change")
	}
	// The web.config link leads out of the site's physical path: refused
	// unless asked for (issue 13), and then written through.
	webBefore := fileHash(t, webReal)
	if r := runAppcmd(t, root, "set", "config", "Default Web Site", "-section:defaultDocument", "/enabled:false", "-apphostconfig:"+link); r.code != 5 || !strings.Contains(r.stderr, webReal) || !strings.Contains(r.stderr, site) {
		t.Fatalf("a write through a link out of the site: exit %d, want 5 naming both paths\n%s", r.code, r.stderr)
	}
	if fileHash(t, webReal) != webBefore {
		t.Fatal("the refused write changed the link's target")
	}
	if r := runAppcmd(t, root, "set", "config", "Default Web Site", "-section:defaultDocument", "/enabled:false", "-followLinks", "-apphostconfig:"+link); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	isLink(filepath.Join(site, "web.config"))
	if b, _ := os.ReadFile(webReal); !bytes.Contains(b, []byte("<defaultDocument enabled=\"false\" />\r\n")) {
		t.Errorf("the linked web.config did not get the change in its own line ending:\n%s", b)
	}
	for _, d := range []string{repo, live, site} {
		noTemps(t, filepath.Join(d, "x"))
	}
	// A backup holds the content, not a link.
	if r := runAppcmd(t, root, "add", "backup", "b1", "-apphostconfig:"+link); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	runAppcmd(t, root, "set", "config", "-section:webSocket", "/pingInterval:00:00:08", "-apphostconfig:"+link)
	backups, _ := filepath.Glob(filepath.Join(live, "backup", "b1", "*"))
	if len(backups) != 1 {
		t.Fatalf("backup files: %q", backups)
	}
	if b, _ := os.ReadFile(backups[0]); !bytes.Contains(b, []byte(`pingInterval="00:00:07"`)) {
		t.Error("the backup follows the link instead of holding the old content")
	}

	// Writers through the link and through the target do not lose updates.
	var cmds []*exec.Cmd
	for i := range 20 {
		p := link
		if i%2 == 1 {
			p = real
		}
		cmds = append(cmds, command(root, "set", "config", "-section:staticContent", fmt.Sprintf("/+[fileExtension='.s%d',mimeType='x/s']", i), "-apphostconfig:"+p))
	}
	runAll(t, cmds)
	b, _ := os.ReadFile(real)
	if n := bytes.Count(b, []byte(`mimeType="x/s"`)); n != 20 {
		t.Errorf("%d of 20 entries written through the link and the target", n)
	}
	isLink(link)

	// A dangling link is an error, not a new file in place of the link.
	os.Remove(webReal)
	r := runAppcmd(t, root, "set", "config", "Default Web Site", "-section:defaultDocument", "/enabled:true", "-apphostconfig:"+link)
	if r.code == 0 {
		t.Error("writing through a dangling web.config link succeeded")
	}
	isLink(filepath.Join(site, "web.config"))
}
