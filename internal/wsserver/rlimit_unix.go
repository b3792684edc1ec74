//go:build unix

package wsserver

import "syscall"

// descriptorLimit returns the soft RLIMIT_NOFILE, 0 if unknown.
func descriptorLimit() uint64 {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) != nil {
		return 0
	}
	return rl.Cur
}
