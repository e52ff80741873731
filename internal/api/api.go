// Package api serves Cubby's JSON API under /api/v1, following the
// conventions in API.md: bearer tokens, problem+json errors, cursor
// pagination and idempotency keys. Every route is declared as an Op, and
// the OpenAPI document is generated from the same list, so a route cannot
// exist without its documentation.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/i18n"
)

// API is the /api/v1 handler set.
type API struct {
	app  *app.App
	i18n *i18n.Bundle
	log  *slog.Logger
	ops  []Op
	mux  *http.ServeMux
}

// Op is one endpoint: how it is routed and how it is documented.
type Op struct {
	Method  string
	Path    string // below /api/v1, e.g. "/classes/{id}"
	ID      string // OpenAPI operationId
	Summary string
	Tag     string
	Public  bool // no login needed
	// TwoFactorExempt ops answer staff whose school requires two-factor
	// login before they have set it up (app.Admit): saying who they are
	// and logging out. Every other op answers them 403.
	TwoFactorExempt bool
	// Access is who the op is for (authz.Audience); every op says it, and
	// the authorization matrix test holds the handler to it.
	Access   authz.Audience
	Request  string // schema name of the JSON body, if any
	Upload   string // schema name of a multipart/form-data body (file uploads), if any
	Response string // schema name of the success body, if any
	Success  int    // success status
	Errors   []int  // error statuses it can answer
	// Query lists the ?parameters it reads (pagination is added by itself).
	Query []Param
	// Idempotent ops accept an Idempotency-Key header.
	Idempotent bool
	Handle     func(w http.ResponseWriter, r *http.Request) error
}

// Param is a query parameter an op reads, for the OpenAPI document.
type Param struct {
	Name        string
	Type        string // "string", "integer" or "number"
	Format      string // e.g. "date"
	Description string
}

// rangeParams are the ?from=&to= of record and report reads (idAndRange).
var rangeParams = []Param{
	{Name: "from", Type: "string", Format: "date", Description: "first day, in the school's time zone; default 30 days before to"},
	{Name: "to", Type: "string", Format: "date", Description: "last day, included; default today"},
}

// New builds the API and its routes.
func New(a *app.App, bundle *i18n.Bundle, log *slog.Logger) *API {
	x := &API{app: a, i18n: bundle, log: log, mux: http.NewServeMux()}
	x.routes()
	for _, op := range x.ops {
		x.mux.Handle(op.Method+" /api/v1"+op.Path, x.wrap(op))
	}
	x.mux.HandleFunc("GET /api/v1/openapi.json", x.openAPI)
	x.mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		x.problem(w, r, http.StatusNotFound, "error.not_found", nil)
	})
	return x
}

// ServeHTTP serves everything under /api/v1/.
func (x *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { x.mux.ServeHTTP(w, r) }

// Ops lists the declared endpoints, for the OpenAPI test.
func (x *API) Ops() []Op { return x.ops }

func (x *API) add(op Op) { x.ops = append(x.ops, op) }

// wrap applies what every op shares: login and two-factor checks, idempotency, and turning
// a returned error into problem+json.
func (x *API) wrap(op Op) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The login, and two-factor login for staff of a school that
		// requires it, are decided as for the web's pages.
		if err := app.Admit(app.SessionFrom(r.Context()), op.Public, op.TwoFactorExempt); err != nil {
			x.fail(w, r, err)
			return
		}
		h := op.Handle
		if op.Idempotent {
			h = x.idempotent(h)
		}
		if err := h(w, r); err != nil {
			x.fail(w, r, err)
		}
	})
}

// fail answers an error from a handler or use case with its problem, as
// the error table says (errors.go). Internal error text is logged, never
// shown; a client that hung up is not a server error and gets no answer.
func (x *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	o := Classify(r.Context(), err)
	switch {
	case o.Status == StatusClientClosedRequest:
		x.log.Debug("api: client gone", "route", r.Pattern, "err", err)
		MarkClientGone(w)
		return
	case o.Status == http.StatusInternalServerError:
		x.log.Error("api", "route", r.Pattern, "err", err)
	case o.Internal(): // the server's own limits (no file store, busy): the operator's to see
		x.log.Warn("api", "route", r.Pattern, "status", o.Status, "err", err)
	}
	o.SetRetryAfter(w)
	x.problem(w, r, o.Status, o.Key, o.Fields, o.Args...)
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Errors map[string]string `json:"errors,omitempty"`
}

// problem writes a problem whose detail is the translation of key (with
// args), with per-field messages from ve.
func (x *API) problem(w http.ResponseWriter, r *http.Request, status int, key string, ve *app.ValidationError, args ...any) {
	l := x.localizer(r)
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: l.T(key, args...)}
	if ve != nil {
		p.Errors = map[string]string{}
		for field, fe := range ve.Fields {
			p.Errors[field] = l.T(fe.Key, fe.Args...)
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", l.Lang())
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

func (x *API) localizer(r *http.Request) *i18n.Localizer {
	if l := i18n.FromContext(r.Context()); l != nil {
		return l
	}
	return x.i18n.Localizer(x.i18n.Negotiate("", r.Header.Get("Accept-Language")))
}

var errBadJSON = errors.New("invalid JSON body")

// decode reads a JSON body into v, rejecting unknown fields so a typo in a
// client is reported rather than silently ignored. The Content-Type is not
// insisted on (curl -d sends a form type); cross-site browser requests are
// already refused by the cross-origin protection in front of the API.
func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errBadJSON
	}
	// A NUL (\u0000) is valid JSON but no text PostgreSQL stores; bytes
	// that are not UTF-8 the decoder turns into U+FFFD itself.
	if bytes.Contains(b, []byte(`\u0000`)) {
		return errBadJSON
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errBadJSON
	}
	if _, err := dec.Token(); err != io.EOF {
		return errBadJSON
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// id formats an internal id as the JSON string the API promises.
func id(n int64) string { return strconv.FormatInt(n, 10) }

// parseID reads an id from the path; an unparseable id is simply not found.
func parseID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, app.ErrNotFound
	}
	return n, nil
}

// idAndRange reads a path id and the ?from=&to= date range (the schools'
// time zone, default the last 30 days) that record and report reads take.
func (x *API) idAndRange(r *http.Request) (int64, time.Time, time.Time, error) {
	n, err := parseID(r, "id")
	if err != nil {
		return 0, time.Time{}, time.Time{}, err
	}
	from, to, err := x.app.ParseRange(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	return n, from, to, err
}
