package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A name many schools share comes a page at a time through the opaque
// next cursor, says many, and finds a postcode; a forged cursor is a 400.
func TestSchoolSearchAPIPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			err := env.DB.Tx(ctx, func(q db.Querier) error {
				for i := range 25 {
					lat, lon := 52+float64(i)/10, -1.2
					s := &store.School{Name: "St Mary's Catholic Primary School", City: fmt.Sprintf("Town %d", i+1), Region: "Leicestershire",
						PostalCode: fmt.Sprintf("LE%d 5JL", i+1), Country: "GB", Lat: &lat, Lon: &lon, Source: "test", SourceID: fmt.Sprint(i), CreatedAt: time.Now().UTC()}
					if err := store.CreateSchool(ctx, q, s); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			anon := &client{t: t, env: env}
			seen := map[string]bool{}
			path := "/api/v1/schools/search?q=st+marys&limit=10"
			for page := 1; page <= 3; page++ {
				s, out, _ := anon.do("GET", path, "")
				list, _ := out["schools"].([]any)
				if s != 200 || out["many"] != true || len(list) != map[int]int{1: 10, 2: 10, 3: 5}[page] {
					t.Fatalf("page %d: %d, %d schools, many %v", page, s, len(list), out["many"])
				}
				for _, x := range list {
					id := x.(map[string]any)["id"].(string)
					if seen[id] {
						t.Errorf("page %d repeats school %s", page, id)
					}
					seen[id] = true
				}
				next, _ := out["next"].(string)
				if (next == "") != (page == 3) {
					t.Fatalf("page %d: next %v", page, out["next"])
				}
				path = "/api/v1/schools/search?q=st+marys&limit=10&cursor=" + next
			}
			s, out, _ := anon.do("GET", "/api/v1/schools/search?q=LE17+5JL", "")
			if got := schoolNames(out); s != 200 || len(got) != 1 || out["many"] != false || out["next"] != nil {
				t.Errorf("postcode: %d %v", s, out)
			}
			for _, c := range []string{"bm9wZQ", "!!", "cGFnZTo5OQ"} { // "nope", not base64, page:99
				s, out, _ := anon.do("GET", "/api/v1/schools/search?q=st+marys&cursor="+c, "")
				errs, _ := out["errors"].(map[string]any)
				if s != 400 || (errs["cursor"] == nil && errs["page"] == nil) {
					t.Errorf("cursor %q: %d %v", c, s, out)
				}
			}
		})
	}
}
