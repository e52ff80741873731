package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"cubby/internal/testenv"
)

// A parent signing up wonders why Cubby wants an email address: the "why
// we ask" link after the hint is reached with the keyboard, says what it
// is about, and lands on the transparency page with that data type's row
// open and in view, the others folded. The folded page is short on a
// phone, and prints with every row open.
func TestWhyWeAskLandsOnTheOpenRow(t *testing.T) {
	env := testenv.New(t, engine(t))
	for _, vp := range []struct {
		name   string
		size   [2]int64
		folded int // the folded page's height at most, in px
	}{{"phone", phone, 9000}, {"desktop", desktop, 6000}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, vp.size, "en-US")
			b.do(chromedp.Navigate(env.URL+"/signup?type=parent"), chromedp.WaitVisible(chromedp.ID("email")))
			b.shot("signup-" + vp.name)
			// From the email field, the next stop of the Tab key is its
			// why-link.
			b.do(chromedp.Focus(chromedp.ID("email")), chromedp.KeyEvent("\t"))
			if got := b.eval(`document.activeElement.closest('.field') === document.getElementById('email').closest('.field') ? document.activeElement.className : "elsewhere"`); got != "why-link" {
				t.Errorf("Tab from the email field reaches %q, not its why-link", got)
			}
			name := b.eval(`document.activeElement.textContent.trim()`)
			if !strings.HasPrefix(name, "Why we ask") || !strings.Contains(name, "Email") || !strings.Contains(name, "new tab") {
				t.Errorf("the link's accessible text %q does not say what it is about", name)
			}
			href := b.eval(`document.activeElement.getAttribute('href')`)
			if href != "/transparency#dt-email" || b.eval(`document.activeElement.target`) != "_blank" {
				t.Errorf("why-link: %q target %q", href, b.eval(`document.activeElement.target`))
			}

			// The link opens a new tab; here the same tab follows it.
			b.do(chromedp.Navigate(env.URL+href), chromedp.WaitVisible(chromedp.CSS("#dt-email[open] .dt-body")))
			if open := b.eval(`String(document.querySelectorAll('details.datatype[open]').length)`); open != "1" {
				t.Errorf("%s rows open, want only the linked one", open)
			}
			if top := b.eval(`String(Math.round(document.querySelector('#dt-email').getBoundingClientRect().top))`); top != "16" && top != "0" {
				if n, _ := strconv.Atoi(top); n < 0 || n > int(vp.size[1])/2 {
					t.Errorf("the linked row is not at the top of the screen: %s px", top)
				}
			}
			if !strings.Contains(b.text("#dt-email"), "How long it is kept") {
				t.Errorf("the open row does not show its answers:\n%s", b.text("#dt-email"))
			}
			b.shot("transparency-landed-" + vp.name)

			// A link to another row on the same page opens that one too.
			b.eval(`location.hash = '#dt-attendance'; ''`)
			b.do(chromedp.WaitVisible(chromedp.CSS("#dt-attendance[open] .dt-body")))

			// Folded, every row is one line: whose data and how long.
			b.do(chromedp.Navigate(env.URL+"/transparency"), chromedp.WaitVisible(chromedp.ID("dt-email")))
			if open := b.eval(`String(document.querySelectorAll('details.datatype[open]').length)`); open != "0" {
				t.Errorf("%s rows open without a fragment", open)
			}
			if short := b.text("#dt-email .dt-short"); !strings.Contains(short, "Whose:") || !strings.Contains(short, "kept up to") {
				t.Errorf("folded email row: %q", short)
			}
			h, _ := strconv.Atoi(b.eval(`String(document.documentElement.scrollHeight)`))
			if h > vp.folded {
				t.Errorf("the folded page is %d px tall; want at most %d", h, vp.folded)
			}
			if b.eval(`String(document.documentElement.scrollWidth <= innerWidth)`) != "true" {
				t.Error("the folded page overflows sideways")
			}
			b.shot("transparency-folded-" + vp.name)
			// Opening a row by hand (a tap on its line).
			b.do(chromedp.Click(chromedp.CSS("#dt-feedback_points > summary")), chromedp.WaitVisible(chromedp.CSS("#dt-feedback_points .dt-body")))

			// Printed, every row is open: by CSS where the browser folds
			// with ::details-content, and by the script's beforeprint.
			b.do(printMedia("print", emulation.SetEmulatedVisionDeficiencyTypeNone))
			if hidden := b.eval(`String(Array.from(document.querySelectorAll('details.datatype .dt-body')).filter(e => e.getClientRects().length === 0).length)`); hidden != "0" {
				t.Errorf("printed, %s rows stay folded", hidden)
			}
			b.do(printMedia("", emulation.SetEmulatedVisionDeficiencyTypeNone))
			b.eval(`dispatchEvent(new Event('beforeprint')); ''`)
			if closed := b.eval(`String(document.querySelectorAll('details.datatype:not([open])').length)`); closed != "0" {
				t.Errorf("before printing, %s rows stay closed", closed)
			}
			b.eval(`dispatchEvent(new Event('afterprint')); ''`)
			if open := b.eval(`String(document.querySelectorAll('details.datatype[open]').length)`); open != "1" {
				t.Errorf("after printing, %s rows open; want the one opened by hand", open)
			}
			b.checkConsole()
		})
	}
}
