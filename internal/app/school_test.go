package app

import (
	"strings"
	"testing"
)

// Every way a search can be asked wrongly gets its field and message; the
// right ways pass through.
func TestParseSchoolSearch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   SchoolSearch
		errs map[string]string // field → message key; nil = valid
	}{
		{"name", SchoolSearch{Q: "albertvile middle"}, nil},
		{"position", SchoolSearch{Lat: "34.26", Lon: "-86.2"}, nil},
		{"both and a limit", SchoolSearch{Q: "lincoln", Lat: "-90", Lon: "180", Limit: "50"}, nil},
		{"nothing", SchoolSearch{}, map[string]string{"q": "schools.q_required"}},
		{"only spaces", SchoolSearch{Q: "   "}, map[string]string{"q": "schools.q_required"}},
		{"too long", SchoolSearch{Q: strings.Repeat("a", 10_000)}, map[string]string{"q": "schools.q_too_long"}},
		{"201 characters", SchoolSearch{Q: strings.Repeat("é", 201)}, map[string]string{"q": "schools.q_too_long"}},
		{"200 characters", SchoolSearch{Q: strings.Repeat("é", 200)}, nil},
		{"one letter", SchoolSearch{Q: "a"}, map[string]string{"q": "schools.q_too_short"}},
		{"punctuation", SchoolSearch{Q: "?!-", Lat: "1", Lon: "1"}, map[string]string{"q": "schools.q_too_short"}},
		{"lat out of range", SchoolSearch{Lat: "90.0001", Lon: "0"}, map[string]string{"lat": "schools.lat_invalid"}},
		{"lon out of range", SchoolSearch{Lat: "0", Lon: "-181"}, map[string]string{"lon": "schools.lon_invalid"}},
		{"not numbers", SchoolSearch{Lat: "north", Lon: "1e999"}, map[string]string{"lat": "schools.lat_invalid", "lon": "schools.lon_invalid"}},
		{"NaN", SchoolSearch{Q: "xyz", Lat: "NaN", Lon: "1"}, map[string]string{"lat": "schools.lat_invalid"}},
		{"only lat", SchoolSearch{Lat: "1"}, map[string]string{"lon": "schools.lat_lon_pair"}},
		{"only lon", SchoolSearch{Q: "lincoln", Lon: "1"}, map[string]string{"lat": "schools.lat_lon_pair"}},
		{"limit zero", SchoolSearch{Q: "lincoln", Limit: "0"}, map[string]string{"limit": "validation.invalid_limit"}},
		{"limit too big", SchoolSearch{Q: "lincoln", Limit: "51"}, map[string]string{"limit": "validation.invalid_limit"}},
		{"limit not a number", SchoolSearch{Q: "lincoln", Limit: "ten"}, map[string]string{"limit": "validation.invalid_limit"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sq, err := parseSchoolSearch(tc.in)
			if tc.errs == nil {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				if (sq.Lat != nil) != (tc.in.Lat != "") || sq.Limit < 1 || sq.Limit > MaxSchoolResults {
					t.Errorf("parsed %+v", sq)
				}
				return
			}
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("error %v, want a ValidationError", err)
			}
			if len(ve.Fields) != len(tc.errs) {
				t.Errorf("fields %v, want %v", ve.Fields, tc.errs)
			}
			for field, key := range tc.errs {
				if ve.Fields[field].Key != key {
					t.Errorf("%s: %q, want %q", field, ve.Fields[field].Key, key)
				}
			}
		})
	}
}
