//go:build !unix

package wsserver

import (
	"os"
	"os/user"
	"strings"
)

// checkOwner: the directory is under the user's own temporary directory.
func checkOwner(string, os.FileInfo) error { return nil }

func userTag() string {
	if u, err := user.Current(); err == nil {
		return strings.NewReplacer(`\`, "-", "/", "-", ":", "-").Replace(u.Username)
	}
	return "user"
}
