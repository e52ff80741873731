package web_test

import (
	"context"
	"strings"
	"testing"

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
