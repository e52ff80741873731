package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/privacy"
	"cubby/internal/testenv"
)

// materialChange archives the current notice, then makes it change
// materially an hour later: an outside company now receives email.
func materialChange(t *testing.T, env *testenv.Env) string {
	t.Helper()
	ctx, a := context.Background(), env.App
	if _, err := a.RecordNotice(ctx); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	a.SetClock(func() time.Time { return later })
	d := *a.Deployment()
	d.Processors = append(d.Processors, privacy.Processor{ID: privacy.SMTP, Name: "Mail Co", Country: "DE"})
	a.Privacy.Deployment = &d
	versions, err := a.RecordNotice(ctx)
	if err != nil || !versions[0].Material {
		t.Fatalf("the change: %v %+v", err, versions)
	}
	return versions[0].Version
}

// The banner is on every page of the people a material change concerns:
// what changed, a link to the changelog, and a button that records the
// acknowledgement and comes back to the same page. A parent whose product
// news is paused can renew it from the banner.
func TestNoticeBannerPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx, a := context.Background(), env.App
			token, _, err := a.Login(ctx, app.Credentials{Login: demo.ParentEmail, Password: demo.Password, Kind: "api"})
			if err != nil {
				t.Fatal(err)
			}
			sess, err := a.Authenticate(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.SubscribeNews(ctx, sess); err != nil {
				t.Fatal(err)
			}
			parent := login(t, env, demo.ParentEmail)
			if _, body, _ := get(t, parent, env.URL+"/settings"); strings.Contains(body, `id="notice-banner"`) {
				t.Fatal("a banner before any change")
			}
			version := materialChange(t, env)

			_, body, _ := get(t, parent, env.URL+"/settings?x=1")
			for _, want := range []string{`id="notice-banner"`, "What Cubby does with your data has changed", "New outside company: Mail Co (Germany).",
				`href="/transparency/versions"`, `action="/transparency/acknowledge"`, `name="version" value="` + version + `"`,
				`name="back" value="/settings?x=1"`, `id="notice-news-paused"`, `name="keep_news"`, "I have read it"} {
				if !strings.Contains(body, want) {
					t.Errorf("the banner lacks %s", want)
				}
			}
			if _, body, _ := get(t, env.Client(), env.URL+"/transparency"); strings.Contains(body, `id="notice-banner"`) {
				t.Error("a visitor sees the banner")
			}
			student := login(t, env, demo.StudentUsername)
			if _, body, _ := get(t, student, env.URL+"/"); !strings.Contains(body, "Cubby has new rules") || strings.Contains(body, "keep_news") {
				t.Error("the student's banner is not in plain words, or offers news")
			}

			post := func(form url.Values) *http.Response {
				t.Helper()
				resp, err := parent.PostForm(env.URL+"/transparency/acknowledge", form)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			if resp := post(url.Values{"version": {"not-a-version"}, "back": {"/settings"}}); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("an unknown version: %d", resp.StatusCode)
			}
			if resp := post(url.Values{"version": {version}, "back": {"https://evil.example/"}, "keep_news": {"1"}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Errorf("acknowledging: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			_, body, _ = get(t, parent, env.URL+"/settings")
			if strings.Contains(body, `id="notice-banner"`) || !strings.Contains(body, "You will keep receiving news about Cubby.") {
				t.Error("after acknowledging: the banner is still there, or no confirmation")
			}
			if on, err := a.NewsSubscribed(ctx, sess); err != nil || !on {
				t.Errorf("product news not renewed: %v", err)
			}
			// A version the page showed before the notice changed again is not
			// recorded: the person is sent back to read the newer change.
			evenLater := time.Now().Add(2 * time.Hour)
			a.SetClock(func() time.Time { return evenLater })
			d := *a.Deployment()
			d.Processors = append(d.Processors, privacy.Processor{ID: privacy.SMS, Name: "Text Co", Country: "US"})
			a.Privacy.Deployment = &d
			if _, err := a.RecordNotice(ctx); err != nil {
				t.Fatal(err)
			}
			if resp := post(url.Values{"version": {version}, "back": {"/settings"}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings" {
				t.Errorf("an outdated version: %d", resp.StatusCode)
			}
			_, body, _ = get(t, parent, env.URL+"/settings")
			if !strings.Contains(body, "changed again in the meantime") || !strings.Contains(body, "Text Co") {
				t.Error("after an outdated acknowledgement the page does not show the newer change")
			}
		})
	}
}
