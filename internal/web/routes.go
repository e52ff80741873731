package web

import "net/http"

// routes registers the HTML pages, one feature per file.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.handler(s.home))
	mux.HandleFunc("GET /login", s.handler(s.loginForm))
	mux.HandleFunc("POST /login", s.handler(s.loginSubmit))
	mux.HandleFunc("POST /logout", s.handler(s.logout))
	mux.HandleFunc("POST /language", s.handler(s.setLanguage))
	mux.HandleFunc("GET /classes", s.handler(s.classes))
	mux.HandleFunc("GET /classes/{id}", s.handler(s.class))
	mux.HandleFunc("/", s.handler(func(w http.ResponseWriter, r *http.Request) error {
		s.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return nil
	}))
}
