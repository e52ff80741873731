package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/benchdata"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// messageShape is a 600-student school with a year of messages: 20
// classes of 30, each family writing with their child's teacher about 160
// times a year, 40 announcements per class and 20 to the whole school.
// Ten such schools make a district's million messages.
var messageShape = benchdata.MessageShape{Classes: 20, PerClass: 30, Days: 365, PerConversation: 160,
	ClassAnnouncements: 40, SchoolAnnouncements: 20, Long: 3000}

// Messages on a district-sized database: ten schools of the shape above
// (about a million messages, a million read receipts, 300,000 places in
// conversations). Run with:
//
//	go test ./internal/app/ -run '^$' -bench Messages -benchtime 500x
//	CUBBY_TEST_DATABASE_URL=postgres://… go test ./internal/app/ -run '^$' -bench Messages -benchtime 500x
//
// (CUBBY_BENCH_SCHOOLS=1 for a lone school.) The targets (issue 12): a
// conversation's latest 50 messages and the inbox at p99 under 20 ms on
// both engines, an announcement to 60 parents under 100 ms. Each is the
// whole use case: opening a conversation checks who may see it, marks it
// read (writing receipts), and loads its writers, messages, files,
// receipts and the staff's quiet hours; an announcement writes its
// conversation, 61 places, its message and 60 emails to the outbox in one
// transaction.
func BenchmarkMessages(b *testing.B) {
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			ctx := context.Background()
			database := dbtest.Open(b, d)
			now := time.Now().UTC().Truncate(time.Microsecond)
			t0 := time.Now()
			w, err := benchdata.Messages(ctx, database, benchSchools(b), messageShape, now)
			if err != nil {
				b.Fatal(err)
			}
			var reads, members int
			database.R.QueryRow(`SELECT count(*) FROM message_reads`).Scan(&reads)
			database.R.QueryRow(`SELECT count(*) FROM conversation_members`).Scan(&members)
			b.Logf("seeded %d schools, %d messages, %d receipts, %d places in conversations in %s", len(w.SchoolIDs), w.Messages, reads, members,
				time.Since(t0).Round(time.Second))
			if d == db.Postgres {
				// Planner statistics, as autovacuum gathers them soon after a
				// bulk load (SQLite gets none, as in production).
				if _, err := database.W.Exec(`ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			a := app.New(database, slog.New(slog.NewTextHandler(io.Discard, nil)))
			a.Location = time.UTC
			// The benchmark sends far more than a person may in a minute.
			a.Messages.PerMinute = 1 << 30
			bundle, err := i18n.Load()
			if err != nil {
				b.Fatal(err)
			}
			outbox, err := notify.NewOutbox(bundle, notify.Settings{BaseURL: "https://cubby.example", MailDir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			a.Mail, a.BaseURL = outbox, "https://cubby.example"
			parent := app.BenchSession(ctx, a, w.ParentID)
			teacher := app.BenchSession(ctx, a, w.TeacherID)
			announcer := app.BenchSession(ctx, a, w.AnnouncerID)

			open := func(s *app.Session, before int64) (*app.ConversationView, error) {
				v, err := a.OpenConversation(ctx, s, w.ConversationID, before, 50)
				if err == nil && (len(v.Messages) != 50 || v.Older == 0) {
					err = fmt.Errorf("a page of %d messages", len(v.Messages))
				}
				return v, err
			}
			first, err := open(teacher, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("conversation-latest-50-teacher", func(b *testing.B) {
				timed(b, func(int) error { _, err := open(teacher, 0); return err })
			})
			b.Run("conversation-latest-50-parent", func(b *testing.B) {
				timed(b, func(int) error { _, err := open(parent, 0); return err })
			})
			// Fifty pages back by cursor (messages from months ago).
			before := first.Older
			for range 50 {
				v, err := open(parent, before)
				if err != nil {
					b.Fatal(err)
				}
				before = v.Older
			}
			b.Run("conversation-page-51", func(b *testing.B) {
				timed(b, func(int) error { _, err := open(parent, before); return err })
			})
			// Opening with a new message from the other side: its receipt is
			// written and the sender's page told (the worst case).
			b.Run("conversation-latest-50-new-message", func(b *testing.B) {
				timedWithSetup(b, func() error {
					_, err := a.SendMessage(ctx, parent, w.ConversationID, app.MessageDraft{Text: "One more question"})
					return err
				}, func() error { _, err := open(teacher, 0); return err })
			})
			inbox := func(s *app.Session, want int) func(int) error {
				return func(int) error {
					p, err := a.Inbox(ctx, s, "", 50)
					if err == nil && len(p.Items) < want {
						err = fmt.Errorf("an inbox of %d", len(p.Items))
					}
					return err
				}
			}
			b.Run("inbox-parent", func(b *testing.B) { timed(b, inbox(parent, 50)) })
			b.Run("inbox-teacher", func(b *testing.B) { timed(b, inbox(teacher, 50)) })
			b.Run("unread-parent", func(b *testing.B) {
				timed(b, func(int) error { _, err := a.UnreadMessages(ctx, parent); return err })
			})
			b.Run("unread-teacher", func(b *testing.B) {
				timed(b, func(int) error { _, err := a.UnreadMessages(ctx, teacher); return err })
			})
			var outbox0 int
			database.R.QueryRow(`SELECT count(*) FROM outbox`).Scan(&outbox0)
			n := 0
			b.Run("announce-60-parents", func(b *testing.B) {
				timed(b, func(i int) error {
					n++
					conv, err := a.Announce(ctx, announcer, app.Announcement{Audience: store.AudienceClass, ClassID: w.AnnounceClassID, Subject: fmt.Sprintf("Trip %d", i)},
						app.MessageDraft{Text: "Wellies and a packed lunch on Friday, please."})
					if err == nil && conv.Kind != store.ConvAnnouncement {
						err = fmt.Errorf("an announcement of kind %s", conv.Kind)
					}
					return err
				})
			})
			// Every announcement emailed its 60 parents once, through the outbox.
			var outbox1 int
			database.R.QueryRow(`SELECT count(*) FROM outbox`).Scan(&outbox1)
			if outbox1-outbox0 != 60*n {
				b.Fatalf("%d announcements queued %d emails, want %d", n, outbox1-outbox0, 60*n)
			}
		})
	}
}
