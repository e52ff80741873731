package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/store"
)

// contactErrors moves the errors of an invitation's email or phone onto
// the forms' single "contact" field.
func contactErrors(err error) error {
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &app.ValidationError{}
	for field, fe := range ve.Fields {
		if field == "email" || field == "phone" {
			field = "contact"
		}
		out.Add(field, fe.Key, fe.Args...)
	}
	return out
}

// inviteTeacherSubmit is the directory's "Invite a teacher" form.
func (s *Server) inviteTeacherSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, err = s.app.SendInvitation(r.Context(), sess, app.Invite{Kind: store.InviteTeacher, SchoolID: schoolID, Contact: r.PostForm.Get("contact")})
	if err != nil {
		return s.directoryError(w, r, sess, contactErrors(err), "contact")
	}
	s.redirect(w, r, directoryURL(schoolID)+"#invite", "invite.sent")
	return nil
}

// inviteParentPage is the roster's parent invitation form on a page of
// its own, shown when what was typed needs fixing.
type inviteParentPage struct {
	Class    *store.Class
	Roster   []store.Student
	CanTeach bool
}

// inviteParentSubmit is the class roster's "Invite a parent" form: a
// student and the parent's email (or phone, where SMS is set up).
func (s *Server) inviteParentSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, classID, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	class, roster, err := s.app.Class(r.Context(), sess, classID)
	if err != nil {
		return err
	}
	studentID, _ := strconv.ParseInt(r.PostForm.Get("student_id"), 10, 64)
	onRoster := false
	for _, st := range roster {
		onRoster = onRoster || st.ID == studentID
	}
	if !onRoster {
		err = &app.ValidationError{Fields: map[string]app.FieldError{"student_id": {Key: "invite.pick_student"}}}
	} else {
		_, err = s.app.SendInvitation(r.Context(), sess, app.Invite{Kind: store.InviteParent, StudentID: studentID, Contact: r.PostForm.Get("contact")})
	}
	if err == nil {
		s.redirect(w, r, "/classes/"+strconv.FormatInt(classID, 10)+"/students#invite-parents", "invite.sent")
		return nil
	}
	p := s.page(w, r, "invite.parent_title")
	status, ok := s.formError(w, p, contactErrors(err))
	if !ok {
		if status, ok = refusal(p, err); !ok {
			return err
		}
	}
	keepForm(p, r, "student_id", "contact")
	p.Data = inviteParentPage{Class: class, Roster: roster, CanTeach: true}
	s.render(w, r, status, "invite_parent", p)
	return nil
}

// invitationPage is what an invitation link opens.
type invitationPage struct {
	Token string
	Info  *app.InvitationInfo
	// Fits: the logged-in account can accept it (a parent's for a parent
	// invitation, a teacher's or leader's for a teacher invitation).
	Fits bool
}

// invitation opens an invitation link: visitors choose between signing
// up (the form filled in from the invitation) and logging in; a logged-in
// person accepts with one button.
func (s *Server) invitation(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	return s.renderInvitation(w, r, token, s.page(w, r, "invite.title"), http.StatusOK)
}

func (s *Server) renderInvitation(w http.ResponseWriter, r *http.Request, token string, p *Page, status int) error {
	info, err := s.app.OpenInvitation(r.Context(), token)
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "invite.unknown")
		return nil
	}
	var re *app.RefusedError
	if errors.As(err, &re) {
		s.errorPage(w, r, http.StatusGone, re.Key)
		return nil
	}
	if err != nil {
		return err
	}
	d := invitationPage{Token: token, Info: info}
	if sess := app.SessionFrom(r.Context()); sess != nil {
		k := sess.User.Kind
		d.Fits = info.Kind == store.InviteParent && k == store.KindParent ||
			info.Kind == store.InviteTeacher && (k == store.KindTeacher || k == store.KindLeader)
	}
	p.Form.Set("next", "/invite?token="+url.QueryEscape(token))
	p.Data = d
	s.render(w, r, status, "invite", p)
	return nil
}

func (s *Server) acceptSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	acc, err := s.app.AcceptInvitation(r.Context(), sess, token)
	if err != nil {
		p := s.page(w, r, "invite.title")
		if status, ok := refusal(p, err); ok {
			return s.renderInvitation(w, r, token, p, status)
		}
		if isNotFound(err) {
			s.errorPage(w, r, http.StatusNotFound, "invite.unknown")
			return nil
		}
		return err
	}
	s.redirect(w, r, acceptedURL(acc), acceptedFlash(acc))
	return nil
}

func acceptedURL(acc *app.Accepted) string {
	if acc.Kind == store.InviteTeacher {
		return directoryURL(acc.SchoolID)
	}
	return "/"
}

func acceptedFlash(acc *app.Accepted) string {
	if acc.Kind == store.InviteTeacher {
		return "invite.joined_school"
	}
	return "invite.connected"
}

// inviteSignupPage is sign-up from an invitation: the account type is the
// invitation's, and the address it was emailed to is filled in.
type inviteSignupPage struct {
	Token  string
	Info   *app.InvitationInfo
	Titles []string
}

func (s *Server) inviteSignupForm(w http.ResponseWriter, r *http.Request) error {
	if app.SessionFrom(r.Context()) != nil {
		http.Redirect(w, r, "/invite?token="+url.QueryEscape(r.URL.Query().Get("token")), http.StatusSeeOther)
		return nil
	}
	p := s.page(w, r, "invite.signup_title")
	p.Form.Set("language", p.L.Lang())
	return s.renderInviteSignup(w, r, r.URL.Query().Get("token"), p, http.StatusOK, true)
}

func (s *Server) renderInviteSignup(w http.ResponseWriter, r *http.Request, token string, p *Page, status int, fill bool) error {
	info, err := s.app.OpenInvitation(r.Context(), token)
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "invite.unknown")
		return nil
	}
	var re *app.RefusedError
	if errors.As(err, &re) {
		s.errorPage(w, r, http.StatusGone, re.Key)
		return nil
	}
	if err != nil {
		return err
	}
	if fill {
		p.Form.Set("email", info.Email)
	}
	p.Data = inviteSignupPage{Token: token, Info: info, Titles: app.Titles}
	s.render(w, r, status, "invite_signup", p)
	return nil
}

func (s *Server) inviteSignupSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	token := f.Get("token")
	session, _, acc, err := s.app.SignUpWithInvitation(r.Context(), app.Signup{
		Kind: f.Get("type"), Title: f.Get("title"), FirstName: f.Get("first_name"), LastName: f.Get("last_name"),
		Email: f.Get("email"), Password: f.Get("password"), Language: f.Get("language"),
		Browser: browserOf(r.UserAgent()), IP: clientIP(r), Session: "web",
	}, token)
	if session != "" {
		// The account exists; if the link was spent meanwhile, say so at home.
		s.setSessionCookie(w, session)
		if err != nil {
			var re *app.RefusedError
			if errors.As(err, &re) {
				s.redirect(w, r, "/", re.Key)
				return nil
			}
			return err
		}
		s.redirect(w, r, acceptedURL(acc), acceptedFlash(acc))
		return nil
	}
	p := s.page(w, r, "invite.signup_title")
	status, ok := s.formError(w, p, err)
	if !ok {
		if isNotFound(err) || errors.As(err, new(*app.RefusedError)) {
			// The link is unknown, used or expired: its page says which.
			return s.renderInviteSignup(w, r, token, p, http.StatusOK, false)
		}
		return err
	}
	keepForm(p, r, "title", "first_name", "last_name", "email", "language", "type")
	return s.renderInviteSignup(w, r, token, p, status, false)
}
