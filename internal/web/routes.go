package web

import "net/http"

// routes registers the HTML pages, one feature per file.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.handler(s.home))
	mux.HandleFunc("GET /login", s.handler(s.loginForm))
	mux.HandleFunc("POST /login", s.handler(s.loginSubmit))
	mux.HandleFunc("POST /logout", s.handler(s.logout))
	mux.HandleFunc("POST /language", s.handler(s.setLanguage))
	mux.HandleFunc("GET /login/2fa", s.handler(s.secondFactorForm))
	mux.HandleFunc("POST /login/2fa", s.handler(s.secondFactorSubmit))
	mux.HandleFunc("GET /signup", s.handler(s.signupForm))
	mux.HandleFunc("POST /signup", s.handler(s.signupSubmit))
	mux.HandleFunc("GET /signup/student", s.handler(s.studentSignupForm))
	mux.HandleFunc("POST /signup/student", s.handler(s.studentSignupSubmit))
	mux.HandleFunc("GET /verify", s.handler(s.verify))
	mux.HandleFunc("GET /password/forgot", s.handler(s.forgotForm))
	mux.HandleFunc("POST /password/forgot", s.handler(s.forgotSubmit))
	mux.HandleFunc("GET /password/reset", s.handler(s.resetForm))
	mux.HandleFunc("POST /password/reset", s.handler(s.resetSubmit))
	mux.HandleFunc("GET /consent", s.handler(s.consentForm))
	mux.HandleFunc("POST /consent", s.handler(s.consentSubmit))
	mux.HandleFunc("GET /consent/manage", s.handler(s.consentManage))
	mux.HandleFunc("POST /consent/withdraw", s.handler(s.consentWithdraw))
	s.settingsRoutes(mux)
	mux.HandleFunc("GET /classes", s.handler(s.classes))
	mux.HandleFunc("GET /classes/{id}", s.handler(s.class))
	mux.HandleFunc("/", s.handler(func(w http.ResponseWriter, r *http.Request) error {
		s.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return nil
	}))
}
