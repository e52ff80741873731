package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"cubby/internal/app"
	"cubby/internal/demo"
	"cubby/internal/privacy"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// INV-7 in a browser: after a material change of the notice (an outside
// company now sends Cubby's email) people see a banner on every page, on a
// phone and a desktop, in English and in Arabic (right to left); students
// in plain words; "I have read it" brings them back to the page they were
// on without it, and a parent whose product news the change paused keeps
// it with one click.
func TestNoticeBannerAfterMaterialChange(t *testing.T) {
	env := testenv.New(t, engine(t))
	ctx, a := context.Background(), env.App
	// Two adults on product news, one of them reading Cubby in Arabic.
	for _, who := range []string{demo.ParentEmail, demo.Teacher2Email} {
		token, _, err := a.Login(ctx, app.Credentials{Login: who, Password: demo.Password, Kind: "api"})
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.SubscribeNews(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	teacher2, err := store.UserByEmail(ctx, env.DB.R, demo.Teacher2Email)
	if err != nil {
		t.Fatal(err)
	}
	student, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*store.User{teacher2, student} {
		if err := store.SetUserLanguage(ctx, env.DB.W, u.ID, "ar", a.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// The change, an hour after the notice everyone saw.
	if _, err := a.RecordNotice(ctx); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	a.SetClock(func() time.Time { return later })
	d := *a.Deployment()
	d.Processors = append(d.Processors, privacy.Processor{ID: privacy.SMTP, Name: "Mail Co", Country: "DE"})
	a.Privacy.Deployment = &d
	if v, err := a.RecordNotice(ctx); err != nil || !v[0].Material {
		t.Fatalf("the change: %v", err)
	}

	for _, tc := range []struct {
		name, who, lang string
		size            [2]int64
		title, button   string
		newsPaused      bool
	}{
		{"parent-en-phone", demo.ParentEmail, "en", phone, "What Cubby does with your data has changed", "#notice-keep-news", true},
		{"teacher-en-desktop", demo.TeacherEmail, "en", desktop, "What Cubby does with your data has changed", "#notice-ack", false},
		{"student-ar-phone", demo.StudentUsername, "ar", phone, "لدى Cubby قواعد جديدة", "#notice-ack", false},
		{"teacher-ar-desktop", demo.Teacher2Email, "ar", desktop, "تغيّر ما يفعله Cubby ببياناتك", "#notice-ack", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, tc.size, tc.lang)
			b.login(env.URL, tc.who, demo.Password)
			b.do(chromedp.Navigate(env.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("notice-banner")))
			if got := b.text("#notice-banner-title"); got != tc.title {
				t.Errorf("banner title %q, want %q", got, tc.title)
			}
			banner := b.text("#notice-banner")
			if !strings.Contains(banner, "Mail Co") {
				t.Errorf("the banner does not say what changed:\n%s", banner)
			}
			if paused := b.eval(`String(!!document.getElementById("notice-news-paused"))`); paused != map[bool]string{true: "true", false: "false"}[tc.newsPaused] {
				t.Errorf("news paused shown: %s", paused)
			}
			if tc.lang == "ar" && b.eval(`document.documentElement.dir`) != "rtl" {
				t.Error("the Arabic page is not right to left")
			}
			if b.eval(`String(document.documentElement.scrollWidth <= innerWidth)`) != "true" {
				t.Errorf("the page overflows sideways: %s", b.eval(`document.documentElement.scrollWidth + " > " + innerWidth`))
			}
			b.shot("banner")
			// The changelog the banner links to.
			b.do(chromedp.Click(chromedp.CSS(`#notice-banner a[href="/transparency/versions"]`)), chromedp.WaitVisible(chromedp.CSS("ol.versions")))
			if !strings.Contains(b.text("ol.versions"), "Mail Co") {
				t.Error("the changelog does not list the change")
			}
			b.do(chromedp.Navigate(env.URL+"/settings"), chromedp.WaitVisible(chromedp.ID("notice-banner")),
				chromedp.Click(chromedp.CSS(tc.button)), chromedp.WaitVisible(chromedp.CSS(".flash")))
			if path := b.eval(`location.pathname`); path != "/settings" {
				t.Errorf("after acknowledging: on %s, want /settings", path)
			}
			if b.eval(`String(!!document.getElementById("notice-banner"))`) != "false" {
				t.Error("the banner is still there after acknowledging")
			}
			b.shot("acknowledged")
		})
	}
	for who, want := range map[string]bool{demo.ParentEmail: true, demo.Teacher2Email: false} {
		token, _, err := a.Login(ctx, app.Credentials{Login: who, Password: demo.Password, Kind: "api"})
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if on, err := a.NewsSubscribed(ctx, s); err != nil || on != want {
			t.Errorf("%s: product news %v, want %v (%v)", who, on, want, err)
		}
	}
}
