package cmd

import (
	"runtime/debug"
	"testing"
)

func TestVersionText(t *testing.T) {
	tests := []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "false"}}},
			true, "appcmd v1.2.3 (revision 0123abcd, 2026-01-02T03:04:05Z) go1.26.0"},
		{&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"}}},
			true, "appcmd (devel) (revision 0123abcd, modified) go1.26.0"},
		{&debug.BuildInfo{GoVersion: "go1.26.0"}, true, "appcmd (devel) (no VCS revision) go1.26.0"},
		{nil, false, "appcmd (no build information: build with the Go toolchain in module mode)"},
	}
	for _, tt := range tests {
		if got := versionText(tt.bi, tt.ok); got != tt.want {
			t.Errorf("versionText = %q, want %q", got, tt.want)
		}
	}
}
