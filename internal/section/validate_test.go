package section

import (
	"errors"
	"strings"
	"testing"
)

func TestIntegerRange(t *testing.T) {
	a := attrOf(t, `<attribute name="receiveBufferLimit" type="uint" defaultValue="4194304" validationType="integerRange" validationParameter="4096,2147483647" />`)
	runNormalize(t, a, []normCase{
		{"4096", "4096", ""},
		{"2147483647", "2147483647", ""},
		{"4194304", "4194304", ""},
		{"4095", "", "Integer value must be between 4096 and 2147483647 inclusive"},
		{"2147483648", "", "Integer value must be between 4096 and 2147483647 inclusive"},
		{"0", "", "Integer value must be between 4096 and 2147483647 inclusive"},
	})

	// exclude: the value must lie outside the range (sites limits).
	ex := attrOf(t, `<attribute name="maxBandwidth" type="uint" defaultValue="4294967295" validationType="integerRange" validationParameter="0,1023,exclude" />`)
	runNormalize(t, ex, []normCase{
		{"1024", "1024", ""},
		{"4294967295", "4294967295", ""},
		{"0", "", "Integer value must not be between 0 and 1023 inclusive"},
		{"1023", "", "Integer value must not be between 0 and 1023 inclusive"},
		{"512", "", "must not be between"},
	})

	neg := attrOf(t, `<attribute name="subStatusCode" type="int" defaultValue="-1" validationType="integerRange" validationParameter="-1,999" />`)
	runNormalize(t, neg, []normCase{
		{"-1", "-1", ""},
		{"999", "999", ""},
		{"-2", "", "Integer value must be between -1 and 999 inclusive"},
	})

	big := attrOf(t, `<attribute name="truncateSize" type="int64" validationType="integerRange" validationParameter="1048576,4294967295" />`)
	runNormalize(t, big, []normCase{
		{"4294967295", "4294967295", ""},
		{"4294967296", "", "Integer value must be between 1048576 and 4294967295 inclusive"},
	})

	// Infinite means "no limit" and is not range-checked.
	inf := attrOf(t, `<attribute name="n" type="int" allowInfinite="true" validationType="integerRange" validationParameter="1,10" />`)
	runNormalize(t, inf, []normCase{
		{"Infinite", "Infinite", ""},
		{"11", "", "between 1 and 10"},
	})
}

func TestTimeSpanRange(t *testing.T) {
	a := attrOf(t, `<attribute name="pingInterval" type="timeSpan" defaultValue="00:00:00" validationType="timeSpanRange" validationParameter="0,86400,1" />`)
	runNormalize(t, a, []normCase{
		{"00:00:00", "00:00:00", ""},
		{"00:00:30", "00:00:30", ""},
		{"1.00:00:00", "1.00:00:00", ""},
		{"24:00:00", "1.00:00:00", ""},
		{"1.00:00:01", "", "Timespan value must be between 0 and 86400 seconds inclusive, with a granularity of 1 seconds"},
		{"-00:00:01", "", "Timespan value must be between 0 and 86400 seconds inclusive"},
		{"00:00:00.5", "", "with a granularity of 1 seconds"},
	})

	g := attrOf(t, `<attribute name="idleTimeout" type="timeSpan" defaultValue="00:20:00" validationType="timeSpanRange" validationParameter="0,2592000,60" />`)
	runNormalize(t, g, []normCase{
		{"00:20:00", "00:20:00", ""},
		{"30.00:00:00", "30.00:00:00", ""},
		{"00:20:30", "", "Timespan value must be between 0 and 2592000 seconds inclusive, with a granularity of 60 seconds"},
		{"30.00:01:00", "", "between 0 and 2592000 seconds"},
	})

	// minutes format: the range is still in seconds.
	m := attrOf(t, `<attribute name="timeout" type="timeSpan" timeSpanFormat="minutes" allowInfinite="true" defaultValue="20" validationType="timeSpanRange" validationParameter="1,2147483640,60" />`)
	runNormalize(t, m, []normCase{
		{"20", "20", ""},
		{"Infinite", "Infinite", ""},
		{"0", "", "between 1 and 2147483640 seconds"},
	})

	ex := attrOf(t, `<attribute name="t" type="timeSpan" validationType="timeSpanRange" validationParameter="60,120,1,exclude" />`)
	runNormalize(t, ex, []normCase{
		{"00:00:59", "00:00:59", ""},
		{"00:02:01", "00:02:01", ""},
		{"00:01:30", "", "Timespan value must not be between 60 and 120 seconds inclusive"},
		{"00:00:10.5", "", "must not be between"},
	})

	// Granularity 0 turns the granularity check off.
	z := attrOf(t, `<attribute name="t" type="timeSpan" validationType="timeSpanRange" validationParameter="0,10,0" />`)
	runNormalize(t, z, []normCase{{"00:00:00.5", "00:00:00.5000000", ""}})
}

func TestStringValidators(t *testing.T) {
	cases := []struct {
		vt     string
		ok     []string
		bad    []string
		reason string
	}{
		{ValidateNonEmptyString, []string{"x", " "}, []string{""}, "String must not be empty"},
		{ValidateRequireTrimmedString, []string{"", "a b", "x"}, []string{" x", "x ", "\tx", "x\n"}, "String must not have whitespace at the start or end"},
		{ValidateSiteName, []string{"Default Web Site", `a\b`, "a.b", "..", "Site (1)", "Genomgång"}, []string{"a/b", "a?", "/", "?", "", "  "}, "Invalid site name"},
		{ValidateApplicationPoolName, []string{"DefaultAppPool", "Pool (x) - 1.0", "a'b", "a!b"},
			[]string{"a|b", "a<b", "a>b", "a&b", `a\b`, `a"b`, "a/b", "a[b", "a]b", "a+b", "a=b", "a;b", "a:b", "a,b", "a?b", "a*b", "a@b", "", " "}, "Invalid application pool name"},
		{ValidateApplicationPath, []string{"/", "/app", "/app/sub", "/a.b", "/..x", "/.x", "/a//b", `/a\b`},
			[]string{"", "app", "/app/", "//", "/.", "/..", "/a/./b", "/a/../b", "/a/.", "/a/.."}, "Invalid application path"},
		{ValidateVirtualDirectoryPath, []string{"/", "/vdir"}, []string{"", "vdir", "/vdir/", "/../x"}, "Invalid virtual directory path"},
	}
	for _, c := range cases {
		a := attrOf(t, `<attribute name="s" type="string" validationType="`+c.vt+`" />`)
		var tc []normCase
		for _, v := range c.ok {
			tc = append(tc, normCase{v, v, ""})
		}
		for _, v := range c.bad {
			tc = append(tc, normCase{v, "", c.reason})
		}
		runNormalize(t, a, tc)
		_, err := a.Normalize(c.bad[0])
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Rule != c.vt {
			t.Errorf("%s: Rule = %+v", c.vt, ve)
		}
	}
}

func TestParseValidator(t *testing.T) {
	good := []struct {
		typ, param string
		want       Validator
	}{
		{"integerRange", "10,65535", Validator{Type: ValidateIntegerRange, Min: 10, Max: 65535}},
		{"integerRange", " 0 , 1023 , exclude ", Validator{Type: ValidateIntegerRange, Max: 1023, Exclude: true}},
		{"IntegerRange", "-1,999", Validator{Type: ValidateIntegerRange, Min: -1, Max: 999}},
		{"integerRange", "0,1023,EXCLUDE", Validator{Type: ValidateIntegerRange, Max: 1023, Exclude: true}},
		{"timeSpanRange", "0,86400,1", Validator{Type: ValidateTimeSpanRange, Max: 86400, Granularity: 1}},
		{"timeSpanRange", "1,4294967,1,exclude", Validator{Type: ValidateTimeSpanRange, Min: 1, Max: 4294967, Granularity: 1, Exclude: true}},
		{"nonEmptyString", "", Validator{Type: ValidateNonEmptyString}},
		{"siteName", "ignored", Validator{Type: ValidateSiteName}},
	}
	for _, g := range good {
		v, err := parseValidator(g.typ, g.param)
		if err != nil {
			t.Errorf("parseValidator(%q, %q): %v", g.typ, g.param, err)
			continue
		}
		g.want.Parameter = g.param
		if *v != g.want {
			t.Errorf("parseValidator(%q, %q) = %+v, want %+v", g.typ, g.param, *v, g.want)
		}
	}
	bad := []struct{ typ, param, msg string }{
		{"noSuchCheck", "", "unknown validationType"},
		{"integerRange", "", "use \"min,max\""},
		{"integerRange", "10", "use \"min,max\""},
		{"integerRange", "a,10", "not a whole number"},
		{"integerRange", "1,2,include", "only \"exclude\" may follow"},
		{"integerRange", "1,2,exclude,x", "only \"exclude\" may follow"},
		{"timeSpanRange", "0,10", "min,max,granularity"},
		{"timeSpanRange", "0,10,x", "not a whole number"},
		{"timeSpanRange", "0,10,-1", "granularity must not be negative"},
	}
	for _, b := range bad {
		_, err := parseValidator(b.typ, b.param)
		if err == nil || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("parseValidator(%q, %q) = %v, want error containing %q", b.typ, b.param, err, b.msg)
		}
	}
}

// goodName is the blank and character test of the name validators.
func TestGoodName(t *testing.T) {
	names := []string{"", " ", "\t\r\n\v\f", "a", " a ", "a/b", "a?", "|", "é", "\u00a0", "\u2003 \u00a0", "\u0085", "x\u00a0", "Genomgång", "a b", "\x00", "\x1f", "a\x7f"}
	for _, bad := range []string{badSiteNameChars, badPoolNameChars} {
		table := charTable(bad)
		for _, n := range names {
			want := strings.TrimSpace(n) != "" && !strings.ContainsAny(n, bad)
			if got := goodName(n, &table); got != want {
				t.Errorf("goodName(%q) against %q: %t, want %t", n, bad, got, want)
			}
		}
	}
}
