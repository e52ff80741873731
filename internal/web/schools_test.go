package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/schoolimport"
	"cubby/internal/testenv"
)

func schoolsEnv(t *testing.T, d db.Dialect) *testenv.Env {
	t.Helper()
	env := testenv.New(t, d)
	m, _ := schoolimport.ParseMapping([]string{"school_id=source_id,school_name=name,street=address,town=city,state=region,zip=postal_code,latitude=lat,longitude=lon"})
	if _, err := schoolimport.ImportFile(context.Background(), env.DB, "../schoolimport/testdata/schools.csv",
		schoolimport.Options{Source: "fixture", Mapping: m, Country: "US"}); err != nil {
		t.Fatal(err)
	}
	return env
}

// The school finder works without JavaScript: a GET form, results as radio
// buttons a later step can post, a clear empty state, translated errors.
func TestSchoolSearchPage(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := schoolsEnv(t, d)
			c := env.Client()

			status, body, h := get(t, c, env.URL+"/schools/search")
			if status != 200 || !strings.Contains(body, `<form class="form" method="get" action="/schools/search"`) ||
				!strings.Contains(body, `id="use-location"`) || !strings.Contains(body, `href="/transparency#dt-precise_location"`) ||
				strings.Contains(body, `name="school_id"`) || strings.Contains(body, `class="empty"`) {
				t.Fatalf("blank page: %d\n%s", status, body)
			}
			// The "how Cubby handles location" link lands on its section.
			if status, page, _ := get(t, c, env.URL+"/transparency"); status != 200 || !strings.Contains(page, `id="dt-precise_location"`) {
				t.Errorf("transparency page: %d, no precise_location section", status)
			}
			if regexp.MustCompile(`<script>|<script [^>]*>[^<]|style="`).MatchString(body) {
				t.Errorf("inline script or style: the CSP forbids them")
			}
			if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("CSP %q", h.Get("Content-Security-Policy"))
			}

			status, body, _ = get(t, c, env.URL+"/schools/search?q=albertvile+middle")
			radios := regexp.MustCompile(`<input type="radio" name="school_id" value="(\d+)">\s*<span class="school-text">\s*<span class="school-name"><bdi>([^<]+)</bdi></span>\s*<span class="school-place"><bdi>([^<]+)</bdi></span>`).FindAllStringSubmatch(body, -1)
			if status != 200 || len(radios) < 3 || radios[0][2] != "Albertville Middle School" || radios[0][3] != "Albertville, AL 35950" {
				t.Fatalf("results %d %q", status, radios)
			}
			// NCES writes towns in capitals; the page shows them readably.
			if !strings.Contains(body, "St. Michael-Albertville Middle East") || !strings.Contains(body, "Saint Michael, MN 55376") {
				t.Errorf("capitals not made readable")
			}
			if strings.Contains(body, "school-distance") {
				t.Errorf("distances without a position")
			}

			status, body, _ = get(t, c, env.URL+"/schools/search?q=middle&lat=34.2&lon=-86.15")
			for _, want := range []string{"Sorted by distance from you.", `<span class="school-distance">720 m</span>`,
				`name="lat" value="34.2"`, `href="/schools/search?q=middle">Stop using my location`} {
				if status != 200 || !strings.Contains(body, want) {
					t.Errorf("near search: %d, no %s", status, want)
				}
			}
			results := body[strings.Index(body, "school-results"):]
			if i, j := strings.Index(results, "Boaz Middle School"), strings.Index(results, "Albertville Middle School"); i < 0 || j < i {
				t.Errorf("nearer first: %d %d", i, j)
			}

			status, body, _ = get(t, c, env.URL+"/schools/search?q=zzyzx+qwerty")
			if status != 200 || !strings.Contains(body, `class="empty"`) || !strings.Contains(body, "No school matches “zzyzx qwerty”.") {
				t.Errorf("empty state: %d", status)
			}

			status, body, _ = get(t, c, env.URL+"/schools/search?q="+strings.Repeat("x", 10_000))
			if status != http.StatusBadRequest || !strings.Contains(body, `class="field-error" id="school-q-error">Keep the school name under 200 characters.`) ||
				!strings.Contains(body, `aria-invalid="true"`) {
				t.Errorf("long query: %d", status)
			}
			status, body, _ = get(t, c, env.URL+"/schools/search?lat=95&lon=10")
			if status != http.StatusBadRequest || !strings.Contains(body, `class="form-error"`) || strings.Contains(body, `value="95"`) {
				t.Errorf("bad position: %d", status)
			}

			req, _ := http.NewRequest("GET", env.URL+"/schools/search?q=albertvile", nil)
			req.Header.Set("Accept-Language", "ar")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body = testenv.ReadAll(t, resp.Body)
			if !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "ابحث عن مدرستك") || !strings.Contains(body, "استخدم موقعي") {
				t.Errorf("Arabic page not translated")
			}
		})
	}
}
