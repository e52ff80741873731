package web

import (
	"net/http"

	"cubby/internal/app"
)

// setLanguage saves the chosen language: in the account when logged in, in
// a cookie for visitors. Then it returns to the page the person was on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	lang := r.PostForm.Get("lang")
	back := localPath(r.PostForm.Get("back"))
	if !s.i18n.Has(lang) {
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_request")
		return nil
	}
	if sess := app.SessionFrom(r.Context()); sess != nil {
		if err := s.app.SetLanguage(r.Context(), sess, lang); err != nil {
			return err
		}
	} else {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
