// Package benchdata builds a large school for benchmarks: a school year of
// points and attendance for 600 students, written straight through the
// store in large transactions so seeding takes seconds, not minutes.
package benchdata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// School describes what was built.
type School struct {
	SchoolID  int64
	TeacherID int64 // teaches ClassIDs[0]
	ClassIDs  []int64
	Students  []int64 // of ClassIDs[0]
}

// Year seeds a school of classes×perClass students with days school days
// of attendance and about three points per student per day, ending today.
func Year(ctx context.Context, d *db.DB, classes, perClass, days int, now time.Time) (*School, error) {
	rng := rand.New(rand.NewPCG(7, 7))
	out := &School{}
	school := &store.School{Name: "Benchmark School", Country: "US", Source: "bench", SourceID: fmt.Sprint(now.UnixNano()), CreatedAt: now}
	if err := store.CreateSchool(ctx, d.W, school); err != nil {
		return nil, err
	}
	out.SchoolID = school.ID
	start := now.AddDate(0, 0, -days*7/5-7)
	teacher := &store.User{Kind: "teacher", FirstName: "Bench", LastName: "Teacher", Email: fmt.Sprintf("bench%d@bench.test", now.UnixNano()), Language: "en", CreatedAt: now}
	if err := store.CreateUser(ctx, d.W, teacher); err != nil {
		return nil, err
	}
	out.TeacherID = teacher.ID
	if err := store.AddMembership(ctx, d.W, &store.Membership{SchoolID: school.ID, UserID: teacher.ID, Role: "teacher", Status: "active", VerifiedAt: &now, CreatedAt: now}); err != nil {
		return nil, err
	}
	for ci := 0; ci < classes; ci++ {
		var class store.Class
		var skills []store.Skill
		var roster []int64
		err := d.Tx(ctx, func(tx db.Querier) error {
			class = store.Class{SchoolID: school.ID, Name: fmt.Sprintf("Class %d", ci+1), CreatedAt: start}
			if err := store.CreateClass(ctx, tx, &class, teacher.ID); err != nil {
				return err
			}
			for k, w := range []int{1, 1, 1, 2, 0, -1} {
				s := store.Skill{SchoolID: school.ID, ClassID: class.ID, Name: fmt.Sprintf("Skill %d", k), Weight: w, CreatedAt: start}
				if err := store.CreateSkill(ctx, tx, &s); err != nil {
					return err
				}
				skills = append(skills, s)
			}
			for si := 0; si < perClass; si++ {
				u := &store.User{Kind: "student", FirstName: fmt.Sprintf("S%d", si), LastName: fmt.Sprintf("C%d", ci), Username: fmt.Sprintf("b%d.%d.%d", now.UnixNano()%1e6, ci, si), Language: "en", CreatedAt: start}
				if err := store.CreateUser(ctx, tx, u); err != nil {
					return err
				}
				st := &store.Student{SchoolID: school.ID, UserID: u.ID, ParentCode: fmt.Sprintf("B%d%06d", ci, si+int(now.UnixNano()%1e6)*1000), CreatedAt: start}
				if err := store.CreateStudent(ctx, tx, st); err != nil {
					return err
				}
				if err := store.EnrollStudent(ctx, tx, school.ID, class.ID, st.ID, start); err != nil {
					return err
				}
				roster = append(roster, st.ID)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out.ClassIDs = append(out.ClassIDs, class.ID)
		if ci == 0 {
			out.Students = roster
		}
		// A year of school days, a class per transaction batch of days.
		day, n := start, 0
		for n < days {
			err := d.Tx(ctx, func(tx db.Querier) error {
				for k := 0; k < 20 && n < days; day = day.AddDate(0, 0, 1) {
					if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
						continue
					}
					k++
					n++
					date := day.Format(time.DateOnly)
					for _, sid := range roster {
						status := store.Present
						if rng.IntN(25) == 0 {
							status = store.Absent
						}
						if err := store.SaveAttendance(ctx, tx, &store.AttendanceRecord{SchoolID: school.ID, ClassID: class.ID, StudentID: sid, Day: date, Status: status, RecordedBy: teacher.ID, RecordedAt: day}); err != nil {
							return err
						}
						if status == store.Absent {
							continue
						}
						for p := rng.IntN(6); p > 0; p-- {
							sk := skills[rng.IntN(len(skills))]
							at := day.Add(time.Duration(8*60+rng.IntN(420)) * time.Minute)
							if err := store.AddPoint(ctx, tx, &store.Point{SchoolID: school.ID, ClassID: class.ID, StudentID: sid, SkillID: sk.ID, SkillName: sk.Name, Weight: sk.Weight, AwardedBy: teacher.ID, AwardedAt: at}); err != nil {
								return err
							}
						}
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
