package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Rollover asks for next year's class made from this year's.
type Rollover struct {
	Name string
	// StudentIDs are the students of the old class who move up with it;
	// the others stay in the school, in no class of the new year yet.
	StudentIDs []int64
}

// RollOver starts next year's class from a class: a new class with the
// same teachers, the same skills of its own and settings, and the chosen
// students — the same profiles, so each child's history carries on —
// and archives the old class, which stays visible and read-only.
func (a *App) RollOver(ctx context.Context, s *Session, classID int64, in Rollover) (*store.Class, error) {
	old, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanRollOverClass(s.Actor, authz.ClassRef{ID: old.ID, SchoolID: old.SchoolID}) {
		return nil, ErrForbidden
	}
	if old.ArchivedAt != nil {
		return nil, ErrArchived
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	v := &ValidationError{}
	if name == "" {
		v.Add("name", "validation.required")
	} else if utf8.RuneCountInString(name) > 80 {
		v.Add("name", "validation.too_long", "max", 80)
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, old.ID)
	if err != nil {
		return nil, err
	}
	onRoster := map[int64]bool{}
	for _, st := range roster {
		onRoster[st.ID] = true
	}
	chosen := map[int64]bool{}
	var ids []int64
	for _, id := range in.StudentIDs {
		if !onRoster[id] {
			v.Add("student_ids", "points.not_in_class")
		} else if !chosen[id] {
			chosen[id] = true
			ids = append(ids, id)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	c := &store.Class{SchoolID: old.SchoolID, Name: name, CreatedAt: now}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		// Lock the old class first: two rollovers of one class at once
		// must not both succeed.
		if err := store.LockClass(ctx, tx, old.ID); err != nil {
			return err
		}
		if again, err := store.ClassByID(ctx, tx, old.ID); err != nil {
			return err
		} else if again.ArchivedAt != nil {
			return ErrArchived
		}
		if err := store.InsertClass(ctx, tx, c, ""); err != nil {
			return err
		}
		teachers, err := store.TeachersOf(ctx, tx, old.ID)
		if err != nil {
			return err
		}
		if len(teachers) == 0 {
			teachers = []int64{s.User.ID}
		}
		for _, t := range teachers {
			if err := store.AddClassTeacher(ctx, tx, c.SchoolID, c.ID, t, now); err != nil {
				return err
			}
		}
		skills, err := store.ClassOwnSkills(ctx, tx, old.ID)
		if err != nil {
			return err
		}
		for _, sk := range skills {
			if err := store.CreateSkill(ctx, tx, &store.Skill{SchoolID: c.SchoolID, ClassID: c.ID, Name: sk.Name, Weight: sk.Weight, Icon: sk.Icon, CreatedAt: now}); err != nil {
				return err
			}
		}
		if err := store.CopyClassSettings(ctx, tx, old.ID, c.ID); err != nil {
			return err
		}
		for _, id := range ids {
			if err := store.EnrollStudent(ctx, tx, c.SchoolID, c.ID, id, now); err != nil {
				return err
			}
		}
		return store.ArchiveClass(ctx, tx, old.ID, now)
	})
	if err != nil {
		return nil, err
	}
	c.StudentCount = len(ids)
	return c, nil
}
