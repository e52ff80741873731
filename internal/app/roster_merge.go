package app

import (
	"context"
	"slices"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// MergeResult says what merging two profiles of one child did: which
// profile stayed, which was removed (as it was before the merge) and how
// many records of each kind moved — what an audit entry records.
type MergeResult struct {
	Kept    store.Student
	Removed store.Student
	store.MergeCounts
}

// MergeStudents folds the profile dropID into keepID when a school has
// the same child twice: points, attendance, class enrollments, parent
// connections, login-card links, consents, correction requests, the
// portfolio, story photo tags, conversations (and the child's own place
// in them), invitations and custody blocks move to the kept profile, then the other profile and its account are deleted,
// all in one transaction. Leaders of the school may merge any two of its
// students; a teacher may merge when they teach either one.
func (a *App) MergeStudents(ctx context.Context, s *Session, keepID, dropID int64) (*MergeResult, error) {
	keep, keepRef, err := a.studentRef(ctx, keepID)
	if err != nil {
		return nil, err
	}
	drop, dropRef, err := a.studentRef(ctx, dropID)
	if err != nil {
		return nil, err
	}
	if !authz.CanViewStudentRecords(s.Actor, keepRef) || !authz.CanViewStudentRecords(s.Actor, dropRef) || s.Actor.StudentID != 0 || s.Actor.Kind == authz.Parent {
		return nil, ErrNotFound
	}
	v := &ValidationError{}
	switch {
	case keepID == dropID:
		v.Add("duplicate_id", "merge.same")
	case keep.SchoolID != drop.SchoolID:
		v.Add("duplicate_id", "merge.other_school")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !authz.CanMergeStudents(s.Actor, keepRef, dropRef) {
		return nil, ErrForbidden
	}
	keepSrc, err := store.StudentSourceID(ctx, a.db.R, keepID)
	if err != nil {
		return nil, err
	}
	dropSrc, err := store.StudentSourceID(ctx, a.db.R, dropID)
	if err != nil {
		return nil, err
	}
	if keepSrc != "" && dropSrc != "" && keepSrc != dropSrc {
		// The school's own system says these are two children; merging
		// here would be undone (duplicated again) by the next import.
		v.Add("duplicate_id", "merge.both_imported")
		return nil, v
	}
	cols, err := a.db.Columns(ctx)
	if err != nil {
		return nil, err
	}
	res := &MergeResult{Removed: *drop}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if res.MergeCounts, err = store.MoveStudentRecords(ctx, tx, keep, drop); err != nil {
			return err
		}
		if keepSrc == "" && dropSrc != "" {
			if err := store.SetStudentSourceID(ctx, tx, drop.ID, ""); err != nil {
				return err
			}
			if err := store.SetStudentSourceID(ctx, tx, keep.ID, dropSrc); err != nil {
				return err
			}
		}
		// A table added since this was written that still holds the
		// removed profile's records would lose them to the cascade:
		// refuse instead, and say which.
		for _, c := range cols {
			if c.Name != "student_id" || slices.Contains(store.StudentTables, c.Table) {
				continue
			}
			n, err := store.CountRows(ctx, tx, c.Table, c.Name, drop.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				v.Add("duplicate_id", "merge.unknown_records", "table", c.Table)
				return v
			}
		}
		if err := store.DeleteStudentAndAccount(ctx, tx, drop); err != nil {
			return err
		}
		// The log keeps entries about the removed profile under its old
		// account (it is append-only); this entry ties them to the child,
		// for the family's access log and for a later erasure.
		if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: keep.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s),
			Action: store.AuditMerge, SubjectID: keep.UserID, Detail: store.MergedDetail(drop.UserID)}); err != nil {
			return err
		}
		kept, err := store.StudentByID(ctx, tx, keep.ID)
		if err != nil {
			return err
		}
		res.Kept = *kept
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
