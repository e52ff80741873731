package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// Session is a login on one device or one API client. ID is the SHA-256 of
// the token the client holds; the token itself is never stored.
type Session struct {
	ID         string
	UserID     int64
	Kind       string // web | api
	Browser    string // browser family and major version, e.g. "Firefox 140"
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// CreateSession stores a new session.
func CreateSession(ctx context.Context, q db.Querier, s *Session) error {
	_, err := q.ExecContext(ctx, `INSERT INTO sessions (id, user_id, kind, browser, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.ID, s.UserID, s.Kind, s.Browser, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	return db.MapError(err)
}

// TouchSession slides a session's expiry forward. Callers do it at most
// once a minute per session so reads do not turn into writes.
func TouchSession(ctx context.Context, q db.Querier, id string, now, expires time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3`, now, expires, id)
	return db.MapError(err)
}

// DeleteSession ends one session: logging out on a device also ends
// its push notifications (push.go).
func DeleteSession(ctx context.Context, q db.Querier, id string) error {
	if err := DeletePushSubscriptionsOfSession(ctx, q, id); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return db.MapError(err)
}

// DeleteExpiredSessions removes sessions past their expiry and reports how many.
func DeleteExpiredSessions(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}

// SessionWithUser returns an unexpired session and its user in one query:
// every authenticated request needs both.
func SessionWithUser(ctx context.Context, q db.Querier, id string, now time.Time) (*Session, *User, error) {
	var s Session
	row := q.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.kind, s.browser, s.created_at, s.last_seen_at, s.expires_at,
		u.id, u.kind, u.title, u.first_name, u.last_name, u.email, u.username, u.password_hash, u.language, u.email_verified_at,
		u.totp_enabled_at, u.disabled_at, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > $2`, id, now)
	u, err := scanUser(prefixScanner{row, []any{&s.ID, &s.UserID, &s.Kind, &s.Browser, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt}})
	if err != nil {
		return nil, nil, err
	}
	return &s, u, nil
}

// prefixScanner scans leading columns into its own destinations and
// passes the rest to the caller's, so scanUser can read a joined row.
type prefixScanner struct {
	row    interface{ Scan(...any) error }
	prefix []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.row.Scan(append(p.prefix, dest...)...) }
