package app_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/benchdata"
	"cubby/internal/db/dbtest"
)

// The class screen (30 students with today's totals, skills and
// attendance) in a 600-student school with a year of data. Run with:
//
//	go test ./internal/app/ -run '^$' -bench ClassView -benchtime 2000x
func BenchmarkClassView(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			database := dbtest.Open(b, d)
			now := time.Now().UTC().Truncate(time.Microsecond)
			school, err := benchdata.Year(ctx, database, 20, 30, 180, now)
			if err != nil {
				b.Fatal(err)
			}
			a := app.New(database, slog.New(slog.NewTextHandler(io.Discard, nil)))
			s := app.BenchSession(ctx, a, school.TeacherID)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				cv, err := a.Classroom(ctx, s, school.ClassIDs[0])
				if err != nil || len(cv.Roster) != 30 {
					b.Fatalf("class view: %v", err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
