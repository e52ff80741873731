package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// The classroom tools at desktop (projector) and phone size: pick a
// student, make groups and give one a point, run the timer, open the noise
// meter; edit a class skill; a student chooses their character.
func TestClassroomTools(t *testing.T) {
	env := testenv.New(t, engine(t))
	teacher := newBrowser(t, desktop, "en-US")
	teacher.login(env.URL, demo.TeacherEmail, demo.Password)
	teacher.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.CSS("main")))
	classPath := teacher.eval(`[...document.querySelectorAll('a[href^="/classes/"]')].find(a => a.textContent.includes('Class 3 Sunflowers')).getAttribute('href')`)

	teacher.do(chromedp.Navigate(env.URL+classPath+"/tools"), chromedp.WaitVisible(chromedp.CSS(".tool-list")))
	teacher.shot("tools")
	teacher.follow(`a[href$="/tools/picker"].tool-card`, `[data-stage]`)
	teacher.do(chromedp.Click(chromedp.CSS(`[data-stage] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("[data-pick-name]")))
	teacher.waitUntil("the name roll ends", `!document.querySelector("[data-pick]").classList.contains("rolling")`)
	if name := teacher.text("[data-pick-name]"); name == "" {
		t.Error("no one picked")
	}
	teacher.shot("picker")

	teacher.do(chromedp.Navigate(env.URL+classPath+"/tools/groups"), chromedp.WaitVisible(chromedp.ID("size")))
	teacher.do(chromedp.SetValue(chromedp.ID("size"), "4"))
	teacher.follow(`.groups-form button[type=submit]`, `.group-list`)
	groups := teacher.eval(`String(document.querySelectorAll('.group').length)`)
	members := teacher.eval(`String(document.querySelectorAll('#group-1 .group-members li').length)`)
	if groups == "0" || members == "0" {
		t.Fatalf("%s groups, %s in the first", groups, members)
	}
	teacher.shot("groups")
	var before int
	env.DB.R.QueryRow(`SELECT count(*) FROM points`).Scan(&before)
	teacher.do(chromedp.Click(chromedp.CSS(`#group-1 summary`)), chromedp.WaitVisible(chromedp.CSS(`#group-1 .skill.pos`)))
	teacher.follow(`#group-1 .skill.pos`, `.flash`)
	if got := teacher.text(".flash"); !strings.Contains(got, "each student of the group") {
		t.Errorf("after a group point the page says %q", got)
	}
	var after int
	env.DB.R.QueryRow(`SELECT count(*) FROM points`).Scan(&after)
	if n := after - before; n == 0 || n != atoi(t, members) {
		t.Errorf("a group of %s got %d points", members, n)
	}
	teacher.shot("groups-point-given")

	teacher.do(chromedp.Navigate(env.URL+classPath+"/tools/timer"), chromedp.WaitVisible(chromedp.CSS("[data-timer-start]")))
	teacher.do(chromedp.Click(chromedp.CSS(`[data-seconds="30"]`)))
	if got := teacher.text("[data-timer-display]"); got != "00:30" {
		t.Errorf("the 30 s preset shows %q", got)
	}
	teacher.do(chromedp.Click(chromedp.CSS("[data-timer-start]")))
	teacher.waitUntil("the timer counts down", `document.querySelector("[data-timer-display]").textContent < "00:30"`)
	teacher.do(chromedp.Click(chromedp.CSS("[data-timer-pause]")))
	teacher.shot("timer")
	teacher.do(chromedp.Navigate(env.URL+classPath+"/tools/noise"), chromedp.WaitVisible(chromedp.CSS("[data-noise-start]")))
	if got := teacher.text(".noise-privacy"); !strings.Contains(got, "nothing is recorded") {
		t.Errorf("the noise meter says %q", got)
	}
	teacher.shot("noise-meter")

	// A class skill, added and edited from the class screen.
	teacher.do(chromedp.Navigate(env.URL+classPath+"/skills"), chromedp.WaitVisible(chromedp.ID("skill-name")))
	teacher.fill("skill-name", "Tidy desk")
	teacher.eval(`document.querySelector('.icon-opt input[value="star"]').closest('label').click(), ""`)
	teacher.follow(`form[action$="/skills"] button[type=submit]`, `.flash`)
	edit := teacher.eval(`[...document.querySelectorAll('.class-skills li')].find(li => li.textContent.includes('Tidy desk')).querySelector('a').getAttribute('href')`)
	teacher.do(chromedp.Navigate(env.URL+edit), chromedp.WaitVisible(chromedp.ID("skill-name")))
	teacher.eval(`(() => { document.getElementById("skill-name").value = ""; return "" })()`)
	teacher.fill("skill-name", "Tidy table")
	teacher.follow(`form[action*="/skills/"] button.btn-primary`, `.flash`)
	if body := teacher.text("main"); !strings.Contains(body, "Tidy table") {
		t.Error("the edited skill is not listed")
	}
	teacher.shot("class-skills")

	// The tools on a phone.
	phoneTeacher := newBrowser(t, phone, "en-US")
	phoneTeacher.login(env.URL, demo.TeacherEmail, demo.Password)
	phoneTeacher.do(chromedp.Navigate(env.URL+classPath+"/tools/picker?pick=1"), chromedp.WaitVisible(chromedp.CSS("[data-pick-name]")))
	phoneTeacher.shot("picker-phone")
	phoneTeacher.do(chromedp.Navigate(env.URL+classPath+"/tools/groups?make=1&size=3"), chromedp.WaitVisible(chromedp.CSS(".group-list")))
	if w := phoneTeacher.eval(`String(document.documentElement.scrollWidth <= 375)`); w != "true" {
		t.Error("the groups page is wider than the phone")
	}
	phoneTeacher.shot("groups-phone")
	phoneTeacher.do(chromedp.Navigate(env.URL+classPath+"/tools/timer"), chromedp.WaitVisible(chromedp.CSS("[data-timer-display]")))
	phoneTeacher.shot("timer-phone")

	// A student chooses their character.
	kid := newBrowser(t, phone, "en-US")
	kid.login(env.URL, demo.StudentUsername, demo.Password)
	before1 := kid.eval(`document.querySelector(".student-home .avatar").outerHTML`)
	kid.follow(`a[href="/settings/avatar"]`, `.avatar-grid`)
	kid.shot("choose-character")
	kid.eval(`document.querySelectorAll('.avatar-opt')[6].click(), ""`)
	kid.follow(`form[action="/settings/avatar"] button[type=submit]`, `.flash`)
	if after1 := kid.eval(`document.querySelector(".student-home .avatar").outerHTML`); after1 == before1 {
		t.Error("the student's character did not change")
	}
	kid.shot("student-home-character")
}
