package web

import (
	"net/http"

	"cubby/internal/app"
	"cubby/internal/store"
)

// home is the landing page for visitors and each account type's dashboard.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	sess := app.SessionFrom(r.Context())
	if sess == nil {
		p := s.page(w, r, "app.name")
		s.render(w, r, http.StatusOK, "home_visitor", p)
		return nil
	}
	p := s.page(w, r, "nav.home")
	ctx := r.Context()
	switch sess.User.Kind {
	case store.KindTeacher:
		classes, err := s.app.Classes(ctx, sess, store.ClassPage{Limit: 200})
		if err != nil {
			return err
		}
		p.Data = classes
		s.render(w, r, http.StatusOK, "home_teacher", p)
	case store.KindLeader:
		schools, err := s.app.LedSchools(ctx, sess)
		if err != nil {
			return err
		}
		p.Data = schools
		s.render(w, r, http.StatusOK, "home_leader", p)
	case store.KindParent:
		children, err := s.app.Children(ctx, sess)
		if err != nil {
			return err
		}
		p.Data = children
		s.render(w, r, http.StatusOK, "home_parent", p)
	default:
		self, err := s.app.StudentSelf(ctx, sess)
		if err != nil && err != app.ErrNotFound {
			return err
		}
		p.Data = self
		s.render(w, r, http.StatusOK, "home_student", p)
	}
	return nil
}
