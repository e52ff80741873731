package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// UndoWindow is how long a teacher can take back a point they just gave.
const UndoWindow = 30 * time.Second

// Skills lists the skills a class shows (its own and the school's).
func (a *App) Skills(ctx context.Context, s *Session, classID int64) ([]store.Skill, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	return store.SkillsForClass(ctx, a.db.R, c.SchoolID, c.ID)
}

// Award asks for points for students of a class.
type Award struct {
	StudentIDs []int64
	// WholeClass gives the point to every student on the roster who is not
	// marked absent today and whose processing is not restricted;
	// StudentIDs is then ignored.
	WholeClass bool
	SkillID    int64
	Note       string
}

// AbsentError says some students named in an award are marked absent
// today: points go only to students present (409 on the API).
type AbsentError struct{ StudentIDs []int64 }

func (e *AbsentError) Error() string {
	return fmt.Sprintf("students marked absent today: %v", e.StudentIDs)
}

// AwardPoints gives a feedback point to one, several or all students of
// a class the actor teaches. Only students present today can receive
// points when attendance has been taken, and none whose processing is
// restricted (RestrictedError).
func (a *App) AwardPoints(ctx context.Context, s *Session, classID int64, in Award) ([]store.Point, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	v := &ValidationError{}
	if utf8.RuneCountInString(in.Note) > 280 {
		v.Add("note", "validation.too_long", "max", 280)
	}
	skill, err := store.SkillOfClass(ctx, a.db.R, c.SchoolID, c.ID, in.SkillID)
	if errors.Is(err, ErrNotFound) {
		v.Add("skill_id", "points.bad_skill")
	} else if err != nil {
		return nil, err
	}
	// The roster query also says who is absent and whose processing is
	// restricted (restriction.go), so the award stays one read.
	onRoster, absent, restricted := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	if !in.WholeClass && len(in.StudentIDs) == 1 {
		on, m, err := store.StudentToday(ctx, a.db.R, c.ID, in.StudentIDs[0], a.Today())
		if err != nil {
			return nil, err
		}
		onRoster[in.StudentIDs[0]], absent[in.StudentIDs[0]], restricted[in.StudentIDs[0]] = on, m.Status == store.Absent, m.Restricted
	} else {
		today, err := store.RosterToday(ctx, a.db.R, c.ID, a.Today())
		if err != nil {
			return nil, err
		}
		for id, m := range today {
			onRoster[id], absent[id], restricted[id] = true, m.Status == store.Absent, m.Restricted
		}
	}
	var ids []int64
	if in.WholeClass {
		for id := range onRoster {
			if !absent[id] && !restricted[id] {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
	} else {
		if len(in.StudentIDs) == 0 {
			v.Add("student_ids", "points.no_students")
		}
		if len(in.StudentIDs) > 500 {
			v.Add("student_ids", "roster.too_many", "max", 500)
		}
		for _, id := range in.StudentIDs {
			if !onRoster[id] {
				v.Add("student_ids", "points.not_in_class")
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var away, held []int64
	for _, id := range ids {
		if restricted[id] {
			held = append(held, id)
		} else if absent[id] {
			away = append(away, id)
		}
	}
	if len(held) > 0 {
		return nil, &RestrictedError{StudentIDs: held}
	}
	if len(away) > 0 {
		return nil, &AbsentError{StudentIDs: away}
	}
	now := a.Now()
	out := make([]store.Point, 0, len(ids))
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		for _, id := range ids {
			p := store.Point{SchoolID: c.SchoolID, ClassID: c.ID, StudentID: id, SkillID: skill.ID, SkillName: skill.Name,
				Weight: skill.Weight, Note: strings.TrimSpace(in.Note), AwardedBy: s.User.ID, AwardedAt: now}
			if err := store.AddPoint(ctx, tx, &p); err != nil {
				return err
			}
			// The child's parents hear of it after the undo window, as
			// each chose (the daily summary unless they chose otherwise):
			// one small fan-out row now, decided by the notification job.
			if err := a.Notify(ctx, tx, Notice{Kind: notify.KindPoints, SchoolID: c.SchoolID, RefID: p.ID, ActorID: s.User.ID,
				StudentID: id, ToParents: true, At: now, Delay: RecordGrace}); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range out {
		a.Events.Publish(PointEvent{StudentID: p.StudentID, ClassID: p.ClassID, PointID: p.ID, SkillName: p.SkillName, Weight: p.Weight, AwardedAt: p.AwardedAt})
	}
	return out, nil
}

// UndoPoint takes back a point its teacher gave moments ago.
func (a *App) UndoPoint(ctx context.Context, s *Session, pointID int64) error {
	p, err := store.PointByID(ctx, a.db.R, pointID)
	if err != nil {
		return err
	}
	if p.AwardedBy != s.User.ID {
		return ErrNotFound
	}
	if a.Now().Sub(p.AwardedAt) > UndoWindow {
		return &ValidationError{Fields: map[string]FieldError{"point": {Key: "points.undo_expired"}}}
	}
	if err := store.DeletePoint(ctx, a.db.W, p.ID); err != nil {
		return err
	}
	a.Events.Publish(PointEvent{StudentID: p.StudentID, ClassID: p.ClassID, PointID: p.ID, SkillName: p.SkillName, Weight: p.Weight, Undone: true})
	return nil
}

// StudentPoints is a student's points over a period.
type StudentPoints struct {
	Student store.Student
	Totals  store.Totals
	Points  []store.Point
}

// PointsOf returns a student's points in [from, to) for those allowed to
// see them; everyone else gets ErrNotFound, and a teacher of a student
// whose processing is restricted ErrRestricted. When every class the student
// is in hides points from families, the student and their parents get
// ErrNotFound too.
func (a *App) PointsOf(ctx context.Context, s *Session, studentID int64, from, to time.Time) (*StudentPoints, error) {
	st, ref, err := a.studentRef(ctx, studentID)
	if err != nil {
		return nil, err
	}
	if !authz.CanViewStudentRecords(s.Actor, ref) {
		return nil, ErrNotFound
	}
	if err := a.checkRestrictedRead(ctx, s, ref); err != nil {
		return nil, err
	}
	// Families see who else looked (audit.go).
	if err := a.AuditStudentRead(ctx, s, st, "points"); err != nil {
		return nil, err
	}
	var hidden map[int64]bool
	if authz.IsFamilyOf(s.Actor, studentID) {
		all, err := a.pointsHiddenFromFamily(ctx, ref.Classes)
		if err != nil {
			return nil, err
		}
		if all {
			return nil, ErrNotFound
		}
		if hidden, err = store.HiddenClassesOfStudent(ctx, a.db.R, studentID); err != nil {
			return nil, err
		}
	}
	points, totals, err := a.visiblePoints(ctx, studentID, from, to, 1000, hidden)
	return &StudentPoints{Student: *st, Totals: totals, Points: points}, err
}

// visiblePoints reads a student's points and totals in [from, to), leaving
// out the classes in hidden (those that hide points from families, when a
// family is looking).
func (a *App) visiblePoints(ctx context.Context, studentID int64, from, to time.Time, limit int, hidden map[int64]bool) ([]store.Point, store.Totals, error) {
	var totals store.Totals
	points, err := store.PointsOfStudent(ctx, a.db.R, studentID, from, to, limit)
	if err != nil {
		return nil, totals, err
	}
	if len(hidden) == 0 {
		totals, err = store.StudentTotals(ctx, a.db.R, studentID, from, to)
		return points, totals, err
	}
	shown := points[:0]
	for _, p := range points {
		if !hidden[p.ClassID] {
			shown = append(shown, p)
		}
	}
	byClass, err := store.StudentTotalsByClass(ctx, a.db.R, studentID, from, to)
	for class, t := range byClass {
		if !hidden[class] {
			totals.Total, totals.Positive, totals.NeedsWork, totals.Count = totals.Total+t.Total, totals.Positive+t.Positive, totals.NeedsWork+t.NeedsWork, totals.Count+t.Count
		}
	}
	return shown, totals, err
}

func (a *App) pointsHiddenFromFamily(ctx context.Context, classes []int64) (bool, error) {
	if len(classes) == 0 {
		return false, nil
	}
	for _, c := range classes {
		set, err := store.ClassSettingsOf(ctx, a.db.R, c)
		if err != nil {
			return false, err
		}
		if !set.HidePoints {
			return false, nil
		}
	}
	return true, nil
}

// SetHidePoints changes whether families see a class's points.
func (a *App) SetHidePoints(ctx context.Context, s *Session, classID int64, hide bool) error {
	if _, err := a.teachClass(ctx, s, classID); err != nil {
		return err
	}
	return store.SetHidePoints(ctx, a.db.W, classID, hide)
}

// ParseRange reads a from/to date range (YYYY-MM-DD, both inclusive) in
// the schools' zone, defaulting to the last 30 days.
func (a *App) ParseRange(from, to string) (time.Time, time.Time, error) {
	v := &ValidationError{}
	today := a.Today()
	if to == "" {
		to = today
	}
	end, err := a.dayStart(to)
	if err != nil {
		v.Add("to", "range.bad_date")
	}
	if from == "" {
		from = end.In(a.Location).AddDate(0, 0, -29).Format(time.DateOnly)
	}
	start, err := a.dayStart(from)
	if err != nil {
		v.Add("from", "range.bad_date")
	}
	if err := v.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	end = end.In(a.Location).AddDate(0, 0, 1).UTC()
	if !start.Before(end) {
		v.Add("from", "range.backwards")
	} else if end.Sub(start) > 2*366*24*time.Hour {
		v.Add("from", "range.too_long")
	}
	return start, end, v.Err()
}
