package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// The join-a-class pages: a self-registered student asks with the class
// code, a wrong code is a 400 that says so, the teacher sees the request
// and lets them in, and the student's home then shows their class.
func TestClassJoinPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			_, err := env.App.SignUpStudent(ctx, app.StudentSignup{Age: app.AgeCheck{BirthYear: time.Now().Year() - 17, BirthMonth: 1},
				FirstName: "Noor", Language: "en", Username: "noor.k", Password: demo.Password})
			if err != nil {
				t.Fatal(err)
			}
			student, teacher, parent := login(t, env, "noor.k"), login(t, env, demo.TeacherEmail), login(t, env, demo.ParentEmail)
			if st, body, _ := get(t, student, env.URL+"/"); st != 200 || !strings.Contains(body, `href="/join-class"`) {
				t.Fatalf("the student's home: %d, no way to join a class", st)
			}
			if st, body, _ := get(t, student, env.URL+"/join-class"); st != 200 || !strings.Contains(body, `name="code"`) {
				t.Fatalf("GET /join-class: %d", st)
			}
			st, body, _ := post(t, student, env.URL+"/join-class", url.Values{"code": {"NOPE42"}})
			if st != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), "That class code does not work") {
				t.Fatalf("a wrong code: %d", st)
			}
			ts := teacherSession(t, env)
			var classID int64
			for id := range ts.Actor.Classes {
				classID = id
			}
			code, _, err := env.App.RotateClassCode(ctx, ts, classID)
			if err != nil {
				t.Fatal(err)
			}
			if st, _, loc := post(t, student, env.URL+"/join-class", url.Values{"code": {code}}); st != http.StatusSeeOther || loc != "/join-class" {
				t.Fatalf("asking: %d → %q", st, loc)
			}
			if st, body, _ := get(t, student, env.URL+"/join-class"); st != 200 || !strings.Contains(body, "waiting for your teacher") {
				t.Fatalf("after asking: %d", st)
			}
			page := env.URL + "/classes/" + strconv.FormatInt(classID, 10) + "/join-requests"
			if st, _, _ := get(t, parent, page); st != http.StatusNotFound {
				t.Errorf("a parent opens the join requests: %d", st)
			}
			st, body, _ = get(t, teacher, page)
			if st != 200 || !strings.Contains(body, "Noor") {
				t.Fatalf("the teacher's join requests: %d", st)
			}
			i := strings.Index(body, `action="/class-join-requests/`)
			approve := body[i+len(`action="`):]
			approve = approve[:strings.Index(approve, `"`)]
			if st, _, _ := post(t, parent, env.URL+approve, url.Values{"class": {strconv.FormatInt(classID, 10)}}); st != http.StatusNotFound {
				t.Errorf("a parent lets the student in: %d", st)
			}
			if st, _, loc := post(t, teacher, env.URL+approve, url.Values{"class": {strconv.FormatInt(classID, 10)}}); st != http.StatusSeeOther || !strings.HasSuffix(loc, "/join-requests") {
				t.Fatalf("letting in: %d → %q", st, loc)
			}
			if _, body, _ := get(t, teacher, page); !strings.Contains(body, "No one is waiting") {
				t.Error("the request is still open after it was answered")
			}
			if _, body, _ := get(t, student, env.URL+"/"); strings.Contains(body, `href="/join-class"`) {
				t.Error("the student's home still asks them to join a class")
			}
		})
	}
}

func teacherSession(t *testing.T, env *testenv.Env) *app.Session {
	t.Helper()
	token, _, err := env.App.Login(context.Background(), app.Credentials{Login: demo.TeacherEmail, Password: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	s, err := env.App.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
