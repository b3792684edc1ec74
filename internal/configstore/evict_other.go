//go:build unix && !linux

package configstore

// evicter returns nil where madvise is not available through syscall: the
// whole mapped file may then stay resident during a full pass.
func evicter(b []byte) func(from, to int) { return nil }
