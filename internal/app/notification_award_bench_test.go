package app_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/notify"
	"cubby/internal/testenv"
)

// BenchmarkAwardsDuringFanout measures what a teacher awarding points
// feels while the notification job tells 1,000 parents of an
// announcement (issue 14: the job's short batches must not hold the
// writer long): the award's p50/p99 alone, then with the fan-out of one
// announcement to 1,000 parents after another running beside it, in the
// same run so the two compare. The award is the whole use case
// (app.AwardPoints: checks, the point, its fan-out row, the live event).
//
//	go test ./internal/app/ -run '^$' -bench AwardsDuringFanout -benchtime 2000x
func BenchmarkAwardsDuringFanout(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			env := testenv.New(b, d)
			ctx := context.Background()
			w := benchWorld(b, env)
			a := env.App
			parents := make([]int64, 0, 1000)
			now := a.Now()
			for i := range 1000 {
				var id int64
				if err := env.DB.W.QueryRow(`INSERT INTO users (kind, title, first_name, last_name, email, password_hash, language, created_at, updated_at)
					VALUES ('parent', 'Ms.', 'Parent', $1, $2, '', $3, $4, $4) RETURNING id`, fmt.Sprint("P", i), fmt.Sprintf("p%d@bench.test", i),
					[]string{"en", "es", "fr", "ar"}[i%4], now).Scan(&id); err != nil {
					b.Fatal(err)
				}
				parents = append(parents, id)
			}
			skills, err := a.Skills(ctx, w.teacher, w.class3)
			if err != nil || len(skills) == 0 {
				b.Fatal(err)
			}
			award := func(int) error {
				_, err := a.AwardPoints(ctx, w.teacher, w.class3, app.Award{StudentIDs: []int64{w.ava.ID}, SkillID: skills[0].ID})
				return err
			}
			if v, err := strconv.Atoi(os.Getenv("CUBBY_BENCH_BATCH")); err == nil {
				a.Notifications.Batch = v
			}
			b.Run("alone", func(b *testing.B) { timed(b, award) })
			b.Run("during-fanout", func(b *testing.B) {
				var stop atomic.Bool
				var told atomic.Int64
				done := make(chan error, 1)
				go func() {
					for !stop.Load() {
						err := env.DB.Tx(ctx, func(tx db.Querier) error {
							return a.Notify(ctx, tx, app.Notice{Kind: notify.KindJoinRequest, SchoolID: w.schoolID, RefID: w.schoolID, To: parents})
						})
						if err == nil {
							var n int
							n, err = a.RunNotificationJobs(ctx)
							told.Add(int64(n))
						}
						if err != nil {
							done <- err
							return
						}
					}
					done <- nil
				}()
				timed(b, award)
				stop.Store(true)
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(told.Load())/float64(b.N), "told/award")
			})
		})
	}
}
