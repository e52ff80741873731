package app

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"cubby/internal/store"
)

// SchoolSearch is a school search as it arrived — from the search page's
// form or the API's query string — so that both are checked alike here.
// Lat and Lon are the searcher's position when they chose to share it:
// used for this one query and never stored or logged.
type SchoolSearch struct {
	Q, Lat, Lon, Limit string
	// Page is which page of Limit results, from 1 (the default).
	Page string
}

// Limits of a school search.
const (
	MaxSchoolQuery       = 200 // characters of the name typed
	DefaultSchoolResults = 20
	MaxSchoolResults     = 50
	// MaxSchoolPages bounds how far one may page: past the first few
	// pages the town or a position finds a school sooner.
	MaxSchoolPages = 10
)

// SchoolResults is one page of a school search.
type SchoolResults struct {
	store.SchoolResults
	Page int // from 1
	// More is that a next page exists (and may be asked for).
	More bool
}

// SearchSchools finds schools by name (typos forgiven), town, postal
// code, by position, or any of these together; anyone may search, logged
// in or not. Bad input is a *ValidationError naming the field: q, lat,
// lon, limit or page.
func (a *App) SearchSchools(ctx context.Context, in SchoolSearch) ([]store.SchoolHit, error) {
	r, err := a.SearchSchoolsPage(ctx, in)
	return r.Hits, err
}

// SearchSchoolsPage is SearchSchools with the page asked for, and whether
// more pages follow and many schools match (so the town, a postal code or
// the searcher's position would help).
func (a *App) SearchSchoolsPage(ctx context.Context, in SchoolSearch) (SchoolResults, error) {
	sq, err := parseSchoolSearch(in)
	if err != nil {
		return SchoolResults{}, err
	}
	r, err := store.SearchSchoolsPage(ctx, a.db.R, a.db.Dialect, sq)
	page := sq.Offset/sq.Limit + 1
	return SchoolResults{SchoolResults: r, Page: page, More: r.More && page < MaxSchoolPages}, err
}

// WarmSchoolSearch reads the directory's word list, which typo tolerance
// and common names need, so that the first search after a start does not
// wait for it; a server runs it in the background as it starts.
func (a *App) WarmSchoolSearch(ctx context.Context) {
	start := time.Now()
	if err := store.WarmSchoolSearch(ctx, a.db.R); err != nil {
		a.Log.Warn("school search: reading the word list", "err", err)
		return
	}
	a.Log.Info("school search: word list read", "ms", time.Since(start).Milliseconds())
}

func parseSchoolSearch(in SchoolSearch) (store.SchoolQuery, error) {
	ve := &ValidationError{}
	sq := store.SchoolQuery{Text: strings.TrimSpace(in.Q), Limit: DefaultSchoolResults}
	if utf8.RuneCountInString(sq.Text) > MaxSchoolQuery {
		ve.Add("q", "schools.q_too_long", "max", MaxSchoolQuery)
	} else if sq.Text != "" && !hasSearchableWord(sq.Text) {
		ve.Add("q", "schools.q_too_short")
	}
	lat, latErr := coordinate(in.Lat, 90)
	lon, lonErr := coordinate(in.Lon, 180)
	if latErr {
		ve.Add("lat", "schools.lat_invalid")
	}
	if lonErr {
		ve.Add("lon", "schools.lon_invalid")
	}
	switch {
	case latErr || lonErr:
	case lat == nil && lon != nil:
		ve.Add("lat", "schools.lat_lon_pair")
	case lat != nil && lon == nil:
		ve.Add("lon", "schools.lat_lon_pair")
	case lat != nil:
		sq.Lat, sq.Lon = lat, lon
	}
	if sq.Text == "" && strings.TrimSpace(in.Lat) == "" && strings.TrimSpace(in.Lon) == "" {
		ve.Add("q", "schools.q_required")
	}
	if s := strings.TrimSpace(in.Limit); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxSchoolResults {
			ve.Add("limit", "validation.invalid_limit", "max", MaxSchoolResults)
		}
		sq.Limit = n
	}
	if s := strings.TrimSpace(in.Page); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxSchoolPages {
			ve.Add("page", "schools.page_invalid", "max", MaxSchoolPages)
		}
		sq.Offset = (max(n, 1) - 1) * sq.Limit
	}
	return sq, ve.Err()
}

// coordinate parses a latitude or longitude; empty is no value, anything
// that is not a finite number within ±limit is bad.
func coordinate(s string, limit float64) (v *float64, bad bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < -limit || f > limit {
		return nil, true
	}
	return &f, false
}

// hasSearchableWord reports whether q has a word of two or more letters or
// digits: a single letter or only punctuation cannot be looked up.
func hasSearchableWord(q string) bool {
	n := 0
	for _, r := range q {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if n++; n >= 2 {
				return true
			}
		case unicode.Is(unicode.Mn, r):
		default:
			n = 0
		}
	}
	return false
}
