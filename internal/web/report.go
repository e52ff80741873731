package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// pointsView is the points part of a report page: numbers, charts, tables.
type pointsView struct {
	app.PointSummary
	TrendSVG   template.HTML
	SkillSVG   template.HTML
	SkillKinds map[string]string
	Periods    []periodRow
	StepLabel  string
}

type periodRow struct {
	Label string
	app.Period
}

// attendanceView is the attendance part of a report page.
type attendanceView struct {
	app.AttendanceSummary
	Calendar template.HTML
	Rate     string
	// Periods are the trend's periods (for a report) or the days (for a
	// class's history) with their counts, for the table beside the calendar.
	Periods []attendanceRow
	// Missed are a student's days not fully present, newest first.
	Missed []store.DayAttendance
}

// attendanceRow is one line of an attendance table.
type attendanceRow struct {
	ID    int64
	Label string
	store.AttendanceCounts
	Rate string
}

func attendanceLine(l *i18n.Localizer, id int64, label string, c store.AttendanceCounts) attendanceRow {
	rate := ""
	if c.Total() > 0 {
		rate = pct(l, app.Rate(c))
	}
	return attendanceRow{ID: id, Label: label, AttendanceCounts: c, Rate: rate}
}

// memberRow is a class report's line per student, or a school report's
// line per class, in name order.
type memberRow struct {
	ID     int64
	Name   string
	Count  int // a class's students
	Points store.Totals
	attendanceRow
}

// reportView is a report page's data.
type reportView struct {
	Heading    string
	Range      rangeView
	Points     *pointsView // nil when hidden from this family
	Attendance attendanceView
	Links      []quickLink
	Members    []memberRow
	Student    *app.StudentReport
	Class      *app.ClassReport
	School     *app.SchoolReport
}

func (s *Server) studentReport(w http.ResponseWriter, r *http.Request) error {
	req, err := s.readReportRequest(r)
	if err != nil {
		return s.badRange(w, r, err)
	}
	rep, err := s.app.StudentReport(r.Context(), req.sess, req.id, req.from, req.to)
	if err != nil {
		return err
	}
	l := i18n.FromContext(r.Context())
	name := rep.Student.FirstName + " " + rep.Student.LastName
	if req.csv {
		return reportCSV(rep.ReportRange, pointsOrNil(rep), rep.Attendance, rep.Trend, nil).send(w, "report "+name+" "+rep.From+" "+rep.To)
	}
	p := s.page(w, r, "report.title")
	p.Title = l.T("report.student_title", "name", name)
	v := &reportView{Heading: p.Title, Student: rep, Range: s.rangeOf(l, r.URL.Path, rep.ReportRange)}
	if !rep.PointsHidden {
		v.Points = s.pointsOf(l, rep.ReportRange, rep.Points, rep.Trend)
	}
	v.Attendance = s.attendanceOf(l, rep.ReportRange, rep.Attendance, true)
	for i := len(rep.Attendance.Days) - 1; i >= 0; i-- {
		if d := rep.Attendance.Days[i]; d.Worst() != store.Present {
			v.Attendance.Missed = append(v.Attendance.Missed, d)
		}
	}
	v.Attendance.Periods = periodRows(l, rep.ReportRange, rep.Trend)
	v.Links = []quickLink{{Label: l.T("report.attendance_link"), URL: withRange(fmt.Sprintf("/students/%d/attendance", rep.Student.ID), rep.ReportRange)}}
	p.Data = v
	s.render(w, r, s.rangeError(p, req, r), "report_student", p)
	return nil
}

func (s *Server) classReport(w http.ResponseWriter, r *http.Request) error {
	req, err := s.readReportRequest(r)
	if err != nil {
		return s.badRange(w, r, err)
	}
	rep, err := s.app.ClassReport(r.Context(), req.sess, req.id, req.from, req.to)
	if err != nil {
		return err
	}
	if err := s.auditClass(r, req, &rep.Class, app.ViewClassReport); err != nil {
		return err
	}
	l := i18n.FromContext(r.Context())
	if req.csv {
		var rows []csvLine
		for _, st := range rep.Students {
			rows = append(rows, csvLine{"student", st.Student.FirstName + " " + st.Student.LastName, st.Points, st.Attendance})
		}
		return reportCSV(rep.ReportRange, &rep.Points, rep.Attendance, rep.Trend, rows).send(w, "report "+rep.Class.Name+" "+rep.From+" "+rep.To)
	}
	p := s.page(w, r, "report.title")
	p.Title = l.T("report.class_title", "class", rep.Class.Name)
	v := &reportView{Heading: p.Title, Class: rep, Range: s.rangeOf(l, r.URL.Path, rep.ReportRange),
		Points: s.pointsOf(l, rep.ReportRange, rep.Points, rep.Trend), Attendance: s.attendanceOf(l, rep.ReportRange, rep.Attendance, false)}
	v.Attendance.Periods = periodRows(l, rep.ReportRange, rep.Trend)
	for _, st := range rep.Students {
		v.Members = append(v.Members, memberRow{ID: st.Student.ID, Name: st.Student.FirstName + " " + st.Student.LastName,
			Points: st.Points, attendanceRow: attendanceLine(l, st.Student.ID, "", st.Attendance)})
	}
	v.Links = []quickLink{
		{Label: rep.Class.Name, URL: fmt.Sprintf("/classes/%d", rep.Class.ID)},
		{Label: l.T("report.attendance_link"), URL: withRange(fmt.Sprintf("/classes/%d/attendance/history", rep.Class.ID), rep.ReportRange)},
	}
	p.Data = v
	s.render(w, r, s.rangeError(p, req, r), "report_class", p)
	return nil
}

func (s *Server) schoolReport(w http.ResponseWriter, r *http.Request) error {
	req, err := s.readReportRequest(r)
	if err != nil {
		return s.badRange(w, r, err)
	}
	rep, err := s.app.SchoolSummary(r.Context(), req.sess, req.id, req.from, req.to)
	if err != nil {
		return err
	}
	audit := s.app.AuditSchoolRead
	if req.csv {
		audit = s.app.AuditSchoolExport
	}
	if err := audit(r.Context(), req.sess, rep.School.ID, app.ViewSchoolReport); err != nil {
		return err
	}
	l := i18n.FromContext(r.Context())
	if req.csv {
		var rows []csvLine
		for _, c := range rep.Classes {
			rows = append(rows, csvLine{"class", c.Class.Name, c.Points, c.Attendance})
		}
		return reportCSV(rep.ReportRange, &rep.Points, rep.Attendance, rep.Trend, rows).send(w, "report "+rep.School.Name+" "+rep.From+" "+rep.To)
	}
	p := s.page(w, r, "report.title")
	p.Title = l.T("report.school_title", "school", rep.School.Name)
	v := &reportView{Heading: p.Title, School: rep, Range: s.rangeOf(l, r.URL.Path, rep.ReportRange),
		Points: s.pointsOf(l, rep.ReportRange, rep.Points, rep.Trend), Attendance: s.attendanceOf(l, rep.ReportRange, rep.Attendance, false)}
	v.Attendance.Periods = periodRows(l, rep.ReportRange, rep.Trend)
	for _, c := range rep.Classes {
		v.Members = append(v.Members, memberRow{ID: c.Class.ID, Name: c.Class.Name, Count: c.Class.StudentCount,
			Points: c.Points, attendanceRow: attendanceLine(l, c.Class.ID, "", c.Attendance)})
	}
	p.Data = v
	s.render(w, r, s.rangeError(p, req, r), "report_school", p)
	return nil
}

// auditClass logs a view of a whole class, or its download as CSV.
func (s *Server) auditClass(r *http.Request, req *reportRequest, c *store.Class, v app.BulkView) error {
	if req.csv {
		return s.app.AuditClassExport(r.Context(), req.sess, c, v)
	}
	return s.app.AuditClassRead(r.Context(), req.sess, c, v)
}

func pointsOrNil(rep *app.StudentReport) *app.PointSummary {
	if rep.PointsHidden {
		return nil
	}
	return &rep.Points
}

// pointsOf draws a report's points: the trend and the skills, each with
// its table.
func (s *Server) pointsOf(l *i18n.Localizer, rr app.ReportRange, ps app.PointSummary, trend []app.Period) *pointsView {
	v := &pointsView{PointSummary: ps, SkillKinds: map[string]string{}, StepLabel: l.T("report.step." + rr.Step)}
	bars := make([]TrendBar, 0, len(trend))
	for _, t := range trend {
		label := periodLabel(l, rr.Step, t)
		if t.Points.Count > 0 {
			v.Periods = append(v.Periods, periodRow{Label: label, Period: t})
		}
		bars = append(bars, TrendBar{Label: tickLabel(l, rr.Step, t.From), Positive: t.Points.Positive, NeedsWork: t.Points.NeedsWork,
			Title: l.T("report.bar_title", "period", label, "positive", t.Points.Positive, "needs_work", t.Points.NeedsWork)})
	}
	v.TrendSVG = TrendChart("trend", bars, TrendLabels{
		Summary: l.T("report.trend_summary", "from", rr.From, "to", rr.To, "positive", ps.Positive, "needs_work", ps.NeedsWork,
			"total", ps.Total, "step", v.StepLabel),
		Positive: l.T("report.positive"), NeedsWork: l.T("report.needs_work"), Empty: l.T("report.no_points"),
	})
	var skills []SkillBar
	for _, sk := range ps.Skills {
		kind := KindZero
		switch {
		case sk.Positive > sk.NeedsWork:
			kind = KindPositive
		case sk.NeedsWork > 0:
			kind = KindNeedsWork
		}
		v.SkillKinds[sk.Name] = kind
		skills = append(skills, SkillBar{Name: sk.Name, Count: sk.Count, Kind: kind})
	}
	summary := l.T("report.no_points")
	if len(ps.Skills) > 0 {
		summary = l.T("report.skills_summary", "from", rr.From, "to", rr.To, "skill", ps.Skills[0].Name, "count", ps.Skills[0].Count, "skills", len(ps.Skills))
	}
	v.SkillSVG = SkillChart("skills", skills, SkillLabels{Summary: summary,
		Positive: l.T("report.positive"), NeedsWork: l.T("report.needs_work"), Zero: l.T("report.zero"), Empty: l.T("report.no_points")})
	return v
}

// periodRows are the attendance lines of a report's trend periods in
// which attendance was taken.
func periodRows(l *i18n.Localizer, rr app.ReportRange, trend []app.Period) []attendanceRow {
	out := make([]attendanceRow, 0, len(trend))
	for _, t := range trend {
		if t.Attendance.Total() > 0 {
			out = append(out, attendanceLine(l, 0, periodLabel(l, rr.Step, t), t.Attendance))
		}
	}
	return out
}

// periodLabel names a period in tables: its day, or its first and last day.
func periodLabel(l *i18n.Localizer, step string, p app.Period) string {
	if step == app.StepDay || p.From == p.To {
		return p.From
	}
	return l.T("report.span", "from", p.From, "to", p.To)
}

// tickLabel is the short label under a trend bar: "Mar 4" or "Sep".
func tickLabel(l *i18n.Localizer, step, day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	month := l.T("report.month." + strconv.Itoa(int(t.Month())))
	if step == app.StepMonth {
		return month
	}
	return l.T("report.day_month", "day", t.Day(), "month", month)
}

// attendanceOf draws a report's attendance calendar: a student's days by
// status, or a class's or school's days by attendance rate.
func (s *Server) attendanceOf(l *i18n.Localizer, rr app.ReportRange, as app.AttendanceSummary, oneStudent bool) attendanceView {
	labels := CalendarLabels{
		Summary: l.T("report.calendar_summary", "from", rr.From, "to", rr.To, "present", as.Present, "absent", as.Absent,
			"late", as.Late, "left_early", as.LeftEarly),
		Empty: l.T("report.no_attendance"),
	}
	for i := range labels.Weekdays {
		labels.Weekdays[i] = l.T("report.weekday." + strconv.Itoa(i+1))
	}
	for i := range labels.Months {
		labels.Months[i] = l.T("report.month." + strconv.Itoa(i+1))
	}
	cells := map[string]CalendarCell{}
	if oneStudent {
		kinds := map[string]string{store.Present: CellSolid, store.Late: CellHatch, store.LeftEarly: CellDots, store.Absent: CellCross}
		for _, d := range as.Days {
			st := d.Worst()
			cells[d.Day] = CalendarCell{Kind: kinds[st], Title: l.T("report.cell", "date", d.Day, "status", l.T("report.status."+st))}
		}
		for _, st := range []string{store.Present, store.Late, store.LeftEarly, store.Absent} {
			labels.Legend = append(labels.Legend, LegendEntry{Kind: kinds[st], Label: l.T("report.status." + st)})
		}
	} else {
		for _, d := range as.Days {
			rate := app.Rate(d.AttendanceCounts)
			cells[d.Day] = CalendarCell{Kind: rateKind(rate), Title: l.T("report.cell_rate", "date", d.Day,
				"rate", pct(l, rate), "absent", d.Absent)}
		}
		labels.Legend = []LegendEntry{
			{CellSolid, l.T("report.band_high")}, {CellLight, l.T("report.band_mid")},
			{CellHatch, l.T("report.band_low")}, {CellCross, l.T("report.band_poor")},
		}
	}
	v := attendanceView{AttendanceSummary: as, Calendar: CalendarHeatmap("cal", rr.From, rr.To, cells, labels)}
	if as.Total() > 0 {
		v.Rate = pct(l, as.RatePct)
	}
	return v
}

// rateKind bands a day's attendance rate for the calendar.
func rateKind(rate float64) string {
	switch {
	case rate >= 98:
		return CellSolid
	case rate >= 95:
		return CellLight
	case rate >= 90:
		return CellHatch
	}
	return CellCross
}

// pct formats a percentage with one decimal in the reader's language.
func pct(l *i18n.Localizer, v float64) string {
	n := strconv.FormatFloat(v, 'f', 1, 64)
	if l.Lang() == "fr" || l.Lang() == "es" {
		n = strconvComma(n)
	}
	return l.T("report.pct", "value", n)
}

func strconvComma(n string) string {
	b := []byte(n)
	for i, c := range b {
		if c == '.' {
			b[i] = ','
		}
	}
	return string(b)
}
