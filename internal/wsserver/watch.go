package wsserver

import (
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"syscall"
	"time"
)

// fileWatch notices changes to the files a snapshot read or probed,
// caddy's watchConfigFile idea extended to the whole set of files. Not safe
// for concurrent use: only the watcher goroutine (and reload, under the
// reload mutex) touch it.
//
// A file that exists is watched itself: a fingerprint of existence, size
// and content hash. A probed path that does not exist (most web.config
// paths: one per URL level a client asked for) is not polled itself: the
// nearest folder above it that exists is, by its modification time. Before
// the file can appear, that folder must get a new entry (the file, or the
// first missing folder on the way to it), which changes its time. So
// 60,000 unique URL paths under one site cost one folder to poll, not
// 60,000 files; the work per poll is bounded by the folders that exist.
type fileWatch struct {
	// targets maps each file of the snapshot to what is polled for it:
	// the file itself, or the nearest existing folder above it.
	targets map[string]string
	prints  map[string]fingerprint // by target
	// files is the list targets was built for: while the snapshot's list
	// stays the same (an idle server), a poll only stats the targets.
	files []string
	// loadStart is when the current snapshot's loader was called, lastPoll
	// when the previous poll began. A target first seen in a poll (a
	// web.config read lazily) was read after both, so if its mtime is not
	// older than the later of the two it may have changed after the
	// snapshot read it: that counts as a change (at worst one extra
	// reload).
	loadStart, lastPoll time.Time
}

type fingerprint struct {
	exists bool
	dir    bool
	size   int64
	mtime  time.Time
	sum    [sha256.Size]byte
	// A folder's entry names, hashed while its mtime is recent: file
	// system timestamps are coarse (a kernel tick), so two entries created
	// within one tick, one before and one after a poll, leave the same
	// mtime.
	names    [sha256.Size]byte
	hasNames bool
	recent   bool // mtime was within dirRecent when taken
}

// maxHashed bounds the files whose content is hashed; larger ones are
// compared by size and mtime only.
const maxHashed = 16 << 20

// dirRecent is how long after a folder's mtime its entry names are
// compared too (see fingerprint.names).
const dirRecent = 2 * time.Second

// transient reports errors that say nothing about the file: the process
// or the system is out of descriptors or memory. A fingerprint that meets
// one is unknown, not changed (issue 13: a false "reload failed" while
// slowloris clients held every descriptor).
func transient(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOMEM) || errors.Is(err, syscall.EINTR)
}

// takeFingerprint fingerprints path; prev is the previous fingerprint of
// the same target, if any. ok is false when it cannot be told now
// (transient errors): the caller keeps what it had.
func takeFingerprint(path string, prev *fingerprint) (fp fingerprint, ok bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fingerprint{}, !transient(err)
	}
	fp = fingerprint{exists: true, dir: fi.IsDir(), size: fi.Size(), mtime: fi.ModTime()}
	if fp.dir {
		fp.size = 0
		fp.recent = time.Since(fp.mtime) < dirRecent
		if fp.recent || prev != nil && prev.recent {
			f, err := os.Open(path)
			if err != nil {
				return fingerprint{}, !transient(err)
			}
			names, err := f.Readdirnames(-1)
			f.Close()
			if err != nil && transient(err) {
				return fingerprint{}, false
			}
			sort.Strings(names)
			h := sha256.New()
			for _, n := range names {
				io.WriteString(h, n)
				h.Write([]byte{0})
			}
			h.Sum(fp.names[:0])
			fp.hasNames = true
		}
		return fp, true
	}
	if fi.Mode().IsRegular() && fi.Size() <= maxHashed {
		f, err := os.Open(path)
		if err != nil {
			if transient(err) {
				return fingerprint{}, false
			}
			return fp, true // unreadable: compared by size (and existence)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil && transient(err) {
			return fingerprint{}, false
		}
		h.Sum(fp.sum[:0])
	}
	return fp, true
}

func (fp fingerprint) same(o fingerprint) bool {
	if fp.exists != o.exists {
		return false
	}
	if !fp.exists {
		return true
	}
	if fp.dir || o.dir {
		return fp.dir == o.dir && fp.mtime.Equal(o.mtime) && (!fp.hasNames || !o.hasNames || fp.names == o.names)
	}
	return fp.size == o.size && fp.sum == o.sum
}

// resolveTarget returns what to poll for file: the file itself when it
// exists (or cannot be told, or is a dangling symbolic link, whose
// target's creation no folder of the path would show), else the nearest
// folder above it that exists.
func resolveTarget(file string) string {
	_, err := os.Stat(file)
	if err == nil || !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return file
	}
	if _, err := os.Lstat(file); err == nil {
		return file // a dangling link
	}
	for d := filepath.Dir(file); ; d = filepath.Dir(d) {
		_, err := os.Stat(d)
		if err == nil {
			return d // a folder, or a file in the way (its replacement shows)
		}
		if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return file
		}
		if _, err := os.Lstat(d); err == nil {
			return file // a dangling link on the way
		}
		if filepath.Dir(d) == d {
			return d
		}
	}
}

// reset starts over for a new snapshot, right after its loader returned.
// Fingerprints of targets that were already watched are kept: they were
// taken before the loader ran, so an edit racing with the load shows up at
// the next poll. Targets new to the list are fingerprinted now.
func (w *fileWatch) reset(files []string, loadStart time.Time) {
	w.loadStart, w.lastPoll, w.files = loadStart, time.Time{}, nil
	oldPrints, oldTargets := w.prints, w.targets
	w.prints = make(map[string]fingerprint, len(files))
	w.targets = make(map[string]string, len(files))
	for _, f := range files {
		t, known := oldTargets[f]
		if !known {
			t = resolveTarget(f)
		}
		if _, done := w.prints[t]; done {
			w.targets[f] = t
			continue
		}
		if fp, ok := oldPrints[t]; ok {
			w.prints[t], w.targets[f] = fp, t
			continue
		}
		if fp, ok := takeFingerprint(t, nil); ok {
			w.prints[t], w.targets[f] = fp, t
		}
		// else: seen as new at the next poll
	}
}

// mtimeSlack allows for coarse file timestamps (the kernel stamps files
// with a clock that can lag the real one by a tick).
const mtimeSlack = 50 * time.Millisecond

// changed polls the targets of files and returns those that differ from
// what was recorded (recording the new state), files before folders.
// Targets no file
// needs any more are forgotten.
func (w *fileWatch) changed(files []string) []string {
	if w.prints == nil {
		w.prints = map[string]fingerprint{}
	}
	pollStart := time.Now()
	since := w.loadStart
	if w.lastPoll.After(since) {
		since = w.lastPoll
	}
	since = since.Add(-mtimeSlack)
	if slices.Equal(files, w.files) {
		return w.pollTargets(pollStart, w.targets, nil, nil)
	}
	targets := make(map[string]string, len(files))
	fresh := map[string]bool{} // fingerprinted in this poll already
	var out []string
	complete := true // every file has a target
	for _, f := range files {
		t, known := w.targets[f]
		if !known {
			t = resolveTarget(f)
		}
		if _, watched := w.prints[t]; !watched {
			fp, ok := takeFingerprint(t, nil)
			if !ok {
				complete = false
				continue // unknown for now: new again at the next poll
			}
			w.prints[t] = fp
			fresh[t] = true
			if fp.exists && !fp.mtime.Before(since) {
				out = append(out, t)
			}
		}
		targets[f] = t
	}
	inUse := make(map[string]bool, len(targets))
	for _, t := range targets {
		inUse[t] = true
	}
	w.files = nil
	if complete {
		w.files = slices.Clone(files)
	}
	return w.pollTargets(pollStart, targets, inUse, fresh, out...)
}

// pollTargets fingerprints every target again (those in fresh were just
// taken) and records targets as the new map. inUse nil means every target
// still is.
func (w *fileWatch) pollTargets(pollStart time.Time, targets map[string]string, inUse, fresh map[string]bool, out ...string) []string {
	var moved []string // targets whose change may change what to poll
	for t, old := range w.prints {
		if inUse != nil && !inUse[t] {
			delete(w.prints, t)
			continue
		}
		if fresh[t] {
			continue
		}
		fp, ok := takeFingerprint(t, &old)
		if !ok {
			continue // unknown: keep the old fingerprint, look again next poll
		}
		w.prints[t] = fp
		if !fp.same(old) {
			out = append(out, t)
			moved = append(moved, t)
		}
	}
	if len(moved) > 0 {
		// A file may have appeared below a changed folder, or a watched
		// file may be gone: resolve again what maps to them. The change is
		// reported already; the new targets are only recorded.
		isMoved := map[string]bool{}
		for _, t := range moved {
			isMoved[t] = true
		}
		appeared := map[string][]string{} // by the folder that showed it
		w.files = nil                     // targets change: rebuild at the next poll
		for f, t := range targets {
			if !isMoved[t] {
				continue
			}
			nt := resolveTarget(f)
			if nt == f && t != f {
				appeared[t] = append(appeared[t], f)
			}
			if _, watched := w.prints[nt]; !watched {
				fp, ok := takeFingerprint(nt, nil)
				if !ok {
					delete(targets, f)
					continue
				}
				w.prints[nt] = fp
			}
			targets[f] = nt
		}
		// Name the files that appeared rather than their folder.
		var named []string
		for _, t := range out {
			if fs := appeared[t]; len(fs) > 0 {
				named = append(named, fs...)
			} else {
				named = append(named, t)
			}
		}
		out = named
	}
	w.targets = targets
	w.lastPoll = pollStart
	// Files first (what a user edits), then folders; each sorted.
	sort.Slice(out, func(i, j int) bool {
		di, dj := w.prints[out[i]].dir, w.prints[out[j]].dir
		if di != dj {
			return dj
		}
		return out[i] < out[j]
	})
	return out
}

// watched returns how many targets are polled (tests, figures).
func (w *fileWatch) watched() int { return len(w.prints) }
