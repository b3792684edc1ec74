package iis

import (
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/appcmd-project/appcmd/internal/commit"
)

// TRACE objects are the failed-request tracing logs IIS writes: one
// fr*.xml file per failed request, in the W3SVC<site id> folder below each
// site's traceFailedRequestsLogging directory. They are read from disk,
// never from the configuration; list is their only verb.

// TraceKind is the TRACE object. Its identifier is "<site>/frNNNNNN.xml".
var TraceKind = &Kind{Name: "TRACE", Alias: "trace.name",
	Attrs: []string{"TRACE.NAME", "PATH", "url", "statuscode", "SITE.ID", "SITE.NAME", "WP.NAME", "APPPOOL.NAME", "verb"}}

// DefaultTraceDirectory is the schema default of
// traceFailedRequestsLogging/@directory.
const DefaultTraceDirectory = `%SystemDrive%\inetpub\logs\FailedReqLogFiles`

// maxTraceHead bounds how much of a log is read to find its root element
// (the <failedRequest> start tag comes first; the events after it can be
// megabytes).
const maxTraceHead = 64 << 10

// Trace is one failed-request log.
type Trace struct {
	Object
	Path string // the local file
}

// Traces returns the logs of every site (sites in file order, logs by
// file name). Files that are not failed-request logs (no <failedRequest>
// root in their first 64 KiB, a half-written file) are skipped.
func (m *Model) Traces() ([]*Trace, error) {
	sites, err := m.Sites()
	if err != nil {
		return nil, err
	}
	var out []*Trace
	for _, s := range sites {
		dir := DefaultTraceDirectory
		if v, a, err := s.Value(tracePath); err == nil && a != nil && v != "" {
			dir = v
		}
		folder := filepath.Join(m.store.ExpandPath(dir), "W3SVC"+s.ID)
		entries, err := os.ReadDir(folder)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range entries {
			n := strings.ToLower(e.Name())
			if e.Type().IsRegular() && strings.HasPrefix(n, "fr") && strings.HasSuffix(n, ".xml") {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			p := filepath.Join(folder, n)
			attrs, ok := readTraceHead(p)
			if !ok {
				continue
			}
			t := &Trace{Path: p, Object: Object{Kind: TraceKind, Name: s.Name + "/" + n, Site: s.Name}}
			t.props = map[string]string{}
			for k, v := range attrs {
				t.props[strings.ToLower(k)] = v
			}
			for k, v := range map[string]string{"trace.name": t.Name, "path": p, "url": attrs["url"],
				"statuscode": attrs["statusCode"], "site.id": s.ID, "site.name": s.Name,
				"wp.name": attrs["processId"], "apppool.name": attrs["appPoolId"], "verb": attrs["verb"]} {
				t.props[k] = v
			}
			out = append(out, t)
		}
	}
	return out, nil
}

var tracePath = commit.Path{{Name: "traceFailedRequestsLogging"}, {Name: "directory"}}

// readTraceHead returns the attributes of the <failedRequest> root element.
func readTraceHead(path string) (map[string]string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	d := xml.NewDecoder(io.LimitReader(f, maxTraceHead))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, false
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "failedRequest" {
				return nil, false
			}
			out := map[string]string{}
			for _, a := range se.Attr {
				if a.Name.Space == "" {
					out[a.Name.Local] = a.Value
				}
			}
			return out, true
		}
	}
}
