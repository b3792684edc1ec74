package iisconfig

import (
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// TestNoCLIImport keeps programs that use the API from linking the CLI
// (cobra, colour output) and the test server: the package sits on the
// engine (commit, configstore, iis, section), which imports neither.
func TestNoCLIImport(t *testing.T) {
	testenv.CheckImports(t, func(p string) string {
		if strings.HasSuffix(p, "/internal/cmd") || strings.HasSuffix(p, "/internal/wsserver") || strings.HasPrefix(p, "github.com/spf13/") {
			return "the API must not link the CLI or the test server"
		}
		return ""
	})
}
