package app

import (
	"context"
	"errors"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// IdempotencyWindow is how long a remembered response can be replayed.
const IdempotencyWindow = 24 * time.Hour

// ErrIdempotencyMismatch means a key was reused for a different request.
var ErrIdempotencyMismatch = errors.New("idempotency key reused for a different request")

// RememberedResponse returns the response stored for key, if the same
// request was made before within the window.
func (a *App) RememberedResponse(ctx context.Context, s *Session, key, requestHash string) (*store.IdempotentResponse, error) {
	r, err := store.IdempotentResponseFor(ctx, a.db.W, s.User.ID, key)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r.RequestHash != requestHash {
		return nil, ErrIdempotencyMismatch
	}
	return r, nil
}

// RememberResponse stores a response for replay.
func (a *App) RememberResponse(ctx context.Context, s *Session, key string, r *store.IdempotentResponse) error {
	return store.SaveIdempotentResponse(ctx, a.db.W, s.User.ID, key, r, a.Now())
}
