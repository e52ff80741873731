package web

import (
	"net/http"
	"strings"

	"cubby/internal/app"
)

// twoFactorOpen are the pages a person whose school requires two-factor
// login may still use before setting it up: the settings page (where it is
// set up, and the rest of their own account), logging out, the language,
// the public pages and assets. The API has its own rule (api.wrap).
var twoFactorOpen = []string{"/settings", "/logout", "/language", "/static/", "/transparency", "/api/", "/healthz", "/readyz", "/metrics"}

// twoFactorGate sends staff of a school that requires two-factor login,
// who have not set it up, to set it up: right after logging in and on every
// other page until they have. It reports whether it answered the request.
func (s *Server) twoFactorGate(w http.ResponseWriter, r *http.Request, sess *app.Session) bool {
	if !sess.TwoFactorSetup {
		return false
	}
	for _, open := range twoFactorOpen {
		if r.URL.Path == open || strings.HasPrefix(r.URL.Path, open+"/") || strings.HasSuffix(open, "/") && strings.HasPrefix(r.URL.Path, open) {
			return false
		}
	}
	s.redirect(w, r, "/settings#twofactor", "directory.twofa_required")
	return true
}
