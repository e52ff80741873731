package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// How far back attendance is corrected (issue 15). Leaders correct any
// past day; a class's teachers correct today and the days before it that
// their school's window allows. The window is the leaders' to set, from 0
// (today only) to MaxAttendanceWindow days, and starts at a week
// (DefaultAttendanceWindow): a teacher who was off sick on Friday, or who
// finds on Monday that a late child was marked absent last Tuesday,
// corrects it themself, while a register older than a school week or so
// stays as the school's record unless a leader changes it.

// DefaultAttendanceWindow is a new school's window, in days.
const DefaultAttendanceWindow = 7

// MaxAttendanceWindow is the longest window a school may set.
const MaxAttendanceWindow = 30

// AttendanceWindowOf returns how many days back a school's teachers may
// correct attendance, for the school's leaders' settings page.
func (a *App) AttendanceWindowOf(ctx context.Context, s *Session, schoolID int64) (int, error) {
	if !authz.CanSetAttendanceWindow(s.Actor, schoolID) {
		return 0, ErrNotFound
	}
	return store.AttendanceWindow(ctx, a.db.R, schoolID)
}

// SetAttendanceWindow changes how many days back the school's teachers
// may correct attendance: a whole number from 0 to MaxAttendanceWindow,
// refused at the "attendance_window" field otherwise.
func (a *App) SetAttendanceWindow(ctx context.Context, s *Session, schoolID int64, days string) error {
	if !authz.CanSetAttendanceWindow(s.Actor, schoolID) {
		return ErrNotFound
	}
	n, err := strconv.Atoi(strings.TrimSpace(days))
	if err != nil || n < 0 || n > MaxAttendanceWindow {
		v := &ValidationError{}
		v.Add("attendance_window", "attendance.window_range", "max", MaxAttendanceWindow)
		return v
	}
	return store.SetAttendanceWindow(ctx, a.db.W, schoolID, n)
}

// AttendanceCorrection says which days the person may correct a class's
// attendance for: from Earliest to Today ("" Earliest: any past day).
type AttendanceCorrection struct {
	Today    string
	Earliest string
	Window   int  // the school's window, in days
	Leader   bool // corrects any day
	Allowed  bool // may take or correct this class's attendance at all
	ClassDay string
}

// AttendanceCorrectionFor loads the days the person may correct a
// class's attendance for, for the class's attendance history page.
func (a *App) AttendanceCorrectionFor(ctx context.Context, s *Session, classID int64) (*AttendanceCorrection, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	return a.attendanceCorrection(ctx, s, c)
}

func (a *App) attendanceCorrection(ctx context.Context, s *Session, c *store.Class) (*AttendanceCorrection, error) {
	window, err := store.AttendanceWindow(ctx, a.db.R, c.SchoolID)
	if err != nil {
		return nil, err
	}
	ref := authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}
	ac := &AttendanceCorrection{Today: a.Today(), Window: window, Leader: s.Actor.IsLeaderOf(c.SchoolID),
		Allowed: c.ArchivedAt == nil && authz.CanCorrectAttendance(s.Actor, ref), ClassDay: c.CreatedAt.In(a.Location).Format(time.DateOnly)}
	if !ac.Leader {
		t, _ := time.ParseInLocation(time.DateOnly, ac.Today, a.Location)
		ac.Earliest = t.AddDate(0, 0, -window).Format(time.DateOnly)
	}
	if ac.Earliest == "" || ac.Earliest < ac.ClassDay {
		ac.Earliest = ac.ClassDay
	}
	return ac, nil
}

// daysBack counts the calendar days from day to today (negative for a
// day after today).
func (a *App) daysBack(day, today string) (int, bool) {
	d, err := time.ParseInLocation(time.DateOnly, day, a.Location)
	if err != nil {
		return 0, false
	}
	t, _ := time.ParseInLocation(time.DateOnly, today, a.Location)
	// Noon to noon, so a daylight-saving change never makes a day 23 or 25 hours.
	return int(t.Add(12*time.Hour).Sub(d.Add(12*time.Hour)).Hours()+0.5) / 24, true
}

// checkAttendanceDay says what is wrong with correcting a class's
// attendance on day: a bad date, a future day, one before the class
// existed, or one further back than the school lets a teacher go.
func (a *App) checkAttendanceDay(ctx context.Context, s *Session, c *store.Class, day string, v *ValidationError) error {
	today := a.Today()
	back, ok := a.daysBack(day, today)
	switch {
	case !ok:
		v.Add("date", "range.bad_date")
	case day > today:
		v.Add("date", "attendance.future")
	case day < c.CreatedAt.In(a.Location).Format(time.DateOnly):
		v.Add("date", "attendance.before_class")
	case day != today:
		window, err := store.AttendanceWindow(ctx, a.db.R, c.SchoolID)
		if err != nil {
			return err
		}
		if !authz.CanCorrectAttendanceDay(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}, back, window) {
			if window == 0 {
				v.Add("date", "attendance.only_today")
			} else {
				v.Add("date", "attendance.outside_window", "days", window)
			}
		}
	}
	return nil
}

// AttendanceDay loads a class's attendance of one day for the person to
// correct it: the class's teachers within the school's window, its
// leaders for any day since the class began. A day outside that is a
// validation error at "date" saying why.
func (a *App) AttendanceDay(ctx context.Context, s *Session, classID int64, day string) (map[int64]store.AttendanceRecord, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanCorrectAttendance(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrForbidden
	}
	if c.ArchivedAt != nil {
		return nil, ErrArchived
	}
	v := &ValidationError{}
	if err := a.checkAttendanceDay(ctx, s, c, day, v); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return store.AttendanceOfClassDay(ctx, a.db.R, c.ID, day)
}
