package configstore

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
)

// The web.config search of a generated 50,000-site file meets 100,000
// virtual directories whose physical paths all lie below a few folders
// that do not exist. rawRoot answers most of them from the path as
// written: a memo of folder parts as written (rawMissing) whose expansion
// is known missing costs a map lookup or two per virtual directory, with
// no string made and nothing expanded.
//
// Why the memo is right: where '/' separates, for a path P\rest whose rest
// holds no '%' and no ".." part, ExpandPath(P\rest) is
// Clean(ExpandPath(P) + "/" + rest) when ExpandPath(P) is absolute (the
// variables of P pair within P; the drive and relative rules look only at
// P's start, which is not empty then), and so lies at or below
// ExpandPath(P): when that folder does not exist, nothing below it does.
// The environment is the store's, the same for the whole run.

// rawRoot is vdirRoot for a physical path as written (between its
// quotes); r is the element it was read from, to decode it when needed.
func (v *validator) rawRoot(r xmldoc.Raw, raw []byte) string {
	if v.knownMissingRaw(raw) {
		return ""
	}
	root, top := v.vdirRoot(r.Value(raw))
	if top != "" && filepath.Separator == '/' && plainValue(raw) { // as expand, and the value as written
		v.noteMissingRaw(raw, top)
	}
	return root
}

// isSep reports whether c separates folders in a physical path as written.
func isSep(c byte) bool { return c == '\\' || c == '/' }

// knownMissingRaw reports whether p, as written, lies below a folder part
// noted missing (noteMissingRaw) by plain parts only (plainRest): as
// the parts noted are plain too, p as written is then its value. The
// part found last is tried first: the virtual directories of a generated
// file share one.
func (v *validator) knownMissingRaw(p []byte) bool {
	if len(v.rawMissing) == 0 {
		return false
	}
	if k := v.lastMissing; k != "" && len(k) < len(p) && isSep(p[len(k)]) && string(p[:len(k)]) == k && plainRest(p[len(k):]) {
		return true
	}
	for i := 1; i < len(p); i++ {
		if isSep(p[i]) && v.rawLens&(1<<(i&63)) != 0 && v.rawMissing[string(p[:i])] && plainRest(p[i:]) {
			v.lastMissing = string(p[:i])
			return true
		}
	}
	return false
}

// plainRest reports whether rest, a path as written from a separator on,
// holds plain names only (no '%', not "..") and is its value
// (plainValue): the folder part before it stands for the whole path in
// the memo.
func plainRest(rest []byte) bool {
	start := 1
	for i := 1; i < len(rest); i++ {
		switch pathClass[rest[i]] {
		case pathSep:
			if i-start == 2 && rest[i-1] == '.' && rest[i-2] == '.' {
				return false
			}
			start = i + 1
		case pathNot:
			return false
		}
	}
	return len(rest)-start != 2 || rest[start] != '.' || rest[start+1] != '.'
}

// Classes of the bytes of a path as written (pathClass).
const (
	pathPlain = iota
	pathSep   // '\' or '/'
	pathNot   // '%', or what the reader decodes: no rest of a memo's path
)

var pathClass = [256]uint8{'\\': pathSep, '/': pathSep, '%': pathNot, '&': pathNot, '\t': pathNot, '\r': pathNot, '\n': pathNot}

// noteMissingRaw notes the shortest folder part of p, as written, whose
// expansion is absolute and lies at or below top, a folder vdirRoot found
// missing above p. The folder parts are those expand has just expanded
// (v.dirs), so the first virtual directory below a missing folder pays a
// lookup or two; the others find it in the memo.
//
// A path's own folder is not noted: it would serve only the virtual
// directories beside it, which expand and missingTop answer nearly as
// fast, while a site of its own each (sites\site7\www, sites\site7\api
// with sites present) would fill the memo with a part per site.
func (v *validator) noteMissingRaw(p []byte, top string) {
	best, own := 0, 0
	for i := len(p) - 1; i > 0; i-- {
		if !isSep(p[i]) {
			continue
		}
		if own == 0 {
			own = i
		}
		if !plainRest(p[i:]) {
			break // nor any shorter one
		}
		d, ok := v.dirs[string(p[:i])]
		if !ok {
			d = v.expand(string(p[:i]))
		}
		if !filepath.IsAbs(d) {
			continue
		}
		if d != top && !(strings.HasPrefix(d, top) && (strings.HasSuffix(top, "/") || d[len(top)] == '/')) {
			break // a shorter part expands above d: not below top either
		}
		best = i
	}
	if best > 0 && best < own {
		v.addRawMissing(string(p[:best]))
	}
}

// addRawMissing notes a folder part as written known missing. Its length
// is noted too: knownMissingRaw looks up only parts of lengths noted, so a
// path in a folder of its own (one noted part per site) costs about one
// lookup, not one per part.
func (v *validator) addRawMissing(part string) {
	if v.rawMissing == nil || len(v.rawMissing) >= 4096 {
		// Bounded, as expand's memo is (lastMissing stays true).
		v.rawMissing, v.rawLens = map[string]bool{}, 0
	}
	v.rawMissing[part] = true
	v.rawLens |= 1 << (len(part) & 63)
}

// vdirName is the name of a virtual directory's element; searched
// without its '<', as 'v' is rarer in a site than '<' is.
var vdirName = []byte("virtualDirectory")

// siteMissing reports whether every <virtualDirectory> start tag in the
// source of a site (body) has a physical path known missing
// (knownMissingRaw): then siteRaw has nothing to read there, and need not
// walk the site's elements. Any tag it cannot read, anywhere in the body
// (deeper down, in a comment), answers false: siteRaw then walks the site.
func (v *validator) siteMissing(body []byte) bool {
	if len(v.rawMissing) == 0 {
		return false
	}
	for {
		i := bytes.Index(body, vdirName)
		if i < 0 {
			return true
		}
		tag := i > 0 && body[i-1] == '<'
		body = body[i+len(vdirName):]
		if !tag {
			continue // in text or a value
		}
		if len(body) == 0 {
			return false
		}
		if c := body[0]; c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '/' && c != '>' {
			continue // a longer name (virtualDirectoryDefaults)
		}
		p, ok := tagAttr(body, "physicalPath")
		if !ok || !v.knownMissingRaw(p) {
			return false
		}
	}
}

// attrRaw is the value as written (between its quotes) of r's attribute
// name, and whether r has it.
func attrRaw(r xmldoc.Raw, name string) (raw []byte, ok bool) {
	r.EachAttrRaw(func(n string, v []byte) bool {
		if n == name {
			raw, ok = v, true
		}
		return !ok
	})
	return raw, ok
}

// tagAttr is the value as written of the named attribute of the start
// tag whose attributes tag begins with; false when it has none or the
// tag cannot be read.
func tagAttr(tag []byte, name string) ([]byte, bool) {
	p := 0
	for {
		for p < len(tag) && tagClass[tag[p]] == tagSpace {
			p++
		}
		if p >= len(tag) || tagClass[tag[p]] != tagName {
			return nil, false // '>', "/>", or what a tag cannot hold
		}
		n := p
		for n < len(tag) && tagClass[tag[n]] == tagName {
			n++
		}
		attr := tag[p:n]
		for n < len(tag) && tagClass[tag[n]] == tagSpace {
			n++
		}
		if n >= len(tag) || tag[n] != '=' {
			return nil, false
		}
		for n++; n < len(tag) && tagClass[tag[n]] == tagSpace; n++ {
		}
		if n >= len(tag) || tag[n] != '"' && tag[n] != '\'' {
			return nil, false
		}
		end := bytes.IndexByte(tag[n+1:], tag[n])
		if end < 0 {
			return nil, false
		}
		if string(attr) == name {
			return tag[n+1 : n+1+end], true
		}
		p = n + end + 2
	}
}

// Classes of the bytes of a start tag (tagClass).
const (
	tagName  = iota // may be part of an attribute's name
	tagSpace        // white space
	tagStop         // ends a name: '=', '>', '/', a quote, '<'
)

var tagClass = [256]uint8{' ': tagSpace, '\t': tagSpace, '\r': tagSpace, '\n': tagSpace,
	'=': tagStop, '>': tagStop, '/': tagStop, '"': tagStop, '\'': tagStop, '<': tagStop}
