package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

func smallJPEG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func storyPeople(t *testing.T, env *testenv.Env) map[string]*client {
	people := map[string]*client{"visitor": {t: t, env: env}}
	for name, who := range map[string][2]string{
		"teacher": {"email", demo.TeacherEmail}, "teacher2": {"email", demo.Teacher2Email}, "leader": {"email", demo.LeaderEmail},
		"parent": {"email", demo.ParentEmail}, "sofiaparent": {"email", "parent.sofia@demo.cubby.test"},
		"mayaparent": {"email", "parent.maya@demo.cubby.test"}, "student": {"username", demo.StudentUsername},
	} {
		people[name] = loginAPI(t, env, who[0], who[1])
	}
	return people
}

// Every story endpoint as every kind of person, in and out of the class.
func TestStoryAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			people := storyPeople(t, env)
			status, post, _ := people["teacher"].do("POST", "/api/v1/classes/1/story", `{"text":"Seeds are sprouting"}`)
			if status != 201 || post["status"] != "published" || post["author_name"] != "Ms. Alvarez" || post["story"] != "class" {
				t.Fatalf("post: %d %v", status, post)
			}
			pid := post["id"].(string)
			n := 0
			body := func() string { n++; return fmt.Sprintf(`{"text":"post %d"}`, n) }
			cases := []struct {
				method, path string
				body         func() string
				want         map[string]int
			}{
				{"POST", "/api/v1/classes/1/story", body, map[string]int{"teacher": 201, "teacher2": 404, "leader": 403, "parent": 404, "sofiaparent": 404, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"POST", "/api/v1/schools/1/story", body, map[string]int{"teacher": 201, "teacher2": 201, "leader": 201, "parent": 404, "sofiaparent": 404, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/stories/" + pid, nil, map[string]int{"teacher": 200, "teacher2": 404, "leader": 200, "parent": 200, "sofiaparent": 200, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/classes/1/story", nil, map[string]int{"teacher": 200, "teacher2": 404, "leader": 200, "parent": 200, "sofiaparent": 200, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/feed", nil, map[string]int{"teacher": 200, "teacher2": 200, "leader": 200, "parent": 200, "sofiaparent": 200, "mayaparent": 200, "student": 200, "visitor": 401}},
				{"GET", "/api/v1/classes/1/story/children", nil, map[string]int{"teacher": 200, "teacher2": 404, "leader": 403, "parent": 404, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"GET", "/api/v1/schools/1/story/reports", nil, map[string]int{"teacher": 404, "leader": 200, "parent": 404, "visitor": 401}},
				{"PUT", "/api/v1/classes/1/story/settings", func() string { return `{"students_see":false,"comments_off":false}` },
					map[string]int{"teacher": 200, "teacher2": 404, "leader": 200, "parent": 404, "student": 404, "visitor": 401}},
				{"PUT", "/api/v1/schools/1/story/settings", func() string { return `{"comments_off":false,"departed_staff_posts":"remove"}` },
					map[string]int{"teacher": 403, "leader": 200, "parent": 404, "visitor": 401}},
				{"POST", "/api/v1/stories/" + pid + "/comments", func() string { return `{"text":"Lovely"}` },
					map[string]int{"teacher": 201, "teacher2": 404, "leader": 201, "parent": 201, "mayaparent": 404, "student": 404, "visitor": 401}},
				{"PATCH", "/api/v1/stories/" + pid, func() string { return `{"text":"Seeds are sprouting!"}` },
					map[string]int{"teacher": 200, "teacher2": 404, "leader": 403, "parent": 403, "mayaparent": 404, "visitor": 401}},
			}
			for _, c := range cases {
				for who, want := range c.want {
					b := ""
					if c.body != nil {
						b = c.body()
					}
					if got, out, _ := people[who].do(c.method, c.path, b); got != want {
						t.Errorf("%s %s as %s: %d, want %d (%v)", c.method, c.path, who, got, want, out)
					}
				}
			}
			// Likes: once, then 409 with its own message; not on a post one cannot see.
			if got, _, _ := people["parent"].do("POST", "/api/v1/stories/"+pid+"/likes", ""); got != 201 {
				t.Errorf("like: %d", got)
			}
			if got, out, _ := people["parent"].do("POST", "/api/v1/stories/"+pid+"/likes", ""); got != 409 || !strings.Contains(fmt.Sprint(out["detail"]), "already") {
				t.Errorf("like twice: %d %v", got, out)
			}
			if got, _, _ := people["mayaparent"].do("POST", "/api/v1/stories/"+pid+"/likes", ""); got != 404 {
				t.Errorf("like a post one cannot see: %d", got)
			}
			_, got, _ := people["teacher"].do("GET", "/api/v1/stories/"+pid, "")
			if got["edited"] != true || got["likes"] != float64(1) || got["seen"] == nil {
				t.Errorf("the author's view: %v", got)
			}
			// Comments off: the box goes, and a comment is 409.
			if st, _, _ := people["teacher"].do("PATCH", "/api/v1/stories/"+pid, `{"comments_off":true}`); st != 200 {
				t.Fatalf("comments off: %d", st)
			}
			if st, out, _ := people["parent"].do("POST", "/api/v1/stories/"+pid+"/comments", `{"text":"hi"}`); st != 409 {
				t.Errorf("a comment with comments off: %d %v", st, out)
			}
			_, got, _ = people["parent"].do("GET", "/api/v1/stories/"+pid, "")
			if got["can_comment"] != false || got["comments_off"] != true {
				t.Errorf("the parent's view with comments off: %v", got)
			}
			if st, out, _ := people["parent"].do("POST", "/api/v1/classes/1/story", `{"text":""}`); st != 404 {
				t.Errorf("a parent posts: %d %v", st, out)
			}
			if st, out, _ := people["teacher"].do("POST", "/api/v1/classes/1/story", `{"text":"  "}`); st != 400 || out["errors"] == nil {
				t.Errorf("an empty post: %d %v", st, out)
			}
			if st, _, _ := people["teacher"].do("POST", "/api/v1/classes/2/story", `{"text":"x"}`); st != 404 {
				t.Errorf("a post to another teacher's class: %d", st)
			}
		})
	}
}

// Creating posts and comments is safe to retry with an Idempotency-Key.
func TestStoryIdempotency(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			var posts0, comments0 int
			env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&posts0)
			env.DB.R.QueryRow(`SELECT count(*) FROM story_comments`).Scan(&comments0)
			s1, p1, _ := teacher.do("POST", "/api/v1/classes/1/story", `{"text":"Once"}`, "Idempotency-Key", "post-1")
			s2, p2, h := teacher.do("POST", "/api/v1/classes/1/story", `{"text":"Once"}`, "Idempotency-Key", "post-1")
			if s1 != 201 || s2 != 201 || p1["id"] != p2["id"] || h.Get("Idempotent-Replayed") != "true" {
				t.Errorf("replayed post: %d %d %v %v", s1, s2, p1["id"], p2["id"])
			}
			pid := p1["id"].(string)
			c1, o1, _ := parent.do("POST", "/api/v1/stories/"+pid+"/comments", `{"text":"Thanks"}`, "Idempotency-Key", "c-1")
			c2, o2, _ := parent.do("POST", "/api/v1/stories/"+pid+"/comments", `{"text":"Thanks"}`, "Idempotency-Key", "c-1")
			if c1 != 201 || c2 != 201 || o1["id"] != o2["id"] {
				t.Errorf("replayed comment: %d %d", c1, c2)
			}
			var posts, comments int
			env.DB.R.QueryRow(`SELECT count(*) FROM story_posts`).Scan(&posts)
			env.DB.R.QueryRow(`SELECT count(*) FROM story_comments`).Scan(&comments)
			if posts != posts0+1 || comments != comments0+1 {
				t.Errorf("%d posts, %d comments after retries", posts-posts0, comments-comments0)
			}
			if st, _, _ := teacher.do("POST", "/api/v1/classes/1/story", `{"text":"Different"}`, "Idempotency-Key", "post-1"); st != 409 {
				t.Errorf("the same key for another post: %d", st)
			}
		})
	}
}

// Files: uploaded with the post or ahead of it, refused when they cannot
// be shared, served only to who may see the post, never as a page.
func TestStoryFilesOverAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			env.App.Stories.MaxFileSize = 1 << 20
			people := storyPeople(t, env)
			teacher := people["teacher"]
			status, out := teacher.upload("/api/v1/classes/1/story", map[string][]byte{"pond.jpg": smallJPEG(t), "plan.txt.exe": []byte("MZ\x90\x00")},
				map[string]string{"text": "Pond"})
			if status != 400 || out["errors"] == nil {
				t.Errorf("a post with an executable: %d %v", status, out)
			}
			status, out = teacher.upload("/api/v1/classes/1/story", map[string][]byte{"big.jpg": bytes.Repeat([]byte{0xff}, 2<<20)}, map[string]string{"text": "x"})
			if status != 413 {
				t.Errorf("a file over the limit: %d %v", status, out)
			}
			status, out = teacher.upload("/api/v1/classes/1/story/uploads", map[string][]byte{"huge.bin": bytes.Repeat([]byte{0}, 3<<20)}, nil)
			if status != 413 {
				t.Errorf("an upload over the body limit: %d %v", status, out)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM story_posts WHERE author_id IS NOT NULL AND body = 'Pond'`).Scan(&n)
			if n != 0 {
				t.Fatalf("%d posts after refusals", n)
			}
			// One step: the files with the post.
			status, post := teacher.upload("/api/v1/classes/1/story", map[string][]byte{"pond.jpg": smallJPEG(t)}, map[string]string{"text": "Pond"})
			if status != 201 {
				t.Fatalf("post with a photo: %d %v", status, post)
			}
			env.App.WaitJobs()
			pid := post["id"].(string)
			_, got, _ := people["parent"].do("GET", "/api/v1/stories/"+pid, "")
			atts, _ := got["attachments"].([]any)
			if got["status"] != "published" || len(atts) != 1 {
				t.Fatalf("the parent's view: %v", got)
			}
			att := atts[0].(map[string]any)
			url := att["url"].(string)
			st, body, h := people["parent"].getRaw(url)
			if st != 200 || h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "inline") ||
				h.Get("Content-Type") != "image/jpeg" || !bytes.HasPrefix(body, []byte{0xff, 0xd8}) {
				t.Errorf("the photo: %d %v", st, h)
			}
			if st, _, _ := people["mayaparent"].getRaw(url); st != 404 {
				t.Errorf("another class's parent fetches the photo: %d", st)
			}
			if st, _, _ := people["visitor"].getRaw(url); st != 401 {
				t.Errorf("a visitor fetches the photo: %d", st)
			}
			// Two steps: an upload with progress, then the post naming it,
			// tagging a child without media consent (refused, named).
			status, up := teacher.upload("/api/v1/classes/1/story/uploads", map[string][]byte{"plan.pdf": []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")}, nil)
			if status != 201 || up["kind"] != "file" {
				t.Fatalf("upload: %d %v", status, up)
			}
			roster, _ := store.StudentsOfClass(context.Background(), env.DB.R, 1)
			var ava store.Student
			for _, st := range roster {
				if st.FirstName == "Ava" {
					ava = st
				}
			}
			photo, ph := teacher.upload("/api/v1/classes/1/story/uploads", map[string][]byte{"ava.jpg": smallJPEG(t)}, nil)
			if photo != 201 {
				t.Fatalf("photo upload: %d %v", photo, ph)
			}
			if st, _, _ := people["parent"].do("PUT", fmt.Sprintf("/api/v1/students/%d/media-consent", ava.ID), `{"class":false,"school":false}`); st != 200 {
				t.Fatalf("withdraw media consent: %d", st)
			}
			req := fmt.Sprintf(`{"text":"Plans","attachments":[{"upload_id":%q},{"upload_id":%q,"student_ids":["%d"]}]}`, up["id"], ph["id"], ava.ID)
			st, out, _ = teacher.do("POST", "/api/v1/classes/1/story", req)
			if st != 400 || !strings.Contains(fmt.Sprint(out["errors"]), "Ava Martin") {
				t.Errorf("a tag without consent: %d %v", st, out)
			}
			if st, _, _ := people["parent"].do("PUT", fmt.Sprintf("/api/v1/students/%d/media-consent", ava.ID), `{"class":true,"school":false}`); st != 200 {
				t.Fatalf("media consent: %d", st)
			}
			if st, _, _ := people["mayaparent"].do("PUT", fmt.Sprintf("/api/v1/students/%d/media-consent", ava.ID), `{"class":true,"school":true}`); st != 404 {
				t.Errorf("another parent answers for Ava: %d", st)
			}
			st, out, _ = teacher.do("POST", "/api/v1/classes/1/story", req)
			if st != 201 {
				t.Fatalf("the post with consent: %d %v", st, out)
			}
			env.App.WaitJobs()
			_, got, _ = people["parent"].do("GET", "/api/v1/stories/"+out["id"].(string), "")
			atts, _ = got["attachments"].([]any)
			if len(atts) != 2 {
				t.Fatalf("attachments: %v", got)
			}
			file := atts[0].(map[string]any)
			st, _, h = people["parent"].getRaw(file["url"].(string))
			if st != 200 || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("Content-Type") != "application/pdf" {
				t.Errorf("the PDF: %d %v", st, h)
			}
			tags, _ := atts[1].(map[string]any)["tags"].([]any)
			if len(tags) != 1 {
				t.Errorf("Ava's parent sees her tag: %v", atts[1])
			}
			_, other, _ := people["sofiaparent"].do("GET", "/api/v1/stories/"+out["id"].(string), "")
			if tags, _ := other["attachments"].([]any)[1].(map[string]any)["tags"].([]any); len(tags) != 0 {
				t.Errorf("another family sees Ava's tag: %v", tags)
			}
		})
	}
}

// Names carry their title in the reader's language, as on the pages: a
// Spanish-speaking parent reads "Sra. Alvarez" where the teacher wrote as
// "Ms. Alvarez", in a story and in a message.
func TestNamesInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, db.SQLite)
	parent, err := store.UserByEmail(context.Background(), env.DB.R, demo.ParentEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserLanguage(context.Background(), env.DB.W, parent.ID, "es", env.App.Now()); err != nil {
		t.Fatal(err)
	}
	people := storyPeople(t, env)
	status, post, _ := people["teacher"].do("POST", "/api/v1/classes/1/story", `{"text":"Hoy plantamos judías"}`)
	if status != 201 || post["author_name"] != "Ms. Alvarez" {
		t.Fatalf("the teacher's own post: %d %v", status, post["author_name"])
	}
	if _, got, _ := people["parent"].do("GET", "/api/v1/stories/"+fmt.Sprint(post["id"]), ""); got["author_name"] != "Sra. Alvarez" {
		t.Errorf("the Spanish-speaking parent reads the author as %v", got["author_name"])
	}
	w := newMessageWorld(t, env)
	if st, out := w.start(t, "teacher", w.ava, "parent", "¿Mañana?"); st != 201 {
		t.Fatalf("a message: %d %v", st, out)
	} else if _, view, _ := w.people["parent"].do("GET", "/api/v1/conversations/"+fmt.Sprint(field(out, "conversation", "id")), ""); fmt.Sprint(view["messages"]) == "" ||
		!strings.Contains(fmt.Sprint(view["messages"]), "Sra. Alvarez") {
		t.Errorf("the parent reads the message's sender as: %v", view["messages"])
	}
}
