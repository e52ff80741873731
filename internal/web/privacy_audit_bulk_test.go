package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// The pages that show a whole class or school leave one audit entry per
// reader, view and day, however often they are opened, and the demo
// parent's "who looked at our records" page lists them for Ava and Elena,
// naming the class or school.
func TestBulkViewsReachTheParentsAccessPage(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			var school, class3, class4 int64
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(env.DB.R.QueryRow(`SELECT id FROM schools WHERE source = 'demo'`).Scan(&school))
			must(env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = 'Class 3 Sunflowers'`).Scan(&class3))
			must(env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = 'Class 4 Explorers'`).Scan(&class4))
			c3, c4, sid := strconv.FormatInt(class3, 10), strconv.FormatInt(class4, 10), strconv.FormatInt(school, 10)
			entries := func(detail string) int {
				t.Helper()
				var n int
				must(env.DB.R.QueryRow(`SELECT count(*) FROM audit_log WHERE detail = $1 AND subject_user_id IS NULL`, detail).Scan(&n))
				return n
			}

			teacher := login(t, env, demo.TeacherEmail)
			for _, u := range []string{"/classes/" + c3, "/classes/" + c3, "/classes/" + c3 + "/attendance", "/classes/" + c3 + "/students",
				"/classes/" + c3 + "/report", "/classes/" + c3 + "/report?format=csv", "/classes/" + c3 + "/attendance/history"} {
				if status, _, _ := get(t, teacher, env.URL+u); status != http.StatusOK {
					t.Fatalf("teacher %s: %d", u, status)
				}
			}
			leader := login(t, env, demo.LeaderEmail)
			for _, u := range []string{"/schools/" + sid + "/directory", "/schools/" + sid + "/report", "/classes/" + c4 + "/report"} {
				if status, _, _ := get(t, leader, env.URL+u); status != http.StatusOK {
					t.Fatalf("leader %s: %d", u, status)
				}
			}
			for detail, want := range map[string]int{"class:" + c3: 1, "class_report:" + c3: 2 /* read and CSV */, "class_attendance:" + c3: 1,
				"school_directory:" + sid: 1, "school_report:" + sid: 1, "class_report:" + c4: 1, "class:" + c4: 0} {
				if n := entries(detail); n != want {
					t.Errorf("%s: %d entries, want %d", detail, n, want)
				}
			}
			status, body, _ := get(t, login(t, env, demo.ParentEmail), env.URL+"/privacy/access")
			if status != http.StatusOK {
				t.Fatalf("access page: %d", status)
			}
			for _, want := range []string{
				"opened the class screen of Class 3 Sunflowers", "looked at the class report of Class 3 Sunflowers",
				"downloaded the class report of Class 3 Sunflowers (a CSV file)", "looked at the attendance history of Class 3 Sunflowers",
				"looked at the list of students of Maple Grove Community School", "looked at the school report of Maple Grove Community School",
				"looked at the class report of Class 4 Explorers", "Ava, Elena", "Ms. Alvarez",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("the parent's access page lacks %q", want)
				}
			}
			if strings.Count(body, "opened the class screen of Class 3 Sunflowers") != 1 {
				t.Error("the class screen, opened four times, is listed more than once")
			}
			// Ava, logged in herself, sees the views of her class, not her
			// sister's.
			other := testenv.ReadAll(t, mustResp(t, login(t, env, demo.StudentUsername), env.URL+"/privacy/access").Body)
			if strings.Contains(other, "Class 4 Explorers") || !strings.Contains(other, "Class 3 Sunflowers") {
				t.Error("Ava's own access page should list the views of her class, not of her sister's")
			}
		})
	}
}

func mustResp(t *testing.T, c *http.Client, u string) *http.Response {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %v", u, err, resp)
	}
	return resp
}
