package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// The restriction pages without JavaScript: each form's bad input comes
// back with its message and status, and while a restriction is in force
// the class screen, the student's report and the class report's CSV say
// so or leave the student out.
func TestRestrictionPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			parent := login(t, env, demo.ParentEmail)
			leader := login(t, env, demo.LeaderEmail)
			teacher := login(t, env, demo.TeacherEmail)
			var ava, class int64
			if err := env.DB.R.QueryRow(`SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = $1`, demo.StudentUsername).Scan(&ava); err != nil {
				t.Fatal(err)
			}
			if err := env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = 'Class 3 Sunflowers'`).Scan(&class); err != nil {
				t.Fatal(err)
			}
			avaID := fmt.Sprint(ava)
			if _, body, _ := get(t, parent, env.URL+"/privacy/restrictions"); strings.Contains(body, `id="ask"`) {
				t.Error("the parent of two children gets a form before choosing a child")
			}

			// Who has a page at all; the parent of two picks a child for the form.
			for who, c := range map[string]*http.Client{"parent": parent, "leader": leader, "teacher": teacher} {
				status, body, _ := get(t, c, env.URL+"/privacy/restrictions?student="+avaID)
				want := http.StatusOK
				if who == "teacher" {
					want = http.StatusNotFound
				}
				if status != want {
					t.Errorf("%s opens the restrictions page: %d, want %d", who, status, want)
				}
				if who == "parent" && !strings.Contains(body, "The records are not accurate") {
					t.Error("the parent's page does not offer the grounds")
				}
			}
			if status, _, _ := get(t, parent, env.URL+"/privacy/restrictions?student=999999"); status != http.StatusNotFound {
				t.Errorf("a stranger child's form: %d", status)
			}

			cases := []struct {
				name   string
				c      *http.Client
				path   string
				form   url.Values
				status int
				want   string
			}{
				{"no ground", parent, "/privacy/restrictions", url.Values{"student": {avaID}, "request": {"Please."}}, 400, "Choose one of the reasons."},
				{"a stranger child", parent, "/privacy/restrictions", url.Values{"student": {"999999"}, "ground": {"accuracy"}}, 404, ""},
				{"a teacher asks", teacher, "/privacy/restrictions", url.Values{"student": {avaID}, "ground": {"accuracy"}}, 404, ""},
				{"set without confirming", leader, "/privacy/restrictions/set", url.Values{"student": {avaID}, "ground": {"accuracy"}}, 400, "Tick the box to confirm."},
				{"a parent sets", parent, "/privacy/restrictions/set", url.Values{"student": {avaID}, "ground": {"accuracy"}, "confirm": {"1"}}, 404, ""},
				{"the parent asks", parent, "/privacy/restrictions", url.Values{"student": {avaID}, "ground": {"objection"}}, 303, ""},
				{"the parent asks again", parent, "/privacy/restrictions", url.Values{"student": {avaID}, "ground": {"objection"}}, 409, "already a request"},
			}
			for _, tc := range cases {
				status, body, _ := post(t, tc.c, env.URL+tc.path, tc.form)
				if status != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d, want %d with %q", tc.name, status, tc.status, tc.want)
				}
			}
			list, err := env.App.Restrictions(ctx, appSession(t, env, demo.ParentEmail))
			if err != nil || len(list) != 1 {
				t.Fatalf("the parent's requests: %v %v", list, err)
			}
			rid := fmt.Sprint(list[0].ID)
			for _, tc := range []struct {
				name   string
				c      *http.Client
				path   string
				form   url.Values
				status int
				want   string
			}{
				{"decline without a reason", leader, "/privacy/restrictions/" + rid + "/decide", url.Values{"decision": {"decline"}}, 400, "This field is required."},
				{"the teacher decides", teacher, "/privacy/restrictions/" + rid + "/decide", url.Values{"decision": {"grant"}}, 404, ""},
				{"the leader grants", leader, "/privacy/restrictions/" + rid + "/decide", url.Values{"decision": {"grant"}}, 303, ""},
				{"granting again", leader, "/privacy/restrictions/" + rid + "/decide", url.Values{"decision": {"grant"}}, 409, "already been answered"},
			} {
				status, body, _ := post(t, tc.c, env.URL+tc.path, tc.form)
				if status != tc.status || !strings.Contains(body, tc.want) {
					t.Errorf("%s: %d, want %d with %q", tc.name, status, tc.status, tc.want)
				}
			}

			// In force: the class screen says so, a point for her is refused with
			// a message, her report is closed to the teacher, and the class CSV
			// has no line for her.
			_, body, _ := get(t, teacher, fmt.Sprintf("%s/classes/%d", env.URL, class))
			if !strings.Contains(body, `class="student restricted"`) || strings.Contains(body, fmt.Sprintf(`data-student="%d"`, ava)) {
				t.Error("the class screen does not show Ava as restricted, or lets her be tapped")
			}
			skills, err := env.App.Skills(ctx, appSession(t, env, demo.TeacherEmail), class)
			if err != nil {
				t.Fatal(err)
			}
			status, _, loc := post(t, teacher, fmt.Sprintf("%s/classes/%d/points", env.URL, class), url.Values{"student_id": {avaID}, "skill_id": {fmt.Sprint(skills[0].ID)}})
			refusedTo(t, teacher, env.URL, status, loc, fmt.Sprintf("/classes/%d", class), "no points can be given")
			status, body, _ = get(t, teacher, fmt.Sprintf("%s/students/%d/report", env.URL, ava))
			if status != http.StatusForbidden || !strings.Contains(body, "only the student, their parents and the school") {
				t.Errorf("the teacher opens Ava's report: %d", status)
			}
			if status, _, _ := get(t, parent, fmt.Sprintf("%s/students/%d/report", env.URL, ava)); status != http.StatusOK {
				t.Errorf("the parent opens Ava's report: %d", status)
			}
			for _, row := range getCSV(t, teacher, fmt.Sprintf("%s/classes/%d/report?format=csv", env.URL, class)) {
				if strings.Contains(strings.Join(row, ","), "Ava") {
					t.Errorf("the class CSV has a line for Ava: %v", row)
				}
			}

			// Lifting needs the box ticked, then works once.
			lift := url.Values{"reason": {"The objection was answered."}}
			if status, body, _ := post(t, leader, env.URL+"/privacy/restrictions/"+rid+"/lift", lift); status != 400 || !strings.Contains(body, "Tick the box") {
				t.Errorf("lift without confirming: %d", status)
			}
			lift.Set("confirm", "1")
			if status, _, _ := post(t, leader, env.URL+"/privacy/restrictions/"+rid+"/lift", lift); status != http.StatusSeeOther {
				t.Errorf("lift: %d", status)
			}
			if status, body, _ := post(t, leader, env.URL+"/privacy/restrictions/"+rid+"/lift", lift); status != http.StatusConflict || !strings.Contains(body, "already been lifted") {
				t.Errorf("lift twice: %d", status)
			}
			if r, err := store.RestrictionByID(ctx, env.DB.R, list[0].ID); err != nil || r.Status != store.RestrictionLifted {
				t.Errorf("after the lift: %+v %v", r, err)
			}
		})
	}
}
