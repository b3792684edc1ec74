package configstore

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// A section may keep its settings in a file of its own:
// <connectionStrings configSource="connections.config" />. The file's root
// element is the section's element; IIS reads the settings from it, and
// edits go there, never into the file that refers to it.

// configSource returns the file a section element refers to with
// configSource, loading it once, or nil when e has no configSource. f is
// the file holding e; inLocation says e stands in a <location>.
func (s *Store) configSource(f *File, e *xmldoc.Element, inLocation bool) (*File, error) {
	ref, ok := e.Attr("configSource")
	if !ok {
		return nil, nil
	}
	fail := func(kind ConfigErrorKind, desc string, err error) error {
		return &ConfigFileError{File: f.Path, Line: e.AttrLine("configSource"), Kind: kind, Description: desc, Err: err}
	}
	if f.AppHost && inLocation {
		return nil, fail(ErrMalformed, DescSourceLocation, nil)
	}
	for _, a := range e.Attrs() {
		if a.Name != "configSource" && a.Name != "xmlns" && !strings.HasPrefix(a.Name, "xmlns:") {
			return nil, fail(ErrMalformed, DescSourceAlone, nil)
		}
	}
	if e.FirstChild() != nil {
		return nil, fail(ErrMalformed, DescSourceAlone, nil)
	}
	rel, ok := sourcePath(ref)
	if !ok {
		return nil, fail(ErrMalformed, fmt.Sprintf(DescSourceRelative, ref), nil)
	}
	path := filepath.Join(filepath.Dir(f.Path), rel)
	if sf := s.sources[path]; sf != nil {
		return sf, nil
	}
	m, err := readFile(path, s.noMap)
	if err != nil {
		return nil, fail(ErrUnreadable, fmt.Sprintf(DescSourceOpen, ref), err)
	}
	if m.release != nil {
		s.release = append(s.release, m.release)
	}
	doc, err := xmldoc.ParseOptions(m.data, xmldoc.Options{Evict: m.evict, CopyRange: m.copyRange})
	if err != nil {
		return nil, parseError(path, DescSourceParse, err)
	}
	if doc.Root().Name() != e.Name() {
		return nil, &ConfigFileError{File: path, Line: doc.Root().Line(), Kind: ErrMalformed,
			Description: fmt.Sprintf("%s (the root element must be <%s>, not <%s>)", DescSourceParse, e.Name(), doc.Root().Name())}
	}
	sf := &File{Path: path, ConfigPath: f.ConfigPath, doc: doc, exists: true, declared: f.declared,
		ident: m.info, root: f.root, store: s, host: f}
	if s.sources == nil {
		s.sources = map[string]*File{}
	}
	s.sources[path] = sf
	return sf, nil
}

// sourcePath checks a configSource value as IIS does: a relative path to
// the folder of the file or below it, without '..'. Both separators are
// accepted; the result uses the system's.
func sourcePath(ref string) (string, bool) {
	if ref == "" || strings.ContainsAny(ref, ":\x00") || ref[0] == '/' || ref[0] == '\\' || filepath.IsAbs(ref) {
		return "", false
	}
	var parts []string
	for _, p := range strings.FieldsFunc(ref, func(r rune) bool { return r == '/' || r == '\\' }) {
		switch p {
		case "..":
			return "", false
		case ".":
			continue
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "", false
	}
	return filepath.Join(parts...), true
}

// Source returns the file that holds the instance's settings: the
// configSource file, or the instance's own file.
func (in *SectionInstance) source() *File {
	if in.Source != nil {
		return in.Source
	}
	return in.File
}

// line is where the instance stands in its own file (the element with
// configSource, for a section kept in another file).
func (in *SectionInstance) line() int {
	if in.Ref != nil {
		return in.Ref.Line()
	}
	return in.Element.Line()
}
