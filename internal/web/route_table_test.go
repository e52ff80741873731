package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cubby/internal/api"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
	"cubby/internal/web"
)

// probe is one route of a table as the walker sees it.
type probe struct {
	Method, Pattern string
	Skip            bool // not walked: public, or exempt from two-factor
}

func (p probe) String() string { return strings.TrimSpace(p.Method + " " + p.Pattern) }

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// path fills a pattern's wildcards: any value reaches the route's wrapper,
// which must answer before the handler reads it.
func (p probe) path() string {
	return wildcard.ReplaceAllStringFunc(p.Pattern, func(w string) string {
		if w == "{$}" {
			return ""
		}
		return "1"
	})
}

// walk asks every route that is not skipped and returns those whose answer
// want refuses, with what they answered.
func walk(routes []probe, do func(method, path string) *http.Response, want func(*http.Response) bool) []string {
	var wrong []string
	for _, rt := range routes {
		if rt.Skip {
			continue
		}
		method := rt.Method
		if method == "" {
			method = "GET"
		}
		resp := do(method, rt.path())
		if !want(resp) {
			wrong = append(wrong, rt.String()+": "+resp.Status+" "+resp.Header.Get("Location"))
		}
	}
	return wrong
}

func doer(t *testing.T, c *http.Client, base string) func(method, path string) *http.Response {
	return func(method, path string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
}

func loginRedirect(resp *http.Response) bool {
	return resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?next=")
}

func twoFactorRedirect(resp *http.Response) bool {
	return resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/settings#twofactor"
}

func status(code int) func(*http.Response) bool {
	return func(resp *http.Response) bool {
		return resp.StatusCode == code && resp.Header.Get("Content-Type") == "application/problem+json"
	}
}

// The routes that answer visitors. Making a route public is a decision this
// list records; a route missing from it needs a login.
var (
	publicPages = []string{
		"/", "GET /{$}", "GET /login", "POST /login", "POST /logout", "POST /language", "GET /login/2fa", "POST /login/2fa",
		"GET /login/class", "POST /login/class", "POST /login/class/pick", "GET /login/card", "POST /login/card",
		"GET /signup", "POST /signup", "GET /signup/student", "POST /signup/student", "GET /verify",
		"GET /password/forgot", "POST /password/forgot", "GET /password/reset", "POST /password/reset",
		"GET /consent", "POST /consent", "GET /consent/manage", "POST /consent/withdraw", "POST /children/back",
		"GET /transparency", "GET /transparency.json", "GET /transparency/versions", "GET /transparency/versions/{version}",
		"GET /transparency/record", "GET /transparency/record.json", "GET /transparency/record.csv",
		"GET /unsubscribe", "POST /unsubscribe", "GET /notifications/unsubscribe", "POST /notifications/unsubscribe", "GET /invite", "GET /invite/signup", "POST /invite/signup", "GET /schools/search",
		// Asking for help, from every page's footer (help.go).
		"GET /help", "POST /help",
		// The installable app: browsers fetch these without a login (pwa.go).
		"GET /manifest.webmanifest", "GET /sw.js", "GET /offline",
	}
	publicOps = []string{
		"POST /auth/login", "POST /auth/signup", "POST /auth/student-signup", "POST /auth/verify",
		"POST /auth/password/forgot", "POST /auth/password/reset", "GET /schools/search", "GET /invitations/{token}",
		// Asking for help, logged in or not (api/help.go).
		"POST /help-requests",
	}
)

func tables(t *testing.T, env *testenv.Env) ([]web.Route, []api.Op) {
	log := slog.New(slog.DiscardHandler)
	srv, err := web.New(env.App, env.App.I18n, log)
	if err != nil {
		t.Fatal(err)
	}
	return srv.Routes(), api.New(env.App, env.App.I18n, log).Ops()
}

// Every route of both tables needs a login unless it says Public: a
// visitor is sent to the login page (web) or answered 401 (API) before any
// handler runs. Staff whose school requires two-factor login, not set up
// yet, are sent to set it up (web) or answered 403 (API) on every route not
// exempt from it.
func TestRouteTablesRequireLogin(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			routes, ops := tables(t, env)
			var pages, pagesTwoFactor, endpoints, endpointsTwoFactor []probe
			var public []string
			for _, rt := range routes {
				pages = append(pages, probe{Method: rt.Method, Pattern: rt.Pattern, Skip: rt.Public})
				pagesTwoFactor = append(pagesTwoFactor, probe{Method: rt.Method, Pattern: rt.Pattern, Skip: rt.TwoFactorExempt})
				if rt.Public {
					public = append(public, probe{Method: rt.Method, Pattern: rt.Pattern}.String())
				}
			}
			if len(pages) < 100 {
				t.Fatalf("only %d web routes: the table is not the one served", len(pages))
			}
			slices.Sort(public)
			if want := slices.Sorted(slices.Values(publicPages)); !slices.Equal(public, want) {
				t.Errorf("public web routes:\n got %q\nwant %q", public, want)
			}
			public = nil
			for _, op := range ops {
				endpoints = append(endpoints, probe{Method: op.Method, Pattern: "/api/v1" + op.Path, Skip: op.Public})
				endpointsTwoFactor = append(endpointsTwoFactor, probe{Method: op.Method, Pattern: "/api/v1" + op.Path, Skip: op.TwoFactorExempt})
				if op.Public {
					public = append(public, op.Method+" "+op.Path)
				}
			}
			slices.Sort(public)
			if want := slices.Sorted(slices.Values(publicOps)); !slices.Equal(public, want) {
				t.Errorf("public API ops:\n got %q\nwant %q", public, want)
			}

			visitor := doer(t, env.Client(), env.URL)
			for _, w := range walk(pages, visitor, loginRedirect) {
				t.Errorf("a visitor is not sent to log in: %s", w)
			}
			for _, w := range walk(endpoints, visitor, status(http.StatusUnauthorized)) {
				t.Errorf("a visitor is not answered 401: %s", w)
			}

			// The school requires two-factor login, which the teacher has
			// not set up; their session goes to both tables (the API takes
			// the web's session cookie as well as a bearer token).
			var school int64
			if err := env.DB.R.QueryRow(`SELECT id FROM schools WHERE source = 'demo'`).Scan(&school); err != nil {
				t.Fatal(err)
			}
			if err := store.SetSchoolAccess(context.Background(), env.DB.W, school, store.SchoolAccess{RequireTwoFactor: true}); err != nil {
				t.Fatal(err)
			}
			teacher := doer(t, login(t, env, demo.TeacherEmail), env.URL)
			for _, w := range walk(pagesTwoFactor, teacher, twoFactorRedirect) {
				t.Errorf("staff without two-factor are not sent to set it up: %s", w)
			}
			for _, w := range walk(endpointsTwoFactor, teacher, status(http.StatusForbidden)) {
				t.Errorf("staff without two-factor are not answered 403: %s", w)
			}
			if resp := teacher("GET", "/settings"); resp.StatusCode != http.StatusOK {
				t.Errorf("the settings, where two-factor is set up, answer %s", resp.Status)
			}
		})
	}
}

// The walker reports a route that forgets its login: here one registered
// on the mux beside the wrapper rather than through it, as a page added
// outside the table would be, while the table says it needs a login.
func TestRouteWalkerCatchesAForgottenLogin(t *testing.T) {
	t.Parallel()
	gate := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if _, err := r.Cookie("session"); err != nil {
				http.Redirect(w, r, "/login?next="+r.URL.Path, http.StatusSeeOther)
				return
			}
			h(w, r)
		}
	}
	page := func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("private")) }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /classes/{id}", gate(page))
	mux.HandleFunc("POST /classes/{id}/points", gate(page))
	mux.HandleFunc("GET /classes/{id}/report", page) // forgot
	mux.HandleFunc("GET /login", page)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	table := []probe{
		{Method: "GET", Pattern: "/classes/{id}"},
		{Method: "POST", Pattern: "/classes/{id}/points"},
		{Method: "GET", Pattern: "/classes/{id}/report"},
		{Method: "GET", Pattern: "/login", Skip: true},
	}
	wrong := walk(table, doer(t, c, srv.URL), loginRedirect)
	if len(wrong) != 1 || !strings.HasPrefix(wrong[0], "GET /classes/{id}/report: 200") {
		t.Errorf("the walker should report the forgotten route only: %q", wrong)
	}
}
