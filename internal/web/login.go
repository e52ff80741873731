package web

import (
	"errors"
	"net/http"
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
	token, _, err := s.app.Login(r.Context(), app.Credentials{Login: login, Password: password, Kind: "web", Browser: browserOf(r.UserAgent())})
	var ve *app.ValidationError
	if errors.Is(err, app.ErrUnauthorized) || errors.As(err, &ve) {
		p := s.page(w, r, "login.title")
		p.Form.Set("login", login)
		p.Form.Set("next", localPath(r.PostForm.Get("next")))
		status := http.StatusUnauthorized
		if ve != nil {
			p.Error = p.L.T("login.required")
			status = http.StatusBadRequest
		} else {
			p.Error = p.L.T("login.failed")
		}
		s.render(w, r, status, "login", p)
		return nil
	}
	if err != nil {
		return err
	}
	// A fresh session at every login, and the one the browser held before
	// is ended: a session id planted before login is worthless after it.
	if old, err := r.Cookie(sessionCookie); err == nil {
		if err := s.app.Logout(r.Context(), old.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, MaxAge: int(s.app.SessionTTL.Seconds())})
	s.redirect(w, r, localPath(r.PostForm.Get("next")), "login.welcome")
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
