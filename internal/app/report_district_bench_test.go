package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
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
		})
	}
}
