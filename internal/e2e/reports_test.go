package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A parent opens their child's report from the home page, a teacher their
// class's report and a leader the school's, on a phone and a desktop: the
// charts are drawn (no CSP error, which would fail the test), they fit the
// screen, and each has its table.
func TestReportsInTheBrowser(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx := context.Background()
	teacher, err := store.UserByEmail(ctx, env.DB.R, demo.TeacherEmail)
	if err != nil {
		t.Fatal(err)
	}
	classes, err := store.ClassesForUser(ctx, env.DB.R, teacher.ID, store.ClassPage{Limit: 10})
	if err != nil || len(classes) == 0 {
		t.Fatalf("teacher's classes: %v", err)
	}
	for _, vp := range []struct {
		name string
		size [2]int64
	}{{"phone", phone}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, vp.size, "en-US")
			b.login(env.URL, demo.ParentEmail, demo.Password)
			// The home page links each child's report.
			b.follow(`a[href$="/report"]`, ".report-head h1")
			if h1 := b.text(".report-head h1"); h1 != "Report for Ava Martin" {
				t.Errorf("report heading %q", h1)
			}
			checkCharts(t, b, vp.size[0], 3)
			b.shot("parent-report-" + vp.name)
			// A quick period: this school year, grouped by month.
			b.follow(`.report-range .chip:last-child`, ".report-head h1")
			if cur := b.eval(`document.querySelector('.report-range .chip[aria-current="true"]')?.textContent || ""`); cur != "This school year" {
				t.Errorf("current quick period %q", cur)
			}
			checkCharts(t, b, vp.size[0], 3)
			b.shot("parent-report-year-" + vp.name)
			if vp.name == "phone" {
				// In Arabic the page mirrors; the charts stay left to right
				// like a number line, and still fit the screen.
				setLanguage(b, "ar")
				if dir := b.eval(`document.documentElement.dir`); dir != "rtl" {
					t.Errorf("Arabic page dir %q", dir)
				}
				if d := b.eval(`getComputedStyle(document.querySelector('svg.chart')).direction`); d != "ltr" {
					t.Errorf("chart direction %q in Arabic", d)
				}
				checkCharts(t, b, vp.size[0], 3)
				b.shot("parent-report-year-ar-" + vp.name)
				setLanguage(b, "en")
			}

			b.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(".hero")))
			b.login(env.URL, demo.TeacherEmail, demo.Password)
			b.do(chromedp.Navigate(fmt.Sprintf("%s/classes/%d", env.URL, classes[0].ID)),
				chromedp.Click(chromedp.CSS(`a[href$="/report"]`)), chromedp.WaitVisible(chromedp.CSS(".report-head h1")))
			if h1 := b.text(".report-head h1"); !strings.Contains(h1, "Class 3 Sunflowers") {
				t.Errorf("class report heading %q", h1)
			}
			checkCharts(t, b, vp.size[0], 3)
			if n := b.eval(`String(document.querySelectorAll('#students-h ~ .table-wrap tbody tr').length)`); n != "25" {
				t.Errorf("class report lists %s students, want 25", n)
			}
			b.shot("teacher-class-report-" + vp.name)
			if vp.name == "desktop" {
				// On paper, in black and white: the controls go, the charts
				// and tables stay.
				b.do(printMedia("print", emulation.SetEmulatedVisionDeficiencyTypeAchromatopsia))
				if d := b.eval(`getComputedStyle(document.querySelector('.range-form')).display`); d != "none" {
					t.Errorf("the period form prints (display %s)", d)
				}
				checkCharts(t, b, vp.size[0], 3)
				b.shot("teacher-class-report-print")
				b.do(printMedia("", emulation.SetEmulatedVisionDeficiencyTypeNone))
			}
			b.follow(`.report-links a[href*="/attendance/history"]`, ".report-head h1")
			checkCharts(t, b, vp.size[0], 1)
			b.shot("teacher-attendance-history-" + vp.name)

			// The leader's school summary, from the home page: classes, no children.
			b.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(".hero")))
			b.login(env.URL, demo.LeaderEmail, demo.Password)
			b.follow(`a[href^="/schools/"][href$="/report"]`, ".report-head h1")
			checkCharts(t, b, vp.size[0], 3)
			if n := b.eval(`String(document.querySelectorAll('#classes-h ~ .table-wrap tbody tr').length)`); n != "2" {
				t.Errorf("school report lists %s classes, want 2", n)
			}
			b.shot("leader-school-report-" + vp.name)
		})
	}
}

// checkCharts asserts the page draws want charts, each an accessible
// image no wider than the screen, each followed by a table.
func checkCharts(t *testing.T, b *browser, width int64, want int) {
	t.Helper()
	got := b.eval(`JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => [s.getAttribute('role'), !!s.getAttribute('aria-label'), Math.round(s.getBoundingClientRect().right), !!s.closest('.chart-pair').querySelector('table')]))`)
	var rows int
	for _, c := range strings.Split(strings.Trim(got, "[]"), "],[") {
		if c == "" {
			continue
		}
		rows++
		f := strings.Split(strings.Trim(c, "[]"), ",")
		var right int64
		fmt.Sscan(f[2], &right)
		if f[0] != `"img"` || f[1] != "true" || f[3] != "true" || right > width {
			t.Errorf("chart %d: role %s, label %s, right edge %d of %d, table %s", rows, f[0], f[1], right, width, f[3])
		}
	}
	if rows != want {
		t.Errorf("%d charts, want %d: %s", rows, want, got)
	}
	if w := b.eval(`String(document.documentElement.scrollWidth)`); w != fmt.Sprint(width) {
		t.Errorf("page scrolls sideways: %s px wide on a %d px screen", w, width)
	}
}

// printMedia makes the page render as for a printer ("print"; "" for the
// screen) and as a person seeing no colour would see it.
func printMedia(media string, vision emulation.SetEmulatedVisionDeficiencyType) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedVisionDeficiency, emulation.SetEmulatedVisionDeficiencyParams{Type: vision})
		return chromedp.Void{}, err
	}
}

// setLanguage picks a language in the footer, as a person would.
func setLanguage(b *browser, lang string) {
	b.t.Helper()
	b.eval(`(() => { const s = document.querySelector('#lang-select'); s.value = '` + lang + `'; s.form.requestSubmit(); return "" })()`)
	b.do(chromedp.WaitVisible(chromedp.CSS(`html[lang="` + lang + `"] .report-head h1`)))
}
