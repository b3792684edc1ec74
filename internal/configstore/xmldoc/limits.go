package xmldoc

import "fmt"

// Limits on what a configuration file may contain. Real files are far
// inside them (the deepest IIS section nests about ten elements, the
// longest real attribute values are a few KiB, a 50,000-site
// applicationHost.config has about 1,100,000 elements and 74 MiB); they
// bound the time and memory a hostile or broken file can cost before it is
// rejected with a line number. The writer holds every one of them too
// (write.go), so nothing is ever written that the reader then refuses.
// docs/reliability.md lists them.
const (
	// MaxDepth is how deeply elements may nest.
	MaxDepth = 1000
	// MaxAttrValue is the length in bytes of one attribute value as written
	// in the file.
	MaxAttrValue = 4 << 20
	// MaxAttrs is how many attributes one start tag may carry; duplicate
	// names are found by comparing each with those before it.
	MaxAttrs = 1000
	// MaxElements is how many elements a file may hold: about 180,000
	// sites with their pools and location tags. The structure check keeps
	// three words per element of the list being read, so a file of nothing
	// but empty elements costs about 100 bytes of memory per element.
	MaxElements = 4_000_000
	// MaxFileSize is the size in bytes of a whole file: MaxElements real
	// elements take about 300 MiB. configstore checks it before reading
	// anything, so a file that never ends (a link to /dev/zero) costs
	// nothing.
	MaxFileSize = 1 << 30
)

// sizeLimits are the element count and file size a document is held to:
// MaxElements and MaxFileSize unless Options lowers them (tests, which
// cannot afford files of that size to check both sides at the limit).
type sizeLimits struct {
	elements int
	fileSize int64
}

func (o Options) sizeLimits() sizeLimits {
	l := sizeLimits{elements: MaxElements, fileSize: MaxFileSize}
	if o.MaxElements > 0 {
		l.elements = o.MaxElements
	}
	if o.MaxFileSize > 0 {
		l.fileSize = o.MaxFileSize
	}
	return l
}

// options gives the limits back as Options, to check a rendering again.
func (l sizeLimits) options() Options {
	return Options{MaxElements: l.elements, MaxFileSize: l.fileSize}
}

// LimitError is an edit that the writer refuses because the reader would
// refuse the file it produced: a value, a start tag, the nesting or the
// file grown past one of the limits above.
type LimitError struct {
	Limit string // the name of the limit: "MaxAttrValue"
	Max   int64
	What  string // what grew too large, with its size
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s, over the limit of %d (%s) on what a configuration file may hold; nothing was written", e.What, e.Max, e.Limit)
}
