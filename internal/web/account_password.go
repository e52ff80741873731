package web

import (
	"net/http"
)

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "reset.title")
	s.render(w, r, http.StatusOK, "password_forgot", p)
	return nil
}

// forgotSubmit always answers the same, whether or not the address has an
// account, so the page cannot be used to find out who uses Cubby.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	err := s.app.RequestPasswordReset(r.Context(), r.PostForm.Get("email"))
	p := s.page(w, r, "reset.title")
	if status, ok := s.formError(w, p, err); ok {
		keepForm(p, r, "email")
		s.render(w, r, status, "password_forgot", p)
		return nil
	}
	if err != nil {
		return err
	}
	p.Data = "sent"
	s.render(w, r, http.StatusOK, "password_forgot", p)
	return nil
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if err := s.app.PasswordResetOpen(r.Context(), token); err != nil {
		if isNotFound(err) {
			s.errorPage(w, r, http.StatusNotFound, "reset.invalid")
			return nil
		}
		return err
	}
	p := s.page(w, r, "reset.new_title")
	p.Form.Set("token", token)
	s.render(w, r, http.StatusOK, "password_reset", p)
	return nil
}

func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	_, err := s.app.ResetPassword(r.Context(), token, r.PostForm.Get("password"))
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "reset.invalid")
		return nil
	}
	if err != nil {
		p := s.page(w, r, "reset.new_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		p.Form.Set("token", token)
		s.render(w, r, status, "password_reset", p)
		return nil
	}
	s.redirect(w, r, "/login", "reset.done")
	return nil
}
