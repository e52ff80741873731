package notify_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/testenv"
)

var (
	bundleOnce sync.Once
	bundle     *i18n.Bundle
	bundleErr  error
)

func testBundle(t testing.TB) *i18n.Bundle {
	t.Helper()
	bundleOnce.Do(func() { bundle, bundleErr = i18n.Load() })
	if bundleErr != nil {
		t.Fatal(bundleErr)
	}
	return bundle
}

func newOutbox(t testing.TB, s notify.Settings) *notify.Outbox {
	t.Helper()
	if s.BaseURL == "" {
		s.BaseURL = "https://cubby.school.test"
	}
	if s.From == "" {
		s.From = "Cubby <cubby@school.test>"
	}
	o, err := notify.NewOutbox(testBundle(t), s)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer captures a worker's log so tests can check it holds no
// personal data.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

func newWorker(database *db.DB, o *notify.Outbox, clk *clock, w io.Writer) *notify.Worker {
	wk := notify.NewWorker(database, o, slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})))
	wk.Now = clk.Now
	return wk
}

func verifyEmail(to, lang string) notify.Email {
	return notify.Email{To: to, Lang: lang, Template: "verify_email",
		Data: map[string]any{"Name": "Ana", "Link": "https://cubby.school.test/verify/abc123"}}
}

// enqueue commits one email.
func enqueue(t testing.TB, database *db.DB, o *notify.Outbox, e notify.Email, now time.Time) {
	t.Helper()
	if err := database.Tx(context.Background(), func(q db.Querier) error { return o.Email(context.Background(), q, e, now) }); err != nil {
		t.Fatal(err)
	}
}

type outboxRow struct {
	ID         int64
	Key        string
	Recipient  string
	Status     string
	Attempts   int
	LastError  string
	Text, HTML string
	Next       time.Time
}

func rows(t testing.TB, database *db.DB) []outboxRow {
	t.Helper()
	rs, err := database.R.Query(`SELECT id, message_key, recipient, status, attempts, last_error, body_text, body_html, next_attempt_at
		FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []outboxRow
	for rs.Next() {
		var r outboxRow
		if err := rs.Scan(&r.ID, &r.Key, &r.Recipient, &r.Status, &r.Attempts, &r.LastError, &r.Text, &r.HTML, &r.Next); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func stats(t testing.TB, database *db.DB) map[string]int {
	t.Helper()
	s, err := notify.Stats(context.Background(), database.R)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startMailpit(t testing.TB, extra ...string) *testenv.Mailpit {
	t.Helper()
	return testenv.StartMailpit(t, extra...)
}

// byMessageID groups what mailpit received by message_key, the local part
// of the Message-ID Cubby sets.
func byMessageID(t testing.TB, mp *testenv.Mailpit) map[string][]testenv.MailpitMessage {
	t.Helper()
	out := map[string][]testenv.MailpitMessage{}
	for _, m := range mp.Messages(t) {
		key, _, _ := strings.Cut(strings.Trim(m.MessageID, "<>"), "@")
		out[key] = append(out[key], m)
	}
	return out
}
