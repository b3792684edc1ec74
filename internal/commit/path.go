package commit

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Path is a dotted property path as written in an AppCmd attribute
// parameter (appcmd.md §1.5, §1.6), for example
//
//	enabled
//	limits.maxBandwidth
//	[name='x'].type
//	[name='C',id='2'].bindings.[protocol='http',bindingInformation='*:80:']
//	files.[value='home.html']
//	[name='X'].[path='/'].[path='/',physicalPath='C:\x']
//
// Grammar:
//
//	path     := step ('.' step)*
//	step     := name | '[' selector ']'
//	selector := ['@' position ','] key '=' "'" value "'" (',' key '=' "'" value "'")*
//	          | '@' position
//	position := 'start' | 'end' | N
//
// Choices of ours where appcmd.exe is undocumented (appcmd.md §1.6):
//   - A position alone ([@N], [@start], [@end]) is accepted; whether it
//     selects anything is for the caller to decide.
//   - A selector may follow a name without the dot: files[value='x'] is
//     files.[value='x']. Two selectors in a row still need the dot.
//   - A literal ' inside a value is written as two ' characters, as in SQL
//     and testscript (see the selector examples in path_test.go).
//   - Position words are case-insensitive; N is decimal digits only.
//   - Names (and selector keys) are any run of characters except
//     . [ ] ' = , : " and white space; a key may not start with @.
//   - Values must be single-quoted: [name=Files] is malformed, as in appcmd.
type Path []Step

// Step is one element of a Path: exactly one of Name and Selector is set.
type Step struct {
	Name     string
	Selector *Selector
}

// Selector picks (or, for an add, describes) collection elements by key
// attributes, optionally at a position.
type Selector struct {
	Pos  Position
	Keys []KeyValue // in the order written; nil when there are none
}

// PosKind says which form a selector's @position specifier took.
type PosKind int

const (
	PosNone  PosKind = iota // no @position
	PosStart                // @start
	PosEnd                  // @end
	PosIndex                // @N
)

// Position is a selector's optional @position specifier.
type Position struct {
	Kind  PosKind
	Index int // only for PosIndex
}

// KeyValue is one name='value' pair of a selector, value unquoted.
type KeyValue struct {
	Name, Value string
}

// MalformedIndexerMessage is appcmd.exe's text for a bad [...] step
// (appcmd.md §1.6; note the two spaces before "The").
const MalformedIndexerMessage = "Malformed collection indexer; format is [@position,name='value',name2='value2',...].  " +
	"The @position specifier is optional, and be '@start', '@end', or '@N' where N is a numeric index into the collection."

// MalformedIndexerError reports a step with brackets that does not follow
// the selector grammar. Its Error text is exactly appcmd.exe's message;
// Offset and Reason are for debugging only.
type MalformedIndexerError struct {
	Path   string
	Offset int // byte offset in Path where parsing failed
	Reason string
}

func (e *MalformedIndexerError) Error() string { return MalformedIndexerMessage }

// PathError reports any other syntax error in a path (empty step, bad
// character in a name).
type PathError struct {
	Path   string
	Offset int
	Reason string
}

func (e *PathError) Error() string {
	return "invalid property path " + strconv.Quote(e.Path) + " at offset " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// ParsePath parses a property path. Errors are *MalformedIndexerError or
// *PathError.
func ParsePath(s string) (Path, error) {
	var p Path
	i := 0
	for {
		if i < len(s) && s[i] == '[' {
			sel, next, err := parseSelector(s, i)
			if err != nil {
				return nil, err
			}
			p = append(p, Step{Selector: sel})
			i = next
			if i == len(s) {
				return p, nil
			}
			if s[i] != '.' {
				return nil, &MalformedIndexerError{Path: s, Offset: i, Reason: "expected '.' or end after ']'"}
			}
			i++
			if i == len(s) {
				return nil, &PathError{Path: s, Offset: i, Reason: "empty step"}
			}
			continue
		}
		start := i
		i = scanName(s, i)
		if i == start {
			switch {
			case i == len(s) || s[i] == '.':
				return nil, &PathError{Path: s, Offset: i, Reason: "empty step"}
			case s[i] == ']':
				return nil, &MalformedIndexerError{Path: s, Offset: i, Reason: "']' without '['"}
			default:
				return nil, &PathError{Path: s, Offset: i, Reason: "invalid character in name"}
			}
		}
		p = append(p, Step{Name: s[start:i]})
		if i == len(s) {
			return p, nil
		}
		switch s[i] {
		case '.':
			i++
			if i == len(s) {
				return nil, &PathError{Path: s, Offset: i, Reason: "empty step"}
			}
		case '[':
			// Leniency: name[...] reads as name.[...]; the loop parses it.
		case ']':
			return nil, &MalformedIndexerError{Path: s, Offset: i, Reason: "']' without '['"}
		default:
			return nil, &PathError{Path: s, Offset: i, Reason: "invalid character in name"}
		}
	}
}

// isNameRune reports whether r may appear in a name or selector key.
func isNameRune(r rune) bool {
	return !strings.ContainsRune(".[]'=,:\"", r) && !unicode.IsSpace(r)
}

// scanName returns the end of the name starting at i.
func scanName(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isNameRune(r) {
			break
		}
		i += w
	}
	return i
}

// parseSelector parses the selector whose '[' is at s[i] and returns the
// offset just past its ']'.
func parseSelector(s string, i int) (*Selector, int, error) {
	bad := func(at int, why string) (*Selector, int, error) {
		return nil, 0, &MalformedIndexerError{Path: s, Offset: at, Reason: why}
	}
	sel := &Selector{}
	j := i + 1
	if j < len(s) && s[j] == '@' {
		k := j + 1
		for k < len(s) && s[k] != ',' && s[k] != ']' {
			k++
		}
		pos, ok := parsePosition(s[j+1 : k])
		if !ok {
			return bad(j, "bad @position")
		}
		sel.Pos = pos
		j = k
		if j == len(s) {
			return bad(j, "missing ']'")
		}
		if s[j] == ']' {
			return sel, j + 1, nil
		}
		j = skipSpaces(s, j+1) // past ','
	}
	for {
		start := j
		j = scanName(s, j)
		if j == start {
			return bad(j, "missing key name")
		}
		if s[start] == '@' {
			return bad(start, "@position must come first")
		}
		key := s[start:j]
		if j == len(s) || s[j] != '=' {
			return bad(j, "expected '=' after key")
		}
		j++
		if j == len(s) || s[j] != '\'' {
			return bad(j, "value must be in single quotes")
		}
		j++
		var b strings.Builder
		closed := false
		for j < len(s) {
			if s[j] != '\'' {
				b.WriteByte(s[j])
				j++
				continue
			}
			if j+1 < len(s) && s[j+1] == '\'' {
				b.WriteByte('\'')
				j += 2
				continue
			}
			j++
			closed = true
			break
		}
		if !closed {
			return bad(j, "unterminated value")
		}
		sel.Keys = append(sel.Keys, KeyValue{Name: key, Value: b.String()})
		if j == len(s) {
			return bad(j, "missing ']'")
		}
		switch s[j] {
		case ',':
			// IIS articles write "[key='a', value='b']"; appcmd.exe takes it.
			j = skipSpaces(s, j+1)
		case ']':
			return sel, j + 1, nil
		default:
			return bad(j, "expected ',' or ']' after value")
		}
	}
}

// skipSpaces returns the offset of the first byte at or after i that is
// not a space.
func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func parsePosition(t string) (Position, bool) {
	switch {
	case strings.EqualFold(t, "start"):
		return Position{Kind: PosStart}, true
	case strings.EqualFold(t, "end"):
		return Position{Kind: PosEnd}, true
	}
	if t == "" {
		return Position{}, false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return Position{}, false
		}
	}
	n, err := strconv.Atoi(t)
	if err != nil { // overflow
		return Position{}, false
	}
	return Position{Kind: PosIndex, Index: n}, true
}

// String returns the canonical form: steps joined by '.', selectors with
// the position first, values in single quotes with ' doubled, positions
// in lower case. ParsePath(p.String()) returns a Path equal to p for any
// p that ParsePath produced.
func (p Path) String() string {
	var b strings.Builder
	for i, st := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		if st.Selector != nil {
			b.WriteString(st.Selector.String())
		} else {
			b.WriteString(st.Name)
		}
	}
	return b.String()
}

// String returns the selector in canonical form, brackets included.
func (s *Selector) String() string {
	var b strings.Builder
	b.WriteByte('[')
	if pos := s.Pos.String(); pos != "" {
		b.WriteString(pos)
		if len(s.Keys) > 0 {
			b.WriteByte(',')
		}
	}
	for i, kv := range s.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(kv.Name)
		b.WriteString("='")
		b.WriteString(strings.ReplaceAll(kv.Value, "'", "''"))
		b.WriteByte('\'')
	}
	b.WriteByte(']')
	return b.String()
}

// String returns "@start", "@end", "@N", or "" for PosNone.
func (p Position) String() string {
	switch p.Kind {
	case PosStart:
		return "@start"
	case PosEnd:
		return "@end"
	case PosIndex:
		return "@" + strconv.Itoa(p.Index)
	}
	return ""
}

// Equal reports whether p and q have the same steps.
func (p Path) Equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		a, b := p[i], q[i]
		if a.Name != b.Name || (a.Selector == nil) != (b.Selector == nil) {
			return false
		}
		if a.Selector == nil {
			continue
		}
		if a.Selector.Pos != b.Selector.Pos || len(a.Selector.Keys) != len(b.Selector.Keys) {
			return false
		}
		for k := range a.Selector.Keys {
			if a.Selector.Keys[k] != b.Selector.Keys[k] {
				return false
			}
		}
	}
	return true
}
