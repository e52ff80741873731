package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
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
	if err := a.checkRestrictedRead(ctx, s, ref); err != nil {
		return nil, err
	}
	// Families see who else looked (audit.go).
	if err := a.AuditStudentRead(ctx, s, st, "report"); err != nil {
		return nil, err
	}
	hidden, family := false, authz.IsFamilyOf(s.Actor, studentID)
	if family {
		if hidden, err = a.pointsHiddenFromFamily(ctx, ref.Classes); err != nil {
			return nil, err
		}
	}
	r := &StudentReport{Student: *st, PointsHidden: hidden}
	if r.ReportRange, err = a.reportRange(ctx, st.SchoolID, from, to); err != nil {
		return nil, err
	}
	f, err := a.figures(ctx, store.PointScope{StudentID: st.ID, ForFamily: family}, r.ReportRange, !hidden)
	if err != nil {
		return nil, err
	}
	r.Points, r.Attendance, r.Trend = f.points, f.attendance, f.trend
	return r, nil
}

// ClassReport returns a class's report for [from, to): to the class's
// teachers and the school's leaders, ErrNotFound for anyone else (families
// never see a class's report, which names every child). Students whose
// processing is restricted are left out.
func (a *App) ClassReport(ctx context.Context, s *Session, classID int64, from, to time.Time) (*ClassReport, error) {
	if s == nil {
		return nil, ErrNotFound
	}
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	r := &ClassReport{Class: *c}
	if r.ReportRange, err = a.reportRange(ctx, c.SchoolID, from, to); err != nil {
		return nil, err
	}
	f, err := a.figures(ctx, store.PointScope{ClassID: c.ID, SkipRestricted: true}, r.ReportRange, true)
	if err != nil {
		return nil, err
	}
	r.Points, r.Attendance, r.Trend = f.points, f.attendance, f.trend
	points, err := store.PointTotalsByStudent(ctx, a.db.R, c.ID, from, to)
	if err != nil {
		return nil, err
	}
	att, err := store.AttendanceByStudent(ctx, a.db.R, c.ID, r.From, r.To)
	if err != nil {
		return nil, err
	}
	// Everyone who was ever on the roster, so a child who left keeps their
	// line for the period they were there; those with nothing in the range
	// and no longer in the class are left out.
	students, err := store.StudentsEverInClass(ctx, a.db.R, c.ID)
	if err != nil {
		return nil, err
	}
	current, err := store.StudentsOfClass(ctx, a.db.R, c.ID)
	if err != nil {
		return nil, err
	}
	onRoster := map[int64]bool{}
	for _, st := range current {
		onRoster[st.ID] = true
	}
	// Students whose processing is restricted have no line, and their
	// points and attendance are not in the totals (restriction.go).
	restricted, err := a.restrictedIn(ctx, c.SchoolID)
	if err != nil {
		return nil, err
	}
	for _, st := range students {
		if restricted[st.ID] {
			continue
		}
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
// line per class. It names no student and ranks nothing, and counts no
// student whose processing is restricted.
func (a *App) SchoolSummary(ctx context.Context, s *Session, schoolID int64, from, to time.Time) (*SchoolReport, error) {
	if s == nil || !s.Actor.LoggedIn() || !s.Actor.IsLeaderOf(schoolID) {
		return nil, ErrNotFound
	}
	school, err := store.SchoolByID(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	r := &SchoolReport{School: *school}
	r.ReportRange = a.rangeOf(school, from, to)
	f, err := a.figures(ctx, store.PointScope{SchoolID: school.ID, SkipRestricted: true}, r.ReportRange, true)
	if err != nil {
		return nil, err
	}
	r.Points, r.Attendance, r.Trend = f.points, f.attendance, f.trend
	classes, err := store.ClassesOfSchool(ctx, a.db.R, school.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range classes {
		p, hasP := f.classPoints[c.ID]
		at, hasA := f.classAttendance[c.ID]
		if c.ArchivedAt == nil || hasP || hasA {
			r.Classes = append(r.Classes, ClassRow{Class: c, Points: p, Attendance: at})
		}
	}
	return r, nil
}

// reportRange describes [from, to) in the school's calendar.
func (a *App) reportRange(ctx context.Context, schoolID int64, from, to time.Time) (ReportRange, error) {
	school, err := store.SchoolByID(ctx, a.db.R, schoolID)
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

func summarize(days []store.DayAttendance) AttendanceSummary {
	s := AttendanceSummary{Days: days}
	for _, d := range days {
		s.AttendanceCounts = s.AttendanceCounts.Plus(d.AttendanceCounts)
	}
	s.RatePct = Rate(s.AttendanceCounts)
	return s
}

// figures are a report's numbers for one scope: the summaries, the trend
// and per-class lines.
type figures struct {
	points          PointSummary
	attendance      AttendanceSummary
	trend           []Period
	classPoints     map[int64]store.Totals
	classAttendance map[int64]store.AttendanceCounts
}

// figures reads a scope's points (unless withPoints is false) and
// attendance over the range, one aggregate query each, and folds them
// into every part of a report.
func (a *App) figures(ctx context.Context, scope store.PointScope, r ReportRange, withPoints bool) (*figures, error) {
	f := &figures{trend: a.periods(r), classPoints: map[int64]store.Totals{}, classAttendance: map[int64]store.AttendanceCounts{}}
	if withPoints {
		bounds := make([]time.Time, 0, len(f.trend)+1)
		for _, p := range f.trend {
			start, _ := a.dayStart(p.From)
			bounds = append(bounds, start)
		}
		end, _ := a.dayStart(f.trend[len(f.trend)-1].To)
		bounds = append(bounds, end.In(a.Location).AddDate(0, 0, 1).UTC())
		cells, err := store.PointsBreakdown(ctx, a.db.R, scope, bounds)
		if err != nil {
			return nil, err
		}
		skills := map[string]int{}
		for _, c := range cells {
			f.points.Add(c.Totals)
			f.trend[c.Period].Points.Add(c.Totals)
			t := f.classPoints[c.ClassID]
			t.Add(c.Totals)
			f.classPoints[c.ClassID] = t
			i, ok := skills[c.Skill]
			if !ok {
				i = len(f.points.Skills)
				skills[c.Skill] = i
				f.points.Skills = append(f.points.Skills, store.SkillCount{Name: c.Skill})
			}
			f.points.Skills[i].Add(c.Totals)
		}
		slices.SortFunc(f.points.Skills, func(x, y store.SkillCount) int {
			return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Name, y.Name))
		})
		f.points.PositivePct, f.points.NeedsWorkPct = Split(f.points.Positive, f.points.NeedsWork)
	}
	cells, err := store.AttendanceBreakdown(ctx, a.db.R, scope, r.From, r.To)
	if err != nil {
		return nil, err
	}
	var days []store.DayAttendance
	for _, c := range cells {
		if len(days) == 0 || days[len(days)-1].Day != c.Day {
			days = append(days, store.DayAttendance{Day: c.Day})
		}
		d := &days[len(days)-1]
		d.AttendanceCounts = d.AttendanceCounts.Plus(c.AttendanceCounts)
		f.classAttendance[c.ClassID] = f.classAttendance[c.ClassID].Plus(c.AttendanceCounts)
	}
	f.attendance = summarize(days)
	i := 0
	for _, d := range days {
		for i < len(f.trend) && d.Day > f.trend[i].To {
			i++
		}
		if i < len(f.trend) && d.Day >= f.trend[i].From {
			f.trend[i].Attendance = f.trend[i].Attendance.Plus(d.AttendanceCounts)
		}
	}
	return f, nil
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
