package section

import (
	"math"
	"testing"
)

func TestParseTimeSpanText(t *testing.T) {
	const s = ticksPerSecond
	cases := []struct {
		in    string
		ticks int64
		ok    bool
	}{
		{"00:00:00", 0, true},
		{"00:00:30", 30 * s, true},
		{"0:0:30", 30 * s, true},
		{"01:02:03", 3723 * s, true},
		{"10:30", (10*3600 + 30*60) * s, true}, // hh:mm, as .NET reads it
		{"29:00:00", 29 * 3600 * s, true},      // hours unbounded without days
		{"100:00:00", 100 * 3600 * s, true},
		{"1.05:00:00", 29 * 3600 * s, true},
		{"1.00:00:00", 86400 * s, true},
		{"1.05:00", 29 * 3600 * s, true},
		{"1:05:00:00", 29 * 3600 * s, true}, // d:hh:mm:ss
		{"00:00:00.5", s / 2, true},
		{"00:00:00.0000001", 1, true},
		{"00:00:01.1234567", s + 1234567, true},
		{"-00:00:01", -s, true},
		{"-1.02:03:04.5", -((86400+2*3600+3*60+4)*s + s/2), true},
		{"00:00:00.00000000", 0, false}, // 8 fraction digits
		{"00:00:00.", 0, false},
		{"00:60:00", 0, false},
		{"00:00:60", 0, false},
		{"1.24:00:00", 0, false}, // hours 0..23 after a day part
		{"1:24:00:00", 0, false},
		{"1.:00:00", 0, false},
		{".1:00:00", 0, false},
		{"00:00", 0, true},
		{"00", 0, false}, // bare numbers are not clock forms
		{"5", 0, false},
		{"", 0, false},
		{":", 0, false},
		{"::", 0, false},
		{"00:00:00:00:00", 0, false},
		{"a:b:c", 0, false},
		{"+00:00:01", 0, false},
		{"--00:00:01", 0, false},
		{"-", 0, false},
		{"00:-1:00", 0, false},
		{" 00:00:01", 0, false}, // callers trim
		{"00:10.5", 0, false},   // no fraction without seconds
		{"10675199.02:48:05.4775807", math.MaxInt64, true},
		{"10675199.02:48:05.4775808", 0, false},
		{"-10675199.02:48:05.4775808", math.MinInt64, true},
		{"-10675199.02:48:05.4775809", 0, false},
		{"99999999999999999999.00:00:00", 0, false},
		{"0000000000000000000000001.00:00:00", 86400 * s, true},
		{"2562047788015:12:55", 0, false}, // overflow in hours
	}
	for _, c := range cases {
		got, ok := parseTimeSpanText(c.in)
		if ok != c.ok || (ok && got != c.ticks) {
			t.Errorf("parseTimeSpanText(%q) = %d, %v; want %d, %v", c.in, got, ok, c.ticks, c.ok)
		}
	}
}

func TestFormatTimeSpan(t *testing.T) {
	const s = ticksPerSecond
	cases := []struct {
		ticks int64
		want  string
	}{
		{0, "00:00:00"},
		{30 * s, "00:00:30"},
		{3723 * s, "01:02:03"},
		{86399 * s, "23:59:59"},
		{86400 * s, "1.00:00:00"},
		{29 * 3600 * s, "1.05:00:00"},
		{s / 2, "00:00:00.5000000"},
		{1, "00:00:00.0000001"},
		{-s, "-00:00:01"},
		{-(86400*s + 1), "-1.00:00:00.0000001"},
		{math.MaxInt64, "10675199.02:48:05.4775807"},
		{math.MinInt64, "-10675199.02:48:05.4775808"},
	}
	for _, c := range cases {
		if got := formatTimeSpan(c.ticks); got != c.want {
			t.Errorf("formatTimeSpan(%d) = %q, want %q", c.ticks, got, c.want)
		}
	}
}

func TestNormalizeTimeSpan(t *testing.T) {
	a := attrOf(t, `<attribute name="t" type="timeSpan" />`)
	runNormalize(t, a, []normCase{
		{"00:00:30", "00:00:30", ""},
		{"0:0:30", "00:00:30", ""},
		{" 00:00:30 ", "00:00:30", ""},
		{"29:00:00", "1.05:00:00", ""},
		{"1:05:00:00", "1.05:00:00", ""},
		{"10:30", "10:30:00", ""},
		{"00:00:00.5", "00:00:00.5000000", ""},
		{"00:00:00.0000000", "00:00:00", ""},
		{"-00:00:00", "00:00:00", ""},
		{"-1.02:03:04", "-1.02:03:04", ""},
		{"30", "", `Invalid timespan value "30". Use hh:mm:ss, d.hh:mm:ss or hh:mm:ss.fffffff`},
		{"Infinite", "", "Invalid timespan value"},
		{"00:00:60", "", "Invalid timespan value"},
		{"", "", "Invalid timespan value"},
	})

	inf := attrOf(t, `<attribute name="t" type="timeSpan" allowInfinite="true" />`)
	runNormalize(t, inf, []normCase{
		{"Infinite", "Infinite", ""},
		{"INFINITE", "Infinite", ""},
		{"00:01:00", "00:01:00", ""},
		{"never", "", "hh:mm:ss.fffffff, or Infinite"},
	})
	if !inf.Equal("Infinite", "10675199.02:48:05.4775807") {
		t.Error("Infinite should equal TimeSpan.MaxValue")
	}

	sec := attrOf(t, `<attribute name="t" type="timeSpan" timeSpanFormat="seconds" />`)
	runNormalize(t, sec, []normCase{
		{"90", "90", ""},
		{"0", "0", ""},
		{"-5", "-5", ""},
		{"007", "7", ""},
		{"00:01:30", "90", ""},
		{"1.00:00:00", "86400", ""},
		{"00:00:00.5", "", `Timespan value "00:00:00.5" is not a whole number of seconds`},
		{"1.5", "", "Use a whole number of seconds, or hh:mm:ss"},
		{"+5", "", "Invalid timespan value"},
		{"922337203686", "", "Invalid timespan value"}, // overflows ticks
		{"Infinite", "", "Invalid timespan value"},
	})

	min := attrOf(t, `<attribute name="t" type="timeSpan" timeSpanFormat="Minutes" allowInfinite="true" />`)
	runNormalize(t, min, []normCase{
		{"20", "20", ""},
		{"01:00:00", "60", ""},
		{"00:00:30", "", "is not a whole number of minutes"},
		{"infinite", "Infinite", ""},
		{"x", "", "Use a whole number of minutes, or hh:mm:ss, or Infinite"},
	})
	if !min.Equal("60", "01:00:00") || min.Equal("60", "61") {
		t.Error("Equal on minutes")
	}
}
