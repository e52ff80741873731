package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/app"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A name of 100 letters without a space (the longest allowed) wraps: the
// class screen, the roster and the attendance list stay inside a phone's
// width (issue 15: long names overflowed the layout).
func TestLongUnbrokenNamesWrap(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	tok, _, err := env.App.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	s, err := env.App.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	classes, err := store.ClassesForUser(ctx, env.DB.R, s.User.ID, store.ClassPage{Limit: 10})
	if err != nil || len(classes) == 0 {
		t.Fatalf("classes: %v", err)
	}
	classID := classes[0].ID
	long := strings.Repeat("W", 100)
	if _, err := env.App.AddStudents(ctx, s, classID, []app.NewStudent{{FirstName: long, LastName: long}}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, phone, "ar")
	b.login(env.URL, demo.TeacherEmail, demo.Password)
	b.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.CSS(".tiles .tile")))
	for _, page := range []struct{ path, ready string }{{"", ".grid-tiles"}, {"/students", "table.roster"}, {"/attendance", ".attendance-list"}} {
		b.do(chromedp.Navigate(env.URL+"/classes/"+strconv.FormatInt(classID, 10)+page.path), chromedp.WaitVisible(chromedp.CSS(page.ready)))
		if w := b.eval(`document.documentElement.scrollWidth + "/" + innerWidth`); w != "375/375" {
			t.Errorf("%s overflows sideways with a long name: %s", page.ready, w)
		}
		b.shot("long-name" + strings.ReplaceAll(page.path, "/", "-"))
	}
}
