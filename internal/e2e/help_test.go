package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// A logged-out visitor on a phone asks the school for help from the
// footer, leaving a phone number and an address; the school's leader
// answers (the email arrives through a real SMTP server) and closes the
// request, which starts its retention.
func TestHelpRequestInBrowser(t *testing.T) {
	mp := testenv.StartMailpit(t)
	env := testenv.New(t, engine(t), testenv.WithSMTP(mp.SMTPURL()))

	visitor := newBrowser(t, phone, "en-US")
	visitor.do(chromedp.Navigate(env.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`.footer a[href="/help"]`)),
		chromedp.Click(chromedp.CSS(`.footer a[href="/help"]`)), chromedp.WaitVisible(chromedp.ID("school-q")))
	visitor.fill("school-q", "maple grove")
	visitor.do(chromedp.Click(chromedp.CSS(`.school-query button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`input[name=school_id][value]:not([value=""])`)),
		chromedp.Click(chromedp.CSS(`input[name=school_id]:not([value=""])`)),
		chromedp.Click(chromedp.CSS(`input[name=topic][value=login]`)))
	visitor.fill("help-body", "My son's login card does not work.")
	visitor.fill("help-phone", "+1 415 555 2671")
	visitor.fill("help-email", "sam.visitor@example.org")
	visitor.shot("help-form")
	visitor.do(chromedp.Click(chromedp.CSS(`form[action="/help"][method=post] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := visitor.text(".flash"); !strings.Contains(flash, "Your request is sent") {
		t.Fatalf("after sending: %q", flash)
	}

	leader := newBrowser(t, desktop, "en-US")
	leader.login(env.URL, demo.LeaderEmail, demo.Password)
	leader.do(chromedp.Navigate(env.URL+"/help"), chromedp.WaitVisible(chromedp.CSS(`a[href$="/help"][href^="/schools/"]`)),
		chromedp.Click(chromedp.CSS(`a[href$="/help"][href^="/schools/"]`)), chromedp.WaitVisible(chromedp.CSS(".help-list a")),
		chromedp.Click(chromedp.CSS(".help-list a")), chromedp.WaitVisible(chromedp.ID("help-reply")))
	if body := leader.text(".help-body"); !strings.Contains(body, "login card does not work") {
		t.Errorf("the request reads %q", body)
	}
	leader.fill("help-reply", "Come to the office on Monday for a new card.")
	leader.do(chromedp.Click(chromedp.CSS(`form:has(#help-reply) button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if st := leader.text("#help-status"); st != "Answered" {
		t.Errorf("status after answering: %q", st)
	}
	if mail := mailTo(t, mp, "sam.visitor@example.org", 0); !strings.Contains(mail, "Come to the office on Monday for a new card.") {
		t.Errorf("the answer's email:\n%s", mail)
	}
	leader.do(chromedp.Click(chromedp.CSS(`button[name=status][value=closed]`)))
	leader.waitUntil("the request closed", `document.querySelector('#help-status')?.textContent === 'Closed'`)
	var closed int
	if err := env.DB.R.QueryRow(`SELECT count(*) FROM help_requests WHERE status = 'closed' AND closed_at IS NOT NULL`).Scan(&closed); err != nil || closed != 1 {
		t.Errorf("closed requests with their retention started: %d %v", closed, err)
	}
}
