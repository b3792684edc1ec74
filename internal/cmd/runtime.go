package cmd

import (
	"strings"

	"github.com/appcmd-project/appcmd/internal/iis"
)

// There is no IIS runtime here: no WAS or W3SVC service, no worker
// processes, no executing requests. The runtime side of appcmd.exe is
// answered the way appcmd.exe answers when those services are not running
// (appcmd.md §2): the state property of sites and pools is "Unknown"
// (iis.RuntimeState), and operations that need the services fail with
// iis.RuntimeError (HRESULT 0x800710D8, exit 4312), after the object
// itself has been found. docs/objects.md describes this.

// runtimeVerb checks the object as appcmd.exe does (identifier required,
// object must exist), then reports that the runtime is not available.
func runtimeVerb(k *objKind) func(*invocation) error {
	return func(c *invocation) error {
		s, err := c.openStore(false)
		if err != nil {
			return err
		}
		defer s.Close()
		objs, err := c.targets(iis.New(s), k)
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
		return &iis.RuntimeError{}
	}
}

// listRuntime answers list wp and list request: worker processes and
// requests exist only in a running IIS.
func listRuntime(c *invocation) error { return &iis.RuntimeError{} }
