package section

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// attrOf parses one <attribute> definition.
func attrOf(t testing.TB, def string) *Attribute {
	t.Helper()
	s := &Schema{}
	src := `<configSchema><sectionSchema name="test/s">` + def + `</sectionSchema></configSchema>`
	if err := s.Add("test.xml", []byte(src)); err != nil {
		t.Fatalf("Add(%s): %v", def, err)
	}
	return s.Section("test/s").Root.Attributes[0]
}

type normCase struct {
	in, want string
	reason   string // substring of the error reason; "" means success
}

func runNormalize(t *testing.T, a *Attribute, cases []normCase) {
	t.Helper()
	for _, c := range cases {
		got, err := a.Normalize(c.in)
		if c.reason == "" {
			if err != nil || got != c.want {
				t.Errorf("%s: Normalize(%q) = %q, %v; want %q", a.Name, c.in, got, err, c.want)
			}
			continue
		}
		var ve *ValueError
		if !errors.As(err, &ve) {
			t.Errorf("%s: Normalize(%q) = %q, %v; want ValueError containing %q", a.Name, c.in, got, err, c.reason)
			continue
		}
		if !strings.Contains(ve.Reason, c.reason) || ve.Attribute != a.Name || ve.Input != c.in {
			t.Errorf("%s: Normalize(%q) error = %+v; want reason containing %q", a.Name, c.in, ve, c.reason)
		}
	}
}

func TestNormalizeBool(t *testing.T) {
	a := attrOf(t, `<attribute name="enabled" type="bool" defaultValue="True" />`)
	runNormalize(t, a, []normCase{
		{"true", "true", ""},
		{"True", "true", ""},
		{"TRUE", "true", ""},
		{"false", "false", ""},
		{"FaLsE", "false", ""},
		{" true ", "true", ""},
		{"yes", "", `Invalid boolean value "yes". Use true or false`},
		{"1", "", "Invalid boolean value"},
		{"0", "", "Invalid boolean value"},
		{"", "", "Invalid boolean value"},
		{"truee", "", "Invalid boolean value"},
	})
	if d := a.Default(); d != "true" {
		t.Errorf("Default = %q, want true", d)
	}
	if b, err := a.Bool("TRUE"); err != nil || !b {
		t.Errorf("Bool(TRUE) = %v, %v", b, err)
	}
	if _, err := a.Int("1"); err == nil {
		t.Error("Int on a bool attribute succeeded")
	}
}

func TestNormalizeUint(t *testing.T) {
	a := attrOf(t, `<attribute name="n" type="uint" />`)
	runNormalize(t, a, []normCase{
		{"0", "0", ""},
		{"4294967295", "4294967295", ""},
		{"007", "7", ""},
		{" 42 ", "42", ""},
		{"4294967296", "", "Use a whole number from 0 to 4294967295"},
		{"-1", "", "Invalid unsigned integer value"},
		{"+1", "", "Invalid unsigned integer value"},
		{"1.5", "", "Invalid unsigned integer value"},
		{"0x10", "", "Invalid unsigned integer value"},
		{"", "", "Invalid unsigned integer value"},
		{"Infinite", "", "Invalid unsigned integer value"},
	})
	if d := a.Default(); d != "0" {
		t.Errorf("Default = %q", d)
	}
	hex := attrOf(t, `<attribute name="mask" type="uint" displayHex="true" />`)
	runNormalize(t, hex, []normCase{
		{"0x10", "16", ""},
		{"0XFFFFFFFF", "4294967295", ""},
		{"0x100000000", "", "Invalid unsigned integer value"},
		{"16", "16", ""},
	})
}

func TestNormalizeInt(t *testing.T) {
	a := attrOf(t, `<attribute name="n" type="int" defaultValue="-1" />`)
	runNormalize(t, a, []normCase{
		{"-2147483648", "-2147483648", ""},
		{"2147483647", "2147483647", ""},
		{"-0", "0", ""},
		{"2147483648", "", "from -2147483648 to 2147483647"},
		{"-2147483649", "", "Invalid integer value"},
		{"abc", "", "Invalid integer value"},
	})
	if d := a.Default(); d != "-1" {
		t.Errorf("Default = %q", d)
	}
	b := attrOf(t, `<attribute name="n" type="int64" />`)
	runNormalize(t, b, []normCase{
		{"9223372036854775807", "9223372036854775807", ""},
		{"-9223372036854775808", "-9223372036854775808", ""},
		{"9223372036854775808", "", "Invalid integer value"},
	})
	inf := attrOf(t, `<attribute name="n" type="int" allowInfinite="true" defaultValue="2147483647" />`)
	runNormalize(t, inf, []normCase{
		{"Infinite", "Infinite", ""},
		{"infinite", "Infinite", ""},
		{"5", "5", ""},
		{"x", "", "Invalid integer value \"x\". Use a whole number from -2147483648 to 2147483647, or Infinite"},
	})
	if !inf.Equal("Infinite", "2147483647") {
		t.Error("Infinite should equal the int maximum")
	}
	if n, err := inf.Int("Infinite"); err != nil || n != math.MaxInt32 {
		t.Errorf("Int(Infinite) = %d, %v", n, err)
	}
}

func TestNormalizeEnum(t *testing.T) {
	a := attrOf(t, `<attribute name="mode" type="enum" defaultValue="Integrated">
		<enum name="Integrated" value="0" /><enum name="Classic" value="1" /></attribute>`)
	runNormalize(t, a, []normCase{
		{"Integrated", "Integrated", ""},
		{"classic", "Classic", ""},
		{"CLASSIC", "Classic", ""},
		{"1", "Classic", ""},
		{"0", "Integrated", ""},
		{" Classic ", "Classic", ""},
		{"2", "", "Enum must be one of Integrated, Classic"},
		{"Other", "", "Enum must be one of Integrated, Classic"},
		{"", "", "Enum must be one of"},
	})
	if !a.Equal("classic", "1") || a.Equal("Classic", "Integrated") {
		t.Error("Equal on enum")
	}
	if n, err := a.Int("Classic"); err != nil || n != 1 {
		t.Errorf("Int(Classic) = %d, %v", n, err)
	}

	// Names that share a value (ASPNET_schema.xml sessionState cookieless)
	// keep their own spelling; numbers give the first name.
	dup := attrOf(t, `<attribute name="cookieless" type="enum" defaultValue="UseCookies">
		<enum name="UseUri" value="0" /><enum name="UseCookies" value="1" />
		<enum name="true" value="0" /><enum name="false" value="1" /></attribute>`)
	runNormalize(t, dup, []normCase{
		{"true", "true", ""},
		{"TRUE", "true", ""},
		{"0", "UseUri", ""},
	})
	if !dup.Equal("true", "UseUri") {
		t.Error("aliases should compare equal")
	}

	// Without defaultValue the default is the name of value 0, else "0".
	if d := attrOf(t, `<attribute name="e" type="enum"><enum name="Allow" value="0" /><enum name="Deny" value="1" /></attribute>`).Default(); d != "Allow" {
		t.Errorf("Default = %q, want Allow", d)
	}
	if d := attrOf(t, `<attribute name="e" type="enum"><enum name="A" value="1" /></attribute>`).Default(); d != "0" {
		t.Errorf("Default = %q, want 0", d)
	}
}

func TestNormalizeFlags(t *testing.T) {
	a := attrOf(t, `<attribute name="sslFlags" type="flags" defaultValue="None">
		<flag name="None" value="0" /><flag name="Ssl" value="8" /><flag name="SslNegotiateCert" value="32" />
		<flag name="SslRequireCert" value="64" /><flag name="Ssl128" value="256" /></attribute>`)
	runNormalize(t, a, []normCase{
		{"None", "None", ""},
		{"", "None", ""},
		{"0", "None", ""},
		{"Ssl", "Ssl", ""},
		{"ssl128,ssl", "Ssl, Ssl128", ""},
		{"Ssl128, Ssl", "Ssl, Ssl128", ""},
		{"Ssl,   SslRequireCert ", "Ssl, SslRequireCert", ""},
		{"None, Ssl", "Ssl", ""},
		{"Ssl,Ssl", "Ssl", ""},
		{"Ssl,", "Ssl", ""},
		{"8", "Ssl", ""},
		{"264", "Ssl, Ssl128", ""},
		{"1", "", "Flags must be some combination of None, Ssl, SslNegotiateCert, SslRequireCert, Ssl128"},
		{"-8", "", "Flags must be some combination"},
		{"Ssl;Ssl128", "", "Flags must be some combination"},
		{"Bogus", "", "Flags must be some combination"},
	})
	if !a.Equal("Ssl128,Ssl", "264") || a.Equal("Ssl", "None") {
		t.Error("Equal on flags")
	}

	// No zero-valued name: zero is the empty string (Ftp_schema.xml).
	b := attrOf(t, `<attribute name="validationFlags" type="flags" defaultValue="">
		<flag name="NoRevocationCheck" value="1" /><flag name="CertNoUsageCheck" value="8" /></attribute>`)
	runNormalize(t, b, []normCase{
		{"", "", ""},
		{"0", "", ""},
		{"certnousagecheck, norevocationcheck", "NoRevocationCheck, CertNoUsageCheck", ""},
	})
	if d := b.Default(); d != "" {
		t.Errorf("Default = %q", d)
	}

	// A flag covering several bits is preferred when all are set
	// (ASPNET_schema.xml webServices protocols: AnyHttpSoap = 1|32).
	c := attrOf(t, `<attribute name="name" type="flags">
		<flag name="Unknown" value="0" /><flag name="HttpSoap" value="1" /><flag name="HttpGet" value="2" />
		<flag name="HttpSoap12" value="32" /><flag name="AnyHttpSoap" value="33" /></attribute>`)
	runNormalize(t, c, []normCase{
		{"HttpSoap, HttpSoap12", "AnyHttpSoap", ""},
		{"35", "HttpGet, AnyHttpSoap", ""},
		{"32", "HttpSoap12", ""},
		{"", "Unknown", ""},
	})
	if d := c.Default(); d != "Unknown" {
		t.Errorf("Default = %q", d)
	}
}

func TestNormalizeString(t *testing.T) {
	a := attrOf(t, `<attribute name="s" type="string" />`)
	runNormalize(t, a, []normCase{
		{"", "", ""},
		{" keep spaces ", " keep spaces ", ""},
		{"%SystemDrive%\\x", "%SystemDrive%\\x", ""},
	})
	if !a.Equal("ABC", "abc") {
		t.Error("strings compare ignoring case by default")
	}
	cs := attrOf(t, `<attribute name="s" type="string" caseSensitive="true" />`)
	if cs.Equal("ABC", "abc") || !cs.Equal("abc", "abc") {
		t.Error("caseSensitive strings compare exactly")
	}
	if _, err := a.Duration("1"); err == nil {
		t.Error("Duration on a string attribute succeeded")
	}
}

func TestDefault(t *testing.T) {
	cases := []struct{ def, want string }{
		{`<attribute name="a" type="bool" />`, "false"},
		{`<attribute name="a" type="bool" defaultValue="" />`, "false"},
		{`<attribute name="a" type="bool" defaultvalue="TRUE" />`, "true"},
		{`<attribute name="a" type="uint" />`, "0"},
		{`<attribute name="a" type="int64" defaultValue="20971520" />`, "20971520"},
		{`<attribute name="a" type="string" />`, ""},
		{`<attribute name="a" type="string" defaultValue="IUSR" />`, "IUSR"},
		{`<attribute name="a" type="timeSpan" />`, "00:00:00"},
		{`<attribute name="a" type="timeSpan" defaultValue="29:00:00" />`, "1.05:00:00"},
		{`<attribute name="a" type="timeSpan" defaultValue="00:00:00.1" />`, "00:00:00.1000000"},
		{`<attribute name="a" type="timeSpan" timeSpanFormat="seconds" />`, "0"},
		{`<attribute name="a" type="timeSpan" timeSpanFormat="minutes" allowInfinite="true" defaultValue="Infinite" />`, "Infinite"},
		{`<attribute name="a" type="flags" defaultValue="Time, Date"><flag name="Date" value="1" /><flag name="Time" value="2" /></attribute>`, "Date, Time"},
		// A default that does not parse is returned as written.
		{`<attribute name="a" type="uint" defaultValue="lots" />`, "lots"},
		// Validators do not apply to defaults.
		{`<attribute name="a" type="string" validationType="applicationPath" />`, ""},
	}
	for _, c := range cases {
		if got := attrOf(t, c.def).Default(); got != c.want {
			t.Errorf("%s: Default = %q, want %q", c.def, got, c.want)
		}
	}
}

func TestEqual(t *testing.T) {
	ts := attrOf(t, `<attribute name="t" type="timeSpan" />`)
	sec := attrOf(t, `<attribute name="t" type="timeSpan" timeSpanFormat="seconds" />`)
	u := attrOf(t, `<attribute name="u" type="uint" />`)
	b := attrOf(t, `<attribute name="b" type="bool" />`)
	cases := []struct {
		a    *Attribute
		x, y string
		want bool
	}{
		{ts, "1.05:00:00", "29:00:00", true},
		{ts, "00:00:30", "0:0:30", true},
		{ts, "00:00:30", "00:00:31", false},
		{sec, "60", "00:01:00", true},
		{sec, "60", "61", false},
		{u, "7", "007", true},
		{u, "7", "8", false},
		{u, "x", "X", true}, // unparsable: compared as text
		{u, "x", "7", false},
		{b, "True", "true", true},
		{b, "true", "false", false},
	}
	for _, c := range cases {
		if got := c.a.Equal(c.x, c.y); got != c.want {
			t.Errorf("%s: Equal(%q, %q) = %v, want %v", c.a.Name, c.x, c.y, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	ts := attrOf(t, `<attribute name="t" type="timeSpan" allowInfinite="true" />`)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"00:00:30", 30 * time.Second},
		{"1.00:00:00", 24 * time.Hour},
		{"-00:00:01", -time.Second},
		{"00:00:00.0000001", 100 * time.Nanosecond},
		{"Infinite", time.Duration(math.MaxInt64)},
		{"10675199.02:48:05.4775807", time.Duration(math.MaxInt64)},
		{"-10675199.02:48:05.4775808", time.Duration(math.MinInt64)},
	}
	for _, c := range cases {
		got, err := ts.Duration(c.in)
		if err != nil || got != c.want {
			t.Errorf("Duration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	m := attrOf(t, `<attribute name="t" type="timeSpan" timeSpanFormat="minutes" />`)
	if got, err := m.Duration("20"); err != nil || got != 20*time.Minute {
		t.Errorf("Duration(20 minutes) = %v, %v", got, err)
	}
	if _, err := ts.Duration("soon"); err == nil {
		t.Error("Duration(soon) succeeded")
	}
}

func TestValueErrorText(t *testing.T) {
	a := attrOf(t, `<attribute name="receiveBufferLimit" type="uint" validationType="integerRange" validationParameter="4096,2147483647" />`)
	_, err := a.Normalize("10")
	want := `invalid value "10" for attribute "receiveBufferLimit": Integer value must be between 4096 and 2147483647 inclusive`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Rule != ValidateIntegerRange {
		t.Errorf("Rule = %+v", ve)
	}
	_, err = a.Normalize("ten")
	if !errors.As(err, &ve) || ve.Rule != "uint" {
		t.Errorf("parse error Rule = %+v", ve)
	}
}
