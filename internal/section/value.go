package section

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

var sprintf = fmt.Sprintf

// value is a parsed attribute value.
type value struct {
	b     bool   // KindBool
	n     int64  // integers, enum and flags values, time span ticks
	inf   bool   // "Infinite"
	canon string // canonical text
}

// Normalize checks input (a command-line value or the text of a
// configuration file) against the attribute's type and validator and
// returns it the way IIS writes it in a configuration file: true/false
// in lower case, enum and flag names spelt as in the schema, flags in
// schema order joined with ", ", time spans as [-][d.]hh:mm:ss[.fffffff]
// or a whole number of seconds/minutes, numbers in decimal. Strings are
// returned unchanged. The error is a *ValueError.
func (a *Attribute) Normalize(input string) (string, error) {
	v, verr := a.parse(input)
	if verr == nil {
		verr = a.check(input, v)
	}
	if verr != nil {
		return "", verr
	}
	return v.canon, nil
}

// Default returns the canonical default value: defaultValue normalized
// for the type, or, when the schema gives none, the type's zero value
// ("" for strings, "false", "0", "00:00:00", the enum name or flag name
// of value 0). Defaults are not run through the validator, as in IIS
// (applicationDefaults has an empty path, which applicationPath rejects).
func (a *Attribute) Default() string {
	if a.HasDefault && (a.Type == KindString || strings.TrimSpace(a.DefaultValue) != "") {
		if v, err := a.parse(a.DefaultValue); err == nil {
			return v.canon
		}
		return a.DefaultValue
	}
	switch a.Type {
	case KindBool:
		return "false"
	case KindUint, KindInt, KindInt64:
		return "0"
	case KindEnum:
		for _, e := range a.Enums {
			if e.Value == 0 {
				return e.Name
			}
		}
		return "0"
	case KindFlags:
		return a.formatFlags(0)
	case KindTimeSpan:
		if unitTicks(a.TimeSpanFormat) != 0 {
			return "0"
		}
		return formatTimeSpan(0)
	}
	return ""
}

// Equal reports whether x and y are the same value of this attribute:
// strings compare ignoring case unless the attribute is caseSensitive;
// other types compare by value ("True" = "true", "01:00:00" = "3600" for
// a seconds time span, "ETW, File" = "File,ETW", "Infinite" = the
// maximum). Text that does not parse compares ignoring case.
func (a *Attribute) Equal(x, y string) bool {
	if a.Type == KindString {
		if a.CaseSensitive {
			return x == y
		}
		return strings.EqualFold(x, y)
	}
	vx, ex := a.parse(x)
	vy, ey := a.parse(y)
	if ex != nil || ey != nil {
		return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(y))
	}
	if a.Type == KindBool {
		return vx.b == vy.b
	}
	return vx.n == vy.n
}

// Bool returns the value of a bool attribute. Like Int and Duration it
// parses text already accepted by Normalize (or read from a file) and
// does not apply the validator.
func (a *Attribute) Bool(text string) (bool, error) {
	if a.Type != KindBool {
		return false, a.kindMismatch(text, KindBool)
	}
	v, err := a.parse(text)
	if err != nil {
		return false, err
	}
	return v.b, nil
}

// Int returns the numeric value of a uint, int, int64, enum or flags
// attribute. Infinite gives the largest value of the type.
func (a *Attribute) Int(text string) (int64, error) {
	switch a.Type {
	case KindUint, KindInt, KindInt64, KindEnum, KindFlags:
	default:
		return 0, a.kindMismatch(text, KindInt64)
	}
	v, err := a.parse(text)
	if err != nil {
		return 0, err
	}
	return v.n, nil
}

// Duration returns the value of a timeSpan attribute. Values beyond the
// range of time.Duration (about 292 years), including Infinite, give
// the largest (or smallest) Duration.
func (a *Attribute) Duration(text string) (time.Duration, error) {
	if a.Type != KindTimeSpan {
		return 0, a.kindMismatch(text, KindTimeSpan)
	}
	v, err := a.parse(text)
	if err != nil {
		return 0, err
	}
	const perTick = int64(time.Duration(100))
	switch {
	case v.n > math.MaxInt64/perTick:
		return time.Duration(math.MaxInt64), nil
	case v.n < math.MinInt64/perTick:
		return time.Duration(math.MinInt64), nil
	}
	return time.Duration(v.n * perTick), nil
}

func (a *Attribute) kindMismatch(input string, want Kind) error {
	return &ValueError{Attribute: a.Name, Input: input, Rule: a.Type.String(),
		Reason: sprintf("attribute is of type %s, not %s", a.Type, want)}
}

// parse reads input as a value of the attribute's type, without the
// validator. It returns a *ValueError (never a typed nil in an
// interface: callers compare with nil on the pointer).
func (a *Attribute) parse(input string) (value, *ValueError) {
	fail := func(reason string) (value, *ValueError) {
		return value{}, &ValueError{Attribute: a.Name, Input: input, Rule: a.Type.String(), Reason: reason}
	}
	if a.Type == KindString {
		return value{canon: input}, nil
	}
	s := strings.TrimSpace(input)
	switch a.Type {
	case KindBool:
		switch {
		case strings.EqualFold(s, "true"):
			return value{b: true, canon: "true"}, nil
		case strings.EqualFold(s, "false"):
			return value{canon: "false"}, nil
		}
		return fail(sprintf(msgBool, input))
	case KindUint, KindInt, KindInt64:
		return a.parseInteger(input, s)
	case KindEnum:
		for _, e := range a.Enums {
			if e.Name == s {
				return value{n: e.Value, canon: e.Name}, nil
			}
		}
		for _, e := range a.Enums {
			if strings.EqualFold(e.Name, s) {
				return value{n: e.Value, canon: e.Name}, nil
			}
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			for _, e := range a.Enums {
				if e.Value == n {
					return value{n: n, canon: e.Name}, nil
				}
			}
		}
		return fail(sprintf(msgEnum, joinNames(a.Enums)))
	case KindFlags:
		n, ok := a.parseFlags(s)
		if !ok {
			return fail(sprintf(msgFlags, joinNames(a.Flags)))
		}
		return value{n: n, canon: a.formatFlags(n)}, nil
	case KindTimeSpan:
		t, inf, canon, reason := a.parseTimeSpan(input)
		if reason != "" {
			return fail(reason)
		}
		return value{n: t, inf: inf, canon: canon}, nil
	}
	return fail("unknown attribute type")
}

func (a *Attribute) parseInteger(input, s string) (value, *ValueError) {
	var bits int
	var msg string
	var max int64
	switch a.Type {
	case KindUint:
		bits, msg, max = 32, msgUint, math.MaxUint32
	case KindInt:
		bits, msg, max = 32, msgInt, math.MaxInt32
	default:
		bits, msg, max = 64, msgInt64, math.MaxInt64
	}
	if a.AllowInfinite && strings.EqualFold(s, "Infinite") {
		return value{n: max, inf: true, canon: "Infinite"}, nil
	}
	var n int64
	var err error
	hex := a.DisplayHex && (strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"))
	switch {
	case strings.HasPrefix(s, "+"):
		err = strconv.ErrSyntax
	case a.Type == KindUint:
		var u uint64
		if hex {
			u, err = strconv.ParseUint(s[2:], 16, bits)
		} else {
			u, err = strconv.ParseUint(s, 10, bits)
		}
		n = int64(u)
	case hex:
		n, err = strconv.ParseInt(s[2:], 16, bits)
	default:
		n, err = strconv.ParseInt(s, 10, bits)
	}
	if err != nil {
		reason := sprintf(msg, input)
		if a.AllowInfinite {
			reason += msgInfiniteSuffix
		}
		return value{}, &ValueError{Attribute: a.Name, Input: input, Rule: a.Type.String(), Reason: reason}
	}
	// The canonical form is most often the text itself ("8", not "08"):
	// then no new string.
	var buf [24]byte
	if canon := strconv.AppendInt(buf[:0], n, 10); string(canon) == s {
		return value{n: n, canon: s}, nil
	}
	return value{n: n, canon: strconv.FormatInt(n, 10)}, nil
}

// parseFlags reads comma-separated flag names (any case, spaces allowed
// around them) or one decimal number whose bits are all defined flags.
func (a *Attribute) parseFlags(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && !strings.HasPrefix(s, "+") {
		// Every bit must be covered by flags lying wholly inside n, or
		// the value could not be written back as names.
		var covered int64
		for _, f := range a.Flags {
			if n&f.Value == f.Value {
				covered |= f.Value
			}
		}
		return n, n >= 0 && covered == n
	}
	var n int64
	for _, tok := range strings.Split(s, ",") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue // tolerate "a, , b" and a trailing comma
		}
		found := false
		for _, f := range a.Flags {
			if f.Name == tok {
				n, found = n|f.Value, true
				break
			}
		}
		if !found {
			for _, f := range a.Flags {
				if strings.EqualFold(f.Name, tok) {
					n, found = n|f.Value, true
					break
				}
			}
		}
		if !found {
			return 0, false
		}
	}
	return n, true
}

// formatFlags names the bits of n: the fewest flags that cover them,
// largest first (so a combined flag such as AnyHttpSoap = HttpSoap |
// HttpSoap12 is used when all its bits are set), written in schema order
// and joined with ", ". Zero is the zero-valued flag's name, or "".
func (a *Attribute) formatFlags(n int64) string {
	if n == 0 {
		for _, f := range a.Flags {
			if f.Value == 0 {
				return f.Name
			}
		}
		return ""
	}
	order := make([]int, len(a.Flags))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return a.Flags[order[i]].Value > a.Flags[order[j]].Value })
	picked := make([]bool, len(a.Flags))
	rest := n
	for _, i := range order {
		v := a.Flags[i].Value
		if v != 0 && n&v == v && rest&v != 0 {
			picked[i] = true
			rest &^= v
		}
	}
	var names []string
	for i, f := range a.Flags {
		if picked[i] {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ", ")
}

func joinNames(ns []Named) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = n.Name
	}
	return strings.Join(names, ", ")
}

// CompareKey returns a string that is equal for two values exactly when
// Equal says they are: lower case for case-insensitive strings, the
// numeric value for typed ones. It lets callers index values.
func (a *Attribute) CompareKey(x string) string {
	if a.Type == KindString {
		if a.CaseSensitive {
			return x
		}
		return strings.ToLower(x)
	}
	v, err := a.parse(x)
	if err != nil {
		return "?" + strings.ToLower(strings.TrimSpace(x))
	}
	if a.Type == KindBool {
		return strconv.FormatBool(v.b)
	}
	return strconv.FormatInt(v.n, 10)
}
