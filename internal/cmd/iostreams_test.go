package cmd

import (
	"bytes"
	"testing"

	"github.com/fatih/color"
)

func TestUseColor(t *testing.T) {
	tests := []struct {
		env  colorEnv
		tty  bool
		want bool
	}{
		{colorEnv{term: "xterm-256color"}, true, true},
		{colorEnv{term: "xterm"}, false, false},                          // piped
		{colorEnv{noColor: "1", term: "xterm"}, true, false},             // NO_COLOR
		{colorEnv{noColor: "", term: "xterm"}, true, true},               // set but empty: no effect
		{colorEnv{term: "dumb"}, true, false},                            // TERM=dumb
		{colorEnv{force: "1", term: "xterm"}, false, true},               // CLICOLOR_FORCE on a pipe
		{colorEnv{force: "0", term: "xterm"}, false, false},              // CLICOLOR_FORCE=0 forces nothing
		{colorEnv{force: "1", term: "dumb"}, false, true},                // forced beats dumb
		{colorEnv{noColor: "1", force: "1", term: "xterm"}, true, false}, // NO_COLOR wins
	}
	for _, tt := range tests {
		if got := useColor(tt.env, tt.tty); got != tt.want {
			t.Errorf("useColor(%+v, %v) = %v, want %v", tt.env, tt.tty, got, tt.want)
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

// testStreams returns streams backed by buffers, without colour.
func testStreams() (*ioStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &ioStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}
