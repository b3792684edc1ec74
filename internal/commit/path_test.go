package commit

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func pathName(n string) Step { return Step{Name: n} }

func pathSel(keys ...string) Step {
	s := &Selector{}
	for i := 0; i+1 < len(keys); i += 2 {
		s.Keys = append(s.Keys, KeyValue{Name: keys[i], Value: keys[i+1]})
	}
	return Step{Selector: s}
}

func pathSelAt(pos Position, keys ...string) Step {
	st := pathSel(keys...)
	st.Selector.Pos = pos
	return st
}

func TestParsePath(t *testing.T) {
	tests := []struct {
		in    string
		want  Path
		canon string // String() of the result; "" means same as in
	}{
		{in: "enabled", want: Path{pathName("enabled")}},
		{in: "limits.maxBandwidth", want: Path{pathName("limits"), pathName("maxBandwidth")}},
		{in: "processModel.pingingEnabled", want: Path{pathName("processModel"), pathName("pingingEnabled")}},
		{in: "SITE.NAME", want: Path{pathName("SITE"), pathName("NAME")}},
		{in: "site-name_2", want: Path{pathName("site-name_2")}},
		{in: "[name='x'].type", want: Path{pathSel("name", "x"), pathName("type")}},
		{in: "[name='FormsAuthentication'].type", want: Path{pathSel("name", "FormsAuthentication"), pathName("type")}},
		{
			in:   "[name='C',id='2'].bindings.[protocol='http',bindingInformation='*:80:']",
			want: Path{pathSel("name", "C", "id", "2"), pathName("bindings"), pathSel("protocol", "http", "bindingInformation", "*:80:")},
		},
		{in: "files.[value='home.html']", want: Path{pathName("files"), pathSel("value", "home.html")}},
		{
			in:   `[name='X'].[path='/'].[path='/',physicalPath='C:\x']`,
			want: Path{pathSel("name", "X"), pathSel("path", "/"), pathSel("path", "/", "physicalPath", `C:\x`)},
		},
		{
			in:   "[name='Default Web Site'].[path='/MyApp'].virtualDirectoryDefaults.logonMethod",
			want: Path{pathSel("name", "Default Web Site"), pathSel("path", "/MyApp"), pathName("virtualDirectoryDefaults"), pathName("logonMethod")},
		},
		{
			in:   "siteDefaults.bindings.[protocol='http',bindingInformation='*:8080:contoso.com'].bindingInformation",
			want: Path{pathName("siteDefaults"), pathName("bindings"), pathSel("protocol", "http", "bindingInformation", "*:8080:contoso.com"), pathName("bindingInformation")},
		},
		{
			in:   "[name='Default FTP Site'].ftpServer.security.ssl.controlChannelPolicy",
			want: Path{pathSel("name", "Default FTP Site"), pathName("ftpServer"), pathName("security"), pathName("ssl"), pathName("controlChannelPolicy")},
		},
		{in: "[path='*'].failureDefinitions.statusCodes", want: Path{pathSel("path", "*"), pathName("failureDefinitions"), pathName("statusCodes")}},
		{in: "providers.[value='Negotiate']", want: Path{pathName("providers"), pathSel("value", "Negotiate")}},
		{in: "[users='administrator',path='*']", want: Path{pathSel("users", "administrator", "path", "*")}},
		{in: "[name='MyModule',type='MyType']", want: Path{pathSel("name", "MyModule", "type", "MyType")}},
		{in: "bindings.[protocol='https',bindingInformation='*:443:www.example.com']", want: Path{pathName("bindings"), pathSel("protocol", "https", "bindingInformation", "*:443:www.example.com")}},
		// Values hold anything but a lone quote.
		{in: "[v='a, b=c.d]e[f:g\\h*i/j']", want: Path{pathSel("v", "a, b=c.d]e[f:g\\h*i/j")}},
		{in: "[name='Café – ünïcødé']", want: Path{pathSel("name", "Café – ünïcødé")}},
		{in: "[name='']", want: Path{pathSel("name", "")}},
		{in: "[name='it''s']", want: Path{pathSel("name", "it's")}},
		{in: "[name='''']", want: Path{pathSel("name", "'")}},
		{in: "[name=''''''].x", want: Path{pathSel("name", "''"), pathName("x")}},
		// A space after the comma, as IIS articles write it (issue 15).
		{in: "[name='x', id='2']", want: Path{pathSel("name", "x", "id", "2")}, canon: "[name='x',id='2']"},
		{in: "[@end,  name='x']", want: Path{pathSelAt(Position{Kind: PosEnd}, "name", "x")}, canon: "[@end,name='x']"},
		// Positions.
		{in: "[@start,name='x']", want: Path{pathSelAt(Position{Kind: PosStart}, "name", "x")}},
		{in: "[@end,name='x',type='y']", want: Path{pathSelAt(Position{Kind: PosEnd}, "name", "x", "type", "y")}},
		{in: "[@2,name='x']", want: Path{pathSelAt(Position{Kind: PosIndex, Index: 2}, "name", "x")}},
		{in: "[@0]", want: Path{pathSelAt(Position{Kind: PosIndex, Index: 0})}},
		{in: "[@start]", want: Path{pathSelAt(Position{Kind: PosStart})}},
		{in: "[@end].type", want: Path{pathSelAt(Position{Kind: PosEnd}), pathName("type")}},
		{in: "files.[@3]", want: Path{pathName("files"), pathSelAt(Position{Kind: PosIndex, Index: 3})}},
		{in: "[@START,name='x']", want: Path{pathSelAt(Position{Kind: PosStart}, "name", "x")}, canon: "[@start,name='x']"},
		{in: "[@007]", want: Path{pathSelAt(Position{Kind: PosIndex, Index: 7})}, canon: "[@7]"},
		// Leniency: selector right after a name.
		{in: "files[value='x']", want: Path{pathName("files"), pathSel("value", "x")}, canon: "files.[value='x']"},
		{in: "bindings[@end].x", want: Path{pathName("bindings"), pathSelAt(Position{Kind: PosEnd}), pathName("x")}, canon: "bindings.[@end].x"},
		// Names are permissive apart from the grammar's own characters.
		{in: "*", want: Path{pathName("*")}},
		{in: "?", want: Path{pathName("?")}},
		{in: "a/b@c", want: Path{pathName("a/b@c")}},
		{in: "näme", want: Path{pathName("näme")}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePath(tt.in)
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParsePath(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			canon := tt.canon
			if canon == "" {
				canon = tt.in
			}
			if s := got.String(); s != canon {
				t.Errorf("String() = %q, want %q", s, canon)
			}
			again, err := ParsePath(got.String())
			if err != nil || !again.Equal(got) {
				t.Errorf("round trip of %q: %v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	tests := []struct {
		in        string
		malformed bool // *MalformedIndexerError, else *PathError
	}{
		{in: "", malformed: false},
		{in: ".", malformed: false},
		{in: "a.", malformed: false},
		{in: ".a", malformed: false},
		{in: "a..b", malformed: false},
		{in: "a b", malformed: false},
		{in: "a'b", malformed: false},
		{in: "a=b", malformed: false},
		{in: "a,b", malformed: false},
		{in: "a:b", malformed: false},
		{in: `"a"`, malformed: false},
		{in: "[name='x'].", malformed: false},
		{in: "name='x'", malformed: false},
		{in: "[name=Files]", malformed: true},
		{in: "[name=Files].processModel.identityType", malformed: true},
		{in: "*[@name=Files].processModel.identityType", malformed: true},
		{in: `[name="x"]`, malformed: true},
		{in: "[]", malformed: true},
		{in: "[", malformed: true},
		{in: "]", malformed: true},
		{in: "a]", malformed: true},
		{in: "a.]", malformed: true},
		{in: "[name='x'", malformed: true},
		{in: "[name='x", malformed: true},
		{in: "[name='x']]", malformed: true},
		{in: "[name='x'']", malformed: true},
		{in: "[name]", malformed: true},
		{in: "[name=]", malformed: true},
		{in: "[='x']", malformed: true},
		{in: "[name='x',]", malformed: true},
		{in: "[name='x' ,id='2']", malformed: true},
		{in: "[ name='x']", malformed: true},
		{in: "[name='x'id='2']", malformed: true},
		{in: "[name='x'][id='2']", malformed: true},
		{in: "[name='x']type", malformed: true},
		{in: "[@]", malformed: true},
		{in: "[@first,name='x']", malformed: true},
		{in: "[@-1]", malformed: true},
		{in: "[@+1]", malformed: true},
		{in: "[@1x]", malformed: true},
		{in: "[@99999999999999999999999]", malformed: true},
		{in: "[@start,]", malformed: true},
		{in: "[@start", malformed: true},
		{in: "[@start,name='x',@end]", malformed: true},
		{in: "[name='x',@end]", malformed: true},
		{in: "[@start,@end]", malformed: true},
		{in: "[@name='x']", malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePath(tt.in)
			if err == nil {
				t.Fatalf("ParsePath(%q) = %v, want error", tt.in, p)
			}
			var mi *MalformedIndexerError
			var pe *PathError
			switch {
			case tt.malformed && !errors.As(err, &mi):
				t.Fatalf("ParsePath(%q) error %T %v, want *MalformedIndexerError", tt.in, err, err)
			case !tt.malformed && !errors.As(err, &pe):
				t.Fatalf("ParsePath(%q) error %T %v, want *PathError", tt.in, err, err)
			}
		})
	}
}

func TestMalformedIndexerMessage(t *testing.T) {
	const want = "Malformed collection indexer; format is [@position,name='value',name2='value2',...].  The @position specifier is optional, and be '@start', '@end', or '@N' where N is a numeric index into the collection."
	_, err := ParsePath("[name=Files]")
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
}

func TestPathEqual(t *testing.T) {
	a, _ := ParsePath("[name='x'].b")
	for _, other := range []string{"[name='y'].b", "[name='x'].c", "[name='x',id='1'].b", "[@1,name='x'].b", "x.b", "[name='x']"} {
		b, err := ParsePath(other)
		if err != nil {
			t.Fatal(err)
		}
		if a.Equal(b) {
			t.Errorf("%q Equal %q", a, b)
		}
	}
	if c, _ := ParsePath("[name='x'].b"); !a.Equal(c) {
		t.Errorf("equal paths not Equal")
	}
}

// FuzzParsePath checks that errors are the two typed errors, located in
// the input; that a parsed path is well made (steps with a name or a
// selector, names and keys of name characters, selectors with a position
// or keys); that its canonical form (String) parses to the same path and
// is stable; and that two canonical forms joined by a dot parse to the
// two paths one after the other.
//
// The seeds named script-* and ref-* are the attribute paths of the
// command lines in testdata/script and of the appcmd reference's examples,
// written by cmd's TestWriteArgsFuzzSeeds.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"enabled", "limits.maxBandwidth", "[name='x'].type",
		"[name='C',id='2'].bindings.[protocol='http',bindingInformation='*:80:']",
		"files.[value='home.html']", `[name='X'].[path='/'].[path='/',physicalPath='C:\x']`,
		"[@start,name='x']", "[@12]", "files[value='it''s']", "[name=Files]", "a..b", "",
		"[@END]", "[@99999999999999999999]", "a[b='c'][d='e']", "x.[k='']", "é.ü",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			var mi *MalformedIndexerError
			var pe *PathError
			switch {
			case errors.As(err, &mi):
				if mi.Path != s || mi.Offset < 0 || mi.Offset > len(s) || mi.Error() != MalformedIndexerMessage {
					t.Fatalf("ParsePath(%q): %#v", s, mi)
				}
				if !strings.ContainsAny(s, "[]") {
					t.Fatalf("ParsePath(%q): malformed indexer without brackets", s)
				}
			case errors.As(err, &pe):
				if pe.Path != s || pe.Offset < 0 || pe.Offset > len(s) {
					t.Fatalf("ParsePath(%q): %#v", s, pe)
				}
			default:
				t.Fatalf("ParsePath(%q): unexpected error type %T", s, err)
			}
			return
		}
		if len(p) == 0 {
			t.Fatalf("ParsePath(%q) returned an empty path without error", s)
		}
		isName := func(n string) bool { return n != "" && scanName(n, 0) == len(n) }
		for _, st := range p {
			if (st.Name == "") == (st.Selector == nil) {
				t.Fatalf("ParsePath(%q): step %#v must have exactly one of Name, Selector", s, st)
			}
			if st.Selector == nil {
				if !isName(st.Name) {
					t.Fatalf("ParsePath(%q): bad name %q", s, st.Name)
				}
				continue
			}
			sel := st.Selector
			if sel.Pos.Kind == PosNone && len(sel.Keys) == 0 {
				t.Fatalf("ParsePath(%q): empty selector", s)
			}
			if sel.Pos.Index < 0 || sel.Pos.Kind != PosIndex && sel.Pos.Index != 0 {
				t.Fatalf("ParsePath(%q): position %#v", s, sel.Pos)
			}
			for _, kv := range sel.Keys {
				if !isName(kv.Name) || kv.Name[0] == '@' {
					t.Fatalf("ParsePath(%q): bad key %q", s, kv.Name)
				}
			}
		}
		canon := p.String()
		q, err := ParsePath(canon)
		if err != nil {
			t.Fatalf("ParsePath(%q).String() = %q does not parse: %v", s, canon, err)
		}
		if !q.Equal(p) || !reflect.DeepEqual(q, p) {
			t.Fatalf("round trip %q -> %q: %#v != %#v", s, canon, q, p)
		}
		if q.String() != canon {
			t.Fatalf("String not stable: %q -> %q", canon, q.String())
		}
		pp, err := ParsePath(canon + "." + canon)
		if err != nil || !pp.Equal(append(slices.Clip(p), p...)) {
			t.Fatalf("ParsePath(%q) = %v, %v; want the path twice", canon+"."+canon, pp, err)
		}
	})
}
