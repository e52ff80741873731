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
	"time"

	"cubby/internal/api"
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
		// skillIcon draws a skill's picture (skill_icons.go).
		"skillIcon": skillIcon,
		"list":      func(v ...string) []string { return v },
		// signed and clock write numbers and times that sit in
		// right-to-left text (format_numbers.go).
		"signed":    signed,
		"clock":     func(t time.Time) template.HTML { return clock(s.app.Location, t) },
		"weekClock": s.weekClock,
		// Courtesy titles in the reader's language (format_numbers.go).
		"titleOption": titleOption,
		"displayName": displayName,
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
	// Count is a number waiting there (unread messages), CountLabel what
	// it means, for screen readers (message_live.go).
	Count      int
	CountLabel string
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
	s.messageNav(r, p) // message_live.go
	p.Notice = s.noticeBanner(r, p)
	p.Error = s.flashError(w, r, l) // a refused form's message (forms_redirect.go)
	if c, err := r.Cookie(flashCookie); err == nil {
		if key, err := url.QueryUnescape(c.Value); err == nil && l.Has(key) {
			name := ""
			if p.User != nil {
				name = displayName(l, p.User)
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
	items = append(items, item("nav.stories", "/stories"))     // story_pages.go
	items = append(items, item("nav.portfolio", "/portfolio")) // portfolio_pages.go
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

// fail answers an error with its error page, as the error table says
// (api.Classify, shared with the API): a visitor is sent to log in, staff
// who must set up two-factor login to their settings; a server fault is
// logged and answered with a safe message; a client that hung up is
// logged as such, not as a fault.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, app.ErrUnauthorized) && !api.ClientGone(r.Context(), err):
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	case errors.Is(err, app.ErrTwoFactorRequired):
		// Staff of a school that requires two-factor login set it up
		// first: right after logging in, and on any page not exempt.
		s.redirect(w, r, "/settings#twofactor", "directory.twofa_required")
		return
	}
	o := api.Classify(r.Context(), err)
	switch {
	case o.Status == api.StatusClientClosedRequest:
		s.log.Debug("page: client gone", "id", RequestID(r.Context()), "route", r.Pattern, "err", err)
		api.MarkClientGone(w)
	case o.Status == http.StatusInternalServerError:
		s.log.Error("page", "id", RequestID(r.Context()), "route", r.Pattern, "err", err)
		s.serverError(w, r)
	default:
		if o.Internal() { // the server's own limits (no file store, busy): the operator's to see
			s.log.Warn("page", "id", RequestID(r.Context()), "route", r.Pattern, "status", o.Status, "err", err)
		}
		o.SetRetryAfter(w)
		l := i18n.FromContext(r.Context())
		msg := l.T(o.Key, o.Args...)
		// A form's one problem that its handler did not show beside the
		// field is still the person's to fix: say which.
		if o.Fields != nil && len(o.Fields.Fields) == 1 {
			for _, fe := range o.Fields.Fields {
				msg = l.T(fe.Key, fe.Args...)
			}
		}
		s.errorMessage(w, r, o.Status, msg)
	}
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.errorMessage(w, r, status, i18n.FromContext(r.Context()).T(key))
}

// errorMessage is the error page with an already translated message.
func (s *Server) errorMessage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := s.page(w, r, "error.title")
	p.Error = msg
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
// the login page). A handler behind a private route of the table needs
// neither it nor loggedInAt: the wrapper checked, and session(r) or
// sessionAt read what it found. They stay for handlers not yet moved.
func requireLogin(r *http.Request) (*app.Session, error) {
	if s := app.SessionFrom(r.Context()); s != nil {
		return s, nil
	}
	return nil, app.ErrUnauthorized
}

// loggedInAt is requireLogin and the numeric id the path names.
func loggedInAt(r *http.Request, name string) (*app.Session, int64, error) {
	sess, err := requireLogin(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := pathID(r, name)
	return sess, id, err
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
