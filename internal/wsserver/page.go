package wsserver

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

// pageHTML is the test page served for every plain GET (see page.html). It
// shows the effective settings of its own URL path, lets a person connect,
// send messages of a chosen size and see echoes, keepalive notices and close
// codes, and with ?autotest=1|echo|keepalive|limit runs a scenario by itself
// and writes "PASS ..." or "FAIL ..." into the element with id "result" (for
// headless browsers and --dump-dom).
//
//go:embed page.html
var pageHTML []byte

const settingsMarker = "/*SETTINGS*/null"

var pageHead, pageTail = func() ([]byte, []byte) {
	i := bytes.Index(pageHTML, []byte(settingsMarker))
	if i < 0 {
		panic("wsserver: page.html lacks " + settingsMarker)
	}
	return pageHTML[:i], pageHTML[i+len(settingsMarker):]
}()

// renderPage returns the page with info embedded as a JS object literal.
// encoding/json escapes <, > and & (and U+2028/9), so the JSON cannot end
// the script element.
func renderPage(info pageInfo) []byte {
	js, _ := json.Marshal(info)
	out := make([]byte, 0, len(pageHead)+len(js)+len(pageTail))
	out = append(out, pageHead...)
	out = append(out, js...)
	return append(out, pageTail...)
}
