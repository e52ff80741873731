package store

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Ranking of school search candidates, in Go so that both engines rank
// alike. It is pure computation over a bounded candidate set.

// Match bands, best first. With a position, the first three count as one
// band ("good matches") ordered by distance.
const (
	tierExact   = iota // the whole name, word for word
	tierPrefix         // the name starts with the text ("albertv")
	tierWords          // every word found as a word or word start, in the name or town
	tierFuzzy          // every word found, some despite typos
	tierPartial        // some words found
	tierNone
)

// searchTokens folds text the way the search indexes do — lower case,
// accents removed — and splits it into words at anything that is not a
// letter or digit ("St. Mary's" → st, mary, s).
func searchTokens(s string) []string { return tokens(s, false) }

// foldTokens folds text as searchTokens does, but an apostrophe inside a
// word joins rather than splits it ("St Mary’s" → st, marys): people type
// ', ’ or none at all, and all three must be the same word.
func foldTokens(s string) []string { return tokens(s, true) }

// isApostrophe reports the characters people and registers write for an
// apostrophe: the typewriter one, the typographic ones (’ and, by mistake,
// ‘) and the modifier letter some keyboards produce.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == 'ʼ'
}

func tokens(s string, joinApostrophes bool) []string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFD.String(s)
	}
	var out []string
	var b strings.Builder
	// joining: an apostrophe was just seen after a letter; the word goes
	// on if a letter or digit follows, and ends otherwise.
	joining := false
	flush := func() {
		joining = false
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			b.WriteByte(byte(r))
			joining = false
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			b.WriteByte(byte(r) + 'a' - 'A')
			joining = false
		case joinApostrophes && isApostrophe(r) && b.Len() > 0 && !joining:
			joining = true
		case r < utf8.RuneSelf:
			flush()
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			joining = false
		default:
			flush()
		}
	}
	flush()
	return out
}

// joinedWords are the words of s that an apostrophe joins ("marys" of "St
// Mary's"), each with the index words it is made of (mary, s): the index
// splits at apostrophes, so a joined word is looked up as its pieces.
func joinedWords(s string) map[string][]string {
	if !strings.ContainsFunc(s, isApostrophe) {
		return nil
	}
	var out map[string][]string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !isApostrophe(r) && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}) {
		parts := searchTokens(w)
		if len(parts) < 2 {
			continue
		}
		for _, j := range foldTokens(w) {
			if j != parts[0] {
				if out == nil {
					out = map[string][]string{}
				}
				out[j] = parts
			}
		}
	}
	return out
}

// postcodeWords are a postal code's words ("LE17 5JL" → le17, 5jl) and,
// when it has several, all of them joined (le175jl), as people also type
// it.
func postcodeWords(pc string) (words []string, joined string) {
	words = searchTokens(pc)
	if len(words) > 1 {
		joined = strings.Join(words, "")
	}
	return words, joined
}

// nameWords are a name's words with apostrophes joining (foldTokens), and
// all the words it may be found by: those and the pieces an apostrophe
// splits them into ("mary's" gives marys, mary and s).
func nameWords(s string) (words, all []string) {
	words = foldTokens(s)
	if !strings.ContainsFunc(s, isApostrophe) {
		return words, words
	}
	all = append(slices.Clone(words), searchTokens(s)...)
	return words, all
}

// Scores of one query word's best match.
const (
	scoreExact     = 1.0
	scorePrefix    = 0.9
	scorePlace     = 0.8 // a word of the town or region, or the postal code
	scoreFuzzy     = 0.7 // minus 0.1 per edit beyond the first
	scoreSubstring = 0.5
)

// rankCandidates sets each candidate's tier and score against the query words qt and
// drops those that match nothing in their name.
func rankCandidates(cands []*candidate, qt []string) []*candidate {
	out := cands[:0]
	for _, c := range cands {
		c.tier, c.score = matchSchool(c, qt)
		if c.tier < tierNone {
			out = append(out, c)
		}
	}
	return out
}

func matchSchool(c *candidate, qt []string) (tier int, score float64) {
	words, name := nameWords(c.Name)
	split := words
	if len(name) > len(words) {
		split = searchTokens(c.Name)
	}
	place := placeWords(c)
	matched, inName, fuzzy, plain := 0, 0, false, true
	weights := 0.0
	for _, q := range qt {
		// Words every other school has ("middle", "school") say less about
		// which school is meant than the rest.
		weight := 1.0
		if genericWords[q] {
			weight = 0.4
		}
		weights += weight
		best := 0.0
		for _, w := range name {
			best = max(best, wordScore(q, w))
		}
		if best > 0 {
			inName++
		}
		for _, w := range place {
			if w == q || (len(q) >= 3 && strings.HasPrefix(w, q)) {
				best = max(best, scorePlace)
			}
		}
		if best > 0 {
			matched++
		}
		if best < scorePlace {
			plain = false
			fuzzy = fuzzy || best > 0
		}
		score += weight * best
	}
	score /= weights
	switch {
	case inName == 0 && matched == len(qt):
		// Only the town, region or postal code: schools in the place typed.
		return tierPartial, score
	case inName == 0:
		return tierNone, 0
	case slices.Equal(words, qt) || slices.Equal(split, qt):
		return tierExact, score
	case isNamePrefix(words, qt) || isNamePrefix(split, qt):
		return tierPrefix, score
	case plain:
		return tierWords, score
	case matched == len(qt) && fuzzy:
		return tierFuzzy, score
	case 2*matched >= len(qt):
		return tierPartial, score
	}
	return tierNone, 0
}

// placeWords are the words of a school's town, region and postal code, the
// postal code also joined ("le175jl").
func placeWords(c *candidate) []string {
	_, place := nameWords(c.City)
	place = append(slices.Clip(place), searchTokens(c.Region)...)
	pc, joined := postcodeWords(c.PostalCode)
	place = append(place, pc...)
	if joined != "" {
		place = append(place, joined)
	}
	return place
}

// isNamePrefix reports whether the name's words start with the query's,
// the last query word possibly unfinished.
func isNamePrefix(words, qt []string) bool {
	if len(qt) > len(words) {
		return false
	}
	last := len(qt) - 1
	return slices.Equal(words[:last], qt[:last]) && strings.HasPrefix(words[last], qt[last])
}

// wordScore is how well query word q matches name word w.
func wordScore(q, w string) float64 {
	switch {
	case q == w:
		return scoreExact
	case strings.HasPrefix(w, q):
		return scorePrefix
	}
	qr, wr := []rune(q), []rune(w)
	budget := maxEdits(len(qr))
	best := 0.0
	if budget > 0 {
		d := editDistance(qr, wr, budget)
		if len(wr) > len(qr) {
			// A typo in a word not yet finished: "albertvl" for "albertville".
			d = min(d, editDistance(qr, wr[:len(qr)], budget))
		}
		if d <= budget {
			best = scoreFuzzy - 0.1*float64(d-1)
		}
	}
	if best == 0 && len(qr) >= 3 && strings.Contains(w, q) {
		best = scoreSubstring
	}
	return best
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// transposition of neighbours), or budget+1 once it must exceed budget.
func editDistance(a, b []rune, budget int) int {
	if d := len(a) - len(b); d > budget || -d > budget {
		return budget + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > budget {
			return budget + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], budget+1)
}

// countGood counts the candidates in the good-match bands.
func countGood(cands []*candidate) int { return countTier(cands, tierWords) }

// countTier counts the candidates in tier or better.
func countTier(cands []*candidate, tier int) int {
	n := 0
	for _, c := range cands {
		if c.tier <= tier {
			n++
		}
	}
	return n
}

// sortCandidates orders by band, then (with a position) by distance, then
// by score, then shorter names — the closer to what was typed — first.
func sortCandidates(cands []*candidate, byDistance bool) {
	band := func(c *candidate) int {
		if byDistance && c.tier <= tierWords {
			return tierWords
		}
		return c.tier
	}
	slices.SortStableFunc(cands, func(a, b *candidate) int {
		if c := cmp.Compare(band(a), band(b)); c != 0 {
			return c
		}
		if byDistance {
			if c := cmpFloat(a.dist, b.dist); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.Name), len(b.Name)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmpInt(a.ID, b.ID)
	})
}

// cmpFloat compares distances, unknown (+Inf) last.
func cmpFloat(a, b float64) int {
	if math.IsInf(a, 1) && math.IsInf(b, 1) {
		return 0
	}
	return cmp.Compare(a, b)
}

func cmpInt(a, b int64) int { return cmp.Compare(a, b) }
