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

// How many candidates each step may fetch. Ranking is only as good as the
// candidates, so these are generous; they also bound a query's cost
// whatever the text.
const (
	textCandidates    = 300
	partialCandidates = 100  // the weakest band needs only enough to fill a page
	maxNearbyMatches  = 1500 // matches sorted by distance before looking near the searcher instead
	nearCandidates    = 400
	maxNearbyScan     = 6400
	maxCorrections    = 8  // spellings tried per misspelt word
	maxExpansions     = 40 // words a typed word start may stand for
)

// SearchSchools ranks schools for q: exact names first, then names that
// start with the text, then all words found, then names found despite typos
// ("albertvile middle" finds Albertville Middle School), then partial
// matches. With a position, nearer schools come first within each of those
// bands (the first three counting as one: all good matches), and a
// position alone lists the nearest schools.
//
// Typo tolerance needs the words of all school names, which are read once
// and kept in memory per database (see schoolWords); q must then be the
// *sql.DB the search runs on, as it is outside transactions. Inside one,
// misspelt words simply find nothing.
func SearchSchools(ctx context.Context, q db.Querier, d db.Dialect, sq SchoolQuery) ([]SchoolHit, error) {
	if sq.Limit <= 0 {
		return nil, nil
	}
	qt := searchTokens(sq.Text)
	hasPos := sq.Lat != nil && sq.Lon != nil
	switch {
	case len(qt) == 0 && hasPos:
		near, err := nearest(ctx, q, d, *sq.Lat, *sq.Lon, sq.Limit)
		if err != nil {
			return nil, err
		}
		return schoolHits(near, sq.Limit), nil
	case len(qt) == 0:
		return nil, nil
	}
	var from *[2]float64
	if hasPos {
		from = &[2]float64{*sq.Lat, *sq.Lon}
	}
	cands, truncated, err := textCandidatesFor(ctx, q, d, qt, sq.Limit, from)
	if err != nil {
		return nil, err
	}
	if hasPos {
		if truncated {
			// Words so common ("elementary") that their matches are too
			// many even to sort by distance are looked for among the
			// schools nearest the searcher instead, in a widening circle.
			for n := nearCandidates; ; n *= 2 {
				ids, err := nearestIDs(ctx, q, d, *sq.Lat, *sq.Lon, n)
				if err != nil {
					return nil, err
				}
				near, err := schoolsByID(ctx, q, d, ids, qt)
				if err != nil {
					return nil, err
				}
				local := rankCandidates(near, qt)
				if countGood(local) >= sq.Limit || len(ids) < n || n >= maxNearbyScan {
					cands = mergeCandidates(cands, local)
					break
				}
			}
		}
		for _, c := range cands {
			c.setDistance(*sq.Lat, *sq.Lon)
		}
	}
	sortCandidates(cands, hasPos)
	return schoolHits(cands, sq.Limit), nil
}

// textCandidatesFor gathers ranked candidates for the query words in up to
// three steps, each run only while too few good matches are found: every
// word as typed (each may be the start of a word); then with each word
// also standing for the words of school names it is a typo or two away
// from; then only the distinctive words, dropping "school", "middle" and
// the like, for partial matches. With from (the searcher's position), the
// first step keeps the matches nearest to it. truncated reports that the
// first step matched more schools than it could fetch (or, with from, sort
// by distance).
func textCandidatesFor(ctx context.Context, q db.Querier, d db.Dialect, qt []string, limit int, from *[2]float64) (cands []*candidate, truncated bool, err error) {
	vocab, err := schoolWords(ctx, q)
	if err != nil {
		return nil, false, err
	}
	var asTyped []searchTerm
	for i, w := range qt {
		if len([]rune(w)) < 2 {
			continue // one letter is left to ranking
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
		return nil, false, nil
	}
	found, truncated, err := textSearch(ctx, q, d, asTyped, from, textCandidates)
	if err != nil || truncated && from != nil {
		return nil, truncated, err
	}
	cands = rankCandidates(found, qt)
	if countGood(cands) >= limit || vocab == nil {
		return cands, truncated, nil
	}
	var corrected, distinct []searchTerm
	changed, dropped := false, false
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
		if fixes := vocab.corrections(t.typed, maxCorrections); len(fixes) > 0 {
			changed = true
			t.words = append(slices.Clip(t.words), fixes...)
		}
		if !t.prefix && len(t.words) == 0 {
			continue // no school has anything like it; ranking still sees it
		}
		corrected = append(corrected, t)
	}
	// Corrected words keep to the nearest matches too (or, should those
	// be too many to sort, any); partial matches, the weakest band, are
	// taken from anywhere.
	more := func(terms []searchTerm, from *[2]float64, n int) error {
		found, over, err := textSearch(ctx, q, d, terms, from, n)
		if err == nil && over {
			found, _, err = textSearch(ctx, q, d, terms, nil, n)
		}
		cands = mergeCandidates(cands, rankCandidates(found, qt))
		return err
	}
	if changed && len(corrected) > 0 {
		if err := more(corrected, from, textCandidates); err != nil {
			return nil, false, err
		}
	}
	if dropped && len(distinct) > 0 && countTier(cands, tierFuzzy) < limit {
		if err := more(distinct, nil, partialCandidates); err != nil {
			return nil, false, err
		}
	}
	return cands, truncated, nil
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

// searchTerm is one query word as the index is asked for it: any of words (whole
// words), or, with prefix, any word starting with typed.
type searchTerm struct {
	typed  string
	prefix bool
	words  []string
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

// textSearch fetches schools whose name or city has every term: up to n of
// them, or with from, the n nearest to it among up to maxNearbyMatches.
// truncated reports that more schools matched than that. The ids come
// from the text index first and the rows by id after, which keeps each
// engine's planner on its indexes (a join can tempt PostgreSQL into
// scanning the whole table).
func textSearch(ctx context.Context, q db.Querier, d db.Dialect, terms []searchTerm, from *[2]float64, n int) ([]*candidate, bool, error) {
	limit := n
	if from != nil {
		limit = maxNearbyMatches
	}
	ids, err := matchIDs(ctx, q, d, terms, limit+1)
	if err != nil || len(ids) > limit {
		return nil, len(ids) > limit, err
	}
	if from != nil && len(ids) > n {
		if ids, err = nearestOf(ctx, q, d, ids, *from, n); err != nil {
			return nil, false, err
		}
	}
	cands, err := schoolsByID(ctx, q, d, ids, nil)
	return cands, false, err
}

// matchIDs returns the ids of up to limit schools whose name or city has
// every term.
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

// textMatch is the engine's query for the ids of schools whose name or
// city has every term, the full-text expression being parameter $1 — the
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
		query = `SELECT id FROM schools_fts WHERE school_search_words(name, city) @@ CAST($1 AS tsquery)`
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

func schoolHits(cands []*candidate, limit int) []SchoolHit {
	out := make([]SchoolHit, 0, min(limit, len(cands)))
	for _, c := range cands[:min(limit, len(cands))] {
		h := c.SchoolHit
		if !math.IsInf(c.dist, 1) {
			m := math.Round(c.dist)
			h.DistanceM = &m
		}
		out = append(out, h)
	}
	return out
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
