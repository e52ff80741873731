package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// The class screen as a new teacher finds it (issue 15), on a phone in
// English and a desktop in Arabic: the tiles say what their numbers count
// and the teacher switches between today, this week and all time; signed
// numbers read "+1" in Arabic too; skill names are never cut; choosing
// several students shows how many and gives them a point; attendance,
// once taken, can be corrected.
func TestClassScreenSaysWhatItCounts(t *testing.T) {
	for _, c := range []struct {
		name, lang, accept string
		size               [2]int64
	}{{"phone-en", "en", "en-US", phone}, {"desktop-ar", "ar", "ar", desktop}} {
		t.Run(c.name, func(t *testing.T) {
			env := testenv.New(t, engine(t))
			ctx := context.Background()
			u, err := store.UserByEmail(ctx, env.DB.R, demo.TeacherEmail)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.SetUserLanguage(ctx, env.DB.W, u.ID, c.lang, env.App.Now()); err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t, c.size, c.accept)
			b.login(env.URL, demo.TeacherEmail, demo.Password)
			b.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.CSS(".tiles .tile")))
			classPath := b.eval(`new URL(document.querySelector('.tiles .tile').href).pathname`)
			b.do(chromedp.Navigate(env.URL+classPath), chromedp.WaitVisible(chromedp.CSS(".grid-tiles")))

			// Every tile's number is labelled, and the switch says which
			// period is counted.
			if n := b.eval(`String([...document.querySelectorAll('.grid-tiles .bubble')].filter(x => !x.title || !x.querySelector('.visually-hidden')).length)`); n != "0" {
				t.Errorf("%s tiles' numbers have no label", n)
			}
			if cur := b.eval(`document.querySelector('.period-switch [aria-current]').getAttribute('href')`); cur != classPath {
				t.Errorf("the period counted by default is %q, want today", cur)
			}
			b.shot("class-today")
			sum := func() int {
				n, _ := strconv.Atoi(b.eval(`String([...document.querySelectorAll('.grid-tiles .bubble')].reduce((s, x) => s + parseInt(x.dataset.value, 10), 0))`))
				return n
			}
			today := sum()
			b.follow(`.period-switch a[href$="?period=all"]`, `.period-switch a[href$="?period=all"][aria-current]`)
			all := sum()
			if all <= today || all == 0 {
				t.Errorf("all time counts %d, today %d: the demo's four weeks of points are not counted", all, today)
			}
			b.shot("class-all-time")

			// "+1" reads +1 in Arabic: the sign is left of the digit.
			b.do(chromedp.Click(chromedp.CSS("[data-whole-class]")), chromedp.WaitVisible(chromedp.CSS(".sheet.open .skill")))
			order := b.eval(`(() => {
				const n = document.querySelector('.sheet.open .skill.pos .num');
				const r = document.createRange(); r.setStart(n.firstChild, 0); r.setEnd(n.firstChild, 1);
				const sign = r.getBoundingClientRect();
				r.setStart(n.firstChild, 1); r.setEnd(n.firstChild, 2);
				return n.textContent + (sign.left < r.getBoundingClientRect().left ? " sign-first" : " sign-last");
			})()`)
			if order != "+1 sign-first" {
				t.Errorf("a skill's weight reads %q", order)
			}
			// No skill name is cut.
			if cut := b.eval(`[...document.querySelectorAll('.sheet.open .skill-name')].filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > e.closest('.skill').getBoundingClientRect().right + 1 || e.getBoundingClientRect().left < e.closest('.skill').getBoundingClientRect().left - 1).map(e => e.textContent).join(",")`); cut != "" {
				t.Errorf("skill names cut: %s", cut)
			}
			b.shot("skill-sheet")
			b.do(chromedp.Click(chromedp.CSS("[data-sheet-close]")))

			// Choose three: the button says so, stays in view, and gives them a point.
			b.do(chromedp.Click(chromedp.CSS("[data-select-mode]")))
			b.eval(`[...document.querySelectorAll('.grid-tiles .student:not(.absent) [data-student]')].slice(0, 3).forEach(a => a.click()), ""`)
			label := b.eval(`document.querySelector('[data-select-mode]').textContent`)
			if !strings.Contains(label, "(3)") {
				t.Errorf("with three chosen, the button says %q", label)
			}
			if inView := b.eval(`String(document.querySelector('[data-select-mode]').getBoundingClientRect().bottom <= innerHeight)`); inView != "true" {
				t.Error("the give button is out of view while choosing")
			}
			b.shot("choose-three")
			before := sum()
			b.do(chromedp.Click(chromedp.CSS("[data-select-mode]")), chromedp.WaitVisible(chromedp.CSS(".sheet.open .skill")),
				chromedp.Click(chromedp.CSS(".sheet.open .skill.pos")), chromedp.WaitVisible(chromedp.CSS("[data-toast]:not([hidden])")))
			if after := sum(); after != before+3 {
				t.Errorf("after giving three a point, the tiles count %d, want %d", after, before+3)
			}

			// Attendance taken today can be corrected from the class screen.
			b.do(chromedp.Navigate(env.URL+classPath+"/attendance"), chromedp.WaitVisible(chromedp.CSS(".attendance-list")),
				chromedp.Click(chromedp.CSS(`form[action$="/attendance"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".grid-tiles")))
			if b.eval(`String(!!document.getElementById('correct-attendance'))`) != "true" {
				t.Error("after attendance is saved, nothing offers to correct it")
			}
		})
	}
}
