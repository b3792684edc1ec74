package section

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Validation types of the IIS schema format.
const (
	ValidateIntegerRange         = "integerRange"
	ValidateTimeSpanRange        = "timeSpanRange"
	ValidateNonEmptyString       = "nonEmptyString"
	ValidateRequireTrimmedString = "requireTrimmedString"
	ValidateSiteName             = "siteName"
	ValidateApplicationPoolName  = "applicationPoolName"
	ValidateApplicationPath      = "applicationPath"
	ValidateVirtualDirectoryPath = "virtualDirectoryPath"
)

var validationTypes = []string{
	ValidateIntegerRange, ValidateTimeSpanRange, ValidateNonEmptyString,
	ValidateRequireTrimmedString, ValidateSiteName, ValidateApplicationPoolName,
	ValidateApplicationPath, ValidateVirtualDirectoryPath,
}

// Characters IIS 10 rejects in names (IIS_schema.xml header comment).
// Older documentation lists fewer for pool names (|<>&\") and more for
// site names (/\.?); we follow the current schema.
const (
	badSiteNameChars = `/?`
	badPoolNameChars = `|<>&\"/[]+=;:,?*@`
)

// badSiteName and badPoolName are the characters above, as tables: a
// large file's names are checked a hundred thousand times.
var badSiteName, badPoolName = charTable(badSiteNameChars), charTable(badPoolNameChars)

func charTable(chars string) (t [256]bool) {
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = true
	}
	return t
}

// goodName reports whether name is not blank and holds none of bad (ASCII
// characters only: a byte of a UTF-8 sequence is never one).
func goodName(name string, bad *[256]bool) bool {
	blank, ascii := true, true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case bad[c]:
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		case c != ' ' && (c < '\t' || c > '\r'):
			blank = false
		}
	}
	if ascii {
		return !blank
	}
	return strings.TrimSpace(name) != "" // spaces beyond ASCII too
}

// Validator is an attribute's validationType with its parsed
// validationParameter.
type Validator struct {
	Type      string // one of the Validate* constants
	Parameter string // validationParameter as written
	// Min and Max bound integerRange values, and timeSpanRange values in
	// seconds. Exclude inverts the range: the value must lie outside it.
	Min, Max int64
	Exclude  bool
	// Granularity (timeSpanRange) is in seconds: the value must be a
	// whole multiple of it. 0 means no granularity check.
	Granularity int64
}

// parseValidator reads validationType and validationParameter.
func parseValidator(typ, param string) (*Validator, error) {
	v := &Validator{Parameter: param}
	for _, t := range validationTypes {
		if strings.EqualFold(t, typ) {
			v.Type = t
		}
	}
	if v.Type == "" {
		return nil, fmt.Errorf("unknown validationType %q; use one of %s", typ, strings.Join(validationTypes, ", "))
	}
	var parts []string
	if strings.TrimSpace(param) != "" {
		parts = strings.Split(param, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
	}
	num := func(s string) (int64, error) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("validationParameter %q of %s: %q is not a whole number", param, v.Type, s)
		}
		return n, nil
	}
	exclude := func(rest []string) error {
		switch {
		case len(rest) == 0:
			return nil
		case len(rest) == 1 && strings.EqualFold(rest[0], "exclude"):
			v.Exclude = true
			return nil
		}
		return fmt.Errorf("validationParameter %q of %s: unexpected %q; only \"exclude\" may follow", param, v.Type, strings.Join(rest, ","))
	}
	var err error
	switch v.Type {
	case ValidateIntegerRange:
		if len(parts) < 2 {
			return nil, fmt.Errorf("validationParameter %q of integerRange: use \"min,max\" or \"min,max,exclude\"", param)
		}
		if v.Min, err = num(parts[0]); err != nil {
			return nil, err
		}
		if v.Max, err = num(parts[1]); err != nil {
			return nil, err
		}
		if err = exclude(parts[2:]); err != nil {
			return nil, err
		}
	case ValidateTimeSpanRange:
		if len(parts) < 3 {
			return nil, fmt.Errorf("validationParameter %q of timeSpanRange: use \"min,max,granularity\" in seconds, optionally followed by \",exclude\"", param)
		}
		if v.Min, err = num(parts[0]); err != nil {
			return nil, err
		}
		if v.Max, err = num(parts[1]); err != nil {
			return nil, err
		}
		if v.Granularity, err = num(parts[2]); err != nil {
			return nil, err
		}
		if v.Granularity < 0 {
			return nil, fmt.Errorf("validationParameter %q of timeSpanRange: granularity must not be negative", param)
		}
		if err = exclude(parts[3:]); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// check applies the attribute's validator to a parsed value.
func (a *Attribute) check(input string, v value) *ValueError {
	val := a.Validator
	if val == nil {
		return nil
	}
	reason := ""
	switch val.Type {
	case ValidateIntegerRange:
		// Only meaningful for numbers; Infinite stands for no limit.
		if !isInteger(a.Type) || v.inf {
			return nil
		}
		in := v.n >= val.Min && v.n <= val.Max
		if val.Exclude && in {
			reason = sprintf(msgIntegerRangeExclude, val.Min, val.Max)
		} else if !val.Exclude && !in {
			reason = sprintf(msgIntegerRange, val.Min, val.Max)
		}
	case ValidateTimeSpanRange:
		if a.Type != KindTimeSpan || v.inf {
			return nil
		}
		in := v.n >= secondsToTicks(val.Min) && v.n <= secondsToTicks(val.Max)
		g := secondsToTicks(val.Granularity)
		off := g > 0 && v.n%g != 0
		switch {
		case val.Exclude && (in || off):
			reason = sprintf(msgTimeSpanRangeExclude, val.Min, val.Max, val.Granularity)
		case !val.Exclude && (!in || off):
			reason = sprintf(msgTimeSpanRange, val.Min, val.Max, val.Granularity)
		}
	case ValidateNonEmptyString:
		if v.canon == "" {
			reason = msgNonEmptyString
		}
	case ValidateRequireTrimmedString:
		if v.canon != strings.TrimSpace(v.canon) {
			reason = msgRequireTrimmedString
		}
	case ValidateSiteName:
		// IIS refuses empty and blank names too (MWA's validators).
		if !goodName(v.canon, &badSiteName) {
			reason = msgSiteName
		}
	case ValidateApplicationPoolName:
		if !goodName(v.canon, &badPoolName) {
			reason = msgApplicationPoolName
		}
	case ValidateApplicationPath:
		if !validVirtualPath(v.canon) {
			reason = msgApplicationPath
		}
	case ValidateVirtualDirectoryPath:
		if !validVirtualPath(v.canon) {
			reason = msgVirtualDirectoryPath
		}
	}
	if reason == "" {
		return nil
	}
	return &ValueError{Attribute: a.Name, Input: input, Rule: val.Type, Reason: reason}
}

func isInteger(k Kind) bool {
	return k == KindUint || k == KindInt || k == KindInt64
}

// secondsToTicks converts, saturating instead of overflowing.
func secondsToTicks(s int64) int64 {
	switch {
	case s > math.MaxInt64/ticksPerSecond:
		return math.MaxInt64
	case s < math.MinInt64/ticksPerSecond:
		return math.MinInt64
	}
	return s * ticksPerSecond
}

// validVirtualPath implements the applicationPath and
// virtualDirectoryPath rules: starts with "/", does not end with "/"
// unless it is "/", and no segment is "." or "..".
func validVirtualPath(p string) bool {
	if p == "/" {
		return true
	}
	if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return false
	}
	for rest := p[1:]; ; {
		seg, more, found := strings.Cut(rest, "/")
		if seg == "." || seg == ".." {
			return false
		}
		if !found {
			return true
		}
		rest = more
	}
}
