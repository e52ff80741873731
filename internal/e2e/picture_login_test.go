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

// Picture login on a phone, in English and Arabic: the teacher turns it on
// from the roster, a child enters the class code, taps their name, taps
// the wrong pictures (refused, said at the top) and then theirs, and is
// in; the teacher's new pair comes on one new card.
func TestPictureLoginOnAPhone(t *testing.T) {
	ctx := context.Background()
	env := testenv.New(t, engine(t))
	teacher := newBrowser(t, desktop, "en-US")
	teacher.login(env.URL, demo.TeacherEmail, demo.Password)
	teacher.do(chromedp.Navigate(env.URL+"/classes/1/students#pictures-h"), chromedp.WaitVisible(chromedp.CSS(`input[name="picture_login"]`)))
	teacher.eval(`document.querySelector('input[name="picture_login"]').click(); ""`)
	teacher.follow(`form[action="/classes/1/pictures"] button[type=submit]`, `.roster-pictures`)

	token, _, err := env.App.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := env.App.Authenticate(ctx, token)
	code, _, err := env.App.RotateClassCode(ctx, sess, 1)
	if err != nil {
		t.Fatal(err)
	}
	roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
	kid := roster[1]
	pics, _ := store.PicturesOfClass(ctx, env.DB.R, 1)
	pair := app.SplitPictures(pics[kid.ID])
	wrong := []string{pair[1], pair[0]}

	for _, lang := range []string{"en-US", "ar"} {
		child := newBrowser(t, phone, lang)
		child.allow("status of 400 (Bad Request) at " + env.URL + "/login/class/pick") // the wrong pictures, on purpose
		if lang == "ar" {                                                              // a shared tablet set to Arabic, as the footer's language menu does
			child.do(chromedp.Navigate(env.URL+"/login/class"), chromedp.WaitVisible(chromedp.CSS("main")))
			child.eval(`window.langSet = false; fetch("/language", {method: "POST", body: new URLSearchParams({lang: "ar", back: "/login/class"})}).then(() => { window.langSet = true }); ""`)
			child.waitUntil("the language is set", `window.langSet === true`)
		}
		child.do(chromedp.Navigate(env.URL+"/login/class?code="+code), chromedp.WaitVisible(chromedp.CSS(".pick")))
		if lang == "ar" && child.eval(`document.documentElement.dir`) != "rtl" {
			t.Fatal("the Arabic pass is not right-to-left")
		}
		child.follow(`button[name="student_id"][value="`+strconv.FormatInt(kid.ID, 10)+`"]`, `.picture-grid`)
		child.shot("pictures-" + lang)
		tap := func(p []string) {
			child.eval(`document.querySelector('input[name="picture1"][value="` + p[0] + `"]').click();
				document.querySelector('input[name="picture2"][value="` + p[1] + `"]').click(); ""`)
		}
		tap(wrong)
		child.follow(`.picture-step ~ button[type=submit]`, `.form-error`)
		if msg := child.text(".form-error"); msg == "" || (lang == "en-US" && !strings.Contains(msg, "not your pictures")) {
			t.Errorf("%s: wrong pictures say %q", lang, msg)
		}
		child.shot("wrong-" + lang)
		tap(pair)
		child.follow(`.picture-step ~ button[type=submit]`, `.flash`)
		if lang == "en-US" && !strings.Contains(child.text("main"), "Hi, "+kid.FirstName) {
			t.Errorf("the child is not home after their pictures")
		}
		child.shot("in-" + lang)
		child.checkConsole()
	}

	teacher.do(chromedp.Navigate(env.URL+"/classes/1/students"), chromedp.WaitVisible(chromedp.CSS(".roster-pictures")))
	teacher.follow(`form[action="/classes/1/students/`+strconv.FormatInt(kid.ID, 10)+`/pictures"] button`, `.login-card-pictures`)
	if n := teacher.eval(`String(document.querySelectorAll('.login-card').length)`); n != "1" {
		t.Errorf("new pictures print %s cards", n)
	}
	teacher.shot("new-pictures-card")
	teacher.checkConsole()
}
