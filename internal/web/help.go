package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// Help requests (app/help.go): /help, linked from every page's footer,
// asks for help, logged in or not, with the school found by the school
// finder; a school's leaders answer at /schools/{id}/help.

func (s *Server) helpRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/help", Handle: s.helpPage, Public: true, Access: authz.ForAnyone},
		{Method: "POST", Pattern: "/help", Handle: s.helpSubmit, Public: true, Access: authz.ForAnyone},
		// The person who asked (logged in) opens their own request here.
		{Method: "GET", Pattern: "/help/request", Handle: s.helpOwnRequestPage, Access: authz.ForSelf},
		// A school's inbox; with ?request= one request, which the form
		// posts back to (answer, note, status).
		{Method: "GET", Pattern: "/schools/{id}/help", Handle: s.helpInboxPage, Access: authz.ForLeaders},
		{Method: "POST", Pattern: "/schools/{id}/help", Handle: s.helpAct, Access: authz.ForLeaders},
	}
}

// helpPage is the form: the school finder, then the request, and for a
// logged-in person their own requests and, for leaders, their inboxes.
type helpPage struct {
	Search   *schoolSearchPage
	Topics   []string
	LoggedIn bool
	// Chosen is the school posted with a form shown again.
	ChosenID   int64
	ChosenName string
	MaxBody    int
	Mine       []store.HelpRequest
	Inboxes    []helpInbox
}

type helpInbox struct {
	SchoolID int64
	Name     string
	Waiting  int
}

// SchoolSearch is the search the school_query partial shows.
func (p helpPage) SchoolSearch() *schoolSearchPage { return p.Search }

func (s *Server) helpPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderHelp(w, r, s.page(w, r, "help.title"), http.StatusOK)
}

func (s *Server) renderHelp(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	ctx, sess := r.Context(), session(r)
	v := r.URL.Query()
	search := &schoolSearchPage{Q: strings.TrimSpace(v.Get("q")), Lat: strings.TrimSpace(v.Get("lat")), Lon: strings.TrimSpace(v.Get("lon"))}
	d := &helpPage{Search: search, Topics: app.HelpTopics, LoggedIn: sess != nil, MaxBody: app.HelpMaxBody}
	if r.Method == http.MethodGet && (search.Q != "" || search.Lat != "" || search.Lon != "") {
		hits, err := s.app.SearchSchools(ctx, app.SchoolSearch{Q: search.Q, Lat: search.Lat, Lon: search.Lon})
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
	if id, err := strconv.ParseInt(p.Form.Get("school_id"), 10, 64); err == nil && id > 0 {
		if school, err := s.app.School(ctx, id); err == nil {
			d.ChosenID, d.ChosenName = school.ID, readableCaps(school.Name)
		}
	}
	if sess != nil {
		var err error
		if d.Mine, err = s.app.MyHelpRequests(ctx, sess); err != nil {
			return err
		}
		for _, id := range sess.Actor.SchoolIDs() {
			if !sess.Actor.IsLeaderOf(id) {
				continue
			}
			school, err := s.app.School(ctx, id)
			if err != nil {
				return err
			}
			n, err := s.app.HelpWaiting(ctx, sess, id)
			if err != nil {
				return err
			}
			d.Inboxes = append(d.Inboxes, helpInbox{SchoolID: id, Name: school.Name, Waiting: n})
		}
	}
	p.Data = d
	s.render(w, r, status, "help", p)
	return nil
}

func (s *Server) helpSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	p := s.page(w, r, "help.title")
	p.Form = f
	schoolID, err := strconv.ParseInt(strings.TrimSpace(f.Get("school_id")), 10, 64)
	if err != nil && f.Get("school_id") != "" {
		schoolID = -1 // not a school: said at the field
	}
	_, err = s.app.SubmitHelpRequest(r.Context(), session(r), app.HelpInput{
		Topic: f.Get("topic"), Body: f.Get("body"), SchoolID: schoolID, Email: f.Get("email"), Phone: f.Get("phone"),
		Website: f.Get("website"), Language: p.L.Lang(), IP: clientIP(r)})
	if err == nil {
		s.redirect(w, r, "/help", "help.sent")
		return nil
	}
	if status, ok := s.formError(w, p, err); ok {
		var rl *app.RateLimitError
		if errors.As(err, &rl) {
			p.Error = p.L.T("help.rate_limited") + " " + p.Error
		}
		return s.renderHelp(w, r, p, status)
	}
	return err
}

// helpInboxView is a school's inbox.
type helpInboxView struct {
	SchoolID   int64
	SchoolName string
	Status     string
	Statuses   []string
	Requests   []store.HelpRequest
}

func (s *Server) helpInboxPage(w http.ResponseWriter, r *http.Request) error {
	sess, id, err := sessionAt(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Has("request") {
		return s.renderSchoolHelpRequest(w, r, s.page(w, r, "help.request_title"), id, http.StatusOK)
	}
	status := q.Get("status")
	list, err := s.app.HelpInbox(r.Context(), sess, id, status)
	if err != nil {
		return err
	}
	school, err := s.app.School(r.Context(), id)
	if err != nil {
		return err
	}
	p := s.page(w, r, "help.inbox_title")
	p.Data = &helpInboxView{SchoolID: id, SchoolName: school.Name, Status: status, Statuses: app.HelpStatuses, Requests: list}
	schoolNav(p)
	s.render(w, r, http.StatusOK, "help_inbox", p)
	return nil
}

// helpRequestParam reads the request named by ?request= (or the form's
// request); anything else is not found.
func helpRequestParam(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, app.ErrNotFound
	}
	return id, nil
}

func (s *Server) renderSchoolHelpRequest(w http.ResponseWriter, r *http.Request, p *Page, schoolID int64, status int) error {
	v := r.URL.Query().Get("request")
	if r.Method == http.MethodPost {
		v = r.PostForm.Get("request")
	}
	id, err := helpRequestParam(v)
	if err != nil {
		return err
	}
	th, err := s.app.SchoolHelpRequest(r.Context(), session(r), schoolID, id)
	if err != nil {
		return err
	}
	p.Data = th
	schoolNav(p)
	s.render(w, r, status, "help_request", p)
	return nil
}

func (s *Server) helpOwnRequestPage(w http.ResponseWriter, r *http.Request) error {
	id, err := helpRequestParam(r.URL.Query().Get("id"))
	if err != nil {
		return err
	}
	th, err := s.app.HelpRequest(r.Context(), session(r), id)
	if err != nil {
		return err
	}
	if th.Answers { // a leader: the page with the forms, under the inbox
		http.Redirect(w, r, helpRequestURL(th.Request.SchoolID, th.Request.ID), http.StatusSeeOther)
		return nil
	}
	p := s.page(w, r, "help.request_title")
	p.Data = th
	s.render(w, r, http.StatusOK, "help_request", p)
	return nil
}

func helpRequestURL(schoolID, id int64) string {
	return "/schools/" + strconv.FormatInt(schoolID, 10) + "/help?request=" + strconv.FormatInt(id, 10)
}

// helpAct is a leader's answer, note or change of status, told apart by
// the form's "kind".
func (s *Server) helpAct(w http.ResponseWriter, r *http.Request) error {
	sess, schoolID, err := postedTo(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	id, err := helpRequestParam(f.Get("request"))
	if err != nil {
		return err
	}
	act := app.HelpAction{Kind: f.Get("kind"), Body: f.Get("body"), Status: f.Get("status")}
	_, err = s.app.ActOnHelpRequest(r.Context(), sess, schoolID, id, act)
	if err == nil {
		s.redirect(w, r, helpRequestURL(schoolID, id), "help.done_"+act.Kind)
		return nil
	}
	p := s.page(w, r, "help.request_title")
	p.Form = f
	if status, ok := s.formError(w, p, err); ok {
		return s.renderSchoolHelpRequest(w, r, p, schoolID, status)
	}
	if key, args, ok := refusalOf(r, err); ok {
		p.Error = p.L.T(key, args...)
		return s.renderSchoolHelpRequest(w, r, p, schoolID, api.Classify(r.Context(), err).Status)
	}
	return err
}
