package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// reportFixture is a school with a class of two students and another
// class of one, with nothing recorded yet.
type reportFixture struct {
	ctx            context.Context
	q              db.Querier
	school, c1, c2 int64
	ann, ben, cal  int64 // Ann and Ben in class one, Cal in class two
	skill1         int64
	point          func(student, class int64, skill string, weight int, at time.Time)
	mark           func(student, class int64, day, status string)
}

func newReportFixture(t *testing.T, d db.Dialect) *reportFixture {
	t.Helper()
	ctx := context.Background()
	database := dbtest.Open(t, d)
	q := database.W
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	f := &reportFixture{q: q, ctx: ctx}
	school := &store.School{Name: "Test", Country: "US", CreatedAt: now}
	must(store.CreateSchool(ctx, q, school))
	teacher := &store.User{Kind: store.KindTeacher, FirstName: "T", Email: "t@example.test", Language: "en", CreatedAt: now}
	must(store.CreateUser(ctx, q, teacher))
	c1, c2 := &store.Class{SchoolID: school.ID, Name: "One", CreatedAt: now}, &store.Class{SchoolID: school.ID, Name: "Two", CreatedAt: now}
	must(store.CreateClass(ctx, q, c1, teacher.ID))
	must(store.CreateClass(ctx, q, c2, teacher.ID))
	student := func(first, code string, class int64) int64 {
		u := &store.User{Kind: store.KindStudent, FirstName: first, Username: first, Language: "en", CreatedAt: now}
		must(store.CreateUser(ctx, q, u))
		s := &store.Student{SchoolID: school.ID, UserID: u.ID, ParentCode: code, CreatedAt: now}
		must(store.CreateStudent(ctx, q, s))
		must(store.EnrollStudent(ctx, q, school.ID, class, s.ID, now))
		return s.ID
	}
	f.school, f.c1, f.c2 = school.ID, c1.ID, c2.ID
	f.ann, f.ben, f.cal = student("Ann", "AAAA1111", c1.ID), student("Ben", "BBBB2222", c1.ID), student("Cal", "CCCC3333", c2.ID)
	sk := &store.Skill{SchoolID: school.ID, ClassID: c1.ID, Name: "Helping", Weight: 1, CreatedAt: now}
	must(store.CreateSkill(ctx, q, sk))
	f.skill1 = sk.ID
	f.point = func(student, class int64, skill string, weight int, at time.Time) {
		must(store.AddPoint(ctx, q, &store.Point{SchoolID: school.ID, ClassID: class, StudentID: student, SkillID: f.skill1,
			SkillName: skill, Weight: weight, AwardedBy: teacher.ID, AwardedAt: at}))
	}
	f.mark = func(student, class int64, day, status string) {
		must(store.SaveAttendance(ctx, q, &store.AttendanceRecord{SchoolID: school.ID, ClassID: class, StudentID: student,
			Day: day, Status: status, RecordedBy: teacher.ID, RecordedAt: now}))
	}
	return f
}

func TestReportAggregates(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newReportFixture(t, d)
			ctx, q := f.ctx, f.q
			t0 := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
			t1, t2, t3 := t0.AddDate(0, 0, 1), t0.AddDate(0, 0, 2), t0.AddDate(0, 0, 3)
			// Ann: two positive points on day 0 (one exactly at midnight,
			// which belongs to day 0), a needs-work point on day 1, a
			// zero-point one on day 2 at its last microsecond; one point
			// just before the range and one exactly at its end, both out.
			f.point(f.ann, f.c1, "Helping", 1, t0)
			f.point(f.ann, f.c1, "Teamwork", 2, t0.Add(9*time.Hour))
			f.point(f.ann, f.c1, "Off task", -1, t1.Add(10*time.Hour))
			f.point(f.ann, f.c1, "Noticed", 0, t3.Add(-time.Microsecond))
			f.point(f.ann, f.c1, "Helping", 5, t0.Add(-time.Microsecond))
			f.point(f.ann, f.c1, "Helping", 5, t3)
			// Ben in the same class, Cal in the other.
			f.point(f.ben, f.c1, "Helping", 1, t1)
			f.point(f.cal, f.c2, "Helping", 3, t2)

			ann := store.PointScope{StudentID: f.ann}
			cells, err := store.PointsBreakdown(ctx, q, ann, []time.Time{t0, t1, t2, t3})
			if err != nil {
				t.Fatal(err)
			}
			per, skills, classes := sums(cells, 3)
			want := []store.Totals{{Total: 3, Positive: 3, Count: 2}, {Total: -1, NeedsWork: 1, Count: 1}, {Count: 1}}
			if !slices.Equal(per, want) {
				t.Errorf("Ann per day: %+v, want %+v", per, want)
			}
			if len(skills) != 4 || skills["Teamwork"] != (store.Totals{Total: 2, Positive: 2, Count: 1}) || len(classes) != 1 {
				t.Errorf("Ann's skills %+v, classes %+v", skills, classes)
			}
			// One period; and a class with nothing in two of three periods.
			cells, _ = store.PointsBreakdown(ctx, q, ann, []time.Time{t0, t3})
			if one, _, _ := sums(cells, 1); one[0] != (store.Totals{Total: 2, Positive: 3, NeedsWork: 1, Count: 4}) {
				t.Errorf("one period: %+v", one)
			}
			cells, _ = store.PointsBreakdown(ctx, q, store.PointScope{ClassID: f.c2}, []time.Time{t0, t1, t2, t3})
			if gap, _, _ := sums(cells, 3); gap[0].Count != 0 || gap[1].Count != 0 || gap[2].Total != 3 {
				t.Errorf("class two: %+v", gap)
			}
			if none, err := store.PointsBreakdown(ctx, q, ann, []time.Time{t0}); none != nil || err != nil {
				t.Errorf("no periods: %v %v", none, err)
			}
			cells, _ = store.PointsBreakdown(ctx, q, store.PointScope{SchoolID: f.school}, []time.Time{t0, t3})
			school, bySkill, byClass := sums(cells, 1)
			if school[0].Count != 6 || school[0].Total != 6 || bySkill["Helping"].Count != 3 || byClass[f.c1].Count != 5 || byClass[f.c2].Total != 3 {
				t.Errorf("school: %+v %+v %+v", school, bySkill, byClass)
			}
			byStudent, _ := store.PointTotalsByStudent(ctx, q, f.c1, t0, t3)
			if byStudent[f.ann].Count != 4 || byStudent[f.ben].Total != 1 || len(byStudent) != 2 {
				t.Errorf("by student %+v", byStudent)
			}

			// Attendance: Ann in both classes on the 3rd (absent in one).
			f.mark(f.ann, f.c1, "2025-03-03", store.Present)
			f.mark(f.ann, f.c2, "2025-03-03", store.Absent)
			f.mark(f.ann, f.c1, "2025-03-04", store.Late)
			f.mark(f.ben, f.c1, "2025-03-04", store.LeftEarly)
			f.mark(f.ann, f.c1, "2025-03-06", store.Present) // after the range
			days, err := store.AttendanceBreakdown(ctx, q, store.PointScope{StudentID: f.ann}, "2025-03-03", "2025-03-05")
			if err != nil {
				t.Fatal(err)
			}
			if len(days) != 3 || days[0].Day != "2025-03-03" || days[0].ClassID != f.c1 || days[0].Present != 1 || days[1].ClassID != f.c2 ||
				days[1].Absent != 1 || days[2].Day != "2025-03-04" || days[2].Worst() != store.Late {
				t.Errorf("Ann's days: %+v", days)
			}
			cdays, _ := store.AttendanceBreakdown(ctx, q, store.PointScope{ClassID: f.c1}, "2025-03-03", "2025-03-06")
			if len(cdays) != 3 || cdays[1].AttendanceCounts != (store.AttendanceCounts{Late: 1, LeftEarly: 1}) {
				t.Errorf("class days: %+v", cdays)
			}
			sdays, _ := store.AttendanceBreakdown(ctx, q, store.PointScope{SchoolID: f.school}, "2025-03-03", "2025-03-05")
			perStudent, _ := store.AttendanceByStudent(ctx, q, f.c1, "2025-03-03", "2025-03-05")
			if perStudent[f.ann] != (store.AttendanceCounts{Present: 1, Late: 1}) || len(sdays) != 3 {
				t.Errorf("per student %+v, school days %+v", perStudent, sdays)
			}
			if c := (store.AttendanceCounts{Present: 2, Late: 1, Absent: 1}); c.Attended() != 3 || (store.AttendanceCounts{}).Worst() != "" {
				t.Error("Attended or Worst")
			}

			// Everyone ever on the roster, including those who left.
			if _, err := store.RemoveFromClass(ctx, q, f.c1, f.ben, t3); err != nil {
				t.Fatal(err)
			}
			ever, _ := store.StudentsEverInClass(ctx, q, f.c1)
			now, _ := store.StudentsOfClass(ctx, q, f.c1)
			if len(ever) != 2 || len(now) != 1 || ever[1].FirstName != "Ben" {
				t.Errorf("ever %d, now %d", len(ever), len(now))
			}
		})
	}
}

// sums adds up cells per period, per skill and per class.
func sums(cells []store.PointCell, periods int) ([]store.Totals, map[string]store.Totals, map[int64]store.Totals) {
	per := make([]store.Totals, periods)
	skills, classes := map[string]store.Totals{}, map[int64]store.Totals{}
	for _, c := range cells {
		per[c.Period].Add(c.Totals)
		s, k := skills[c.Skill], classes[c.ClassID]
		s.Add(c.Totals)
		k.Add(c.Totals)
		skills[c.Skill], classes[c.ClassID] = s, k
	}
	return per, skills, classes
}
