package web

import (
	"errors"
	"net/http"
	"strconv"

	"cubby/internal/app"
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
		p.Error = p.L.T("error.rate_limited")
		return http.StatusTooManyRequests, true
	}
	return 0, false
}

// formValues copies the submitted values a page re-displays, never
// passwords.
func keepForm(p *Page, r *http.Request, fields ...string) {
	for _, f := range fields {
		p.Form.Set(f, r.PostForm.Get(f))
	}
}
