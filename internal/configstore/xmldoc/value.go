package xmldoc

import (
	"fmt"
	"unicode/utf8"
)

// ValueError is a name or value that an XML file cannot hold: XML 1.0 has
// no way to write most control characters, not even as a character
// reference, and names have their own grammar.
type ValueError struct {
	Value  string
	Offset int  // byte offset of the first bad character in Value
	Name   bool // Value was meant as an element or attribute name
}

func (e *ValueError) Error() string {
	if e.Name {
		return fmt.Sprintf("%q is not a valid XML name", e.Value)
	}
	r, size := utf8.DecodeRuneInString(e.Value[e.Offset:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("the value is not valid UTF-8 (byte %d)", e.Offset+1)
	}
	return fmt.Sprintf("the character %U (at byte %d) cannot be stored in a configuration file", r, e.Offset+1)
}

// CheckValue reports whether s can be written as an attribute value and
// read back unchanged (the writer escapes everything else).
func CheckValue(s string) error {
	if off, ok := checkChars([]byte(s)); !ok {
		return &ValueError{Value: s, Offset: off}
	}
	return nil
}

// CheckName reports whether s is a valid element or attribute name.
func CheckName(s string) error {
	if s == "" || nameLen([]byte(s)) != len(s) {
		return &ValueError{Value: s, Name: true}
	}
	return nil
}
