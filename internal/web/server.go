// Package web serves Cubby's HTML pages and assembles the whole HTTP
// handler: middleware, health and metrics endpoints, static assets and the
// JSON API.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/i18n"
)

// Server holds what every page needs.
type Server struct {
	app     *app.App
	i18n    *i18n.Bundle
	log     *slog.Logger
	assets  *assets
	pages   map[string]*template.Template
	metrics *metrics
	api     *api.API
	// SecureCookies is set when the site is served over HTTPS.
	SecureCookies bool
	// MetricsAllowed are the networks whose peer addresses may read
	// /metrics (CUBBY_METRICS_ALLOWED_NETWORKS); nil means loopback only,
	// an empty list no one.
	MetricsAllowed []netip.Prefix
}

// New builds the server, parsing every template up front so a broken
// template fails at start, not on a user's request.
func New(a *app.App, bundle *i18n.Bundle, log *slog.Logger) (*Server, error) {
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Server{app: a, i18n: bundle, log: log, assets: as, metrics: newMetrics(), api: api.New(a, bundle, log)}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the complete HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.serveMetrics()) // metrics.go: allowed networks only
	mux.HandleFunc("GET /static/{file}", s.assets.serve)
	mux.Handle("/api/v1/", s.api)
	s.routes(mux)

	cop := http.NewCrossOriginProtection()
	h := recordRoute(mux)
	h = s.localize(h)
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = maxBody(1<<20, h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = requestID(h)
	return h
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.app.Ping(ctx); err != nil {
		s.log.Error("readyz", "err", err)
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

// langCookie remembers a visitor's language choice; logged-in users keep
// theirs in their account instead.
const langCookie = "cubby_lang"

// localize picks the request's language once: the account's setting, else
// the visitor's choice, else the browser's Accept-Language.
func (s *Server) localize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pref := ""
		if sess := app.SessionFrom(r.Context()); sess != nil {
			pref = sess.User.Language
		} else if c, err := r.Cookie(langCookie); err == nil {
			pref = c.Value
		}
		l := s.i18n.Localizer(s.i18n.Negotiate(pref, r.Header.Get("Accept-Language")))
		w.Header().Set("Content-Language", l.Lang())
		w.Header().Add("Vary", "Accept-Language, Cookie")
		next.ServeHTTP(w, r.WithContext(i18n.WithLocalizer(r.Context(), l)))
	})
}
