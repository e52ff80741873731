package web

import (
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// Restriction of processing (GDPR Art. 18): parents and students ask,
// school leaders grant, decline, set and lift (app/restriction.go).

type restrictionsPage struct {
	// Family: a parent or a student, who may ask. Subjects are the
	// children (or the student themself) they may ask about; Child is the
	// one the form is for.
	Family   bool
	Subjects []store.Student
	Child    *store.Student
	// Leader: may decide; Students are those they may restrict directly.
	Leader   bool
	Students []store.Student
	// AskGrounds and SetGrounds are the grounds of the two forms.
	AskGrounds, SetGrounds groundChoice
	Open                   []restrictionItem // waiting for a leader
	InForce                []restrictionItem
	Closed                 []restrictionItem // declined or lifted
}

// restrictionItem is one restriction with the page, whose language, form
// values and errors its card needs.
type restrictionItem struct {
	app.RestrictionView
	P *Page
}

// groundChoice is the grounds of one form (ask or set), with the page.
type groundChoice struct {
	Form    string
	Grounds []string
	P       *Page
}

func (s *Server) restrictions(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "restriction.title")
	if id := r.URL.Query().Get("student"); id != "" {
		p.Form.Set("student", id)
	}
	return s.renderRestrictions(w, r, sess, p, http.StatusOK)
}

func (s *Server) renderRestrictions(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int) error {
	ctx := r.Context()
	d := restrictionsPage{AskGrounds: groundChoice{"ask", app.Grounds, p}, SetGrounds: groundChoice{"set", app.Grounds, p}}
	var err error
	if d.Subjects, err = s.app.RestrictionSubjects(ctx, sess); err != nil {
		return err
	}
	d.Family = len(d.Subjects) > 0
	if d.Family {
		want, _ := strconv.ParseInt(p.Form.Get("student"), 10, 64)
		if len(d.Subjects) == 1 && want == 0 {
			want = d.Subjects[0].ID
		}
		for i := range d.Subjects {
			if d.Subjects[i].ID == want {
				d.Child = &d.Subjects[i]
			}
		}
		if want != 0 && d.Child == nil {
			return app.ErrNotFound
		}
	}
	if d.Students, err = s.app.RestrictableStudents(ctx, sess); err != nil {
		return err
	}
	d.Leader = len(d.Students) > 0
	if !d.Family && !d.Leader && sess.Actor.Kind != authz.Leader {
		return app.ErrNotFound // teachers and visitors have nothing here
	}
	list, err := s.app.Restrictions(ctx, sess)
	if err != nil {
		return err
	}
	for _, v := range list {
		item := restrictionItem{v, p}
		switch v.Status {
		case store.RestrictionRequested:
			d.Open = append(d.Open, item)
		case store.RestrictionActive:
			d.InForce = append(d.InForce, item)
		default:
			d.Closed = append(d.Closed, item)
		}
	}
	p.Data = d
	s.render(w, r, status, "restrictions", p)
	return nil
}

// restrictionAgain shows the page again with what was wrong with a form
// (the form named by "for"), or returns errors that are not about input.
func (s *Server) restrictionAgain(w http.ResponseWriter, r *http.Request, sess *app.Session, err error, form string, keep ...string) error {
	p := s.page(w, r, "restriction.title")
	status, ok := s.formError(w, p, err)
	if !ok {
		if !isConflict(err) {
			return err
		}
		status = http.StatusConflict
		switch form {
		case "ask", "set":
			p.Error = p.L.T("restriction.already")
		case "lift":
			p.Error = p.L.T("restriction.not_in_force")
		default:
			p.Error = p.L.T("restriction.not_open")
		}
	}
	keepForm(p, r, keep...)
	p.Form.Set("for", form)
	return s.renderRestrictions(w, r, sess, p, status)
}

// restrictionAsk files a parent's or student's request.
func (s *Server) restrictionAsk(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("student"), 10, 64)
	if _, err := s.app.AskRestriction(r.Context(), sess, id, f.Get("ground"), f.Get("request")); err != nil {
		return s.restrictionAgain(w, r, sess, err, "ask", "student", "ground", "request")
	}
	s.redirect(w, r, "/privacy/restrictions?student="+strconv.FormatInt(id, 10), "restriction.sent")
	return nil
}

// confirmed checks a form's "I understand" box: setting and lifting a
// restriction change what teachers can do, so the leader confirms.
func confirmed(r *http.Request) error {
	if r.PostForm.Get("confirm") == "1" {
		return nil
	}
	v := &app.ValidationError{}
	v.Add("confirm", "restriction.confirm_required")
	return v
}

// restrictionSet is a leader restricting processing directly.
func (s *Server) restrictionSet(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("student"), 10, 64)
	err := confirmed(r)
	if err == nil {
		_, err = s.app.SetRestriction(r.Context(), sess, id, f.Get("ground"), f.Get("request"))
	}
	if err != nil {
		return s.restrictionAgain(w, r, sess, err, "set", "student", "ground", "request")
	}
	s.redirect(w, r, "/privacy/restrictions#in-force", "restriction.set_done")
	return nil
}

func (s *Server) restrictionDecide(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	if err := s.app.DecideRestriction(r.Context(), sess, id, f.Get("decision") == "grant", f.Get("reason")); err != nil {
		return s.restrictionAgain(w, r, sess, err, "decide-"+strconv.FormatInt(id, 10), "reason")
	}
	s.redirect(w, r, "/privacy/restrictions", "restriction.decided")
	return nil
}

func (s *Server) restrictionLift(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := postedTo(r)
	if err != nil {
		return err
	}
	if err = confirmed(r); err == nil {
		err = s.app.LiftRestriction(r.Context(), sess, id, r.PostForm.Get("reason"))
	}
	if err != nil {
		form := "lift-" + strconv.FormatInt(id, 10)
		if isConflict(err) {
			form = "lift"
		}
		return s.restrictionAgain(w, r, sess, err, form, "reason")
	}
	s.redirect(w, r, "/privacy/restrictions", "restriction.lifted")
	return nil
}
