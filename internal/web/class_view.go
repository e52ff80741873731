package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// postedTo is what every class or school form handler starts with: the
// logged-in session, the id in the path and the parsed form.
func postedTo(r *http.Request) (*app.Session, int64, error) {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return nil, 0, err
	}
	return sess, id, r.ParseForm()
}

// sessionAt is the logged-in person (the route table made sure there is
// one) and the numeric id the path names.
func sessionAt(r *http.Request, name string) (*app.Session, int64, error) {
	id, err := pathID(r, name)
	return session(r), id, err
}

// pathID reads a numeric id from the path; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, app.ErrNotFound
	}
	return n, nil
}

// classPage is the class screen's data.
type classPage struct {
	*app.ClassView
	Mode    string // points, attendance, students
	Display func(st store.Student) string
	// CanStaff: may manage the class's teachers and roll it over (its
	// teachers and the school's leaders); they see the students tab.
	CanStaff bool
	// Extra is the roster page's management sections (students mode).
	Extra *rosterExtra
	// Password is a just-generated student password to show once.
	Password     string
	PasswordFor  string
	AbsentToday  map[int64]bool
	AttendanceOK bool // attendance was taken today
	// Day is the attendance day the form saves: today, or a past day
	// being corrected (class_attendance.go).
	Day string
}

func (s *Server) classData(r *http.Request, sess *app.Session, mode string) (*classPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	cv, err := s.app.ClassroomFor(r.Context(), sess, id, r.FormValue("period"))
	if err != nil {
		return nil, err
	}
	if err := s.app.AuditClassRead(r.Context(), sess, cv.Class, app.ViewClass); err != nil {
		return nil, err
	}
	// Students appear by first name, or by initials where the school
	// chose so (the roster table, the teacher's own list, keeps full names).
	display, err := s.app.NameStyle(r.Context(), cv.Class.SchoolID)
	if err != nil {
		return nil, err
	}
	if cv.Class.ArchivedAt != nil {
		cv.CanTeach = false // last year's class is read-only: it shows, nothing changes
	}
	d := &classPage{ClassView: cv, Mode: mode, AbsentToday: map[int64]bool{}, AttendanceOK: len(cv.Attendance) > 0,
		Display: display, CanStaff: authz.CanManageClassTeachers(sess.Actor, authz.ClassRef{ID: cv.Class.ID, SchoolID: cv.Class.SchoolID})}
	if mode == "students" {
		if d.Extra, err = s.rosterData(r, sess, d); err != nil {
			return nil, err
		}
	}
	for sid, rec := range cv.Attendance {
		if rec.Status == store.Absent {
			d.AbsentToday[sid] = true
		}
	}
	return d, nil
}

// class is the teacher's class screen: a grid of student tiles to give
// points with one tap (with JavaScript; without it, each tile opens a
// page of skill buttons).
func (s *Server) class(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	d, err := s.classData(r, sess, "points")
	if err != nil {
		return err
	}
	p := s.page(w, r, "classes.title")
	p.Title = d.Class.Name
	p.Data = d
	if sel := r.URL.Query().Get("student"); sel != "" {
		p.Form.Set("student", sel)
	}
	s.render(w, r, http.StatusOK, "class", p)
	return nil
}

// awardForm is the no-JavaScript way to give a point: the form posts the
// student (or the whole class) and the skill.
func (s *Server) awardForm(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	in := app.Award{WholeClass: r.PostForm.Get("whole_class") == "1", Note: r.PostForm.Get("note")}
	in.SkillID, _ = strconv.ParseInt(r.PostForm.Get("skill_id"), 10, 64)
	for _, v := range r.PostForm["student_id"] {
		n, _ := strconv.ParseInt(v, 10, 64)
		in.StudentIDs = append(in.StudentIDs, n)
	}
	points, err := s.app.AwardPoints(r.Context(), sess, id, in)
	if err != nil {
		return s.refused(w, r, classScreen(id, r.PostForm.Get("period")), err)
	}
	key := "points.given_one"
	if len(points) != 1 {
		key = "points.given_many"
	}
	s.redirect(w, r, classScreen(id, r.PostForm.Get("period")), key)
	return nil
}

// classScreen is the class screen's address, counting points over period
// (today when empty).
func classScreen(id int64, period string) string {
	u := "/classes/" + strconv.FormatInt(id, 10)
	if period != "" && period != app.PeriodToday && slices.Contains(app.ClassPeriods, period) {
		u += "?period=" + period
	}
	return u
}

// classError shows a class page again with what was wrong with the
// action, keeping what was typed in keep, or returns errors that are not
// about the input. The points and attendance views have no field slots,
// so there a field's message becomes the page's message.
func (s *Server) classError(w http.ResponseWriter, r *http.Request, sess *app.Session, mode string, err error, keep ...string) error {
	p := s.page(w, r, "classes.title")
	var absent *app.AbsentError
	var restricted *app.RestrictedError
	status, ok := s.formError(w, p, err)
	switch {
	case errors.As(err, &restricted):
		status, p.Error = http.StatusConflict, p.L.T("restriction.no_points")
	case errors.As(err, &absent):
		status, p.Error = http.StatusConflict, p.L.T("points.absent")
	case ok && mode != "students":
		for _, msg := range p.Errors {
			p.Error = msg // one action, one message
		}
	case !ok:
		return err
	}
	keepForm(p, r, keep...)
	d, derr := s.classData(r, sess, mode)
	if derr != nil {
		return derr
	}
	p.Title, p.Data = d.Class.Name, d
	s.render(w, r, status, "class", p)
	return nil
}

func cutPrefixID(key, prefix string) (int64, bool) {
	if len(key) <= len(prefix) || key[:len(prefix)] != prefix {
		return 0, false
	}
	n, err := strconv.ParseInt(key[len(prefix):], 10, 64)
	return n, err == nil
}

func (s *Server) classSettings(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if err := s.app.SetHidePoints(r.Context(), sess, id, r.PostForm.Get("hide_points") == "1"); err != nil {
		return err
	}
	if err := s.app.SetAvatarChoice(r.Context(), sess, id, r.PostForm.Get("avatar_choice") == "1"); err != nil {
		return err
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(id, 10)+"/students", "settings.saved")
	return nil
}
