package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// postParts sends a multipart form: fields, and files by form name.
func postParts(t *testing.T, c *http.Client, u string, fields url.Values, files map[string][]byte) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, b := range files {
		w, _ := mw.CreateFormFile(name, name+".bin")
		w.Write(b)
	}
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, testenv.ReadAll(t, resp.Body), resp.Header.Get("Location")
}

func drawingPNG(t *testing.T, empty bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 90))
	if !empty {
		for x := 10; x < 110; x++ {
			img.Set(x, 45, color.NRGBA{47, 128, 237, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var itemAnchor = regexp.MustCompile(`#item-(\d+)`)

// The portfolio pages without JavaScript, on both engines: the student
// posts text and a drawing for an activity; bad input answers 4xx with
// its message beside the field and stores nothing; the parent sees nothing
// until the teacher approves from the queue, then likes and comments;
// another student and another class's teacher get 404; the files are
// served only to who may see the work.
func TestPortfolioPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			ctx := context.Background()
			student, teacher, parent := login(t, env, demo.StudentUsername), login(t, env, demo.TeacherEmail), login(t, env, demo.ParentEmail)
			teacher2, mateo := login(t, env, demo.Teacher2Email), login(t, env, "mateo.g")
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			var ava store.Student
			for _, st := range roster {
				if st.FirstName == "Ava" {
					ava = st
				}
			}

			// The teacher sets an activity; one due yesterday is refused.
			yesterday := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
			status, body, _ := postParts(t, teacher, env.URL+"/classes/1/activities", url.Values{"title": {"Late one"}, "due_on": {yesterday}}, nil)
			if status != http.StatusBadRequest || !strings.Contains(body, "The due date has already passed") {
				t.Fatalf("an activity due in the past: %d", status)
			}
			status, _, _ = postParts(t, teacher, env.URL+"/classes/1/activities", url.Values{"title": {"Paint the sky"}}, nil)
			if status != http.StatusSeeOther {
				t.Fatalf("setting an activity: %d", status)
			}
			var actID int64
			if err := env.DB.R.QueryRow(`SELECT id FROM portfolio_activities WHERE title = 'Paint the sky'`).Scan(&actID); err != nil {
				t.Fatal(err)
			}
			act := strconv.FormatInt(actID, 10)

			// The student's page: the activity, the form, the drawing tools.
			page := mustGet(t, student, env.URL+"/portfolio?activity="+act)
			for _, want := range []string{"Paint the sky", `name="activity_id" value="` + act + `"`, `enctype="multipart/form-data"`, "data-draw", `capture="environment"`, `name="voice"`} {
				if !strings.Contains(page, want) {
					t.Errorf("the student's page lacks %q", want)
				}
			}

			// Bad input: a 4xx with the message beside the field, nothing stored.
			other := func() int64 {
				var n int64
				env.DB.R.QueryRow(`SELECT count(*) FROM portfolio_items WHERE student_id = $1`, ava.ID).Scan(&n)
				return n
			}
			before := other()
			for _, c := range []struct {
				name   string
				fields url.Values
				files  map[string][]byte
				status int
				says   string
			}{
				{"an empty drawing", url.Values{"activity_id": {act}}, map[string][]byte{"drawing": drawingPNG(t, true)}, 400, "The drawing is empty"},
				{"nothing", url.Values{"activity_id": {act}, "text": {"  "}}, nil, 400, "Write something"},
				{"another class's activity", url.Values{"activity_id": {"999999"}, "text": {"hi"}}, nil, 400, "This activity is not one of yours"},
				{"a 50 MB recording", url.Values{"text": {"listen"}}, map[string][]byte{"voice": make([]byte, 50<<20)}, 413, "too large"},
			} {
				status, body, _ := postParts(t, student, env.URL+"/portfolio", c.fields, c.files)
				if status != c.status || !strings.Contains(body, c.says) {
					t.Errorf("%s: %d, message %q missing", c.name, status, c.says)
				}
			}
			if other() != before {
				t.Fatal("refused work was stored")
			}
			// Posting to another student's portfolio is refused (403).
			if status, _, _ := postParts(t, mateo, env.URL+"/portfolio", url.Values{"text": {"hi"}, "student_id": {strconv.FormatInt(ava.ID, 10)}}, nil); status != http.StatusForbidden {
				t.Errorf("posting to another student's portfolio: %d", status)
			}

			// The drawing for the activity.
			status, _, loc := postParts(t, student, env.URL+"/portfolio", url.Values{"activity_id": {act}, "text": {"The sky at dusk"}},
				map[string][]byte{"drawing": drawingPNG(t, false)})
			m := itemAnchor.FindStringSubmatch(loc)
			if status != http.StatusSeeOther || m == nil {
				t.Fatalf("posting a drawing: %d %q", status, loc)
			}
			item := m[1]
			itemURL := env.URL + "/portfolio-items/" + item

			// The student's composer may record their voice (and hear it
			// back); the family's view of the portfolio may not use the
			// microphone.
			if _, body, h := get(t, student, env.URL+"/portfolio"); !strings.Contains(h.Get("Permissions-Policy"), "microphone=(self)") ||
				!strings.Contains(h.Get("Content-Security-Policy"), "media-src 'self' blob:") || !strings.Contains(body, "data-voice-preview") {
				t.Errorf("the student's composer: %q %q", h.Get("Permissions-Policy"), h.Get("Content-Security-Policy"))
			}
			if _, _, h := get(t, parent, env.URL+"/students/"+strconv.FormatInt(ava.ID, 10)+"/portfolio"); !strings.Contains(h.Get("Permissions-Policy"), "microphone=()") {
				t.Errorf("the family's view may use the microphone: %q", h.Get("Permissions-Policy"))
			}

			// Before approval: the parent, another student, another class's
			// teacher see nothing.
			if strings.Contains(mustGet(t, parent, env.URL+"/students/"+strconv.FormatInt(ava.ID, 10)+"/portfolio"), "The sky at dusk") {
				t.Error("the parent sees the work before approval")
			}
			for name, c := range map[string]*http.Client{"parent": parent, "another student": mateo, "another class's teacher": teacher2} {
				if status, _, _ := get(t, c, itemURL); status != http.StatusNotFound {
					t.Errorf("%s opening pending work: %d", name, status)
				}
			}
			if status, _, _ := post(t, parent, itemURL+"/comments", url.Values{"comment": {"Nice"}}); status != http.StatusNotFound {
				t.Errorf("the parent commenting on pending work: %d", status)
			}

			// The teacher's queue: return with a comment, then approve the improved one.
			queue := mustGet(t, teacher, env.URL+"/classes/1/portfolio")
			if !strings.Contains(queue, "The sky at dusk") || !strings.Contains(queue, "/portfolio-items/"+item+"/approve") {
				t.Fatal("the queue lacks the work or its approve button")
			}
			if status, body, _ := post(t, teacher, itemURL+"/return", url.Values{"comment": {""}}); status != http.StatusBadRequest || !strings.Contains(body, "Say what the student could improve") {
				t.Errorf("a return without a comment: %d", status)
			}
			if status, _, _ := post(t, teacher, itemURL+"/return", url.Values{"comment": {"Add some stars"}}); status != http.StatusSeeOther {
				t.Fatalf("returning: %d", status)
			}
			mine := mustGet(t, student, itemURL)
			if !strings.Contains(mine, "Add some stars") || !strings.Contains(mine, "/portfolio-items/"+item+"/revise") {
				t.Fatal("the student does not see the comment or the form to improve")
			}
			status, _, _ = postParts(t, student, itemURL+"/revise", url.Values{"text": {"The sky at dusk, with stars"}}, map[string][]byte{"drawing": drawingPNG(t, false)})
			if status != http.StatusSeeOther {
				t.Fatalf("sending the improved work: %d", status)
			}
			if status, _, _ := post(t, teacher, itemURL+"/approve", nil); status != http.StatusSeeOther {
				t.Fatalf("approving: %d", status)
			}

			// The parent sees it, likes it, comments; never the private comment.
			fam := mustGet(t, parent, env.URL+"/students/"+strconv.FormatInt(ava.ID, 10)+"/portfolio")
			if !strings.Contains(fam, "The sky at dusk, with stars") || strings.Contains(fam, "Add some stars") {
				t.Fatal("the parent's view is wrong: the work missing or the private comment shown")
			}
			if status, _, _ := post(t, parent, itemURL+"/like", nil); status != http.StatusSeeOther {
				t.Errorf("liking: %d", status)
			}
			if status, _, _ := post(t, parent, itemURL+"/comments", url.Values{"comment": {"Beautiful stars!"}}); status != http.StatusSeeOther {
				t.Errorf("commenting: %d", status)
			}
			if mine := mustGet(t, student, env.URL+"/portfolio"); !strings.Contains(mine, "Beautiful stars!") {
				t.Error("the student does not see the family's comment")
			}
			if status, _, _ := get(t, mateo, itemURL); status != http.StatusNotFound {
				t.Errorf("another student opens approved work: %d", status)
			}

			// The drawing's file: to who sees the work, with safe headers.
			pid := regexp.MustCompile(`/portfolio-files/([A-Za-z0-9_-]+)`).FindStringSubmatch(fam)
			if pid == nil {
				t.Fatal("no drawing on the family's page")
			}
			status, _, h := get(t, parent, env.URL+"/portfolio-files/"+pid[1])
			if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "image/") || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("the drawing for the parent: %d %v", status, h)
			}
			if status, _, _ := get(t, mateo, env.URL+"/portfolio-files/"+pid[1]); status != http.StatusNotFound {
				t.Errorf("the drawing for another student: %d", status)
			}

			// The other pages render.
			for _, c := range []struct {
				c *http.Client
				u string
			}{{teacher, "/portfolio"}, {teacher, "/portfolio/library"}, {teacher, "/activities/" + act}, {student, "/activities/" + act},
				{parent, "/portfolio"}, {teacher, "/students/" + strconv.FormatInt(ava.ID, 10) + "/portfolio"}} {
				if status, _, _ := get(t, c.c, env.URL+c.u); status != 200 && status != http.StatusSeeOther {
					t.Errorf("GET %s: %d", c.u, status)
				}
			}
			if status, _, _ := get(t, mateo, env.URL+"/activities/"+act); status != 200 {
				t.Errorf("a classmate opens the class's activity: %d", status)
			}

			// Refused copies and grades are said at the form's field, the
			// rest of the page as it was; nothing is stored.
			activities := func() int {
				var n int
				if err := env.DB.R.QueryRow(`SELECT count(*) FROM portfolio_activities`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			was := activities()
			status, body, _ = post(t, teacher, env.URL+"/activities/"+act+"/copy", url.Values{"class_id": {"1"}, "due_on": {yesterday}})
			if status != http.StatusBadRequest || !strings.Contains(body, `id="copy-due-`+act+`" name="due_on" type="date" value="`+yesterday+`" aria-invalid="true"`) ||
				!strings.Contains(body, `id="due_on-error"`) || strings.Count(body, `id="due_on-error"`) != 1 {
				t.Errorf("a copy due in the past: %d, error at its field: %v", status, strings.Contains(body, `id="due_on-error"`))
			}
			if n := activities(); n != was {
				t.Errorf("a refused copy stored %d activities", n-was)
			}
			leader := login(t, env, demo.LeaderEmail)
			status, body, _ = post(t, leader, env.URL+"/schools/1/portfolio", url.Values{"grade": {"40"}})
			if status != http.StatusBadRequest || !strings.Contains(body, `id="grade-error"`) || !strings.Contains(body, `aria-describedby="grade-error"`) {
				t.Errorf("a grade of 40: %d", status)
			}
		})
	}
}
