package cmd

import (
	"testing"

	"github.com/appcmd-project/appcmd/internal/iis"
	"github.com/appcmd-project/appcmd/internal/wsserver"
)

func TestRuntimeStateOf(t *testing.T) {
	st := &wsserver.Status{
		Sites: map[string]string{"Default Web Site": "Started", "Off": "Stopped"},
		Pools: map[string]string{"DefaultAppPool": "Started", "idle": "Started"},
	}
	for _, tc := range []struct {
		kind       *iis.Kind
		name, want string
	}{
		{iis.SiteKind, "Default Web Site", "Started"},
		{iis.SiteKind, "default web site", "Started"}, // IIS names ignore case
		{iis.SiteKind, "Off", "Stopped"},
		{iis.SiteKind, "New", "Stopped"}, // not loaded by the server yet: not served
		{iis.PoolKind, "DefaultAppPool", "Started"},
		{iis.PoolKind, "Idle", "Started"}, // started by name, keyed lower case
		{iis.PoolKind, "Default Web Site", "Stopped"},
	} {
		if got := stateOf(st, tc.kind, tc.name); got != tc.want {
			t.Errorf("stateOf(%s %q) = %s, want %s", tc.kind.Name, tc.name, got, tc.want)
		}
	}
}

func TestServeHasWildcard(t *testing.T) {
	sites := []wsserver.Site{
		{Name: "A", Bindings: []wsserver.Binding{{Protocol: "http", IP: "127.0.0.1", Port: 80}, {Protocol: "https", IP: "*", Port: 443}}},
		{Name: "B", Bindings: []wsserver.Binding{{Protocol: "http", IP: "*", Port: 81}}},
		{Name: "C", Bindings: []wsserver.Binding{{Protocol: "http", IP: "*", Port: -1}}}, // invalid: not served
	}
	for _, tc := range []struct {
		selected []string
		want     bool
	}{
		{nil, true},
		{[]string{"A"}, false},
		{[]string{"A", "C"}, false},
		{[]string{"B"}, true},
	} {
		if got := serveHasWildcard(sites, tc.selected); got != tc.want {
			t.Errorf("serveHasWildcard(%v) = %v, want %v", tc.selected, got, tc.want)
		}
	}
}
