package configstore

import (
	"os"
	"syscall"
)

// evicter returns a function that drops whole pages of a range of a
// read-only file mapping from this process's memory (MADV_DONTNEED). The
// data stays in the page cache and comes back on the next access, so this
// only bounds how much of a huge file is resident during the passes that
// read it all.
func evicter(b []byte) func(from, to int) {
	page := os.Getpagesize()
	return func(from, to int) {
		from = (from + page - 1) / page * page
		to = to / page * page
		if from < to {
			syscall.Madvise(b[from:to], syscall.MADV_DONTNEED)
		}
	}
}
