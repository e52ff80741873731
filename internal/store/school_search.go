package store

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"

	"cubby/internal/db"
)

// School search: how people find their school when they join. The engines
// differ only in how they fetch candidates — FTS5 and an R*Tree on SQLite,
// a tsvector index and GiST KNN on PostgreSQL (00004_school_search.*.sql) —
// while spelling correction and ranking happen here in Go on a bounded
// candidate set, so both engines give the same answer to the same question.

// SchoolQuery is one school search: free text, a position, or both. The
// position is used for this query only; nothing here stores or logs it.
type SchoolQuery struct {
	Text     string
	Lat, Lon *float64
	Limit    int
	// Offset skips that many results: Offset/Limit pages of them.
	Offset int
}

// SchoolHit is one search result.
type SchoolHit struct {
	ID         int64
	Name       string
	City       string
	Region     string
	PostalCode string
	Country    string
	// DistanceM is the great-circle distance from the searcher in metres,
	// or nil when the query had no position or the school has none.
	DistanceM *float64
}

// SchoolResults is one page of a school search.
type SchoolResults struct {
	Hits []SchoolHit
	// More: results follow this page.
	More bool
	// Many: more schools have every word typed than a page shows, so the
	// town, a postal code or the searcher's position would narrow them.
	Many bool
}

// How many candidates each step may fetch. Ranking is only as good as the
// candidates, so these are generous; they also bound a query's cost
// whatever the text.
const (
	textCandidates    = 300
	nearCandidates    = 100  // with a position, the nearest matches read at least
	partialCandidates = 100  // the weakest band needs only enough to fill a page
	maxNearbyMatches  = 1500 // without the word list, matches sorted by distance at most
	maxCorrections    = 8    // spellings tried per misspelt word
	maxExpansions     = 40   // words a typed word start may stand for
)

// SearchSchools is SearchSchoolsPage's first page, its hits only.
func SearchSchools(ctx context.Context, q db.Querier, d db.Dialect, sq SchoolQuery) ([]SchoolHit, error) {
	r, err := SearchSchoolsPage(ctx, q, d, sq)
	return r.Hits, err
}

// SearchSchoolsPage ranks schools for q: exact names first, then names that
// start with the text, then all words found (in the name, town or postal
// code), then names found despite typos ("albertvile middle" finds
// Albertville Middle School), then partial matches. With a position,
// nearer schools come first within each of those bands (the first three
// counting as one: all good matches), and a position alone lists the
// nearest schools. However many schools share the words typed, the best of
// them are listed: never none when some school has every word.
//
// Typo tolerance and choosing among many matches need the words of all
// schools, which are read once and kept in memory per database (see
// schoolWords); q must then be the *sql.DB the search runs on, as it is
// outside transactions. Inside one, misspelt words simply find nothing and
// a common name finds some of its schools, not the best.
func SearchSchoolsPage(ctx context.Context, q db.Querier, d db.Dialect, sq SchoolQuery) (SchoolResults, error) {
	if sq.Limit <= 0 {
		return SchoolResults{}, nil
	}
	sq.Offset = max(sq.Offset, 0)
	want := sq.Offset + sq.Limit
	qt := foldTokens(sq.Text)
	hasPos := sq.Lat != nil && sq.Lon != nil
	switch {
	case len(qt) == 0 && hasPos:
		near, err := nearest(ctx, q, d, *sq.Lat, *sq.Lon, want+1)
		if err != nil {
			return SchoolResults{}, err
		}
		return resultsPage(near, sq, false), nil
	case len(qt) == 0:
		return SchoolResults{}, nil
	}
	var from *[2]float64
	if hasPos {
		from = &[2]float64{*sq.Lat, *sq.Lon}
	}
	cands, matched, err := textCandidatesFor(ctx, q, d, qt, want, from)
	if err != nil {
		return SchoolResults{}, err
	}
	if hasPos {
		for _, c := range cands {
			c.setDistance(*sq.Lat, *sq.Lon)
		}
	}
	sortCandidates(cands, hasPos)
	return resultsPage(cands, sq, matched > sq.Limit), nil
}

// textCandidatesFor gathers ranked candidates for the query words in up to
// three steps, each run only while too few good matches are found: every
// word as typed (each may be the start of a word); then with each word
// also standing for the words of school names it is a typo or two away
// from; then only the distinctive words, dropping "school", "middle" and
// the like, for partial matches. With from (the searcher's position), each
// step keeps the matches nearest to it. matched is how many schools have
// every word, as typed or corrected.
func textCandidatesFor(ctx context.Context, q db.Querier, d db.Dialect, qt []string, want int, from *[2]float64) (cands []*candidate, matched int, err error) {
	vocab, err := schoolWords(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	n := max(textCandidates, 2*want)
	if from != nil {
		n = max(nearCandidates, 3*want)
	}
	var asTyped []searchTerm
	for i, w := range qt {
		if len([]rune(w)) < 2 && !hasDigit(w) {
			continue // one letter is left to ranking; one digit is looked for ("School 5")
		}
		t := searchTerm{typed: w, prefix: true}
		switch {
		case vocab == nil:
		case i < len(qt)-1 && vocab.has(w):
			// A finished word: only the last one may still be being typed.
			t.prefix, t.words = false, []string{w}
		case len([]rune(w)) > 5:
			// SQLite's index answers "starts with" quickly for two to five
			// letters (its prefix indexes); longer starts are looked up
			// here and asked for as whole words. A word the vocabulary
			// does not know yet (a school renamed a minute ago) is still
			// asked for as typed.
			if words, all := vocab.withPrefix(w, maxExpansions); all && len(words) > 0 {
				t.prefix, t.words = false, words
			}
		}
		asTyped = append(asTyped, t)
	}
	if len(asTyped) == 0 {
		return nil, 0, nil
	}
	found, matched, err := textSearch(ctx, q, d, vocab, asTyped, from, n)
	if err != nil {
		return nil, 0, err
	}
	cands = rankCandidates(found, qt)
	if countGood(cands) >= want || vocab == nil {
		return cands, matched, nil
	}
	var corrected, distinct []searchTerm
	changed, dropped := false, false
	// Nothing good as typed: a word some school has may still be a typo
	// of a commoner one ("pont" for "point").
	lenient := countGood(cands) == 0
	for _, t := range asTyped {
		if genericWords[t.typed] {
			dropped = true
		} else if t.prefix || len(t.words) > 0 {
			// Partial matches keep to what was typed: with corrections
			// too, a lone word's near-misses would match half the country.
			distinct = append(distinct, t)
		}
		// A word no school has is taken for a typo, even when it starts
		// some school's word ("schol" of "scholars": maybe "school").
		if fixes := vocab.corrections(t.typed, maxCorrections, !t.prefix, lenient); len(fixes) > 0 {
			changed = true
			t.words = append(slices.Clip(t.words), fixes...)
		}
		if !t.prefix && len(t.words) == 0 {
			continue // no school has anything like it; ranking still sees it
		}
		corrected = append(corrected, t)
	}
	if changed && len(corrected) > 0 {
		found, m, err := textSearch(ctx, q, d, vocab, corrected, from, n)
		if err != nil {
			return nil, 0, err
		}
		matched = max(matched, m)
		cands = mergeCandidates(cands, rankCandidates(found, qt))
	}
	if dropped && len(distinct) > 0 && countTier(cands, tierFuzzy) < want {
		found, _, err := textSearch(ctx, q, d, vocab, distinct, from, max(partialCandidates, want))
		if err != nil {
			return nil, 0, err
		}
		cands = mergeCandidates(cands, rankCandidates(found, qt))
	}
	return cands, matched, nil
}

// genericWords are words so many school names share that they say little
// about which school is meant.
var genericWords = map[string]bool{
	"school": true, "schools": true, "elementary": true, "elem": true, "middle": true, "high": true,
	"academy": true, "primary": true, "junior": true, "senior": true, "charter": true, "public": true,
	"the": true, "and": true, "of": true, "for": true, "center": true, "centre": true, "learning": true,
	"early": true, "childhood": true, "intermediate": true, "preparatory": true, "prep": true,
	"community": true, "county": true, "district": true, "magnet": true, "international": true,
	"christian": true, "catholic": true, "montessori": true, "saint": true, "st": true, "sch": true,
	"el": true, "hs": true, "ms": true, "es": true, "education": true, "secondary": true, "upper": true,
	"lower": true, "institute": true, "kindergarten": true, "preschool": true, "day": true,
	"program": true, "alternative": true, "grade": true, "campus": true, "collegiate": true,
}

// searchTerm is one query word as the index is asked for it: any of words
// (whole words), or, with prefix, any word starting with typed, or all the
// words of one of groups (the pieces of a joined word: mary and s for
// marys, as the index splits "Mary's").
type searchTerm struct {
	typed  string
	prefix bool
	words  []string
	groups [][]string
}

// withParts adds to each term the pieces of the joined words it stands
// for, and of those that what is being typed starts.
func withParts(v *vocabulary, terms []searchTerm) []searchTerm {
	if v == nil || len(v.parts) == 0 {
		return terms
	}
	out := make([]searchTerm, len(terms))
	for i, t := range terms {
		t.groups = nil
		for _, w := range t.words {
			if p, ok := v.parts[w]; ok {
				t.groups = append(t.groups, p)
			}
		}
		if t.prefix {
			for _, j := range v.joinedWithPrefix(t.typed, maxExpansions) {
				t.groups = append(t.groups, v.parts[j])
			}
		}
		out[i] = t
	}
	return out
}

// candidate is a school being ranked.
type candidate struct {
	SchoolHit
	lat, lon sql.NullFloat64
	tier     int
	score    float64
	dist     float64 // metres; +Inf when unknown
}

func (c *candidate) setDistance(lat, lon float64) {
	c.dist = math.Inf(1)
	if c.lat.Valid && c.lon.Valid {
		c.dist = haversine(lat, lon, c.lat.Float64, c.lon.Float64)
	}
}

const candidateColumns = `s.id, s.name, s.city, s.region, s.postal_code, s.country, s.lat, s.lon`

func scanCandidates(rows *sql.Rows) ([]*candidate, error) {
	defer rows.Close()
	var out []*candidate
	for rows.Next() {
		c := &candidate{dist: math.Inf(1)}
		if err := rows.Scan(&c.ID, &c.Name, &c.City, &c.Region, &c.PostalCode, &c.Country, &c.lat, &c.lon); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}

// textSearch fetches up to n schools whose name, town or postal code has
// every term: all of them when they are no more, the nearest to from or
// (without from) the likeliest best when they are (see schoolIndex).
// matched is how many schools have every term. Few matches are read from
// the database's text index, ids first and the rows by id after, which
// keeps each engine's planner on its indexes (a join can tempt PostgreSQL
// into scanning the whole table).
func textSearch(ctx context.Context, q db.Querier, d db.Dialect, v *vocabulary, terms []searchTerm, from *[2]float64, n int) (cands []*candidate, matched int, err error) {
	if v != nil {
		mt := v.memTerms(terms)
		if m := v.matching(mt); len(m) > n {
			var ids []int64
			if from != nil {
				ids = v.nearestOf(m, *from, n)
			} else {
				ids = v.best(m, mt, n)
			}
			cands, err := schoolsByID(ctx, q, d, ids)
			return cands, len(m), err
		}
	}
	limit := n
	if from != nil {
		limit = maxNearbyMatches
	}
	ids, err := matchIDs(ctx, q, d, withParts(v, terms), limit+1)
	if err != nil {
		return nil, 0, err
	}
	matched = len(ids)
	// More than limit only without the word list (in a transaction): some
	// of them, then.
	ids = ids[:min(len(ids), limit)]
	if from != nil && len(ids) > n {
		if ids, err = nearestOf(ctx, q, d, ids, *from, n); err != nil {
			return nil, 0, err
		}
	}
	cands, err = schoolsByID(ctx, q, d, ids)
	return cands, matched, err
}

// matchIDs returns the ids of up to limit schools whose name, town or
// postal code has every term.
func matchIDs(ctx context.Context, q db.Querier, d db.Dialect, terms []searchTerm, limit int) ([]int64, error) {
	match, expr, ok := textMatch(d, terms)
	if !ok {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, match+` LIMIT $2`, expr, limit)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.MapError(err)
		}
		ids = append(ids, id)
	}
	return ids, db.MapError(rows.Err())
}

// textMatch is the engine's query for the ids of schools whose name, town
// or postal code has every term, the full-text expression being parameter $1 — the
// engine's query syntax, built from words that are alphanumeric
// (searchTokens) yet quoted all the same. ok is false when some term can
// match nothing.
func textMatch(d db.Dialect, terms []searchTerm) (query, expr string, ok bool) {
	quote := func(w string, prefix bool) string { // FTS5: ("schol"* OR "school") AND "elem"*
		w = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		if prefix {
			w += "*"
		}
		return w
	}
	or, and := " OR ", " AND "
	query = `SELECT rowid FROM schools_fts WHERE schools_fts MATCH $1`
	if d == db.Postgres {
		quote = func(w string, prefix bool) string { // tsquery: ('schol':* | 'school') & 'elem':*
			w = "'" + strings.ReplaceAll(w, "'", "''") + "'"
			if prefix {
				w += ":*"
			}
			return w
		}
		or, and = " | ", " & "
		query = `SELECT id FROM schools_fts WHERE school_search_words(name, city, postal_code) @@ CAST($1 AS tsquery)`
	}
	var b strings.Builder
	for i, t := range terms {
		var alts []string
		if t.prefix {
			alts = append(alts, quote(t.typed, true))
		}
		for _, w := range t.words {
			alts = append(alts, quote(w, false))
		}
		for _, g := range t.groups {
			parts := make([]string, len(g))
			for k, w := range g {
				parts[k] = quote(w, false)
			}
			alts = append(alts, "("+strings.Join(parts, and)+")")
		}
		if len(alts) == 0 {
			return "", "", false
		}
		if i > 0 {
			b.WriteString(and)
		}
		b.WriteString("(" + strings.Join(alts, or) + ")")
	}
	return query, b.String(), len(terms) > 0
}

// resultsPage is the page of sorted candidates sq asks for.
func resultsPage(cands []*candidate, sq SchoolQuery, many bool) SchoolResults {
	r := SchoolResults{Many: many, More: len(cands) > sq.Offset+sq.Limit}
	if sq.Offset >= len(cands) {
		return r
	}
	page := cands[sq.Offset:min(len(cands), sq.Offset+sq.Limit)]
	r.Hits = make([]SchoolHit, 0, len(page))
	for _, c := range page {
		h := c.SchoolHit
		if !math.IsInf(c.dist, 1) {
			m := math.Round(c.dist)
			h.DistanceM = &m
		}
		r.Hits = append(r.Hits, h)
	}
	return r
}

// mergeCandidates adds the candidates of b that a lacks.
func mergeCandidates(a, b []*candidate) []*candidate {
	seen := make(map[int64]bool, len(a))
	for _, c := range a {
		seen[c.ID] = true
	}
	for _, c := range b {
		if !seen[c.ID] {
			seen[c.ID] = true
			a = append(a, c)
		}
	}
	return a
}
