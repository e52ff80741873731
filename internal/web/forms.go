package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"cubby/internal/app"
	"cubby/internal/i18n"
)

// formError puts a use case's error on the page when it is about the
// input (field messages, a rate limit, a refused login) and reports
// whether it did; other errors are the caller's to return.
func (s *Server) formError(w http.ResponseWriter, p *Page, err error) (int, bool) {
	var ve *app.ValidationError
	var rl *app.RateLimitError
	switch {
	case errors.As(err, &ve):
		p.Errors = map[string]string{}
		for field, fe := range ve.Fields {
			p.Errors[field] = p.L.T(fe.Key, fe.Args...)
		}
		p.Error = p.L.T("error.validation")
		return http.StatusBadRequest, true
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter.Seconds()+0.999)))
		p.Error = waitMessage(p.L, rl.RetryAfter)
		return http.StatusTooManyRequests, true
	}
	return 0, false
}

// waitMessage says how long to wait after too many attempts (ten wrong
// passwords lock a login for a quarter of an hour), rounded up to whole
// minutes, or hours past two: "Try again in 15 minutes."
func waitMessage(l *i18n.Localizer, wait time.Duration) string {
	mins := int((wait + time.Minute - 1) / time.Minute)
	if mins > 120 {
		return l.N("error.rate_limited_hours", (mins+59)/60)
	}
	return l.N("error.rate_limited_minutes", max(mins, 1))
}

// formValues copies the submitted values a page re-displays, never
// passwords.
func keepForm(p *Page, r *http.Request, fields ...string) {
	for _, f := range fields {
		p.Form.Set(f, r.PostForm.Get(f))
	}
}
