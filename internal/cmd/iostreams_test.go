package cmd

import (
	"bytes"
	"testing"

	"github.com/fatih/color"
)

func TestUseColor(t *testing.T) {
	tests := []struct {
		noColor bool
		term    string
		tty     bool
		want    bool
	}{
		{false, "xterm-256color", true, true},
		{false, "xterm", false, false}, // piped
		{true, "xterm", true, false},   // NO_COLOR
		{false, "dumb", true, false},
		{true, "dumb", false, false},
	}
	for _, tt := range tests {
		if got := useColor(tt.noColor, tt.term, tt.tty); got != tt.want {
			t.Errorf("useColor(%v, %q, %v) = %v, want %v", tt.noColor, tt.term, tt.tty, got, tt.want)
		}
	}
}

// TestPaint checks that colour follows the stream's decision and never the
// package-wide color.NoColor.
func TestPaint(t *testing.T) {
	saved := color.NoColor
	defer func() { color.NoColor = saved }()
	for _, global := range []bool{true, false} {
		color.NoColor = global
		var on, off bytes.Buffer
		paint(true, color.FgRed).Fprint(&on, "x")
		paint(false, color.FgRed).Fprint(&off, "x")
		if on.String() == "x" || off.String() != "x" {
			t.Errorf("NoColor=%v: coloured %q, plain %q", global, on.String(), off.String())
		}
	}
}

// TestErrorsPlainWhenPiped runs a failing command with test streams: no
// escape sequences reach a pipe.
func TestErrorsPlainWhenPiped(t *testing.T) {
	ios, _, out, errOut := testStreams()
	code := runArgs([]string{"foo"}, ios, func(string) (string, bool) { return "", false })
	if code != exitInvalidParam || bytes.Contains(errOut.Bytes(), []byte("\x1b[")) || out.Len() != 0 {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errOut)
	}
}
