package wsserver

import (
	"crypto/sha256"
	"io"
	"os"
	"time"
)

// fileWatch remembers a fingerprint (existence, size, mtime, content hash)
// of every file a snapshot read or probed, caddy's watchConfigFile idea
// extended to the whole set of files. Not safe for concurrent use: only the
// watcher goroutine (and reload, under the reload mutex) touch it.
type fileWatch struct {
	prints map[string]fingerprint
	// loadStart is when the current snapshot's loader was called. A file
	// that appears in Files() later (a web.config read lazily) and whose
	// mtime is not older than loadStart may have changed after the snapshot
	// read it, so it counts as a change (at worst one extra reload).
	loadStart time.Time
}

type fingerprint struct {
	exists bool
	dir    bool
	size   int64
	mtime  time.Time
	sum    [sha256.Size]byte
}

// maxHashed bounds the files whose content is hashed; larger ones are
// compared by size and mtime only.
const maxHashed = 16 << 20

func takeFingerprint(path string) fingerprint {
	fi, err := os.Stat(path)
	if err != nil {
		return fingerprint{}
	}
	fp := fingerprint{exists: true, dir: fi.IsDir(), size: fi.Size(), mtime: fi.ModTime()}
	if fi.Mode().IsRegular() && fi.Size() <= maxHashed {
		if f, err := os.Open(path); err == nil {
			h := sha256.New()
			io.Copy(h, f)
			f.Close()
			h.Sum(fp.sum[:0])
		}
	}
	return fp
}

func (fp fingerprint) same(o fingerprint) bool {
	if fp.exists != o.exists {
		return false
	}
	if !fp.exists {
		return true
	}
	if fp.dir || o.dir {
		return fp.dir == o.dir && fp.mtime.Equal(o.mtime)
	}
	return fp.size == o.size && fp.sum == o.sum
}

// reset starts over for a new snapshot, right after its loader returned.
// Fingerprints of files that were already watched are kept: they were taken
// before the loader ran, so an edit racing with the load shows up at the
// next poll. Files new to the list are fingerprinted now.
func (w *fileWatch) reset(files []string, loadStart time.Time) {
	w.loadStart = loadStart
	old := w.prints
	w.prints = make(map[string]fingerprint, len(files))
	for _, f := range files {
		if fp, ok := old[f]; ok {
			w.prints[f] = fp
		} else {
			w.prints[f] = takeFingerprint(f)
		}
	}
}

// mtimeSlack allows for coarse file timestamps (the kernel stamps files
// with a clock that can lag the real one by a tick).
const mtimeSlack = 50 * time.Millisecond

// changed fingerprints files and returns those that differ from what was
// recorded (recording the new state).
func (w *fileWatch) changed(files []string) []string {
	if w.prints == nil {
		w.prints = map[string]fingerprint{}
	}
	var out []string
	for _, f := range files {
		fp := takeFingerprint(f)
		old, known := w.prints[f]
		w.prints[f] = fp
		switch {
		case known && !fp.same(old):
			out = append(out, f)
		case !known && fp.exists && !fp.mtime.Before(w.loadStart.Add(-mtimeSlack)):
			out = append(out, f)
		}
	}
	return out
}
