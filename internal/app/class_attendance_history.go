package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"cubby/internal/store"
)

// StudentAttendanceHistory is every attendance record of a student over a
// range, with the summary the report shows.
type StudentAttendanceHistory struct {
	ReportRange
	Student store.Student
	Summary AttendanceSummary
	Records []store.AttendanceRecord // newest first
	// ClassNames names the classes the records were taken in.
	ClassNames map[int64]string
}

// StudentAttendance returns a student's attendance history to exactly those
// AttendanceOf serves (it asks AttendanceOf), ErrNotFound to anyone else.
func (a *App) StudentAttendance(ctx context.Context, s *Session, studentID int64, from, to time.Time) (*StudentAttendanceHistory, error) {
	if s == nil {
		return nil, ErrNotFound
	}
	records, err := a.AttendanceOf(ctx, s, studentID, from, to)
	if err != nil {
		return nil, err
	}
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return nil, err
	}
	h := &StudentAttendanceHistory{Student: *st, Records: records, ClassNames: map[int64]string{}}
	if h.ReportRange, err = a.reportRange(ctx, st.SchoolID, from, to); err != nil {
		return nil, err
	}
	for _, r := range records {
		if _, ok := h.ClassNames[r.ClassID]; ok {
			continue
		}
		c, err := store.ClassByID(ctx, a.db.R, r.ClassID)
		if err != nil {
			return nil, err
		}
		h.ClassNames[c.ID] = c.Name
	}
	h.Summary = summarize(byDay(records))
	return h, nil
}

// ClassAttendanceHistory is a class's attendance over a range: per day,
// per student, and every record.
type ClassAttendanceHistory struct {
	ReportRange
	Class    store.Class
	Summary  AttendanceSummary
	Students []StudentRow // Points left empty
	Records  []store.AttendanceRecord
	// Names names every student who appears in Records.
	Names map[int64]store.Student
}

// ClassAttendanceHistory returns a class's attendance history to the
// class's teachers and the school's leaders (it asks ClassAttendance).
func (a *App) ClassAttendanceHistory(ctx context.Context, s *Session, classID int64, from, to time.Time) (*ClassAttendanceHistory, error) {
	if s == nil {
		return nil, ErrNotFound
	}
	records, err := a.ClassAttendance(ctx, s, classID, from, to)
	if err != nil {
		return nil, err
	}
	c, err := store.ClassByID(ctx, a.db.R, classID)
	if err != nil {
		return nil, err
	}
	h := &ClassAttendanceHistory{Class: *c, Records: records, Names: map[int64]store.Student{}}
	if h.ReportRange, err = a.reportRange(ctx, c.SchoolID, from, to); err != nil {
		return nil, err
	}
	h.Summary = summarize(byDay(records))
	students, err := store.StudentsEverInClass(ctx, a.db.R, c.ID)
	if err != nil {
		return nil, err
	}
	current, err := store.StudentsOfClass(ctx, a.db.R, c.ID)
	if err != nil {
		return nil, err
	}
	counts := map[int64]store.AttendanceCounts{}
	for _, r := range records {
		n := counts[r.StudentID]
		n.Add(r.Status, 1)
		counts[r.StudentID] = n
	}
	onRoster := map[int64]bool{}
	for _, st := range current {
		onRoster[st.ID] = true
	}
	for _, st := range students {
		h.Names[st.ID] = st
		if n, ok := counts[st.ID]; ok || onRoster[st.ID] {
			h.Students = append(h.Students, StudentRow{Student: st, Attendance: n})
		}
	}
	return h, nil
}

// byDay counts records per day, in day order.
func byDay(records []store.AttendanceRecord) []store.DayAttendance {
	idx := map[string]int{}
	var days []store.DayAttendance
	for _, r := range records {
		i, ok := idx[r.Day]
		if !ok {
			i = len(days)
			idx[r.Day] = i
			days = append(days, store.DayAttendance{Day: r.Day})
		}
		days[i].Add(r.Status, 1)
	}
	slices.SortFunc(days, func(x, y store.DayAttendance) int { return strings.Compare(x.Day, y.Day) })
	return days
}
