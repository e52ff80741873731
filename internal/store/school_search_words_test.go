package store

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
)

// Apostrophes join a word for people (St Mary’s is "marys"), while the
// index splits it; both forms are known, with the pieces of the joined one.
func TestFoldTokens(t *testing.T) {
	for _, tc := range []struct {
		in          string
		fold, split []string
	}{
		{"St Mary's", []string{"st", "marys"}, []string{"st", "mary", "s"}},
		{"ST. MARY’S SCHOOL", []string{"st", "marys", "school"}, []string{"st", "mary", "s", "school"}},
		{"Boys' School", []string{"boys", "school"}, []string{"boys", "school"}},
		{"O'Brien-Smith", []string{"obrien", "smith"}, []string{"o", "brien", "smith"}},
		{"'Twas", []string{"twas"}, []string{"twas"}},
		{"Glan-y-Môr", []string{"glan", "y", "mor"}, []string{"glan", "y", "mor"}},
		{"a''b", []string{"a", "b"}, []string{"a", "b"}},
	} {
		if got := foldTokens(tc.in); !slices.Equal(got, tc.fold) {
			t.Errorf("foldTokens(%q) = %q, want %q", tc.in, got, tc.fold)
		}
		if got := searchTokens(tc.in); !slices.Equal(got, tc.split) {
			t.Errorf("searchTokens(%q) = %q, want %q", tc.in, got, tc.split)
		}
	}
	if got := joinedWords("St Mary’s and O'Brien"); !slices.Equal(got["marys"], []string{"mary", "s"}) || !slices.Equal(got["obrien"], []string{"o", "brien"}) || len(got) != 2 {
		t.Errorf("joinedWords: %q", got)
	}
	if w, j := postcodeWords("LE17 5JL"); !slices.Equal(w, []string{"le17", "5jl"}) || j != "le175jl" {
		t.Errorf("postcodeWords: %q %q", w, j)
	}
}

// A swap of neighbours is one edit even where it leaves no trigram in
// common ("meas" and "maes"); a finished word may be the start of the one
// meant; numbers are never corrected.
func TestCorrections(t *testing.T) {
	b := newIndexBuilder()
	for i, name := range []string{"Ysgol Maes-y-Coed", "Holy Angels School", "Fairplay Middle School", "Middle School", "Middl Academy",
		"School 35950", "Point Academy", "Point High", "Pont Academy"} {
		b.add(int64(i+1), name, "", "", sql.NullFloat64{}, sql.NullFloat64{})
	}
	v := b.build()
	for _, tc := range []struct {
		w                 string
		finished, lenient bool
		want              string // among the corrections; "" for none at all
	}{
		{"meas", false, false, "maes"},
		{"hloy", false, false, "holy"},
		{"shcool", false, false, "school"},
		{"middl", true, true, "middle"},
		{"pont", true, true, "point"},
		{"35905", false, false, ""},
	} {
		got := v.corrections(tc.w, maxCorrections, tc.finished, tc.lenient)
		if tc.want == "" && len(got) > 0 || tc.want != "" && !slices.Contains(got, tc.want) {
			t.Errorf("corrections(%q) = %q, want %q", tc.w, got, tc.want)
		}
	}
	if got := v.corrections("pont", maxCorrections, true, false); slices.Contains(got, "point") {
		t.Errorf("a word schools have is kept unless nothing was found: %q", got)
	}
}

// The word list is read at start when asked (WarmSchoolSearch), and past
// its age it is read again in the background while searches go on with the
// old one.
func TestWarmSchoolSearch(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			database := dbtest.Open(t, d)
			ctx := context.Background()
			for i, name := range []string{"Albertville Middle School", "Boaz Middle School"} {
				s := &School{Name: name, Country: "US", Source: "test", SourceID: string(rune('a' + i)), CreatedAt: time.Now().UTC()}
				if err := CreateSchool(ctx, database.W, s); err != nil {
					t.Fatal(err)
				}
			}
			if err := WarmSchoolSearch(ctx, database.R); err != nil {
				t.Fatal(err)
			}
			vocabularies.Lock()
			var e *vocabularyEntry
			for k, x := range vocabularies.m {
				if k.Value() == database.R {
					e = x
				}
			}
			vocabularies.Unlock()
			if e == nil || e.v == nil || !e.v.has("albertville") {
				t.Fatal("not warmed")
			}
			first := e.v
			if _, err := SearchSchools(ctx, database.R, d, SchoolQuery{Text: "boaz", Limit: 5}); err != nil || e.v != first {
				t.Fatalf("a fresh word list is read again: %v", err)
			}
			if _, err := database.W.ExecContext(ctx, `UPDATE schools SET name = 'Quixotic Middle School' WHERE name = 'Boaz Middle School'`); err != nil {
				t.Fatal(err)
			}
			e.mu.Lock()
			first.built = time.Now().Add(-vocabularyTTL - time.Second)
			e.mu.Unlock()
			if _, err := SearchSchools(ctx, database.R, d, SchoolQuery{Text: "boaz", Limit: 5}); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				e.mu.Lock()
				v := e.v
				e.mu.Unlock()
				if v != first && v.has("quixotic") && !v.has("boaz") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the old word list was not replaced")
				}
			}
		})
	}
}
