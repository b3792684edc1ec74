package cmd

import (
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

// systemStreams returns the process streams, colour decided per stream
// by useColor from the process environment.
func systemStreams() *ioStreams {
	env := colorEnv{noColor: os.Getenv("NO_COLOR"), force: os.Getenv("CLICOLOR_FORCE"), term: os.Getenv("TERM")}
	tty := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	return &ioStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		colorOut: useColor(env, tty(os.Stdout)),
		colorErr: useColor(env, tty(os.Stderr))}
}

// colorEnv holds the variables that choose colour.
type colorEnv struct {
	noColor string // NO_COLOR
	force   string // CLICOLOR_FORCE
	term    string // TERM
}

// useColor decides colour for one stream. NO_COLOR with a non-empty value
// turns it off (https://no-color.org: set but empty does not); otherwise
// CLICOLOR_FORCE other than "" or "0" turns it on even for a pipe (CI
// logs that render ANSI colour); otherwise only a terminal that is not
// TERM=dumb gets colour.
func useColor(env colorEnv, isTTY bool) bool {
	switch {
	case env.noColor != "":
		return false
	case env.force != "" && env.force != "0":
		return true
	}
	return isTTY && env.term != "dumb"
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
