package web_test

import (
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

// Teacher ↔ student messages through the pages: the leader's switch and
// class grades (a bad grade refused with a translated 400); the teacher's
// composer offers the student only once both allow it; the student gets a
// Messages link only once written to, answers, and starts nothing; the
// parent reads along without a form; turned off, the page says read-only
// and the form is gone.
func TestMessageStudentPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher, parent, leader := login(t, env, demo.TeacherEmail), login(t, env, demo.ParentEmail), login(t, env, demo.LeaderEmail)
			student := login(t, env, demo.StudentUsername)
			var school, class int64
			if err := env.DB.R.QueryRow(`SELECT id FROM schools WHERE source = 'demo'`).Scan(&school); err != nil {
				t.Fatal(err)
			}
			if err := env.DB.R.QueryRow(`SELECT cs.class_id FROM class_students cs JOIN students s ON s.id = cs.student_id JOIN users u ON u.id = s.user_id
				WHERE u.username = $1 AND cs.removed_at IS NULL`, demo.StudentUsername).Scan(&class); err != nil {
				t.Fatal(err)
			}
			sid, cid := strconv.FormatInt(school, 10), strconv.FormatInt(class, 10)
			settings := env.URL + "/schools/" + sid + "/messages"
			studentOption := regexp.MustCompile(`<option value="([0-9]+:[0-9]+:[0-9]+)"[^>]*>Ava [^<]*\(student\)<`)

			// Off by default: the leader's page shows the switch unchecked;
			// the teacher's composer has no student; the student no link.
			page := mustGet(t, leader, settings)
			if !strings.Contains(page, `name="students_enabled" value="1">`) || !strings.Contains(page, "Teachers may write to the students of their classes") {
				t.Fatal("the leader's page lacks the students switch, or it is on")
			}
			if studentOption.MatchString(mustGet(t, teacher, env.URL+"/messages/new")) {
				t.Fatal("the composer offers a student while the school has it off")
			}
			if body := mustGet(t, student, env.URL+"/"); strings.Contains(body, `href="/messages"`) {
				t.Fatal("a student without conversations has a Messages link")
			}
			// Bad input: a grade out of range, 400 in words, nothing saved.
			if st, body, _ := post(t, leader, settings+"/grades", url.Values{"class_id": {cid}, "grade": {"13"}}); st != 400 || !strings.Contains(body, "Choose a grade from 0 to 12.") {
				t.Fatalf("grade 13: %d", st)
			}
			if st, _, _ := post(t, teacher, settings+"/settings", url.Values{"students_enabled": {"1"}, "students_min_grade": {"3"}}); st != 403 && st != 404 {
				t.Fatalf("a teacher sets the switch: %d", st)
			}
			// The leader turns it on from grade 3 and gives the class grade 4.
			if st, _, _ := post(t, leader, settings+"/settings", url.Values{"parent_receipts": {"1"}, "students_enabled": {"1"}, "students_min_grade": {"3"}}); st != http.StatusSeeOther {
				t.Fatalf("saving the switch: %d", st)
			}
			if st, _, _ := post(t, leader, settings+"/grades", url.Values{"class_id": {cid}, "grade": {"4"}}); st != http.StatusSeeOther {
				t.Fatalf("saving the grade: %d", st)
			}
			page = mustGet(t, leader, settings)
			if !strings.Contains(page, `name="students_enabled" value="1" checked`) || !regexp.MustCompile(`<option value="3" selected>Grade 3<`).MatchString(page) ||
				!regexp.MustCompile(`<option value="4" selected>Grade 4<`).MatchString(page) {
				t.Fatal("the leader's page does not show what was saved")
			}

			m := studentOption.FindStringSubmatch(mustGet(t, teacher, env.URL+"/messages/new"))
			if m == nil {
				t.Fatal("the composer does not offer the student")
			}
			st, _, loc := postStory(t, teacher, env.URL+"/messages", url.Values{"to": {m[1]}, "text": {"Your volcano poster is on the wall!"}}, nil)
			if st != http.StatusSeeOther {
				t.Fatalf("writing to the student: %d", st)
			}
			convURL := env.URL + regexp.MustCompile(`^/messages/[0-9]+`).FindString(loc)

			// The student: a Messages link with the unread count, the page, a form.
			if body := mustGet(t, student, env.URL+"/messages"); !strings.Contains(body, `href="/messages"`) || !strings.Contains(body, "1 unread message") {
				t.Fatal("the student's navigation lacks Messages or its count")
			}
			page = mustGet(t, student, convURL)
			if !strings.Contains(page, "Your volcano poster is on the wall!") || !strings.Contains(page, `name="text"`) || !strings.Contains(page, "Reading along: Mrs. Martin") {
				t.Fatalf("the student's conversation lacks the message, the form, or who reads along: %s", page[strings.Index(page, "<main"):])
			}
			if st, _, _ := postStory(t, student, convURL, url.Values{"text": {"Thank you!"}}, nil); st != http.StatusSeeOther {
				t.Fatalf("the student answers: %d", st)
			}
			if s, _, _ := get(t, student, env.URL+"/messages/new"); s != 404 {
				t.Fatalf("a student's composer: %d", s)
			}
			// The parent reads along: both messages, no form, a note why.
			page = mustGet(t, parent, convURL)
			if !strings.Contains(page, "Thank you!") || strings.Contains(page, `name="text"`) || !strings.Contains(page, "You read along in your child") {
				t.Fatal("the parent's view is not read-along")
			}
			before := countRows(t, env, "messages")
			if st, body, _ := postStory(t, parent, convURL, url.Values{"text": {"Me too"}}, nil); st != 403 || !strings.Contains(body, "You read along") {
				t.Fatalf("the parent writes: %d", st)
			}
			// Turned off: read-only for the student and the teacher.
			if st, _, _ := post(t, leader, settings+"/settings", url.Values{"parent_receipts": {"1"}, "students_min_grade": {"3"}}); st != http.StatusSeeOther {
				t.Fatalf("turning it off: %d", st)
			}
			for _, c := range []*http.Client{student, teacher} {
				page = mustGet(t, c, convURL)
				if strings.Contains(page, `name="text"`) || !strings.Contains(page, "no one can write in it") || !strings.Contains(page, "Thank you!") {
					t.Fatal("the conversation is not read-only once turned off")
				}
				if st, _, _ := postStory(t, c, convURL, url.Values{"text": {"Still there?"}}, nil); st != 403 {
					t.Fatalf("writing after off: %d", st)
				}
			}
			if n := countRows(t, env, "messages"); n != before {
				t.Fatalf("refused messages stored: %d → %d", before, n)
			}
		})
	}
}
