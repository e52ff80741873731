package app

import (
	"context"

	"cubby/internal/store"
)

// Housekeeping removes what has outlived its purpose: expired sessions,
// idempotency records, emailed links and unanswered consent requests. The
// server runs it hourly; it logs counts only, never contents.
func (a *App) Housekeeping(ctx context.Context) error {
	now := a.Now()
	sessions, err := store.DeleteExpiredSessions(ctx, a.db.W, now)
	if err != nil {
		return err
	}
	keys, err := store.DeleteIdempotencyKeysBefore(ctx, a.db.W, now.Add(-IdempotencyWindow))
	if err != nil {
		return err
	}
	tokens, err := store.DeleteOldUserTokens(ctx, a.db.W, now)
	if err != nil {
		return err
	}
	// A consent request no parent answered is deleted with the parent's
	// address (COPPA 312.5(c)(1)).
	requests, err := store.DeleteExpiredStudentRegistrations(ctx, a.db.W, now)
	if err != nil {
		return err
	}
	notes, err := a.purgeNotifications(ctx, now)
	if err != nil {
		return err
	}
	// Push subscriptions unused for 60 days, error reports after 30 (push.go).
	devices, reports, err := a.purgeDevices(ctx, now)
	if err != nil {
		return err
	}
	a.Log.Info("housekeeping", "unused_devices", devices, "old_error_reports", reports, "expired_sessions", sessions, "expired_idempotency_keys", keys,
		"expired_links", tokens, "unanswered_consent_requests", requests, "old_notifications", notes)
	return nil
}
