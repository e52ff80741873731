package app

import (
	"context"
	"math"
	"strconv"
	"strings"
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
}

// Limits of a school search.
const (
	MaxSchoolQuery       = 200 // characters of the name typed
	DefaultSchoolResults = 20
	MaxSchoolResults     = 50
)

// SearchSchools finds schools by name (typos forgiven), by position, or
// both; anyone may search, logged in or not. Bad input is a
// *ValidationError naming the field: q, lat, lon or limit.
func (a *App) SearchSchools(ctx context.Context, in SchoolSearch) ([]store.SchoolHit, error) {
	sq, err := parseSchoolSearch(in)
	if err != nil {
		return nil, err
	}
	return store.SearchSchools(ctx, a.DB.R, a.DB.Dialect, sq)
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
