package commit

import (
	"errors"
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/configstore"
	"github.com/appcmd-project/appcmd/internal/section"
)

func TestCheckStorable(t *testing.T) {
	tests := []struct {
		path, value string
		want        string // "" for storable, else part of the error
	}{
		{"value", `"<&>' é 日本 🙂`, ""},
		{"value", "two\nlines\r\n\ttab", ""},
		{"value", "del \x7f", ""},
		{"value", "nul \x00", "U+0000 (at byte 5)"},
		{"value", "bell \x07", "U+0007"},
		{"value", "esc \x1b[0m", "U+001B"},
		{"value", "bad \xff utf-8", "not valid UTF-8 (byte 5)"},
		{"value", "nonchar \uFFFE", "U+FFFE"},
		{"[name='a\x01b'].value", "x", "U+0001"},
		{"[name='ok'].value", "x\x02", "U+0002"},
	}
	for _, tt := range tests {
		p, err := ParsePath(tt.path)
		if err != nil {
			t.Fatalf("%q: %v", tt.path, err)
		}
		err = checkStorable(Change{Kind: Set, Path: p, Value: tt.value})
		var ve *section.ValueError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q = %q: %v", tt.path, tt.value, err)
		case tt.want != "" && (!errors.As(err, &ve) || !strings.Contains(ve.Reason, tt.want)):
			t.Errorf("%q = %q: got %v, want a ValueError with %q", tt.path, tt.value, err, tt.want)
		}
	}
	// A name that is not an XML name is an unknown attribute.
	err := checkStorable(Change{Kind: Set, Path: Path{{Name: "bad name"}}, Value: "x"})
	var ue *configstore.UnknownAttributeError
	if !errors.As(err, &ue) {
		t.Errorf("bad name: got %v, want UnknownAttributeError", err)
	}
}
