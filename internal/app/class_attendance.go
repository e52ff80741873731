package app

import (
	"context"
	"slices"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Mark is one student's attendance status in a save.
type Mark struct {
	StudentID int64
	Status    string
}

var statuses = []string{store.Present, store.Absent, store.Late, store.LeftEarly}

// TakeAttendance saves a class's attendance for a day. Teachers of the
// class record today (and may change it all day) and correct the days
// before it that their school's window allows; school leaders can correct
// any past day (class_attendance_window.go). Future days and days before
// the class existed are refused.
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
	today := a.Today()
	if err := a.checkAttendanceDay(ctx, s, c, day, v); err != nil {
		return nil, err
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, c.ID)
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
	// A student marked twice counts as last marked, as the form reads.
	last := map[int64]int{}
	for i, m := range marks {
		last[m.StudentID] = i
	}
	recs := make([]store.AttendanceRecord, 0, len(last))
	for i, m := range marks {
		if last[m.StudentID] == i {
			recs = append(recs, store.AttendanceRecord{SchoolID: c.SchoolID, ClassID: c.ID, StudentID: m.StudentID, Day: day,
				Status: m.Status, RecordedBy: s.User.ID, RecordedAt: now})
		}
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.SaveAttendanceDay(ctx, tx, recs); err != nil {
			return err
		}
		for _, r := range recs {
			if r.Status == store.Absent && day == today {
				// The parents hear of it after a grace period, if it is
				// still an absence then (a wrong tap corrected is never told).
				if err := a.Notify(ctx, tx, Notice{Kind: notify.KindAbsence, SchoolID: c.SchoolID, RefID: c.ID, ActorID: s.User.ID,
					StudentID: r.StudentID, ToParents: true, At: now, Delay: RecordGrace}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	records, err := store.AttendanceOfClass(ctx, a.db.R, c.ID, day, day)
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
	return store.AttendanceOfStudent(ctx, a.db.R, studentID, from.In(a.Location).Format(time.DateOnly),
		to.Add(-time.Nanosecond).In(a.Location).Format(time.DateOnly))
}

// ClassAttendance returns a class's attendance over a range, for its
// teachers and the school's leaders.
func (a *App) ClassAttendance(ctx context.Context, s *Session, classID int64, from, to time.Time) ([]store.AttendanceRecord, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	return store.AttendanceOfClass(ctx, a.db.R, c.ID, from.In(a.Location).Format(time.DateOnly),
		to.Add(-time.Nanosecond).In(a.Location).Format(time.DateOnly))
}

// ClassView is everything the teacher's class screen shows.
type ClassView struct {
	Class  *store.Class
	Roster []store.Student
	Skills []store.Skill
	Today  string
	// Period is what Totals count: PeriodToday, PeriodWeek (since Monday)
	// or PeriodAll (the class's whole life).
	Period     string
	Totals     map[int64]store.Totals           // the period's points per student
	Attendance map[int64]store.AttendanceRecord // today's, when taken
	// Restricted are the students whose processing is restricted: their
	// tile says so instead of showing points (restriction.go).
	Restricted map[int64]bool
	Settings   store.ClassSettings
	CanTeach   bool
	CodeExpiry time.Time
}

// The periods the class screen's tiles can count points over.
const (
	PeriodToday = "today"
	PeriodWeek  = "week"
	PeriodAll   = "all"
)

// ClassPeriods lists them in the order the class screen offers them.
var ClassPeriods = []string{PeriodToday, PeriodWeek, PeriodAll}

// Classroom loads a class's screen with today's totals (ClassroomFor).
func (a *App) Classroom(ctx context.Context, s *Session, classID int64) (*ClassView, error) {
	return a.ClassroomFor(ctx, s, classID, PeriodToday)
}

// ClassroomFor loads a class's screen: roster, skills, the period's totals
// and today's attendance, in a handful of indexed queries. An unknown
// period counts today.
func (a *App) ClassroomFor(ctx context.Context, s *Session, classID int64, period string) (*ClassView, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ClassPeriods, period) {
		period = PeriodToday
	}
	cv := &ClassView{Class: c, Today: a.Today(), Period: period, CanTeach: authz.CanTeachClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID})}
	if cv.Roster, err = store.StudentsOfClass(ctx, a.db.R, c.ID); err != nil {
		return nil, err
	}
	c.StudentCount = len(cv.Roster)
	if cv.Skills, err = store.SkillsForClass(ctx, a.db.R, c.SchoolID, c.ID); err != nil {
		return nil, err
	}
	start, _ := a.dayStart(cv.Today)
	switch period {
	case PeriodWeek: // since Monday, the school week
		local := start.In(a.Location)
		start = local.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7)).UTC()
	case PeriodAll:
		start = time.Time{}
	}
	if cv.Totals, err = store.ClassTotalsSince(ctx, a.db.R, c.ID, start); err != nil {
		return nil, err
	}
	if cv.Restricted, err = a.restrictedIn(ctx, c.SchoolID); err != nil {
		return nil, err
	}
	for id := range cv.Restricted {
		delete(cv.Totals, id)
	}
	if cv.Attendance, err = store.AttendanceOfClassDay(ctx, a.db.R, c.ID, cv.Today); err != nil {
		return nil, err
	}
	if cv.Settings, err = store.ClassSettingsOf(ctx, a.db.R, c.ID); err != nil {
		return nil, err
	}
	if cv.CanTeach {
		if cv.CodeExpiry, err = store.ClassCodeExpiry(ctx, a.db.R, c.ID); err != nil {
			return nil, err
		}
	}
	return cv, nil
}
