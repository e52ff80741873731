package app

import (
	"context"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// A school leader's privacy page: the school's retention periods, which
// they may shorten, and the students they may ask to erase.

// SchoolPrivacy is one school's part of the page.
type SchoolPrivacy struct {
	School    *store.School
	Retention []RetentionSetting
	// Students are those who left (in no class this year), whom a
	// leader may ask to erase, each with the erasure already asked for;
	// empty for a leader's role held by a teacher's account, who may not
	// erase.
	Students []store.ErasureCandidate
}

// SchoolPrivacy lists the privacy page of every school the actor leads;
// ErrForbidden when they lead none.
func (a *App) SchoolPrivacy(ctx context.Context, s *Session) ([]SchoolPrivacy, error) {
	var out []SchoolPrivacy
	for _, id := range s.Actor.SchoolIDs() {
		if !authz.CanSeeSchoolPrivacy(s.Actor, id) {
			continue
		}
		school, err := store.SchoolByID(ctx, a.db.R, id)
		if err != nil {
			return nil, err
		}
		p := SchoolPrivacy{School: school}
		if p.Retention, err = a.RetentionSettings(ctx, s, id); err != nil {
			return nil, err
		}
		if authz.CanEraseStudent(s.Actor, id) {
			if p.Students, err = store.ErasureCandidates(ctx, a.db.R, id); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, ErrForbidden
	}
	return out, nil
}

// StudentToErase is a student who left that a leader may ask to erase, for
// the page that asks them to confirm: ErrNotFound for someone who may not
// erase them, a *RefusedError (erase.in_class) for a student still in a
// class this year.
func (a *App) StudentToErase(ctx context.Context, s *Session, studentID int64) (*store.Student, error) {
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return nil, err
	}
	if !authz.CanEraseStudent(s.Actor, st.SchoolID) {
		return nil, ErrNotFound
	}
	current, err := store.StudentIsCurrent(ctx, a.db.R, st.ID)
	if err != nil {
		return nil, err
	}
	if current {
		return nil, errStudentCurrent
	}
	return st, nil
}
