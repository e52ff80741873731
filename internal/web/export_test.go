package web

import "net/http"

// Fail is fail, for the error table's test in package web_test.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }
