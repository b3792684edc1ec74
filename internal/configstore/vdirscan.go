package configstore

import (
	"bytes"
	"path/filepath"

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
	root, below := v.vdirRoot(r.Value(raw))
	if below && plainValue(raw) {
		v.noteMissingRaw(raw)
	}
	return root
}

// plainValue reports whether an attribute value as written is its value
// (no reference, no white space the reader turns into a space), on a
// system where '/' separates folders (expand's condition).
func plainValue(raw []byte) bool {
	if filepath.Separator != '/' {
		return false
	}
	for _, c := range raw {
		if c == '&' || c == '\t' || c == '\r' || c == '\n' {
			return false
		}
	}
	return true
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
		if isSep(p[i]) && v.rawMissing[string(p[:i])] && plainRest(p[i:]) {
			v.lastMissing = string(p[:i])
			return true
		}
	}
	return false
}

// plainRest reports whether rest, a path as written from a separator on,
// holds plain names only (no '%', not "..") and is its value
// (plainValue): the
// folder part before it stands for the whole path in the memo.
func plainRest(rest []byte) bool {
	start := 1
	for i := 1; i <= len(rest); i++ {
		if i == len(rest) || isSep(rest[i]) {
			if i-start == 2 && rest[start] == '.' && rest[start+1] == '.' {
				return false
			}
			start = i + 1
			continue
		}
		switch rest[i] {
		case '%', '&', '\t', '\r', '\n':
			return false
		}
	}
	return true
}

// noteMissingRaw notes the shortest folder part of p, as written, whose
// expansion is absolute and known missing (v.missing), once vdirRoot has
// found a folder above p's missing. The first virtual directory below a
// missing folder pays for the expansions; the others find it in the memo.
func (v *validator) noteMissingRaw(p []byte) {
	for i := 1; i < len(p); i++ {
		if !isSep(p[i]) || !plainRest(p[i:]) {
			continue
		}
		d := v.expand(string(p[:i]))
		if filepath.IsAbs(d) && (v.missing[d] || v.missingAbove(d)) {
			if v.rawMissing == nil {
				v.rawMissing = map[string]bool{}
			}
			v.rawMissing[string(p[:i])] = true
			return
		}
	}
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

// tagAttr is the value as written of the named attribute of the start
// tag whose attributes tag begins with; false when it has none or the
// tag cannot be read.
func tagAttr(tag []byte, name string) ([]byte, bool) {
	p := 0
	space := func() {
		for p < len(tag) && (tag[p] == ' ' || tag[p] == '\t' || tag[p] == '\r' || tag[p] == '\n') {
			p++
		}
	}
	for {
		space()
		if p >= len(tag) || tag[p] == '>' || tag[p] == '/' {
			return nil, false
		}
		n := p
		for n < len(tag) && tag[n] != '=' && tag[n] != ' ' && tag[n] != '\t' && tag[n] != '\r' && tag[n] != '\n' && tag[n] != '>' && tag[n] != '/' {
			n++
		}
		attr := tag[p:n]
		p = n
		space()
		if p >= len(tag) || tag[p] != '=' {
			return nil, false
		}
		p++
		space()
		if p >= len(tag) || tag[p] != '"' && tag[p] != '\'' {
			return nil, false
		}
		end := bytes.IndexByte(tag[p+1:], tag[p])
		if end < 0 || len(attr) == 0 {
			return nil, false
		}
		if string(attr) == name {
			return tag[p+1 : p+1+end], true
		}
		p += end + 2
	}
}
