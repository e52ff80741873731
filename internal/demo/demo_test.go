package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// The demo's four weeks of attendance look like a real class's, so the
// reports have something to show (issue 15: every day read 96.0 %): the
// daily rate varies, a few children are often late, and one child is off
// sick for a whole school week.
func TestDemoAttendanceIsVaried(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "the demo's generated data; the same inserts run on both engines elsewhere"))
	ctx := context.Background()
	u, err := store.UserByEmail(ctx, env.DB.R, demo.LeaderEmail)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := store.MembershipsOfUser(ctx, env.DB.R, u.ID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("the leader's school: %v", err)
	}
	classes, err := store.ClassesOfSchool(ctx, env.DB.R, ms[0].SchoolID)
	if err != nil || len(classes) == 0 {
		t.Fatalf("classes: %v", err)
	}
	for _, c := range classes {
		records, err := store.AttendanceOfClass(ctx, env.DB.R, c.ID, "2000-01-01", env.App.Today())
		if err != nil || len(records) == 0 {
			t.Fatalf("%s: attendance %v", c.Name, err)
		}
		absentOn := map[string]int{}
		byStudent := map[int64][]store.AttendanceRecord{}
		for _, r := range records {
			away := 0
			if r.Status == store.Absent {
				away = 1
			}
			absentOn[r.Day] += away // every day counted, with none away too
			byStudent[r.StudentID] = append(byStudent[r.StudentID], r)
		}
		counts := map[int]bool{}
		for _, n := range absentOn {
			counts[n] = true
		}
		if len(counts) < 3 {
			t.Errorf("%s: every day has one of %v children absent: the rate barely varies", c.Name, counts)
		}
		oftenLate, sickWeek := 0, false
		for _, rs := range byStudent {
			slices.SortFunc(rs, func(a, b store.AttendanceRecord) int { return strings.Compare(a.Day, b.Day) })
			late, run := 0, 0
			for _, r := range rs {
				if r.Status == store.Late {
					late++
				}
				if r.Status == store.Absent {
					run++
					sickWeek = sickWeek || run >= 5
				} else {
					run = 0
				}
			}
			if late >= 3 {
				oftenLate++
			}
		}
		if oftenLate < 2 {
			t.Errorf("%s: %d children are late three times or more, want a few", c.Name, oftenLate)
		}
		if !sickWeek {
			t.Errorf("%s: no child is away for a school week", c.Name)
		}
	}
}
