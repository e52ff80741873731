package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

var twentyFive = []string{"Ada Lovelace", "Ben Okri", "Cleo Park", "Dev Patel", "Eva Lind", "Finn Moss", "Gia Rossi", "Hugo Brandt",
	"Ines Costa", "Jon Berg", "Kira Sato", "Leo Diaz", "Mina Haddad", "Nico Weber", "Olga Ivanova", "Pia Lund", "Quinn Hale",
	"Rosa Vega", "Sami Aziz", "Tara Nolan", "Uma Rao", "Vic Moreau", "Wen Li", "Xavi Puig", "Yuki Mori"}

func TestTeachersDayInTheClassroom(t *testing.T) {
	env := testenv.New(t, engine(t))
	teacher := newBrowser(t, desktop, "en-US")
	teacher.login(env.URL, demo.TeacherEmail, demo.Password)

	// Create a class and paste 25 names.
	teacher.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.ID("class-name")))
	teacher.fill("class-name", "Room 7 Otters")
	teacher.do(chromedp.Click(chromedp.CSS(`form[action="/classes"] button`)), chromedp.WaitVisible(chromedp.ID("names")))
	teacher.fill("names", strings.Join(twentyFive, "\n"))
	teacher.do(chromedp.Click(chromedp.CSS(`form[action$="/students"] button`)), chromedp.WaitVisible(chromedp.CSS("table.roster")))
	if n := teacher.eval(`String(document.querySelectorAll('table.roster tbody tr').length)`); n != "25" {
		t.Fatalf("roster has %s rows", n)
	}
	classPath := teacher.eval(`location.pathname.replace(/\/students$/, "")`)
	teacher.shot("roster")
	parentCode := teacher.eval(`[...document.querySelectorAll('table.roster tbody tr')].find(r => r.textContent.includes('Yuki Mori')).querySelectorAll('code')[1].textContent`)

	// Print login cards.
	teacher.do(chromedp.Click(chromedp.CSS(`form[action$="/cards"] button`)), chromedp.WaitVisible(chromedp.CSS(".cards-sheet")))
	if n := teacher.eval(`String(document.querySelectorAll('.login-card .qr').length)`); n != "25" {
		t.Errorf("%s login cards with QR codes", n)
	}
	teacher.shot("login-cards")

	// Take attendance: Ada and Ben absent.
	teacher.do(chromedp.Navigate(env.URL+classPath+"/attendance"), chromedp.WaitVisible(chromedp.CSS(".attendance-list")))
	for _, name := range []string{"Ada Lovelace", "Ben Okri"} {
		teacher.eval(fmt.Sprintf(`(() => { const f = [...document.querySelectorAll('.attendance-list fieldset')].find(f => f.textContent.includes(%q));
			f.querySelector('input[value=absent]').closest('label').click(); return "" })()`, name))
	}
	teacher.shot("attendance")
	teacher.do(chromedp.Click(chromedp.CSS(`form[action$="/attendance"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".grid-tiles")))

	// Whole class: one tap on the button, one on a skill; no page load.
	teacher.do(chromedp.Click(chromedp.CSS("[data-whole-class]")), chromedp.WaitVisible(chromedp.CSS(".sheet.open .skill")))
	teacher.shot("skills-sheet")
	// The page bumps the bubbles before it shows the toast.
	teacher.do(chromedp.Click(chromedp.CSS(".sheet.open .skill.pos")), chromedp.WaitVisible(chromedp.CSS("[data-toast]:not([hidden])")))
	bubbles := teacher.eval(`[...document.querySelectorAll('.grid-tiles .student')].map(s => s.querySelector('.student-name').textContent + "=" + s.querySelector('.bubble').dataset.value).join(",")`)
	for _, want := range []string{"Ada=0", "Ben=0", "Cleo=1", "Yuki=1"} {
		if !strings.Contains(bubbles, want) {
			t.Errorf("after whole class: %s lacks %s", bubbles, want)
		}
	}
	teacher.shot("class-view")

	// A student logs in with the class code and sees their point.
	teacher.do(chromedp.Navigate(env.URL+classPath+"/students"), chromedp.WaitVisible(chromedp.CSS(`form[action$="/code"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/code"] button`)), chromedp.WaitVisible(chromedp.CSS(".big-code")))
	code := strings.ReplaceAll(teacher.text(".big-code"), " ", "")
	teacher.shot("class-code")
	kid := newBrowser(t, phone, "en-US")
	kid.do(chromedp.Navigate(env.URL+"/login/class"), chromedp.WaitVisible(chromedp.ID("code")))
	kid.fill("code", code)
	kid.do(chromedp.Click(chromedp.CSS(`form.form button`)), chromedp.WaitVisible(chromedp.CSS(".pick")))
	kid.shot("pick-your-name")
	kid.eval(`[...document.querySelectorAll('.pick button')].find(b => b.textContent.includes('Cleo')).click(), ""`)
	kid.do(chromedp.WaitVisible(chromedp.CSS(".child-day")))
	if got := kid.text("[data-today-total]"); got != "1" {
		t.Errorf("student sees %q points today", got)
	}
	kid.shot("student-home")

	// A parent connects with Yuki's code and sees a new point live.
	parent := newBrowser(t, phone, "en-US")
	parent.do(chromedp.Navigate(env.URL+"/signup?type=parent"), chromedp.WaitVisible(chromedp.ID("first_name")))
	parent.fill("first_name", "Aiko")
	parent.fill("last_name", "Mori")
	parent.fill("email", "aiko.mori@example.org")
	parent.fill("password", "quiet forest pond")
	parent.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("parent_code")))
	parent.fill("parent_code", parentCode)
	// Connecting asks about photos of the child first (stories).
	parent.do(chromedp.Click(chromedp.CSS(`form[action="/children/connect"] button`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/settings/media"]`)))
	parent.do(chromedp.Click(chromedp.CSS(`form[action="/settings/media"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("[data-live-student]")))
	if got := parent.text("[data-today-total]"); got != "1" {
		t.Errorf("parent sees %q points today", got)
	}
	parent.waitUntil("the family page's event stream is open", `window.cubbyOpenStreams > 0`)
	teacher.do(chromedp.Navigate(env.URL+classPath), chromedp.WaitVisible(chromedp.CSS(".grid-tiles")))
	teacher.eval(`[...document.querySelectorAll('[data-student]')].find(a => a.dataset.name === 'Yuki').click(), ""`)
	teacher.do(chromedp.WaitVisible(chromedp.CSS(".sheet.open .skill")), chromedp.Click(chromedp.CSS(".sheet.open .skill.pos")),
		chromedp.WaitVisible(chromedp.CSS("[data-toast]:not([hidden])")))
	week := parent.text("[data-week-total]")
	teacher.do(chromedp.Navigate(env.URL+classPath), chromedp.WaitVisible(chromedp.CSS(".grid-tiles")))
	teacher.eval(`[...document.querySelectorAll('[data-student]')].find(a => a.dataset.name === 'Yuki').click(), ""`)
	teacher.do(chromedp.WaitVisible(chromedp.CSS(".sheet.open .skill")), chromedp.Click(chromedp.CSS(".sheet.open .skill.pos")),
		chromedp.WaitVisible(chromedp.CSS("[data-toast]:not([hidden])")))
	parent.waitUntil("the new point appears live", `document.querySelector("[data-today-total]").textContent === "3"`)
	// This week's total follows today's, and the new row says when, as
	// the rows the page was served with do (issue 15).
	if got, want := parent.text("[data-week-total]"), fmt.Sprint(atoi(t, week)+1); got != want {
		t.Errorf("this week shows %s after a live point, want %s", got, want)
	}
	if row := parent.eval(`(() => { const li = document.querySelector("[data-timeline] li.new"); const old = document.querySelector("[data-timeline] li:not(.new) time"); return li.querySelector(".pt").textContent + "|" + (li.querySelector("time") ? li.querySelector("time").textContent.length === old.textContent.length : "no time"); })()`); row != "+1|true" {
		t.Errorf("the live row reads %q, want a +1 and a time like the others'", row)
	}
	parent.shot("parent-live")

	// Another child's parent cannot see Yuki's points.
	yuki := parent.eval(`document.querySelector('[data-live-student]').dataset.liveStudent`)
	otherClient := env.Client()
	otherClient.PostForm(env.URL+"/login", url.Values{"login": {demo.ParentEmail}, "password": {demo.Password}})
	resp, err := otherClient.Get(env.URL + "/api/v1/students/" + yuki + "/points")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another parent reading Yuki's points: %d", resp.StatusCode)
	}
	other := newBrowser(t, phone, "en-US")
	other.login(env.URL, demo.ParentEmail, demo.Password)
	if body := other.text("main"); strings.Contains(body, "Yuki") {
		t.Error("another parent's home mentions Yuki")
	}
	other.shot("other-parent-home")
}
