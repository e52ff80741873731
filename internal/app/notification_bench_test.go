package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/i18n"
	"cubby/internal/notify"
)

// BenchmarkNotifyThousandParents measures one announcement's
// notifications to 1,000 parents through the job path: the fan-out row
// written with the announcement, then the job's batches deciding for each
// person (their choice, quiet hours) and queueing each email, rendered in
// their language, in the outbox. Target (issue 14): under 10 s.
//
//	go test ./internal/app/ -run '^$' -bench NotifyThousand -benchtime 3x
func BenchmarkNotifyThousandParents(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			database := dbtest.Open(b, d)
			now := time.Now().UTC().Truncate(time.Microsecond)
			var school int64
			if err := database.W.QueryRow(`INSERT INTO schools (name, city, country, source, created_at) VALUES ('Bench School', 'Town', 'US', 'manual', $1) RETURNING id`, now).Scan(&school); err != nil {
				b.Fatal(err)
			}
			ids := make([]int64, 0, 1000)
			langs := []string{"en", "es", "fr", "ar"}
			for i := range 1000 {
				var id int64
				if err := database.W.QueryRow(`INSERT INTO users (kind, title, first_name, last_name, email, password_hash, language, created_at, updated_at)
					VALUES ('parent', 'Ms.', 'Parent', $1, $2, '', $3, $4, $4) RETURNING id`, fmt.Sprint("P", i), fmt.Sprintf("p%d@bench.test", i), langs[i%4], now).Scan(&id); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, id)
			}
			a := app.New(database, slog.New(slog.NewTextHandler(io.Discard, nil)))
			bundle, err := i18n.Load()
			if err != nil {
				b.Fatal(err)
			}
			outbox, err := notify.NewOutbox(bundle, notify.Settings{BaseURL: "https://cubby.example", MailDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			a.Mail, a.BaseURL, a.I18n = outbox, "https://cubby.example", bundle
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				err := database.Tx(ctx, func(tx db.Querier) error {
					return a.Notify(ctx, tx, app.Notice{Kind: notify.KindJoinRequest, SchoolID: school, RefID: school, To: ids})
				})
				if err != nil {
					b.Fatal(err)
				}
				n, err := a.RunNotificationJobs(ctx)
				if err != nil || n != len(ids) {
					b.Fatalf("decided for %d: %v", n, err)
				}
				b.ReportMetric(time.Since(start).Seconds(), "s/announcement")
			}
		})
	}
}
