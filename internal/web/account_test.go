package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, testenv.ReadAll(t, resp.Body), resp.Header.Get("Location")
}

func TestSignUpPagesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := env.Client()
			status, body, _ := get(t, c, env.URL+"/signup?type=parent")
			if status != 200 || !strings.Contains(body, `name="type" value="parent"`) || !strings.Contains(body, "why we ask") && !strings.Contains(body, "class=\"why\"") {
				t.Fatalf("signup form: %d", status)
			}
			// Errors come back next to their fields, with what was typed kept
			// (but never the password).
			status, body, _ = post(t, c, env.URL+"/signup", url.Values{"type": {"parent"}, "first_name": {"Lena"}, "last_name": {""},
				"email": {"lena@"}, "password": {"123456"}, "language": {"en"}})
			if status != 400 || !strings.Contains(body, `id="email-error"`) || !strings.Contains(body, `id="last_name-error"`) ||
				!strings.Contains(body, "at least 8") || !strings.Contains(body, `value="Lena"`) || strings.Contains(body, `value="123456"`) {
				t.Fatalf("invalid signup: %d\n%s", status, body)
			}
			status, _, loc := post(t, c, env.URL+"/signup", url.Values{"type": {"parent"}, "title": {"Ms."}, "first_name": {"Lena"}, "last_name": {"Berg"},
				"email": {"lena.berg@example.org"}, "password": {"garden kettle moon"}, "language": {"fr"}})
			if status != http.StatusSeeOther || loc != "/" {
				t.Fatalf("signup: %d %s", status, loc)
			}
			_, body, _ = get(t, c, env.URL+"/")
			if !strings.Contains(body, `lang="fr"`) || !strings.Contains(body, "lena.berg@example.org") || !strings.Contains(body, `action="/settings/verify"`) {
				t.Errorf("new account should see the French page with the confirm-your-address banner")
			}
			link := testenv.LinkIn(t, env.LastEmail(t, "lena.berg@example.org"), env.URL+"/verify")
			resp, _ := c.Get(link)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("verify link: %d", resp.StatusCode)
			}
			_, body, _ = get(t, c, env.URL+"/")
			if strings.Contains(body, `action="/settings/verify"`) {
				t.Error("banner still shown after verifying")
			}
			if s, _, _ := get(t, c, link); s != http.StatusNotFound {
				t.Errorf("used link: %d", s)
			}
		})
	}
}

func TestSettingsPagesForEveryAccountType(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			for _, who := range []string{demo.TeacherEmail, demo.LeaderEmail, demo.ParentEmail, demo.StudentUsername} {
				c := login(t, env, who)
				status, body, _ := get(t, c, env.URL+"/settings")
				if status != 200 || !strings.Contains(body, "Where you are logged in") {
					t.Errorf("%s settings: %d", who, status)
				}
				// Each consent is named and its withdrawal explained in words, never by
				// a catalog key (the demo parent's media consent, for one).
				if strings.Contains(body, "consent.purpose.") || strings.Contains(body, "consent.withdraw_effect") {
					t.Errorf("%s settings show a consent by its catalog key", who)
				}
				if who == demo.ParentEmail && !strings.Contains(body, "Photos in Class Story, seen by the class&#39;s families") {
					t.Errorf("the parent's media consent is not named on their settings")
				}
				staff := who == demo.TeacherEmail || who == demo.LeaderEmail
				if got := strings.Contains(body, "Two-factor login"); got != staff {
					t.Errorf("%s: two-factor section shown=%v", who, got)
				}
			}
			visitor := env.Client()
			resp, _ := visitor.Get(env.URL + "/settings")
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("visitor settings: %d", resp.StatusCode)
			}
			// Profile changes are validated and saved.
			c := login(t, env, demo.ParentEmail)
			status, body, _ := post(t, c, env.URL+"/settings/profile", url.Values{"title": {"Dr."}, "first_name": {""}, "last_name": {"Martin"}, "language": {"en"}})
			if status != 400 || !strings.Contains(body, `id="first_name-error"`) {
				t.Errorf("empty first name: %d", status)
			}
			status, _, _ = post(t, c, env.URL+"/settings/profile", url.Values{"title": {"Dr."}, "first_name": {"Helena"}, "last_name": {"Martin"}, "language": {"es"}})
			if status != http.StatusSeeOther {
				t.Errorf("profile save: %d", status)
			}
			_, body, _ = get(t, c, env.URL+"/settings")
			if !strings.Contains(body, "Guardado.") || !strings.Contains(body, `value="Helena"`) {
				t.Errorf("saved profile not shown in Spanish")
			}
			// Log out other devices.
			other := login(t, env, demo.ParentEmail)
			post(t, c, env.URL+"/settings/sessions/logout-others", nil)
			resp, _ = other.Get(env.URL + "/settings")
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("other device still logged in: %d", resp.StatusCode)
			}
			// The delete page says what happens and when, in the person's language.
			if s, body, _ := get(t, c, env.URL+"/settings/delete"); s != 200 || !strings.Contains(body, "14 días") || !strings.Contains(body, `id="delete-account"`) {
				t.Errorf("delete page: %d", s)
			}
		})
	}
}

func TestPasswordResetPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := env.Client()
			known, kbody, _ := post(t, c, env.URL+"/password/forgot", url.Values{"email": {demo.TeacherEmail}})
			unknown, ubody, _ := post(t, c, env.URL+"/password/forgot", url.Values{"email": {"nobody@demo.cubby.test"}})
			if known != 200 || unknown != 200 || kbody != ubody {
				t.Errorf("the answer must not reveal whether an account exists")
			}
			link := testenv.LinkIn(t, env.LastEmail(t, demo.TeacherEmail), env.URL+"/password/reset")
			u, _ := url.Parse(link)
			if s, body, _ := get(t, c, link); s != 200 || !strings.Contains(body, `name="token"`) {
				t.Fatalf("reset form: %d", s)
			}
			if s, body, _ := post(t, c, env.URL+"/password/reset", url.Values{"token": {u.Query().Get("token")}, "password": {"short"}}); s != 400 || !strings.Contains(body, "at least 8") {
				t.Errorf("short password: %d", s)
			}
			if s, _, loc := post(t, c, env.URL+"/password/reset", url.Values{"token": {u.Query().Get("token")}, "password": {"purple otter canyon"}}); s != http.StatusSeeOther || loc != "/login" {
				t.Errorf("reset: %d %s", s, loc)
			}
			if s, _, _ := get(t, c, link); s != http.StatusNotFound {
				t.Errorf("used reset link: %d", s)
			}
			if s, _, _ := post(t, env.Client(), env.URL+"/login", url.Values{"login": {demo.TeacherEmail}, "password": {"purple otter canyon"}}); s != http.StatusSeeOther {
				t.Errorf("login with new password: %d", s)
			}
		})
	}
}

func TestStudentSignUpPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := env.Client()
			status, body, _ := get(t, c, env.URL+"/signup/student")
			// The age question is neutral: nothing pre-selected.
			if status != 200 {
				t.Fatalf("age form: %d", status)
			}
			for _, sel := range []string{`name="birth_month"`, `name="birth_year"`} {
				i := strings.Index(body, sel)
				if i < 0 || strings.Contains(body[i:i+strings.Index(body[i:], "</select>")], "selected") {
					t.Errorf("%s must offer no pre-selected answer", sel)
				}
			}
			young := strconv.Itoa(time.Now().Year() - 9)
			status, body, _ = post(t, c, env.URL+"/signup/student", url.Values{"step": {"age"}, "first_name": {"Ivy"}, "birth_month": {"2"}, "birth_year": {young}, "language": {"en"}})
			if status != 200 || !strings.Contains(body, `name="parent_email"`) || strings.Contains(body, `name="password"`) {
				t.Fatalf("under-age child should be asked only for a parent's address: %d", status)
			}
			status, body, _ = post(t, c, env.URL+"/signup/student", url.Values{"step": {"parent"}, "first_name": {"Ivy"}, "birth_month": {"2"}, "birth_year": {young},
				"language": {"en"}, "parent_email": {"ivy.parent@example.org"}, "parent_language": {"es"}})
			if status != 200 || !strings.Contains(body, "We emailed your parent") {
				t.Fatalf("waiting page: %d", status)
			}
			link := testenv.LinkIn(t, env.LastEmail(t, "ivy.parent@example.org"), env.URL+"/consent")
			status, body, _ = get(t, c, link)
			if status != 200 || !strings.Contains(body, "Ivy") || !strings.Contains(body, "never sells") && !strings.Contains(body, "nunca") {
				t.Fatalf("consent page: %d", status)
			}
			u, _ := url.Parse(link)
			status, _, loc := post(t, c, env.URL+"/consent", url.Values{"token": {u.Query().Get("token")}, "decision": {"approve"}, "username": {"ivy.w"}, "password": {"blue heron sings"}})
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/consent/manage?token=") {
				t.Fatalf("approve: %d %s", status, loc)
			}
			if s, body, _ := get(t, c, env.URL+loc); s != 200 || !strings.Contains(body, "ivy.w") {
				t.Errorf("manage page: %d", s)
			}
			if s, _, _ := post(t, env.Client(), env.URL+"/login", url.Values{"login": {"ivy.w"}, "password": {"blue heron sings"}}); s != http.StatusSeeOther {
				t.Errorf("child login after approval: %d", s)
			}
			// Bad ages are explained, not crashed on.
			status, body, _ = post(t, c, env.URL+"/signup/student", url.Values{"step": {"age"}, "first_name": {"Ivy"}, "birth_month": {"14"}, "birth_year": {"abc"}, "language": {"en"}})
			if status != 400 || !strings.Contains(body, `id="birth_month-error"`) {
				t.Errorf("bad age: %d", status)
			}
		})
	}
}
