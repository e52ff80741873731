package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// The help pages: every page's footer links to /help; a visitor finds the
// school and asks with a phone number; bad input is a 400 at the field
// with nothing stored, the honeypot stores nothing; the school's leader
// (and no teacher) reads the request, answers by email and closes it.
func TestHelpPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			visitor := env.Client()
			count := func() int {
				var n int
				if err := env.DB.R.QueryRow(`SELECT count(*) FROM help_requests`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if st, body, _ := get(t, visitor, env.URL+"/login"); st != 200 || !strings.Contains(body, `href="/help"`) {
				t.Fatalf("the login page's footer has no help link: %d", st)
			}
			st, body, _ := get(t, visitor, env.URL+"/help?q=Maple")
			m := regexp.MustCompile(`name="school_id" value="([0-9]+)"`).FindStringSubmatch(body)
			if st != 200 || m == nil || !strings.Contains(body, `name="phone"`) || !strings.Contains(body, `name="website"`) {
				t.Fatalf("the help form with a school search: %d", st)
			}
			school := m[1]
			form := url.Values{"school_id": {school}, "topic": {"login"}, "body": {"My daughter's card does not work."}, "phone": {"+1 415 555 2671"}}

			bad := url.Values{"school_id": {school}, "topic": {"login"}, "body": {strings.Repeat("a", 100_000)}, "phone": {"555"}}
			st, body, _ = post(t, visitor, env.URL+"/help", bad)
			text := html.UnescapeString(body)
			if st != http.StatusBadRequest || !strings.Contains(text, "Keep it under 4000 characters") || !strings.Contains(text, "not a phone number we can call") ||
				!strings.Contains(body, `id="phone-error"`) || !strings.Contains(body, "Maple Grove") {
				t.Fatalf("bad input: %d", st)
			}
			empty := url.Values{"body": {""}}
			if st, body, _ := post(t, visitor, env.URL+"/help", empty); st != http.StatusBadRequest || !strings.Contains(body, `id="body-error"`) {
				t.Fatalf("an empty request: %d", st)
			}
			bot := url.Values{"topic": {"other"}, "body": {"Cheap pills"}, "website": {"http://spam.example"}}
			if st, _, loc := post(t, visitor, env.URL+"/help", bot); st != http.StatusSeeOther || loc != "/help" {
				t.Fatalf("the honeypot: %d → %q", st, loc)
			}
			if n := count(); n != 0 {
				t.Fatalf("%d requests stored", n)
			}
			if st, _, loc := post(t, visitor, env.URL+"/help", form); st != http.StatusSeeOther || loc != "/help" {
				t.Fatalf("sending: %d → %q", st, loc)
			}
			if _, body, _ := get(t, visitor, env.URL+"/help"); !strings.Contains(body, "Your request is sent") {
				t.Error("no confirmation after sending")
			}
			if n := count(); n != 1 {
				t.Fatalf("%d requests stored", n)
			}

			leader, teacher := login(t, env, demo.LeaderEmail), login(t, env, demo.TeacherEmail)
			inbox := env.URL + "/schools/" + school + "/help"
			if st, _, _ := get(t, teacher, inbox); st != http.StatusNotFound {
				t.Errorf("a teacher opens the help inbox: %d", st)
			}
			if _, body, _ := get(t, leader, env.URL+"/help"); !strings.Contains(body, `href="/schools/`+school+`/help"`) {
				t.Error("the leader's help page does not link their school's inbox")
			}
			st, body, _ = get(t, leader, inbox)
			req := regexp.MustCompile(`href="/schools/[0-9]+/help\?request=([0-9]+)"`).FindStringSubmatch(body)
			if st != 200 || req == nil {
				t.Fatalf("the leader's inbox: %d", st)
			}
			page := inbox + "?request=" + req[1]
			act := func(c *http.Client, id string, kv ...string) (int, string, string) {
				t.Helper()
				v := url.Values{"request": {id}}
				for i := 0; i+1 < len(kv); i += 2 {
					v.Set(kv[i], kv[i+1])
				}
				return post(t, c, inbox, v)
			}
			if st, _, _ := get(t, teacher, page); st != http.StatusNotFound {
				t.Errorf("a teacher opens the request: %d", st)
			}
			if st, _, _ := get(t, teacher, env.URL+"/help/request?id="+req[1]); st != http.StatusNotFound {
				t.Errorf("a teacher opens the request as its requester: %d", st)
			}
			if st, _, _ := act(teacher, req[1], "kind", "note", "body", "Hm"); st != http.StatusNotFound {
				t.Errorf("a teacher writes a note: %d", st)
			}
			st, body, _ = get(t, leader, page)
			body = html.UnescapeString(body)
			if st != 200 || !strings.Contains(body, "+14155552671") || !strings.Contains(body, "card does not work") {
				t.Fatalf("the request's page: %d\n%s", st, body)
			}
			// Only a phone number and no SMS gateway: the leader calls back.
			if !strings.Contains(body, "call them back") {
				t.Error("the page does not say to call back")
			}
			if st, _, _ := act(leader, req[1], "kind", "reply", "body", "Hello"); st != http.StatusConflict {
				t.Errorf("answering a number without a gateway: %d", st)
			}
			if st, body, _ := act(leader, req[1], "kind", "note", "body", ""); st != http.StatusBadRequest || !strings.Contains(body, "help-note") {
				t.Errorf("an empty note: %d", st)
			}
			if st, _, loc := act(leader, req[1], "kind", "note", "body", "Called back, new card on Monday."); st != http.StatusSeeOther || env.URL+loc != page {
				t.Fatalf("a note: %d → %q", st, loc)
			}
			if st, _, _ := act(leader, req[1], "kind", "status", "status", "closed"); st != http.StatusSeeOther {
				t.Fatalf("closing: %d", st)
			}
			var closed int
			if err := env.DB.R.QueryRow(`SELECT count(*) FROM help_requests WHERE status = 'closed' AND closed_at IS NOT NULL`).Scan(&closed); err != nil || closed != 1 {
				t.Fatalf("closed: %d %v", closed, err)
			}
			if _, body, _ := get(t, leader, inbox+"?status=closed"); !strings.Contains(body, "request="+req[1]) {
				t.Error("the closed filter does not list the closed request")
			}
			if st, _, _ := get(t, leader, inbox+"?status=bogus"); st != http.StatusBadRequest {
				t.Errorf("a status that does not exist: %d", st)
			}

			// A visitor who leaves an address is answered by email.
			form.Set("email", "sam@example.org")
			form.Del("phone")
			if st, _, _ := post(t, env.Client(), env.URL+"/help", form); st != http.StatusSeeOther {
				t.Fatalf("sending with an address: %d", st)
			}
			var id int64
			if err := env.DB.R.QueryRow(`SELECT id FROM help_requests WHERE email = 'sam@example.org'`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if st, _, _ := act(leader, strconv.FormatInt(id, 10), "kind", "reply", "body", "Ask at the office for a new card."); st != http.StatusSeeOther {
				t.Fatalf("answering: %d", st)
			}
			if mail := env.LastEmail(t, "sam@example.org"); !strings.Contains(mail, "Ask at the office for a new card.") {
				t.Errorf("the answer's email: %s", mail)
			}

			// A logged-in parent sees their own request and its answer, never a note.
			parent := login(t, env, demo.ParentEmail)
			if st, _, _ := post(t, parent, env.URL+"/help", url.Values{"school_id": {school}, "topic": {"child"}, "body": {"Which class is Ava in?"}}); st != http.StatusSeeOther {
				t.Fatalf("a parent asks: %d", st)
			}
			if err := env.DB.R.QueryRow(`SELECT id FROM help_requests WHERE user_id IS NOT NULL`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			rid := strconv.FormatInt(id, 10)
			act(leader, rid, "kind", "note", "body", "Look it up in the roster.")
			act(leader, rid, "kind", "reply", "body", "Ava is in Class 3.")
			if _, body, _ := get(t, parent, env.URL+"/help"); !strings.Contains(body, `href="/help/request?id=`+rid+`"`) {
				t.Error("the parent's help page does not list their request")
			}
			st, body, _ = get(t, parent, env.URL+"/help/request?id="+rid)
			if st != 200 || !strings.Contains(body, "Ava is in Class 3.") || strings.Contains(body, "roster") || strings.Contains(body, `name="body"`) {
				t.Errorf("the parent's view of their request: %d", st)
			}
			if st, _, _ := get(t, parent, env.URL+"/help/request?id="+strconv.FormatInt(id-1, 10)); st != http.StatusNotFound {
				t.Errorf("a parent opens someone else's request: %d", st)
			}
		})
	}
}
