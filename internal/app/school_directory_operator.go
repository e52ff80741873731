package app

import (
	"context"
	"errors"

	"cubby/internal/db"
	"cubby/internal/store"
)

// The server's operator (cubby staff, on the command line) stands in for a
// school leader where no leader can: a school someone added, or one whose
// leaders all left. These are not requests of a logged-in person, so they
// take no session; whoever can run the command owns the server.

// OperatorConfirmSchool marks a school someone added as confirmed.
func (a *App) OperatorConfirmSchool(ctx context.Context, schoolID int64) (*store.School, error) {
	school, err := store.SchoolByID(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	if err := store.SetSchoolVerified(ctx, a.db.W, schoolID); err != nil {
		return nil, err
	}
	school.Verified = true
	return school, nil
}

// OperatorMakeLeader makes the teacher's or leader's account with this
// email an active, verified leader of a school, whatever their standing
// there was (none, a waiting request, a teacher).
func (a *App) OperatorMakeLeader(ctx context.Context, schoolID int64, email string) (*store.User, error) {
	if _, err := store.SchoolByID(ctx, a.db.R, schoolID); err != nil {
		return nil, err
	}
	u, err := store.UserByEmail(ctx, a.db.R, normalizeEmail(email))
	if err != nil {
		return nil, err
	}
	if u.Kind != store.KindTeacher && u.Kind != store.KindLeader {
		return nil, refused("invite.needs_teacher_account", ErrForbidden)
	}
	now := a.Now()
	return u, a.db.Tx(ctx, func(tx db.Querier) error {
		m, err := store.MembershipOf(ctx, tx, schoolID, u.ID)
		if errors.Is(err, ErrNotFound) {
			return store.AddMembership(ctx, tx, &store.Membership{SchoolID: schoolID, UserID: u.ID, Role: store.RoleLeader,
				Status: store.MemberActive, VerifiedAt: &now, CreatedAt: now})
		}
		if err != nil {
			return err
		}
		m.Role, m.Status = store.RoleLeader, store.MemberActive
		if m.VerifiedAt == nil {
			m.VerifiedAt = &now
		}
		return store.UpdateMembership(ctx, tx, m)
	})
}

// SchoolStaff lists a school's staff and join requests, for the operator.
func (a *App) SchoolStaff(ctx context.Context, schoolID int64) (*store.School, []store.StaffMember, error) {
	school, err := store.SchoolByID(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, nil, err
	}
	staff, err := store.StaffOfSchool(ctx, a.db.R, schoolID)
	return school, staff, err
}
