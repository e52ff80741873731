package app

import (
	"context"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// Classes lists a page of the classes the actor may see.
func (a *App) Classes(ctx context.Context, s *Session, page store.ClassPage) ([]store.Class, error) {
	if !authz.CanListClasses(s.Actor) {
		return nil, ErrForbidden
	}
	return store.ClassesForUser(ctx, a.db.R, s.User.ID, page)
}

// Class returns a class and its roster, or ErrNotFound when the actor may
// not see it: a class that is not yours is one you cannot know about.
func (a *App) Class(ctx context.Context, s *Session, id int64) (*store.Class, []store.Student, error) {
	c, err := store.ClassByID(ctx, a.db.R, id)
	if err != nil {
		return nil, nil, err
	}
	if !authz.CanViewClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, nil, ErrNotFound
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, c.ID)
	return c, roster, err
}

// Children lists the students a parent is connected to.
func (a *App) Children(ctx context.Context, s *Session) ([]store.Student, error) {
	if s.Actor.Kind != authz.Parent {
		return nil, nil
	}
	return a.familyChildren(ctx, s)
}

// SchoolSummary is a leader's overview of one school.
type SchoolSummary struct {
	School   *store.School
	Classes  []store.Class
	Staff    int
	Students int
}

// LedSchools summarises every school the actor leads.
func (a *App) LedSchools(ctx context.Context, s *Session) ([]SchoolSummary, error) {
	var out []SchoolSummary
	for _, id := range s.Actor.SchoolIDs() {
		if !s.Actor.IsLeaderOf(id) {
			continue
		}
		school, err := store.SchoolByID(ctx, a.db.R, id)
		if err != nil {
			return nil, err
		}
		sum := SchoolSummary{School: school}
		if sum.Classes, err = store.ClassesOfSchool(ctx, a.db.R, id); err != nil {
			return nil, err
		}
		if sum.Staff, err = store.StaffCount(ctx, a.db.R, id); err != nil {
			return nil, err
		}
		if sum.Students, err = store.StudentCount(ctx, a.db.R, id); err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	return out, nil
}
