package web_test

import (
	"net/http"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// TestPageAccessMatrix opens every page as every account type and as a
// visitor. 303 to /login means "log in first"; 303 to / means "you are
// already logged in"; 404 means "not yours to know about".
func TestPageAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			const ok, toLogin, home, notFound = "200", "login", "home", "404"
			cases := []struct {
				path string
				want map[string]string // visitor, teacher, teacher2, leader, parent, student
			}{
				{"/", map[string]string{"visitor": ok, "teacher": ok, "teacher2": ok, "leader": ok, "parent": ok, "student": ok}},
				{"/login", map[string]string{"visitor": ok, "teacher": home, "teacher2": home, "leader": home, "parent": home, "student": home}},
				{"/signup", map[string]string{"visitor": ok, "teacher": home, "teacher2": home, "leader": home, "parent": home, "student": home}},
				{"/signup/student", map[string]string{"visitor": ok, "teacher": home, "teacher2": home, "leader": home, "parent": home, "student": home}},
				{"/password/forgot", map[string]string{"visitor": ok, "teacher": ok, "teacher2": ok, "leader": ok, "parent": ok, "student": ok}},
				{"/settings", map[string]string{"visitor": toLogin, "teacher": ok, "teacher2": ok, "leader": ok, "parent": ok, "student": ok}},
				{"/settings/delete", map[string]string{"visitor": toLogin, "teacher": ok, "teacher2": ok, "leader": ok, "parent": ok, "student": ok}},
				{"/classes", map[string]string{"visitor": toLogin, "teacher": ok, "teacher2": ok, "leader": ok, "parent": "403", "student": "403"}},
				{"/classes/1", map[string]string{"visitor": toLogin, "teacher": ok, "teacher2": notFound, "leader": ok, "parent": notFound, "student": notFound}},
				{"/consent?token=nope", map[string]string{"visitor": notFound, "teacher": notFound, "teacher2": notFound, "leader": notFound, "parent": notFound, "student": notFound}},
				{"/password/reset?token=nope", map[string]string{"visitor": notFound, "teacher": notFound, "teacher2": notFound, "leader": notFound, "parent": notFound, "student": notFound}},
			}
			clients := map[string]*http.Client{"visitor": env.Client()}
			for kind, who := range map[string]string{"teacher": demo.TeacherEmail, "teacher2": demo.Teacher2Email, "leader": demo.LeaderEmail,
				"parent": demo.ParentEmail, "student": demo.StudentUsername} {
				clients[kind] = login(t, env, who)
			}
			for _, c := range cases {
				for kind, want := range c.want {
					resp, err := clients[kind].Get(env.URL + c.path)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					got := http.StatusText(resp.StatusCode)
					switch {
					case resp.StatusCode == 200:
						got = ok
					case resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/":
						got = home
					case resp.StatusCode == http.StatusSeeOther && len(resp.Header.Get("Location")) >= 6 && resp.Header.Get("Location")[:6] == "/login":
						got = toLogin
					default:
						got = http.StatusText(resp.StatusCode)
						if resp.StatusCode == 404 {
							got = notFound
						} else if resp.StatusCode == 403 {
							got = "403"
						}
					}
					if got != want {
						t.Errorf("%s as %s: got %s, want %s", c.path, kind, got, want)
					}
				}
			}
		})
	}
}
