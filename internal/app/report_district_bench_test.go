package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/benchdata"
	"cubby/internal/db/dbtest"
)

// A school's year summary, the class screen and a student's year report in
// a district (benchdata.District, CUBBY_BENCH_STUDENTS students, default
// 5,000: five schools), for the smallest and the largest school: a
// school's summary should cost in proportion to its own points, not the
// district's. Run with:
//
//	go test ./internal/app/ -run '^$' -bench 'District' -benchtime 20x
//	CUBBY_BENCH_STUDENTS=20000 CUBBY_TEST_DATABASE_URL=postgres://… go test ./internal/app/ -run '^$' -bench 'District/postgres' -benchtime 20x
func BenchmarkDistrict(b *testing.B) {
	students := 5000
	if n, err := strconv.Atoi(os.Getenv("CUBBY_BENCH_STUDENTS")); err == nil && n > 0 {
		students = n
	}
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			database := dbtest.Open(b, d)
			now := time.Now().UTC().Truncate(time.Microsecond)
			t0 := time.Now()
			c, err := benchdata.District(ctx, database, benchdata.DistrictOptions{Students: students, Seed: 1, Days: 180, End: now})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("seeded %+v in %s", *c, time.Since(t0).Round(time.Second))
			if d == "postgres" {
				database.W.Exec("ANALYZE")
			}
			a := app.New(database, slog.New(slog.NewTextHandler(io.Discard, nil)))
			a.Location = time.UTC
			from, to, err := a.ParseRange(now.AddDate(0, 0, -364).Format(time.DateOnly), now.Format(time.DateOnly))
			if err != nil {
				b.Fatal(err)
			}
			// The smallest and the largest school, by points, with their
			// leader (leaders are numbered in school order) and a class.
			rows, err := database.R.Query(`SELECT s.id, COUNT(p.id), MIN(p.class_id), MIN(p.student_id) FROM schools s JOIN points p ON p.school_id = s.id
				GROUP BY s.id ORDER BY COUNT(p.id), s.id`)
			if err != nil {
				b.Fatal(err)
			}
			type school struct{ id, points, class, student int64 }
			var all []school
			for rows.Next() {
				var s school
				rows.Scan(&s.id, &s.points, &s.class, &s.student)
				all = append(all, s)
			}
			rows.Close()
			for _, s := range []struct {
				name string
				school
			}{{"smallest", all[0]}, {"largest", all[len(all)-1]}} {
				var leaderID int64
				if err := database.R.QueryRow(`SELECT user_id FROM school_members WHERE school_id = $1 AND role = 'leader'`, s.id).Scan(&leaderID); err != nil {
					b.Fatal(err)
				}
				leader := app.BenchSession(ctx, a, leaderID)
				b.Logf("%s school: %d of %d points", s.name, s.points, c.Points)
				b.Run("school-year-"+s.name, func(b *testing.B) {
					timed(b, func(i int) error {
						r, err := a.SchoolSummary(ctx, leader, s.id, from, to)
						if err == nil && r.Points.Count == 0 {
							err = fmt.Errorf("empty summary")
						}
						return err
					})
				})
				b.Run("class-view-"+s.name, func(b *testing.B) {
					timed(b, func(i int) error {
						_, err := a.Classroom(ctx, leader, s.class)
						return err
					})
				})
				b.Run("student-year-"+s.name, func(b *testing.B) {
					timed(b, func(i int) error {
						_, err := a.StudentReport(ctx, leader, s.student, from, to)
						return err
					})
				})
			}
			// A busy day: 90,000 points today in one class (the issue's
			// 11 req/s), then the class screen's "today" again.
			s := all[0]
			var skillID int64
			var skillName string
			var weight int
			if err := database.R.QueryRow(`SELECT id, name, weight FROM skills WHERE school_id = $1 ORDER BY id LIMIT 1`, s.id).Scan(&skillID, &skillName, &weight); err != nil {
				b.Fatal(err)
			}
			day := now.Truncate(24 * time.Hour).Add(8 * time.Hour)
			for k := 0; k < 900; k++ {
				var ph []string
				var args []any
				for j := 0; j < 100; j++ {
					n := len(args)
					ph = append(ph, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7))
					args = append(args, s.id, s.class, s.student, skillID, skillName, weight, day.Add(time.Duration(k*100+j)*100*time.Millisecond))
				}
				if _, err := database.W.Exec(`INSERT INTO points (school_id, class_id, student_id, skill_id, skill_name, weight, awarded_at) VALUES `+strings.Join(ph, ", "), args...); err != nil {
					b.Fatal(err)
				}
			}
			if d == "postgres" {
				database.W.Exec("VACUUM ANALYZE points")
			}
			var leaderID int64
			database.R.QueryRow(`SELECT user_id FROM school_members WHERE school_id = $1 AND role = 'leader'`, s.id).Scan(&leaderID)
			leader := app.BenchSession(ctx, a, leaderID)
			b.Run("class-view-busy-day", func(b *testing.B) {
				timed(b, func(i int) error {
					cv, err := a.Classroom(ctx, leader, s.class)
					if err == nil && cv.Totals[s.student].Count < 90000 {
						err = fmt.Errorf("today's totals: %+v", cv.Totals[s.student])
					}
					return err
				})
			})
		})
	}
}
