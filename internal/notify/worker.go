package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"cubby/internal/db"
)

// Worker delivers due outbox rows. Several workers — in one process or in
// several servers sharing a PostgreSQL database — may run at once: leases
// keep them from sending the same row.
type Worker struct {
	db     *db.DB
	outbox *Outbox
	log    *slog.Logger

	// Batch is how many rows one pass takes.
	Batch int
	// Lease is how long a taken row stays the worker's. A worker does not
	// start sending a row whose lease could run out during the send.
	Lease time.Duration
	// MaxAttempts is how many tries a message gets before it is marked
	// failed (a permanent rejection fails it at once).
	MaxAttempts int
	// BaseBackoff and MaxBackoff bound the wait before a message's next
	// try: BaseBackoff·2^(attempts−1), capped, with jitter.
	BaseBackoff, MaxBackoff time.Duration
	// Poll is how often Run looks for due rows when the outbox is idle.
	Poll time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// NewWorker returns a worker for o's providers over database, with
// production defaults: with them a message is tried for about nine hours
// (15 tries, at most an hour apart) before it is marked failed.
func NewWorker(database *db.DB, o *Outbox, log *slog.Logger) *Worker {
	return &Worker{
		db: database, outbox: o, log: log,
		Batch:       20,
		Lease:       2 * time.Minute,
		MaxAttempts: 15,
		BaseBackoff: 30 * time.Second,
		MaxBackoff:  time.Hour,
		Poll:        2 * time.Second,
		Now:         time.Now,
	}
}

// Outbox is the outbox whose providers the worker delivers through; use
// cases queue messages with it.
func (w *Worker) Outbox() *Outbox { return w.outbox }

func (w *Worker) now() time.Time { return dbTime(w.Now()) }

// Run delivers until ctx ends. When a provider is unreachable it backs off
// (exponentially, with jitter, up to five minutes between passes); it also
// deletes rows past their retention once an hour. A send in progress when
// ctx ends is finished and recorded before Run returns.
func (w *Worker) Run(ctx context.Context) {
	var failures int
	var purged time.Time
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if now := w.now(); now.Sub(purged) >= time.Hour {
			if n, err := Purge(ctx, w.db.W, now); err != nil && ctx.Err() == nil {
				w.log.Error("outbox purge", "err", err)
			} else if err == nil {
				purged = now
				if n > 0 {
					w.log.Info("outbox purge", "deleted", n)
				}
			}
		}
		n, err := w.DeliverPending(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := w.Poll
		switch {
		case err != nil:
			failures++
			wait = jitter(min(w.Poll<<min(failures, 16), 5*time.Minute))
			w.log.Warn("outbox pass failed; backing off", "err", err, "retry_in", wait.Round(time.Second).String())
		case n >= w.Batch:
			failures, wait = 0, 0 // more may be due
		default:
			failures = 0
		}
		timer.Reset(wait)
	}
}

// DeliverPending makes one pass: it takes up to Batch due rows and sends
// them one by one, recording each result as soon as it is known. It returns
// how many were delivered, and an error when the pass stopped early because
// a provider or the database is unavailable (rows not tried are handed back
// untouched). Per-message failures are recorded on the row, not returned.
func (w *Worker) DeliverPending(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	now := w.now()
	var rows []row
	err := w.db.Tx(ctx, func(q db.Querier) error {
		var err error
		rows, err = claim(ctx, q, now, now.Add(w.Lease), w.Batch, true, w.outbox.sms != nil)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("notify: take due messages: %w", err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.ID, b.ID) })
	defer w.outbox.email.Close()
	sent := 0
	for i, r := range rows {
		// Never start a send that could outlive the lease: another worker
		// could take the row over and send it too.
		if ctx.Err() != nil || w.now().Add(sendTimeout).After(r.LeaseUntil) {
			w.release(ctx, rows[i:])
			return sent, ctx.Err()
		}
		// The send itself ignores cancellation (it has its own timeout):
		// abandoning it half-way would leave the outcome unknown.
		err := w.send(context.WithoutCancel(ctx), r)
		if err == nil {
			if err := w.recordSent(ctx, r); err != nil {
				w.release(ctx, rows[i+1:])
				return sent, err
			}
			sent++
			continue
		}
		var se *SendError
		if !errors.As(err, &se) {
			se = &SendError{Class: "delivery failed", Err: err}
		}
		w.recordFailure(ctx, r, se)
		if se.Unavailable {
			w.release(ctx, rows[i+1:])
			return sent, fmt.Errorf("notify: %s unavailable: %s", r.Channel, se.Class)
		}
	}
	return sent, nil
}

func (w *Worker) send(ctx context.Context, r row) error {
	m := Message{Key: r.Key, To: r.Recipient, Lang: r.Language, Subject: r.Subject, Text: r.Text, HTML: r.HTML, CreatedAt: r.CreatedAt, Unsubscribe: r.Unsubscribe}
	switch r.Channel {
	case ChannelEmail:
		return w.outbox.email.Send(ctx, m)
	case ChannelSMS:
		if w.outbox.sms == nil {
			return &SendError{Class: "sms disabled", Unavailable: true}
		}
		return w.outbox.sms.Send(ctx, m)
	}
	return &SendError{Class: "unknown channel " + r.Channel, Permanent: true}
}

// recordSent marks r sent, even when ctx has just ended: the provider has
// the message, and forgetting that would send it again. It retries briefly,
// because a row left in sending is re-sent once its lease runs out.
func (w *Worker) recordSent(ctx context.Context, r row) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	var err error
	for attempt := range 5 {
		if err = markSent(ctx, w.db.W, r.ID, w.now()); err == nil {
			w.delivered(r)
			return nil
		}
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
	w.log.Error("outbox: message delivered but not recorded; it will be sent again when its lease expires",
		"id", r.ID, "template", r.Template, "err", err)
	return fmt.Errorf("notify: record delivery: %w", err)
}

func (w *Worker) delivered(r row) {
	if d, ok := w.outbox.email.(*dirSender); ok && r.Channel == ChannelEmail {
		w.log.Info("email written to a file instead of sent (no CUBBY_SMTP_URL)", "id", r.ID, "template", r.Template,
			"file", d.path(Message{Key: r.Key, CreatedAt: r.CreatedAt}))
		return
	}
	w.log.Debug("outbox message delivered", "id", r.ID, "channel", r.Channel, "template", r.Template)
}

// recordFailure reschedules r with backoff, or marks it failed when the
// provider refused it for good or it has had MaxAttempts tries. Only the
// error's class is stored and logged: never the recipient or the message.
func (w *Worker) recordFailure(ctx context.Context, r row, se *SendError) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	now := w.now()
	status, next := StatusPending, now.Add(w.backoff(r.Attempts))
	if se.Permanent || r.Attempts >= w.MaxAttempts {
		status, next = StatusFailed, now
	}
	if err := reschedule(ctx, w.db.W, r.ID, status, se.Class, next); err != nil {
		// The lease runs out and the row is tried again; nothing is lost.
		w.log.Error("outbox: could not record a failed attempt", "id", r.ID, "err", err)
	}
	lvl := slog.LevelWarn
	if status == StatusFailed {
		lvl = slog.LevelError
	}
	w.log.Log(ctx, lvl, "outbox delivery failed", "id", r.ID, "channel", r.Channel, "template", r.Template,
		"attempt", r.Attempts, "error", se.Class, "status", status, "next_attempt_at", next)
}

// release hands rows back untried, so they wait for the next pass instead of
// for their lease to run out.
func (w *Worker) release(ctx context.Context, rows []row) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	for _, r := range rows {
		if err := release(ctx, w.db.W, r.ID); err != nil {
			w.log.Error("outbox: could not hand a message back; it waits for its lease to run out", "id", r.ID, "err", err)
		}
	}
}

// backoff is the wait before try attempts+1: BaseBackoff·2^(attempts−1),
// at most MaxBackoff, with jitter so that messages which failed together
// (an outage) are not retried in one burst.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.MaxBackoff
	if shift := attempts - 1; shift < 32 && w.BaseBackoff<<max(shift, 0) < w.MaxBackoff {
		d = w.BaseBackoff << max(shift, 0)
	}
	return jitter(d)
}

// jitter returns a duration in [d/2, d].
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}
