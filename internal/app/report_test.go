package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the test's school keeps New York time wherever it runs

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A class in a school on New York time, across the switch to summer time
// (2025-03-09): each point lands on its local day, periods follow the
// range's length, and class and school reports add up.
func TestReportNumbers(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			ny, err := time.LoadLocation("America/New_York")
			if err != nil {
				t.Fatal(err)
			}
			a.Location = ny
			a.SetClock(func() time.Time { return time.Date(2025, 3, 14, 15, 0, 0, 0, ny) })
			teacher := session(t, env, demo.TeacherEmail)
			schoolID := teacher.Actor.SchoolIDs()[0]
			c, err := a.CreateClass(ctx, teacher, schoolID, "Room 5")
			if err != nil {
				t.Fatal(err)
			}
			teacher = session(t, env, demo.TeacherEmail)
			added, err := a.AddStudents(ctx, teacher, c.ID, []app.NewStudent{{"Zoé", "Durand"}, {"Kai", "Ito"}})
			if err != nil {
				t.Fatal(err)
			}
			zoe, kai := added[0].Student.ID, added[1].Student.ID
			local := func(day string, h, m int) time.Time {
				d, _ := time.Parse(time.DateOnly, day)
				return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, ny).UTC()
			}
			point := func(student int64, skill string, weight int, at time.Time) {
				if err := store.AddPoint(ctx, env.DB.W, &store.Point{SchoolID: c.SchoolID, ClassID: c.ID, StudentID: student,
					SkillName: skill, Weight: weight, AwardedBy: teacher.User.ID, AwardedAt: at}); err != nil {
					t.Fatal(err)
				}
			}
			point(zoe, "Helping", 1, local("2025-03-03", 9, 0))
			point(zoe, "Teamwork", 2, local("2025-03-03", 23, 30)) // 04:30 UTC on the 4th: still the 3rd here
			point(zoe, "Off task", -1, local("2025-03-04", 10, 0))
			point(zoe, "Noticed", 0, local("2025-03-09", 23, 30)) // after the switch: 03:30 UTC on the 10th
			point(zoe, "Helping", 5, local("2025-02-28", 23, 59)) // before the range
			point(kai, "Helping", 1, local("2025-03-10", 10, 0))
			for _, r := range []struct {
				student     int64
				day, status string
			}{{zoe, "2025-03-03", "present"}, {zoe, "2025-03-04", "late"}, {zoe, "2025-03-05", "absent"}, {zoe, "2025-03-10", "present"}, {kai, "2025-03-03", "absent"}} {
				if err := store.SaveAttendance(ctx, env.DB.W, &store.AttendanceRecord{SchoolID: c.SchoolID, ClassID: c.ID, StudentID: r.student,
					Day: r.day, Status: r.status, RecordedBy: teacher.User.ID, RecordedAt: a.Now()}); err != nil {
					t.Fatal(err)
				}
			}

			from, to, err := a.ParseRange("2025-03-01", "2025-03-14")
			if err != nil {
				t.Fatal(err)
			}
			rep, err := a.StudentReport(ctx, teacher, zoe, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if rep.From != "2025-03-01" || rep.To != "2025-03-14" || rep.Step != app.StepDay || len(rep.Trend) != 14 || rep.PointsHidden {
				t.Fatalf("range %s..%s step %s, %d periods", rep.From, rep.To, rep.Step, len(rep.Trend))
			}
			if rep.Points.Totals != (store.Totals{Total: 2, Positive: 3, NeedsWork: 1, Count: 4}) || rep.Points.PositivePct != 75 || rep.Points.NeedsWorkPct != 25 {
				t.Errorf("totals %+v %d/%d", rep.Points.Totals, rep.Points.PositivePct, rep.Points.NeedsWorkPct)
			}
			var skills []string
			for _, s := range rep.Points.Skills {
				skills = append(skills, s.Name)
			}
			if !slices.Equal(skills, []string{"Helping", "Noticed", "Off task", "Teamwork"}) {
				t.Errorf("skills %v", skills)
			}
			byDay := map[string]store.Totals{}
			for _, p := range rep.Trend {
				if p.From != p.To {
					t.Errorf("a day period spans %s..%s", p.From, p.To)
				}
				byDay[p.From] = p.Points
			}
			if byDay["2025-03-03"] != (store.Totals{Total: 3, Positive: 3, Count: 2}) || byDay["2025-03-04"].NeedsWork != 1 ||
				byDay["2025-03-09"].Count != 1 || byDay["2025-03-10"].Count != 0 {
				t.Errorf("per day %+v", byDay)
			}
			att := rep.Attendance
			if att.AttendanceCounts != (store.AttendanceCounts{Present: 2, Late: 1, Absent: 1}) || att.RatePct != 75 || len(att.Days) != 4 || att.Days[2].Worst() != store.Absent {
				t.Errorf("attendance %+v", att)
			}
			if rep.YearStart != "2024-09-01" && rep.YearStart != "2024-08-01" {
				t.Errorf("school year starts %s", rep.YearStart)
			}

			// Weeks (Monday to Sunday; the first and last partial).
			from, to, _ = a.ParseRange("2025-01-01", "2025-03-14")
			rep, _ = a.StudentReport(ctx, teacher, zoe, from, to)
			first, last := rep.Trend[0], rep.Trend[len(rep.Trend)-1]
			if rep.Step != app.StepWeek || first.From != "2025-01-01" || first.To != "2025-01-05" || last.From != "2025-03-10" || last.To != "2025-03-14" {
				t.Errorf("weeks: %s, %+v … %+v", rep.Step, first, last)
			}
			for _, p := range rep.Trend {
				if p.From == "2025-03-03" && (p.To != "2025-03-09" || p.Points != (store.Totals{Total: 2, Positive: 3, NeedsWork: 1, Count: 4}) || p.Attendance.Total() != 3) {
					t.Errorf("week of March 3rd: %+v", p)
				}
			}
			// Months.
			from, to, _ = a.ParseRange("2024-09-02", "2025-03-14")
			rep, _ = a.StudentReport(ctx, teacher, zoe, from, to)
			if rep.Step != app.StepMonth || len(rep.Trend) != 7 || rep.Trend[0].From != "2024-09-02" || rep.Trend[0].To != "2024-09-30" ||
				rep.Trend[5].Points.Count != 1 || rep.Trend[6].Points.Count != 4 {
				t.Errorf("months: %s %+v", rep.Step, rep.Trend)
			}

			// The class: both students, in name order, adding up.
			from, to, _ = a.ParseRange("2025-03-01", "2025-03-14")
			cr, err := a.ClassReport(ctx, teacher, c.ID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if cr.Points.Count != 5 || len(cr.Students) != 2 || cr.Students[0].Student.FirstName != "Kai" ||
				cr.Students[1].Points.Count != 4 || cr.Students[0].Attendance.Absent != 1 || cr.Attendance.Total() != 5 {
				t.Errorf("class report %+v", cr)
			}
			// The school: a line per class, in name order, with this one's numbers.
			leader := session(t, env, demo.LeaderEmail)
			sr, err := a.SchoolSummary(ctx, leader, c.SchoolID, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, row := range sr.Classes {
				if row.Class.ID == c.ID {
					found = row.Points == cr.Points.Totals && row.Attendance == cr.Attendance.AttendanceCounts
				}
			}
			if !found || len(sr.Classes) != 3 || sr.Points.Count < 5 {
				t.Errorf("school summary: %d classes, found %v", len(sr.Classes), found)
			}

			// Attendance histories agree with the reports.
			h, err := a.StudentAttendance(ctx, teacher, zoe, from, to)
			if err != nil || len(h.Records) != 4 || h.Summary.AttendanceCounts != rep.Attendance.AttendanceCounts || h.ClassNames[c.ID] != "Room 5" {
				t.Errorf("student history: %v %+v", err, h)
			}
			ch, err := a.ClassAttendanceHistory(ctx, teacher, c.ID, from, to)
			if err != nil || len(ch.Records) != 5 || len(ch.Summary.Days) != 4 || len(ch.Students) != 2 || ch.Names[kai].FirstName != "Kai" {
				t.Errorf("class history: %v %+v", err, ch)
			}
		})
	}
}

// Who gets which report, at the use-case level: the same answers as
// PointsOf and AttendanceOf for a student, teachers and leaders for a
// class, leaders for a school; ErrNotFound for everyone else.
func TestReportAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			from, to, _ := a.ParseRange("", "")
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]
			classes, _ := store.ClassesOfSchool(ctx, env.DB.R, school)
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
			sessions := map[string]*app.Session{
				"nobody":      nil,
				"visitor":     {Actor: &authz.Actor{}},
				"teacher":     session(t, env, demo.TeacherEmail),
				"teacher2":    session(t, env, demo.Teacher2Email),
				"leader":      leader,
				"parent":      session(t, env, demo.ParentEmail),
				"ava":         session(t, env, demo.StudentUsername),
				"classmate":   session(t, env, "mateo.g"),
				"elena":       session(t, env, "elena.m"),
				"otherparent": session(t, env, "parent.sofia@demo.cubby.test"),
			}
			allow := func(names ...string) map[string]bool {
				m := map[string]bool{}
				for _, n := range names {
					m[n] = true
				}
				return m
			}
			for _, c := range []struct {
				name  string
				allow map[string]bool
				call  func(s *app.Session) error
			}{
				{"Ava's report", allow("teacher", "teacher2", "leader", "parent", "ava"), func(s *app.Session) error {
					_, err := a.StudentReport(ctx, s, ava, from, to)
					return err
				}},
				{"Ava's attendance", allow("teacher", "teacher2", "leader", "parent", "ava"), func(s *app.Session) error {
					_, err := a.StudentAttendance(ctx, s, ava, from, to)
					return err
				}},
				{"Sofia's report", allow("teacher", "teacher2", "leader", "otherparent"), func(s *app.Session) error {
					_, err := a.StudentReport(ctx, s, sofia, from, to)
					return err
				}},
				{"class report", allow("teacher", "leader"), func(s *app.Session) error {
					_, err := a.ClassReport(ctx, s, classes[0].ID, from, to)
					return err
				}},
				{"class attendance", allow("teacher", "leader"), func(s *app.Session) error {
					_, err := a.ClassAttendanceHistory(ctx, s, classes[0].ID, from, to)
					return err
				}},
				{"school summary", allow("leader"), func(s *app.Session) error {
					_, err := a.SchoolSummary(ctx, s, school, from, to)
					return err
				}},
			} {
				for who, s := range sessions {
					err := c.call(s)
					switch {
					case c.allow[who] && err != nil:
						t.Errorf("%s as %s: %v", c.name, who, err)
					case !c.allow[who] && !errors.Is(err, app.ErrNotFound):
						t.Errorf("%s as %s: %v, want not found", c.name, who, err)
					}
				}
			}
			// The same answer as PointsOf gives, for each person.
			for who, s := range sessions {
				if s == nil {
					continue
				}
				_, perr := a.PointsOf(ctx, s, ava, from, to)
				_, rerr := a.StudentReport(ctx, s, ava, from, to)
				if (perr == nil) != (rerr == nil) {
					t.Errorf("%s: PointsOf %v, StudentReport %v", who, perr, rerr)
				}
			}
			// Hidden points: the family's report has attendance and no points.
			if err := a.SetHidePoints(ctx, sessions["teacher"], classes[0].ID, true); err != nil {
				t.Fatal(err)
			}
			for who, hidden := range map[string]bool{"parent": true, "ava": true, "teacher": false, "leader": false} {
				rep, err := a.StudentReport(ctx, sessions[who], ava, from, to)
				if err != nil || rep.PointsHidden != hidden || (hidden && (rep.Points.Count != 0 || len(rep.Points.Skills) != 0 || rep.Trend[len(rep.Trend)-2].Points.Count != 0)) ||
					rep.Attendance.Total() == 0 {
					t.Errorf("%s with hidden points: %v hidden=%v", who, err, rep != nil && rep.PointsHidden)
				}
			}
		})
	}
}
