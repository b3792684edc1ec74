package configstore

import (
	"bytes"
	"hash/maphash"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// levelSeen is the sections seen at each level of a file (lower case),
// for DescSectionTwice: a level is most often seen once (50,000 site
// <location> tags), so each is kept without a string or a pointer of its
// own (nothing for the collector to scan): its key back to back with the
// others' in one []byte, its names a range of one list (a <location>
// text checked before shares the range of its first check: checkedAgain),
// found through an open-addressing table of the keys' hashes.
type levelSeen struct {
	slots   []int32 // index+1 in levels, 0 free; a power of two long
	levels  []levelNames
	keys    []byte // the levels' keys, back to back
	names   []string
	scratch []string
}

type levelNames struct {
	h              uint64 // hash of the key
	keyStart, keyN int32  // in keys
	start, end     int32  // in names
}

var levelSeed = maphash.MakeSeed()

// find returns the index of the level with key (levelBytes), or -1, and
// the key's hash.
func (l *levelSeen) find(key []byte) (int, uint64) {
	h := maphash.Bytes(levelSeed, key)
	if len(l.slots) == 0 {
		return -1, h
	}
	mask := uint64(len(l.slots) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		s := l.slots[j]
		if s == 0 {
			return -1, h
		}
		e := &l.levels[s-1]
		if e.h == h && string(l.keys[e.keyStart:e.keyStart+e.keyN]) == string(key) {
			return int(s - 1), h
		}
	}
}

// keep records names as the sections of the level at index i (-1: a new
// one, of hash h and key).
func (l *levelSeen) keep(i int, h uint64, key []byte, names []string) {
	start, end := l.addNames(names)
	l.keepRange(i, h, key, start, end)
}

// addNames adds names to the list, for levels to share (keepRange).
func (l *levelSeen) addNames(names []string) (start, end int32) {
	start = int32(len(l.names))
	l.names = append(l.names, names...)
	return start, int32(len(l.names))
}

// keepRange is keep with names[start:end] of the list.
func (l *levelSeen) keepRange(i int, h uint64, key []byte, start, end int32) {
	if i >= 0 {
		l.levels[i].start, l.levels[i].end = start, end
		return
	}
	l.levels = append(l.levels, levelNames{h: h, keyStart: int32(len(l.keys)), keyN: int32(len(key)), start: start, end: end})
	l.keys = append(l.keys, key...)
	if 2*len(l.levels) > len(l.slots) {
		l.grow()
		return // grow placed the new level too
	}
	l.place(int32(len(l.levels)))
}

// place puts level index+1 s into the table.
func (l *levelSeen) place(s int32) {
	mask := uint64(len(l.slots) - 1)
	j := l.levels[s-1].h & mask
	for l.slots[j] != 0 {
		j = (j + 1) & mask
	}
	l.slots[j] = s
}

// grow doubles the table (at most half full) and places every level again.
func (l *levelSeen) grow() {
	n := max(64, 2*len(l.slots))
	for 2*len(l.levels) > n {
		n *= 2
	}
	l.slots = make([]int32, n)
	for i := range l.levels {
		l.place(int32(i + 1))
	}
}

// levelNamesOf returns the names kept for level i.
func (l *levelSeen) levelNamesOf(i int) []string {
	e := l.levels[i]
	return l.names[e.start:e.end]
}

// simpleLevel is the level key (levelBytes, in v.lkey) and the depth of
// a <location> tag whose only attribute is a path ConfigPath.Join takes
// as written (simplePath), for checkedAgain without a Location: a text
// checked before costs its tag's attributes read once and no strings.
// ok is false for any other tag (locationWith then reads it).
func (fc *fileCheck) simpleLevel(r xmldoc.Raw) (key []byte, depth int, ok bool) {
	var path []byte
	n := 0
	r.EachAttrRaw(func(name string, raw []byte) bool {
		n++
		if name == "path" {
			path = raw
		}
		return n == 1
	})
	if n != 1 || path == nil {
		return nil, 0, false
	}
	v, cp := fc.v, fc.f.ConfigPath
	key = appendLevel(v.lkey[:0], cp)
	key, segs, ok := appendSimplePath(key, len(cp.segs) > 0, path)
	v.lkey = key
	// Join's path has no levels above applicationHost.config (up 0).
	return key, len(cp.segs) + segs, ok
}

// appendSimplePath appends the key (appendLevel) of the segments of a
// raw path attribute, after a '/' when sep, and counts them: ok only
// when the value needs no decoding and Join takes it as written, which
// a short list of characters makes sure of (no '\\', '%', entity, white
// space but ' ' or character outside ASCII): one leading and one
// trailing '/' dropped, every segment, white space trimmed, other than
// "", "." and "..".
func appendSimplePath(b []byte, sep bool, raw []byte) ([]byte, int, bool) {
	s := raw
	if len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	if len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	if len(s) == 0 {
		return b, 0, false
	}
	n := 0
	for len(s) > 0 || n == 0 {
		seg := s
		if i := bytes.IndexByte(s, '/'); i >= 0 {
			seg, s = s[:i], s[i+1:]
			if len(s) == 0 {
				return b, 0, false // "a//" has an empty last segment
			}
		} else {
			s = nil
		}
		switch string(bytes.Trim(seg, " ")) {
		case "", ".", "..":
			return b, 0, false
		}
		if sep || n > 0 {
			b = append(b, '/')
		}
		for _, c := range seg {
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == ' ':
			default:
				return b, 0, false
			}
			b = append(b, c)
		}
		n++
	}
	return b, n, true
}

// seedLines sets v's line cursor of f (lineStart) at the line of the
// <location> r's tag, before its text is checked in full: its findings'
// columns are then found from there, not by counting the lines of the
// file from its start (what lineStart does for a line far from the last
// one asked for when the document has no line index: on one core).
func (fc *fileCheck) seedLines(r xmldoc.Raw) {
	src, off := fc.f.doc.Source(), r.Offset()
	v := fc.v
	if v.lines == nil {
		v.lines = map[*File]*lineCursor{}
	}
	c := v.lines[fc.f]
	if c == nil {
		c = &lineCursor{}
		v.lines[fc.f] = c
	}
	c.line, c.off = r.Line(), bytes.LastIndexByte(src[:off], '\n')+1
}

// pathWithSeparator is the path attribute of a <location> tag when it
// may hold a '/' or '\\' (above notes no other): 50,000 site paths are
// passed by without a string made.
func pathWithSeparator(r xmldoc.Raw) (string, bool) {
	path, found := attrRaw(r, "path")
	// Only a reference decodes to a separator ("&#47;").
	if !found || bytes.IndexAny(path, `/\&`) < 0 {
		return "", false
	}
	return r.Value(path), true
}

// noteAbove is noteAbovePath for a <location> tag read raw.
func (fc *fileCheck) noteAbove(above map[string]bool, c xmldoc.Raw) {
	if p, ok := pathWithSeparator(c); ok {
		fc.noteAbovePath(above, p)
	}
}
