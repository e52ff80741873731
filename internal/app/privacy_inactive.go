package app

import (
	"context"
	"time"

	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// warnInactive applies the identity table's rule for unused accounts
// (RET-3): an account of a listed kind that nobody has used for the period
// minus the warning, and that is not on a current class roster, gets a
// deletion request due after the warning, and the child's parents are told
// by email. Using the account, or a teacher putting the student back on a
// roster, cancels it (RunDueErasures checks again before erasing).
func (a *App) warnInactive(ctx context.Context, now time.Time) (int, error) {
	id := a.Inventory.Identity()
	if id == nil || id.InactiveAccounts == nil {
		return 0, nil
	}
	rule := id.InactiveAccounts
	before := rule.Warning.After(rule.After.Before(now))
	n := 0
	for _, kind := range rule.AccountTypes {
		list, err := store.InactiveAccounts(ctx, a.db.R, string(kind), before)
		if err != nil {
			return n, err
		}
		for _, acct := range list {
			if err := a.warnOne(ctx, acct, rule, now); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func (a *App) warnOne(ctx context.Context, acct store.InactiveAccount, rule *privacy.InactiveAccounts, now time.Time) error {
	u, err := store.UserByID(ctx, a.db.R, acct.UserID)
	if err != nil {
		return err
	}
	parents, err := a.parentContacts(ctx, u.ID)
	if err != nil {
		return err
	}
	due := rule.Warning.After(now)
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.AddErasure(ctx, tx, &store.Erasure{UserID: u.ID, Reason: store.ErasureInactive, RequestedAt: now, DueAt: due}); err != nil {
			return err
		}
		for _, p := range parents {
			lang := p.Language
			if lang == "" {
				lang = u.Language
			}
			if err := a.mail(ctx, tx, notify.Email{To: p.Email, Lang: lang, Template: "inactive_warning",
				Data: map[string]any{"ChildName": u.FirstName, "Date": due.Format("2006-01-02"), "Link": a.BaseURL + "/login"}}, now); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, store.AuditEntry{ActorRole: "system", Action: store.AuditRequest, SubjectID: u.ID,
			Detail: "deletion of an unused account"})
	})
}
