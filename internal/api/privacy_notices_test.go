package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/privacy"
	"cubby/internal/testenv"
)

// GET /me carries the material change of the notice the caller has not
// acknowledged; POST /me/notice/acknowledge records it, refusing anything
// but the current version with a translated 400.
func TestPendingNoticeAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx, a := context.Background(), env.App
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			if status, me, _ := parent.do("GET", "/api/v1/me", ""); status != 200 || me["pending_notice"] != nil || me["email"] != demo.ParentEmail {
				t.Fatalf("before any change: %d %v", status, me)
			}
			later := time.Now().Add(time.Hour)
			a.SetClock(func() time.Time { return later })
			d := *a.Deployment()
			d.Processors = append(d.Processors, privacy.Processor{ID: privacy.SMTP, Name: "Mail Co", Country: "DE"})
			a.Privacy.Deployment = &d
			versions, err := a.RecordNotice(ctx)
			if err != nil || !versions[0].Material {
				t.Fatalf("the change: %v", err)
			}
			_, me, _ := parent.do("GET", "/api/v1/me", "")
			p, _ := me["pending_notice"].(map[string]any)
			procs, _ := p["added_processors"].([]any)
			if p == nil || p["version"] != versions[0].Version || len(procs) != 1 || procs[0].(map[string]any)["name"] != "Mail Co" ||
				p["changelog_url"] != "/transparency/versions" || p["news_paused"] != false {
				t.Fatalf("pending notice %v", me["pending_notice"])
			}
			status, out, _ := parent.do("POST", "/api/v1/me/notice/acknowledge", `{"version":"0000"}`)
			if errs, _ := out["errors"].(map[string]any); status != http.StatusBadRequest || errs["version"] != "This version of “Your data on Cubby” does not exist. Reload the page and try again." {
				t.Errorf("an unknown version: %d %v", status, out)
			}
			if status, _, _ := parent.do("POST", "/api/v1/me/notice/acknowledge", `{"version":1}`); status != http.StatusBadRequest {
				t.Errorf("a malformed body: %d", status)
			}
			student := loginAPI(t, env, "username", demo.StudentUsername)
			if status, _, _ := student.do("POST", "/api/v1/me/notice/acknowledge", `{"version":"`+versions[0].Version+`","keep_news":true}`); status != http.StatusForbidden {
				t.Errorf("a student renewing product news: %d", status)
			}
			if status, out, _ := parent.do("POST", "/api/v1/me/notice/acknowledge", `{"version":"`+versions[0].Version+`"}`); status != http.StatusNoContent {
				t.Fatalf("acknowledging: %d %v", status, out)
			}
			if _, me, _ := parent.do("GET", "/api/v1/me", ""); me["pending_notice"] != nil {
				t.Errorf("still pending: %v", me["pending_notice"])
			}
			if _, me, _ := student.do("GET", "/api/v1/me", ""); me["pending_notice"] == nil {
				t.Error("the parent's acknowledgement cleared the student's")
			}
		})
	}
}
