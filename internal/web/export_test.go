package web

import (
	"net/http"
	"time"

	"cubby/internal/i18n"
)

// Fail is fail, for the error table's test in package web_test.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }

// WaitMessage is waitMessage, for package web_test.
func WaitMessage(l *i18n.Localizer, wait time.Duration) string { return waitMessage(l, wait) }
