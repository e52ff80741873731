package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// The directory's pages, forms and the two-factor gate, without a browser
// (and so without JavaScript).
func TestDirectoryPagesWithoutJavaScript(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			var school int64
			if err := env.DB.R.QueryRow(`SELECT id FROM schools WHERE source = 'demo'`).Scan(&school); err != nil {
				t.Fatal(err)
			}
			sid := strconv.FormatInt(school, 10)
			dir := env.URL + "/schools/" + sid + "/directory"

			// Who sees what.
			visitor := env.Client()
			for _, u := range []string{env.URL + "/school", dir, env.URL + "/schools/join"} {
				if resp, _ := visitor.Get(u); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
					t.Errorf("visitor %s: %d %s", u, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			leader := login(t, env, demo.LeaderEmail)
			if resp, _ := leader.Get(env.URL + "/school"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/schools/"+sid+"/directory" {
				t.Errorf("leader /school: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			status, body, _ := get(t, leader, dir)
			if status != 200 || !strings.Contains(body, "Requests to join") || !strings.Contains(body, `action="/schools/`+sid+`/access"`) ||
				!strings.Contains(body, "Rosa Alvarez") || !strings.Contains(body, "Ava Martin") || !strings.Contains(body, `aria-current="page">School`) {
				t.Fatalf("leader directory: %d", status)
			}
			status, body, _ = get(t, login(t, env, demo.TeacherEmail), dir)
			if status != 200 || strings.Contains(body, "Requests to join") || strings.Contains(body, "/access") || strings.Contains(body, "/remove") ||
				!strings.Contains(body, "Daniel Park") || !strings.Contains(body, "Invite a teacher") {
				t.Errorf("teacher directory (read-only): %d", status)
			}
			parent := login(t, env, demo.ParentEmail)
			for _, u := range []string{env.URL + "/school", dir} {
				if status, _, _ := get(t, parent, u); status != 404 {
					t.Errorf("parent %s: %d", u, status)
				}
			}
			if strings.Contains(mustGet(t, parent, env.URL+"/"), `href="/school"`) {
				t.Error("a parent's navigation offers the School page")
			}

			// A new teacher: home offers "Find your school"; search, ask
			// (twice), and a missing school.
			newbie := env.Client()
			if status, _, _ := post(t, newbie, env.URL+"/signup", url.Values{"type": {"teacher"}, "first_name": {"Ines"}, "last_name": {"Roy"},
				"email": {"ines@example.org"}, "password": {"copper lantern field"}, "language": {"en"}}); status != http.StatusSeeOther {
				t.Fatalf("signup: %d", status)
			}
			if body := mustGet(t, newbie, env.URL+"/"); !strings.Contains(body, `href="/schools/join"`) {
				t.Error("a teacher without a school is not offered to find one")
			}
			if body := mustGet(t, newbie, env.URL+"/schools/join?q=maple+grove"); !strings.Contains(body, `name="school_id" value="`+sid+`"`) ||
				!strings.Contains(body, `formaction="/schools/join"`) {
				t.Errorf("join search:\n%s", body)
			}
			if status, body, _ := post(t, newbie, env.URL+"/schools/join", url.Values{}); status != 400 || !strings.Contains(body, "Choose your school") {
				t.Errorf("no school chosen: %d", status)
			}
			if status, _, loc := post(t, newbie, env.URL+"/schools/join", url.Values{"school_id": {sid}}); status != http.StatusSeeOther || loc != "/schools/join" {
				t.Errorf("join: %d %s", status, loc)
			}
			if status, body, _ := post(t, newbie, env.URL+"/schools/join", url.Values{"school_id": {sid}}); status != 409 || !strings.Contains(body, "already asked") {
				t.Errorf("second request: %d", status)
			}
			if status, body, _ := post(t, newbie, env.URL+"/schools/new", url.Values{"name": {""}, "city": {"Springfield"}, "country": {"USA"}}); status != 400 ||
				!strings.Contains(body, "This field is required") || !strings.Contains(body, "two-letter country code") {
				t.Errorf("bad new school: %d", status)
			}
			status, _, loc := post(t, newbie, env.URL+"/schools/new", url.Values{"name": {"Hilltop Primary"}, "city": {"Springfield"}, "country": {"us"}})
			if status != http.StatusSeeOther || !strings.HasSuffix(loc, "/directory") {
				t.Fatalf("new school: %d %s", status, loc)
			}
			if body := mustGet(t, newbie, env.URL+loc); !strings.Contains(body, "Not yet confirmed") || !strings.Contains(body, "has not confirmed that you work here") {
				t.Error("the new school's page does not say it is unconfirmed")
			}

			// Leader actions answer with what went wrong, on the page.
			var leaderID, newbieID int64
			env.DB.R.QueryRow(`SELECT id FROM users WHERE email = $1`, demo.LeaderEmail).Scan(&leaderID)
			env.DB.R.QueryRow(`SELECT id FROM users WHERE email = 'ines@example.org'`).Scan(&newbieID)
			member := func(id int64, action string) string {
				return env.URL + "/schools/" + sid + "/members/" + strconv.FormatInt(id, 10) + "/" + action
			}
			if status, body, _ := post(t, leader, member(leaderID, "leader"), url.Values{"leader": {"0"}}); status != 409 || !strings.Contains(body, "at least one leader") {
				t.Errorf("demote the last leader: %d", status)
			}
			if status, _, _ := post(t, leader, member(newbieID, "promote"), url.Values{}); status != 404 {
				t.Errorf("unknown action: %d", status)
			}
			if status, _, loc := post(t, leader, member(newbieID, "approve"), url.Values{}); status != http.StatusSeeOther || loc != "/schools/"+sid+"/directory" {
				t.Errorf("approve: %d %s", status, loc)
			}
			if status, body, _ := post(t, leader, env.URL+"/schools/"+sid+"/access", url.Values{"email_domain": {"gmail.com"}}); status != 400 || !strings.Contains(body, "Anyone can get an address") {
				t.Errorf("webmail domain: %d", status)
			}

			// Required two-factor: staff without it are sent to set it up,
			// and can use nothing else until they have.
			now := env.App.Now()
			if err := store.SetTOTP(ctx, env.DB.W, leaderID, "JBSWY3DPEHPK3PXP", &now, now); err != nil {
				t.Fatal(err)
			}
			if status, _, _ := post(t, leader, env.URL+"/schools/"+sid+"/access", url.Values{"require_two_factor": {"1"}}); status != http.StatusSeeOther {
				t.Fatalf("require two-factor: %d", status)
			}
			teacher := login(t, env, demo.Teacher2Email)
			for _, u := range []string{"/", "/classes", "/school", "/schools/" + sid + "/directory"} {
				if resp, _ := teacher.Get(env.URL + u); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings#twofactor" {
					t.Errorf("%s: %d %s", u, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			if status, body, _ := get(t, teacher, env.URL+"/settings"); status != 200 || !strings.Contains(body, "asks all staff to log in with two-factor") ||
				!strings.Contains(body, `action="/settings/2fa/begin"`) {
				t.Errorf("settings: %d", status)
			}
			if status, _, _ := get(t, leader, dir); status != 200 {
				t.Errorf("the leader, who has two-factor: %d", status)
			}
			if status, _, _ := get(t, parent, env.URL+"/"); status != 200 {
				t.Errorf("parents are not staff: %d", status)
			}
		})
	}
}

func mustGet(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	status, body, _ := get(t, c, u)
	if status != 200 {
		t.Fatalf("GET %s: %d", u, status)
	}
	return body
}

// A school of more than one page of students: the Directory lists fifty at
// a time with links to the others, and finds a child by part of their name
// whatever the case and accents typed.
func TestDirectoryStudentPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			var school, class int64
			if err := env.DB.R.QueryRow(`SELECT s.id, c.id FROM schools s JOIN classes c ON c.school_id = s.id
		WHERE s.source = 'demo' AND c.name = 'Class 3 Sunflowers'`).Scan(&school, &class); err != nil {
				t.Fatal(err)
			}
			token, _, err := env.App.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password})
			if err != nil {
				t.Fatal(err)
			}
			teacher, err := env.App.Authenticate(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			var kids []app.NewStudent
			for i := range 60 {
				kids = append(kids, app.NewStudent{FirstName: fmt.Sprintf("Pupil%02d", i), LastName: "Lee"})
			}
			kids = append(kids, app.NewStudent{FirstName: "Élodie", LastName: "Öztürk"})
			if _, err := env.App.AddStudents(ctx, teacher, class, kids); err != nil {
				t.Fatal(err)
			}
			var total int
			if err := env.DB.R.QueryRow(`SELECT count(*) FROM students WHERE school_id = $1 AND left_at IS NULL`, school).Scan(&total); err != nil {
				t.Fatal(err)
			}
			dir := env.URL + "/schools/" + strconv.FormatInt(school, 10) + "/directory"
			leader := login(t, env, demo.LeaderEmail)
			rows := func(body string) int { return strings.Count(body, `<td class="who-cell">`) }

			_, body, _ := get(t, leader, dir)
			if rows(body) != 50 || !strings.Contains(body, fmt.Sprintf("Students 1–50 of %d", total)) || !strings.Contains(body, `rel="next" href="/schools/`) {
				t.Errorf("first page: %d rows, total %d", rows(body), total)
			}
			last := (total + 49) / 50
			for _, page := range []string{strconv.Itoa(last), "999"} { // past the end shows the last page
				_, body, _ = get(t, leader, dir+"?page="+page)
				if want := total - 50*(last-1); rows(body) != want || !strings.Contains(body, `rel="prev"`) || strings.Contains(body, `rel="next"`) ||
					!strings.Contains(body, fmt.Sprintf("Page %d of %d", last, last)) {
					t.Errorf("page %s: %d rows, want %d", page, rows(body), want)
				}
			}
			_, body, _ = get(t, leader, dir+"?q=ELODIE+ozt")
			if rows(body) != 1 || !strings.Contains(body, "Élodie Öztürk") || strings.Contains(body, `class="pager"`) {
				t.Errorf("search: %d rows", rows(body))
			}
			if status, body, _ := get(t, leader, dir+"?q=nobody+here&page=x"); status != 200 || rows(body) != 0 || !strings.Contains(body, "No student&#39;s name matches") {
				t.Errorf("a search that finds no one: %d, %d rows", status, rows(body))
			}
		})
	}
}
