package app

import (
	"context"
	"errors"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Joining a class with its code: a student who signed up on their own has
// no class, and with the code their teacher shows they ask to join one.
// The class's teachers (or the school's leaders) let them in — the
// student gets a profile at the school and a place in the class — or
// decline. Until then the class sees only the student's first name, and
// the student only the class's name.

// AskToJoinClass asks to join the class whose code this is. Guessing codes
// is limited as for the class-code login; asking twice is a RefusedError
// (ErrConflict); a student already in the class, or at another school,
// is told so.
func (a *App) AskToJoinClass(ctx context.Context, s *Session, code, ip string) (*store.ClassJoinRequest, error) {
	if !authz.CanAskToJoinClass(s.Actor) {
		return nil, ErrForbidden
	}
	c, roster, err := a.ClassByCode(ctx, code, ip)
	if err != nil {
		return nil, err
	}
	for _, st := range roster {
		if st.UserID == s.User.ID {
			return nil, &RefusedError{Key: "classjoin.already_in", Err: ErrConflict}
		}
	}
	if s.Actor.StudentID != 0 && s.Actor.StudentSchoolID != c.SchoolID {
		return nil, &RefusedError{Key: "classjoin.other_school", Err: ErrForbidden}
	}
	r := &store.ClassJoinRequest{SchoolID: c.SchoolID, ClassID: c.ID, UserID: s.User.ID, ClassName: c.Name, CreatedAt: a.Now()}
	err = store.CreateClassJoinRequest(ctx, a.db.W, r)
	if errors.Is(err, ErrConflict) {
		return nil, &RefusedError{Key: "classjoin.asked_already", Err: ErrConflict}
	}
	return r, err
}

// MyClassJoinRequests lists the student's requests, newest first, for
// their home page.
func (a *App) MyClassJoinRequests(ctx context.Context, s *Session) ([]store.ClassJoinRequest, error) {
	if !authz.CanAskToJoinClass(s.Actor) {
		return nil, nil
	}
	return store.ClassJoinRequestsOf(ctx, a.db.R, s.User.ID)
}

// ClassJoinRequests returns a class and its open requests, for its
// teachers and the school's leaders.
func (a *App) ClassJoinRequests(ctx context.Context, s *Session, classID int64) (*store.Class, []store.ClassJoinRequest, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, nil, err
	}
	if !authz.CanAdmitToClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, nil, ErrForbidden
	}
	reqs, err := store.OpenClassJoinRequests(ctx, a.db.R, c.ID)
	return c, reqs, err
}

// DecideClassJoin answers a request: approved, the student gets a
// profile at the school (unless they have one there) and a place in the
// class, in one transaction. Answering twice is a RefusedError.
func (a *App) DecideClassJoin(ctx context.Context, s *Session, requestID int64, approve bool) (*store.ClassJoinRequest, error) {
	r, err := store.ClassJoinRequestByID(ctx, a.db.R, requestID)
	if err != nil {
		return nil, err
	}
	c, err := a.viewClass(ctx, s, r.ClassID)
	if err != nil {
		return nil, err
	}
	if !authz.CanAdmitToClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrNotFound
	}
	if c.ArchivedAt != nil {
		return nil, ErrArchived
	}
	now := a.Now()
	outcome := store.JoinDeclined
	if approve {
		outcome = store.JoinApproved
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.DecideClassJoinRequest(ctx, tx, r.ID, s.User.ID, outcome, now); err != nil {
			return err
		}
		if !approve {
			return nil
		}
		st, err := store.StudentByUserID(ctx, tx, r.UserID)
		switch {
		case errors.Is(err, ErrNotFound):
			st = &store.Student{SchoolID: c.SchoolID, UserID: r.UserID, ParentCode: NewCode(8), CreatedAt: now}
			if err := store.CreateStudent(ctx, tx, st); err != nil {
				return err
			}
		case err != nil:
			return err
		case st.SchoolID != c.SchoolID:
			return &RefusedError{Key: "classjoin.other_school", Err: ErrForbidden}
		}
		return store.EnrollStudent(ctx, tx, c.SchoolID, c.ID, st.ID, now)
	})
	var re *RefusedError
	if errors.Is(err, ErrConflict) && !errors.As(err, &re) {
		return nil, &RefusedError{Key: "classjoin.answered", Err: ErrConflict}
	}
	if err != nil {
		return nil, err
	}
	r.Outcome, r.DecidedAt = outcome, &now
	return r, nil
}
