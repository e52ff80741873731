package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// mailTo waits for the newest email to addr and returns its text body.
func mailTo(t *testing.T, mp *testenv.Mailpit, addr string, after int) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var found []testenv.MailpitMessage
		for _, m := range mp.Messages(t) {
			for _, to := range m.To {
				if strings.EqualFold(to.Address, addr) {
					found = append(found, m)
				}
			}
		}
		if len(found) > after {
			return mp.Message(t, found[0].ID).Text
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no email to %s arrived", addr)
	return ""
}

// setSelect picks an option of a <select> the way a person does, firing
// the change event.
func (b *browser) setSelect(id, value string) {
	b.t.Helper()
	b.eval(`(() => { const s = document.getElementById(` + strconv.Quote(id) + `); s.value = ` + strconv.Quote(value) +
		`; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value })()`)
}

func (b *browser) fill(id, value string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), value))
}

func TestTeacherSignsUpVerifiesAndReadsArabic(t *testing.T) {
	mp := testenv.StartMailpit(t)
	env := testenv.New(t, engine(t), testenv.WithSMTP(mp.SMTPURL()))
	b := newBrowser(t, phone, "en-US")
	b.do(chromedp.Navigate(env.URL+"/signup?type=teacher"), chromedp.WaitVisible(chromedp.ID("first_name")))
	b.shot("signup-form")
	b.setSelect("title", "Mr.")
	b.fill("first_name", "Tomás")
	b.fill("last_name", "Okafor")
	b.fill("email", "tomas.okafor@school.example")
	b.fill("password", "copper lantern field")
	b.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".banner")))
	if flash := b.text(".flash"); !strings.Contains(flash, "Welcome to Cubby") {
		t.Errorf("flash %q", flash)
	}
	b.shot("signed-up-unverified")
	mail := mailTo(t, mp, "tomas.okafor@school.example", 0)
	if !strings.Contains(mail, "Mr. Okafor") {
		t.Errorf("verification email does not address the teacher by title:\n%s", mail)
	}
	b.do(chromedp.Navigate(testenv.LinkIn(t, mail, env.URL+"/verify")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := b.text(".flash"); !strings.Contains(flash, "confirmed") {
		t.Errorf("after verifying: %q", flash)
	}
	if n := b.eval(`String(document.querySelectorAll('.banner').length)`); n != "0" {
		t.Error("the unverified banner is still there")
	}
	b.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(".hero")))
	b.login(env.URL, "tomas.okafor@school.example", "copper lantern field")
	b.do(chromedp.Navigate(env.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("profile")))
	b.setSelect("language", "ar")
	b.do(chromedp.Click(chromedp.CSS(`#profile button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`html[dir=rtl] .flash`)))
	if w := b.eval(`document.documentElement.scrollWidth + "/" + innerWidth`); w != "375/375" {
		t.Errorf("rtl settings page overflows: %s", w)
	}
	b.shot("settings-arabic")
	b.do(chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(chromedp.CSS("html[dir=rtl] main h1")))
	b.shot("home-arabic")
}

func TestParentResetsForgottenPassword(t *testing.T) {
	mp := testenv.StartMailpit(t)
	env := testenv.New(t, engine(t), testenv.WithSMTP(mp.SMTPURL()))
	b := newBrowser(t, phone, "en-US")
	b.do(chromedp.Navigate(env.URL+"/login"), chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.Click(chromedp.CSS(`a[href="/password/forgot"]`)), chromedp.WaitVisible(chromedp.ID("email")))
	b.fill("email", demo.ParentEmail)
	b.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	b.shot("reset-requested")
	link := testenv.LinkIn(t, mailTo(t, mp, demo.ParentEmail, 0), env.URL+"/password/reset")
	b.do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("password")))
	b.fill("password", "sunny porch swing")
	b.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("login")))
	if flash := b.text(".flash"); !strings.Contains(flash, "password is changed") {
		t.Errorf("flash %q", flash)
	}
	b.login(env.URL, demo.ParentEmail, "sunny porch swing")
	if got := b.text(".children"); !strings.Contains(got, "Ava Martin") {
		t.Errorf("parent home after reset: %q", got)
	}
}

func TestChildSignsUpAndParentDecides(t *testing.T) {
	mp := testenv.StartMailpit(t)
	env := testenv.New(t, engine(t), testenv.WithSMTP(mp.SMTPURL()))
	signUpChild := func(b *browser, name, parent string) {
		b.do(chromedp.Navigate(env.URL+"/signup/student"), chromedp.WaitVisible(chromedp.ID("first_name")))
		b.fill("first_name", name)
		b.setSelect("birth_month", "4")
		b.setSelect("birth_year", strconv.Itoa(time.Now().Year()-10))
		b.shot("child-age-question")
		b.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("parent_email")))
		b.fill("parent_email", parent)
		b.shot("child-asks-parent")
		b.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
		b.shot("child-waiting")
	}
	child := newBrowser(t, phone, "en-US")
	signUpChild(child, "Noa", "noa.parent@example.org")

	// Before a parent answers there is no account to log into.
	var n int
	env.DB.R.QueryRow(`SELECT count(*) FROM users WHERE first_name = 'Noa'`).Scan(&n)
	if n != 0 {
		t.Fatal("an account exists before the parent approved")
	}

	parent := newBrowser(t, desktop, "en-US")
	parent.do(chromedp.Navigate(testenv.LinkIn(t, mailTo(t, mp, "noa.parent@example.org", 0), env.URL+"/consent")),
		chromedp.WaitVisible(chromedp.ID("username")))
	if lead := parent.text("main h1"); !strings.Contains(lead, "Noa") {
		t.Errorf("consent page heading %q", lead)
	}
	parent.shot("parent-consent-page")
	parent.fill("username", "noa.b")
	parent.fill("password", "orange kite meadow")
	parent.do(chromedp.Click(chromedp.CSS(`form.form button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("withdraw")))
	parent.shot("parent-manage-consent")

	child.login(env.URL, "noa.b", "orange kite meadow")
	if got := child.text(".student-home"); !strings.Contains(got, "Hi, Noa!") {
		t.Errorf("child home: %q", got)
	}
	child.shot("child-home")

	// A second child's parent refuses: the request and the address go.
	other := newBrowser(t, phone, "en-US")
	signUpChild(other, "Eli", "eli.parent@example.org")
	parent.do(chromedp.Navigate(testenv.LinkIn(t, mailTo(t, mp, "eli.parent@example.org", 0), env.URL+"/consent")),
		chromedp.WaitVisible(chromedp.ID("refuse")), chromedp.Click(chromedp.ID("refuse")), chromedp.WaitVisible(chromedp.CSS(".notice")))
	parent.shot("parent-refused")
	env.DB.R.QueryRow(`SELECT count(*) FROM student_registrations WHERE first_name = 'Eli' OR parent_email = 'eli.parent@example.org'`).Scan(&n)
	if n != 0 {
		t.Error("refusal left the pending registration in the database")
	}
	env.DB.R.QueryRow(`SELECT count(*) FROM users WHERE first_name = 'Eli'`).Scan(&n)
	if n != 0 {
		t.Error("refusal created an account")
	}
}
