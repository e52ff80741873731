package app

import (
	"context"
	"slices"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Mark is one student's attendance status in a save.
type Mark struct {
	StudentID int64
	Status    string
}

var statuses = []string{store.Present, store.Absent, store.Late, store.LeftEarly}

// TakeAttendance saves a class's attendance for a day. Teachers of the
// class record today (and may change it all day); school leaders can
// correct any past day. Future days and days before the class existed are
// refused.
func (a *App) TakeAttendance(ctx context.Context, s *Session, classID int64, day string, marks []Mark) ([]store.AttendanceRecord, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	ref := authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}
	if !authz.CanCorrectAttendance(s.Actor, ref) {
		return nil, ErrForbidden
	}
	if c.ArchivedAt != nil {
		return nil, ErrArchived
	}
	v := &ValidationError{}
	_, err = time.ParseInLocation(time.DateOnly, day, a.Location)
	today := a.Today()
	switch {
	case err != nil:
		v.Add("date", "range.bad_date")
	case day > today:
		v.Add("date", "attendance.future")
	case day < c.CreatedAt.In(a.Location).Format(time.DateOnly):
		v.Add("date", "attendance.before_class")
	case day != today && !s.Actor.IsLeaderOf(c.SchoolID):
		v.Add("date", "attendance.only_today")
	}
	roster, err := store.StudentsOfClass(ctx, a.DB.R, c.ID)
	if err != nil {
		return nil, err
	}
	onRoster := map[int64]bool{}
	for _, st := range roster {
		onRoster[st.ID] = true
	}
	if len(marks) == 0 {
		v.Add("records", "attendance.empty")
	}
	for _, m := range marks {
		if !slices.Contains(statuses, m.Status) {
			v.Add("records", "attendance.bad_status")
		}
		if !onRoster[m.StudentID] {
			v.Add("records", "points.not_in_class")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	err = a.DB.Tx(ctx, func(tx db.Querier) error {
		for _, m := range marks {
			r := &store.AttendanceRecord{SchoolID: c.SchoolID, ClassID: c.ID, StudentID: m.StudentID, Day: day,
				Status: m.Status, RecordedBy: s.User.ID, RecordedAt: now}
			if err := store.SaveAttendance(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	records, err := store.AttendanceOfClass(ctx, a.DB.R, c.ID, day, day)
	return records, err
}

// AttendanceOf returns a student's attendance history for those allowed
// to see their records.
func (a *App) AttendanceOf(ctx context.Context, s *Session, studentID int64, from, to time.Time) ([]store.AttendanceRecord, error) {
	st, ref, err := a.studentRef(ctx, studentID)
	if err != nil {
		return nil, err
	}
	if !authz.CanViewStudentRecords(s.Actor, ref) {
		return nil, ErrNotFound
	}
	// Families see who else looked (audit.go).
	if err := a.AuditStudentRead(ctx, s, st, "attendance"); err != nil {
		return nil, err
	}
	return store.AttendanceOfStudent(ctx, a.DB.R, studentID, from.In(a.Location).Format(time.DateOnly),
		to.Add(-time.Nanosecond).In(a.Location).Format(time.DateOnly))
}

// ClassAttendance returns a class's attendance over a range, for its
// teachers and the school's leaders.
func (a *App) ClassAttendance(ctx context.Context, s *Session, classID int64, from, to time.Time) ([]store.AttendanceRecord, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	return store.AttendanceOfClass(ctx, a.DB.R, c.ID, from.In(a.Location).Format(time.DateOnly),
		to.Add(-time.Nanosecond).In(a.Location).Format(time.DateOnly))
}

// ClassView is everything the teacher's class screen shows.
type ClassView struct {
	Class      *store.Class
	Roster     []store.Student
	Skills     []store.Skill
	Today      string
	Totals     map[int64]store.Totals           // today's points per student
	Attendance map[int64]store.AttendanceRecord // today's, when taken
	// Restricted are the students whose processing is restricted: their
	// tile says so instead of showing points (restriction.go).
	Restricted map[int64]bool
	Settings   store.ClassSettings
	CanTeach   bool
	CodeExpiry time.Time
}

// Classroom loads a class's screen: roster, skills, today's totals and
// today's attendance, in a handful of indexed queries.
func (a *App) Classroom(ctx context.Context, s *Session, classID int64) (*ClassView, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	cv := &ClassView{Class: c, Today: a.Today(), CanTeach: authz.CanTeachClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID})}
	if cv.Roster, err = store.StudentsOfClass(ctx, a.DB.R, c.ID); err != nil {
		return nil, err
	}
	c.StudentCount = len(cv.Roster)
	if cv.Skills, err = store.SkillsForClass(ctx, a.DB.R, c.SchoolID, c.ID); err != nil {
		return nil, err
	}
	start, _ := a.dayStart(cv.Today)
	if cv.Totals, err = store.ClassTotalsSince(ctx, a.DB.R, c.ID, start); err != nil {
		return nil, err
	}
	if cv.Restricted, err = a.restrictedIn(ctx, c.SchoolID); err != nil {
		return nil, err
	}
	for id := range cv.Restricted {
		delete(cv.Totals, id)
	}
	if cv.Attendance, err = store.AttendanceOfClassDay(ctx, a.DB.R, c.ID, cv.Today); err != nil {
		return nil, err
	}
	if cv.Settings, err = store.ClassSettingsOf(ctx, a.DB.R, c.ID); err != nil {
		return nil, err
	}
	if cv.CanTeach {
		if cv.CodeExpiry, err = store.ClassCodeExpiry(ctx, a.DB.R, c.ID); err != nil {
			return nil, err
		}
	}
	return cv, nil
}
