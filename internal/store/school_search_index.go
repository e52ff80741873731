package store

import (
	"cmp"
	"container/heap"
	"database/sql"
	"math"
	"slices"
	"strings"
)

// The vocabulary's school index: which schools have each word, and each
// school's words and position. The database's text index answers a search
// whose words a few hundred schools share, fresh from the table; when more
// share them ("St Mary's", "Lincoln Elementary", "school" near a position)
// the database can only say "too many", so the best of them are chosen
// here — the shortest names, or the nearest schools — and only those rows
// are read. It is as old as the vocabulary (a renamed school is chosen by
// its old name until the next rebuild); the rows it chooses are ranked as
// they are now.

// schoolIndex holds, for school i (in id order), its words
// ws[off[i]:off[i+1]] — those of its name first, up to nameEnd[i], then
// those of its town and postal code, each part sorted — and postings: the
// schools having word w are post[postOff[w]:postOff[w+1]].
type schoolIndex struct {
	ids      []int64
	lat, lon []float32 // NaN when unknown
	nameLen  []uint8   // words in the name, as foldTokens counts them
	off      []int32
	nameEnd  []int32
	ws       []int32
	postOff  []int32
	post     []int32
}

// indexBuilder gathers schools with provisional word numbers, renumbered
// once all words are known and sorted.
type indexBuilder struct {
	num   map[string]int32
	words []string
	parts map[string][]string
	x     schoolIndex
}

func newIndexBuilder() *indexBuilder {
	return &indexBuilder{num: map[string]int32{}, parts: map[string][]string{}, x: schoolIndex{off: []int32{0}}}
}

func (b *indexBuilder) word(w string) int32 {
	n, ok := b.num[w]
	if !ok {
		n = int32(len(b.words))
		b.num[w] = n
		b.words = append(b.words, w)
	}
	return n
}

// add records one school: the words of its name (apostrophes joining and
// splitting), then of its town and postal code (also joined).
func (b *indexBuilder) add(id int64, name, city, pc string, lat, lon sql.NullFloat64) {
	x := &b.x
	x.ids = append(x.ids, id)
	if lat.Valid && lon.Valid {
		x.lat, x.lon = append(x.lat, float32(lat.Float64)), append(x.lon, float32(lon.Float64))
	} else {
		x.lat, x.lon = append(x.lat, float32(math.NaN())), append(x.lon, float32(math.NaN()))
	}
	words, all := nameWords(name)
	x.nameLen = append(x.nameLen, uint8(min(len(words), 255)))
	for _, w := range all {
		x.ws = append(x.ws, b.word(w))
	}
	x.nameEnd = append(x.nameEnd, int32(len(x.ws)))
	_, place := nameWords(city)
	for _, w := range place {
		x.ws = append(x.ws, b.word(w))
	}
	codes, joined := postcodeWords(pc)
	for _, w := range codes {
		x.ws = append(x.ws, b.word(w))
	}
	if joined != "" {
		x.ws = append(x.ws, b.word(joined))
		b.parts[joined] = codes
	}
	for j, p := range joinedWords(name) {
		b.parts[j] = p
	}
	for j, p := range joinedWords(city) {
		b.parts[j] = p
	}
	x.off = append(x.off, int32(len(x.ws)))
}

// build sorts the words, renumbers the schools' words accordingly, and
// makes the postings and the trigram index.
func (b *indexBuilder) build() *vocabulary {
	order := make([]int32, len(b.words))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, c int32) int { return strings.Compare(b.words[a], b.words[c]) })
	renum := make([]int32, len(order))
	v := &vocabulary{words: make([]string, len(order)), grams: map[string][]int32{}, parts: b.parts}
	for to, from := range order {
		renum[from] = int32(to)
		v.words[to] = b.words[from]
	}
	x := b.x
	n := len(x.ids)
	freq := make([]int32, len(v.words))
	for i := 0; i < n; i++ {
		seg := x.ws[x.off[i]:x.off[i+1]]
		for k := range seg {
			seg[k] = renum[seg[k]]
		}
		name, place := seg[:x.nameEnd[i]-x.off[i]], seg[x.nameEnd[i]-x.off[i]:]
		slices.Sort(name)
		slices.Sort(place)
		// Postings count a school once per word, in its name or place.
		mergeDistinct(name, place, func(w int32) { freq[w]++ })
	}
	x.postOff = make([]int32, len(v.words)+1)
	for w, f := range freq {
		x.postOff[w+1] = x.postOff[w] + f
	}
	x.post = make([]int32, x.postOff[len(v.words)])
	fill := slices.Clone(x.postOff[:len(v.words)])
	for i := 0; i < n; i++ {
		seg := x.ws[x.off[i]:x.off[i+1]]
		name, place := seg[:x.nameEnd[i]-x.off[i]], seg[x.nameEnd[i]-x.off[i]:]
		mergeDistinct(name, place, func(w int32) {
			x.post[fill[w]] = int32(i)
			fill[w]++
		})
	}
	v.freq = freq
	for i, w := range v.words {
		v.maxFreq = max(v.maxFreq, freq[i])
		if hasDigit(w) {
			continue // never corrected, so never a correction
		}
		for _, g := range trigrams(w) {
			v.grams[g] = append(v.grams[g], int32(i))
		}
	}
	for j := range v.parts {
		v.joined = append(v.joined, j)
	}
	slices.Sort(v.joined)
	v.schools = x
	return v
}

// mergeDistinct calls f for each distinct value of two sorted lists.
func mergeDistinct(a, b []int32, f func(int32)) {
	last := int32(-1)
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var w int32
		if j == len(b) || i < len(a) && a[i] <= b[j] {
			w, i = a[i], i+1
		} else {
			w, j = b[j], j+1
		}
		if w != last {
			f(w)
			last = w
		}
	}
}

// memTerm is a search term in word numbers: a range of words (those
// starting with what was typed) and single words.
type memTerm struct {
	lo, hi int32
	ids    []int32
}

// memTerms turns search terms into word numbers.
func (v *vocabulary) memTerms(terms []searchTerm) []memTerm {
	out := make([]memTerm, 0, len(terms))
	for _, t := range terms {
		var m memTerm
		if t.prefix {
			lo, _ := slices.BinarySearch(v.words, t.typed)
			hi := lo
			for hi < len(v.words) && strings.HasPrefix(v.words[hi], t.typed) {
				hi++
			}
			m.lo, m.hi = int32(lo), int32(hi)
		}
		for _, w := range t.words {
			if i, ok := slices.BinarySearch(v.words, w); ok && (int32(i) < m.lo || int32(i) >= m.hi) {
				m.ids = append(m.ids, int32(i))
			}
		}
		slices.Sort(m.ids)
		out = append(out, m)
	}
	return out
}

// size is how many postings the term's words have: the work of listing
// the schools having it.
func (v *vocabulary) size(t memTerm) int {
	x := &v.schools
	n := int(x.postOff[t.hi] - x.postOff[t.lo])
	for _, w := range t.ids {
		n += int(x.postOff[w+1] - x.postOff[w])
	}
	return n
}

// has reports whether words (sorted) has a word of t.
func (t memTerm) has(words []int32) bool {
	if t.hi > t.lo {
		i, _ := slices.BinarySearch(words, t.lo)
		if i < len(words) && words[i] < t.hi {
			return true
		}
	}
	for _, w := range t.ids {
		if _, ok := slices.BinarySearch(words, w); ok {
			return true
		}
	}
	return false
}

// matching returns the schools (by index) having every term, in id order.
func (v *vocabulary) matching(terms []memTerm) []int32 {
	if len(terms) == 0 {
		return nil
	}
	x := &v.schools
	first := 0
	for i, t := range terms {
		if v.size(t) < v.size(terms[first]) {
			first = i
		}
	}
	t := terms[first]
	var cands []int32
	lists := 0
	add := func(w int32) {
		if p := x.post[x.postOff[w]:x.postOff[w+1]]; len(p) > 0 {
			cands = append(cands, p...)
			lists++
		}
	}
	for w := t.lo; w < t.hi; w++ {
		add(w)
	}
	for _, w := range t.ids {
		add(w)
	}
	if lists > 1 {
		slices.Sort(cands)
		cands = slices.Compact(cands)
	}
	out := cands[:0]
	for _, i := range cands {
		name, all := x.ws[x.off[i]:x.nameEnd[i]], x.ws[x.off[i]:x.off[i+1]]
		ok := true
		for k, t := range terms {
			if k != first && !t.has(name) && !t.has(all[len(name):]) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// best returns the ids of up to n of the schools matched (matching's
// result) that are likeliest to rank first: all words in the name before
// some only in the town, then the fewest words in the name (an exact name
// has no more words than were typed), then the lowest id. It sorts by
// buckets in two passes, as there may be tens of thousands.
func (v *vocabulary) best(matched []int32, terms []memTerm, n int) []int64 {
	x := &v.schools
	const lens = 64
	key := func(i int32) int {
		name := x.ws[x.off[i]:x.nameEnd[i]]
		placeOnly := 0
		for _, t := range terms {
			if !t.has(name) {
				placeOnly++
			}
		}
		return min(placeOnly, 3)*lens + min(int(x.nameLen[i]), lens-1)
	}
	var counts [4 * lens]int
	keys := make([]uint8, len(matched))
	for j, i := range matched {
		k := key(i)
		counts[k]++
		keys[j] = uint8(k)
	}
	// Buckets up to cut hold the n best; a counting sort places them.
	cut, total := 0, 0
	for cut = range counts {
		if total += counts[cut]; total >= n {
			break
		}
	}
	var pos [4 * lens]int
	run := 0
	for k := 0; k <= cut; k++ {
		pos[k], run = run, run+counts[k]
	}
	ids := make([]int64, run)
	for j, i := range matched {
		if k := int(keys[j]); k <= cut {
			ids[pos[k]] = x.ids[i]
			pos[k]++
		}
	}
	return ids[:min(n, run)]
}

// nearestOf returns the ids of the n schools of matched nearest to from,
// by a flat-earth distance good enough to choose them (the caller computes
// the exact one); schools without a position come last.
func (v *vocabulary) nearestOf(matched []int32, from [2]float64, n int) []int64 {
	x := &v.schools
	cos := math.Cos(from[0] * math.Pi / 180)
	h := &farthest{}
	for _, i := range matched {
		d := math.Inf(1)
		if lat, lon := float64(x.lat[i]), float64(x.lon[i]); !math.IsNaN(lat) {
			dLon := math.Abs(lon - from[1])
			if dLon > 180 {
				dLon = 360 - dLon
			}
			dx, dy := dLon*cos, lat-from[0]
			d = dx*dx + dy*dy
		}
		if h.Len() < n {
			heap.Push(h, near{i, d})
		} else if d < (*h)[0].d {
			(*h)[0] = near{i, d}
			heap.Fix(h, 0)
		}
	}
	slices.SortFunc(*h, func(a, b near) int { return cmp.Or(cmpFloat(a.d, b.d), cmp.Compare(a.i, b.i)) })
	ids := make([]int64, len(*h))
	for k, p := range *h {
		ids[k] = x.ids[p.i]
	}
	return ids
}

type near struct {
	i int32
	d float64
}

// farthest is a max-heap of distances: the n nearest so far, the farthest
// of them on top.
type farthest []near

func (h farthest) Len() int           { return len(h) }
func (h farthest) Less(i, j int) bool { return h[i].d > h[j].d }
func (h farthest) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *farthest) Push(x any)        { *h = append(*h, x.(near)) }
func (h *farthest) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// joinedWithPrefix returns up to n joined words (marys, le175jl) starting
// with p.
func (v *vocabulary) joinedWithPrefix(p string, n int) []string {
	i, _ := slices.BinarySearch(v.joined, p)
	var out []string
	for j := i; j < len(v.joined) && strings.HasPrefix(v.joined[j], p) && len(out) < n; j++ {
		out = append(out, v.joined[j])
	}
	return out
}
