package web

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

//go:embed templates
var templateFiles embed.FS

// parseTemplates builds one template set per page: the layout, the shared
// partials, and that page's file.
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":  s.assets.URL,
		"avatar": avatar,
		"list":   func(v ...string) []string { return v },
		"childDay": func(l *i18n.Localizer, c app.ChildDay) any {
			return struct {
				L *i18n.Localizer
				C app.ChildDay
			}{l, c}
		},
		"errfor": errFor,
		// smsEnabled: invitation forms offer phone numbers only when an SMS
		// gateway is configured.
		"smsEnabled": s.app.SMSEnabled,
		// why links a form field to its data type's row of the
		// transparency page, by the inventory column it fills (whyask.go).
		"why": s.why,
	}
	pages := map[string]*template.Template{}
	entries, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/pages/"), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html", p)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// Page is what every template receives. Data holds the page's own values.
type Page struct {
	L       *i18n.Localizer
	User    *store.User
	Title   string
	Nav     []NavItem
	Flash   string
	Locales []i18n.Locale
	Path    string
	// Back is the page's path with its query, so switching language keeps
	// a search or a date range.
	Back   string
	Form   url.Values
	Errors map[string]string // field → translated message
	Error  string            // form-level message
	Data   any
	// ParentWaiting: a student view a parent switched into, with the
	// parent's own session kept to switch back to.
	ParentWaiting bool
	// Notice is the banner about a material change of the privacy notice
	// the person has not acknowledged yet (notices.go).
	Notice *noticeBanner
}

// NavItem is one entry of the account type's navigation.
type NavItem struct {
	Label   string
	URL     string
	Current bool
}

// page builds the common page data once per request.
func (s *Server) page(w http.ResponseWriter, r *http.Request, titleKey string) *Page {
	l := i18n.FromContext(r.Context())
	p := &Page{L: l, Title: l.T(titleKey), Locales: s.i18n.Locales(), Path: r.URL.Path, Back: r.URL.Path, Form: url.Values{}}
	if r.Method == http.MethodGet && r.URL.RawQuery != "" {
		p.Back = r.URL.RequestURI()
	}
	if sess := app.SessionFrom(r.Context()); sess != nil {
		p.User = sess.User
		if _, err := r.Cookie(parentCookie); err == nil && sess.User.Kind == store.KindStudent {
			p.ParentWaiting = true
		}
	}
	p.Nav = s.nav(p)
	p.Notice = s.noticeBanner(r, p)
	if c, err := r.Cookie(flashCookie); err == nil {
		if key, err := url.QueryUnescape(c.Value); err == nil && l.Has(key) {
			name := ""
			if p.User != nil {
				name = p.User.DisplayName()
			}
			p.Flash = l.T(key, "name", name)
		}
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	return p
}

func (s *Server) nav(p *Page) []NavItem {
	item := func(key, u string) NavItem {
		return NavItem{Label: p.L.T(key), URL: u, Current: p.Path == u || (u != "/" && strings.HasPrefix(p.Path, u+"/"))}
	}
	if p.User == nil {
		return nil
	}
	items := []NavItem{item("nav.home", "/")}
	switch p.User.Kind {
	case store.KindTeacher, store.KindLeader:
		items = append(items, item("nav.classes", "/classes"), item("nav.school", "/school"))
	}
	return append(items, item("nav.settings", "/settings"))
}

// render writes a page with the given status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("missing template", "name", name)
		s.serverError(w, r)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "id", RequestID(r.Context()), "page", name, "err", err)
		s.serverError(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// flashCookie carries a one-time confirmation (a translation key, never
// personal data) across a redirect.
const flashCookie = "cubby_flash"

// redirect sends a 303 after a form post, with an optional confirmation.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flashKey), Path: "/", MaxAge: 60,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// handler adapts a page handler that returns an error; errors become the
// matching error page, and internal details are only logged.
func (s *Server) handler(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, app.ErrUnauthorized):
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	case errors.Is(err, app.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "error.not_found")
	case errors.Is(err, app.ErrRestricted):
		s.errorPage(w, r, http.StatusForbidden, "restriction.records_restricted")
	case errors.Is(err, app.ErrForbidden):
		s.errorPage(w, r, http.StatusForbidden, "error.forbidden")
	case errors.Is(err, app.ErrArchived):
		s.errorPage(w, r, http.StatusConflict, "archived.read_only")
	case errors.As(err, &mbe):
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
	default:
		s.log.Error("page", "id", RequestID(r.Context()), "route", r.Pattern, "err", err)
		s.serverError(w, r)
	}
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	p := s.page(w, r, "error.title")
	p.Error = p.L.T(key)
	p.Data = RequestID(r.Context())
	s.render(w, r, status, "error", p)
}

// serverError answers 500 without relying on anything that might itself
// have failed (templates, the session).
func (s *Server) serverError(w http.ResponseWriter, r *http.Request) {
	l := i18n.FromContext(r.Context())
	msg := "Something went wrong on our side. Please try again in a moment."
	if l != nil {
		msg = l.T("error.internal")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write([]byte(msg + "\n" + RequestID(r.Context()) + "\n"))
}

// requireLogin returns the session or ErrUnauthorized (which redirects to
// the login page).
func requireLogin(r *http.Request) (*app.Session, error) {
	if s := app.SessionFrom(r.Context()); s != nil {
		return s, nil
	}
	return nil, app.ErrUnauthorized
}

// localPath accepts only same-site paths for ?next= and back links, so
// Cubby is never an open redirect.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

// isNotFound reports an error meaning "no such thing (for you)".
func isNotFound(err error) bool { return errors.Is(err, app.ErrNotFound) }

// fieldErr is a field's error message as templates show it.
type fieldErr struct{ ID, Msg string }

// errFor returns the error of one form field, or nil.
func errFor(p *Page, field string) *fieldErr {
	if msg, ok := p.Errors[field]; ok {
		return &fieldErr{ID: field, Msg: msg}
	}
	return nil
}
