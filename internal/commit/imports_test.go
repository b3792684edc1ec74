package commit

import (
	"strings"
	"testing"

	"github.com/appcmd-project/appcmd/internal/testenv"
)

// TestNoXMLImport keeps commit above the write layer: every edit of a
// document goes through configstore (docs/design.md, "The write layer").
func TestNoXMLImport(t *testing.T) {
	testenv.CheckImports(t, func(p string) string {
		if strings.HasSuffix(p, "/xmldoc") {
			return "edit documents through configstore's write layer"
		}
		return ""
	})
}
