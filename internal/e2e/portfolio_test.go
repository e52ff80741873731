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

// draw dispatches touch pointer events across the drawing canvas: a
// finger's stroke.
func draw(b *browser, dy int) {
	b.eval(`(() => { const c = document.querySelector(".draw-canvas"); const r = c.getBoundingClientRect();
		const ev = (t, x, y) => c.dispatchEvent(new PointerEvent(t, {pointerId: 7, pointerType: "touch", isPrimary: true,
			clientX: r.left + x, clientY: r.top + y, bubbles: true, cancelable: true}));
		ev("pointerdown", 20, 20 + ` + strconv.Itoa(dy) + `);
		for (let i = 1; i <= 12; i++) ev("pointermove", 20 + i * 15, 20 + ` + strconv.Itoa(dy) + ` + i * 6);
		ev("pointerup", 200, 100); return "" })()`)
}

// The portfolios' "done when", on a phone: a student logs in with the
// class code and draws for an activity with their finger; before approval
// the parent sees nothing; the teacher returns it with a comment, the
// student improves it, the teacher approves; the parent then sees it and
// likes it; another student cannot open it (404).
func TestPortfolioInABrowser(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
	var ava store.Student
	for _, st := range roster {
		if st.FirstName == "Ava" {
			ava = st
		}
	}

	teacher := newBrowser(t, phone, "en-US")
	teacher.login(env.URL, demo.TeacherEmail, demo.Password)
	teacher.do(chromedp.Navigate(env.URL+"/classes/1/portfolio"), chromedp.WaitVisible(chromedp.CSS("#acts-h")))
	teacher.eval(`document.querySelector("#activities details").open = true, ""`)
	teacher.fill("act-title", "Draw the weather")
	teacher.do(chromedp.Click(chromedp.CSS(`form[action$="/activities"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	var actID int64
	if err := env.DB.R.QueryRow(`SELECT id FROM portfolio_activities WHERE title = 'Draw the weather'`).Scan(&actID); err != nil {
		t.Fatal(err)
	}
	teacher.do(chromedp.Navigate(env.URL+"/classes/1/students"), chromedp.WaitVisible(chromedp.CSS(`form[action$="/code"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/code"] button`)), chromedp.WaitVisible(chromedp.CSS(".big-code")))
	code := strings.ReplaceAll(teacher.text(".big-code"), " ", "")

	// The student logs in with the class code and draws with a finger.
	kid := newBrowser(t, phone, "en-US")
	kid.do(chromedp.Navigate(env.URL+"/login/class"), chromedp.WaitVisible(chromedp.ID("code")))
	kid.fill("code", code)
	kid.do(chromedp.Click(chromedp.CSS(`form.form button`)), chromedp.WaitVisible(chromedp.CSS(".pick")))
	kid.eval(`[...document.querySelectorAll('.pick button')].find(b => b.textContent.includes('Ava')).click(), ""`)
	kid.do(chromedp.WaitVisible(chromedp.CSS(".child-day")))
	kid.do(chromedp.Navigate(env.URL+"/portfolio?activity="+strconv.FormatInt(actID, 10)), chromedp.WaitVisible(chromedp.CSS("[data-portfolio-compose]")))
	kid.waitUntil("the drawing tools", `!document.querySelector("[data-draw]").hidden`)
	draw(kid, 0)
	kid.fill("portfolio-text", "Sunny with one cloud")
	kid.shot("drawing")
	kid.do(chromedp.Click(chromedp.CSS(`[data-portfolio-compose] button[type=submit]`)))
	kid.waitUntil("the posted drawing", `[...document.querySelectorAll(".portfolio-item")].some(e => e.textContent.includes("Sunny with one cloud") && e.querySelector("img"))`)
	kid.shot("posted")
	var itemID int64
	if err := env.DB.R.QueryRow(`SELECT id FROM portfolio_items WHERE body = 'Sunny with one cloud'`).Scan(&itemID); err != nil {
		t.Fatal(err)
	}
	item := strconv.FormatInt(itemID, 10)
	card := "#item-" + item

	// Before approval the parent sees nothing.
	parent := newBrowser(t, phone, "en-US")
	parent.login(env.URL, demo.ParentEmail, demo.Password)
	famURL := env.URL + "/students/" + strconv.FormatInt(ava.ID, 10) + "/portfolio"
	parent.do(chromedp.Navigate(famURL), chromedp.WaitVisible(chromedp.CSS("h1")))
	if strings.Contains(parent.text("main"), "Sunny with one cloud") {
		t.Fatal("the parent sees the work before approval")
	}
	parent.shot("family-before")

	// The teacher returns it with a comment.
	teacher.do(chromedp.Navigate(env.URL+"/classes/1/portfolio"), chromedp.WaitVisible(chromedp.CSS(card)))
	teacher.eval(`document.querySelector("` + card + ` .portfolio-return").open = true, ""`)
	teacher.fill("return-"+item, "Add some rain under the cloud")
	teacher.do(chromedp.Click(chromedp.CSS(card+` form[action$="/return"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	teacher.shot("returned")

	// The student improves it over the first drawing.
	kid.do(chromedp.Navigate(env.URL+"/portfolio-items/"+item), chromedp.WaitVisible(chromedp.CSS("[data-portfolio-compose]")))
	kid.waitUntil("the drawing tools", `!document.querySelector("[data-draw]").hidden`)
	if !strings.Contains(kid.text(card), "Add some rain under the cloud") {
		t.Error("the student does not see the teacher's comment")
	}
	draw(kid, 40)
	kid.do(chromedp.Clear(chromedp.ID("portfolio-text")))
	kid.fill("portfolio-text", "Sunny with one cloud and rain")
	kid.do(chromedp.Click(chromedp.CSS(`[data-portfolio-compose] button[type=submit]`)))
	kid.waitUntil("the improved work", `[...document.querySelectorAll(".portfolio-item")].some(e => e.textContent.includes("and rain"))`)
	kid.shot("improved")

	// The teacher approves; the parent sees it and likes it.
	teacher.do(chromedp.Navigate(env.URL+"/classes/1/portfolio"), chromedp.WaitVisible(chromedp.CSS(card)))
	teacher.do(chromedp.Click(chromedp.CSS(card+` form[action$="/approve"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	parent.do(chromedp.Navigate(famURL), chromedp.WaitVisible(chromedp.CSS(card)))
	parent.waitUntil("the drawing", `[...document.querySelectorAll("`+card+` img")].some(i => i.complete && i.naturalWidth > 0)`)
	if strings.Contains(parent.text("main"), "Add some rain") {
		t.Error("the parent sees the teacher's private comment")
	}
	parent.do(chromedp.Click(chromedp.CSS(card + " .story-like button")))
	parent.waitUntil("the like", `!!document.querySelector("`+card+` .story-like .liked")`)
	parent.shot("family-liked")

	// Another student cannot open it.
	other := newBrowser(t, phone, "en-US")
	other.login(env.URL, "mateo.g", demo.Password)
	other.do(chromedp.Navigate(env.URL+"/portfolio-items/"+item), chromedp.WaitVisible(chromedp.CSS("main")))
	if strings.Contains(other.text("main"), "Sunny with one cloud") {
		t.Error("another student sees the work")
	}
	other.shot("other-student-404")
	other.expectErrorStatus(404, "/portfolio-items/"+item)
}
