package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/wsserver"
)

// The runtime side of appcmd.exe (the state property, start and stop site,
// start, stop and recycle apppool, list wp, list request) is answered by
// the "appcmd serve" that serves the same applicationHost.config, through
// its control endpoint (wsserver/control.go). When none runs, appcmd
// answers as appcmd.exe does when IIS's services are not running
// (appcmd.md §2): state "Unknown" (iis.RuntimeState), and operations fail
// with iis.RuntimeError (HRESULT 0x800710D8, exit 4312) after the object
// itself has been found. docs/objects.md describes both.

// runtimeOp is a start, stop or recycle: the control operation and the
// success line.
type runtimeOp struct {
	op   string // "start-site", ...
	done string // `"%s" successfully started.`
}

var (
	opStartSite   = runtimeOp{"start-site", `"%s" successfully started.`}
	opStopSite    = runtimeOp{"stop-site", `"%s" successfully stopped`}
	opStartPool   = runtimeOp{"start-pool", `"%s" successfully started.`}
	opStopPool    = runtimeOp{"stop-pool", `"%s" successfully stopped`}
	opRecyclePool = runtimeOp{"recycle-pool", `"%s" successfully recycled`}
)

// controlDir is the directory of the control endpoints.
func (c *invocation) controlDir() string {
	return wsserver.ControlDir(func(k string) string { v, _ := c.getenv(k); return v })
}

// runtimeCall sends one request to the server of this configuration;
// (nil, nil) when none runs.
func (c *invocation) runtimeCall(req wsserver.ControlRequest) (*wsserver.Status, error) {
	path, err := c.appHostPath()
	if err != nil {
		return nil, err
	}
	st, err := wsserver.CallControl(c.controlDir(), path, req)
	if errors.Is(err, wsserver.ErrNoServer) {
		return nil, nil
	}
	return st, err
}

// runningStatus asks the running server for its status; with no server
// running it is appcmd.exe's error for unreachable IIS services.
func (c *invocation) runningStatus() (*wsserver.Status, error) {
	st, err := c.runtimeCall(wsserver.ControlRequest{Op: "status"})
	if err == nil && st == nil {
		err = &iis.RuntimeError{}
	}
	return st, err
}

// attachRuntime makes a model report SITE and APPPOOL states from the
// running server, if there is one.
func (c *invocation) attachRuntime(m *iis.Model, k *objKind) error {
	if k.Kind != iis.SiteKind && k.Kind != iis.PoolKind {
		return nil
	}
	st, err := c.runtimeCall(wsserver.ControlRequest{Op: "status"})
	if err != nil || st == nil {
		// A server that cannot be asked is no runtime to show: Unknown,
		// as appcmd.exe shows when it cannot reach IIS's services.
		return nil
	}
	m.SetRuntime(func(k *iis.Kind, name string) string { return stateOf(st, k, name) })
	return nil
}

// stateOf looks a site or pool up in a status: names compare ignoring
// case, as IIS's do; what the server does not know is Stopped.
func stateOf(st *wsserver.Status, k *iis.Kind, name string) string {
	m := st.Pools
	if k == iis.SiteKind {
		m = st.Sites
	}
	if v, ok := m[name]; ok {
		return v
	}
	for n, v := range m {
		if strings.EqualFold(n, name) {
			return v
		}
	}
	return iis.StateStopped
}

// runtimeVerb checks the object as appcmd.exe does (identifier required,
// object must exist), then asks the running server to carry the
// operation out; without one it reports that the runtime is not
// available.
func runtimeVerb(k *objKind, op runtimeOp) func(*invocation) error {
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
		// A running server must be there before anything is done.
		if _, err := c.runningStatus(); err != nil {
			return err
		}
		// The lines of the objects done are printed (-json: one result)
		// even when a later one fails.
		var msgs []string
		for _, o := range objs {
			if err := runtimeDo(k, op, o, c); err != nil {
				if len(msgs) > 0 {
					c.report(msgs...)
				}
				return err
			}
			msgs = append(msgs, fmt.Sprintf(op.done, o.Name))
		}
		return c.report(msgs...)
	}
}

// runtimeDo asks the server to carry out op on one object.
func runtimeDo(k *objKind, op runtimeOp, o *iis.Object, c *invocation) error {
	_, err := c.runtimeCall(wsserver.ControlRequest{Op: op.op, Name: o.Name})
	var ce *wsserver.ControlError
	switch {
	case errors.As(err, &ce) && ce.Kind == "already-started":
		return &iis.AlreadyError{Object: k.Name, ID: o.Name, Running: true}
	case errors.As(err, &ce) && ce.Kind == "not-started":
		return &iis.AlreadyError{Object: k.Name, ID: o.Name}
	case errors.As(err, &ce) && ce.Kind == "unknown":
		// The server has not loaded the object yet (it reloads within a
		// second of a change).
		return &iis.RuntimeError{}
	}
	return err
}

// Worker processes and requests as list objects.
var (
	wpKind = &objKind{Kind: iis.WPKind,
		summary: func(o *iis.Object) string { return "applicationPool:" + o.Prop("APPPOOL.NAME") }}
	requestKind = &objKind{Kind: iis.RequestKind,
		summary: func(o *iis.Object) string {
			return "url:" + o.Prop("url") + ",verb:" + o.Prop("verb") + ",time:" + o.Prop("time") + " msec,client:" + o.Prop("client")
		}}
)

// listWP prints the serving process once per pool that serves a started
// site: WP "<pid>" (applicationPool:<pool>).
func listWP(c *invocation) error {
	st, err := c.runningStatus()
	if err != nil {
		return err
	}
	pid := strconv.Itoa(st.PID)
	var objs []*iis.Object
	for _, p := range st.WorkerPools {
		objs = append(objs, iis.RuntimeObject(iis.WPKind, pid, map[string]string{"WP.NAME": pid, "APPPOOL.NAME": p}))
	}
	return c.listAll(wpKind, objs, asIs)
}

// listRequests prints the open WebSocket connections and the requests
// being answered: REQUEST "<id>" (url:...,verb:GET,time:<ms> msec,client:<addr>).
// /elapsed:<ms> keeps those running at least that long.
func listRequests(c *invocation) error {
	var minElapsed time.Duration
	v, elapsed := c.takeParam("elapsed")
	if elapsed {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return &usageError{Framed: true, Message: fmt.Sprintf("Invalid value %q for /elapsed: use a number of milliseconds, e.g. /elapsed:1000", v)}
		}
		minElapsed = time.Duration(n) * time.Millisecond
	}
	st, err := c.runningStatus()
	if err != nil {
		return err
	}
	pid := strconv.Itoa(st.PID)
	var objs []*iis.Object
	for _, r := range st.Requests {
		if r.Elapsed < minElapsed {
			continue
		}
		objs = append(objs, iis.RuntimeObject(iis.RequestKind, r.ID, map[string]string{
			"REQUEST.NAME": r.ID, "SITE.ID": strconv.FormatInt(r.SiteID, 10), "WP.NAME": pid,
			"APPPOOL.NAME": r.Pool, "url": r.URL, "verb": r.Verb,
			"time": strconv.FormatInt(r.Elapsed.Milliseconds(), 10), "client": r.Client,
			"site.name": r.Site, "app.name": iis.AppName(r.Site, r.App),
		}))
	}
	if err := c.listAll(requestKind, objs, asIs); err != nil {
		return err
	}
	if elapsed && len(objs) == 0 {
		return errNoObjects // a filter that matched nothing, as the others
	}
	return nil
}
