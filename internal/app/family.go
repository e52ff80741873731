package app

import (
	"context"
	"time"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// ChildDay is what a family sees at a glance about one child.
type ChildDay struct {
	Student store.Student
	// PointsHidden is true when the child's classes hide points from families.
	PointsHidden bool
	Today        store.Totals
	Week         store.Totals
	Recent       []store.Point
	Attendance   []store.AttendanceRecord // today's, one per class
}

// FamilyView returns the children a parent follows — or, for a student,
// themself — with today's points and attendance and the week's recent
// points.
func (a *App) FamilyView(ctx context.Context, s *Session) ([]ChildDay, error) {
	var ids []int64
	switch {
	case s.Actor.Kind == authz.Parent:
		children, err := a.familyChildren(ctx, s)
		if err != nil {
			return nil, err
		}
		for _, c := range children {
			ids = append(ids, c.ID)
		}
	case s.Actor.StudentID != 0:
		ids = []int64{s.Actor.StudentID}
	}
	today := a.Today()
	dayStart, _ := a.dayStart(today)
	weekStart := dayStart.In(a.Location).AddDate(0, 0, -6).UTC()
	end := a.Now().Add(time.Second)
	var out []ChildDay
	for _, id := range ids {
		st, ref, err := a.studentRef(ctx, id)
		if err != nil {
			return nil, err
		}
		cd := ChildDay{Student: *st}
		if cd.PointsHidden, err = a.pointsHiddenFromFamily(ctx, ref.Classes); err != nil {
			return nil, err
		}
		if !cd.PointsHidden {
			// Classes that hide points from families stay hidden even when
			// the child's other classes show theirs.
			hidden, err := store.HiddenClassesOfStudent(ctx, a.db.R, id)
			if err != nil {
				return nil, err
			}
			if _, cd.Today, err = a.visiblePoints(ctx, id, dayStart, end, 0, hidden); err != nil {
				return nil, err
			}
			if cd.Recent, cd.Week, err = a.visiblePoints(ctx, id, weekStart, end, 8, hidden); err != nil {
				return nil, err
			}
		}
		if cd.Attendance, err = store.AttendanceOfStudent(ctx, a.db.R, id, today, today); err != nil {
			return nil, err
		}
		out = append(out, cd)
	}
	return out, nil
}

// LiveStudents lists the students whose new points the actor may hear
// about live — their own children, or themself — and the classes whose
// points stay hidden from families.
func (a *App) LiveStudents(ctx context.Context, s *Session) ([]int64, map[int64]bool, error) {
	days, err := a.FamilyView(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	hidden := map[int64]bool{}
	for _, d := range days {
		if d.PointsHidden {
			continue
		}
		ids = append(ids, d.Student.ID)
		h, err := store.HiddenClassesOfStudent(ctx, a.db.R, d.Student.ID)
		if err != nil {
			return nil, nil, err
		}
		for c := range h {
			hidden[c] = true
		}
	}
	return ids, hidden, nil
}
