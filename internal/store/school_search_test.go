package store_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// searchFixture is a small school directory with the traps a real one has:
// near-identical names in different states, names in capitals, accents,
// apostrophes, and a town called like a school.
var searchFixture = []struct {
	name, city, region string
	lat, lon           float64
}{
	{"Albertville Middle School", "ALBERTVILLE", "AL", 34.260194, -86.206174},
	{"Albertville High School", "ALBERTVILLE", "AL", 34.262154, -86.204863},
	{"Evans Elementary School", "ALBERTVILLE", "AL", 34.273161, -86.220086},
	{"Albertville Elementary School", "ALBERTVILLE", "AL", 34.253251, -86.221834},
	{"Boaz Middle School", "BOAZ", "AL", 34.205, -86.155},
	{"St. Michael-Albertville Middle West", "ALBERTVILLE", "MN", 45.2374, -93.6544},
	{"ST. MICHAEL-ALBERTVILLE MIDDLE EAST", "SAINT MICHAEL", "MN", 45.2091, -93.6653},
	{"Lincoln Magnet School", "SPRINGFIELD", "IL", 39.7981, -89.6419},
	{"Lincoln Elementary School", "CANTON", "IL", 40.5731, -90.0354},
	{"Springfield High School", "SPRINGFIELD", "IL", 39.7997, -89.6750},
	{"Escuela José de Diego", "BAYAMÓN", "PR", 18.3985, -66.1557},
	{"ST MARY'S SCHOOL", "BOISE", "ID", 43.6150, -116.2023},
	{"Maplewood Academy", "", "VT", math.NaN(), math.NaN()},
}

func seedSearch(t *testing.T, d db.Dialect) *db.DB {
	t.Helper()
	database := dbtest.Open(t, d)
	ctx := context.Background()
	for i, f := range searchFixture {
		s := &store.School{Name: f.name, City: f.city, Region: f.region, Country: "US", Source: "test",
			SourceID: fmt.Sprint(i), CreatedAt: time.Now().UTC()}
		if !math.IsNaN(f.lat) {
			s.Lat, s.Lon = &f.lat, &f.lon
		}
		if err := store.CreateSchool(ctx, database.W, s); err != nil {
			t.Fatal(err)
		}
	}
	return database
}

func names(hits []store.SchoolHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Name
	}
	return out
}

func ptr(f float64) *float64 { return &f }

// The ranking contract, on every engine: what comes first for what people
// type, with and without their position.
func TestSearchSchoolsRanking(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		q        store.SchoolQuery
		first    []string // the results must start with these, in order
		absent   []string // and must not contain these
		distance bool     // results carry distances
	}{
		{name: "typo in two words", q: store.SchoolQuery{Text: "albertvile middle"},
			first: []string{"Albertville Middle School"}},
		{name: "typos everywhere", q: store.SchoolQuery{Text: "albertvill midle schol"},
			first: []string{"Albertville Middle School"}},
		{name: "exact name first", q: store.SchoolQuery{Text: "Albertville High School"},
			first: []string{"Albertville High School"}},
		{name: "unfinished word", q: store.SchoolQuery{Text: "albertv"},
			absent: []string{"Boaz Middle School", "Lincoln Magnet School"}},
		{name: "name starts before word starts", q: store.SchoolQuery{Text: "albertville m"},
			first: []string{"Albertville Middle School"}},
		{name: "nearest with typo and position", q: store.SchoolQuery{Text: "albertvile middle", Lat: ptr(45.22), Lon: ptr(-93.66)},
			first: []string{"ST. MICHAEL-ALBERTVILLE MIDDLE EAST", "St. Michael-Albertville Middle West", "Albertville Middle School"}, distance: true},
		{name: "position only", q: store.SchoolQuery{Lat: ptr(34.2), Lon: ptr(-86.15)},
			first: []string{"Boaz Middle School", "Albertville Middle School"}, absent: []string{"Maplewood Academy"}, distance: true},
		{name: "good matches by distance", q: store.SchoolQuery{Text: "middle", Lat: ptr(34.2), Lon: ptr(-86.15)},
			first: []string{"Boaz Middle School", "Albertville Middle School"}, distance: true},
		{name: "name before town", q: store.SchoolQuery{Text: "springfield"},
			first: []string{"Springfield High School", "Lincoln Magnet School"}},
		{name: "town narrows", q: store.SchoolQuery{Text: "lincoln springfield"},
			first: []string{"Lincoln Magnet School"}},
		{name: "typo in a short word", q: store.SchoolQuery{Text: "lincon"},
			first: []string{"Lincoln Magnet School"}},
		{name: "accents folded", q: store.SchoolQuery{Text: "jose diego bayamon"},
			first: []string{"Escuela José de Diego"}},
		{name: "apostrophe optional", q: store.SchoolQuery{Text: "st marys"},
			first: []string{"ST MARY'S SCHOOL"}},
		{name: "capitals do not matter", q: store.SchoolQuery{Text: "ST. MICHAEL ALBERTVILLE MIDDLE EAST"},
			first: []string{"ST. MICHAEL-ALBERTVILLE MIDDLE EAST"}},
		{name: "no school without a location is lost", q: store.SchoolQuery{Text: "maplewood"},
			first: []string{"Maplewood Academy"}},
		{name: "nothing like it", q: store.SchoolQuery{Text: "zzyzx qwerty"}},
		{name: "limit", q: store.SchoolQuery{Text: "school", Limit: 2}},
		{name: "typo near", q: store.SchoolQuery{Text: "lincon scool", Lat: ptr(40.57), Lon: ptr(-90.03)},
			first: []string{"Lincoln Elementary School", "Lincoln Magnet School"}, distance: true},
	}
	results := map[db.Dialect][][]string{}
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := seedSearch(t, d)
			for _, tc := range cases {
				q := tc.q
				if q.Limit == 0 {
					q.Limit = 20
				}
				hits, err := store.SearchSchools(context.Background(), database.R, d, q)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				got := names(hits)
				results[d] = append(results[d], got)
				if len(got) > q.Limit {
					t.Errorf("%s: %d results, limit %d", tc.name, len(got), q.Limit)
				}
				if len(got) < len(tc.first) || !slices.Equal(got[:len(tc.first)], tc.first) {
					t.Errorf("%s: got %q, want it to start with %q", tc.name, got, tc.first)
				}
				for _, a := range tc.absent {
					if slices.Contains(got, a) {
						t.Errorf("%s: %q should not be found: %q", tc.name, a, got)
					}
				}
				for _, h := range hits {
					if (h.DistanceM != nil) != tc.distance && h.Name != "Maplewood Academy" {
						t.Errorf("%s: %s distance %v", tc.name, h.Name, h.DistanceM)
					}
				}
			}
			// Names that start so first; a school merely in the town after.
			if got := results[d][3]; len(got) != 6 || !allHave(got[:5], "lbertville") || got[5] != "Evans Elementary School" {
				t.Errorf("albertv: %q", got)
			}
			if got := results[d][15]; len(got) != 0 {
				t.Errorf("nonsense found %q", got)
			}
		})
	}
	// One contract, two engines: the very same answers.
	if a, b := results[db.SQLite], results[db.Postgres]; b != nil {
		for i := range a {
			if !slices.Equal(a[i], b[i]) {
				t.Errorf("%s: SQLite %q, PostgreSQL %q", cases[i].name, a[i], b[i])
			}
		}
	}
}

func allHave(names []string, part string) bool {
	for _, n := range names {
		if !strings.Contains(strings.ToLower(n), part) {
			return false
		}
	}
	return true
}

// Distances are great-circle metres from the searcher.
func TestSearchSchoolsDistance(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := seedSearch(t, d)
			hits, err := store.SearchSchools(context.Background(), database.R, d, store.SchoolQuery{Lat: ptr(34.260194), Lon: ptr(-86.206174), Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 3 || hits[0].Name != "Albertville Middle School" || *hits[0].DistanceM != 0 {
				t.Fatalf("%+v", hits)
			}
			// Albertville Middle to High: 0.00196° north, 0.0013° east ≈ 243 m.
			if m := *hits[1].DistanceM; hits[1].Name != "Albertville High School" || m < 235 || m > 250 {
				t.Errorf("%s at %.0f m", hits[1].Name, m)
			}
		})
	}
}

// The indexes follow every write to schools, whoever makes it.
func TestSearchIndexFollowsWrites(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := seedSearch(t, d)
			ctx := context.Background()
			search := func(text string, pos ...float64) []string {
				q := store.SchoolQuery{Text: text, Limit: 5}
				if len(pos) == 2 {
					q.Lat, q.Lon = &pos[0], &pos[1]
				}
				hits, err := store.SearchSchools(ctx, database.R, d, q)
				if err != nil {
					t.Fatal(err)
				}
				return names(hits)
			}
			search("boaz") // warms the word list, which must notice the changes below
			exec := func(q string) {
				if _, err := database.W.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			exec(`UPDATE schools SET name = 'Boaz Intermediate School', lat = 10, lon = 10 WHERE name = 'Boaz Middle School'`)
			if got := search("boaz intermediate"); len(got) != 1 || got[0] != "Boaz Intermediate School" {
				t.Errorf("renamed: %q", got)
			}
			if got := search("boaz middle"); slices.Contains(got, "Boaz Middle School") {
				t.Errorf("old name: %q", got)
			}
			if got := search("", 10, 10); len(got) == 0 || got[0] != "Boaz Intermediate School" {
				t.Errorf("moved: %q", got)
			}
			exec(`DELETE FROM schools WHERE name = 'Boaz Intermediate School'`)
			if got := search("", 10, 10); slices.Contains(got, "Boaz Intermediate School") {
				t.Errorf("deleted school found: %q", got)
			}
			s := &store.School{Name: "Quixotic Learning Center", City: "X", Country: "US", CreatedAt: time.Now().UTC()}
			if err := store.CreateSchool(ctx, database.W, s); err != nil {
				t.Fatal(err)
			}
			if got := search("quixotik lerning"); len(got) == 0 || got[0] != "Quixotic Learning Center" {
				t.Errorf("a new school's words must be known at once, typos and all: %q", got)
			}
		})
	}
}

// Inside a transaction the search still works; only typo tolerance, which
// needs the word list kept per database, is off.
func TestSearchSchoolsInTransaction(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			database := seedSearch(t, d)
			err := database.Tx(context.Background(), func(q db.Querier) error {
				hits, err := store.SearchSchools(context.Background(), q, d, store.SchoolQuery{Text: "albertville middle", Limit: 5})
				if err != nil || len(hits) == 0 || hits[0].Name != "Albertville Middle School" {
					t.Errorf("%v %+v", err, hits)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
