package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A name many schools share lists them a page at a time, each with its
// town and region, and suggests the town, the postcode or the position —
// never "fewer words"; postcodes are searched too.
func TestSchoolSearchCommonNamePages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			err := env.DB.Tx(ctx, func(q db.Querier) error {
				for i := range 46 {
					lat, lon := 52+float64(i)/10, -1.2
					name, pc := "St Mary’s Catholic Primary School", fmt.Sprintf("NN%d 4AB", i+1)
					if i == 45 {
						name, pc = "St Mary's School", "LE17 5JL"
					}
					s := &store.School{Name: name, City: fmt.Sprintf("Town %d", i+1), Region: "Leicestershire", PostalCode: pc,
						Country: "GB", Lat: &lat, Lon: &lon, Source: "test", SourceID: fmt.Sprint(i), CreatedAt: time.Now().UTC()}
					if err := store.CreateSchool(ctx, q, s); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			c := env.Client()
			radios := regexp.MustCompile(`<span class="school-name"><bdi>([^<]+)</bdi></span>\s*<span class="school-place"><bdi>([^<]+)</bdi></span>`)
			pages := map[int][]string{}
			for page, want := range map[int][]string{
				1: {"Many schools match “St Marys”", "Schools 1–20", `name="page" value="2" formnovalidate>More schools`},
				2: {"Schools 21–40", `name="page" value="1" formnovalidate>Previous schools`, `name="page" value="3" formnovalidate>More schools`},
				3: {"Schools 41–46", `name="page" value="2" formnovalidate>Previous schools`},
			} {
				status, body, _ := get(t, c, fmt.Sprintf("%s/schools/search?q=St+Marys&page=%d", env.URL, page))
				for _, w := range want {
					if status != 200 || !strings.Contains(body, w) {
						t.Errorf("page %d: %d, no %s", page, status, w)
					}
				}
				if page == 3 && strings.Contains(body, "More schools") {
					t.Errorf("page 3 is the last")
				}
				if page == 1 && strings.Contains(body, "Previous schools") {
					t.Errorf("page 1 is the first")
				}
				for _, m := range radios.FindAllStringSubmatch(body, -1) {
					if !strings.HasPrefix(m[2], "Town ") || !strings.Contains(m[2], ", Leicestershire ") {
						t.Errorf("page %d: %s at %q: no town and region", page, m[1], m[2])
					}
					pages[page] = append(pages[page], html.UnescapeString(m[1]+" "+m[2]))
				}
			}
			if len(pages[1]) != 20 || len(pages[2]) != 20 || len(pages[3]) != 6 {
				t.Errorf("pages of %d, %d and %d schools", len(pages[1]), len(pages[2]), len(pages[3]))
			}
			if len(pages[1]) > 0 && pages[1][0] != "St Mary's School Town 46, Leicestershire LE17 5JL" {
				t.Errorf("the closest name first: %q", pages[1][0])
			}

			status, body, _ := get(t, c, env.URL+"/schools/search?q=le17+5jl")
			if m := radios.FindAllStringSubmatch(body, -1); status != 200 || len(m) != 1 || html.UnescapeString(m[0][1]) != "St Mary's School" || strings.Contains(body, "Many schools") {
				t.Errorf("postcode: %d %q", status, m)
			}
			status, body, _ = get(t, c, env.URL+"/schools/search?q=zzyzx")
			if status != 200 || !strings.Contains(body, "No school matches “zzyzx”. Check the spelling, add the town or the postcode, or use your location.") ||
				strings.Contains(body, "fewer words") {
				t.Errorf("nothing found: %d", status)
			}
			// With a position the nearest come first: no hint to add one.
			status, body, _ = get(t, c, env.URL+"/schools/search?q=St+Marys&lat=52&lon=-1.2")
			if status != 200 || strings.Contains(body, "Many schools match") || !strings.Contains(body, "Sorted by distance from you.") {
				t.Errorf("near: %d", status)
			}
			for _, page := range []string{"99", "0", "two"} {
				status, body, _ = get(t, c, env.URL+"/schools/search?q=St+Marys&page="+page)
				if status != http.StatusBadRequest || !strings.Contains(body, "There are at most 10 pages of schools.") || strings.Contains(body, `name="school_id"`) {
					t.Errorf("page %s: %d", page, status)
				}
			}
		})
	}
}
