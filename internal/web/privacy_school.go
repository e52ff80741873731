package web

import (
	"errors"
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// A school leader's privacy page: the school's retention periods (shorter
// only), and erasing students who left.

type schoolPrivacy struct {
	Schools []schoolPrivacyItem
}

type schoolPrivacyItem struct {
	School    *store.School
	Retention []retentionRow
	Students  []store.ErasureCandidate
	// ErrorReports: the school's members report JavaScript errors
	// (push_devices.go).
	ErrorReports bool
}

type retentionRow struct {
	Key, Name, Max, School string
	Rules                  []string
	Number                 int
	Unit                   string
}

// units a leader picks a period in.
var retentionUnits = []string{"D", "M", "Y"}

func (s *Server) schoolPrivacy(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "school_privacy.title")
	return s.renderSchoolPrivacy(w, r, session(r), p, http.StatusOK)
}

func (s *Server) renderSchoolPrivacy(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int) error {
	schools, err := s.app.SchoolPrivacy(r.Context(), sess)
	if err != nil {
		return err
	}
	wd := words{p.L}
	var d schoolPrivacy
	for _, sp := range schools {
		item := schoolPrivacyItem{School: sp.School, Students: sp.Students}
		if item.ErrorReports, err = s.app.ErrorReports(r.Context(), sess, sp.School.ID); err != nil {
			return err
		}
		for _, st := range sp.Retention {
			row := retentionRow{Key: string(st.DataType), Name: wd.dataType(st.DataType), Max: wd.period(st.Max)}
			for _, rt := range st.Rules {
				row.Rules = append(row.Rules, wd.retention(rt))
			}
			if st.School != nil {
				row.School = wd.period(*st.School)
				row.Number, row.Unit = splitPeriod(*st.School)
			}
			item.Retention = append(item.Retention, row)
		}
		d.Schools = append(d.Schools, item)
	}
	p.Data = d
	s.render(w, r, status, "school_privacy", p)
	return nil
}

// splitPeriod shows a school's period in one unit, for the form.
func splitPeriod(p privacy.Period) (int, string) {
	switch {
	case p.Months == 0 && p.Days == 0 && p.Years > 0:
		return p.Years, "Y"
	case p.Days == 0 && (p.Years > 0 || p.Months > 0):
		return p.Years*12 + p.Months, "M"
	}
	return int(p.Approx().Hours() / 24), "D"
}

func (s *Server) retentionSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	school, err := strconv.ParseInt(r.PathValue("school"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	f := r.PostForm
	duration := ""
	if f.Get("reset") == "" {
		n, err := strconv.Atoi(f.Get("number"))
		unit := f.Get("unit")
		if err != nil || n <= 0 || n > 1200 || (unit != "D" && unit != "M" && unit != "Y") {
			duration = "invalid"
		} else {
			duration = "P" + strconv.Itoa(n) + unit
		}
	}
	err = s.app.SetRetention(r.Context(), sess, school, f.Get("data_type"), duration)
	if err == nil {
		s.redirect(w, r, "/privacy/school#retention", "school_privacy.saved")
		return nil
	}
	p := s.page(w, r, "school_privacy.title")
	status, ok := s.formError(w, p, err)
	if !ok {
		return err
	}
	p.Form.Set("for", f.Get("data_type"))
	return s.renderSchoolPrivacy(w, r, sess, p, status)
}

func (s *Server) eraseStudentForm(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	st, err := s.app.StudentToErase(r.Context(), session(r), id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "erase.title")
	p.Data = map[string]any{"Student": st, "Grace": words{p.L}.period(s.app.Deployment().DeletionGrace)}
	s.render(w, r, http.StatusOK, "erase_student", p)
	return nil
}

func (s *Server) eraseStudentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	if _, err := s.app.EraseStudent(r.Context(), sess, id); errors.Is(err, app.ErrRecordsHeld) {
		s.redirect(w, r, "/privacy/school#students", "restriction.holds_erasure")
		return nil
	} else if err != nil && !errors.Is(err, app.ErrDeletionPending) {
		return err
	}
	s.redirect(w, r, "/privacy/school#students", "erase.scheduled")
	return nil
}

func (s *Server) keepStudentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	if err := s.app.CancelStudentErasure(r.Context(), sess, id); err != nil {
		return err
	}
	s.redirect(w, r, "/privacy/school#students", "erase.cancelled")
	return nil
}
