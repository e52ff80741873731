package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A courtesy title reads in the reader's language: the demo's Ms. Alvarez
// is "Sra. Alvarez" in Spanish and "Mme Alvarez" in French (issue 15), and
// the settings form offers the titles in that language while posting the
// same values.
func TestTitlesAreTranslated(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "words on pages; no SQL of its own"))
	ctx := context.Background()
	u, err := store.UserByEmail(ctx, env.DB.R, demo.TeacherEmail)
	if err != nil || u.Title != "Ms." {
		t.Fatalf("the demo teacher: %v %+v", err, u)
	}
	for _, c := range []struct{ lang, greeting, option string }{
		{"es", "Sra. Alvarez", `<option value="Ms." selected>Sra. (Ms.)</option>`},
		{"fr", "Mme Alvarez", `<option value="Ms." selected>Mme (Ms.)</option>`},
		{"en", "Ms. Alvarez", `<option value="Ms." selected>Ms.</option>`},
	} {
		if err := store.SetUserLanguage(ctx, env.DB.W, u.ID, c.lang, env.App.Now()); err != nil {
			t.Fatal(err)
		}
		teacher := login(t, env, demo.TeacherEmail)
		if _, body, _ := get(t, teacher, env.URL+"/"); !strings.Contains(body, c.greeting) || (c.lang != "en" && strings.Contains(body, "Ms. Alvarez")) {
			t.Errorf("%s: the home page does not greet %q", c.lang, c.greeting)
		}
		if _, body, _ := get(t, teacher, env.URL+"/settings"); !strings.Contains(body, c.option) {
			t.Errorf("%s: the settings form does not offer %s", c.lang, c.option)
		}
	}
}

// The teacher's title in what families read: a Spanish-speaking parent
// sees "Sra. Alvarez" as the author of a Class Story post and of its
// comment, and as the sender of a message, never the stored "Ms.".
func TestTitlesInStoriesAndMessages(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "words on pages; no SQL of its own"))
	ctx := context.Background()
	teacher := teacherSession(t, env)
	parentUser, err := store.UserByEmail(ctx, env.DB.R, demo.ParentEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserLanguage(ctx, env.DB.W, parentUser.ID, "es", env.App.Now()); err != nil {
		t.Fatal(err)
	}
	var classID int64
	for id := range teacher.Actor.Classes {
		classID = id
	}
	post, err := env.App.PostClassStory(ctx, teacher, classID, app.StoryDraft{Text: "Our class play"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.CommentOnStory(ctx, teacher, post.ID, "Thank you all"); err != nil {
		t.Fatal(err)
	}
	_, roster, err := env.App.Class(ctx, teacher, classID)
	if err != nil {
		t.Fatal(err)
	}
	ava := roster[0]
	for _, st := range roster {
		if st.FirstName == "Ava" {
			ava = st
		}
	}
	conv, _, err := env.App.StartConversation(ctx, teacher, app.NewConversation{SchoolID: ava.SchoolID, StudentID: ava.ID, To: parentUser.ID},
		app.MessageDraft{Text: "Ava read beautifully today"})
	if err != nil {
		t.Fatal(err)
	}
	parent := login(t, env, demo.ParentEmail)
	for _, page := range []string{"/stories/" + strconv.FormatInt(post.ID, 10), "/messages/" + strconv.FormatInt(conv.ID, 10)} {
		_, body, _ := get(t, parent, env.URL+page)
		if !strings.Contains(body, "Sra. Alvarez") || strings.Contains(body, "Ms. Alvarez") {
			t.Errorf("%s does not name the teacher in Spanish", page)
		}
	}
}

// A family's timeline names the day of each point in the family's
// language ("mié 14:08"), on the page as in its live rows.
func TestTimelineDayInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, db.SQLite)
	ctx := context.Background()
	u, err := store.UserByEmail(ctx, env.DB.R, demo.ParentEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserLanguage(ctx, env.DB.W, u.ID, "es", env.App.Now()); err != nil {
		t.Fatal(err)
	}
	body := mustGet(t, login(t, env, demo.ParentEmail), env.URL+"/")
	days := regexp.MustCompile(`<time class="muted small" datetime="[^"]+">([^ <]+) [0-9]{2}:[0-9]{2}</time>`).FindAllStringSubmatch(body, -1)
	if len(days) == 0 {
		t.Fatal("the parent's home shows no point with its time")
	}
	spanish := map[string]bool{"lun": true, "mar": true, "mié": true, "jue": true, "vie": true, "sáb": true, "dom": true}
	for _, d := range days {
		if !spanish[d[1]] {
			t.Errorf("a point's day reads %q on a Spanish page", d[1])
		}
	}
}
