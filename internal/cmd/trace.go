package cmd

import (
	"github.com/appcmd-project/appcmd/internal/iis"
)

// TRACE objects: failed-request tracing logs read from each site's
// traceFailedRequestsLogging directory (iis/trace.go; docs/objects.md).

// traceKind prints TRACE "site/fr000001.xml" (url:...,statuscode:...,wp:...),
// the line of the IIS failed-request tracing article.
var traceKind = &objKind{Kind: iis.TraceKind,
	summary: func(o *iis.Object) string {
		return "url:" + o.Prop("url") + ",statuscode:" + o.Prop("statuscode") + ",wp:" + o.Prop("WP.NAME")
	}}

func listTraces(c *invocation) error {
	s, err := c.openStore(false)
	if err != nil {
		return err
	}
	defer s.Close()
	all, err := iis.AsObjects(iis.New(s).Traces())
	if err != nil {
		return err
	}
	return c.listAll(traceKind, all, asIs)
}
