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
	textCandidates   = 300
	maxNearbyMatches = 3000 // matches sorted by distance before looking near the searcher instead
	nearCandidates   = 400
	maxNearbyScan    = 6400
	maxCorrections   = 8  // spellings tried per misspelt word
	maxExpansions    = 40 // words a typed word start may stand for
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
	found, truncated, err := textSearch(ctx, q, d, asTyped, from)
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
		if genericWords[t.typed] {
			dropped = true
		} else {
			distinct = append(distinct, t)
		}
	}
	// The later steps keep the nearest matches too, or, should those be
	// too many to sort, any.
	more := func(terms []searchTerm) error {
		found, over, err := textSearch(ctx, q, d, terms, from)
		if err == nil && over {
			found, _, err = textSearch(ctx, q, d, terms, nil)
		}
		cands = mergeCandidates(cands, rankCandidates(found, qt))
		return err
	}
	if changed && len(corrected) > 0 {
		if err := more(corrected); err != nil {
			return nil, false, err
		}
	}
	if dropped && len(distinct) > 0 && countTier(cands, tierFuzzy) < limit {
		if err := more(distinct); err != nil {
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

// textSearch fetches schools whose name or city has every term: up to
// textCandidates of them, or with from, the textCandidates nearest to it
// among up to maxNearbyMatches. truncated reports that more schools
// matched than that.
func textSearch(ctx context.Context, q db.Querier, d db.Dialect, terms []searchTerm, from *[2]float64) ([]*candidate, bool, error) {
	match, expr, ok := textMatch(d, terms)
	if !ok {
		return nil, false, nil
	}
	if from != nil {
		return textSearchNear(ctx, q, d, match, expr, *from)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+candidateColumns+` FROM schools s WHERE s.id IN (`+match+` LIMIT $2)`, expr, textCandidates+1)
	if err != nil {
		return nil, false, db.MapError(err)
	}
	cands, err := scanCandidates(rows)
	if err != nil {
		return nil, false, err
	}
	return cands, len(cands) > textCandidates, nil
}

// textSearchNear reads only the positions of the matches, then whole rows
// of the nearest.
func textSearchNear(ctx context.Context, q db.Querier, d db.Dialect, match, expr string, from [2]float64) ([]*candidate, bool, error) {
	// Counting in the index first is cheap, and spares reading thousands
	// of positions only to give up.
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM (`+match+` LIMIT $2) m`, expr, maxNearbyMatches+1).Scan(&n); err != nil {
		return nil, false, db.MapError(err)
	}
	if n > maxNearbyMatches {
		return nil, true, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.lat, s.lon FROM schools s WHERE s.id IN (`+match+` LIMIT $2)`, expr, maxNearbyMatches+1)
	if err != nil {
		return nil, false, db.MapError(err)
	}
	type point struct {
		id   int64
		dist float64
	}
	var pts []point
	for rows.Next() {
		var p point
		var lat, lon sql.NullFloat64
		if err := rows.Scan(&p.id, &lat, &lon); err != nil {
			rows.Close()
			return nil, false, db.MapError(err)
		}
		p.dist = math.Inf(1)
		if lat.Valid && lon.Valid {
			p.dist = haversine(from[0], from[1], lat.Float64, lon.Float64)
		}
		pts = append(pts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, db.MapError(err)
	}
	slices.SortFunc(pts, func(a, b point) int { return cmpFloat(a.dist, b.dist) })
	ids := make([]int64, 0, textCandidates)
	for _, p := range pts[:min(len(pts), textCandidates)] {
		ids = append(ids, p.id)
	}
	cands, err := schoolsByID(ctx, q, d, ids, nil)
	return cands, false, err
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
