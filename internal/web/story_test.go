package web_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// postStory sends the composer's form as a browser does: fields (several
// values each) and files.
func postStory(t *testing.T, c *http.Client, u string, fields url.Values, files map[string][]byte) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, b := range files {
		w, _ := mw.CreateFormFile("file", name)
		w.Write(b)
	}
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, testenv.ReadAll(t, resp.Body), resp.Header.Get("Location")
}

func jpegBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 80, 60)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The story pages without JavaScript: a teacher posts a photo (a tag
// without consent is refused, naming the child, and nothing is stored),
// the parent sees it in their feed, likes and comments; comments switched
// off take the comment box away; the photo is served only to who may see
// the post, with safe headers.
func TestStoryPagesWithoutJavaScript(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			ctx := context.Background()
			teacher, parent := login(t, env, demo.TeacherEmail), login(t, env, demo.ParentEmail)
			maya := login(t, env, "parent.maya@demo.cubby.test")
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			var mateo, ava store.Student
			for _, st := range roster {
				switch st.FirstName {
				case "Mateo":
					mateo = st
				case "Ava":
					ava = st
				}
			}
			body := mustGet(t, teacher, env.URL+"/classes/1/story")
			if !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "no photo consent") {
				t.Fatal("the composer or its consent warnings are missing")
			}
			var before int
			env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&before)
			st, body, _ := postStory(t, teacher, env.URL+"/classes/1/story", url.Values{"text": {"Our pond"}, "student_id": {strconv.FormatInt(mateo.ID, 10)}},
				map[string][]byte{"pond.jpg": jpegBytes(t)})
			if st != 400 || !strings.Contains(body, "no photo consent for Mateo Garcia") || !strings.Contains(body, "Our pond") {
				t.Fatalf("a tag without consent: %d", st)
			}
			var after int
			env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&after)
			if after != before {
				t.Fatal("a refused post was stored")
			}
			st, _, loc := postStory(t, teacher, env.URL+"/classes/1/story", url.Values{"text": {"Our pond"}, "student_id": {strconv.FormatInt(ava.ID, 10)}},
				map[string][]byte{"pond.jpg": jpegBytes(t)})
			if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/classes/1/story#post-") {
				t.Fatalf("posting: %d %s", st, loc)
			}
			env.App.WaitJobs()
			feed := mustGet(t, parent, env.URL+"/stories")
			if !strings.Contains(feed, "Our pond") || !strings.Contains(feed, "Ms. Alvarez") || !strings.Contains(feed, "In this photo: Ava") {
				t.Fatal("the parent's feed lacks the post, its author or Ava's tag")
			}
			id := regexp.MustCompile(`id="post-([0-9]+)"`).FindStringSubmatch(feed)[1]
			img := regexp.MustCompile(`/story-files/([a-z0-9]+)`).FindStringSubmatch(feed)
			if img == nil {
				t.Fatal("no photo in the feed")
			}
			for _, c := range []struct {
				who    *http.Client
				status int
			}{{parent, 200}, {maya, 404}, {teacher, 200}} {
				s, b, h := get(t, c.who, env.URL+"/story-files/"+img[1])
				if s != c.status {
					t.Errorf("photo: %d, want %d", s, c.status)
				}
				if s == 200 && (h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Disposition") == "" || !strings.HasPrefix(b, "\xff\xd8")) {
					t.Errorf("photo headers: %v", h)
				}
			}
			if s, _, _ := post(t, parent, env.URL+"/stories/"+id+"/like", url.Values{"back": {"/stories"}}); s != http.StatusSeeOther {
				t.Errorf("like: %d", s)
			}
			if s, _, _ := post(t, parent, env.URL+"/stories/"+id+"/comments", url.Values{"comment": {"So lovely!"}}); s != http.StatusSeeOther {
				t.Errorf("comment: %d", s)
			}
			page := mustGet(t, parent, env.URL+"/stories/"+id)
			if !strings.Contains(page, "So lovely!") || !strings.Contains(page, "Mrs. Martin") || !strings.Contains(page, "1 like") || !strings.Contains(page, `name="comment"`) {
				t.Error("the post page lacks the like, the comment or the box")
			}
			if s, _, _ := post(t, maya, env.URL+"/stories/"+id+"/comments", url.Values{"comment": {"hi"}}); s != 404 {
				t.Errorf("a comment on a post the parent cannot see: %d", s)
			}
			mine := mustGet(t, teacher, env.URL+"/stories/"+id)
			if !strings.Contains(mine, "Seen by 1 of") {
				t.Error("the author does not see how many families saw it")
			}
			if s, _, _ := post(t, teacher, env.URL+"/stories/"+id+"/comments-off", url.Values{"off": {"1"}}); s != http.StatusSeeOther {
				t.Errorf("comments off: %d", s)
			}
			page = mustGet(t, parent, env.URL+"/stories/"+id)
			if strings.Contains(page, `name="comment"`) || !strings.Contains(page, "Comments are switched off") {
				t.Error("the comment box is still there with comments off")
			}
			// The media consent page, asked after connecting.
			consent := mustGet(t, parent, env.URL+"/settings/media")
			if !strings.Contains(consent, "class_"+strconv.FormatInt(ava.ID, 10)) {
				t.Error("the media consent page lacks Ava")
			}
			if s, _, _ := get(t, teacher, env.URL+"/settings/media"); s != 404 {
				t.Errorf("a teacher's media consent page: %d", s)
			}
		})
	}
}
