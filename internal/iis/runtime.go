package iis

import "strings"

// The runtime side of the object model: the state of sites and pools,
// worker processes and requests. They come from a running "appcmd serve"
// (cmd/runtime.go asks it); without one, state is RuntimeState.

// States a running server reports.
const (
	StateStarted = "Started"
	StateStopped = "Stopped"
)

var (
	// WPKind is a worker process: the serving process, once per pool.
	WPKind = &Kind{Name: "WP", Alias: "wp.name", Attrs: []string{"WP.NAME", "APPPOOL.NAME"}}
	// RequestKind is a request in flight (an open WebSocket connection
	// or a request being answered).
	RequestKind = &Kind{Name: "REQUEST", Alias: "request.name",
		Attrs: []string{"REQUEST.NAME", "SITE.ID", "WP.NAME", "APPPOOL.NAME", "url", "verb", "time", "client"}}
)

// RuntimeObject returns a WP or REQUEST: an identifier and properties,
// no configuration element. props are keyed by property name; filters
// also find the extra keys (site.name for a REQUEST).
func RuntimeObject(k *Kind, name string, props map[string]string) *Object {
	o := &Object{Kind: k, Name: name, props: map[string]string{}}
	for n, v := range props {
		o.props[strings.ToLower(n)] = v
	}
	return o
}

// StateFunc returns the runtime state of a SITE or APPPOOL by name.
type StateFunc func(k *Kind, name string) string

// SetRuntime makes the model report states from a running server.
func (m *Model) SetRuntime(f StateFunc) { m.runtime = f }

// state is the state property of a site or pool.
func (m *Model) state(k *Kind, name string) string {
	if m.runtime == nil {
		return RuntimeState
	}
	return m.runtime(k, name)
}

// AlreadyError is a start of an object that runs, or a stop or recycle of
// one that does not (Running says which).
type AlreadyError struct {
	Object, ID string
	Running    bool
}

func (e *AlreadyError) Error() string {
	if e.Running {
		return e.Object + " " + e.ID + " is already started"
	}
	return e.Object + " " + e.ID + " is not started"
}
