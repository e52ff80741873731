package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/i18n"
	"cubby/internal/testenv"
	"cubby/internal/web"
)

// login posts the login form and returns the client holding the cookie.
func login(t *testing.T, env *testenv.Env, who string) *http.Client {
	t.Helper()
	c := env.Client()
	resp, err := c.PostForm(env.URL+"/login", url.Values{"login": {who}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", who, resp.StatusCode)
	}
	return c
}

func get(t *testing.T, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, testenv.ReadAll(t, resp.Body), resp.Header
}

func TestPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			visitor := env.Client()

			status, body, h := get(t, visitor, env.URL+"/")
			if status != 200 || !strings.Contains(body, "The classroom community your school runs itself.") {
				t.Fatalf("visitor home: %d", status)
			}
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP: %q", csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("security headers missing: %v", h)
			}

			// Protected pages send visitors to the login page.
			resp, _ := visitor.Get(env.URL + "/classes")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
				t.Errorf("visitor /classes: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}

			teacher := login(t, env, demo.TeacherEmail)
			status, body, _ = get(t, teacher, env.URL+"/")
			if status != 200 || !strings.Contains(body, "Class 3 Sunflowers") || strings.Contains(body, "Class 4 Explorers") {
				t.Fatalf("teacher home should list only their class: %d\n%s", status, body)
			}
			if !strings.Contains(body, "Welcome back, Ms. Alvarez!") {
				t.Errorf("no welcome confirmation after login")
			}
			status, body, _ = get(t, teacher, env.URL+"/classes")
			if status != 200 || !strings.Contains(body, "25 students") {
				t.Errorf("classes page: %d", status)
			}
			id := classID(t, body, "Class 3 Sunflowers")
			status, body, _ = get(t, teacher, env.URL+"/classes/"+id)
			if status != 200 || !strings.Contains(body, "Ava") || !strings.Contains(body, "<svg class=\"avatar\"") || !strings.Contains(body, "Helping others") {
				t.Errorf("class page: %d", status)
			}
			status, body, _ = get(t, teacher, env.URL+"/classes/"+id+"/students")
			if status != 200 || !strings.Contains(body, "ava.m") {
				t.Errorf("roster page: %d", status)
			}

			// Another teacher's class is not theirs to know about.
			teacher2 := login(t, env, demo.Teacher2Email)
			if status, _, _ := get(t, teacher2, env.URL+"/classes/"+id); status != http.StatusNotFound {
				t.Errorf("teacher2 sees teacher's class: %d", status)
			}
			if status, _, _ := get(t, teacher2, env.URL+"/classes/not-a-number"); status != http.StatusNotFound {
				t.Errorf("bad id: %d", status)
			}

			leader := login(t, env, demo.LeaderEmail)
			status, body, _ = get(t, leader, env.URL+"/")
			if status != 200 || !strings.Contains(body, "Maple Grove Community School") || !strings.Contains(body, "Class 4 Explorers") {
				t.Errorf("leader home: %d", status)
			}
			if status, _, _ := get(t, leader, env.URL+"/classes/"+id); status != 200 {
				t.Errorf("leader cannot see a class of their school: %d", status)
			}

			parent := login(t, env, demo.ParentEmail)
			status, body, _ = get(t, parent, env.URL+"/")
			if status != 200 || !strings.Contains(body, "Ava Martin") || !strings.Contains(body, "Elena Martin") || strings.Contains(body, "Mateo") {
				t.Errorf("parent home should list exactly their two children: %d", status)
			}
			if status, _, _ := get(t, parent, env.URL+"/classes/"+id); status != http.StatusNotFound {
				t.Errorf("parent sees a class page: %d", status)
			}

			student := login(t, env, demo.StudentUsername)
			status, body, _ = get(t, student, env.URL+"/")
			if status != 200 || !strings.Contains(body, "Hi, Ava!") {
				t.Errorf("student home: %d", status)
			}

			// Logging out ends the session on the server, not only the cookie.
			resp, err := teacher.PostForm(env.URL+"/logout", nil)
			if err != nil || resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %v %d", err, resp.StatusCode)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, demo.TeacherEmail).Scan(&n)
			if n != 0 {
				t.Errorf("teacher session survives logout")
			}
		})
	}
}

func classID(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, name)
	j := strings.LastIndex(body[:i], `href="/classes/`)
	if i < 0 || j < 0 {
		t.Fatalf("no link to %s", name)
	}
	rest := body[j+len(`href="/classes/`):]
	return rest[:strings.Index(rest, `"`)]
}

func TestLoginErrors(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := env.Client()
			post := func(login, password string) (int, string) {
				resp, err := c.PostForm(env.URL+"/login", url.Values{"login": {login}, "password": {password}})
				if err != nil {
					t.Fatal(err)
				}
				return resp.StatusCode, testenv.ReadAll(t, resp.Body)
			}
			s1, b1 := post(demo.TeacherEmail, "wrong password")
			s2, b2 := post("nobody@demo.cubby.test", "wrong password")
			if s1 != 401 || s2 != 401 {
				t.Fatalf("statuses %d %d", s1, s2)
			}
			msg := "That email or password is not right."
			if !strings.Contains(b1, msg) || !strings.Contains(b2, msg) {
				t.Errorf("unknown account and wrong password must read the same")
			}
			if !strings.Contains(b1, `value="teacher@demo.cubby.test"`) {
				t.Errorf("the typed login is lost on error")
			}
			if s, b := post("", ""); s != 400 || !strings.Contains(b, "Enter your email or username and your password.") {
				t.Errorf("empty form: %d", s)
			}
			// A login with a long value is refused without a 500.
			if s, _ := post(strings.Repeat("a", 5000), "x"); s != 401 {
				t.Errorf("long login: %d", s)
			}
			// next= never leads off-site.
			resp, _ := c.PostForm(env.URL+"/login", url.Values{"login": {demo.TeacherEmail}, "password": {demo.Password}, "next": {"//evil.example/"}})
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("open redirect: %q", loc)
			}
			// After ten wrong passwords the right one is refused, and the
			// page says how long to wait (the lock lasts 15 minutes).
			for range 10 {
				post(demo.ParentEmail, "wrong password")
			}
			if s, b := post(demo.ParentEmail, demo.Password); s != http.StatusTooManyRequests || !strings.Contains(b, "Try again in 15 minutes.") {
				t.Errorf("the right password after ten wrong ones: %d, and the page does not say how long to wait", s)
			}
		})
	}
}

// Waits are said in whole minutes, rounded up, or hours when long.
func TestWaitMessage(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang string
		wait time.Duration
		want string
	}{
		{"en", 14*time.Minute + time.Second, "Try again in 15 minutes."},
		{"en", 20 * time.Second, "Try again in 1 minute."},
		{"en", 24 * time.Hour, "Try again in 24 hours."},
		{"es", 15 * time.Minute, "dentro de 15 minutos."},
		{"ar", 2 * time.Minute, "بعد دقيقتين."},
	} {
		if got := web.WaitMessage(cat.Localizer(c.lang), c.wait); !strings.HasSuffix(got, c.want) {
			t.Errorf("%s %v: %q, want …%q", c.lang, c.wait, got, c.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := env.Client()
			req, _ := http.NewRequest("GET", env.URL+"/", nil)
			req.Header.Set("Accept-Language", "es-MX,es;q=0.9")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := testenv.ReadAll(t, resp.Body)
			if !strings.Contains(body, `lang="es"`) || !strings.Contains(body, "Iniciar sesión") {
				t.Errorf("Accept-Language es not honoured")
			}
			// A visitor's choice wins over the browser, and Arabic is right-to-left.
			resp, _ = c.PostForm(env.URL+"/language", url.Values{"lang": {"ar"}, "back": {"/login"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
				t.Fatalf("set language: %d", resp.StatusCode)
			}
			_, body, _ = get(t, c, env.URL+"/login")
			if !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, `lang="ar"`) {
				t.Errorf("Arabic page is not rtl")
			}
			// Switching language keeps the page's query (a search, a date range).
			if _, body, _ := get(t, c, env.URL+"/login?next=/settings"); !strings.Contains(body, `name="back" value="/login?next=/settings"`) {
				t.Errorf("the language form drops the query")
			}
			// An unknown language is a clear 400, not a 500.
			resp, _ = c.PostForm(env.URL+"/language", url.Values{"lang": {"xx"}})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown language: %d", resp.StatusCode)
			}
			// A logged-in user's choice is saved in their account.
			teacher := login(t, env, demo.TeacherEmail)
			teacher.PostForm(env.URL+"/language", url.Values{"lang": {"fr"}, "back": {"/"}})
			var lang string
			env.DB.R.QueryRow(`SELECT language FROM users WHERE email = $1`, demo.TeacherEmail).Scan(&lang)
			if lang != "fr" {
				t.Errorf("language saved as %q", lang)
			}
		})
	}
}

func TestOperatorEndpointsAndLogs(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := env.Client()
			for _, p := range []string{"/healthz", "/readyz"} {
				if s, b, _ := get(t, c, env.URL+p); s != 200 || b != "ok\n" {
					t.Errorf("%s: %d %q", p, s, b)
				}
			}
			login(t, env, demo.TeacherEmail)
			get(t, c, env.URL+"/no/such/page?token=secret-in-query")
			s, b, _ := get(t, c, env.URL+"/metrics")
			if s != 200 || !strings.Contains(b, `cubby_http_requests_total{method="POST",route="POST /login",status="303"} 1`) {
				t.Errorf("metrics: %d\n%s", s, b)
			}
			if s, _, _ := get(t, c, env.URL+"/no/such/page"); s != 404 {
				t.Errorf("unknown page: %d", s)
			}
			logs := env.Logs.String()
			for _, secret := range []string{demo.TeacherEmail, "Alvarez", "secret-in-query", demo.Password, "127.0.0.1\""} {
				if strings.Contains(logs, secret) {
					t.Errorf("logs contain %q", secret)
				}
			}
			if !strings.Contains(logs, `"ip":"127.0.0.0/24"`) {
				t.Errorf("logs lack the truncated IP:\n%s", logs)
			}
		})
	}
}

func TestStaticAssetsAreFingerprintedAndCached(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "static assets and the home page read no database"))
	c := env.Client()
	_, body, _ := get(t, c, env.URL+"/")
	i := strings.Index(body, `href="/static/app.`)
	if i < 0 {
		t.Fatal("no fingerprinted stylesheet")
	}
	href := body[i+6:]
	href = href[:strings.Index(href, `"`)]
	resp, err := c.Get(env.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("asset %s: %d %v", href, resp.StatusCode, resp.Header)
	}
	if s, _, _ := get(t, c, env.URL+"/static/nope.css"); s != 404 {
		t.Errorf("missing asset: %d", s)
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			req, _ := http.NewRequest("POST", env.URL+"/login", strings.NewReader("login=teacher%40demo.cubby.test&password=cubby-demo"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Origin", "https://evil.example")
			resp, err := env.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site login post: %d", resp.StatusCode)
			}
		})
	}
}

func TestLoginReplacesTheOldSession(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := login(t, env, demo.TeacherEmail)
			resp, _ := c.PostForm(env.URL+"/login", url.Values{"login": {demo.TeacherEmail}, "password": {demo.Password}})
			resp.Body.Close()
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM sessions`).Scan(&n)
			if n != 1 {
				t.Errorf("%d sessions after logging in twice in one browser, want 1", n)
			}
		})
	}
}
