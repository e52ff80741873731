package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Erasure (GDPR Art. 17, DSR-7): a person asks to delete their account, or
// a school leader asks to erase a student who left. The request waits for
// the grace period the deployment sets (CUBBY_DELETION_GRACE), so a
// mistake can be undone; then EraseNow walks the inventory and does what
// each field declares — delete, anonymise, or hold for its recorded
// reason — and removes the person's files. The request stays as the
// erasure ledger, so a backup restored later can be erased again.

// ErrDeletionPending means the account's deletion is already scheduled.
var ErrDeletionPending = errors.New("deletion already requested")

// ErrRecordsHeld: a restriction of processing in force on a holding ground
// (a legal claim, or keeping instead of erasing) keeps the student's
// records, so they cannot be erased until a leader lifts it.
var ErrRecordsHeld = fmt.Errorf("%w: a restriction of processing keeps the records", ErrConflict)

// errStudentCurrent refuses to erase a student who has not left — who is
// in a class this year — as a RefusedError (erase.in_class, a conflict):
// a school erases only students who left, whatever a form sends.
var errStudentCurrent = refused("erase.in_class", ErrConflict)

// DeleteAccount schedules the actor's own account for erasure after the
// grace period and logs them out everywhere. Logging in again before the
// date shows the request, which the person can cancel in their settings.
func (a *App) DeleteAccount(ctx context.Context, s *Session, password string) (time.Time, error) {
	if err := a.confirmOwner(ctx, s, password); err != nil {
		return time.Time{}, err
	}
	now := a.Now()
	due := a.Deployment().DeletionGrace.After(now)
	err := a.db.Tx(ctx, func(tx db.Querier) error {
		if _, err := store.PendingErasure(ctx, tx, s.User.ID); err == nil {
			return ErrDeletionPending
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := store.AddErasure(ctx, tx, &store.Erasure{UserID: s.User.ID, Reason: store.ErasureSelf, RequestedAt: now, DueAt: due}); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, store.AuditEntry{ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRequest,
			SubjectID: s.User.ID, Detail: "account deletion"}); err != nil {
			return err
		}
		if s.User.Email != "" {
			if err := a.mail(ctx, tx, notify.Email{To: s.User.Email, Lang: s.User.Language, Template: "deletion_scheduled",
				Data: map[string]any{"Name": s.User.DisplayName(), "Date": due.Format("2006-01-02"), "Link": a.BaseURL + "/settings#delete"}}, now); err != nil {
				return err
			}
		}
		_, err := store.DeleteSessionsOfUser(ctx, tx, s.User.ID, "")
		return err
	})
	if errors.Is(err, ErrDeletionPending) {
		if e, perr := store.PendingErasure(ctx, a.db.R, s.User.ID); perr == nil {
			return e.DueAt, ErrDeletionPending
		}
	}
	return due, err
}

// PendingDeletion returns the actor's scheduled deletion, or nil.
func (a *App) PendingDeletion(ctx context.Context, s *Session) (*store.Erasure, error) {
	e, err := store.PendingErasure(ctx, a.db.R, s.User.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return e, err
}

// CancelDeletion withdraws the actor's own deletion request.
func (a *App) CancelDeletion(ctx context.Context, s *Session) error {
	return a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.CancelErasure(ctx, tx, s.User.ID)
		if err != nil || !ok {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRequest,
			SubjectID: s.User.ID, Detail: "account deletion cancelled"})
	})
}

// EraseStudent lets a leader of the student's school erase a student who
// left: the student is marked as having left, can no longer log in, and is
// erased when the grace period ends unless a leader cancels. A student
// still in a class this year is refused (a *RefusedError, erase.in_class).
func (a *App) EraseStudent(ctx context.Context, s *Session, studentID int64) (time.Time, error) {
	st, err := a.StudentToErase(ctx, s, studentID)
	if err != nil {
		return time.Time{}, err
	}
	if held, err := store.RecordsHeld(ctx, a.db.R, st.UserID); err != nil || held {
		if err == nil {
			err = ErrRecordsHeld
		}
		return time.Time{}, err
	}
	now := a.Now()
	due := a.Deployment().DeletionGrace.After(now)
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		// Checked again where it is written: a teacher may have put the
		// student back on a roster meanwhile.
		if current, err := store.StudentIsCurrent(ctx, tx, st.ID); err != nil || current {
			if err == nil {
				err = errStudentCurrent
			}
			return err
		}
		if _, err := store.PendingErasure(ctx, tx, st.UserID); err == nil {
			return ErrDeletionPending
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := store.AddErasure(ctx, tx, &store.Erasure{UserID: st.UserID, Reason: store.ErasureSchool, RequestedBy: s.User.ID, RequestedAt: now, DueAt: due}); err != nil {
			return err
		}
		if err := store.MarkStudentLeft(ctx, tx, st.ID, now); err != nil {
			return err
		}
		if err := store.SetDisabled(ctx, tx, st.UserID, &now, now); err != nil {
			return err
		}
		if _, err := store.DeleteSessionsOfUser(ctx, tx, st.UserID, ""); err != nil {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRequest,
			SubjectID: st.UserID, Detail: "erasure of a student who left"})
	})
	return due, err
}

// CancelStudentErasure lets a leader of the school take back an erasure
// they or another leader asked for; the student can log in again.
func (a *App) CancelStudentErasure(ctx context.Context, s *Session, studentID int64) error {
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return err
	}
	if !authz.CanEraseStudent(s.Actor, st.SchoolID) {
		return ErrNotFound
	}
	e, err := store.PendingErasure(ctx, a.db.R, st.UserID)
	if err != nil {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if _, err := store.CancelErasure(ctx, tx, st.UserID); err != nil {
			return err
		}
		if err := store.ReturnStudent(ctx, tx, st.ID, st.UserID, e.RequestedAt, a.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRequest,
			SubjectID: st.UserID, Detail: "erasure cancelled"})
	})
}

// SchoolErasures lists the erasures a leader's schools asked for, with the
// students' names while they still exist.
func (a *App) SchoolErasures(ctx context.Context, s *Session) ([]store.Erasure, error) {
	if s.Actor.Kind != authz.Leader {
		return nil, nil
	}
	return store.ErasuresRequestedBy(ctx, a.db.R, s.User.ID)
}

// RunDueErasures carries out every request whose grace period is over.
func (a *App) RunDueErasures(ctx context.Context) (int, error) {
	due, err := store.DueErasures(ctx, a.db.R, a.Now())
	if err != nil {
		return 0, err
	}
	n, held := 0, 0
	defer func() {
		if held > 0 {
			a.Log.Info("erasures postponed: a restriction of processing keeps the records", "accounts", held)
		}
	}()
	for _, e := range due {
		// A restriction set during the grace period keeps the records;
		// the erasure stays due and runs once it is lifted.
		if keep, err := store.RecordsHeld(ctx, a.db.R, e.UserID); err != nil {
			return n, err
		} else if keep {
			held++
			continue
		}
		if e.Reason == store.ErasureInactive {
			// The account was used, or the student joined a class, during
			// the warning: it is not unused any more.
			still, err := store.StillInactive(ctx, a.db.R, e.UserID, e.RequestedAt)
			if err != nil {
				return n, err
			}
			if !still {
				if _, err := store.CancelErasure(ctx, a.db.W, e.UserID); err != nil {
					return n, err
				}
				continue
			}
		}
		if err := a.EraseNow(ctx, e.UserID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ReplayErasures erases again every account in the erasure ledger that
// exists once more — which happens only when a backup made before the
// erasure was restored (RET-5).
func (a *App) ReplayErasures(ctx context.Context) (int, error) {
	ids, err := store.ErasedUserIDs(ctx, a.db.R)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if _, err := store.UserByID(ctx, a.db.R, id); errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return n, err
		}
		if err := a.EraseNow(ctx, id); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		a.Log.Warn("erasure ledger replayed: accounts erased before a backup was restored were erased again", "accounts", n)
	}
	return n, nil
}

// FreshLogin is how recent a login must be to stand in for a password,
// for an account that has none (a student who logs in with a class code
// or a card).
const FreshLogin = 15 * time.Minute

// confirmOwner checks, before something that cannot be taken back from
// an unattended device (scheduling the account's deletion), that the
// person at it owns the account: their password, or a fresh login when
// the account has no password.
func (a *App) confirmOwner(ctx context.Context, s *Session, password string) error {
	if s.User.PasswordHash == "" {
		if a.Now().Sub(s.LoggedInAt) > FreshLogin {
			return &ValidationError{Fields: map[string]FieldError{"password": {Key: "delete.login_again"}}}
		}
		return nil
	}
	if _, err := a.checkPassword(ctx, loginOf(s.User), password); err != nil {
		if !errors.Is(err, ErrUnauthorized) {
			return err
		}
		return &ValidationError{Fields: map[string]FieldError{"password": {Key: "password.wrong"}}}
	}
	return nil
}
