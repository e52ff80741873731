package web

import (
	"net/http"
	"strconv"

	"cubby/internal/app"
	"cubby/internal/store"
)

func (s *Server) classes(w http.ResponseWriter, r *http.Request) error {
	sess, err := requireLogin(r)
	if err != nil {
		return err
	}
	classes, err := s.app.Classes(r.Context(), sess, store.ClassPage{Limit: 200})
	if err != nil {
		return err
	}
	p := s.page(w, r, "classes.title")
	p.Data = classes
	s.render(w, r, http.StatusOK, "classes", p)
	return nil
}

// classPage is the data of one class's page.
type classPage struct {
	Class  *store.Class
	Roster []store.Student
}

func (s *Server) class(w http.ResponseWriter, r *http.Request) error {
	sess, err := requireLogin(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return app.ErrNotFound
	}
	c, roster, err := s.app.Class(r.Context(), sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "classes.title")
	p.Title = c.Name
	p.Data = classPage{Class: c, Roster: roster}
	s.render(w, r, http.StatusOK, "class", p)
	return nil
}
