package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// PushSubscription is one browser's push subscription (migration 00061).
type PushSubscription struct {
	ID         int64
	UserID     int64
	SessionID  string // "" once the login it came from expired
	Endpoint   string
	P256dh     string // base64url
	Auth       string // base64url
	Platform   string
	Browser    string
	AppVersion string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

const pushColumns = `id, user_id, COALESCE(session_id, ''), endpoint, p256dh, auth, platform, browser, app_version, created_at, last_used_at`

func scanPush(row interface{ Scan(...any) error }) (PushSubscription, error) {
	var p PushSubscription
	err := row.Scan(&p.ID, &p.UserID, &p.SessionID, &p.Endpoint, &p.P256dh, &p.Auth, &p.Platform, &p.Browser, &p.AppVersion, &p.CreatedAt, &p.LastUsedAt)
	p.CreatedAt, p.LastUsedAt = p.CreatedAt.UTC(), p.LastUsedAt.UTC()
	return p, db.MapError(err)
}

// SavePushSubscription stores a subscription, or renews the one with the
// same endpoint: a browser subscribing again (after a new login, or with
// new keys) keeps one row, which moves to whoever is logged in now; its
// creation time starts again when it changes hands. It returns the id.
func SavePushSubscription(ctx context.Context, q db.Querier, p *PushSubscription) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO push_subscriptions
		(user_id, session_id, endpoint, p256dh, auth, platform, browser, app_version, created_at, last_used_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (endpoint) DO UPDATE SET
			created_at = CASE WHEN push_subscriptions.user_id = excluded.user_id THEN push_subscriptions.created_at ELSE excluded.created_at END,
			user_id = excluded.user_id, session_id = excluded.session_id, p256dh = excluded.p256dh, auth = excluded.auth,
			platform = excluded.platform, browser = excluded.browser, app_version = excluded.app_version,
			last_used_at = excluded.last_used_at
		RETURNING id`,
		p.UserID, nullString(p.SessionID), p.Endpoint, p.P256dh, p.Auth, p.Platform, p.Browser, p.AppVersion, p.CreatedAt, p.LastUsedAt).Scan(&id)
	return id, db.MapError(err)
}

// PushSubscriptionByEndpoint returns the subscription with endpoint, or
// ErrNotFound.
func PushSubscriptionByEndpoint(ctx context.Context, q db.Querier, endpoint string) (PushSubscription, error) {
	return scanPush(q.QueryRowContext(ctx, `SELECT `+pushColumns+` FROM push_subscriptions WHERE endpoint = $1`, endpoint))
}

// CountPushSubscriptions counts a person's subscriptions.
func CountPushSubscriptions(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM push_subscriptions WHERE user_id = $1`, userID).Scan(&n)
	return n, db.MapError(err)
}

// PushSubscriptionsOf lists a person's subscriptions, most recently used
// first.
func PushSubscriptionsOf(ctx context.Context, q db.Querier, userID int64) ([]PushSubscription, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+pushColumns+` FROM push_subscriptions WHERE user_id = $1 ORDER BY last_used_at DESC, id DESC`, userID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []PushSubscription
	for rows.Next() {
		p, err := scanPush(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, db.MapError(rows.Err())
}

// DeletePushSubscription deletes one of a person's subscriptions by id,
// reporting whether there was one.
func DeletePushSubscription(ctx context.Context, q db.Querier, userID, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeletePushSubscriptionByEndpoint deletes a person's subscription by its
// endpoint (the browser unsubscribing), reporting whether there was one.
func DeletePushSubscriptionByEndpoint(ctx context.Context, q db.Querier, userID int64, endpoint string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2`, endpoint, userID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeleteGonePushSubscription deletes a subscription the push service no
// longer knows.
func DeleteGonePushSubscription(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = $1`, id)
	return db.MapError(err)
}

// TouchPushSubscription records that the person used Cubby on the device,
// at most once per day so page loads do not turn into writes. It reports
// whether the person has a subscription with that endpoint.
func TouchPushSubscription(ctx context.Context, q db.Querier, userID int64, endpoint string, now time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2`, endpoint, userID).Scan(&n)
	if err != nil || n == 0 {
		return false, db.MapError(err)
	}
	_, err = q.ExecContext(ctx, `UPDATE push_subscriptions SET last_used_at = $1 WHERE endpoint = $2 AND user_id = $3 AND last_used_at < $4`,
		now, endpoint, userID, now.Add(-24*time.Hour))
	return true, db.MapError(err)
}

// DeletePushSubscriptionsOfSession deletes the subscriptions made from a
// login, when it is logged out.
func DeletePushSubscriptionsOfSession(ctx context.Context, q db.Querier, sessionID string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE session_id = $1`, sessionID)
	return db.MapError(err)
}

// DeletePushSubscriptionsOfUserExcept deletes the subscriptions of a
// person's other logins (all of them when keepSession is ""), when those
// are logged out at once.
func DeletePushSubscriptionsOfUserExcept(ctx context.Context, q db.Querier, userID int64, keepSession string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE user_id = $1 AND (session_id IS NULL OR session_id <> $2)`, userID, keepSession)
	return db.MapError(err)
}

// DeleteUnusedPushSubscriptions deletes subscriptions last used before
// cutoff and reports how many.
func DeleteUnusedPushSubscriptions(ctx context.Context, q db.Querier, cutoff time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE last_used_at < $1`, cutoff)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}

// ClientError is one JavaScript error report.
type ClientError struct {
	ID         int64
	CreatedAt  time.Time
	Message    string
	Stack      string
	AppVersion string
	Browser    string
}

// InsertClientError stores a report.
func InsertClientError(ctx context.Context, q db.Querier, e ClientError) error {
	_, err := q.ExecContext(ctx, `INSERT INTO client_errors (created_at, message, stack, app_version, browser) VALUES ($1, $2, $3, $4, $5)`,
		e.CreatedAt, e.Message, e.Stack, e.AppVersion, e.Browser)
	return db.MapError(err)
}

// RecentClientErrors lists the newest reports, for the operator.
func RecentClientErrors(ctx context.Context, q db.Querier, limit int) ([]ClientError, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, created_at, message, stack, app_version, browser FROM client_errors ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []ClientError
	for rows.Next() {
		var e ClientError
		if err := rows.Scan(&e.ID, &e.CreatedAt, &e.Message, &e.Stack, &e.AppVersion, &e.Browser); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, e)
	}
	return out, db.MapError(rows.Err())
}

// CountClientErrorsSince counts reports since t (the flood limit).
func CountClientErrorsSince(ctx context.Context, q db.Querier, t time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM client_errors WHERE created_at >= $1`, t).Scan(&n)
	return n, db.MapError(err)
}

// DeleteClientErrorsBefore deletes reports older than cutoff.
func DeleteClientErrorsBefore(ctx context.Context, q db.Querier, cutoff time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM client_errors WHERE created_at < $1`, cutoff)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}

// SchoolsWithReportsOff lists which of the schools turned error reports
// off.
func SchoolsWithReportsOff(ctx context.Context, q db.Querier, schoolIDs []int64) ([]int64, error) {
	if len(schoolIDs) == 0 {
		return nil, nil
	}
	query, args := inList(`SELECT id FROM schools WHERE NOT client_error_reports AND id IN (%s) ORDER BY id`, schoolIDs)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, id)
	}
	return out, db.MapError(rows.Err())
}

// SchoolErrorReports reads a school's setting.
func SchoolErrorReports(ctx context.Context, q db.Querier, schoolID int64) (bool, error) {
	var on bool
	err := q.QueryRowContext(ctx, `SELECT client_error_reports FROM schools WHERE id = $1`, schoolID).Scan(&on)
	return on, db.MapError(err)
}

// SetSchoolErrorReports changes a school's setting.
func SetSchoolErrorReports(ctx context.Context, q db.Querier, schoolID int64, on bool) error {
	_, err := q.ExecContext(ctx, `UPDATE schools SET client_error_reports = $1 WHERE id = $2`, on, schoolID)
	return db.MapError(err)
}
