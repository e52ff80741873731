package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// Purposes of emailed links and login steps.
const (
	TokenVerifyEmail   = "verify_email"
	TokenPasswordReset = "password_reset"
	TokenSecondFactor  = "second_factor"
)

// UserToken is a single-use link or login step; ID is the token's hash.
type UserToken struct {
	ID        string
	UserID    int64
	Purpose   string
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateUserToken stores a token.
func CreateUserToken(ctx context.Context, q db.Querier, t *UserToken) error {
	_, err := q.ExecContext(ctx, `INSERT INTO user_tokens (id, user_id, purpose, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		t.ID, t.UserID, t.Purpose, t.Email, t.CreatedAt, t.ExpiresAt)
	return db.MapError(err)
}

// UseUserToken spends a live, unused token of the given purpose and returns
// it. The UPDATE … RETURNING makes two concurrent uses impossible: only one
// can flip used_at. Anything else is ErrNotFound.
func UseUserToken(ctx context.Context, q db.Querier, id, purpose string, now time.Time) (*UserToken, error) {
	var t UserToken
	err := q.QueryRowContext(ctx, `UPDATE user_tokens SET used_at = $1
		WHERE id = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
		RETURNING id, user_id, purpose, email, created_at, expires_at`, now, id, purpose).
		Scan(&t.ID, &t.UserID, &t.Purpose, &t.Email, &t.CreatedAt, &t.ExpiresAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	return &t, nil
}

// PeekUserToken returns a live, unused token without spending it (to show
// the form a reset link leads to).
func PeekUserToken(ctx context.Context, q db.Querier, id, purpose string, now time.Time) (*UserToken, error) {
	var t UserToken
	err := q.QueryRowContext(ctx, `SELECT id, user_id, purpose, email, created_at, expires_at FROM user_tokens
		WHERE id = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, id, purpose, now).
		Scan(&t.ID, &t.UserID, &t.Purpose, &t.Email, &t.CreatedAt, &t.ExpiresAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	return &t, nil
}

// DeleteUserTokens removes a user's unused tokens of one purpose, so an
// older reset link dies when a newer one is sent or a password changes.
func DeleteUserTokens(ctx context.Context, q db.Querier, userID int64, purpose string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM user_tokens WHERE user_id = $1 AND purpose = $2`, userID, purpose)
	return db.MapError(err)
}

// DeleteOldUserTokens removes tokens past their expiry (and used ones), keeping
// none longer than the inventory's seven days.
func DeleteOldUserTokens(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM user_tokens WHERE expires_at <= $1 OR created_at <= $2`, now, now.AddDate(0, 0, -7))
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}
