package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// The teacher turns picture login on from the roster; a child who taps
// their name is asked for their two pictures, refused with the wrong
// ones and let in with theirs; the cards carry the pictures, and a new
// pair comes with one new card.
func TestPictureLoginPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			teacher := login(t, env, demo.TeacherEmail)
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			kid := roster[2]
			sid := strconv.FormatInt(kid.ID, 10)

			if s, body, _ := get(t, teacher, env.URL+"/classes/1/students"); s != 200 || !strings.Contains(body, `action="/classes/1/pictures"`) || strings.Contains(body, `class="roster-pictures"`) {
				t.Fatalf("roster before: %d", s)
			}
			if s, _, _ := post(t, login(t, env, demo.Teacher2Email), env.URL+"/classes/1/pictures", url.Values{"picture_login": {"1"}}); s != http.StatusNotFound {
				t.Errorf("another class's teacher turns it on: %d", s)
			}
			if s, _, loc := post(t, teacher, env.URL+"/classes/1/pictures", url.Values{"picture_login": {"1"}}); s != http.StatusSeeOther || !strings.HasPrefix(loc, "/classes/1/students") {
				t.Fatalf("turn on: %d %s", s, loc)
			}
			if _, body, _ := get(t, teacher, env.URL+"/classes/1/students"); strings.Count(body, `class="roster-pictures"`) != len(roster) || !strings.Contains(body, `action="/classes/1/students/`+sid+`/pictures"`) {
				t.Errorf("roster shows each student's pictures and a reset")
			}
			pics, _ := store.PicturesOfClass(ctx, env.DB.R, 1)
			pair := app.SplitPictures(pics[kid.ID])

			_, body, _ := post(t, teacher, env.URL+"/classes/1/code", nil)
			m := regexp.MustCompile(`class="big-code"[^>]*>(\w{3}) (\w{3})<`).FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no class code")
			}
			code := m[1] + m[2]
			c := env.Client()
			s, body, _ := post(t, c, env.URL+"/login/class/pick", url.Values{"code": {code}, "student_id": {sid}})
			if s != 200 || strings.Count(body, `name="picture1"`) != 9 || strings.Count(body, `name="picture2"`) != 9 || !strings.Contains(body, "Your secret pictures") || !strings.Contains(body, ">Cat</span>") {
				t.Fatalf("the pictures step: %d", s)
			}
			if _, body, _ := get(t, c, env.URL+"/"); strings.Contains(body, "Hi, "+kid.FirstName) {
				t.Fatal("a name alone started a session")
			}
			s, body, _ = post(t, c, env.URL+"/login/class/pick", url.Values{"code": {code}, "student_id": {sid}, "picture1": {pair[1]}, "picture2": {pair[0]}})
			if s != http.StatusBadRequest || !strings.Contains(body, "Those are not your pictures") || !strings.Contains(body, `name="picture1"`) {
				t.Errorf("wrong order: %d", s)
			}
			if s, _, _ := post(t, c, env.URL+"/login/class/pick", url.Values{"code": {code}, "student_id": {sid}, "picture1": {pair[0]}, "picture2": {pair[1]}}); s != http.StatusSeeOther {
				t.Fatalf("right pictures: %d", s)
			}
			if _, body, _ := get(t, c, env.URL+"/"); !strings.Contains(body, "Hi, "+kid.FirstName) {
				t.Errorf("student home after the pictures")
			}

			// Cards carry the pair, by name, in order.
			s, body, _ = post(t, teacher, env.URL+"/classes/1/cards", nil)
			if s != 200 || strings.Count(body, `class="login-card-pictures"`) != len(roster) {
				t.Errorf("cards with pictures: %d", s)
			}
			// A new pair: one new card, with the pictures the student now has.
			s, body, _ = post(t, teacher, env.URL+"/classes/1/students/"+sid+"/pictures", nil)
			pics, _ = store.PicturesOfClass(ctx, env.DB.R, 1)
			now := app.SplitPictures(pics[kid.ID])
			first := strings.ToUpper(now[0][:1]) + now[0][1:]
			if s != 200 || strings.Count(body, `class="login-card"`) != 1 || !strings.Contains(body, `role="img" aria-label="`+first+`"`) {
				t.Errorf("new pictures card: %d", s)
			}
			if s, _, _ := post(t, login(t, env, demo.Teacher2Email), env.URL+"/classes/1/students/"+sid+"/pictures", nil); s != http.StatusNotFound {
				t.Errorf("another teacher resets: %d", s)
			}
		})
	}
}

// The pictures step speaks Arabic: the pictures' names and the question.
func TestPictureLoginArabic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "translations only; TestPictureLoginPages runs the flow on both engines"))
	teacher := login(t, env, demo.TeacherEmail)
	post(t, teacher, env.URL+"/classes/1/pictures", url.Values{"picture_login": {"1"}})
	roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
	_, body, _ := post(t, teacher, env.URL+"/classes/1/code", nil)
	m := regexp.MustCompile(`class="big-code"[^>]*>(\w{3}) (\w{3})<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no class code")
	}
	c := env.Client()
	post(t, c, env.URL+"/language", url.Values{"lang": {"ar"}})
	s, body, _ := post(t, c, env.URL+"/login/class/pick", url.Values{"code": {m[1] + m[2]}, "student_id": {strconv.FormatInt(roster[0].ID, 10)}})
	if s != 200 || !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "صورك السرية") || !strings.Contains(body, ">قطة</span>") {
		t.Errorf("Arabic pictures step: %d", s)
	}
}

// classCodeOf shows a class's code as its teacher and reads it.
func classCodeOf(t *testing.T, env *testenv.Env, teacher *http.Client, class string) string {
	t.Helper()
	_, body, _ := post(t, teacher, env.URL+"/classes/"+class+"/code", nil)
	m := regexp.MustCompile(`class="big-code"[^>]*>(\w{3}) (\w{3})<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no class code")
	}
	return m[1] + m[2]
}
