package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"cubby/internal/api"
	"cubby/internal/app"
	"cubby/internal/store"
)

// The security headers every response carries. The policy allows nothing
// from any other origin — no CDN, font, tracker or inline script can run
// even if a template bug let one in.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// permissionsPolicy refuses the camera and the microphone to every page;
// allowMicrophone lets the one being answered use the microphone: the
// noise meter, and a student recording their voice for their portfolio.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(self), interest-cohort=()"

func allowMicrophone(w http.ResponseWriter) {
	w.Header().Set("Permissions-Policy", strings.Replace(permissionsPolicy, "microphone=()", "microphone=(self)", 1))
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", permissionsPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		next.ServeHTTP(w, r)
	})
}

type requestIDKey struct{}

// RequestID returns the request's id, for logs and error pages.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// statusWriter remembers the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	gone   bool // the client hung up (api.MarkClientGone)
}

// ClientGone records that the client hung up, whatever was written: the
// request is logged and counted as api.StatusClientClosedRequest.
func (w *statusWriter) ClientGone() { w.gone = true }

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach Flush for server-sent events.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one line per request. It logs the route pattern, never
// the raw path or query (they can hold tokens, codes or search terms), and
// a truncated IP address.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		route := &routeHolder{}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, route)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		if sw.gone {
			sw.status = api.StatusClientClosedRequest
		}
		d := time.Since(start)
		if route.pattern == "" {
			route.pattern = "unmatched"
		}
		s.metrics.observe(r.Method, route.pattern, sw.status, d)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("route", route.pattern),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Duration("duration", d),
			slog.String("ip", TruncateIP(clientIP(r))),
		)
		// The request log and usage counts the privacy inventory declares
		// (request_log, usage_counts): the same shortened facts, buffered.
		s.app.RecordRequest(r.Context(), store.RequestLine{At: start.UTC(), Method: r.Method, Route: route.pattern, Status: sw.status,
			DurationMS: int(d.Milliseconds()), IPPrefix: TruncateIP(clientIP(r)), Browser: browserOf(r.UserAgent())}, route.userID)
	})
}

type routeKey struct{}

// routeHolder carries the matched route pattern back out to logRequests:
// the mux records it on the request it sees, which is a copy made further
// down the middleware chain.
type routeHolder struct {
	pattern string
	userID  int64 // the logged-in person, for usage counts; 0 for a visitor
}

// recordRoute wraps the mux; after routing, r.Pattern holds the innermost
// pattern (the API's own mux sets it on the same request).
func recordRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
			h.pattern = r.Pattern
			if sess := app.SessionFrom(r.Context()); sess != nil {
				h.userID = sess.User.ID
			}
		}
	})
}

// clientIP is the connection's address. Behind a reverse proxy the
// operator's proxy address is what we see; we do not trust forwarded
// headers a client could forge.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// TruncateIP keeps the network part only (/24 for IPv4, /48 for IPv6), so a
// log line can show where trouble comes from without identifying a person.
func TruncateIP(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	bits := 48
	if addr.Unmap().Is4() {
		addr, bits = addr.Unmap(), 24
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.String()
}

// recoverPanics turns a panic into a logged 500 with a safe message.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "id", RequestID(r.Context()), "panic", p, "stack", string(debug.Stack()))
				s.serverError(w, r)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// sessionCookie is the web login cookie's name.
const sessionCookie = "cubby_session"

// authenticate resolves the session from a bearer token or the session
// cookie, once per request, and puts it in the context.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := bearerToken(r)
		fromCookie := false
		if token == "" {
			if c, err := r.Cookie(sessionCookie); err == nil {
				token, fromCookie = c.Value, true
			}
		}
		if token != "" {
			sess, err := s.app.Authenticate(r.Context(), token)
			switch {
			case err == nil:
				// Whether the session may use the route (login, two-factor
				// set-up) is the route table's to decide (app.Admit).
				r = r.WithContext(app.WithSession(r.Context(), sess))
			case errors.Is(err, app.ErrUnauthorized):
				if fromCookie {
					s.clearSessionCookie(w)
				}
			default:
				s.log.Error("authenticate", "id", RequestID(r.Context()), "err", err)
				s.serverError(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// maxBody caps request bodies; the upload routes (import.go) have their
// own, larger limit.
func maxBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := limit
		if n := uploadLimit(r); n > 0 {
			limit = n
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
