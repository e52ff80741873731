package web

import (
	"errors"
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/store"
)

// classLoginPage is the shared-device login: first the class code, then
// a grid of first names and avatars to pick from.
type classLoginPage struct {
	Code      string
	ClassName string
	Roster    []store.Student
	Display   func(store.Student) string // first name, or initials
}

func (s *Server) classLoginForm(w http.ResponseWriter, r *http.Request) error {
	p := s.page(w, r, "classlogin.title")
	code := r.URL.Query().Get("code")
	if code == "" {
		p.Data = classLoginPage{}
		s.render(w, r, http.StatusOK, "class_login", p)
		return nil
	}
	return s.classLoginNames(w, r, p, code)
}

func (s *Server) classLoginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := s.page(w, r, "classlogin.title")
	return s.classLoginNames(w, r, p, r.PostForm.Get("code"))
}

func (s *Server) classLoginNames(w http.ResponseWriter, r *http.Request, p *Page, code string) error {
	c, roster, err := s.app.ClassByCode(r.Context(), code, clientIP(r))
	if err != nil {
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		p.Form.Set("code", code)
		p.Data = classLoginPage{}
		s.render(w, r, status, "class_login", p)
		return nil
	}
	display, err := s.app.NameStyle(r.Context(), c.SchoolID)
	if err != nil {
		return err
	}
	p.Data = classLoginPage{Code: code, ClassName: c.Name, Roster: roster, Display: display}
	s.render(w, r, http.StatusOK, "class_login", p)
	return nil
}

func (s *Server) classLoginPick(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	sid, _ := strconv.ParseInt(r.PostForm.Get("student_id"), 10, 64)
	code := r.PostForm.Get("code")
	token, err := s.app.ClassCodeLogin(r.Context(), app.ClassLogin{Code: code, StudentID: sid,
		Pictures: givenPictures(r), IP: clientIP(r), Browser: browserOf(r.UserAgent())})
	if err != nil {
		// Where the class asks for pictures: their step (picture_login.go).
		if done, perr := s.picturesRefused(w, r, err, code, sid); done {
			return perr
		}
		p := s.page(w, r, "classlogin.title")
		status, ok := s.formError(w, p, err)
		if ok && p.Errors["pictures"] != "" {
			p.Error = p.Errors["pictures"] // no card handed out yet: say so at the top
		}
		if !ok {
			if !errors.Is(err, app.ErrNotFound) {
				return err
			}
			status, p.Error = http.StatusNotFound, p.L.T("classcode.unknown")
		}
		p.Data = classLoginPage{}
		s.render(w, r, status, "class_login", p)
		return nil
	}
	s.startWebSession(w, r, token, "/")
	return nil
}

// cardLoginForm asks "Is this you?" before logging in from a card, so a
// link preview or scanner never starts a session by itself.
func (s *Server) cardLoginForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	st, err := s.app.StudentByCard(r.Context(), token, clientIP(r))
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "cards.invalid")
		return nil
	}
	if err != nil {
		return err
	}
	p := s.page(w, r, "classlogin.title")
	p.Form.Set("token", token)
	p.Data = st
	s.render(w, r, http.StatusOK, "card_login", p)
	return nil
}

func (s *Server) cardLoginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token, err := s.app.LoginWithCard(r.Context(), r.PostForm.Get("token"), clientIP(r), browserOf(r.UserAgent()))
	if isNotFound(err) {
		s.errorPage(w, r, http.StatusNotFound, "cards.invalid")
		return nil
	}
	if err != nil {
		return err
	}
	s.startWebSession(w, r, token, "/")
	return nil
}
