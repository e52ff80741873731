package store

import (
	"cmp"
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"weak"

	"cubby/internal/db"
)

// The words of all school names, for spelling correction and for looking
// up word starts.

// maxEdits is the typo budget for a query word of n letters.
func maxEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// vocabulary is every word of every school's name, town and postal code,
// with a trigram index for finding the words a misspelling is close to,
// and which schools have each word (schoolIndex): for the 118,000 US
// schools 54,000 words and 13 MB, built in a third of a second.
type vocabulary struct {
	words   []string // sorted, distinct
	freq    []int32  // how many schools have each word
	maxFreq int32
	grams   map[string][]int32 // trigram (with ^ and $ marking the ends) → words having it
	// parts are the index words a joined word is made of: marys → mary, s
	// (St Mary's), le175jl → le17, 5jl (LE17 5JL); joined lists them sorted.
	parts   map[string][]string
	joined  []string
	schools schoolIndex
	maxID   int64
	built   time.Time
}

// Words change rarely — an import, a renamed school — so the vocabulary is
// rebuilt when a school was added (a new largest id, checked at every
// search: one indexed lookup; the search waits for it) or, to catch renames,
// when it is older than vocabularyTTL (in the background: searches go on
// with the old one meanwhile). Until then a renamed school is still found
// when its new name is typed correctly; only typo tolerance waits.
const vocabularyTTL = 10 * time.Minute

// vocabularies caches one vocabulary per database handle, dropping it when
// the handle is garbage collected (tests open many).
var vocabularies = struct {
	sync.Mutex
	m map[weak.Pointer[sql.DB]]*vocabularyEntry
}{m: map[weak.Pointer[sql.DB]]*vocabularyEntry{}}

type vocabularyEntry struct {
	mu         sync.Mutex
	v          *vocabulary
	refreshing bool
}

// WarmSchoolSearch reads the word list of the database behind h now, so
// that the first search after a start does not wait for it: a server calls
// it in the background as it starts.
func WarmSchoolSearch(ctx context.Context, h *sql.DB) error {
	_, err := schoolWords(ctx, h)
	return err
}

// schoolWords returns the vocabulary of the database behind q, or nil when
// q is not a database handle (a transaction).
func schoolWords(ctx context.Context, q db.Querier) (*vocabulary, error) {
	h, ok := q.(*sql.DB)
	if !ok {
		return nil, nil
	}
	key := weak.Make(h)
	vocabularies.Lock()
	e := vocabularies.m[key]
	if e == nil {
		e = &vocabularyEntry{}
		vocabularies.m[key] = e
		runtime.AddCleanup(h, func(k weak.Pointer[sql.DB]) {
			vocabularies.Lock()
			delete(vocabularies.m, k)
			vocabularies.Unlock()
		}, key)
	}
	vocabularies.Unlock()

	var maxID sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(id) FROM schools`).Scan(&maxID); err != nil {
		return nil, db.MapError(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	if e.v != nil && e.v.maxID == maxID.Int64 {
		if now.Sub(e.v.built) >= vocabularyTTL && !e.refreshing {
			e.refreshing = true
			go e.refresh(h)
		}
		return e.v, nil
	}
	v, err := buildVocabulary(ctx, q)
	if err != nil {
		return nil, err
	}
	v.maxID, v.built = maxID.Int64, now
	e.v = v
	return v, nil
}

// refresh rebuilds the vocabulary of h while searches use the old one.
func (e *vocabularyEntry) refresh(h *sql.DB) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var maxID sql.NullInt64
	err := h.QueryRowContext(ctx, `SELECT max(id) FROM schools`).Scan(&maxID)
	var v *vocabulary
	if err == nil {
		v, err = buildVocabulary(ctx, h)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refreshing = false
	if err == nil && (e.v == nil || e.v.maxID <= maxID.Int64) {
		v.maxID, v.built = maxID.Int64, time.Now()
		e.v = v
	}
}

func buildVocabulary(ctx context.Context, q db.Querier) (*vocabulary, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, city, postal_code, lat, lon FROM schools ORDER BY id`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	b := newIndexBuilder()
	var (
		id             int64
		name, city, pc string
		lat, lon       sql.NullFloat64
	)
	for rows.Next() {
		if err := rows.Scan(&id, &name, &city, &pc, &lat, &lon); err != nil {
			return nil, db.MapError(err)
		}
		b.add(id, name, city, pc, lat, lon)
	}
	if err := rows.Err(); err != nil {
		return nil, db.MapError(err)
	}
	return b.build(), nil
}

// trigrams lists a word's distinct three-letter pieces, the ends marked, so
// that even a short word with a typo in the middle shares some ("^ma",
// "ys$" of "marys" and "mazys").
func trigrams(w string) []string {
	r := []rune("^" + w + "$")
	var out []string
	for i := 0; i+3 <= len(r); i++ {
		if g := string(r[i : i+3]); !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// hasDigit reports whether w has a digit: a number, or a postal code.
func hasDigit(w string) bool { return strings.ContainsAny(w, "0123456789") }

// count returns how many schools have the word w.
func (v *vocabulary) count(w string) int {
	if i, ok := slices.BinarySearch(v.words, w); ok {
		return int(v.freq[i])
	}
	return 0
}

// has reports whether w is a word of some school's name or city.
func (v *vocabulary) has(w string) bool { return v.count(w) > 0 }

// withPrefix returns the words starting with p, all of them (all) or, when
// there are more than n, none.
func (v *vocabulary) withPrefix(p string, n int) (words []string, all bool) {
	i, _ := slices.BinarySearch(v.words, p)
	for j := i; j < len(v.words) && strings.HasPrefix(v.words[j], p); j++ {
		if len(words) == n {
			return nil, false
		}
		words = append(words, v.words[j])
	}
	return words, true
}

// countsPool holds the per-word counters corrections uses, one slot per
// word, returned all zero.
var countsPool = sync.Pool{New: func() any { return new([]uint8) }}

// corrections returns up to n words within w's typo budget: whole words
// ("lincon" → lincoln), then words that w, typo and all, is the start of
// ("albertvl" → albertville); the closest first, and among equals the most
// common, as people mostly mean the usual word. Two neighbouring letters
// swapped count as one edit ("shcool", "bryn" for "byrn"). w itself is not
// a correction, nor are the words it starts unless w is finished (typed
// as a whole word: "middl" may be "middle"). A word some school has is
// corrected too when a far more common word is near it — data has typos
// as well ("elementry") — or, when lenient (nothing was found as typed),
// any more common word.
func (v *vocabulary) corrections(w string, n int, finished, lenient bool) []string {
	r := []rune(w)
	budget := maxEdits(len(r))
	if budget == 0 || hasDigit(w) {
		// Numbers and postal codes are not corrected: a digit off is
		// another place, not a typo of this one.
		return nil
	}
	minFreq := int32(0)
	if c := v.count(w); c > 0 {
		if minFreq = int32(20 * c); lenient {
			minFreq = int32(c + 1)
		}
		if minFreq > v.maxFreq {
			return nil // a common word: nothing is common enough to correct it to
		}
	}
	type fix struct {
		word   string
		dist   int
		prefix bool
		freq   int32
	}
	var fixes []fix
	// A swap of neighbours breaks up to four trigrams, all of a short
	// word's ("maes" and "meas" share none): swaps are looked up as such.
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		sw := slices.Clone(r)
		sw[i], sw[i+1] = sw[i+1], sw[i]
		s := string(sw)
		if c := v.count(s); c > 0 {
			if int32(c) >= minFreq {
				fixes = append(fixes, fix{s, 1, false, int32(c)})
			}
			continue
		}
		if finished {
			continue
		}
		// The start of a word: its commonest few.
		if words, all := v.withPrefix(s, maxExpansions); all {
			for _, word := range words {
				if c := v.count(word); int32(c) >= minFreq {
					fixes = append(fixes, fix{word, 1, true, int32(c)})
				}
			}
		}
	}
	// Any other edit breaks at most three trigrams, so a word within
	// budget shares at least this many with w.
	grams := trigrams(w)
	need := uint8(max(1, len(grams)-3*budget))
	counts := countsPool.Get().(*[]uint8)
	if len(*counts) < len(v.words) {
		*counts = make([]uint8, len(v.words))
	}
	defer countsPool.Put(counts)
	var touched []int32
	for _, g := range grams {
		for _, i := range v.grams[g] {
			if (*counts)[i] == 0 {
				touched = append(touched, i)
			}
			(*counts)[i] = min((*counts)[i]+1, 255)
		}
	}
	for _, i := range touched {
		c := (*counts)[i]
		(*counts)[i] = 0
		word := v.words[i]
		if c < need || v.freq[i] < minFreq || word == w || !finished && strings.HasPrefix(word, w) {
			continue
		}
		wr := []rune(word)
		if d := len(wr) - len(r); d <= budget && -d <= budget {
			if dist := editDistance(r, wr, budget); dist <= budget {
				fixes = append(fixes, fix{word, dist, false, v.freq[i]})
				continue
			}
		}
		if len(wr) > len(r) {
			if dist := editDistance(r, wr[:len(r)], budget); dist <= budget {
				fixes = append(fixes, fix{word, dist, true, v.freq[i]})
			}
		}
	}
	slices.SortFunc(fixes, func(a, b fix) int {
		if c := cmp.Compare(a.dist, b.dist); c != 0 {
			return c
		}
		if a.prefix != b.prefix {
			if a.prefix {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.freq, a.freq); c != 0 {
			return c
		}
		return cmp.Compare(a.word, b.word)
	})
	out := make([]string, 0, min(n, len(fixes)))
	for _, f := range fixes {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, f.word) {
			out = append(out, f.word)
		}
	}
	return out
}
