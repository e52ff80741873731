package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// On a phone, a parent with children types a wrong parent code in the form
// below them: the error is shown at the top of that form, focused and in
// view, not far below the fold (issue 15).
func TestFormErrorIsFocusedInView(t *testing.T) {
	env := testenv.New(t, engine(t))
	b := newBrowser(t, phone, "en-US")
	b.login(env.URL, demo.ParentEmail, demo.Password)
	b.do(chromedp.WaitVisible(chromedp.ID("parent_code")))
	if b.eval(`String(document.getElementById("parent_code").getBoundingClientRect().top > innerHeight)`) != "true" {
		t.Fatal("the demo parent's connect form is already in view: the test proves nothing")
	}
	b.allow("status of 400 (Bad Request) at " + env.URL + "/children/connect")
	b.fill("parent_code", "WRONG123")
	b.eval(`document.documentElement.dataset.left = "1"; document.querySelector('form[action="/children/connect"]').requestSubmit(), ""`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`html:not([data-left]) form[action="/children/connect"] .form-error`)))
	b.waitUntil("the error has focus", `document.activeElement && document.activeElement.matches('form[action="/children/connect"] .form-error')`)
	if in := b.eval(`(() => { const r = document.activeElement.getBoundingClientRect(); return String(r.top >= 0 && r.bottom <= innerHeight); })()`); in != "true" {
		t.Error("the focused error is not in view")
	}
	b.shot("connect-error")
}

// atoi reads a number the page shows.
func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}
