package cmd

import (
	"bytes"
	"io"
	"os"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

// ioStreams are the streams a command reads and writes. No command writes to
// os.Stdout directly, so tests can capture everything.
type ioStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	colorOut, colorErr bool
}

// systemStreams returns the process streams. Colour is on only for a terminal and
// never when NO_COLOR is set (https://no-color.org).
func systemStreams() *ioStreams {
	_, noColor := os.LookupEnv("NO_COLOR")
	term := os.Getenv("TERM")
	tty := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	return &ioStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		colorOut: useColor(noColor, term, tty(os.Stdout)),
		colorErr: useColor(noColor, term, tty(os.Stderr))}
}

// useColor decides colour for one stream: only a terminal, never with
// NO_COLOR set (to any value) or TERM=dumb.
func useColor(noColor bool, term string, isTTY bool) bool {
	return isTTY && !noColor && term != "dumb"
}

// testStreams returns streams backed by buffers, without colour.
func testStreams() (*ioStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &ioStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// paint returns a colour that is enabled only when the stream takes it; the
// package-wide color.NoColor is never touched.
func paint(enabled bool, attrs ...color.Attribute) *color.Color {
	c := color.New(attrs...)
	if enabled {
		c.EnableColor()
	} else {
		c.DisableColor()
	}
	return c
}

// errorColor paints error lines on stderr.
func (s *ioStreams) errorColor() *color.Color { return paint(s.colorErr, color.FgRed) }

// noteColor paints notices on stderr.
func (s *ioStreams) noteColor() *color.Color { return paint(s.colorErr, color.FgYellow) }

// okColor paints success lines on stdout.
func (s *ioStreams) okColor() *color.Color { return paint(s.colorOut, color.FgGreen) }
