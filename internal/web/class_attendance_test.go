package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A teacher opens a past day from the class's attendance history and
// corrects it within the school's window; outside it the page says why
// (400) and nothing is saved. The leader sets the window on the school's
// classroom settings page.
func TestAttendanceCorrectionPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			c, err := store.ClassByID(ctx, env.DB.R, 1)
			if err != nil {
				t.Fatal(err)
			}
			env.App.SetClock(func() time.Time { return c.CreatedAt.AddDate(0, 0, 40) })
			ago := func(n int) string {
				today, _ := time.ParseInLocation(time.DateOnly, env.App.Today(), env.App.Location)
				return today.AddDate(0, 0, -n).Format(time.DateOnly)
			}
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			field := "s" + strconv.FormatInt(roster[0].ID, 10)
			teacher, leader := login(t, env, demo.TeacherEmail), login(t, env, demo.LeaderEmail)
			count := func(day string) int {
				var n int
				env.DB.R.QueryRow(`SELECT count(*) FROM attendance WHERE class_id = 1 AND day = $1 AND status = 'late'`, day).Scan(&n)
				return n
			}

			s, body, _ := get(t, teacher, env.URL+"/classes/1/attendance/history")
			if s != 200 || !strings.Contains(body, `min="`+ago(7)+`"`) || !strings.Contains(body, "up to 7 days back") {
				t.Fatalf("history offers the window: %d", s)
			}
			s, body, _ = get(t, teacher, env.URL+"/classes/1/attendance?date="+ago(3))
			if s != 200 || !strings.Contains(body, `name="date" value="`+ago(3)+`"`) || !strings.Contains(body, "You are correcting the attendance of "+ago(3)) {
				t.Fatalf("open a past day: %d", s)
			}
			s, _, loc := post(t, teacher, env.URL+"/classes/1/attendance", url.Values{"date": {ago(3)}, field: {"late"}})
			if s != http.StatusSeeOther || loc != "/classes/1/attendance/history" || count(ago(3)) != 1 {
				t.Errorf("correct a past day: %d %s", s, loc)
			}
			s, body, _ = get(t, teacher, env.URL+"/classes/1/attendance?date="+ago(8))
			if s != http.StatusBadRequest || !strings.Contains(body, "up to 7 days back") {
				t.Errorf("outside the window: %d", s)
			}
			if s, _, _ := post(t, teacher, env.URL+"/classes/1/attendance", url.Values{"date": {ago(8)}, field: {"late"}}); s != http.StatusSeeOther || count(ago(8)) != 0 {
				t.Errorf("saving outside the window: %d, %d saved", s, count(ago(8)))
			}
			// The leader corrects any day, and sets the window.
			if s, _, _ := post(t, leader, env.URL+"/classes/1/attendance", url.Values{"date": {ago(20)}, field: {"late"}}); s != http.StatusSeeOther || count(ago(20)) != 1 {
				t.Errorf("leader corrects 20 days back: %d", s)
			}
			school := strconv.FormatInt(c.SchoolID, 10)
			if s, body, _ := get(t, leader, env.URL+"/schools/"+school+"/skills"); s != 200 || !strings.Contains(body, `name="attendance_window" type="number" inputmode="numeric" min="0" max="30" value="7"`) {
				t.Errorf("the setting on the school's page: %d", s)
			}
			if s, body, _ := post(t, leader, env.URL+"/schools/"+school+"/attendance-window", url.Values{"attendance_window": {"31"}}); s != http.StatusBadRequest || !strings.Contains(body, "from 0 to 30") || !strings.Contains(body, `aria-invalid="true"`) {
				t.Errorf("window 31: %d", s)
			}
			if s, _, _ := post(t, teacher, env.URL+"/schools/"+school+"/attendance-window", url.Values{"attendance_window": {"30"}}); s != http.StatusNotFound {
				t.Errorf("a teacher sets the window: %d", s)
			}
			if s, _, _ := post(t, leader, env.URL+"/schools/"+school+"/attendance-window", url.Values{"attendance_window": {"0"}}); s != http.StatusSeeOther {
				t.Errorf("window 0: %d", s)
			}
			if s, body, _ := get(t, teacher, env.URL+"/classes/1/attendance?date="+ago(1)); s != http.StatusBadRequest || !strings.Contains(body, "Teachers record today") {
				t.Errorf("window 0, yesterday: %d", s)
			}
		})
	}
}
