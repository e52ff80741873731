package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"syscall"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/benchdata"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// Reports over a year in a 600-student school (24 classes of 25, 180
// school days of attendance, about 2.5 points per student per day: some
// 260,000 points and 108,000 attendance records). Run with:
//
//	go test ./internal/app/ -run '^$' -bench 'Reports/sqlite/student' -benchtime 2000x
//	go test ./internal/app/ -run '^$' -bench 'Reports/sqlite/(class|school)' -benchtime 30x
//
// The target is a student's year report at p99 under 30 ms on SQLite
// (BENCHMARKS.md has the figures).
func BenchmarkReports(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			database := dbtest.Open(b, d)
			now := time.Now().UTC().Truncate(time.Microsecond)
			t0 := time.Now()
			school, err := benchdata.Year(ctx, database, 24, 25, 180, now)
			if err != nil {
				b.Fatal(err)
			}
			var points, records int
			database.R.QueryRow(`SELECT count(*) FROM points WHERE school_id = $1`, school.SchoolID).Scan(&points)
			database.R.QueryRow(`SELECT count(*) FROM attendance WHERE school_id = $1`, school.SchoolID).Scan(&records)
			b.Logf("seeded %d points and %d attendance records in %s", points, records, time.Since(t0).Round(time.Second))
			a := app.New(database, slog.New(slog.NewTextHandler(io.Discard, nil)))
			a.Location = time.UTC
			teacher := app.BenchSession(ctx, a, school.TeacherID)
			leader := benchLeader(b, ctx, a, database, school.SchoolID, now)
			// A year, ending today: the trend is grouped by month.
			from, to, err := a.ParseRange(now.AddDate(0, 0, -364).Format(time.DateOnly), now.Format(time.DateOnly))
			if err != nil {
				b.Fatal(err)
			}
			b.Run("student-year", func(b *testing.B) {
				timed(b, func(i int) error {
					r, err := a.StudentReport(ctx, teacher, school.Students[i%len(school.Students)], from, to)
					if err == nil && (r.Points.Count == 0 || r.Step != app.StepMonth) {
						err = fmt.Errorf("empty report: %+v", r.Points.Totals)
					}
					return err
				})
			})
			b.Run("class-year", func(b *testing.B) {
				timed(b, func(i int) error {
					r, err := a.ClassReport(ctx, teacher, school.ClassIDs[0], from, to)
					if err == nil && len(r.Students) != 25 {
						err = fmt.Errorf("%d students", len(r.Students))
					}
					return err
				})
			})
			b.Run("school-year", func(b *testing.B) {
				timed(b, func(i int) error {
					r, err := a.SchoolSummary(ctx, leader, school.SchoolID, from, to)
					if err == nil && len(r.Classes) != 24 {
						err = fmt.Errorf("%d classes", len(r.Classes))
					}
					return err
				})
			})
		})
	}
}

// timed runs f b.N times and reports the latency percentiles.
func timed(b *testing.B, f func(i int) error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := f(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	// The process's CPU per report: on a shared machine the tail of the
	// wall-clock latencies is mostly time spent waiting for a core, and
	// this says how much work a report really is.
	b.ReportMetric(ms(cpu/time.Duration(b.N)), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLeader makes a leader of the school and returns their session.
func benchLeader(b *testing.B, ctx context.Context, a *app.App, database *db.DB, schoolID int64, now time.Time) *app.Session {
	b.Helper()
	u := &store.User{Kind: store.KindLeader, FirstName: "Bench", LastName: "Leader", Email: fmt.Sprintf("leader%d@bench.test", now.UnixNano()),
		Language: "en", CreatedAt: now}
	if err := store.CreateUser(ctx, database.W, u); err != nil {
		b.Fatal(err)
	}
	if err := store.AddMembership(ctx, database.W, &store.Membership{SchoolID: schoolID, UserID: u.ID, Role: store.RoleLeader, Status: "active",
		VerifiedAt: &now, CreatedAt: now}); err != nil {
		b.Fatal(err)
	}
	return app.BenchSession(ctx, a, u.ID)
}
