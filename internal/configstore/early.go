package configstore

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// Validate's quick check of applicationHost.config's long lists (50,000
// sites, 50,000 application pools) starts while the file is still being
// read: xmldoc tells of each long list once it has read the list to its
// end (Options.Closed), and the list is checked on another goroutine
// while the reading goes on through the rest of the file (the <location>
// tags). That reading has one core to itself, and the other one has
// little to do but check characters; the list's check is then done, or
// nearly, when Validate asks for it (instance).
//
// The check is what quickInstance does at the server level, for the
// section the element's names give in the schema, over the schema
// defaults: Validate takes its answer only where it would have asked
// quickInstance that same question (earlyChecks.answer).

// earlyChecks are the checks started while applicationHost.config was
// read, by the offset of their list.
type earlyChecks struct {
	schema *section.Schema
	stop   atomic.Bool // the store is closing: stop checking
	mu     sync.Mutex
	lists  map[int]*earlyList
}

// earlyList is the check of one list: its schema and check, set on the
// check's goroutine before ready is closed (check nil: the list is not
// one the early check takes).
type earlyList struct {
	ready chan struct{}
	sch   *section.Section
	check *listCheck
}

// closed is xmldoc's Options.Closed for applicationHost.config: a long
// list at the server level (not inside a <location>) is checked on a
// goroutine of its own when the schema makes it a section holding a
// collection, as quickInstance would over the schema defaults
// (validator.inherited with nothing above), with a validator and store
// of its own. All but noting the list happens on that goroutine: this
// one reads the file on.
func (e *earlyChecks) closed(path []string, list xmldoc.Raw) {
	if len(path) < 3 || path[0] != "configuration" {
		return
	}
	for _, n := range path {
		if n == "location" || n == "configSections" {
			return
		}
	}
	n := list.IndexedChildren()
	if n < splitEntries {
		return
	}
	name := strings.Join(path[1:], "/")
	l := &earlyList{ready: make(chan struct{})}
	e.mu.Lock()
	e.lists[list.Offset()] = l
	e.mu.Unlock()
	go func() {
		lc := e.listCheck(name, list, n, l)
		close(l.ready)
		if lc != nil {
			defer lc.wg.Done()
			lc.work(list)
		}
	}()
}

// listCheck sets l up for the list of section name: its schema and its
// check (nil when the section is not a collection), with the list's own
// attributes checked and the calling goroutine counted as one of the
// check's (listCheck.result waits for it).
func (e *earlyChecks) listCheck(name string, list xmldoc.Raw, n int, l *earlyList) *listCheck {
	sch := e.schema.Section(name)
	if sch == nil || sch.Root.Collection == nil {
		return nil
	}
	w := &validator{s: &Store{schema: e.schema, defaults: defaultsCache{}}}
	up := w.inherited(sch, nil)
	lc := newListCheck(sch.Root, up.root, w.knownKeys, n)
	lc.stop = &e.stop
	q := quickPool.Get().(*quickScratch)
	if !q.attributes(sch.Root, list) {
		lc.failed.Store(true)
	}
	q.release()
	lc.wg.Add(1)
	l.sch, l.check = sch, lc
	return lc
}

// answer returns the early check's answer for instance in of schema sch,
// merged over above (the instances that apply before it): known only
// where Validate would have asked quickInstance the same question: the
// list read is in's own element, at the server level of
// applicationHost.config, for the same schema, with nothing above it.
// The calling goroutine takes its share of what is left to check.
func (e *earlyChecks) answer(in *SectionInstance, sch *section.Section, above int) (ok, known bool) {
	if e == nil || above > 0 || in.Location != nil || in.Source != nil || !in.File.AppHost {
		return false, false
	}
	r, raw := in.Element.Raw()
	if !raw {
		return false, false
	}
	e.mu.Lock()
	l := e.lists[r.Offset()]
	e.mu.Unlock()
	if l == nil {
		return false, false
	}
	if <-l.ready; l.check == nil || l.sch != sch {
		return false, false
	}
	l.check.work(r)
	return l.check.result(), true
}

// warm parses the schema of every section on another goroutine while
// the file is read, where two cores can: the schema's sections are
// parsed when first used, validate uses most of them, and the file's
// check leaves the second core free for a while.
func (e *earlyChecks) warm() {
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	go func() {
		for _, n := range e.schema.Names() {
			if e.stop.Load() {
				return
			}
			e.schema.Section(n)
		}
	}()
}

// stopAndWait stops the checks and waits for them to end. (warm, which
// reads the schema and not the file, is told to stop but not waited for.)
func (e *earlyChecks) stopAndWait() {
	if e == nil {
		return
	}
	e.stop.Store(true)
	e.mu.Lock()
	lists := make([]*earlyList, 0, len(e.lists))
	for _, l := range e.lists {
		lists = append(lists, l)
	}
	e.mu.Unlock()
	for _, l := range lists {
		if <-l.ready; l.check != nil {
			l.check.result()
		}
	}
}
