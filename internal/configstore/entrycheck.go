package configstore

import (
	"hash/maphash"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/appcmd-project/appcmd/internal/configstore/xmldoc"
	"github.com/appcmd-project/appcmd/internal/section"
)

// A quick check of an entry that is dropped right after its merge
// (validate, EachEntry's first pass): the common entry (known attributes
// with valid values, known child elements, nested entries with distinct
// keys) is checked without building its effective tree, and only its
// placeholder is made. Anything else (an error, lock attributes, <remove>
// or <clear> inside, a child element given twice, attributes the schema
// does not define) is left to the merge itself (newItem), so errors keep
// the merge's exact text and place: the quick check must only ever say
// yes when the merge would succeed.

// setAttr is an attribute an element sets, normalized. A string (its
// own normal form, once its validator passes it) is kept as written
// (raw, lazy) and decoded only when its value is asked for (a key): most
// are names and paths that nothing else reads.
type setAttr struct {
	schema *section.Attribute
	value  string
	raw    []byte
	lazy   bool
}

// validText reports whether a string attribute's value as written
// (between its quotes) passes its validator. A value with nothing to
// decode is checked in place, as a view of the source: a site's names
// and paths (a million at 50,000 sites) are then never copied. The view
// is only read by the validator and dropped with its answer.
func validText(as *section.Attribute, raw []byte) bool {
	v := ""
	if plainValue(raw) {
		if len(raw) > 0 {
			v = unsafe.String(&raw[0], len(raw))
		}
	} else {
		v = xmldoc.DecodeValue(raw)
	}
	_, err := as.Normalize(v)
	return err == nil
}

// plainValue reports whether an attribute value as written is its own
// value: no reference to resolve, no white space to normalize.
func plainValue(raw []byte) bool {
	for _, c := range raw {
		if c == '&' || c == '\t' || c == '\r' || c == '\n' {
			return false
		}
	}
	return true
}

// text is the attribute's value.
func (s *setAttr) text() string {
	if s.lazy {
		return xmldoc.DecodeValue(s.raw)
	}
	return s.value
}

// quickEntry returns the placeholder of an entry of coll when the quick
// check passes, or nil when the merge must decide.
func (m *merger) quickEntry(coll *section.Collection, c *xmldoc.Element) *EffElement {
	sch := coll.ItemFor(c.Name())
	r, raw := c.Raw()
	if sch == nil || coll.AllowUnrecognizedAttributes || !raw {
		return nil
	}
	q := quickPool.Get().(*quickScratch)
	defer q.release()
	attrs, ok := q.element(sch, r, nil, nil)
	if !ok || !hasRequired(sch, attrs) {
		return nil
	}
	p := &EffElement{Name: c.Name(), Schema: sch, item: true, placeholder: true, file: m.file, SrcFile: m.file, SrcLevel: m.level}
	ki := q.keyedFor(coll, sch)
	vals := make([]EffAttr, 0, len(ki.keys))
	for i, as := range ki.as {
		// As item.Attr(k.Name) finds it among the item's schema attributes.
		if as == nil {
			continue
		}
		a := EffAttr{Name: as.Name, Value: ki.defs[i], Schema: as}
		if v, ok := valueOf(attrs, as); ok {
			a.Value, a.Set = v, true
		}
		vals = append(vals, a)
	}
	p.Attrs = attrPointers(vals)
	return p
}

// quickScratch is what the quick check builds while it reads, reused
// from one element to the next (a million at 50,000 sites): the
// attributes each open element sets and the keys of the entries each
// open collection holds, both as stacks (an element's part is dropped
// when it is done).
type quickScratch struct {
	attrs []setAttr
	keys  []byte // keys of the open collections, back to back
	key   []byte // the key being built
	// keyed is the key attributes of the kinds of entry last read
	// (keyedFor), replaced in turn from the nextKeyed'th.
	keyed     []keyedItem
	nextKeyed int
	spare     []*bigKeys   // emptied hash sets of keys (keySet)
	attrsOf   *[256]attrOf // attributeOf's
	// norms holds the last values normalized, direct-mapped: a large
	// file's values are mostly a few words (true, W3C, 00:00:30).
	norms *[512]normalized
}

type normalized struct {
	as      *section.Attribute
	in, out string
}

// normalize is as.Normalize(value), remembered; false for an invalid
// value (left to the merge, which reports it).
func (q *quickScratch) normalize(as *section.Attribute, value string) (string, bool) {
	if len(value) > 32 {
		// (Long values, mostly each different, would only push the
		// words out. Strings never come here: validText.)
		v, err := as.Normalize(value)
		return v, err == nil
	}
	if q.norms == nil {
		q.norms = new([512]normalized)
	}
	h := uint(len(as.Name))*7 + uint(len(value))*31
	if len(as.Name) > 0 {
		h += uint(as.Name[len(as.Name)-1])
	}
	if len(value) > 0 {
		h = h*31 + uint(value[0])
		h = h*31 + uint(value[len(value)/2])
		h = h*31 + uint(value[len(value)-1])
	}
	n := &q.norms[h%512]
	if n.as == as && n.in == value {
		return n.out, true
	}
	v, err := as.Normalize(value)
	if err != nil {
		return "", false
	}
	*n = normalized{as, value, v}
	return v, true
}

var quickPool = sync.Pool{New: func() any { return new(quickScratch) }}

// release empties q and returns it to the pool.
func (q *quickScratch) release() {
	q.attrs, q.keys = q.attrs[:0], q.keys[:0]
	quickPool.Put(q)
}

// keySet is the keys of one collection's entries: in q.keys from start
// (at most smallKeys of them, compared in turn), then as hashes in
// big, compared once all are read (distinct).
type keySet struct {
	start int
	ends  [smallKeys]int
	n     int
	big   *bigKeys
}

const smallKeys = 8

// bigKeys is the keys of a long collection (the 100,000 names and ids
// of 50,000 sites) as their hashes, in the order added. Looking each key
// up as it comes would cost a cache miss per key; the hashes are sorted
// once instead, and two keys are taken as the same when their hashes
// are: a false duplicate only sends the collection to the merge, which
// says exactly what is wrong.
type bigKeys struct {
	hashes []uint64
}

var keySeed = maphash.MakeSeed()

func (b *bigKeys) add(k []byte) {
	b.hashes = append(b.hashes, maphash.Bytes(keySeed, k))
}

// distinct reports whether no two keys added have the same hash. It
// sorts the hashes.
func (b *bigKeys) distinct() bool {
	h := b.hashes
	sortHashes(h)
	for i := 1; i < len(h); i++ {
		if h[i] == h[i-1] {
			return false
		}
	}
	return true
}

// sortHashes sorts h: by their top 16 bits, hashes being uniform, then
// each bucket in place.
func sortHashes(h []uint64) {
	if len(h) < 1024 {
		slices.Sort(h)
		return
	}
	var count [1 << 16]int32
	for _, x := range h {
		count[x>>48]++
	}
	var at [1 << 16]int32
	sum := int32(0)
	for i, c := range count {
		at[i] = sum
		sum += c
	}
	out := make([]uint64, len(h))
	for _, x := range h {
		out[at[x>>48]] = x
		at[x>>48]++
	}
	from := int32(0)
	for _, c := range count {
		if c > 1 {
			slices.Sort(out[from : from+c])
		}
		from += c
	}
	copy(h, out)
}

// bigSet returns an empty bigKeys, reused from q's spares.
func (q *quickScratch) bigSet() *bigKeys {
	if n := len(q.spare); n > 0 {
		b := q.spare[n-1]
		q.spare = q.spare[:n-1]
		return b
	}
	return &bigKeys{}
}

// done reports whether the keys of a keySet are distinct, and returns
// its hashes to q's spares (recycle).
func (q *quickScratch) done(ks *keySet) bool {
	ok := ks.big == nil || ks.big.distinct()
	q.recycle(ks)
	return ok
}

// recycle returns a keySet's hashes, if any, to q's spares, emptied.
func (q *quickScratch) recycle(ks *keySet) {
	if b := ks.big; b != nil {
		b.hashes = b.hashes[:0]
		q.spare = append(q.spare, b)
		ks.big = nil
	}
}

// add adds a key (q.key) and reports false when it was there (or, for
// a long collection, leaves that to done).
func (q *quickScratch) add(ks *keySet, k []byte) bool {
	if ks.big != nil {
		ks.big.add(k)
		return true
	}
	from := ks.start
	for i := 0; i < ks.n; i++ {
		if string(q.keys[from:ks.ends[i]]) == string(k) {
			return false
		}
		from = ks.ends[i]
	}
	if ks.n == smallKeys {
		ks.big = q.bigSet()
		from := ks.start
		for i := 0; i < ks.n; i++ {
			ks.big.add(q.keys[from:ks.ends[i]])
			from = ks.ends[i]
		}
		ks.big.add(k)
		return true
	}
	q.keys = append(q.keys, k...)
	ks.ends[ks.n] = len(q.keys)
	ks.n++
	return true
}

// element checks x as merged into a fresh element of schema sch, or into
// into (an element of a frozen inherited tree without locks, whose
// entries' keys known gives), and returns the attributes it sets (valid
// until the caller's next use of q); false when the merge must decide.
func (q *quickScratch) element(sch *section.Element, x xmldoc.Raw, into *EffElement, known func(*EffElement) map[string]bool) ([]setAttr, bool) {
	mark := len(q.attrs)
	if !q.attributes(sch, x) {
		q.attrs = q.attrs[:mark]
		return nil, false
	}
	end := len(q.attrs)
	kids := q.newChildCheck(sch, into, known)
	x.EachChild(kids.child)
	if !kids.finish() {
		q.attrs = q.attrs[:mark]
		return nil, false
	}
	return q.attrs[mark:end:end], true
}

// attributes adds the attributes x sets (as sch defines them) to
// q.attrs; false when the merge must decide.
func (q *quickScratch) attributes(sch *section.Element, x xmldoc.Raw) bool {
	mark := len(q.attrs)
	ok := true
	x.EachAttrRaw(func(name string, raw []byte) bool {
		if name != "" && (name[0] == 'l' || name[0] == 'c' || name[0] == 'x') && metaAttr(name) {
			// (metaAttr's names all start so: lock*, configSource, xmlns, xdt:)
			if lockAttrNames[name] {
				ok = false
				return false
			}
			return true
		}
		as := q.attributeOf(sch, name)
		if as == nil {
			ok = false
			return false
		}
		sa := setAttr{schema: as}
		if as.Type == section.KindString {
			if as.Validator != nil && !validText(as, raw) {
				ok = false
				return false
			}
			sa.raw, sa.lazy = raw, true
		} else {
			v, good := q.normalize(as, x.Value(raw))
			if !good {
				ok = false
				return false
			}
			sa.value = v
		}
		for i := mark; i < len(q.attrs); i++ {
			if q.attrs[i].schema == as {
				q.attrs[i] = sa
				return true
			}
		}
		q.attrs = append(q.attrs, sa)
		return true
	})
	return ok
}

// attributeOf is sch.Attribute(name), remembered: the few names of a
// large file's elements come a million times. (Names read raw are
// interned: the same name is mostly the same string.)
func (q *quickScratch) attributeOf(sch *section.Element, name string) *section.Attribute {
	if q.attrsOf == nil {
		q.attrsOf = new([256]attrOf)
	}
	h := uintptr(unsafe.Pointer(sch))>>4 + uintptr(len(name))*31
	if len(name) > 0 {
		h = h*31 + uintptr(name[0])
		h = h*31 + uintptr(name[len(name)-1])
	}
	a := &q.attrsOf[h%256]
	if a.sch != sch || a.name != name {
		*a = attrOf{sch, name, sch.Attribute(name)}
	}
	return a.as
}

type attrOf struct {
	sch  *section.Element
	name string
	as   *section.Attribute
}

// childCheck is the check of an element's children (element), one at a
// time (child) and then as a whole (finish): the child elements merged
// (each once) and the keys of its entries.
type childCheck struct {
	q         *quickScratch
	sch       *section.Element
	into      *EffElement
	known     func(*EffElement) map[string]bool
	inherited map[string]bool // known(into), once needed
	end       int             // q.attrs of the element itself end here
	seen      [16]string      // child elements merged; more: the merge decides
	nseen     int
	keys      keySet
	ok        bool
}

func (q *quickScratch) newChildCheck(sch *section.Element, into *EffElement, known func(*EffElement) map[string]bool) *childCheck {
	return &childCheck{q: q, sch: sch, into: into, known: known, end: len(q.attrs), keys: keySet{start: len(q.keys)}, ok: true}
}

// child checks one child element c; false (stop) when the merge must
// decide.
func (k *childCheck) child(c xmldoc.Raw) bool {
	q, sch := k.q, k.sch
	coll := sch.Collection
	name := c.Name()
	if coll != nil && coll.IsAdd(name) {
		item := coll.ItemFor(name)
		if item == nil || coll.AllowUnrecognizedAttributes {
			k.ok = false
			return false
		}
		set, good := q.element(item, c, nil, nil)
		if !good || !hasRequired(item, set) {
			k.ok = false
			return false
		}
		if !coll.AllowDuplicates {
			if k.into != nil && k.inherited == nil {
				k.inherited = k.known(k.into)
			}
			good = q.eachKey(coll, item, set, func(key []byte) bool {
				// a duplicate: the merge says which
				return !k.inherited[string(key)] && q.add(&k.keys, key)
			})
		}
		q.attrs = q.attrs[:k.end]
		if !good {
			k.ok = false
		}
		return k.ok
	}
	if coll != nil && (coll.RemoveElement != "" && name == coll.RemoveElement || coll.ClearElement != "" && name == coll.ClearElement) {
		k.ok = false
		return false
	}
	child := sch.Element(name)
	if k.nseen == len(k.seen) {
		k.ok = false
		return false
	}
	for _, s := range k.seen[:k.nseen] {
		if strings.EqualFold(s, name) {
			k.ok = false // given twice: merged into the same element
			return false
		}
	}
	if child == nil || !childNamed(sch, name) {
		k.ok = false
		return false
	}
	var childInto *EffElement
	if k.into != nil {
		// The merge's own lookup (childIndex) in the inherited tree.
		i := k.into.childIndex(name)
		if i < 0 || k.into.Children[i].Schema != child {
			k.ok = false
			return false
		}
		childInto = k.into.Children[i]
	}
	k.seen[k.nseen] = name
	k.nseen++
	_, good := q.element(child, c, childInto, k.known)
	q.attrs = q.attrs[:k.end]
	if !good {
		k.ok = false
	}
	return k.ok
}

// finish reports whether the children checked passed, their keys
// distinct, and drops their keys from q.
func (k *childCheck) finish() bool {
	k.q.keys = k.q.keys[:k.keys.start]
	if !k.q.done(&k.keys) {
		k.ok = false
	}
	return k.ok
}

// drop drops k's keys from q unchecked (listCheck.combine checks them
// with the other parts').
func (k *childCheck) drop() {
	k.q.keys = k.q.keys[:k.keys.start]
	k.q.recycle(&k.keys)
}

// keyHashes adds the keys k holds (in q.keys, or already as hashes) to
// into.
func (k *childCheck) keyHashes(into *bigKeys) {
	if k.keys.big != nil {
		// (The first few were moved there too.)
		into.hashes = append(into.hashes, k.keys.big.hashes...)
		return
	}
	from := k.keys.start
	for i := 0; i < k.keys.n; i++ {
		into.add(k.q.keys[from:k.keys.ends[i]])
		from = k.keys.ends[i]
	}
}

// splitEntries is the length of a list from which quickInstance checks
// its entries on two goroutines (listCheck), and from which validate
// checks a list of applicationHost.config while the file is read
// (earlyChecks.closed).
const splitEntries = 2048

// listChunk is how many entries of a long list a goroutine takes at a
// time (listCheck.work).
const listChunk = 256

// listCheck is the quick check of the children of a long list (element's
// child loop for 50,000 sites), shared by goroutines: each takes the
// next chunk of entries in turn, with a scratch and childCheck of its
// own, reading the list through a document of its own; result then
// checks the parts together (child elements merged once, keys distinct)
// as one walk would have.
type listCheck struct {
	sch    *section.Element
	into   *EffElement
	known  func(*EffElement) map[string]bool // guarded: both sides may call it
	n      int                               // entries
	next   atomic.Int64                      // the first entry no goroutine took yet
	failed atomic.Bool
	stop   *atomic.Bool // when set: stop (the store closes)
	wg     sync.WaitGroup
	mu     sync.Mutex
	parts  []*childCheck
	once   sync.Once
	ok     bool
}

func newListCheck(sch *section.Element, into *EffElement, known func(*EffElement) map[string]bool, n int) *listCheck {
	lc := &listCheck{sch: sch, into: into, n: n}
	var mu sync.Mutex
	lc.known = func(e *EffElement) map[string]bool {
		mu.Lock()
		defer mu.Unlock()
		return known(e)
	}
	return lc
}

// start runs work on another goroutine (result waits for it).
func (lc *listCheck) start(r xmldoc.Raw) {
	lc.wg.Add(1)
	go func() {
		defer lc.wg.Done()
		lc.work(r)
	}()
}

// work checks chunks of the entries of r (the list through the calling
// goroutine's own document) until none is left or one fails.
func (lc *listCheck) work(r xmldoc.Raw) {
	q := quickPool.Get().(*quickScratch)
	k := q.newChildCheck(lc.sch, lc.into, lc.known)
	for !lc.failed.Load() && (lc.stop == nil || !lc.stop.Load()) {
		from := int(lc.next.Add(listChunk)) - listChunk
		if from >= lc.n {
			break
		}
		r.EachChildIn(from, min(from+listChunk, lc.n), k.child)
		if !k.ok {
			lc.failed.Store(true)
		}
	}
	lc.mu.Lock()
	lc.parts = append(lc.parts, k)
	lc.mu.Unlock()
}

// result waits for the goroutines started and reports whether the
// entries pass: every part, no child element merged in two parts, no
// key twice.
func (lc *listCheck) result() bool {
	lc.once.Do(func() {
		lc.wg.Wait()
		lc.ok = lc.combine()
		for _, k := range lc.parts {
			k.drop()
			k.q.release()
		}
		lc.parts = nil
	})
	return lc.ok
}

func (lc *listCheck) combine() bool {
	if lc.failed.Load() || lc.stop != nil && lc.stop.Load() || int(lc.next.Load()) < lc.n {
		return false
	}
	seen := 0
	all := &bigKeys{}
	for i, k := range lc.parts {
		if !k.ok {
			return false
		}
		seen += k.nseen
		for _, a := range k.seen[:k.nseen] {
			for _, o := range lc.parts[:i] {
				for _, b := range o.seen[:o.nseen] {
					if strings.EqualFold(a, b) {
						return false // given twice: merged into the same element
					}
				}
			}
		}
		k.keyHashes(all)
	}
	if seen > len(lc.parts[0].seen) {
		return false // as one walk: more, and the merge decides
	}
	return all.distinct()
}

// childNamed reports whether the merge finds name among sch's children
// (EffElement.childIndex: the first that matches ignoring case) and it is
// the one sch.Element returns.
func childNamed(sch *section.Element, name string) bool {
	for _, c := range sch.Elements {
		if strings.EqualFold(c.Name, name) {
			return c == sch.Element(name)
		}
	}
	return false
}

// hasRequired reports whether every required attribute of sch is set.
func hasRequired(sch *section.Element, set []setAttr) bool {
	for _, a := range sch.Attributes {
		if !a.Required {
			continue
		}
		if !slices.ContainsFunc(set, func(s setAttr) bool { return s.schema == a }) {
			return false
		}
	}
	return true
}

// valueOf returns the value set gives attribute as (element keeps one
// setAttr per attribute), and whether it sets it.
func valueOf(set []setAttr, as *section.Attribute) (string, bool) {
	for i := range set {
		if set[i].schema == as {
			return set[i].text(), true
		}
	}
	return "", false
}

// eachKey calls fn with each of indexKeys of an entry of schema item
// that sets set, built in q.key, until fn returns false; it reports
// whether fn always returned true.
func (q *quickScratch) eachKey(coll *section.Collection, item *section.Element, set []setAttr, fn func([]byte) bool) bool {
	ki := q.keyedFor(coll, item)
	if len(ki.keys) == 0 {
		return true
	}
	if ki.keys[0].IsUniqueKey {
		for i, k := range ki.keys {
			if ki.as[i] != nil {
				q.key = q.appendKeyValue(append(append(q.key[:0], k.Name...), 0), k, ki, i, set)
				if !fn(q.key) {
					return false
				}
			}
		}
		return true
	}
	q.key = append(q.key[:0], 1)
	for i, k := range ki.keys {
		if ki.as[i] != nil {
			q.key = q.appendKeyValue(q.key, k, ki, i, set)
		}
		q.key = append(q.key, 0)
	}
	return fn(q.key)
}

// keyedItem is what eachKey needs of one kind of entry, found once: the
// collection's key attributes, the item's attribute of each (nil: the
// item has none) and its default value.
type keyedItem struct {
	coll *section.Collection
	item *section.Element
	keys []*section.Attribute
	as   []*section.Attribute
	defs []string
}

// keyedFor returns coll's keyedItem for item, from the few last used (an
// entry and the entries inside it: a site, its applications, their
// virtual directories, its bindings).
func (q *quickScratch) keyedFor(coll *section.Collection, item *section.Element) *keyedItem {
	for i := range q.keyed {
		if ki := &q.keyed[i]; ki.coll == coll && ki.item == item {
			return ki
		}
	}
	// KeyAttributes makes its list anew on each call.
	ki := keyedItem{coll: coll, item: item, keys: coll.KeyAttributes()}
	for _, k := range ki.keys {
		as := item.Attribute(k.Name)
		def := ""
		if as != nil {
			def = defaultValue(as)
		}
		ki.as, ki.defs = append(ki.as, as), append(ki.defs, def)
	}
	if len(q.keyed) < cap(q.keyed) || cap(q.keyed) == 0 {
		if q.keyed == nil {
			q.keyed = make([]keyedItem, 0, 8)
		}
		q.keyed = append(q.keyed, ki)
		return &q.keyed[len(q.keyed)-1]
	}
	q.keyed[q.nextKeyed%len(q.keyed)] = ki
	q.nextKeyed++
	return &q.keyed[(q.nextKeyed-1)%len(q.keyed)]
}

// appendKeyValue appends the compare key (appendCompareKey) of key k
// (ki.keys[i]) of an entry that sets set: its value, or the default.
// A name written plainly is lowered from the source, with no string
// made for it.
func (q *quickScratch) appendKeyValue(b []byte, k *section.Attribute, ki *keyedItem, i int, set []setAttr) []byte {
	for j := range set {
		if set[j].schema != ki.as[i] {
			continue
		}
		if sa := &set[j]; sa.lazy && k.Type == section.KindString && !k.CaseSensitive {
			return appendRawLower(b, sa.raw)
		}
		return appendCompareKey(b, k, set[j].text())
	}
	return appendCompareKey(b, k, ki.defs[i])
}

// appendRawLower is appendLower of an attribute value as written (its
// text decoded only when it holds a reference or white space to
// normalize, or is not ASCII).
func appendRawLower(b []byte, raw []byte) []byte {
	for _, c := range raw {
		if c == '&' || c == '\t' || c == '\r' || c == '\n' || c >= utf8.RuneSelf {
			return appendLower(b, xmldoc.DecodeValue(raw))
		}
	}
	for _, c := range raw {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// appendCompareKey appends k.CompareKey(v); a name compared ignoring
// case is lowered in place (appendLower is strings.ToLower), and a
// number already in its canonical form (a normalized value) is its own
// key.
func appendCompareKey(b []byte, k *section.Attribute, v string) []byte {
	if k.Type == section.KindString && !k.CaseSensitive {
		return appendLower(b, v)
	}
	if canonicalInteger(k.Type, v) {
		return append(b, v...)
	}
	return append(b, k.CompareKey(v)...)
}

// canonicalInteger reports whether v is a number of kind t as strconv
// writes it (no sign but a minus, no leading zero), well inside the
// kind's range: then CompareKey(v) is v.
func canonicalInteger(t section.Kind, v string) bool {
	d, neg := strings.CutPrefix(v, "-")
	digits := 9 // every 9-digit number fits in 32 bits
	switch t {
	case section.KindUint:
		if neg {
			return false
		}
	case section.KindInt:
	case section.KindInt64:
		digits = 18
	default:
		return false
	}
	if d == "" || len(d) > digits || d[0] == '0' && (len(d) > 1 || neg) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// quickInstance reports whether merging instance x into the inherited
// tree root (validate's mergedUp) would succeed, by the quick check:
// false when the merge must decide. The tree holds no locks (hasLocks).
func (v *validator) quickInstance(root *EffElement, x *xmldoc.Element) bool {
	r, ok := x.Raw()
	if !ok || root.Schema == nil {
		return false
	}
	q := quickPool.Get().(*quickScratch)
	defer q.release()
	if n := r.IndexedChildren(); n >= splitEntries && runtime.GOMAXPROCS(0) > 1 {
		if other, forked := r.Fork(); forked {
			// The entries on two goroutines, the list's own attributes
			// meanwhile.
			lc := newListCheck(root.Schema, root, v.knownKeys, n)
			lc.start(other)
			if !q.attributes(root.Schema, r) {
				lc.failed.Store(true)
			}
			lc.work(r)
			return lc.result()
		}
	}
	_, ok = q.element(root.Schema, r, root, v.knownKeys)
	return ok
}

// knownKeys is the index of the keys of an inherited element's entries
// (checkDuplicate's), made once per frozen element.
func (v *validator) knownKeys(e *EffElement) map[string]bool {
	if k, ok := v.keys[e]; ok {
		return k
	}
	k := map[string]bool{}
	if coll := e.Schema.Collection; coll != nil {
		for _, it := range e.Items {
			for _, x := range indexKeys(coll, it) {
				k[x] = true
			}
		}
	}
	if v.keys == nil {
		v.keys = map[*EffElement]map[string]bool{}
	}
	v.keys[e] = k
	return k
}

// hasLocks reports whether any element of a merged tree carries locks
// (a lock list, or an entry's lockItem), which the quick check does not
// follow.
func hasLocks(e *EffElement) bool {
	if e.locks != nil {
		return true
	}
	for _, c := range e.Children {
		if hasLocks(c) {
			return true
		}
	}
	for _, it := range e.Items {
		if hasLocks(it) {
			return true
		}
	}
	return false
}
