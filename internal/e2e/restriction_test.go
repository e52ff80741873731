package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A parent asks to restrict the processing of Ava's records from her
// privacy page; the leader grants it; the teacher's class screen shows her
// tile as restricted, with nothing to tap; the leader lifts it, which the
// parent is emailed about and sees on the page.
func TestRestrictionAskedGrantedLifted(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	ava, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
	if err != nil {
		t.Fatal(err)
	}
	profile, err := store.StudentByUserID(ctx, env.DB.R, ava.ID)
	if err != nil {
		t.Fatal(err)
	}
	var class3 int64
	if err := env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = 'Class 3 Sunflowers'`).Scan(&class3); err != nil {
		t.Fatal(err)
	}

	// The parent finds the request next to corrections, on a phone.
	parent := newBrowser(t, phone, "en-US")
	parent.login(env.URL, demo.ParentEmail, demo.Password)
	parent.do(chromedp.Navigate(env.URL+"/privacy/corrections?student="+itoa(profile.ID)+"#records"), chromedp.WaitVisible(chromedp.ID("records")),
		chromedp.Click(chromedp.CSS(`#records a[href^="/privacy/restrictions"]`)), chromedp.WaitVisible(chromedp.ID("ask")))
	if n := parent.eval(`String(document.querySelectorAll('#ask .ground-option').length)`); n != "4" {
		t.Errorf("%s grounds offered, want the four of Art. 18(1)", n)
	}
	parent.shot("parent-ask")
	// Sending without a reason to restrict says so, and keeps the words.
	parent.fill("request", "Her points from last week are her sister's.")
	parent.do(chromedp.Click(chromedp.ID("ask-send")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	if got := parent.text("#ask .field-error"); got != "Choose one of the reasons." {
		t.Errorf("no ground chosen: %q", got)
	}
	if got := parent.eval(`document.getElementById('request').value`); !strings.Contains(got, "sister") {
		t.Errorf("the request was lost: %q", got)
	}
	parent.do(chromedp.Click(chromedp.CSS(`#ask .ground-option:has(input[value=accuracy])`)),
		chromedp.Click(chromedp.ID("ask-send")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := parent.text("#open"); !strings.Contains(got, "Waiting") || !strings.Contains(got, "Accuracy contested") {
		t.Errorf("the parent's open request: %q", got)
	}
	parent.shot("parent-asked")

	// The leader sees it waiting, on a desktop, and grants it.
	leader := newBrowser(t, desktop, "en-US")
	leader.login(env.URL, demo.LeaderEmail, demo.Password)
	leader.do(chromedp.Navigate(env.URL+"/settings#data"), chromedp.WaitVisible(chromedp.ID("data")))
	if badge := leader.text(`#data li:has(a[href="/privacy/restrictions"]) .badge`); badge != "1" {
		t.Errorf("waiting restrictions badge %q", badge)
	}
	leader.do(chromedp.Click(chromedp.CSS(`#data a[href="/privacy/restrictions"]`)), chromedp.WaitVisible(chromedp.CSS("#open .restriction")))
	leader.shot("leader-open")
	leader.do(chromedp.Click(chromedp.CSS(`#open .restriction button[value=grant]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := leader.text("#in-force"); !strings.Contains(got, "Ava") || !strings.Contains(got, "In force") {
		t.Errorf("in force after granting: %q", got)
	}

	// The teacher's class screen: Ava's tile says restricted and cannot be
	// tapped, at both widths.
	for _, size := range [][2]int64{desktop, phone} {
		teacher := newBrowser(t, size, "en-US")
		teacher.login(env.URL, demo.TeacherEmail, demo.Password)
		teacher.do(chromedp.Navigate(env.URL+"/classes/"+itoa(class3)), chromedp.WaitVisible(chromedp.CSS("ul.students")))
		tile := `.grid-tiles .student.restricted`
		if n := teacher.eval(`String(document.querySelectorAll('` + tile + `').length)`); n != "1" {
			t.Fatalf("%s restricted tiles, want 1", n)
		}
		if got := teacher.text(tile); !strings.Contains(got, "Ava") || !strings.Contains(got, "Restricted") {
			t.Errorf("restricted tile: %q", got)
		}
		if n := teacher.eval(`String(document.querySelectorAll('` + tile + ` a, ` + tile + ` .bubble').length)`); n != "0" {
			t.Errorf("the restricted tile has %s links or point bubbles", n)
		}
		teacher.shot("class-restricted")
	}

	// Lifting needs a reason and a confirmation.
	leader.do(chromedp.Click(chromedp.CSS(`#in-force details.lift > summary`)), chromedp.WaitVisible(chromedp.CSS(`#in-force details.lift textarea`)))
	leader.do(chromedp.SendKeys(chromedp.CSS(`#in-force details.lift textarea`), "We checked the points with the teacher: they are hers."),
		chromedp.Click(chromedp.CSS(`#in-force details.lift button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	if got := leader.text(`#in-force .field-error`); got != "Tick the box to confirm." {
		t.Errorf("lift without confirming: %q", got)
	}
	leader.shot("leader-lift-confirm")
	leader.do(chromedp.Click(chromedp.CSS(`#in-force details.lift input[name=confirm]`)),
		chromedp.Click(chromedp.CSS(`#in-force details.lift button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := leader.text("#in-force"); !strings.Contains(got, "No restriction is in force") {
		t.Errorf("in force after lifting: %q", got)
	}
	leader.shot("leader-lifted")

	// The parent was emailed, and reads the outcome and the reason.
	if !strings.Contains(env.LastEmail(t, demo.ParentEmail), "lifting the restriction") {
		t.Error("the parent was not emailed about the lift")
	}
	parent.do(chromedp.Navigate(env.URL+"/privacy/restrictions"), chromedp.WaitVisible(chromedp.CSS("#closed")),
		chromedp.Click(chromedp.CSS("#closed summary")), chromedp.WaitVisible(chromedp.CSS("#closed .restriction")))
	if got := parent.text("#closed .restriction"); !strings.Contains(got, "Lifted") || !strings.Contains(got, "they are hers") {
		t.Errorf("the parent's view of the lift: %q", got)
	}
	parent.shot("parent-lifted")
	// The two forms sent back on purpose answered 400.
	parent.expectErrorStatus(400, "/privacy/restrictions")
	leader.expectErrorStatus(400, "/lift")
}
