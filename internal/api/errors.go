package api

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cubby/internal/app"
	"cubby/internal/db"
)

// StatusClientClosedRequest is the status logged for a request whose
// client hung up before the answer was written (nginx's 499). Nobody
// receives it; it keeps the request log and metrics honest without
// counting the hang-up as a server error.
const StatusClientClosedRequest = 499

// Outcome is how the edges answer an error: a status and the translation
// key of the message, with what some errors add.
type Outcome struct {
	Status int
	Key    string
	Args   []any
	// Fields are per-field messages (validation, named students).
	Fields *app.ValidationError
	// RetryAfter is set for rate limits and a busy database.
	RetryAfter time.Duration
}

// Internal reports a server fault: logged with its text, answered with a
// safe message.
func (o Outcome) Internal() bool { return o.Status >= 500 }

// ErrorRule is one row of the error table: an app error and its answer.
type ErrorRule struct {
	Name    string // "app.ErrConflict", "*app.ValidationError": the error, as the code names it
	Example error  // an error of the kind: a sentinel (errors.Is), or a typed error (errors.As) when Name starts with "*"
	Status  int
	Key     string // the message; detail may choose another
	// detail fills what the error itself carries (its key, fields,
	// arguments, the status of a refusal).
	detail func(err error, o *Outcome)
}

// errorTable maps every error app returns (and the few the edges make
// themselves) to a status and a translated message, for the web's error
// pages and the API's problems alike. The first row that matches wins, so
// a specific error comes before the general one it wraps (ErrArchived
// before ErrConflict). Anything not here is a server fault: logged, 500.
var errorTable = []ErrorRule{
	{Name: "*app.RestrictedError", Example: &app.RestrictedError{StudentIDs: []int64{1}}, Status: http.StatusConflict, Key: "restriction.no_points",
		detail: func(err error, o *Outcome) {
			o.Fields = studentFields(as[*app.RestrictedError](err).StudentIDs, "restriction.no_points")
		}},
	{Name: "*app.AbsentError", Example: &app.AbsentError{StudentIDs: []int64{1}}, Status: http.StatusConflict, Key: "points.absent",
		detail: func(err error, o *Outcome) {
			o.Fields = studentFields(as[*app.AbsentError](err).StudentIDs, "points.absent")
		}},
	{Name: "*app.ValidationError", Example: validationExample(), Status: http.StatusBadRequest, Key: "error.validation",
		detail: func(err error, o *Outcome) { o.Fields = as[*app.ValidationError](err) }},
	{Name: "*app.RateLimitError", Example: &app.RateLimitError{RetryAfter: time.Second}, Status: http.StatusTooManyRequests, Key: "error.rate_limited",
		detail: func(err error, o *Outcome) {
			rl := as[*app.RateLimitError](err)
			o.RetryAfter = rl.RetryAfter
			if rl.Key != "" {
				o.Key = rl.Key
			}
		}},
	{Name: "*app.SecondFactorError", Example: &app.SecondFactorError{}, Status: http.StatusUnauthorized, Key: "twofactor.prompt"},
	{Name: "*app.MediaError", Example: &app.MediaError{Key: "story.file_corrupt"}, Status: http.StatusBadRequest, Key: "story.file_corrupt",
		detail: func(err error, o *Outcome) {
			me := as[*app.MediaError](err)
			o.Key, o.Args = me.Key, me.Args
		}},
	// A refusal people can act on says why in its own key; its kind
	// (ErrForbidden, ErrGone, ErrConflict) chooses the status.
	{Name: "*app.RefusedError", Example: &app.RefusedError{Key: "invite.used", Err: app.ErrGone}, Status: http.StatusConflict, Key: "error.conflict",
		detail: func(err error, o *Outcome) {
			re := as[*app.RefusedError](err)
			o.Key = re.Key
			switch {
			case errors.Is(re.Err, app.ErrForbidden):
				o.Status = http.StatusForbidden
			case errors.Is(re.Err, app.ErrGone):
				o.Status = http.StatusGone
			}
		}},
	{Name: "*http.MaxBytesError", Example: &http.MaxBytesError{Limit: 1}, Status: http.StatusRequestEntityTooLarge, Key: "error.too_large"},
	{Name: "app.ErrTooLarge", Example: app.ErrTooLarge, Status: http.StatusRequestEntityTooLarge, Key: "error.too_large"},
	{Name: "api.errBadJSON", Example: errBadJSON, Status: http.StatusBadRequest, Key: "validation.invalid_json"},
	{Name: "app.ErrUnauthorized", Example: app.ErrUnauthorized, Status: http.StatusUnauthorized, Key: "error.unauthorized"},
	{Name: "app.ErrAccountDisabled", Example: app.ErrAccountDisabled, Status: http.StatusForbidden, Key: "login.disabled"},
	{Name: "app.ErrTwoFactorRequired", Example: app.ErrTwoFactorRequired, Status: http.StatusForbidden, Key: "directory.twofa_required_api"},
	{Name: "app.ErrRestricted", Example: app.ErrRestricted, Status: http.StatusForbidden, Key: "restriction.records_restricted"},
	{Name: "app.ErrForbidden", Example: app.ErrForbidden, Status: http.StatusForbidden, Key: "error.forbidden"},
	{Name: "app.ErrNotFound", Example: app.ErrNotFound, Status: http.StatusNotFound, Key: "error.not_found"},
	{Name: "app.ErrGone", Example: app.ErrGone, Status: http.StatusGone, Key: "error.gone"},
	{Name: "app.ErrExportGone", Example: app.ErrExportGone, Status: http.StatusGone, Key: "export.gone"},
	{Name: "app.ErrArchived", Example: app.ErrArchived, Status: http.StatusConflict, Key: "archived.read_only"},
	{Name: "app.ErrRecordsHeld", Example: app.ErrRecordsHeld, Status: http.StatusConflict, Key: "restriction.holds_erasure"},
	{Name: "app.ErrExportRunning", Example: app.ErrExportRunning, Status: http.StatusConflict, Key: "export.already_running"},
	{Name: "app.ErrDeletionPending", Example: app.ErrDeletionPending, Status: http.StatusConflict, Key: "delete.already_requested"},
	{Name: "app.ErrIdempotencyMismatch", Example: app.ErrIdempotencyMismatch, Status: http.StatusConflict, Key: "error.idempotency_mismatch"},
	{Name: "app.ErrConflict", Example: app.ErrConflict, Status: http.StatusConflict, Key: "error.conflict"},
	// The server's own limits: not the person's fault, not a bug either.
	{Name: "app.ErrNotYetAvailable", Example: app.ErrNotYetAvailable, Status: http.StatusNotImplemented, Key: "delete.not_yet"},
	{Name: "app.ErrNoFileStore", Example: app.ErrNoFileStore, Status: http.StatusServiceUnavailable, Key: "error.no_file_store"},
	{Name: "db.ErrBusy", Example: db.ErrBusy, Status: http.StatusServiceUnavailable, Key: "error.busy",
		detail: func(err error, o *Outcome) { o.RetryAfter = time.Second }},
}

// ErrorTable lists the rows of the error table, for tests.
func ErrorTable() []ErrorRule { return slices.Clone(errorTable) }

// Classify answers err as the error table says. A request whose client has
// gone (its context canceled, or a write to a closed connection) is
// StatusClientClosedRequest, whatever the error; an error the table does
// not know is a 500.
func Classify(ctx context.Context, err error) Outcome {
	if ClientGone(ctx, err) {
		return Outcome{Status: StatusClientClosedRequest}
	}
	for _, rule := range errorTable {
		if !rule.matches(err) {
			continue
		}
		o := Outcome{Status: rule.Status, Key: rule.Key}
		if rule.detail != nil {
			rule.detail(err, &o)
		}
		return o
	}
	return Outcome{Status: http.StatusInternalServerError, Key: "error.internal"}
}

// matches reports whether err is of the rule's kind: of its type for a
// typed error (a Name starting with "*"), else the sentinel itself.
func (rule ErrorRule) matches(err error) bool {
	if !strings.HasPrefix(rule.Name, "*") {
		return errors.Is(err, rule.Example)
	}
	target := reflect.New(reflect.TypeOf(rule.Example)) // a **T for errors.As
	return errors.As(err, target.Interface())
}

// ClientGone reports an error that only says the client hung up: the
// request's context was canceled (net/http does so when the connection
// closes), or writing to the connection failed because the peer closed it.
func ClientGone(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// MarkClientGone records StatusClientClosedRequest on the response for the
// request log, through a writer of the chain that can keep it (the web's
// status writer), or else as the status itself, which nobody receives.
func MarkClientGone(w http.ResponseWriter) {
	for rw := w; ; {
		if m, ok := rw.(interface{ ClientGone() }); ok {
			m.ClientGone()
			return
		}
		u, ok := rw.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		rw = u.Unwrap()
	}
	w.WriteHeader(StatusClientClosedRequest)
}

// SetRetryAfter writes the Retry-After header of an outcome that has one.
func (o Outcome) SetRetryAfter(w http.ResponseWriter) {
	if o.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(o.RetryAfter.Seconds()+0.999)))
	}
}

func as[T error](err error) T {
	var t T
	errors.As(err, &t)
	return t
}

func studentFields(ids []int64, key string) *app.ValidationError {
	ve := &app.ValidationError{}
	for _, sid := range ids {
		ve.Add("student_ids."+id(sid), key)
	}
	return ve
}

func validationExample() error {
	ve := &app.ValidationError{}
	ve.Add("name", "validation.required")
	return ve
}
