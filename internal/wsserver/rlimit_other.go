//go:build !unix

package wsserver

// descriptorLimit: no RLIMIT_NOFILE here; Windows handles are limited by
// memory, so the default of 4,096 stands in.
func descriptorLimit() uint64 { return 4096 }
