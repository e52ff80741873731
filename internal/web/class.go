package web

import (
	"net/http"
	"strconv"

	"cubby/internal/store"
)

func (s *Server) classes(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	classes, err := s.app.Classes(r.Context(), sess, store.ClassPage{Limit: 200})
	if err != nil {
		return err
	}
	p := s.page(w, r, "classes.title")
	p.Data = classesPage{Classes: classes, Schools: sess.Actor.SchoolIDs()}
	s.render(w, r, http.StatusOK, "classes", p)
	return nil
}

// classesPage lists classes and offers to create one.
type classesPage struct {
	Classes []store.Class
	Schools []int64 // where the actor may create a class
}

func (s *Server) createClassSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	schoolID, _ := strconv.ParseInt(r.PostForm.Get("school_id"), 10, 64)
	c, err := s.app.CreateClass(r.Context(), sess, schoolID, r.PostForm.Get("name"))
	if err != nil {
		p := s.page(w, r, "classes.title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		keepForm(p, r, "name")
		classes, err := s.app.Classes(r.Context(), sess, store.ClassPage{Limit: 200})
		if err != nil {
			return err
		}
		p.Data = classesPage{Classes: classes, Schools: sess.Actor.SchoolIDs()}
		s.render(w, r, status, "classes", p)
		return nil
	}
	s.redirect(w, r, "/classes/"+strconv.FormatInt(c.ID, 10)+"/students", "classes.created")
	return nil
}
