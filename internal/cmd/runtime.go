package cmd

import "strings"

// There is no IIS runtime here: no WAS or W3SVC service, no worker
// processes, no executing requests. The runtime side of appcmd.exe is
// answered the way appcmd.exe answers when those services are not running
// (appcmd.md §2): the state property of sites and pools is "Unknown"
// (runtimeState, the one place that says so), and operations that need
// the services fail with HRESULT 0x800710D8, exit 4312, after the object
// itself has been found. docs/objects.md describes this.

// runtimeState is the state property of SITE and APPPOOL objects.
const runtimeState = "Unknown"

// errNoRuntime is appcmd.exe's error for a runtime operation when the
// service cannot be reached (AZ-EXT-187).
var errNoRuntime = &appcmdError{hresultFrame(0x800710d8, "The object identifier does not represent a valid object."), exitElemNotFound}

// runtimeVerb checks the object as appcmd.exe does (identifier required,
// object must exist), then reports that the runtime is not available.
func runtimeVerb(k *objKind) func(*invocation) error {
	return func(c *invocation) error {
		s, err := c.openStore(false)
		if err != nil {
			return err
		}
		defer s.Close()
		m := newModel(s)
		objs, err := c.targets(m, k)
		if err != nil {
			return err
		}
		for _, p := range c.Params {
			// /wait and /timeout are accepted (JX-HELP); nothing else.
			if n := p.Path.String(); !p.Escaped && (strings.EqualFold(n, "wait") || strings.EqualFold(n, "timeout")) {
				continue
			}
			return unexpectedParam(p.Raw)
		}
		if len(objs) == 0 {
			return nil
		}
		return errNoRuntime
	}
}

// listRuntime answers list wp and list request: worker processes and
// requests exist only in a running IIS.
func listRuntime(c *invocation) error { return errNoRuntime }
