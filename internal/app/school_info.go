package app

import (
	"context"

	"cubby/internal/store"
)

// School is a school's public entry — its name and address, as school
// search shows anyone — by id.
func (a *App) School(ctx context.Context, schoolID int64) (*store.School, error) {
	return store.SchoolByID(ctx, a.db.R, schoolID)
}
