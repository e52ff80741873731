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

func session(t *testing.T, env *testenv.Env, who string) *app.Session {
	t.Helper()
	token, _, err := env.App.Login(context.Background(), app.Credentials{Login: who, Password: demo.Password})
	if err != nil {
		t.Fatalf("login %s: %v", who, err)
	}
	s, err := env.App.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestClassroomDay(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			schoolID := teacher.Actor.SchoolIDs()[0]
			c, err := a.CreateClass(ctx, teacher, schoolID, "  Room 12 ")
			if err != nil || c.Name != "Room 12" {
				t.Fatalf("create class: %v", err)
			}
			teacher = session(t, env, demo.TeacherEmail) // the new class is now theirs
			added, err := a.AddStudents(ctx, teacher, c.ID, []app.NewStudent{{"Zoé", "Durand"}, {"Ava", "Martin"}, {"Kai", ""}})
			if err != nil || len(added) != 3 {
				t.Fatalf("add: %v", err)
			}
			if !added[1].Existing || added[0].Existing || added[0].Student.Username != "zoe.d" || len(added[0].Student.ParentCode) != 8 {
				t.Errorf("added: %+v", added)
			}
			skills, err := a.Skills(ctx, teacher, c.ID)
			if err != nil || len(skills) != 10 || skills[0].Weight <= 0 || skills[len(skills)-1].Weight >= 0 {
				t.Fatalf("starter skills: %v %+v", err, skills)
			}
			zoe, ava, kai := added[0].Student.ID, added[1].Student.ID, added[2].Student.ID
			if _, err := a.TakeAttendance(ctx, teacher, c.ID, a.Today(), []app.Mark{{zoe, "present"}, {ava, "absent"}, {kai, "late"}}); err != nil {
				t.Fatal(err)
			}
			// A named absent student: 409, nothing written.
			var absent *app.AbsentError
			if _, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: []int64{zoe, ava}, SkillID: skills[0].ID}); !errors.As(err, &absent) || len(absent.StudentIDs) != 1 || absent.StudentIDs[0] != ava {
				t.Errorf("award to absent: %v", err)
			}
			points, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{WholeClass: true, SkillID: skills[0].ID, Note: "great start"})
			if err != nil || len(points) != 2 {
				t.Fatalf("whole class should skip the absent student: %v %d", err, len(points))
			}
			zero := skills[len(skills)-4] // the zero-point skill sits between positive and needs-work
			if zero.Weight != 0 {
				t.Fatalf("no zero-point skill in %+v", skills)
			}
			if _, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: []int64{kai}, SkillID: zero.ID}); err != nil {
				t.Errorf("zero-point feedback: %v", err)
			}
			var ve *app.ValidationError
			other, _ := store.SkillsForClass(ctx, env.DB.R, schoolID, 1) // Class 3 Sunflowers' skills
			if _, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: []int64{zoe}, SkillID: other[0].ID}); !errors.As(err, &ve) {
				t.Errorf("skill of another class: %v", err)
			}
			if _, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: []int64{999999}, SkillID: skills[0].ID}); !errors.As(err, &ve) {
				t.Errorf("student of no class: %v", err)
			}
			if _, err := a.AddSkill(ctx, teacher, 0, c.ID, "Rocket", 99); !errors.As(err, &ve) {
				t.Errorf("weight 99: %v", err)
			}
			// Undo within the window only.
			if err := a.UndoPoint(ctx, teacher, points[0].ID); err != nil {
				t.Errorf("undo: %v", err)
			}
			now := time.Now().Add(time.Minute)
			a.SetClock(func() time.Time { return now })
			if err := a.UndoPoint(ctx, teacher, points[1].ID); !errors.As(err, &ve) {
				t.Errorf("late undo: %v", err)
			}
			a.SetClock(time.Now)
			// A removed student keeps history but gets no more points.
			var before int
			env.DB.R.QueryRow(`SELECT count(*) FROM points WHERE student_id = $1`, kai).Scan(&before)
			if err := a.RemoveStudent(ctx, teacher, c.ID, kai); err != nil {
				t.Fatal(err)
			}
			if _, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: []int64{kai}, SkillID: skills[0].ID}); !errors.As(err, &ve) {
				t.Errorf("removed student: %v", err)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM points WHERE student_id = $1`, kai).Scan(&n)
			if n != before || n == 0 {
				t.Errorf("removed student's history: %d points, had %d", n, before)
			}
		})
	}
}

func TestAttendanceRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			teacher, leader := session(t, env, demo.TeacherEmail), session(t, env, demo.LeaderEmail)
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			mark := []app.Mark{{roster[0].ID, "absent"}}
			tomorrow := time.Now().In(a.Location).AddDate(0, 0, 1).Format(time.DateOnly)
			yesterday := time.Now().In(a.Location).AddDate(0, 0, -1).Format(time.DateOnly)
			var ve *app.ValidationError
			for _, c := range []struct {
				s   *app.Session
				day string
				key string
			}{
				{teacher, tomorrow, "attendance.future"},
				{teacher, "1999-01-01", "attendance.before_class"},
				{teacher, "2026-13-45", "range.bad_date"},
			} {
				if _, err := a.TakeAttendance(ctx, c.s, 1, c.day, mark); !errors.As(err, &ve) || ve.Fields["date"].Key != c.key {
					t.Errorf("%s: want %s, got %v", c.day, c.key, err)
				}
			}
			if _, err := a.TakeAttendance(ctx, teacher, 1, a.Today(), []app.Mark{{roster[0].ID, "sleeping"}}); !errors.As(err, &ve) {
				t.Errorf("bad status: %v", err)
			}
			if _, err := a.TakeAttendance(ctx, leader, 1, yesterday, mark); err != nil {
				t.Errorf("a leader corrects yesterday: %v", err)
			}
			teacher2 := session(t, env, demo.Teacher2Email)
			if _, err := a.TakeAttendance(ctx, teacher2, 1, a.Today(), mark); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another teacher's class: %v", err)
			}
		})
	}
}

func TestParentConnectsAndSeesOnlyTheirChild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			// A new parent connects to Mateo with his code.
			_, _, err := a.SignUp(ctx, app.Signup{Kind: "parent", FirstName: "Rosa", LastName: "Garcia", Email: "rosa.garcia@example.org",
				Password: "violet river bench", Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			var mateo store.Student
			for _, st := range roster {
				if st.FirstName == "Mateo" {
					mateo = st
				}
			}
			token, _, _ := a.Login(ctx, app.Credentials{Login: "rosa.garcia@example.org", Password: "violet river bench"})
			parent, _ := a.Authenticate(ctx, token)
			var ve *app.ValidationError
			if _, err := a.ConnectChild(ctx, parent, "WRONGCODE"); !errors.As(err, &ve) || ve.Fields["parent_code"].Key != "connect.unknown_code" {
				t.Errorf("wrong code: %v", err)
			}
			st, err := a.ConnectChild(ctx, parent, " "+mateo.ParentCode[:4]+"-"+mateo.ParentCode[4:]+" ")
			if err != nil || st.ID != mateo.ID {
				t.Fatalf("connect: %v", err)
			}
			if _, err := a.ConnectChild(ctx, parent, mateo.ParentCode); !errors.As(err, &ve) {
				t.Errorf("connecting twice: %v", err)
			}
			parent, _ = a.Authenticate(ctx, token)
			from, to, _ := a.ParseRange("", "")
			if sp, err := a.PointsOf(ctx, parent, mateo.ID, from, to); err != nil || sp.Totals.Count == 0 {
				t.Errorf("parent sees their child's points: %v", err)
			}
			if _, err := a.PointsOf(ctx, parent, roster[0].ID, from, to); !errors.Is(err, app.ErrNotFound) && roster[0].ID != mateo.ID {
				t.Errorf("parent sees another child's points: %v", err)
			}
			// The class hides points from families: the parent no longer sees them, the teacher does.
			teacher := session(t, env, demo.TeacherEmail)
			if err := a.SetHidePoints(ctx, teacher, 1, true); err != nil {
				t.Fatal(err)
			}
			if _, err := a.PointsOf(ctx, parent, mateo.ID, from, to); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("hidden points shown to the family: %v", err)
			}
			if _, err := a.PointsOf(ctx, teacher, mateo.ID, from, to); err != nil {
				t.Errorf("teacher: %v", err)
			}
			// Guessing codes is throttled.
			var rl *app.RateLimitError
			for i := 0; i < 25 && !errors.As(err, &rl); i++ {
				_, err = a.ConnectChild(ctx, parent, "ZZZZZZZ"+string(rune('A'+i%20)))
			}
			if !errors.As(err, &rl) {
				t.Errorf("code guessing is not throttled: %v", err)
			}
		})
	}
}

func TestClassCodeLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			code, expires, err := a.RotateClassCode(ctx, teacher, 1)
			if err != nil || len(code) != 6 || time.Until(expires) < 5*time.Hour {
				t.Fatalf("code: %q %v %v", code, expires, err)
			}
			_, roster, err := a.ClassByCode(ctx, code, "203.0.113.1")
			if err != nil || len(roster) != 25 {
				t.Fatalf("class by code: %v", err)
			}
			token, err := a.LoginWithClassCode(ctx, code, roster[3].ID, "203.0.113.1", "Chrome 156")
			if err != nil {
				t.Fatal(err)
			}
			s, _ := a.Authenticate(ctx, token)
			if s.Actor.StudentID != roster[3].ID {
				t.Errorf("logged in as the wrong student")
			}
			// A student of another class cannot use this code.
			other, _ := store.StudentsOfClass(ctx, env.DB.R, 2)
			if _, err := a.LoginWithClassCode(ctx, code, other[0].ID, "203.0.113.1", ""); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("other class's student: %v", err)
			}
			// Rotating kills the old code; expiry kills the new one.
			newCode, _, _ := a.RotateClassCode(ctx, teacher, 1)
			var ve *app.ValidationError
			if _, _, err := a.ClassByCode(ctx, code, "203.0.113.2"); !errors.As(err, &ve) {
				t.Errorf("old code still works: %v", err)
			}
			later := time.Now().Add(app.ClassCodeTTL + time.Minute)
			a.SetClock(func() time.Time { return later })
			if _, _, err := a.ClassByCode(ctx, newCode, "203.0.113.2"); !errors.As(err, &ve) {
				t.Errorf("expired code still works: %v", err)
			}
		})
	}
}

// A class that hides points from families hides its own points even when
// the child's other class shows theirs.
func TestHiddenPointsPerClass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			c, err := a.CreateClass(ctx, teacher, 1, "Art club")
			if err != nil {
				t.Fatal(err)
			}
			teacher = session(t, env, demo.TeacherEmail)
			added, err := a.AddStudents(ctx, teacher, c.ID, []app.NewStudent{{"Ava", "Martin"}}) // the demo parent's child, also in class 1
			if err != nil || !added[0].Existing {
				t.Fatalf("add Ava: %v", err)
			}
			ava := added[0].Student.ID
			skills, _ := a.Skills(ctx, teacher, c.ID)
			if _, err := a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: []int64{ava}, SkillID: skills[0].ID, Note: "art club secret"}); err != nil {
				t.Fatal(err)
			}
			if err := a.SetHidePoints(ctx, teacher, c.ID, true); err != nil {
				t.Fatal(err)
			}
			parent := session(t, env, demo.ParentEmail)
			from, to, _ := a.ParseRange("", "")
			sp, err := a.PointsOf(ctx, parent, ava, from, to)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range sp.Points {
				if p.ClassID == c.ID {
					t.Fatal("a hidden class's point reached the family")
				}
			}
			all, _ := a.PointsOf(ctx, teacher, ava, from, to)
			if all.Totals.Count != sp.Totals.Count+1 {
				t.Errorf("family total %d, teacher total %d: the hidden point should be the only difference", sp.Totals.Count, all.Totals.Count)
			}
			days, _ := a.FamilyView(ctx, parent)
			for _, d := range days {
				for _, p := range d.Recent {
					if p.ClassID == c.ID {
						t.Error("the hidden point is in the family's timeline")
					}
				}
			}
		})
	}
}

func TestHiddenPointsPerClassInReports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			c, _ := a.CreateClass(ctx, teacher, 1, "Chess club")
			teacher = session(t, env, demo.TeacherEmail)
			added, _ := a.AddStudents(ctx, teacher, c.ID, []app.NewStudent{{"Ava", "Martin"}})
			ava := added[0].Student.ID
			skills, _ := a.Skills(ctx, teacher, c.ID)
			a.AwardPoints(ctx, teacher, c.ID, app.Award{StudentIDs: []int64{ava}, SkillID: skills[0].ID})
			a.SetHidePoints(ctx, teacher, c.ID, true)
			from, to, _ := a.ParseRange("", "")
			fam, err := a.StudentReport(ctx, session(t, env, demo.ParentEmail), ava, from, to)
			if err != nil {
				t.Fatal(err)
			}
			staff, _ := a.StudentReport(ctx, teacher, ava, from, to)
			if staff.Points.Totals.Count != fam.Points.Totals.Count+1 {
				t.Errorf("report: family sees %d points, staff %d; only the hidden one should differ", fam.Points.Totals.Count, staff.Points.Totals.Count)
			}
		})
	}
}
