package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// The report endpoints: who gets what, and that the numbers in one
// report agree with each other.
func TestReportEndpoints(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			classes, err := store.ClassesOfSchool(ctx, env.DB.R, 1)
			if err != nil || len(classes) != 2 {
				t.Fatalf("demo classes: %v", err)
			}
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, classes[0].ID)
			var ava, sofia int64
			for _, st := range roster {
				switch st.FirstName {
				case "Ava":
					ava = st.ID
				case "Sofia":
					sofia = st.ID
				}
			}
			clients := map[string]*client{"visitor": {t: t, env: env}}
			for kind, who := range map[string]string{"teacher": demo.TeacherEmail, "teacher2": demo.Teacher2Email, "leader": demo.LeaderEmail,
				"parent": demo.ParentEmail, "otherparent": "parent.sofia@demo.cubby.test"} {
				clients[kind] = loginAPI(t, env, "email", who)
			}
			clients["student"] = loginAPI(t, env, "username", demo.StudentUsername)
			studentPath := fmt.Sprintf("/api/v1/students/%d/report", ava)
			classPath := fmt.Sprintf("/api/v1/classes/%d/report", classes[0].ID)
			for _, c := range []struct {
				path string
				want map[string]int
			}{
				{studentPath, map[string]int{"visitor": 401, "teacher": 200, "teacher2": 200, "leader": 200, "parent": 200, "student": 200, "otherparent": 404}},
				{fmt.Sprintf("/api/v1/students/%d/report", sofia), map[string]int{"parent": 404, "student": 404, "otherparent": 200}},
				{classPath, map[string]int{"visitor": 401, "teacher": 200, "teacher2": 404, "leader": 200, "parent": 404, "student": 404, "otherparent": 404}},
				{studentPath + "?from=2025-02-30", map[string]int{"parent": 400}},
				{"/api/v1/classes/999999/report", map[string]int{"leader": 404}},
			} {
				for kind, want := range c.want {
					if status, out, _ := clients[kind].do("GET", c.path, ""); status != want {
						t.Errorf("GET %s as %s: %d, want %d (%v)", c.path, kind, status, want, out)
					}
				}
			}

			_, rep, _ := clients["parent"].do("GET", studentPath, "")
			points := rep["points"].(map[string]any)
			if rep["student"].(map[string]any)["first_name"] != "Ava" || rep["step"] != "day" || rep["points_hidden"] != false {
				t.Errorf("report head: %v", rep)
			}
			sum := func(list []any, field string) (n float64) {
				for _, it := range list {
					m := it.(map[string]any)
					if p, ok := m["points"].(map[string]any); ok && field != "present" {
						m = p
					} else if a, ok := m["attendance"].(map[string]any); ok {
						m = a
					}
					n += m[field].(float64)
				}
				return n
			}
			if total := points["count"].(float64); total == 0 || sum(points["skills"].([]any), "count") != total || sum(rep["trend"].([]any), "count") != total {
				t.Errorf("counts disagree: total %v, skills %v, trend %v", total, sum(points["skills"].([]any), "count"), sum(rep["trend"].([]any), "count"))
			}
			if pos, neg := points["positive_pct"].(float64), points["needs_work_pct"].(float64); pos+neg != 100 {
				t.Errorf("shares %v + %v", pos, neg)
			}
			att := rep["attendance"].(map[string]any)
			if days := att["days"].([]any); len(days) < 15 || att["total"].(float64) != float64(len(days)) || sum(rep["trend"].([]any), "present") != att["present"].(float64) {
				t.Errorf("attendance: %v", att)
			}

			// Points hidden from families: null points for the parent, not for the teacher.
			if err := store.SetHidePoints(ctx, env.DB.W, classes[0].ID, true); err != nil {
				t.Fatal(err)
			}
			_, rep, _ = clients["parent"].do("GET", studentPath, "")
			if rep["points"] != nil || rep["points_hidden"] != true || rep["trend"].([]any)[0].(map[string]any)["points"] != nil {
				t.Errorf("hidden points reached the parent: %v", rep["points"])
			}
			_, rep, _ = clients["teacher"].do("GET", studentPath, "")
			if rep["points"] == nil {
				t.Error("the teacher lost the points")
			}

			yearAgo := time.Now().In(env.App.Location).AddDate(0, 0, -300).Format(time.DateOnly)
			_, rep, _ = clients["teacher"].do("GET", classPath+"?from="+yearAgo, "")
			if rep["step"] != "month" || len(rep["students"].([]any)) != 25 || rep["class"].(map[string]any)["name"] != "Class 3 Sunflowers" {
				t.Errorf("class report: step %v, %d students", rep["step"], len(rep["students"].([]any)))
			}
			if first := rep["students"].([]any)[0].(map[string]any); first["first_name"] != "Aisha" {
				t.Errorf("students not in name order: %v first", first["first_name"])
			}
		})
	}
}
