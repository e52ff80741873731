package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// mySchool is the navigation's "School": the directory of the person's
// first active school, or the way to join one.
func (s *Server) mySchool(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if !authz.CanJoinSchool(sess.Actor) {
		return app.ErrNotFound // parents and students have no School page
	}
	ids := sess.Actor.SchoolIDs()
	if len(sess.Actor.Schools) == 0 {
		http.Redirect(w, r, "/schools/join", http.StatusSeeOther)
		return nil
	}
	for _, id := range ids {
		if _, staff := sess.Actor.Schools[id]; staff {
			http.Redirect(w, r, "/schools/"+strconv.FormatInt(id, 10)+"/directory", http.StatusSeeOther)
			return nil
		}
	}
	return app.ErrNotFound
}

// directoryPage is the School Directory's data.
type directoryPage struct {
	*app.Directory
	// Schools are the person's other schools, to switch between.
	Schools []app.MySchool
	// StudentPage is the students shown (?q= searches, ?page= pages).
	StudentPage app.StudentPage
	// PrevURL and NextURL page through them; "" at either end.
	PrevURL, NextURL string
}

func (s *Server) directory(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "directory.title")
	return s.renderDirectory(w, r, sess, p, http.StatusOK)
}

func (s *Server) renderDirectory(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.app.SchoolDirectory(r.Context(), sess, id)
	if err != nil {
		return err
	}
	if d.Full { // the student list is on the page
		if err := s.app.AuditSchoolRead(r.Context(), sess, d.School.ID, app.ViewSchoolDirectory); err != nil {
			return err
		}
	}
	mine, err := s.app.MySchools(r.Context(), sess)
	if err != nil {
		return err
	}
	page := &directoryPage{Directory: d}
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	page.StudentPage = app.PageStudents(d.Students, q.Get("q"), n)
	pageURL := func(n int) string {
		v := url.Values{}
		if page.StudentPage.Query != "" {
			v.Set("q", page.StudentPage.Query)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return r.URL.Path + "#students"
		}
		return r.URL.Path + "?" + v.Encode() + "#students"
	}
	if page.StudentPage.Page > 1 {
		page.PrevURL = pageURL(page.StudentPage.Page - 1)
	}
	if page.StudentPage.Page < page.StudentPage.Pages {
		page.NextURL = pageURL(page.StudentPage.Page + 1)
	}
	for _, m := range mine {
		if m.Membership.Status == store.MemberActive {
			page.Schools = append(page.Schools, m)
		}
	}
	if len(page.Schools) < 2 {
		page.Schools = nil
	}
	if p.Form.Get("email_domain") == "" && p.Errors["email_domain"] == "" {
		p.Form.Set("email_domain", d.Access.EmailDomain)
	}
	p.Title = p.L.T("directory.title_school", "school", d.School.Name)
	p.Data = page
	schoolNav(p)
	s.render(w, r, status, "directory", p)
	return nil
}

// directoryError shows a use case's refusal or bad input on the directory
// page itself; other errors are the caller's to return.
func (s *Server) directoryError(w http.ResponseWriter, r *http.Request, sess *app.Session, err error, keep ...string) error {
	p := s.page(w, r, "directory.title")
	status, ok := s.formError(w, p, err)
	if !ok {
		if status, ok = refusal(p, err); !ok {
			return err
		}
	}
	keepForm(p, r, keep...)
	return s.renderDirectory(w, r, sess, p, status)
}

// refusal puts the reason of an app.RefusedError on the page and returns
// its status: 403, 409 or 410.
func refusal(p *Page, err error) (int, bool) {
	var re *app.RefusedError
	if !errors.As(err, &re) {
		return 0, false
	}
	p.Error = p.L.T(re.Key)
	switch {
	case errors.Is(re.Err, app.ErrForbidden):
		return http.StatusForbidden, true
	case errors.Is(re.Err, app.ErrGone):
		return http.StatusGone, true
	}
	return http.StatusConflict, true
}

// schoolNav highlights the navigation's "School" on every page of the
// directory and of joining a school, whatever their path.
func schoolNav(p *Page) {
	for i := range p.Nav {
		p.Nav[i].Current = p.Nav[i].URL == "/school"
	}
}

func directoryURL(schoolID int64) string {
	return "/schools/" + strconv.FormatInt(schoolID, 10) + "/directory"
}

// memberAction is a leader's action on a member of staff or a request:
// approve, decline, remove (handing their classes to "heir"), and leader
// (grant with leader=1, revoke with leader=0).
func (s *Server) memberAction(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	userID, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	ctx, flash := r.Context(), ""
	switch r.PathValue("action") {
	case "approve":
		_, err = s.app.ApproveMember(ctx, sess, schoolID, userID)
		flash = "directory.approved"
	case "decline":
		err, flash = s.app.DeclineMember(ctx, sess, schoolID, userID), "directory.declined"
	case "remove":
		heir, _ := strconv.ParseInt(r.PostForm.Get("heir"), 10, 64)
		err, flash = s.app.RemoveMember(ctx, sess, schoolID, userID, heir), "directory.removed"
	case "leader":
		leader := r.PostForm.Get("leader") == "1"
		_, err = s.app.SetLeader(ctx, sess, schoolID, userID, leader)
		flash = "directory.leader_revoked"
		if leader {
			flash = "directory.leader_granted"
		}
	default:
		return app.ErrNotFound
	}
	if err != nil {
		return s.directoryError(w, r, sess, err)
	}
	s.redirect(w, r, directoryURL(schoolID), flash)
	return nil
}

func (s *Server) accessSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, err = s.app.SetSchoolAccess(r.Context(), sess, schoolID, store.SchoolAccess{
		EmailDomain: r.PostForm.Get("email_domain"), RequireTwoFactor: r.PostForm.Get("require_two_factor") == "1"})
	if err != nil {
		return s.directoryError(w, r, sess, err, "email_domain")
	}
	s.redirect(w, r, directoryURL(schoolID)+"#access", "directory.access_saved")
	return nil
}

func (s *Server) confirmSchoolSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.ConfirmSchool(r.Context(), sess, schoolID); err != nil {
		return err
	}
	s.redirect(w, r, directoryURL(schoolID), "directory.school_confirmed")
	return nil
}
