package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/app"
	"cubby/internal/authz"
)

// joinPage is "Find your school" for staff: the school finder (its results
// are radio buttons named school_id, posted to /schools/join), the
// person's schools and waiting requests, and a way to add a missing school.
type joinPage struct {
	Search *schoolSearchPage
	Mine   []app.MySchool
}

// SchoolSearch is the search the school_query partial shows.
func (p joinPage) SchoolSearch() *schoolSearchPage { return p.Search }

func (s *Server) joinPage(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	p := s.page(w, r, "join.title")
	return s.renderJoin(w, r, sess, p, http.StatusOK)
}

func (s *Server) renderJoin(w http.ResponseWriter, r *http.Request, sess *app.Session, p *Page, status int) error {
	if !authz.CanJoinSchool(sess.Actor) {
		return app.ErrForbidden
	}
	v := r.URL.Query()
	search := &schoolSearchPage{Q: strings.TrimSpace(v.Get("q")), Lat: strings.TrimSpace(v.Get("lat")), Lon: strings.TrimSpace(v.Get("lon")), Action: "/schools/join"}
	d := &joinPage{Search: search}
	var err error
	if d.Mine, err = s.app.MySchools(r.Context(), sess); err != nil {
		return err
	}
	if search.Q != "" || search.Lat != "" || search.Lon != "" {
		hits, err := s.app.SearchSchools(r.Context(), app.SchoolSearch{Q: search.Q, Lat: search.Lat, Lon: search.Lon})
		var ve *app.ValidationError
		switch {
		case errors.As(err, &ve):
			status = http.StatusBadRequest
			if p.Errors == nil {
				p.Errors = map[string]string{}
			}
			for field, fe := range ve.Fields {
				p.Errors[field] = p.L.T(fe.Key, fe.Args...)
			}
			if _, ok := p.Errors["q"]; !ok {
				p.Error = p.L.T("schools.location_unavailable")
			}
			search.Lat, search.Lon = "", ""
		case err != nil:
			return err
		default:
			search.Searched = true
			search.Near = search.Lat != "" && search.Lon != ""
			for _, h := range hits {
				search.Results = append(search.Results, schoolResult{ID: h.ID, Name: readableCaps(h.Name), Place: schoolPlace(h), Distance: schoolDistance(p.L, h.DistanceM)})
			}
		}
	}
	p.Data = d
	schoolNav(p)
	s.render(w, r, status, "school_join", p)
	return nil
}

func (s *Server) joinSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("school_id"), 10, 64)
	p := s.page(w, r, "join.title")
	if id <= 0 {
		p.Error = p.L.T("join.pick_school")
		return s.renderJoin(w, r, sess, p, http.StatusBadRequest)
	}
	m, err := s.app.JoinSchool(r.Context(), sess, id)
	if isNotFound(err) {
		p.Error = p.L.T("join.pick_school")
		return s.renderJoin(w, r, sess, p, http.StatusBadRequest)
	}
	if status, ok := refusal(p, err); ok {
		return s.renderJoin(w, r, sess, p, status)
	}
	if err != nil {
		return err
	}
	if m.Status == "active" {
		s.redirect(w, r, directoryURL(m.SchoolID), "join.approved")
		return nil
	}
	s.redirect(w, r, "/schools/join", "join.requested")
	return nil
}

func (s *Server) withdrawSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	err = s.app.WithdrawJoinRequest(r.Context(), sess, id)
	p := s.page(w, r, "join.title")
	if status, ok := refusal(p, err); ok {
		return s.renderJoin(w, r, sess, p, status)
	}
	if err != nil {
		return err
	}
	s.redirect(w, r, "/schools/join", "join.withdrawn")
	return nil
}

var newSchoolFields = []string{"name", "address", "city", "region", "postal_code", "country"}

func (s *Server) newSchoolForm(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if !authz.CanJoinSchool(sess.Actor) {
		return app.ErrForbidden
	}
	p := s.page(w, r, "join.new_title")
	p.Form.Set("name", r.URL.Query().Get("name"))
	p.Form.Set("country", s.app.Country)
	schoolNav(p)
	s.render(w, r, http.StatusOK, "school_new", p)
	return nil
}

func (s *Server) newSchoolSubmit(w http.ResponseWriter, r *http.Request) error {
	sess := session(r)
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	school, err := s.app.CreateSchool(r.Context(), sess, app.NewSchool{Name: f.Get("name"), Address: f.Get("address"),
		City: f.Get("city"), Region: f.Get("region"), PostalCode: f.Get("postal_code"), Country: f.Get("country")})
	if err != nil {
		p := s.page(w, r, "join.new_title")
		status, ok := s.formError(w, p, err)
		if !ok {
			return err
		}
		keepForm(p, r, newSchoolFields...)
		schoolNav(p)
		s.render(w, r, status, "school_new", p)
		return nil
	}
	s.redirect(w, r, directoryURL(school.ID), "join.school_added")
	return nil
}
