package notify

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"cubby/internal/db"
)

// row is an outbox row as the outbox writes it and the worker reads it.
type row struct {
	ID         int64
	SchoolID   int64
	Key        string
	Channel    string
	Recipient  string
	Language   string
	Template   string
	Subject    string
	Text       string
	HTML       string
	Attempts   int
	LeaseUntil time.Time
	CreatedAt  time.Time
	// NotBefore is the first moment the row may be sent (held
	// notifications); zero or past means at once.
	NotBefore time.Time
	// Unsubscribe is the email's List-Unsubscribe link, or "".
	Unsubscribe string
}

// dbTime is a time as both engines keep it: UTC, microseconds. SQLite
// compares times as text, which sorts correctly only in one zone.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func insert(ctx context.Context, q db.Querier, r row, now time.Time) error {
	now = dbTime(now)
	due := now
	if r.NotBefore.After(now) {
		due = dbTime(r.NotBefore)
	}
	school := sql.NullInt64{Int64: r.SchoolID, Valid: r.SchoolID != 0}
	_, err := q.ExecContext(ctx, `INSERT INTO outbox (school_id, message_key, channel, recipient, language, template,
			subject, body_text, body_html, status, attempts, next_attempt_at, created_at, list_unsubscribe)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, $11, $12)`,
		school, r.Key, r.Channel, r.Recipient, r.Language, r.Template, r.Subject, r.Text, r.HTML, due, now, r.Unsubscribe)
	return db.MapError(err)
}

// dueCondition selects rows a worker may take at $1: pending rows whose
// time has come, and rows whose worker's lease ran out (it crashed or lost
// the database). It is repeated outside the subquery in claim so that on
// PostgreSQL, where a concurrent claim makes the UPDATE re-check rows it
// waited for, a row another worker just took no longer matches.
const dueCondition = `((status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1))`

// claim leases up to limit due rows on the given channels to the caller
// until leaseUntil, counting an attempt for each, oldest due first.
func claim(ctx context.Context, q db.Querier, now, leaseUntil time.Time, limit int, email, sms bool) ([]row, error) {
	if !email && !sms {
		return nil, nil
	}
	// IN ($4, $5) with a channel repeated stands for a single channel.
	ch1, ch2 := ChannelEmail, ChannelSMS
	if !email {
		ch1 = ChannelSMS
	}
	if !sms {
		ch2 = ChannelEmail
	}
	rows, err := q.QueryContext(ctx, `UPDATE outbox SET status = 'sending', lease_until = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox WHERE `+dueCondition+` AND channel IN ($4, $5)
			ORDER BY next_attempt_at, id LIMIT $3)
		  AND `+dueCondition+`
		RETURNING id, COALESCE(school_id, 0), message_key, channel, recipient, language, template,
			subject, body_text, body_html, attempts, created_at, list_unsubscribe`,
		dbTime(now), dbTime(leaseUntil), limit, ch1, ch2)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		r := row{LeaseUntil: dbTime(leaseUntil)}
		if err := rows.Scan(&r.ID, &r.SchoolID, &r.Key, &r.Channel, &r.Recipient, &r.Language, &r.Template,
			&r.Subject, &r.Text, &r.HTML, &r.Attempts, &r.CreatedAt, &r.Unsubscribe); err != nil {
			return nil, db.MapError(err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, db.MapError(rows.Err())
}

// markSent records that the provider accepted the row and blanks its body:
// a delivered message's single-use link has no reason to stay in the
// database (or its backups) for the 30 days the delivery record is kept.
func markSent(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, lease_until = NULL, last_error = '',
			body_text = '', body_html = '', list_unsubscribe = ''
		WHERE id = $2 AND status = 'sending'`, dbTime(now), id)
	return db.MapError(err)
}

// reschedule records a failed attempt: status pending with a later
// next_attempt_at, or failed when the worker gives up.
func reschedule(ctx context.Context, q db.Querier, id int64, status, lastError string, next time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE outbox SET status = $1, next_attempt_at = $2, lease_until = NULL, last_error = $3
		WHERE id = $4 AND status = 'sending'`, status, dbTime(next), lastError, id)
	return db.MapError(err)
}

// release hands a claimed row back untried, without counting the attempt.
func release(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', lease_until = NULL, attempts = attempts - 1
		WHERE id = $1 AND status = 'sending'`, id)
	return db.MapError(err)
}

// Stats counts outbox rows by status; every status is present, zero or not.
func Stats(ctx context.Context, q db.Querier) (map[string]int, error) {
	out := make(map[string]int, len(Statuses))
	for _, s := range Statuses {
		out[s] = 0
	}
	rows, err := q.QueryContext(ctx, `SELECT status, count(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, db.MapError(err)
		}
		out[s] = n
	}
	return out, db.MapError(rows.Err())
}

// OldestPending returns when the oldest message still waiting for delivery
// (pending or sending) was queued; ok is false when none is waiting.
func OldestPending(ctx context.Context, q db.Querier) (created time.Time, ok bool, err error) {
	// ORDER BY … LIMIT 1 rather than min(): SQLite returns min() of a
	// TIMESTAMP column as text, which the driver does not parse as a time.
	err = q.QueryRowContext(ctx, `SELECT created_at FROM outbox WHERE status IN ('pending', 'sending')
		ORDER BY created_at LIMIT 1`).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, db.MapError(err)
	}
	return created.UTC(), true, nil
}

// RetryFailed puts every failed row back in the queue, due now, with its
// attempts reset, and reports how many.
func RetryFailed(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, last_error = ''
		WHERE status = 'failed'`, dbTime(now))
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}

// Retention is how long a row is kept after it was queued, whatever its
// state; the privacy inventory (outbox.yaml) declares the same.
const Retention = 30 * 24 * time.Hour

// Purge deletes rows queued more than Retention before now.
func Purge(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < $1`, dbTime(now.Add(-Retention)))
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}
