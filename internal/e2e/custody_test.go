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

// TestCustodyInBrowser is DSR-4 and ACL-6 in the browser: a leader opens
// Ava's family access from the School Directory, restricts her parent
// after a confirmation step, and the parent — already logged in on a
// phone — no longer sees Ava, and gets a neutral answer when trying her
// parent code again. The leader sees the refused attempt, records that
// Ava holds her own rights, and Ava finds her own correction requests in
// her settings. Then the leader lifts the restriction.
func TestCustodyInBrowser(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	avaUser, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
	if err != nil {
		t.Fatal(err)
	}
	ava, err := store.StudentByUserID(ctx, env.DB.R, avaUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	avaID := strconv.FormatInt(ava.ID, 10)

	parent := newBrowser(t, phone, "en-US")
	parent.login(env.URL, demo.ParentEmail, demo.Password)
	if kids := parent.text(".children"); !strings.Contains(kids, "Ava") || !strings.Contains(kids, "Elena") {
		t.Fatalf("the parent's children before:\n%s", kids)
	}

	// The leader finds Ava in the School Directory.
	leader := newBrowser(t, desktop, "en-US")
	leader.login(env.URL, demo.LeaderEmail, demo.Password)
	leader.do(chromedp.Navigate(env.URL+"/school"), chromedp.WaitVisible(chromedp.ID("students")))
	leader.do(chromedp.Click(chromedp.CSS(`a.family-link[href$="/students/`+avaID+`/family"]`)), chromedp.WaitVisible(chromedp.ID("guardians")))
	if who := leader.text("#guardians .person-name"); !strings.Contains(who, "Martin") {
		t.Errorf("Ava's parents: %q", who)
	}
	leader.shot("family-access")

	// Restrict: the form, then a confirmation that says what will happen.
	leader.do(chromedp.Click(chromedp.CSS(`#guardians details.remove summary`)), chromedp.WaitVisible(chromedp.CSS(`#guardians details.remove[open] select`)))
	leader.setSelect(leader.eval(`document.querySelector('#guardians details.remove select').id`), "court_order")
	leader.fill(leader.eval(`document.querySelector('#guardians details.remove input[name=note]').id`), "Order 2026/114, office safe")
	leader.shot("restrict-form")
	leader.do(chromedp.Click(chromedp.CSS(`#guardians details.remove button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("confirm")))
	if msg := leader.text("#confirm-text"); !strings.Contains(msg, "Court order") || !strings.Contains(msg, "Ava") {
		t.Errorf("confirmation: %q", msg)
	}
	if n := leader.eval(`String(document.querySelectorAll('#blocks .person').length)`); n != "0" {
		t.Fatal("the restriction was made before it was confirmed")
	}
	leader.shot("restrict-confirm")
	leader.do(chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if block := leader.text("#blocks"); !strings.Contains(block, "Court order") || !strings.Contains(block, "Order 2026/114") || !strings.Contains(block, "In force") {
		t.Errorf("the restriction:\n%s", block)
	}
	leader.shot("restricted")

	// The parent's next page no longer shows Ava, only Elena.
	parent.do(chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(chromedp.ID("parent_code")))
	if kids := parent.text(".children"); strings.Contains(kids, "Ava") || !strings.Contains(kids, "Elena") {
		t.Errorf("the restricted parent's children:\n%s", kids)
	}
	parent.shot("parent-home-after")
	renewed, err := store.StudentByID(ctx, env.DB.R, ava.ID) // the block gave Ava a new parent code
	if err != nil {
		t.Fatal(err)
	}
	parent.fill("parent_code", renewed.ParentCode)
	parent.do(chromedp.Click(chromedp.CSS(`form[action="/children/connect"] button`)), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	msg := parent.text(".field-error")
	if !strings.Contains(msg, "contact the school") || strings.Contains(strings.ToLower(msg), "restrict") || strings.Contains(msg, "court") {
		t.Errorf("the restricted parent is told %q", msg)
	}
	parent.shot("parent-code-refused")

	// The leader sees the attempt, and records that Ava holds her rights.
	leader.do(chromedp.Navigate(env.URL+"/schools/"+strconv.FormatInt(ava.SchoolID, 10)+"/students/"+avaID+"/family"), chromedp.WaitVisible(chromedp.ID("blocks")))
	if block := leader.text("#blocks"); !strings.Contains(block, "Tried to connect again once") {
		t.Errorf("the refused attempt is not shown:\n%s", block)
	}
	leader.do(chromedp.Click(chromedp.ID("mark-eligible")), chromedp.WaitVisible(chromedp.ID("confirm")))
	if msg := leader.text("#confirm-text"); !strings.Contains(msg, "parents lose access") {
		t.Errorf("eligibility confirmation: %q", msg)
	}
	leader.do(chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if s := leader.text("#eligible"); !strings.Contains(s, "Eligible student") {
		t.Errorf("eligibility:\n%s", s)
	}
	leader.shot("eligible")

	// Ava asked at the office about a point: the leader files it for her.
	leader.do(chromedp.Click(chromedp.ID("file-link")), chromedp.WaitVisible(chromedp.ID("requested_by")))
	leader.setSelect("requested_by", strconv.FormatInt(avaUser.ID, 10))
	leader.do(chromedp.Click(chromedp.CSS(`input[name=record]`)))
	leader.fill("request", "Ava says she was not in class that day.")
	leader.shot("file-correction")
	leader.do(chromedp.Click(chromedp.CSS(`form[action$="/corrections"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := leader.text(".flash"); !strings.Contains(flash, "filed in their name") {
		t.Errorf("after filing: %q", flash)
	}

	// Ava, on a phone, finds her own privacy actions in her settings, and
	// the request filed for her.
	student := newBrowser(t, phone, "en-US")
	student.login(env.URL, demo.StudentUsername, demo.Password)
	student.do(chromedp.Navigate(env.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("corrections-self")))
	if s := student.text("#data"); !strings.Contains(s, "You hold the rights") {
		t.Errorf("Ava's settings:\n%s", s)
	}
	student.shot("student-settings")
	student.do(chromedp.Click(chromedp.ID("corrections-self")), chromedp.WaitVisible(chromedp.ID("records")))
	if n := student.eval(`String(document.querySelectorAll('#records .record-row').length)`); n == "0" {
		t.Error("Ava sees none of her records to question")
	}
	if mine := student.text(".correction"); !strings.Contains(mine, "not in class that day") || !strings.Contains(mine, "filed by Dr. Owusu") {
		t.Errorf("Ava's request filed by the leader:\n%s", mine)
	}
	student.shot("student-corrections")

	// The family page on a phone, in Arabic (right to left), and lifting.
	small := newBrowser(t, phone, "en-US")
	small.login(env.URL, demo.LeaderEmail, demo.Password)
	small.do(chromedp.Navigate(env.URL+"/schools/"+strconv.FormatInt(ava.SchoolID, 10)+"/students/"+avaID+"/family"), chromedp.WaitVisible(chromedp.ID("blocks")))
	small.shot("family-access-phone-en")
	small.do(chromedp.Click(chromedp.CSS(`#blocks form[action$="/lift"] button`)), chromedp.WaitVisible(chromedp.ID("confirm")))
	small.shot("lift-confirm-phone")
	small.do(chromedp.Click(chromedp.CSS(`#confirm a.btn`)), chromedp.WaitVisible(chromedp.ID("blocks")))
	if n := small.eval(`String(document.querySelectorAll('#confirm').length)`); n != "0" {
		t.Error("cancelling kept the confirmation")
	}
	small.setSelect("lang-select", "ar")
	small.do(chromedp.WaitVisible(chromedp.CSS(`html[lang="ar"] #blocks`)))
	if dir := small.eval(`document.documentElement.dir`); dir != "rtl" {
		t.Errorf("dir %q", dir)
	}
	small.shot("family-access-phone-ar")
	small.do(chromedp.Click(chromedp.CSS(`#blocks form[action$="/lift"] button`)), chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if n := small.eval(`String(document.querySelectorAll('#blocks form[action$="/lift"]').length)`); n != "0" {
		t.Error("the restriction is still in force after lifting")
	}
	small.shot("lifted-phone-ar")

	// A court order before the person connects: restrict an address.
	small.do(chromedp.Click(chromedp.ID("email-block-open")), chromedp.WaitVisible(chromedp.ID("block-email")))
	small.fill("block-email", "court.order@example.org")
	small.setSelect("block-email-reason", "court_order")
	small.shot("email-block-form-phone-ar")
	small.do(chromedp.Click(chromedp.ID("email-block-submit")), chromedp.WaitVisible(chromedp.ID("confirm")))
	if msg := small.text("#confirm-text"); !strings.Contains(msg, "court.order@example.org") {
		t.Errorf("the address confirmation: %q", msg)
	}
	small.do(chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if blocks := small.text("#blocks"); !strings.Contains(blocks, "court.order@example.org") {
		t.Errorf("the restricted address is not listed:\n%s", blocks)
	}
	small.shot("email-blocked-phone-ar")

	// The refused parent code answered 400 on purpose, with the form.
	parent.expectErrorStatus(400, "/children/connect")
}
