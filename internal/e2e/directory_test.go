package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// TestJoinApproveInviteInBrowser is issue 4's acceptance test: a new
// teacher finds the school and asks to join, the leader approves in the
// School Directory, the teacher invites a parent by email (a real SMTP
// server), and the parent signs up from the link and is connected to the
// child the invitation was for.
func TestJoinApproveInviteInBrowser(t *testing.T) {
	mp := testenv.StartMailpit(t)
	env := testenv.New(t, engine(t), testenv.WithSMTP(mp.SMTPURL()))

	// A teacher signs up on a phone and confirms the address (people who
	// have not cannot invite anyone).
	teacher := newBrowser(t, phone, "en-US")
	teacher.do(chromedp.Navigate(env.URL+"/signup?type=teacher"), chromedp.WaitVisible(chromedp.ID("first_name")))
	teacher.setSelect("title", "Ms.")
	teacher.fill("first_name", "Amara")
	teacher.fill("last_name", "Diallo")
	teacher.fill("email", "amara.diallo@school.example")
	teacher.fill("password", "violet harbour stone")
	teacher.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".join-cta")))
	teacher.shot("teacher-home-no-school")
	mail := mailTo(t, mp, "amara.diallo@school.example", 0)
	teacher.do(chromedp.Navigate(testenv.LinkIn(t, mail, env.URL+"/verify")), chromedp.WaitVisible(chromedp.CSS(".flash")))

	// Find your school → search → ask to join.
	teacher.do(chromedp.Click(chromedp.CSS(`.join-cta a[href="/schools/join"]`)), chromedp.WaitVisible(chromedp.ID("school-q")))
	teacher.fill("school-q", "mapel grove")
	teacher.do(chromedp.Click(chromedp.CSS(`.school-query button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".school-results")))
	if name := teacher.text(".school-option .school-name"); !strings.Contains(name, "Maple Grove") {
		t.Fatalf("first result %q", name)
	}
	teacher.do(chromedp.Click(chromedp.CSS(`.school-option input[name=school_id]`)))
	teacher.shot("join-search")
	teacher.do(chromedp.Click(chromedp.CSS(`button[formaction="/schools/join"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := teacher.text(".flash"); !strings.Contains(flash, "Request sent") {
		t.Errorf("after asking: %q", flash)
	}
	if badge := teacher.text(".person .badge.warn"); !strings.Contains(badge, "Waiting") {
		t.Errorf("request state %q", badge)
	}
	teacher.shot("join-waiting")
	// Asking twice is explained, not an error page.
	teacher.do(chromedp.Navigate(env.URL+"/schools/join?q=maple+grove"), chromedp.WaitVisible(chromedp.CSS(".school-results")),
		chromedp.Click(chromedp.CSS(`.school-option input[name=school_id]`)),
		chromedp.Click(chromedp.CSS(`button[formaction="/schools/join"]`)), chromedp.WaitVisible(chromedp.CSS(".form-error")))
	if msg := teacher.text(".form-error"); !strings.Contains(msg, "already asked") {
		t.Errorf("second request: %q", msg)
	}

	// The leader hears of the request by email, and approves it in the
	// School Directory, on a desktop.
	if mail := mailTo(t, mp, demo.LeaderEmail, 0); !strings.Contains(mail, "Amara Diallo asked to join Maple Grove") {
		t.Errorf("leader's email:\n%s", mail)
	}
	leader := newBrowser(t, desktop, "en-US")
	leader.login(env.URL, demo.LeaderEmail, demo.Password)
	leader.do(chromedp.Click(chromedp.CSS(`.nav a[href="/school"]`)), chromedp.WaitVisible(chromedp.ID("requests")))
	if who := leader.text("#requests .person-name"); who != "Amara Diallo" {
		t.Errorf("request from %q", who)
	}
	leader.shot("directory-request")
	leader.do(chromedp.Click(chromedp.CSS(`#requests form[action$="/approve"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if n := leader.eval(`String(document.querySelectorAll('#requests .person').length)`); n != "0" {
		t.Errorf("%s requests left", n)
	}
	if staff := leader.text("#staff"); !strings.Contains(staff, "Amara Diallo") {
		t.Errorf("approved teacher not among staff:\n%s", staff)
	}
	leader.shot("directory-approved")
	leader.do(chromedp.Click(chromedp.CSS(`#member-`+teacherID(t, env, "amara.diallo@school.example")+` details.remove summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.remove[open] button[type=submit]`)))
	leader.shot("directory-remove-form")

	// The teacher is in: the directory (read-only), a class, a student.
	teacher.do(chromedp.Navigate(env.URL+"/school"), chromedp.WaitVisible(chromedp.ID("staff")))
	if n := teacher.eval(`String(document.querySelectorAll('#requests, #access, form[action$="/remove"]').length)`); n != "0" {
		t.Errorf("a teacher sees %s leader controls", n)
	}
	teacher.shot("directory-teacher")
	teacher.do(chromedp.Navigate(env.URL+"/classes"), chromedp.WaitVisible(chromedp.ID("class-name")))
	teacher.fill("class-name", "Class 2 Otters")
	teacher.do(chromedp.Click(chromedp.CSS(`form[action="/classes"] button`)), chromedp.WaitVisible(chromedp.ID("names")))
	teacher.fill("names", "Kofi Mensah\nLina Haddad")
	teacher.do(chromedp.Click(chromedp.CSS(`form[action$="/students"] button`)), chromedp.WaitVisible(chromedp.ID("invite-parents")))

	// A malformed address is explained beside the field.
	teacher.setSelect("invite-student", teacher.eval(`[...document.querySelectorAll('#invite-student option')].find(o => o.text.startsWith('Kofi')).value`))
	teacher.fill("invite-contact", "kofi.dad@example")
	teacher.do(chromedp.Click(chromedp.CSS(`#invite-parents button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	if msg := teacher.text(".field-error"); !strings.Contains(msg, "name@example.com") {
		t.Errorf("bad address: %q", msg)
	}
	teacher.shot("invite-bad-address")
	teacher.do(chromedp.Clear(chromedp.ID("invite-contact")))
	teacher.fill("invite-contact", "kwame.mensah@family.example")
	teacher.do(chromedp.Click(chromedp.CSS(`#invite-parents button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := teacher.text(".flash"); !strings.Contains(flash, "Invitation sent") {
		t.Errorf("after inviting: %q", flash)
	}
	teacher.shot("roster-invited")

	// The parent opens the emailed link on a phone and signs up.
	mail = mailTo(t, mp, "kwame.mensah@family.example", 0)
	if !strings.Contains(mail, "Ms. Diallo") || strings.Contains(mail, "Kofi") {
		t.Errorf("the invitation names the teacher, never the child:\n%s", mail)
	}
	parent := newBrowser(t, phone, "en-US")
	parent.do(chromedp.Navigate(testenv.LinkIn(t, mail, env.URL+"/invite")), chromedp.WaitVisible(chromedp.CSS(".invite-choices")))
	parent.shot("invitation")
	parent.do(chromedp.Click(chromedp.CSS(`.invite-choices a[href^="/invite/signup"]`)), chromedp.WaitVisible(chromedp.ID("first_name")))
	if got := parent.eval(`document.getElementById('email').value`); got != "kwame.mensah@family.example" {
		t.Errorf("sign-up email filled with %q", got)
	}
	parent.fill("first_name", "Kwame")
	parent.fill("last_name", "Mensah")
	parent.fill("password", "mango river lantern")
	parent.shot("invite-signup")
	parent.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := parent.text(".flash"); !strings.Contains(flash, "connected to your child") {
		t.Errorf("after sign-up: %q", flash)
	}
	if child := parent.text(".children"); !strings.Contains(child, "Kofi") || strings.Contains(child, "Lina") {
		t.Errorf("the parent's children:\n%s", child)
	}
	// The link proved the address: no "confirm your email" banner.
	if n := parent.eval(`String(document.querySelectorAll('.banner').length)`); n != "0" {
		t.Error("the invited parent is asked to confirm an address the link already proved")
	}
	parent.shot("parent-home")

	// The link works once.
	other := newBrowser(t, phone, "en-US")
	other.do(chromedp.Navigate(testenv.LinkIn(t, mail, env.URL+"/invite")), chromedp.WaitVisible(chromedp.CSS(".error-page, main")))
	if msg := other.text("main"); !strings.Contains(msg, "already been used") {
		t.Errorf("second use of the link: %q", msg)
	}

	// The directory on a phone, and in Arabic (right to left).
	small := newBrowser(t, phone, "en-US")
	small.login(env.URL, demo.LeaderEmail, demo.Password)
	small.do(chromedp.Navigate(env.URL+"/school"), chromedp.WaitVisible(chromedp.ID("staff")))
	small.shot("directory-phone-en")
	small.do(chromedp.Click(chromedp.CSS(`#member-`+teacherID(t, env, "amara.diallo@school.example")+` details.remove summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.remove[open] select`)))
	small.shot("directory-phone-remove")
	small.setSelect("lang-select", "ar")
	small.do(chromedp.WaitVisible(chromedp.CSS(`html[lang="ar"] #staff`)))
	if dir := small.eval(`document.documentElement.dir`); dir != "rtl" {
		t.Errorf("dir %q", dir)
	}
	small.shot("directory-phone-ar")

	// The pages above that answered with an error status on purpose.
	teacher.expectErrorStatus(409, "/schools/join")
	teacher.expectErrorStatus(400, "/invite")
	other.expectErrorStatus(410, "/invite?token=")
}

// expectErrorStatus forgives the console line Chromium logs for a page
// served with an error status on purpose — a form shown again with what
// to fix (400, 409), a used link (410) — so that only unexpected failures
// fail the test. Console messages arrive asynchronously, so it waits for
// those written so far first; call it at the end of the test.
func (b *browser) expectErrorStatus(status int, path string) {
	b.t.Helper()
	if err := b.settleConsole(); err != nil {
		b.t.Fatalf("browser console: %v", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.problems[:0]
	for _, p := range b.problems {
		if !(strings.Contains(p, "status of "+strconv.Itoa(status)+" ") && strings.Contains(p, path)) {
			kept = append(kept, p)
		}
	}
	b.problems = kept
}

func teacherID(t *testing.T, env *testenv.Env, email string) string {
	t.Helper()
	var id string
	if err := env.DB.R.QueryRow(`SELECT CAST(id AS TEXT) FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
