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
		p.Data = classesPage{Classes: classes, Schools: sess.Actor.SchoolIDs()}
		s.render(w, r, http.StatusOK, "home_teacher", p)
	case store.KindLeader:
		schools, err := s.app.LedSchools(ctx, sess)
		if err != nil {
			return err
		}
		p.Data = schools
		s.render(w, r, http.StatusOK, "home_leader", p)
	case store.KindParent:
		days, err := s.app.FamilyView(ctx, sess)
		if err != nil {
			return err
		}
		p.Data = days
		s.render(w, r, http.StatusOK, "home_parent", p)
	default:
		days, err := s.app.FamilyView(ctx, sess)
		if err != nil {
			return err
		}
		var me *app.ChildDay
		if len(days) > 0 {
			me = &days[0]
		}
		p.Data = me
		s.render(w, r, http.StatusOK, "home_student", p)
	}
	return nil
}
