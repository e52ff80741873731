package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A teacher corrects past days within the school's window, and not
// beyond it; a leader sets the window (0–30) and corrects any day.
func TestAttendanceCorrectionWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			teacher, leader := session(t, env, demo.TeacherEmail), session(t, env, demo.LeaderEmail)
			c, err := store.ClassByID(ctx, env.DB.R, 1)
			if err != nil {
				t.Fatal(err)
			}
			// The demo class began long enough ago for every day below.
			a.SetClock(func() time.Time { return c.CreatedAt.AddDate(0, 0, 40) })
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			mark := []app.Mark{{StudentID: roster[0].ID, Status: "late"}}
			ago := func(n int) string {
				today, _ := time.ParseInLocation(time.DateOnly, a.Today(), a.Location)
				return today.AddDate(0, 0, -n).Format(time.DateOnly)
			}
			dateKey := func(err error) string {
				var ve *app.ValidationError
				if !errors.As(err, &ve) {
					return ""
				}
				return ve.Fields["date"].Key
			}
			sid, _ := store.ClassByID(ctx, env.DB.R, 1)
			school := sid.SchoolID

			if n, err := a.AttendanceWindowOf(ctx, leader, school); err != nil || n != app.DefaultAttendanceWindow {
				t.Fatalf("default window: %d %v", n, err)
			}
			// Inside the default week: saved, and read back for that day.
			if _, err := a.TakeAttendance(ctx, teacher, 1, ago(7), mark); err != nil {
				t.Fatalf("a week back: %v", err)
			}
			recs, err := a.AttendanceDay(ctx, teacher, 1, ago(7))
			if err != nil || recs[roster[0].ID].Status != "late" {
				t.Fatalf("the corrected day: %v %v", recs, err)
			}
			// One day further: refused with the reason and the window.
			_, err = a.TakeAttendance(ctx, teacher, 1, ago(8), mark)
			var ve *app.ValidationError
			if dateKey(err) != "attendance.outside_window" || !errors.As(err, &ve) || len(ve.Fields["date"].Args) != 2 || ve.Fields["date"].Args[1] != 7 {
				t.Errorf("eight days back: %v", err)
			}
			if _, err := a.AttendanceDay(ctx, teacher, 1, ago(8)); dateKey(err) != "attendance.outside_window" {
				t.Errorf("opening eight days back: %v", err)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM attendance WHERE class_id = 1 AND day = $1`, ago(8)).Scan(&n)
			if n != 0 {
				t.Errorf("a refused correction wrote %d records", n)
			}
			// The leader corrects any day.
			if _, err := a.TakeAttendance(ctx, leader, 1, ago(30), mark); err != nil {
				t.Errorf("leader, a month back: %v", err)
			}

			// Only leaders set the window, from 0 to 30.
			if err := a.SetAttendanceWindow(ctx, teacher, school, "3"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a teacher sets the window: %v", err)
			}
			for _, bad := range []string{"-1", "31", "a week", ""} {
				err := a.SetAttendanceWindow(ctx, leader, school, bad)
				if !errors.As(err, &ve) || ve.Fields["attendance_window"].Key != "attendance.window_range" {
					t.Errorf("window %q: %v", bad, err)
				}
			}
			if n, _ := a.AttendanceWindowOf(ctx, leader, school); n != app.DefaultAttendanceWindow {
				t.Errorf("a refused window was saved: %d", n)
			}
			if err := a.SetAttendanceWindow(ctx, leader, school, "0"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.TakeAttendance(ctx, teacher, 1, ago(1), mark); dateKey(err) != "attendance.only_today" {
				t.Errorf("window 0, yesterday: %v", err)
			}
			if _, err := a.TakeAttendance(ctx, teacher, 1, a.Today(), mark); err != nil {
				t.Errorf("window 0, today: %v", err)
			}
			if err := a.SetAttendanceWindow(ctx, leader, school, "30"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.TakeAttendance(ctx, teacher, 1, ago(30), mark); err != nil {
				t.Errorf("window 30, a month back: %v", err)
			}
			corr, err := a.AttendanceCorrectionFor(ctx, teacher, 1)
			if err != nil || !corr.Allowed || corr.Leader || corr.Earliest != ago(30) || corr.Today != a.Today() {
				t.Errorf("teacher's correction days: %+v %v", corr, err)
			}
			// Another class's teacher opens nothing.
			if _, err := a.AttendanceDay(ctx, session(t, env, demo.Teacher2Email), 1, ago(1)); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another teacher: %v", err)
			}
		})
	}
}
