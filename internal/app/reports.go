package app

import (
	"context"
	"math"
	"time"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// Report steps: how a report's trend groups its range.
const (
	StepDay   = "day"
	StepWeek  = "week"
	StepMonth = "month"
)

// Period is one bar of a report's trend: the points given and the
// attendance recorded from From to To (days, both inclusive).
type Period struct {
	From, To   string
	Points     store.Totals
	Attendance store.AttendanceCounts
}

// PointSummary is what a report says about feedback points.
type PointSummary struct {
	store.Totals
	// PositivePct and NeedsWorkPct split the points given (by weight)
	// between positive and needs-work feedback; they add up to 100, or are
	// both 0 when there was none.
	PositivePct, NeedsWorkPct int
	Skills                    []store.SkillCount
}

// AttendanceSummary is what a report says about attendance.
type AttendanceSummary struct {
	store.AttendanceCounts
	// RatePct is the share of records where the student came (present,
	// late or left early), to one decimal; 0 when nothing was recorded.
	RatePct float64
	Days    []store.DayAttendance
}

// ReportRange is the period a report covers and how its trend is grouped.
type ReportRange struct {
	From, To string // YYYY-MM-DD, both inclusive
	Step     string // StepDay, StepWeek or StepMonth
	// YearStart is the first day of the school's current year, for the
	// "this school year" shortcut.
	YearStart string
}

// StudentReport is one student's report: points (unless their classes
// hide points from this family) and attendance.
type StudentReport struct {
	ReportRange
	Student store.Student
	// PointsHidden is set for the student and their parents when every
	// class of the student hides points from families; Points is then empty.
	PointsHidden bool
	Points       PointSummary
	Attendance   AttendanceSummary
	Trend        []Period
}

// StudentRow is one student's line in a class report, in name order —
// never a ranking.
type StudentRow struct {
	Student    store.Student
	Points     store.Totals
	Attendance store.AttendanceCounts
}

// ClassReport is a class's report, for its teachers and the school's leaders.
type ClassReport struct {
	ReportRange
	Class      store.Class
	Points     PointSummary
	Attendance AttendanceSummary
	Trend      []Period
	Students   []StudentRow
}

// ClassRow is one class's line in a school summary, in name order.
type ClassRow struct {
	Class      store.Class
	Points     store.Totals
	Attendance store.AttendanceCounts
}

// SchoolReport is a school-wide summary for its leaders: per class totals
// and attendance, no individual students.
type SchoolReport struct {
	ReportRange
	School     store.School
	Points     PointSummary
	Attendance AttendanceSummary
	Trend      []Period
	Classes    []ClassRow
}

// StudentReport returns a student's report for [from, to) (instants from
// ParseRange), to exactly those PointsOf and AttendanceOf serve: the
// student's class teachers, verified staff and leaders of the school, the
// student and their parents. Anyone else gets ErrNotFound.
func (a *App) StudentReport(ctx context.Context, s *Session, studentID int64, from, to time.Time) (*StudentReport, error) {
	if s == nil {
		return nil, ErrNotFound
	}
	st, ref, err := a.studentRef(ctx, studentID)
	if err != nil {
		return nil, err
	}
	if !authz.CanViewStudentRecords(s.Actor, ref) {
		return nil, ErrNotFound
	}
	hidden := false
	if authz.IsFamilyOf(s.Actor, studentID) {
		if hidden, err = a.pointsHiddenFromFamily(ctx, ref.Classes); err != nil {
			return nil, err
		}
	}
	r := &StudentReport{Student: *st, PointsHidden: hidden}
	scope := store.PointScope{StudentID: st.ID}
	if r.ReportRange, err = a.reportRange(ctx, st.SchoolID, from, to); err != nil {
		return nil, err
	}
	if r.Attendance, err = a.attendanceSummary(ctx, scope, r.ReportRange); err != nil {
		return nil, err
	}
	if !hidden {
		if r.Points, err = a.pointSummary(ctx, scope, from, to); err != nil {
			return nil, err
		}
	}
	r.Trend, err = a.trend(ctx, scope, r.ReportRange, r.Attendance.Days, !hidden)
	return r, err
}

// ClassReport returns a class's report for [from, to): to the class's
// teachers and the school's leaders, ErrNotFound for anyone else (families
// never see a class's report, which names every child).
func (a *App) ClassReport(ctx context.Context, s *Session, classID int64, from, to time.Time) (*ClassReport, error) {
	if s == nil {
		return nil, ErrNotFound
	}
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	r := &ClassReport{Class: *c}
	scope := store.PointScope{ClassID: c.ID}
	if r.ReportRange, err = a.reportRange(ctx, c.SchoolID, from, to); err != nil {
		return nil, err
	}
	if r.Points, err = a.pointSummary(ctx, scope, from, to); err != nil {
		return nil, err
	}
	if r.Attendance, err = a.attendanceSummary(ctx, scope, r.ReportRange); err != nil {
		return nil, err
	}
	if r.Trend, err = a.trend(ctx, scope, r.ReportRange, r.Attendance.Days, true); err != nil {
		return nil, err
	}
	points, err := store.PointTotalsByStudent(ctx, a.DB.R, c.ID, from, to)
	if err != nil {
		return nil, err
	}
	att, err := store.AttendanceByStudent(ctx, a.DB.R, c.ID, r.From, r.To)
	if err != nil {
		return nil, err
	}
	// Everyone who was ever on the roster, so a child who left keeps their
	// line for the period they were there; those with nothing in the range
	// and no longer in the class are left out.
	students, err := store.StudentsEverInClass(ctx, a.DB.R, c.ID)
	if err != nil {
		return nil, err
	}
	current, err := store.StudentsOfClass(ctx, a.DB.R, c.ID)
	if err != nil {
		return nil, err
	}
	onRoster := map[int64]bool{}
	for _, st := range current {
		onRoster[st.ID] = true
	}
	for _, st := range students {
		p, hasP := points[st.ID]
		at, hasA := att[st.ID]
		if onRoster[st.ID] || hasP || hasA {
			r.Students = append(r.Students, StudentRow{Student: st, Points: p, Attendance: at})
		}
	}
	return r, nil
}

// SchoolSummary returns a school-wide report for [from, to) to the
// school's leaders (ErrNotFound for anyone else): totals, the trend, and a
// line per class. It names no student and ranks nothing.
func (a *App) SchoolSummary(ctx context.Context, s *Session, schoolID int64, from, to time.Time) (*SchoolReport, error) {
	if s == nil || !s.Actor.LoggedIn() || !s.Actor.IsLeaderOf(schoolID) {
		return nil, ErrNotFound
	}
	school, err := store.SchoolByID(ctx, a.DB.R, schoolID)
	if err != nil {
		return nil, err
	}
	r := &SchoolReport{School: *school}
	scope := store.PointScope{SchoolID: school.ID}
	r.ReportRange = a.rangeOf(school, from, to)
	if r.Points, err = a.pointSummary(ctx, scope, from, to); err != nil {
		return nil, err
	}
	if r.Attendance, err = a.attendanceSummary(ctx, scope, r.ReportRange); err != nil {
		return nil, err
	}
	if r.Trend, err = a.trend(ctx, scope, r.ReportRange, r.Attendance.Days, true); err != nil {
		return nil, err
	}
	classes, err := store.ClassesOfSchool(ctx, a.DB.R, school.ID)
	if err != nil {
		return nil, err
	}
	points, err := store.PointTotalsByClass(ctx, a.DB.R, school.ID, from, to)
	if err != nil {
		return nil, err
	}
	att, err := store.AttendanceByClass(ctx, a.DB.R, school.ID, r.From, r.To)
	if err != nil {
		return nil, err
	}
	for _, c := range classes {
		p, hasP := points[c.ID]
		at, hasA := att[c.ID]
		if c.ArchivedAt == nil || hasP || hasA {
			r.Classes = append(r.Classes, ClassRow{Class: c, Points: p, Attendance: at})
		}
	}
	return r, nil
}

// reportRange describes [from, to) in the school's calendar.
func (a *App) reportRange(ctx context.Context, schoolID int64, from, to time.Time) (ReportRange, error) {
	school, err := store.SchoolByID(ctx, a.DB.R, schoolID)
	if err != nil {
		return ReportRange{}, err
	}
	return a.rangeOf(school, from, to), nil
}

func (a *App) rangeOf(school *store.School, from, to time.Time) ReportRange {
	r := ReportRange{
		From:      from.In(a.Location).Format(time.DateOnly),
		To:        to.Add(-time.Nanosecond).In(a.Location).Format(time.DateOnly),
		YearStart: a.yearStart(school),
	}
	days := int(math.Round(to.Sub(from).Hours() / 24))
	switch {
	case days <= 31:
		r.Step = StepDay
	case days <= 183:
		r.Step = StepWeek
	default:
		r.Step = StepMonth
	}
	return r
}

// yearStart is the first day of the school's current year: its own
// year_start when that has begun, else August 1st of the year in course.
func (a *App) yearStart(school *store.School) string {
	today := a.Today()
	if school.YearStart != "" && school.YearStart <= today {
		return school.YearStart
	}
	now := a.clock().In(a.Location)
	y := now.Year()
	if now.Month() < time.August {
		y--
	}
	return time.Date(y, time.August, 1, 0, 0, 0, 0, a.Location).Format(time.DateOnly)
}

func (a *App) pointSummary(ctx context.Context, scope store.PointScope, from, to time.Time) (PointSummary, error) {
	var p PointSummary
	skills, err := store.PointsBySkill(ctx, a.DB.R, scope, from, to)
	if err != nil {
		return p, err
	}
	p.Skills = skills
	for _, s := range skills {
		p.Total += s.Total
		p.Positive += s.Positive
		p.NeedsWork += s.NeedsWork
		p.Count += s.Count
	}
	p.PositivePct, p.NeedsWorkPct = Split(p.Positive, p.NeedsWork)
	return p, nil
}

// Split turns positive and needs-work points into whole percentages that
// add up to 100 (both 0 when there are none).
func Split(positive, needsWork int) (int, int) {
	sum := positive + needsWork
	if sum <= 0 {
		return 0, 0
	}
	pos := int(math.Round(100 * float64(positive) / float64(sum)))
	return pos, 100 - pos
}

// Rate is the attendance rate of counts in percent, to one decimal.
func Rate(c store.AttendanceCounts) float64 {
	if c.Total() == 0 {
		return 0
	}
	return math.Round(1000*float64(c.Attended())/float64(c.Total())) / 10
}

func (a *App) attendanceSummary(ctx context.Context, scope store.PointScope, r ReportRange) (AttendanceSummary, error) {
	days, err := store.AttendanceByDay(ctx, a.DB.R, scope, r.From, r.To)
	if err != nil {
		return AttendanceSummary{}, err
	}
	return summarize(days), nil
}

func summarize(days []store.DayAttendance) AttendanceSummary {
	s := AttendanceSummary{Days: days}
	for _, d := range days {
		s.AttendanceCounts = s.AttendanceCounts.Plus(d.AttendanceCounts)
	}
	s.RatePct = Rate(s.AttendanceCounts)
	return s
}

// trend splits the range into periods of its step and fills in each one's
// points (one aggregate query) and attendance (from the days already read).
func (a *App) trend(ctx context.Context, scope store.PointScope, r ReportRange, days []store.DayAttendance, withPoints bool) ([]Period, error) {
	periods := a.periods(r)
	if withPoints {
		bounds := make([]time.Time, 0, len(periods)+1)
		for _, p := range periods {
			start, _ := a.dayStart(p.From)
			bounds = append(bounds, start)
		}
		end, _ := a.dayStart(periods[len(periods)-1].To)
		bounds = append(bounds, end.In(a.Location).AddDate(0, 0, 1).UTC())
		totals, err := store.PointsByPeriod(ctx, a.DB.R, scope, bounds)
		if err != nil {
			return nil, err
		}
		for i := range periods {
			periods[i].Points = totals[i]
		}
	}
	i := 0
	for _, d := range days {
		for i < len(periods) && d.Day > periods[i].To {
			i++
		}
		if i < len(periods) && d.Day >= periods[i].From {
			periods[i].Attendance = periods[i].Attendance.Plus(d.AttendanceCounts)
		}
	}
	return periods, nil
}

// periods cuts [From, To] into days, weeks (Monday to Sunday) or calendar
// months; the first and last may be partial.
func (a *App) periods(r ReportRange) []Period {
	start, _ := time.ParseInLocation(time.DateOnly, r.From, time.UTC)
	end, _ := time.ParseInLocation(time.DateOnly, r.To, time.UTC)
	var out []Period
	for d := start; !d.After(end); {
		var next time.Time
		switch r.Step {
		case StepDay:
			next = d.AddDate(0, 0, 1)
		case StepWeek:
			next = d.AddDate(0, 0, 7-(int(d.Weekday())+6)%7) // the next Monday
		default:
			next = time.Date(d.Year(), d.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
		last := next.AddDate(0, 0, -1)
		if last.After(end) {
			last = end
		}
		out = append(out, Period{From: d.Format(time.DateOnly), To: last.Format(time.DateOnly)})
		d = next
	}
	return out
}
