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
// right after login, the API answers 403 — until they have. The school's
// setting comes with the staff member's memberships (store.StaffLinks), so
// the check costs no query.
func (a *App) twoFactorSetupRequired(ctx context.Context, u *store.User, actor *authz.Actor) (bool, error) {
	if u.TOTPEnabledAt != nil {
		return false, nil
	}
	for _, st := range actor.Schools {
		if st.RequireTwoFactor {
			return true, nil
		}
	}
	return false, nil
}
