package api

import (
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// Reports in JSON: the same use cases and structs as the report pages,
// with ids as strings and snake_case names.

// TotalsJSON is a sum of points.
type TotalsJSON struct {
	Total     int `json:"total"`
	Positive  int `json:"positive"`
	NeedsWork int `json:"needs_work"`
	Count     int `json:"count"`
}

func totalsJSON(t store.Totals) TotalsJSON {
	return TotalsJSON{Total: t.Total, Positive: t.Positive, NeedsWork: t.NeedsWork, Count: t.Count}
}

// SkillJSON is one skill's line of a report.
type SkillJSON struct {
	Name string `json:"name"`
	TotalsJSON
}

// PointsJSON is a report's points.
type PointsJSON struct {
	TotalsJSON
	PositivePct  int         `json:"positive_pct"`
	NeedsWorkPct int         `json:"needs_work_pct"`
	Skills       []SkillJSON `json:"skills"`
}

func pointsJSON(p app.PointSummary) *PointsJSON {
	out := &PointsJSON{TotalsJSON: totalsJSON(p.Totals), PositivePct: p.PositivePct, NeedsWorkPct: p.NeedsWorkPct, Skills: []SkillJSON{}}
	for _, s := range p.Skills {
		out.Skills = append(out.Skills, SkillJSON{Name: s.Name, TotalsJSON: totalsJSON(s.Totals)})
	}
	return out
}

// CountsJSON counts attendance records by status.
type CountsJSON struct {
	Present   int `json:"present"`
	Absent    int `json:"absent"`
	Late      int `json:"late"`
	LeftEarly int `json:"left_early"`
}

func countsJSON(c store.AttendanceCounts) CountsJSON {
	return CountsJSON{Present: c.Present, Absent: c.Absent, Late: c.Late, LeftEarly: c.LeftEarly}
}

// AttendanceDayJSON is one day: its most serious status, and the counts
// (one record per class for a student; the class's roster for a class).
type AttendanceDayJSON struct {
	Date   string `json:"date"`
	Status string `json:"status"`
	CountsJSON
}

// AttendanceJSON is a report's attendance.
type AttendanceJSON struct {
	CountsJSON
	Total   int                 `json:"total"`
	RatePct float64             `json:"rate_pct"`
	Days    []AttendanceDayJSON `json:"days"`
}

func attendanceJSON(a app.AttendanceSummary) AttendanceJSON {
	out := AttendanceJSON{CountsJSON: countsJSON(a.AttendanceCounts), Total: a.Total(), RatePct: a.RatePct, Days: []AttendanceDayJSON{}}
	for _, d := range a.Days {
		out.Days = append(out.Days, AttendanceDayJSON{Date: d.Day, Status: d.Worst(), CountsJSON: countsJSON(d.AttendanceCounts)})
	}
	return out
}

// PeriodJSON is one period of a report's trend.
type PeriodJSON struct {
	From       string      `json:"from"`
	To         string      `json:"to"`
	Points     *TotalsJSON `json:"points,omitempty"`
	Attendance CountsJSON  `json:"attendance"`
}

func trendJSON(trend []app.Period, withPoints bool) []PeriodJSON {
	out := []PeriodJSON{}
	for _, p := range trend {
		j := PeriodJSON{From: p.From, To: p.To, Attendance: countsJSON(p.Attendance)}
		if withPoints {
			t := totalsJSON(p.Points)
			j.Points = &t
		}
		out = append(out, j)
	}
	return out
}

// StudentReportJSON is GET /students/{id}/report.
type StudentReportJSON struct {
	Student      Student        `json:"student"`
	From         string         `json:"from"`
	To           string         `json:"to"`
	Step         string         `json:"step"`
	PointsHidden bool           `json:"points_hidden"`
	Points       *PointsJSON    `json:"points"`
	Attendance   AttendanceJSON `json:"attendance"`
	Trend        []PeriodJSON   `json:"trend"`
}

// StudentLineJSON is one student's line of a class report.
type StudentLineJSON struct {
	Student
	Points     TotalsJSON `json:"points"`
	Attendance CountsJSON `json:"attendance"`
}

// ClassReportJSON is GET /classes/{id}/report.
type ClassReportJSON struct {
	Class      Class             `json:"class"`
	From       string            `json:"from"`
	To         string            `json:"to"`
	Step       string            `json:"step"`
	Points     *PointsJSON       `json:"points"`
	Attendance AttendanceJSON    `json:"attendance"`
	Trend      []PeriodJSON      `json:"trend"`
	Students   []StudentLineJSON `json:"students"`
}

func (x *API) studentReport(w http.ResponseWriter, r *http.Request) error {
	studentID, from, to, err := x.idAndRange(r)
	if err != nil {
		return err
	}
	rep, err := x.app.StudentReport(r.Context(), app.SessionFrom(r.Context()), studentID, from, to)
	if err != nil {
		return err
	}
	out := StudentReportJSON{
		Student: Student{ID: id(rep.Student.ID), FirstName: rep.Student.FirstName, LastName: rep.Student.LastName},
		From:    rep.From, To: rep.To, Step: rep.Step, PointsHidden: rep.PointsHidden,
		Attendance: attendanceJSON(rep.Attendance), Trend: trendJSON(rep.Trend, !rep.PointsHidden),
	}
	if !rep.PointsHidden {
		out.Points = pointsJSON(rep.Points)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) classReport(w http.ResponseWriter, r *http.Request) error {
	classID, from, to, err := x.idAndRange(r)
	if err != nil {
		return err
	}
	rep, err := x.app.ClassReport(r.Context(), app.SessionFrom(r.Context()), classID, from, to)
	if err != nil {
		return err
	}
	if err := x.app.AuditClassRead(r.Context(), app.SessionFrom(r.Context()), &rep.Class, app.ViewClassReport); err != nil {
		return err
	}
	out := ClassReportJSON{
		Class: classJSON(&rep.Class), From: rep.From, To: rep.To, Step: rep.Step,
		Points: pointsJSON(rep.Points), Attendance: attendanceJSON(rep.Attendance), Trend: trendJSON(rep.Trend, true),
		Students: []StudentLineJSON{},
	}
	for _, s := range rep.Students {
		out.Students = append(out.Students, StudentLineJSON{
			Student: Student{ID: id(s.Student.ID), FirstName: s.Student.FirstName, LastName: s.Student.LastName},
			Points:  totalsJSON(s.Points), Attendance: countsJSON(s.Attendance)})
	}
	return writeJSON(w, http.StatusOK, out)
}

// The reports' schemas join the document's here, beside the types they
// describe, rather than in openapi.go's shared table.
func init() {
	num := map[string]any{"type": "number"}
	boolean := map[string]any{"type": "boolean"}
	date := map[string]any{"type": "string", "format": "date"}
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	totals := map[string]any{"total": integer(), "positive": integer(), "needs_work": integer(), "count": integer()}
	counts := map[string]any{"present": integer(), "absent": integer(), "late": integer(), "left_early": integer()}
	with := func(base map[string]any, more map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	schemas["ReportTotals"] = obj(totals, "total", "positive", "needs_work", "count")
	schemas["AttendanceCounts"] = obj(counts, "present", "absent", "late", "left_early")
	schemas["ReportPoints"] = obj(with(totals, map[string]any{
		"positive_pct": integer(), "needs_work_pct": integer(),
		"skills": arr(obj(with(totals, map[string]any{"name": str()}), "name", "total", "positive", "needs_work", "count")),
	}), "total", "positive", "needs_work", "count", "positive_pct", "needs_work_pct", "skills")
	schemas["ReportAttendance"] = obj(with(counts, map[string]any{
		"total": integer(), "rate_pct": num,
		"days": arr(obj(with(counts, map[string]any{"date": date, "status": enum("present", "absent", "late", "left_early")}),
			"date", "status", "present", "absent", "late", "left_early")),
	}), "present", "absent", "late", "left_early", "total", "rate_pct", "days")
	schemas["ReportPeriod"] = obj(map[string]any{"from": date, "to": date, "points": ref("ReportTotals"), "attendance": ref("AttendanceCounts")},
		"from", "to", "attendance")
	common := map[string]any{
		"from": date, "to": date, "step": enum(app.StepDay, app.StepWeek, app.StepMonth),
		"attendance": ref("ReportAttendance"), "trend": arr(ref("ReportPeriod")),
	}
	schemas["StudentReport"] = obj(with(common, map[string]any{
		"student":       obj(map[string]any{"id": str(), "first_name": str(), "last_name": str()}, "id", "first_name"),
		"points_hidden": boolean,
		"points":        map[string]any{"oneOf": []any{ref("ReportPoints"), map[string]any{"type": "null"}}, "description": "null when points_hidden"},
	}), "student", "from", "to", "step", "points_hidden", "points", "attendance", "trend")
	schemas["ClassReport"] = obj(with(common, map[string]any{
		"class":  ref("Class"),
		"points": ref("ReportPoints"),
		"students": arr(obj(map[string]any{"id": str(), "first_name": str(), "last_name": str(),
			"points": ref("ReportTotals"), "attendance": ref("AttendanceCounts")}, "id", "first_name", "points", "attendance")),
	}), "class", "from", "to", "step", "points", "attendance", "trend", "students")
}
