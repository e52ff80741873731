package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"cubby/internal/app"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if app.SessionFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p := s.page(w, r, "login.title")
	p.Form.Set("next", localPath(r.URL.Query().Get("next")))
	s.render(w, r, http.StatusOK, "login", p)
	return nil
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	login, password := r.PostForm.Get("login"), r.PostForm.Get("password")
	next := localPath(r.PostForm.Get("next"))
	token, _, err := s.app.Login(r.Context(), app.Credentials{Login: login, Password: password, Kind: "web",
		Browser: browserOf(r.UserAgent()), IP: clientIP(r)})
	var sfe *app.SecondFactorError
	if errors.As(err, &sfe) {
		http.SetCookie(w, &http.Cookie{Name: secondFactorCookie, Value: sfe.Token, Path: "/login", HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, MaxAge: 600})
		http.Redirect(w, r, "/login/2fa?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		p := s.page(w, r, "login.title")
		p.Form.Set("login", login)
		p.Form.Set("next", next)
		status, ok := s.formError(w, p, err)
		switch {
		case ok && p.Errors != nil:
			p.Error = p.L.T("login.required")
		case ok:
		case errors.Is(err, app.ErrUnauthorized):
			status, p.Error = http.StatusUnauthorized, p.L.T("login.failed")
		case errors.Is(err, app.ErrAccountDisabled):
			status, p.Error = http.StatusForbidden, p.L.T("login.disabled")
		default:
			return err
		}
		s.render(w, r, status, "login", p)
		return nil
	}
	s.startWebSession(w, r, token, next)
	return nil
}

// startWebSession sets the new session's cookie after ending the one the
// browser held before: a session id planted before login is worthless
// after it.
func (s *Server) startWebSession(w http.ResponseWriter, r *http.Request, token, next string) {
	if old, err := r.Cookie(sessionCookie); err == nil {
		if err := s.app.Logout(r.Context(), old.Value); err != nil {
			s.log.Error("end old session", "id", RequestID(r.Context()), "err", err)
		}
	}
	s.setSessionCookie(w, token)
	s.redirect(w, r, next, "login.welcome")
}

// secondFactorCookie holds the half-done login between the password page
// and the two-factor page.
const secondFactorCookie = "cubby_2fa"

func (s *Server) secondFactorForm(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "twofactor.title")
	p.Form.Set("next", localPath(r.URL.Query().Get("next")))
	s.render(w, r, http.StatusOK, "login_2fa", p)
	return nil
}

func (s *Server) secondFactorSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	next := localPath(r.PostForm.Get("next"))
	c, err := r.Cookie(secondFactorCookie)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	token, _, err := s.app.CompleteSecondFactor(r.Context(), c.Value, r.PostForm.Get("code"), browserOf(r.UserAgent()))
	if err != nil {
		p := s.page(w, r, "twofactor.title")
		p.Form.Set("next", next)
		status, ok := s.formError(w, p, err)
		if !ok {
			if !errors.Is(err, app.ErrUnauthorized) {
				return err
			}
			status, p.Error = http.StatusUnauthorized, p.L.T("twofactor.failed")
		}
		s.render(w, r, status, "login_2fa", p)
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: secondFactorCookie, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	s.startWebSession(w, r, token, next)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.app.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	s.redirect(w, r, "/", "logout.done")
	return nil
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
}

// browserOf reduces a User-Agent to a browser family and major version
// ("Firefox 140"), all a person needs to recognise a device in their
// sessions list; the full string would fingerprint them.
func browserOf(ua string) string {
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"},
		{"CriOS/", "Chrome"}, {"FxiOS/", "Firefox"}, {"Version/", "Safari"},
	} {
		if i := strings.Index(ua, b.token); i >= 0 {
			v := ua[i+len(b.token):]
			if j := strings.IndexAny(v, ". "); j >= 0 {
				v = v[:j]
			}
			if len(v) > 5 {
				v = v[:5]
			}
			return b.name + " " + v
		}
	}
	return "Other"
}
