package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

func TestVisitorHome(t *testing.T) {
	env := testenv.New(t, engine(t))
	for _, vp := range []struct {
		name string
		size [2]int64
	}{{"phone", phone}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, vp.size, "en-US")
			b.do(chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".hero h1")))
			if h1 := b.text(".hero h1"); !strings.Contains(h1, "classroom community") {
				t.Errorf("home heading: %q", h1)
			}
			// The stylesheet really applied (CSP did not block it).
			if bg := b.eval(`getComputedStyle(document.querySelector('.btn-primary')).borderRadius`); bg != "999px" {
				t.Errorf("stylesheet not applied: border-radius %q", bg)
			}
			b.shot("visitor-home-" + vp.name)
			b.do(chromedp.Navigate(env.URL+"/login"), chromedp.WaitVisible(chromedp.ID("login")))
			b.shot("login-" + vp.name)
		})
	}
}

func TestTeacherLogsInAndSeesClasses(t *testing.T) {
	env := testenv.New(t, engine(t))
	for _, vp := range []struct {
		name string
		size [2]int64
	}{{"phone", phone}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, vp.size, "en-US")
			b.login(env.URL, demo.TeacherEmail, demo.Password)
			if flash := b.text(".flash"); flash != "Welcome back, Ms. Alvarez!" {
				t.Errorf("flash %q", flash)
			}
			if tiles := b.text(".tiles"); !strings.Contains(tiles, "Class 3 Sunflowers") || strings.Contains(tiles, "Class 4 Explorers") {
				t.Errorf("teacher's classes: %q", tiles)
			}
			b.shot("teacher-home-" + vp.name)
			b.do(chromedp.Click(chromedp.CSS(".tiles a.tile")), chromedp.WaitVisible(chromedp.CSS(".students")))
			n := b.eval(`String(document.querySelectorAll('.students .student').length)`)
			if n != "25" {
				t.Errorf("roster shows %s students, want 25", n)
			}
			b.shot("teacher-class-" + vp.name)
			b.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(".hero")))
			if flash := b.text(".flash"); flash != "You are logged out." {
				t.Errorf("logout flash %q", flash)
			}
		})
	}
}

// Each other account type's home, for people to look at, and the
// right-to-left layout in Arabic.
func TestEveryAccountHome(t *testing.T) {
	env := testenv.New(t, engine(t))
	cases := []struct{ who, want, sel string }{
		{demo.LeaderEmail, "Maple Grove Community School", ".school"},
		{demo.ParentEmail, "Elena Martin", ".children"},
		{demo.StudentUsername, "Hi, Ava!", ".student-home"},
	}
	for _, c := range cases {
		t.Run(strings.Split(c.who, "@")[0], func(t *testing.T) {
			b := newBrowser(t, phone, "en-US")
			b.login(env.URL, c.who, demo.Password)
			if got := b.text(c.sel); !strings.Contains(got, c.want) {
				t.Errorf("%s sees %q", c.who, got)
			}
			b.shot("home-phone")
		})
	}
	t.Run("arabic", func(t *testing.T) {
		b := newBrowser(t, phone, "en-US")
		b.do(chromedp.Navigate(env.URL+"/login"), chromedp.WaitVisible(chromedp.ID("login")))
		// Picking a language in the footer switches at once (app.js submits
		// the form on change).
		b.eval(`(() => { const s = document.getElementById('lang-select'); s.value = 'ar'; s.dispatchEvent(new Event('change', {bubbles: true})); return "" })()`)
		b.do(chromedp.WaitVisible(chromedp.CSS(`html[dir=rtl] #login`)))
		if dir := b.eval(`document.documentElement.dir`); dir != "rtl" {
			t.Errorf("dir=%q for an Arabic browser", dir)
		}
		// Mirrored: the brand sits on the right in right-to-left.
		if side := b.eval(`document.querySelector('.brand').getBoundingClientRect().left > innerWidth/2 ? "right" : "left"`); side != "right" {
			t.Errorf("brand is on the %s in rtl", side)
		}
		if w := b.eval(`document.documentElement.scrollWidth + "/" + innerWidth`); w != "375/375" {
			t.Errorf("page overflows sideways in rtl: scrollWidth/innerWidth %s", w)
		}
		b.shot("login-arabic-phone")
	})
}
