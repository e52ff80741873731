package web

import (
	"cubby/internal/authz"
	"net/http"
	"strconv"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/store"
)

// Joining a class with its code (app/class_join.go): a student who signed
// up on their own asks at /join-class; the class's teachers answer on the
// class's join requests page, linked from its roster.

func (s *Server) classJoinRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/join-class", Handle: s.classJoinPage, Access: authz.ForSelf},
		{Method: "POST", Pattern: "/join-class", Handle: s.classJoinSubmit, Access: authz.ForSelf},
		{Method: "GET", Pattern: "/classes/{id}/join-requests", Handle: s.classJoinRequestsPage, Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/class-join-requests/{id}/approve", Handle: s.classJoinDecide(true), Access: authz.ForClassTeachers},
		{Method: "POST", Pattern: "/class-join-requests/{id}/decline", Handle: s.classJoinDecide(false), Access: authz.ForClassTeachers},
	}
}

// classJoinView is the student's page: the form and their requests.
type classJoinView struct {
	Requests []store.ClassJoinRequest
}

func (s *Server) classJoinPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderClassJoin(w, r, s.page(w, r, "classjoin.title"), http.StatusOK)
}

func (s *Server) renderClassJoin(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	sess := session(r)
	if sess.User.Kind != store.KindStudent {
		return app.ErrNotFound
	}
	reqs, err := s.app.MyClassJoinRequests(r.Context(), sess)
	if err != nil {
		return err
	}
	p.Data = &classJoinView{Requests: reqs}
	s.render(w, r, status, "class_join", p)
	return nil
}

func (s *Server) classJoinSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	sess := session(r)
	p := s.page(w, r, "classjoin.title")
	p.Form = r.PostForm
	_, err := s.app.AskToJoinClass(r.Context(), sess, r.PostForm.Get("code"), clientIP(r))
	if err == nil {
		s.redirect(w, r, "/join-class", "classjoin.asked")
		return nil
	}
	if status, ok := s.formError(w, p, err); ok {
		return s.renderClassJoin(w, r, p, status)
	}
	if key, args, ok := refusalOf(r, err); ok {
		p.Error = p.L.T(key, args...)
		return s.renderClassJoin(w, r, p, api.Classify(r.Context(), err).Status)
	}
	return err
}

// classJoinRequestsView is a class's open requests, for its teachers.
type classJoinRequestsView struct {
	ClassID   int64
	ClassName string
	Requests  []store.ClassJoinRequest
}

func (s *Server) classJoinRequestsPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	c, reqs, err := s.app.ClassJoinRequests(r.Context(), sess, id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "classjoin.requests_title")
	p.Data = &classJoinRequestsView{ClassID: id, ClassName: c.Name, Requests: reqs}
	s.render(w, r, http.StatusOK, "class_join_requests", p)
	return nil
}

func (s *Server) classJoinDecide(approve bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		sess, id, err := postedTo(r)
		if err != nil {
			return err
		}
		req, err := s.app.DecideClassJoin(r.Context(), sess, id, approve)
		if err != nil {
			// Back to the class's requests (the form names it; a made-up
			// one answers 404 there).
			back := "/"
			if c, perr := strconv.ParseInt(r.PostForm.Get("class"), 10, 64); perr == nil && c > 0 {
				back = "/classes/" + strconv.FormatInt(c, 10) + "/join-requests"
			}
			return s.refused(w, r, back, err)
		}
		flash := "classjoin.declined"
		if approve {
			flash = "classjoin.approved"
		}
		s.redirect(w, r, "/classes/"+strconv.FormatInt(req.ClassID, 10)+"/join-requests", flash)
		return nil
	}
}
