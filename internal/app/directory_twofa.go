package app

import (
	"context"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// twoFactorSetupRequired is the hook behind a school's "require two-factor
// for staff": it reports whether u is active staff of a school that
// requires two-factor login and has not turned it on. Such a session can
// do nothing but set it up — the web sends the person to the settings page
// right after login, the API answers 403 — until they have. Only staff
// without two-factor pay for the lookup.
func (a *App) twoFactorSetupRequired(ctx context.Context, u *store.User, actor *authz.Actor) (bool, error) {
	if u.TOTPEnabledAt != nil || len(actor.Schools) == 0 {
		return false, nil
	}
	return store.NeedsTwoFactorSetup(ctx, a.DB.R, u.ID)
}
