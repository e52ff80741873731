package api

import (
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/store"
)

// Help requests (issue 18; app/help.go): anyone asks, logged in or not;
// the school's leaders list their inbox with each request's history and
// act on one (answer, note, status). The request acted on is named in the
// body rather than the path, so every path names a school the
// authorization matrix knows.

func (x *API) helpRoutes() {
	x.add(Op{Method: "POST", Path: "/help-requests", ID: "askForHelp", Tag: "help", Public: true, Access: authz.ForAnyone,
		Summary: "Ask for help, logged in or not. A visitor may leave an email address or a phone number for the answer; a logged-in request is answered at the account's address and ignores both. Answers 202 with nothing that tells a bot whether its request was kept; 429 past the limits per client address and per address.",
		Request: "HelpRequestCreate", Success: http.StatusAccepted, Errors: []int{400, 413, 429}, Handle: x.askForHelp})
	x.add(Op{Method: "GET", Path: "/schools/{id}/help-requests", ID: "listHelpRequests", Tag: "help", Access: authz.ForLeaders,
		Summary:  "The school's help requests, waiting ones first, each with its history (answers, internal notes, changes of status), for its leaders.",
		Response: "HelpRequestList", Success: http.StatusOK, Errors: []int{400, 401, 404}, Handle: x.listHelpRequests,
		Query: []Param{{Name: "status", Type: "string", Description: "new, answered or closed; all when absent"}}})
	x.add(Op{Method: "POST", Path: "/schools/{id}/help-requests", ID: "actOnHelpRequest", Tag: "help", Access: authz.ForLeaders,
		Summary: "Act on one of the school's help requests: reply (sent to the person who asked; a new request becomes answered), note (internal) or status (new, answered, closed; closing starts its 30-day retention). 409 for a reply with no way to send it, or a status it has.",
		Request: "HelpAction", Response: "HelpRequest", Success: http.StatusOK, Errors: []int{400, 401, 404, 409, 413}, Handle: x.actOnHelpRequest})
}

type helpRequestJSON struct {
	ID        string          `json:"id"`
	Topic     string          `json:"topic"`
	Body      string          `json:"body"`
	Status    string          `json:"status"`
	UserID    *string         `json:"user_id"`
	Contact   string          `json:"contact"`
	Language  string          `json:"language"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	ClosedAt  *time.Time      `json:"closed_at"`
	History   []helpEventJSON `json:"history"`
}

type helpEventJSON struct {
	Kind      string    `json:"kind"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

func helpRequestOf(r *store.HelpRequest, events []store.HelpEvent) helpRequestJSON {
	contact := r.UserEmail
	if contact == "" {
		contact = r.Email
	}
	if contact == "" {
		contact = r.Phone
	}
	out := helpRequestJSON{ID: id(r.ID), Topic: r.Topic, Body: r.Body, Status: r.Status, UserID: optID(r.UserID), Contact: contact,
		Language: r.Language, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ClosedAt: r.ClosedAt, History: []helpEventJSON{}}
	for _, e := range events {
		out.History = append(out.History, helpEventJSON{Kind: e.Kind, Author: e.AuthorName, Body: e.Body, Status: e.Status, CreatedAt: e.CreatedAt})
	}
	return out
}

func (x *API) askForHelp(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Topic    string `json:"topic"`
		Body     string `json:"body"`
		SchoolID string `json:"school_id"`
		Email    string `json:"email"`
		Phone    string `json:"phone"`
		Website  string `json:"website"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	var school int64
	if in.SchoolID != "" {
		n, err := strconv.ParseInt(in.SchoolID, 10, 64)
		if err != nil || n <= 0 {
			n = -1 // said at the field
		}
		school = n
	}
	_, err := x.app.SubmitHelpRequest(r.Context(), app.SessionFrom(r.Context()), app.HelpInput{Topic: in.Topic, Body: in.Body, SchoolID: school,
		Email: in.Email, Phone: in.Phone, Website: in.Website, Language: x.localizer(r).Lang(), IP: clientIP(r)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"status": "received"})
}

func (x *API) listHelpRequests(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	s := app.SessionFrom(r.Context())
	list, err := x.app.HelpInbox(r.Context(), s, schoolID, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := struct {
		Requests []helpRequestJSON `json:"requests"`
	}{Requests: []helpRequestJSON{}}
	for i := range list {
		th, err := x.app.SchoolHelpRequest(r.Context(), s, schoolID, list[i].ID)
		if err != nil {
			return err
		}
		out.Requests = append(out.Requests, helpRequestOf(th.Request, th.Events))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (x *API) actOnHelpRequest(w http.ResponseWriter, r *http.Request) error {
	schoolID, err := parseID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		RequestID string `json:"request_id"`
		Kind      string `json:"kind"`
		Body      string `json:"body"`
		Status    string `json:"status"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	rid, err := strconv.ParseInt(in.RequestID, 10, 64)
	if err != nil || rid <= 0 {
		return app.ErrNotFound
	}
	s := app.SessionFrom(r.Context())
	if _, err := x.app.ActOnHelpRequest(r.Context(), s, schoolID, rid, app.HelpAction{Kind: in.Kind, Body: in.Body, Status: in.Status}); err != nil {
		return err
	}
	th, err := x.app.SchoolHelpRequest(r.Context(), s, schoolID, rid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, helpRequestOf(th.Request, th.Events))
}

func init() {
	date := map[string]any{"type": "string", "format": "date-time"}
	for name, s := range map[string]any{
		"HelpRequestCreate": obj(map[string]any{
			"topic":     enum(app.HelpTopics...),
			"body":      map[string]any{"type": "string", "description": "the question, at most 4000 characters"},
			"school_id": map[string]any{"type": "string", "description": "the school it is about (GET /schools?q= finds it); absent for none, which goes to the operator"},
			"email":     map[string]any{"type": "string", "description": "a visitor's address for the answer (optional)"},
			"phone":     map[string]any{"type": "string", "description": "a visitor's phone number for the answer (optional; national numbers read in the deployment's country)"},
			"website":   map[string]any{"type": "string", "description": "leave empty: a honeypot for bots"},
		}, "topic", "body"),
		"HelpAction": obj(map[string]any{
			"request_id": str(), "kind": enum("reply", "note", "status"),
			"body":   map[string]any{"type": "string", "description": "reply and note"},
			"status": enum(app.HelpStatuses...),
		}, "request_id", "kind"),
		"HelpRequest": obj(map[string]any{
			"id": str(), "topic": enum(app.HelpTopics...), "body": str(), "status": enum(app.HelpStatuses...),
			"user_id":  map[string]any{"type": []string{"string", "null"}, "description": "the account that asked; null for a visitor"},
			"contact":  map[string]any{"type": "string", "description": "where an answer goes: the account's or the visitor's address, else their number; empty when none was left"},
			"language": str(), "created_at": date, "updated_at": date,
			"closed_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time"},
			"history": map[string]any{"type": "array", "items": obj(map[string]any{
				"kind": enum("reply", "note", "status"), "author": map[string]any{"type": "string", "description": "empty for the operator"},
				"body": str(), "status": str(), "created_at": date}, "kind", "author", "body", "status", "created_at")},
		}, "id", "topic", "body", "status", "user_id", "contact", "language", "created_at", "updated_at", "closed_at", "history"),
		"HelpRequestList": obj(map[string]any{"requests": map[string]any{"type": "array", "items": ref("HelpRequest")}}, "requests"),
	} {
		schemas[name] = s
	}
}
