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

// vocabulary is every word of every school's name and city, with a trigram
// index for finding the words a misspelling is close to: about 31,000 words
// for the 118,000 schools of the US, a few megabytes, built in a fraction of
// a second.
type vocabulary struct {
	words   []string // sorted, distinct
	freq    []int32  // how many schools have each word
	maxFreq int32
	grams   map[string][]int32 // trigram (with ^ and $ marking the ends) → words having it
	maxID   int64
	built   time.Time
}

// Words change rarely — an import, a renamed school — so the vocabulary is
// rebuilt when a school was added (a new largest id, checked at every
// search: one indexed lookup) or, to catch renames, when it is older than
// vocabularyTTL. Until then a renamed school is still found when its new
// name is typed correctly; only typo tolerance waits.
const vocabularyTTL = 10 * time.Minute

// vocabularies caches one vocabulary per database handle, dropping it when
// the handle is garbage collected (tests open many).
var vocabularies = struct {
	sync.Mutex
	m map[weak.Pointer[sql.DB]]*vocabularyEntry
}{m: map[weak.Pointer[sql.DB]]*vocabularyEntry{}}

type vocabularyEntry struct {
	mu sync.Mutex
	v  *vocabulary
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
	if e.v != nil && e.v.maxID == maxID.Int64 && now.Sub(e.v.built) < vocabularyTTL {
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

func buildVocabulary(ctx context.Context, q db.Querier) (*vocabulary, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, city FROM schools`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	set := map[string]int32{}
	var name, city string
	for rows.Next() {
		if err := rows.Scan(&name, &city); err != nil {
			return nil, db.MapError(err)
		}
		words := searchTokens(name + " " + city)
		slices.Sort(words)
		for _, w := range slices.Compact(words) {
			set[w]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.MapError(err)
	}
	v := &vocabulary{words: make([]string, 0, len(set)), grams: map[string][]int32{}}
	for w := range set {
		v.words = append(v.words, w)
	}
	slices.Sort(v.words)
	v.freq = make([]int32, len(v.words))
	for i, w := range v.words {
		v.freq[i] = set[w]
		v.maxFreq = max(v.maxFreq, v.freq[i])
		for _, g := range trigrams(w) {
			v.grams[g] = append(v.grams[g], int32(i))
		}
	}
	return v, nil
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
// common, as people mostly mean the usual word. w itself and the words it
// starts are not corrections. A word some school has is corrected too when
// a far more common word is near it: data has typos as well ("elementry").
func (v *vocabulary) corrections(w string, n int) []string {
	r := []rune(w)
	budget := maxEdits(len(r))
	if budget == 0 {
		return nil
	}
	minFreq := int32(0)
	if c := v.count(w); c > 0 {
		if minFreq = int32(20 * c); minFreq > v.maxFreq {
			return nil // a common word: nothing is common enough to correct it to
		}
	}
	// Each edit breaks at most three trigrams, so a word within budget
	// shares at least this many with w.
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
	type fix struct {
		word   string
		dist   int
		prefix bool
		freq   int32
	}
	var fixes []fix
	for _, i := range touched {
		c := (*counts)[i]
		(*counts)[i] = 0
		word := v.words[i]
		if c < need || v.freq[i] < minFreq || strings.HasPrefix(word, w) {
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
	for _, f := range fixes[:min(n, len(fixes))] {
		out = append(out, f.word)
	}
	return out
}
