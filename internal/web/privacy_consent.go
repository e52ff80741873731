package web

import (
	"net/http"

	"cubby/internal/app"
)

// consentForm is the page a parent reaches from the emailed request: what
// Cubby would collect about their child and why, generated from the
// inventory, then approve (choosing the child's login) or refuse.
func (s *Server) consentForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	req, err := s.app.OpenConsentRequest(r.Context(), token)
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "consent.invalid")
		return nil
	}
	if err != nil {
		return err
	}
	p := s.page(w, r, "consent.title")
	p.Form.Set("token", token)
	p.Data = req
	s.render(w, r, http.StatusOK, "consent", p)
	return nil
}

func (s *Server) consentSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	token := f.Get("token")
	approve := f.Get("decision") == "approve"
	manage, err := s.app.AnswerConsentRequest(r.Context(), token, app.ConsentAnswer{Approve: approve, Username: f.Get("username"), Password: f.Get("password")})
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "consent.invalid")
		return nil
	}
	if err != nil {
		p := s.page(w, r, "consent.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		req, err := s.app.OpenConsentRequest(r.Context(), token)
		if err != nil {
			return err
		}
		p.Form.Set("token", token)
		keepForm(p, r, "username")
		p.Data = req
		s.render(w, r, status, "consent", p)
		return nil
	}
	if !approve {
		p := s.page(w, r, "consent.refused_title")
		s.render(w, r, http.StatusOK, "consent_refused", p)
		return nil
	}
	http.Redirect(w, r, "/consent/manage?token="+manage+"&new=1", http.StatusSeeOther)
	return nil
}

// consentManage lets a parent without an account see and withdraw the
// consent they gave, from the link they keep.
func (s *Server) consentManage(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	c, err := s.app.ConsentByManageToken(r.Context(), token)
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "consent.invalid")
		return nil
	}
	if err != nil {
		return err
	}
	p := s.page(w, r, "consent.manage_title")
	p.Form.Set("token", token)
	p.Form.Set("new", r.URL.Query().Get("new"))
	p.Data = c
	s.render(w, r, http.StatusOK, "consent_manage", p)
	return nil
}

func (s *Server) consentWithdraw(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token := r.PostForm.Get("token")
	if err := s.app.WithdrawConsentByManageToken(r.Context(), token); err != nil {
		if isNotFound(err) {
			s.errorPage(w, r, http.StatusNotFound, "consent.invalid")
			return nil
		}
		return err
	}
	http.Redirect(w, r, "/consent/manage?token="+token, http.StatusSeeOther)
	return nil
}
