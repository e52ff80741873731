package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A teacher's morning without JavaScript: create a class, paste names,
// take attendance, give the whole class a point, print cards, show the
// class code; a student logs in with it.
func TestClassroomPagesWithoutJavaScript(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher := login(t, env, demo.TeacherEmail)
			s, body, _ := post(t, teacher, env.URL+"/classes", url.Values{"school_id": {"1"}, "name": {""}})
			if s != 400 || !strings.Contains(body, `id="name-error"`) {
				t.Fatalf("empty class name: %d", s)
			}
			s, _, loc := post(t, teacher, env.URL+"/classes", url.Values{"school_id": {"1"}, "name": {"Room 9"}})
			if s != http.StatusSeeOther || !strings.HasSuffix(loc, "/students") {
				t.Fatalf("create class: %d %s", s, loc)
			}
			classURL := env.URL + strings.TrimSuffix(loc, "/students")
			s, _, _ = post(t, teacher, classURL+"/students", url.Values{"names": {"Iris Moreau\nOkoro, Tobi\nLuca\tBianchi\n\n"}})
			if s != http.StatusSeeOther {
				t.Fatalf("paste names: %d", s)
			}
			_, body, _ = get(t, teacher, classURL+"/students")
			for _, want := range []string{"Iris Moreau", "Tobi Okoro", "Luca Bianchi", "iris.m", "tobi.o"} {
				if !strings.Contains(body, want) {
					t.Errorf("roster lacks %q", want)
				}
			}
			// The roster is ordered by first name: Iris, Luca, Tobi.
			ids := regexp.MustCompile(`/students/(\d+)/remove`).FindAllStringSubmatch(body, -1)
			if len(ids) != 3 {
				t.Fatalf("want 3 students, got %d", len(ids))
			}
			iris, luca, tobi := ids[0][1], ids[1][1], ids[2][1]
			// Attendance: Iris absent.
			form := url.Values{"date": {time.Now().In(env.App.Location).Format(time.DateOnly)}, "s" + iris: {"absent"}, "s" + luca: {"present"}, "s" + tobi: {"late"}}
			if s, _, _ := post(t, teacher, classURL+"/attendance", form); s != http.StatusSeeOther {
				t.Fatalf("attendance: %d", s)
			}
			_, body, _ = get(t, teacher, classURL)
			skill := regexp.MustCompile(`name="skill_id" value="(\d+)"`).FindStringSubmatch(body)
			if skill == nil {
				t.Fatal("no skill buttons")
			}
			// Iris alone: refused (absent); whole class: the two present.
			s, _, loc = post(t, teacher, classURL+"/points", url.Values{"student_id": {iris}, "skill_id": {skill[1]}})
			refusedTo(t, teacher, env.URL, s, loc, strings.TrimPrefix(classURL, env.URL), "present today")
			if s, _, _ := post(t, teacher, classURL+"/points", url.Values{"whole_class": {"1"}, "skill_id": {skill[1]}}); s != http.StatusSeeOther {
				t.Errorf("whole class: %d", s)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM points p JOIN students st ON st.id = p.student_id JOIN users u ON u.id = st.user_id WHERE u.first_name IN ('Iris', 'Tobi', 'Luca')`).Scan(&n)
			if n != 2 {
				t.Errorf("%d points given, want 2 (the absent student gets none)", n)
			}
			// New password shown once.
			s, body, _ = post(t, teacher, classURL+"/students/"+tobi+"/password", nil)
			pw := regexp.MustCompile(`class="big-code">([a-z]+-[a-z]+-\d+)<`).FindStringSubmatch(body)
			if s != 200 || pw == nil {
				t.Fatalf("reset password: %d", s)
			}
			if s, _, _ := post(t, env.Client(), env.URL+"/login", url.Values{"login": {"tobi.o"}, "password": {pw[1]}}); s != http.StatusSeeOther {
				t.Errorf("student login with the generated password: %d", s)
			}
			// Login cards and the class code.
			s, body, _ = post(t, teacher, classURL+"/cards", nil)
			if s != 200 || strings.Count(body, `class="login-card"`) != 3 || !strings.Contains(body, `<svg class="qr"`) {
				t.Errorf("login cards: %d", s)
			}
			s, body, _ = post(t, teacher, classURL+"/code", nil)
			code := regexp.MustCompile(`class="big-code"[^>]*>(\w{3}) (\w{3})<`).FindStringSubmatch(body)
			if s != 200 || code == nil {
				t.Fatalf("class code page: %d", s)
			}
			kid := env.Client()
			s, body, _ = post(t, kid, env.URL+"/login/class", url.Values{"code": {strings.ToLower(code[1] + "-" + code[2])}})
			if s != 200 || !strings.Contains(body, "Luca") || strings.Contains(body, "Bianchi") {
				t.Fatalf("class login shows first names only: %d", s)
			}
			if s, _, _ := post(t, kid, env.URL+"/login/class/pick", url.Values{"code": {code[1] + code[2]}, "student_id": {luca}}); s != http.StatusSeeOther {
				t.Fatalf("pick name: %d", s)
			}
			_, body, _ = get(t, kid, env.URL+"/")
			if !strings.Contains(body, "Hi, Luca!") {
				t.Errorf("student home after class-code login")
			}
			if s, body, _ := post(t, env.Client(), env.URL+"/login/class", url.Values{"code": {"NOPE99"}}); s != 400 || !strings.Contains(body, "does not work") {
				t.Errorf("wrong class code: %d", s)
			}
		})
	}
}

// A parent connects with a code and hears the next point live.
func TestParentConnectsAndSeesPointsLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			noah := roster[len(roster)-1]
			c := env.Client()
			post(t, c, env.URL+"/signup", url.Values{"type": {"parent"}, "first_name": {"Jo"}, "last_name": {"Reyes"}, "email": {"jo.reyes@example.org"},
				"password": {"tidy lemon harbor"}, "language": {"en"}})
			if s, body, _ := post(t, c, env.URL+"/children/connect", url.Values{"parent_code": {"XXXX"}}); s != 400 || !strings.Contains(body, "No student has that code") {
				t.Errorf("wrong code: %d", s)
			}
			if s, _, _ := post(t, c, env.URL+"/children/connect", url.Values{"parent_code": {noah.ParentCode}}); s != http.StatusSeeOther {
				t.Fatalf("connect: %d", s)
			}
			_, body, _ := get(t, c, env.URL+"/")
			if !strings.Contains(body, noah.FirstName) || strings.Contains(body, roster[0].FirstName+" "+roster[0].LastName) {
				t.Errorf("parent home shows the wrong children")
			}
			req, _ := http.NewRequest("GET", env.URL+"/events", nil)
			ctx2, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			resp, err := c.Do(req.WithContext(ctx2))
			if err != nil || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("events: %v", err)
			}
			defer resp.Body.Close()
			lines := bufio.NewScanner(resp.Body)
			lines.Scan() // retry:
			token, _, _ := env.App.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password})
			sess, _ := env.App.Authenticate(ctx, token)
			skills, _ := env.App.Skills(ctx, sess, 1)
			if _, err := env.App.AwardPoints(ctx, sess, 1, app.Award{StudentIDs: []int64{noah.ID, roster[0].ID}, SkillID: skills[0].ID}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for lines.Scan() {
				if l := lines.Text(); strings.HasPrefix(l, "data: ") {
					got = append(got, l)
					break
				}
			}
			if len(got) != 1 || !strings.Contains(got[0], skills[0].Name) {
				t.Fatalf("no live point: %v", got)
			}
		})
	}
}
