package web_test

import (
	"regexp"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
)

// The transparency page folds each data type into one line that says
// whose data it is and the longest it is kept; without JavaScript, "open
// every answer" has the server unfold them all.
func TestTransparencyRowsFold(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			rows := len(transparencyJSON(t, env).DataTypes)
			details := regexp.MustCompile(`<details class="card datatype" id="dt-([a-z_]+)"( open)?>`)

			status, body, _ := get(t, env.Client(), env.URL+"/transparency")
			if status != 200 {
				t.Fatalf("transparency: %d", status)
			}
			found := details.FindAllStringSubmatch(body, -1)
			if len(found) != rows || rows < 20 {
				t.Fatalf("%d folding rows for %d data types", len(found), rows)
			}
			for _, m := range found {
				if m[2] != "" {
					t.Errorf("%s is open on a page that names no row", m[1])
				}
			}
			if !strings.Contains(body, `href="/transparency?all=1#types"`) || !regexp.MustCompile(`<script src="/static/transparency\.[0-9a-f]+\.js" defer>`).MatchString(body) {
				t.Error("the page lacks its no-JavaScript unfold link or its script")
			}
			for id, want := range map[string]string{
				"email":            "Whose: Teacher, Parent, School leader, Student and Visitors who are not logged in · kept up to 3 years after the account is deleted",
				"session":          "kept up to 1 day after the login ends",
				"attendance":       "kept up to 12 months after the end of the school year",
				"precise_location": "Cubby does not collect this",
				"school_database":  "Not about people",
			} {
				i := strings.Index(body, `id="dt-`+id+`"`)
				if i < 0 {
					t.Errorf("no row %s", id)
					continue
				}
				summary := body[i : i+strings.Index(body[i:], "</summary>")]
				if !strings.Contains(summary, want) {
					t.Errorf("row %s's line lacks %q:\n%s", id, want, summary)
				}
			}

			_, body, _ = get(t, env.Client(), env.URL+"/transparency?all=1")
			found = details.FindAllStringSubmatch(body, -1)
			for _, m := range found {
				if m[2] == "" {
					t.Errorf("?all=1: %s stays folded", m[1])
				}
			}
			if len(found) != rows || !strings.Contains(body, `href="/transparency#types"`) {
				t.Errorf("?all=1: %d rows, or no way to fold them again", len(found))
			}
		})
	}
}
