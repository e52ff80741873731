package web

import (
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// signupPage carries the choices of the sign-up form.
type signupPage struct {
	Titles []string
	Kind   string
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	if app.SessionFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p := s.page(w, r, "signup.title")
	kind := r.URL.Query().Get("type")
	if kind != store.KindParent && kind != store.KindLeader {
		kind = store.KindTeacher
	}
	p.Form.Set("language", p.L.Lang())
	p.Data = signupPage{Titles: app.Titles, Kind: kind}
	s.render(w, r, http.StatusOK, "signup", p)
	return nil
}

func (s *Server) signupSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	token, _, err := s.app.SignUp(r.Context(), app.Signup{
		Kind: f.Get("type"), Title: f.Get("title"), FirstName: f.Get("first_name"), LastName: f.Get("last_name"),
		Email: f.Get("email"), Password: f.Get("password"), Language: f.Get("language"),
		Browser: browserOf(r.UserAgent()), IP: clientIP(r), Session: "web",
	})
	if err != nil {
		p := s.page(w, r, "signup.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		keepForm(p, r, "title", "first_name", "last_name", "email", "language")
		p.Data = signupPage{Titles: app.Titles, Kind: f.Get("type")}
		s.render(w, r, status, "signup", p)
		return nil
	}
	s.setSessionCookie(w, token)
	s.redirect(w, r, "/", "signup.done")
	return nil
}

// verify opens an emailed verification link.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) error {
	_, err := s.app.VerifyEmail(r.Context(), r.URL.Query().Get("token"))
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "verify.invalid")
		return nil
	}
	p := s.page(w, r, "verify.title")
	if status, ok := s.formError(w, p, err); ok {
		s.errorPage(w, r, status, "signup.email_taken")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, "/", "verify.done")
	return nil
}

func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	err := s.app.ResendVerification(r.Context(), sess)
	p := s.page(w, r, "settings.title")
	if status, ok := s.formError(w, p, err); ok {
		s.errorPage(w, r, status, "error.rate_limited")
		return nil
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, localPath(r.PostFormValue("back")), "verify.sent")
	return nil
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, MaxAge: int(s.app.SessionTTL.Seconds())})
}
