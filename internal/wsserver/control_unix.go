//go:build unix

package wsserver

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// checkOwner refuses a directory another user owns: it could hand us a
// socket of theirs, or read ours.
func checkOwner(dir string, fi os.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("control endpoint: %s belongs to uid %d, not to you (uid %d); remove it or set APPCMD_RUNTIME_DIR", dir, st.Uid, os.Getuid())
	}
	return nil
}

func userTag() string { return strconv.Itoa(os.Getuid()) }
