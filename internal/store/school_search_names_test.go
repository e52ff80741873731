package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// commonNames is a directory where one name is everywhere, as saints' and
// villages' schools are in a real register, with postcodes of letters and
// digits beside US ZIPs, apostrophes written three ways, and words that
// are easy to mistype.
type fixtureSchool struct {
	name, city, region, postcode string
	lat, lon                     float64
}

var commonNamesFixture = []fixtureSchool{
	{"St Mary's School", "Lutterworth", "Leicestershire", "LE17 5JL", 52.4556, -1.2000},
	{"St Mary’s Primary", "Lutterworth", "Leicestershire", "LE17 4AB", 52.4600, -1.2100},
	{"St Mary's C of E Primary School", "Bottesford", "Leicestershire", "NG13 0AX", 52.9700, -1.2100},
	{"ST MARYS SCHOOL", "BOISE", "ID", "83702", 43.6150, -116.2023},
	{"Lutterworth High School", "Lutterworth", "Leicestershire", "LE17 4EW", 52.4520, -1.1950},
	{"Leicester Primary School", "Leicester", "Leicestershire", "LE1 6ZZ", 52.6369, -1.1398},
	{"Albertville Middle School", "ALBERTVILLE", "AL", "35950", 34.260194, -86.206174},
	{"Albertville High School", "ALBERTVILLE", "AL", "35950", 34.262154, -86.204863},
	{"Lincoln Primary School", "Lincoln", "Lincolnshire", "LN1 3BL", 53.2307, -0.5406},
	{"Prairie Autism Academy", "DES MOINES", "IA", "50309", 41.5868, -93.6250},
	{"O'Brien Elementary School", "CHICAGO", "IL", "60601", 41.8781, -87.6298},
	{"Ysgol Gynradd Glan-y-Môr", "Pwllheli", "Gwynedd", "LL53 5RD", 52.8880, -4.4160},
}

// manyMarys is how many "St Mary's Catholic Primary School"s the fixture
// adds: more than a search reads from the text index at once.
const manyMarys = 340

func seedCommonNames(t *testing.T, d db.Dialect) *db.DB {
	t.Helper()
	database := dbtest.Open(t, d)
	ctx := context.Background()
	all := slices.Clone(commonNamesFixture)
	spell := []string{"St Mary's", "St Mary’s", "St Marys"}
	for i := range manyMarys {
		// Scattered over the US, far from Lutterworth.
		all = append(all, fixtureSchool{spell[i%3] + " Catholic Primary School", fmt.Sprintf("Town %d", i), "TX",
			fmt.Sprintf("7%04d", i), 30 + float64(i%17)*0.5, -100 + float64(i/17)*0.5})
	}
	err := database.Tx(ctx, func(q db.Querier) error {
		for i, f := range all {
			s := &store.School{Name: f.name, City: f.city, Region: f.region, PostalCode: f.postcode, Country: "GB",
				Lat: &f.lat, Lon: &f.lon, Source: "test", SourceID: fmt.Sprint(i), CreatedAt: time.Now().UTC()}
			if err := store.CreateSchool(ctx, q, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return database
}

func searchPage(t *testing.T, database *db.DB, d db.Dialect, q store.SchoolQuery) store.SchoolResults {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 20
	}
	r, err := store.SearchSchoolsPage(context.Background(), database.R, d, q)
	if err != nil {
		t.Fatalf("%q: %v", q.Text, err)
	}
	return r
}

// A name hundreds of schools share still lists its best matches — the
// closest names first, each with its town — a page at a time, and says
// that there are many, so the page can suggest the town or a position.
func TestSearchSchoolsCommonName(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := seedCommonNames(t, d)
			r := searchPage(t, database, d, store.SchoolQuery{Text: "St Mary's"})
			got := names(r.Hits)
			if len(got) != 20 || !r.More || !r.Many {
				t.Fatalf("St Mary's: %d results, more %v, many %v: %q", len(got), r.More, r.Many, got)
			}
			if want := []string{"ST MARYS SCHOOL", "St Mary's School", "St Mary’s Primary"}; !slices.Equal(got[:3], want) {
				t.Errorf("St Mary's: the closest names first: got %q, want %q", got[:3], want)
			}
			for _, h := range r.Hits {
				if h.City == "" || h.Region == "" {
					t.Errorf("%s: town %q, region %q", h.Name, h.City, h.Region)
				}
			}
			if got := names(searchPage(t, database, d, store.SchoolQuery{Text: "st mary's school"}).Hits); !slices.Equal(got[:2], []string{"ST MARYS SCHOOL", "St Mary's School"}) {
				t.Errorf("exact names first: %q", got)
			}
			// Pages follow one another without repeating a school.
			seen := map[int64]bool{}
			for page := 0; page < 5; page++ {
				r := searchPage(t, database, d, store.SchoolQuery{Text: "St Mary's", Offset: 20 * page})
				if len(r.Hits) != 20 || !r.More {
					t.Fatalf("page %d: %d results, more %v", page+1, len(r.Hits), r.More)
				}
				for _, h := range r.Hits {
					if seen[h.ID] {
						t.Errorf("page %d repeats %s (%d)", page+1, h.Name, h.ID)
					}
					seen[h.ID] = true
				}
			}
			if r := searchPage(t, database, d, store.SchoolQuery{Text: "St Mary's", Offset: 2000}); len(r.Hits) != 0 || r.More {
				t.Errorf("past the end: %d results, more %v", len(r.Hits), r.More)
			}
			// A distinctive name is not "many".
			if r := searchPage(t, database, d, store.SchoolQuery{Text: "albertville middle"}); r.Many || r.More || len(r.Hits) == 0 {
				t.Errorf("albertville middle: many %v, more %v, %q", r.Many, r.More, names(r.Hits))
			}
		})
	}
}

// Never an empty list when some school's name has every word typed: any
// choice of a school's words, in any case, with or without a position.
func TestSearchSchoolsNeverEmpty(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := seedCommonNames(t, d)
			rng := rand.New(rand.NewPCG(1, 7))
			far := []float64{-33.87, 151.21} // Sydney: no school is near
			for _, f := range append(slices.Clone(commonNamesFixture), fixtureSchool{name: "St Mary's Catholic Primary School"}) {
				words := strings.Fields(f.name)
				for range 6 {
					var pick []string
					for _, w := range words {
						if rng.IntN(2) == 0 {
							pick = append(pick, w)
						}
					}
					if len(pick) == 0 || len(strings.Join(pick, "")) < 2 {
						continue
					}
					q := store.SchoolQuery{Text: strings.Join(pick, " ")}
					if rng.IntN(2) == 0 {
						q.Lat, q.Lon = &far[0], &far[1]
					}
					if r := searchPage(t, database, d, q); len(r.Hits) == 0 {
						t.Errorf("%q (position %v) found nothing, though %q has every word", q.Text, q.Lat != nil, f.name)
					}
				}
			}
		})
	}
}

// Postal codes are searched like words: in full, with or without the
// space, the outward code alone, a ZIP, or beside a name's words.
func TestSearchSchoolsPostcode(t *testing.T) {
	cases := []struct {
		q     string
		first []string
		only  string // every result's postal code starts with this
	}{
		{q: "LE17 5JL", first: []string{"St Mary's School"}},
		{q: "le175jl", first: []string{"St Mary's School"}},
		{q: "LE17", only: "LE17 "},
		{q: "35950", first: []string{"Albertville High School", "Albertville Middle School"}, only: "35950"},
		{q: "St Mary's LE17", first: []string{"St Mary's School", "St Mary’s Primary"}},
		{q: "st marys le17 5jl", first: []string{"St Mary's School"}},
		{q: "primary LN1", first: []string{"Lincoln Primary School"}},
	}
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := seedCommonNames(t, d)
			for _, tc := range cases {
				r := searchPage(t, database, d, store.SchoolQuery{Text: tc.q})
				got := names(r.Hits)
				if len(got) < len(tc.first) || !slices.Equal(got[:len(tc.first)], tc.first) {
					t.Errorf("%q: got %q, want it to start with %q", tc.q, got, tc.first)
				}
				if tc.only == "" {
					continue
				}
				if len(r.Hits) == 0 {
					t.Errorf("%q found nothing", tc.q)
				}
				for _, h := range r.Hits {
					if !strings.HasPrefix(h.PostalCode+" ", tc.only) {
						t.Errorf("%q found %s at %q", tc.q, h.Name, h.PostalCode)
					}
				}
			}
			// LE17 is three schools' outward code, and LE1 another's.
			if got := names(searchPage(t, database, d, store.SchoolQuery{Text: "LE17"}).Hits); len(got) != 3 {
				t.Errorf("LE17: %q", got)
			}
		})
	}
}

// Two neighbouring letters swapped is one typo, as a dropped one is; and
// ', ’ and no apostrophe at all are the same.
func TestSearchSchoolsSwapsAndApostrophes(t *testing.T) {
	lutterworth := []float64{52.4700, -1.2100}
	cases := []struct {
		name  string
		q     store.SchoolQuery
		first []string
	}{
		{name: "swap", q: store.SchoolQuery{Text: "Autsim"}, first: []string{"Prairie Autism Academy"}},
		{name: "swap in two words", q: store.SchoolQuery{Text: "lincoln prmiary shcool"}, first: []string{"Lincoln Primary School"}},
		{name: "swap at the start", q: store.SchoolQuery{Text: "ilncoln primary"}, first: []string{"Lincoln Primary School"}},
		{name: "dropped letter", q: store.SchoolQuery{Text: "prairie autim"}, first: []string{"Prairie Autism Academy"}},
		{name: "no apostrophe finds one", q: store.SchoolQuery{Text: "obrien elementary"}, first: []string{"O'Brien Elementary School"}},
		{name: "typographic finds typewriter", q: store.SchoolQuery{Text: "O’Brien"}, first: []string{"O'Brien Elementary School"}},
		{name: "half typed", q: store.SchoolQuery{Text: "obri"}, first: []string{"O'Brien Elementary School"}},
		{name: "nearer first", q: store.SchoolQuery{Text: "St Marys", Lat: &lutterworth[0], Lon: &lutterworth[1]},
			first: []string{"St Mary’s Primary", "St Mary's School", "St Mary's C of E Primary School"}},
		{name: "nearer first, typed with ’", q: store.SchoolQuery{Text: "st mary’s", Lat: &lutterworth[0], Lon: &lutterworth[1]},
			first: []string{"St Mary’s Primary", "St Mary's School", "St Mary's C of E Primary School"}},
		{name: "accents", q: store.SchoolQuery{Text: "glan y mor"}, first: []string{"Ysgol Gynradd Glan-y-Môr"}},
	}
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := seedCommonNames(t, d)
			for _, tc := range cases {
				got := names(searchPage(t, database, d, tc.q).Hits)
				if len(got) < len(tc.first) || !slices.Equal(got[:len(tc.first)], tc.first) {
					t.Errorf("%s (%q): got %q, want it to start with %q", tc.name, tc.q.Text, got, tc.first)
				}
			}
			var lists [][]string
			for _, q := range []string{"St Mary's primary", "St Mary’s primary", "St Marys primary", "ST. MARY'S PRIMARY"} {
				lists = append(lists, names(searchPage(t, database, d, store.SchoolQuery{Text: q, Limit: 50}).Hits))
			}
			for i := range lists[1:] {
				if !slices.Equal(lists[0], lists[i+1]) {
					t.Errorf("apostrophes change the answer:\n%q\n%q", lists[0], lists[i+1])
				}
			}
		})
	}
}

// A word no school near the searcher has still finds the nearest schools
// that have it, however far.
func TestSearchSchoolsWordNobodyNearHas(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := seedCommonNames(t, d)
			lat, lon := 52.47, -1.21 // Lutterworth
			for _, tc := range []struct{ q, first string }{
				{"autism", "Prairie Autism Academy"},
				{"elementary", "O'Brien Elementary School"},
				{"catholic", ""}, // 340 of them, all in the US
			} {
				r := searchPage(t, database, d, store.SchoolQuery{Text: tc.q, Lat: &lat, Lon: &lon})
				if len(r.Hits) == 0 || tc.first != "" && r.Hits[0].Name != tc.first {
					t.Errorf("%q: %q", tc.q, names(r.Hits))
					continue
				}
				for i, h := range r.Hits {
					if *h.DistanceM < 5_000_000 || i > 0 && *h.DistanceM < *r.Hits[i-1].DistanceM {
						t.Errorf("%q: %s at %.0f m, after %v", tc.q, h.Name, *h.DistanceM, r.Hits[max(i-1, 0)].DistanceM)
					}
				}
			}
		})
	}
}
