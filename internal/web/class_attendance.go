package web

import (
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/authz"
)

// attendanceForm is the class's attendance grid for today or, with
// ?date=, a past day the person may correct (a teacher within the
// school's window, a leader any day); a day outside it is a 400 page
// saying why.
func (s *Server) attendanceForm(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	d, err := s.classData(r, sess, "attendance")
	if err != nil {
		return err
	}
	d.Day = d.Today
	if day := r.URL.Query().Get("date"); day != "" && day != d.Today {
		recs, err := s.app.AttendanceDay(r.Context(), sess, d.Class.ID, day)
		if err != nil {
			return err
		}
		d.Day, d.Attendance = day, recs
	}
	p := s.page(w, r, "attendance.title")
	p.Title = d.Class.Name
	p.Data = d
	s.render(w, r, http.StatusOK, "class", p)
	return nil
}

func (s *Server) attendanceSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	var marks []app.Mark
	for key, vals := range r.PostForm {
		sid, ok := cutPrefixID(key, "s")
		if ok && len(vals) > 0 {
			marks = append(marks, app.Mark{StudentID: sid, Status: vals[0]})
		}
	}
	day := r.PostForm.Get("date")
	back := "/classes/" + strconv.FormatInt(id, 10) + "/attendance"
	if _, perr := time.Parse(time.DateOnly, day); perr == nil && day != s.app.Today() {
		back += "?date=" + day
	}
	if _, err := s.app.TakeAttendance(r.Context(), sess, id, day, marks); err != nil {
		return s.refused(w, r, back, err)
	}
	if day != s.app.Today() {
		// A correction goes back to the history it was opened from.
		s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/attendance/history", "attendance.corrected")
		return nil
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10), "attendance.saved")
	return nil
}

// attendanceWindowSubmit is a leader setting how many days back the
// school's teachers may correct attendance, on the school's classroom
// settings page (school_skills.html).
func (s *Server) attendanceWindowSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if err := s.app.SetAttendanceWindow(r.Context(), sess, id, r.PostForm.Get("attendance_window")); err != nil {
		p := s.page(w, r, "schoolskills.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		keepForm(p, r, "attendance_window")
		p.Form.Set("weight", "1")
		d, err := s.schoolSkillsData(r, sess)
		if err != nil {
			return err
		}
		p.Data = d
		s.render(w, r, status, "school_skills", p)
		return nil
	}
	s.redirect(w, r, schoolSkillsURL(id)+"#window-h", "settings.saved")
	return nil
}

// attendanceRoutes are the school's correction window; the attendance
// form itself is in the page table (routes.go).
func (s *Server) attendanceRoutes() []Route {
	return []Route{
		{Method: "POST", Pattern: "/schools/{id}/attendance-window", Handle: s.attendanceWindowSubmit, Access: authz.ForLeaders},
	}
}
