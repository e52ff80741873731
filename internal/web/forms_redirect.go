package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/i18n"
)

// A form post the app refuses (an absent student, a restricted record, a
// bad value) still ends in a redirect: the browser is back on the page it
// came from, with the refusal said at the top, and reloading it does not
// post the form again.

// errorFlashCookie carries the refusal across the redirect: a translation
// key and its numeric arguments, never the message or personal data.
const errorFlashCookie = "cubby_flash_error"

// refused redirects to `to` with err's message, or returns err when it is
// not the person's to fix (not found, a fault), for its error page.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, to string, err error) error {
	key, args, ok := refusalOf(r, err)
	if !ok {
		return err
	}
	v := url.Values{"k": {key}}
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		n, isInt := args[i+1].(int)
		if name == "" || !isInt {
			return err // a message naming someone is not carried in a cookie
		}
		v.Set("a."+name, strconv.Itoa(n))
	}
	http.SetCookie(w, &http.Cookie{Name: errorFlashCookie, Value: url.QueryEscape(v.Encode()), Path: "/", MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	s.redirect(w, r, to, "")
	return nil
}

// refusalOf is the key a refusal is said with: the class screen's own
// words for an absent or restricted student, a form's one problem, else
// the error table's (api.Classify) for a refusal (4xx but not 404/401).
func refusalOf(r *http.Request, err error) (string, []any, bool) {
	var absent *app.AbsentError
	var restricted *app.RestrictedError
	var ve *app.ValidationError
	switch {
	case errors.As(err, &restricted):
		return "restriction.no_points", nil, true
	case errors.As(err, &absent):
		return "points.absent", nil, true
	case errors.As(err, &ve) && len(ve.Fields) > 0:
		for _, fe := range ve.Fields {
			return fe.Key, fe.Args, true // one action, one message
		}
	}
	o := api.Classify(r.Context(), err)
	if o.Status < 400 || o.Status >= 500 || o.Status == http.StatusNotFound || o.Status == http.StatusUnauthorized {
		return "", nil, false
	}
	return o.Key, o.Args, true
}

// flashError reads and clears a refusal carried across a redirect.
func (s *Server) flashError(w http.ResponseWriter, r *http.Request, l *i18n.Localizer) string {
	c, err := r.Cookie(errorFlashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: errorFlashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	raw, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	v, err := url.ParseQuery(raw)
	if err != nil || !l.Has(v.Get("k")) {
		return ""
	}
	var args []any
	for name, vals := range v {
		if len(name) > 2 && name[:2] == "a." && len(vals) > 0 {
			n, _ := strconv.Atoi(vals[0])
			args = append(args, name[2:], n)
		}
	}
	return l.T(v.Get("k"), args...)
}
