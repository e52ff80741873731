package web

import (
	"fmt"
	"net/http"

	"cubby/internal/app"
	"cubby/internal/i18n"
)

// attendanceHistoryView is the data of a student's or a class's attendance
// history page.
type attendanceHistoryView struct {
	Heading    string
	Range      rangeView
	Attendance attendanceView
	Links      []quickLink
	Members    []memberRow
	Student    *app.StudentAttendanceHistory
	Class      *app.ClassAttendanceHistory
	// Correct is which days the person may open to correct (a class's
	// page), and CorrectDays the recorded days among them, newest first.
	Correct     *app.AttendanceCorrection
	CorrectDays []string
}

func (s *Server) studentAttendance(w http.ResponseWriter, r *http.Request) error {
	req, err := s.readReportRequest(r)
	if err != nil {
		return s.badRange(w, r, err)
	}
	h, err := s.app.StudentAttendance(r.Context(), req.sess, req.id, req.from, req.to)
	if err != nil {
		return err
	}
	name := h.Student.FirstName + " " + h.Student.LastName
	if req.csv {
		f := newCSV("date", "class", "status")
		for _, rec := range h.Records {
			f.row(rec.Day, h.ClassNames[rec.ClassID], rec.Status)
		}
		return f.send(w, "attendance "+name+" "+h.From+" "+h.To)
	}
	l := i18n.FromContext(r.Context())
	p := s.page(w, r, "report.title")
	p.Title = l.T("report.student_attendance_title", "name", name)
	p.Data = &attendanceHistoryView{Heading: p.Title, Student: h, Range: s.rangeOf(l, r.URL.Path, h.ReportRange),
		Attendance: s.attendanceOf(l, h.ReportRange, h.Summary, true),
		Links:      []quickLink{{Label: l.T("report.report_link"), URL: withRange(fmt.Sprintf("/students/%d/report", h.Student.ID), h.ReportRange)}}}
	s.render(w, r, s.rangeError(p, req, r), "attendance_student", p)
	return nil
}

func (s *Server) classAttendanceHistory(w http.ResponseWriter, r *http.Request) error {
	req, err := s.readReportRequest(r)
	if err != nil {
		return s.badRange(w, r, err)
	}
	h, err := s.app.ClassAttendanceHistory(r.Context(), req.sess, req.id, req.from, req.to)
	if err != nil {
		return err
	}
	if err := s.auditClass(r, req, &h.Class, app.ViewClassAttendance); err != nil {
		return err
	}
	if req.csv {
		f := newCSV("date", "student", "status")
		for _, rec := range h.Records {
			st := h.Names[rec.StudentID]
			f.row(rec.Day, st.FirstName+" "+st.LastName, rec.Status)
		}
		return f.send(w, "attendance "+h.Class.Name+" "+h.From+" "+h.To)
	}
	l := i18n.FromContext(r.Context())
	p := s.page(w, r, "report.title")
	p.Title = l.T("report.class_attendance_title", "class", h.Class.Name)
	att := s.attendanceOf(l, h.ReportRange, h.Summary, false)
	for i := len(h.Summary.Days) - 1; i >= 0; i-- {
		d := h.Summary.Days[i]
		att.Periods = append(att.Periods, attendanceLine(l, 0, d.Day, d.AttendanceCounts))
	}
	var members []memberRow
	for _, st := range h.Students {
		members = append(members, memberRow{ID: st.Student.ID, Name: st.Student.FirstName + " " + st.Student.LastName,
			attendanceRow: attendanceLine(l, st.Student.ID, "", st.Attendance)})
	}
	corr, err := s.app.AttendanceCorrectionFor(r.Context(), req.sess, h.Class.ID)
	if err != nil {
		return err
	}
	var days []string
	for i := len(h.Summary.Days) - 1; i >= 0 && len(days) < 10 && corr.Allowed; i-- {
		if d := h.Summary.Days[i].Day; d >= corr.Earliest && d < corr.Today {
			days = append(days, d)
		}
	}
	p.Data = &attendanceHistoryView{Heading: p.Title, Class: h, Range: s.rangeOf(l, r.URL.Path, h.ReportRange),
		Attendance: att, Members: members, Correct: corr, CorrectDays: days,
		Links: []quickLink{
			{Label: h.Class.Name, URL: fmt.Sprintf("/classes/%d", h.Class.ID)},
			{Label: l.T("report.class_report_link"), URL: withRange(fmt.Sprintf("/classes/%d/report", h.Class.ID), h.ReportRange)},
		}}
	s.render(w, r, s.rangeError(p, req, r), "attendance_class", p)
	return nil
}
