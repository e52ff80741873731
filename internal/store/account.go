package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// UpdateProfile saves the fields a person edits about themself.
func UpdateProfile(ctx context.Context, q db.Querier, u *User, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET title = $1, first_name = $2, last_name = $3, language = $4, updated_at = $5 WHERE id = $6`,
		u.Title, u.FirstName, u.LastName, u.Language, now, u.ID)
	return db.MapError(err)
}

// SetEmail changes a user's (lower-cased) address and marks it verified.
func SetEmail(ctx context.Context, q db.Querier, id int64, email string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3`, email, now, id)
	return db.MapError(err)
}

// MarkEmailVerified records that the user proved they read their address.
func MarkEmailVerified(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET email_verified_at = $1, updated_at = $1 WHERE id = $2`, now, id)
	return db.MapError(err)
}

// SetDisabled stops (or, with nil, restores) an account's use.
func SetDisabled(ctx context.Context, q db.Querier, id int64, at *time.Time, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3`, nullTime(at), now, id)
	return db.MapError(err)
}

// Security holds a user's second-factor state.
type Security struct {
	TOTPSecret    string
	TOTPEnabledAt *time.Time
	DisabledAt    *time.Time
}

// SecurityOf reads a user's second-factor state and whether the account is disabled.
func SecurityOf(ctx context.Context, q db.Querier, id int64) (*Security, error) {
	var s Security
	var secret sql.NullString
	var enabled, disabled sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled_at, disabled_at FROM users WHERE id = $1`, id).Scan(&secret, &enabled, &disabled)
	if err != nil {
		return nil, db.MapError(err)
	}
	s.TOTPSecret, s.TOTPEnabledAt, s.DisabledAt = secret.String, timePtr(enabled), timePtr(disabled)
	return &s, nil
}

// SetTOTP stores a second-factor secret; enabledAt nil means "set up but
// not yet confirmed". An empty secret turns two-factor login off.
func SetTOTP(ctx context.Context, q db.Querier, id int64, secret string, enabledAt *time.Time, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_enabled_at = $2, updated_at = $3 WHERE id = $4`,
		nullString(secret), nullTime(enabledAt), now, id)
	return db.MapError(err)
}

// ReplaceRecoveryCodes swaps a user's recovery codes for new ones.
func ReplaceRecoveryCodes(ctx context.Context, q db.Querier, userID int64, hashes []string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return db.MapError(err)
	}
	for _, h := range hashes {
		if _, err := q.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return db.MapError(err)
		}
	}
	return nil
}

// UseRecoveryCode marks an unused code used; false if there was none.
func UseRecoveryCode(ctx context.Context, q db.Querier, userID int64, hash string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`, now, userID, hash)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UnusedRecoveryCodes counts a user's remaining recovery codes.
func UnusedRecoveryCodes(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, db.MapError(err)
}

// SessionsOfUser lists a user's live sessions, newest use first.
func SessionsOfUser(ctx context.Context, q db.Querier, userID int64, now time.Time) ([]Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, user_id, kind, browser, created_at, last_seen_at, expires_at
		FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC`, userID, now)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.ID, &s.UserID, &s.Kind, &s.Browser, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, s)
	}
	return out, db.MapError(rows.Err())
}

// DeleteSessionsOfUser ends every session of a user except keepID, and
// the push notifications of the devices logged out (push.go).
func DeleteSessionsOfUser(ctx context.Context, q db.Querier, userID int64, keepID string) (int64, error) {
	if err := DeletePushSubscriptionsOfUserExcept(ctx, q, userID, keepID); err != nil {
		return 0, err
	}
	res, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keepID)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}
