package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// IdempotentResponse is a remembered API response.
type IdempotentResponse struct {
	RequestHash string
	Status      int
	Body        string
}

// IdempotentResponseFor returns the stored response for a user's key, or
// ErrNotFound.
func IdempotentResponseFor(ctx context.Context, q db.Querier, userID int64, key string) (*IdempotentResponse, error) {
	var r IdempotentResponse
	err := q.QueryRowContext(ctx, `SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2`,
		userID, key).Scan(&r.RequestHash, &r.Status, &r.Body)
	if err != nil {
		return nil, db.MapError(err)
	}
	return &r, nil
}

// SaveIdempotentResponse remembers a response; the first one saved wins.
func SaveIdempotentResponse(ctx context.Context, q db.Querier, userID int64, key string, r *IdempotentResponse, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, response, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, idem_key) DO NOTHING`,
		userID, key, r.RequestHash, r.Status, r.Body, now)
	return db.MapError(err)
}

// DeleteIdempotencyKeysBefore forgets responses older than cutoff.
func DeleteIdempotencyKeysBefore(ctx context.Context, q db.Querier, cutoff time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, cutoff)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}
