package section

import (
	"math"
	"strconv"
	"strings"
)

// Time spans are held as .NET ticks (100 ns), the unit IIS uses, so that
// every value IIS accepts (up to 10675199.02:48:05.4775807) fits.
const (
	ticksPerSecond = 10_000_000
	ticksPerMinute = 60 * ticksPerSecond
	fractionDigits = 7
)

// parseTimeSpanText parses the clock forms of a time span:
//
//	[-]hh:mm            [-]hh:mm:ss[.fffffff]
//	[-]d.hh:mm[:ss[.fffffff]]
//	[-]d:hh:mm:ss[.fffffff]
//
// Minutes and seconds are 0..59. Hours are 0..23 after a day part and
// unbounded without one, because IIS's own defaults include "29:00:00".
// It returns the value in ticks.
func parseTimeSpanText(s string) (int64, bool) {
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	parts := strings.Split(s, ":")
	var days, hours, mins, secs, frac string
	hasDays := false
	switch len(parts) {
	case 2, 3:
		hours = parts[0]
		if d, h, ok := strings.Cut(hours, "."); ok {
			days, hours, hasDays = d, h, true
		}
		mins = parts[1]
		if len(parts) == 3 {
			secs = parts[2]
		}
	case 4:
		days, hours, mins, secs = parts[0], parts[1], parts[2], parts[3]
		hasDays = true
	default:
		return 0, false
	}
	if s, f, ok := strings.Cut(secs, "."); ok {
		secs, frac = s, f
		if frac == "" || len(frac) > fractionDigits {
			return 0, false
		}
	}
	var d, h, m, sec, f uint64
	ok := true
	num := func(text string, optional bool, max uint64) uint64 {
		if text == "" && optional {
			return 0
		}
		n, good := digits(text)
		if !good || n > max {
			ok = false
		}
		return n
	}
	d = num(days, !hasDays, math.MaxInt64)
	if hasDays {
		h = num(hours, false, 23)
	} else {
		h = num(hours, false, math.MaxInt64)
	}
	m = num(mins, false, 59)
	sec = num(secs, len(parts) == 2, 59)
	if frac != "" {
		f = num(frac+strings.Repeat("0", fractionDigits-len(frac)), false, ticksPerSecond-1)
	}
	if !ok {
		return 0, false
	}
	// Sum in uint64 with overflow checks; the magnitude may reach 2^63
	// only for a negative value.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	total, good := uint64(0), true
	step := func(mul, add uint64) {
		if !good {
			return
		}
		if total != 0 && mul > limit/total {
			good = false
			return
		}
		total *= mul
		if add > limit-total {
			good = false
			return
		}
		total += add
	}
	step(1, d)
	step(24, h)
	step(60, m)
	step(60, sec)
	step(ticksPerSecond, f)
	if !good {
		return 0, false
	}
	if neg {
		return int64(-total), true // -2^63 wraps to itself, as wanted
	}
	return int64(total), true
}

// digits parses a non-empty run of ASCII digits (leading zeros allowed).
func digits(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// formatTimeSpan writes ticks as IIS stores a string-format time span:
// [-][d.]hh:mm:ss[.fffffff], the day part only from one day up and the
// fraction only when non-zero (the .NET "c" format).
func formatTimeSpan(t int64) string {
	var b strings.Builder
	mag := uint64(t)
	if t < 0 {
		b.WriteByte('-')
		mag = -mag
	}
	frac := mag % ticksPerSecond
	total := mag / ticksPerSecond
	sec, min, hour, day := total%60, total/60%60, total/3600%24, total/86400
	if day > 0 {
		b.WriteString(strconv.FormatUint(day, 10))
		b.WriteByte('.')
	}
	two := func(n uint64) {
		b.WriteByte(byte('0' + n/10))
		b.WriteByte(byte('0' + n%10))
	}
	two(hour)
	b.WriteByte(':')
	two(min)
	b.WriteByte(':')
	two(sec)
	if frac != 0 {
		f := strconv.FormatUint(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", fractionDigits-len(f)))
		b.WriteString(f)
	}
	return b.String()
}

// unitTicks returns the tick length of a timeSpanFormat unit, or 0 for
// the string format.
func unitTicks(format string) int64 {
	switch format {
	case TimeSpanSeconds:
		return ticksPerSecond
	case TimeSpanMinutes:
		return ticksPerMinute
	}
	return 0
}

// parseTimeSpan parses a time span attribute value into ticks and its
// canonical text. Infinite (when allowed) is TimeSpan.MaxValue, as in
// .NET. The error is the reason text.
func (a *Attribute) parseTimeSpan(input string) (ticks int64, inf bool, canon string, reason string) {
	s := strings.TrimSpace(input)
	unit := unitTicks(a.TimeSpanFormat)
	if a.AllowInfinite && strings.EqualFold(s, "Infinite") {
		return math.MaxInt64, true, "Infinite", ""
	}
	bad := func() (int64, bool, string, string) {
		msg := ""
		if unit == 0 {
			msg = sprintf(msgTimeSpan, input)
		} else {
			msg = sprintf(msgTimeSpanUnit, input, a.TimeSpanFormat)
		}
		if a.AllowInfinite {
			msg += msgInfiniteSuffix
		}
		return 0, false, "", msg
	}
	if unit == 0 {
		t, ok := parseTimeSpanText(s)
		if !ok {
			return bad()
		}
		return t, false, formatTimeSpan(t), ""
	}
	// seconds/minutes: a whole number in that unit, or a clock form that
	// is a whole number of units.
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && !strings.HasPrefix(s, "+") {
		if n > math.MaxInt64/unit || n < math.MinInt64/unit {
			return bad()
		}
		return n * unit, false, strconv.FormatInt(n, 10), ""
	}
	t, ok := parseTimeSpanText(s)
	if !ok {
		return bad()
	}
	if t%unit != 0 {
		return 0, false, "", sprintf(msgTimeSpanWhole, input, a.TimeSpanFormat)
	}
	return t, false, strconv.FormatInt(t/unit, 10), ""
}
