package app_test

import (
	"errors"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/privacy"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// Product news reaches only adults who opted in, never a student even
// with a consent on record, and one click on the email's link stops it.
func TestProductNews(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			if err := a.SubscribeNews(ctx, f.student); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a student subscribed: %v", err)
			}
			// A consent row for a student anyway (a bug, an import): still never sent.
			must(t, store.AddConsent(ctx, env.DB.W, &store.Consent{SubjectUserID: f.studentUserID, GrantorUserID: f.studentUserID, GrantorRole: "self",
				Purpose: app.PurposeProductNews, NoticeVersion: a.Transparency().Version, Method: "test", GrantedAt: a.Now()}))
			n, err := a.SendNews(ctx, app.News{Subject: "New in Cubby", Body: "Reports now have charts.\n\nEnjoy."})
			must(t, err)
			if n != 1 {
				t.Fatalf("news sent to %d people, want 1 (the parent)", n)
			}
			mail := env.LastEmail(t, parentEmail)
			if !strings.Contains(mail, "Reports now have charts.") {
				t.Fatalf("news email:\n%s", mail)
			}
			link := testenv.LinkIn(t, mail, env.URL+"/unsubscribe")
			token := link[strings.Index(link, "token=")+len("token="):]
			forged := token[:len(token)-1] + "0"
			if strings.HasSuffix(token, "0") {
				forged = token[:len(token)-1] + "1"
			}
			if err := a.UnsubscribeByToken(ctx, forged); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a forged link: %v", err)
			}
			must(t, a.UnsubscribeByToken(ctx, token))
			must(t, a.UnsubscribeByToken(ctx, token)) // twice is fine
			if on, _ := a.NewsSubscribed(ctx, f.parent); on {
				t.Error("still subscribed after unsubscribing")
			}
			if n, _ := a.SendNews(ctx, app.News{Subject: "Again", Body: "x"}); n != 0 {
				t.Errorf("news sent to %d after unsubscribing", n)
			}
		})
	}
}

// A material change to the notice asks consents given before to be given
// again; a change of wording or settings does not.
func TestNoticeVersions(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a := f.ctx, f.env.App
			if on, _ := a.NewsSubscribed(ctx, f.parent); !on {
				t.Fatal("the fixture parent is not subscribed")
			}
			a.Privacy.Deployment.Operator.Name = "Maple Grove (renamed)"
			versions, err := a.RecordNotice(ctx)
			must(t, err)
			if len(versions) < 2 || versions[0].Material {
				t.Fatalf("a new operator name: %+v", versions[0])
			}
			if on, _ := a.NewsSubscribed(ctx, f.parent); !on {
				t.Error("a non-material change dropped the consent")
			}
			a.Privacy.Deployment.Processors = append(a.Privacy.Deployment.Processors, privacy.Processor{ID: privacy.SMTP, Name: "Mail Co", Country: "US"})
			versions, err = a.RecordNotice(ctx)
			must(t, err)
			if !versions[0].Material || !strings.Contains(versions[0].Changes, "Mail Co") {
				t.Fatalf("a new processor: %+v", versions[0])
			}
			if on, _ := a.NewsSubscribed(ctx, f.parent); on {
				t.Error("a consent given before a material change still counts")
			}
			if n, _ := a.SendNews(ctx, app.News{Subject: "x", Body: "y"}); n != 0 {
				t.Error("news went out on an outdated consent")
			}
			must(t, a.SubscribeNews(ctx, f.parent))
			if on, _ := a.NewsSubscribed(ctx, f.parent); !on {
				t.Error("consenting again did not count")
			}
		})
	}
}

// Usage counts are per feature per day, first-party, and leave out people
// who opted out, visitors and failed requests; request logs keep a
// shortened address and the browser family only.
func TestUsageCountsAndRequestLog(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			line := store.RequestLine{At: a.Now(), Method: "GET", Route: "GET /settings", Status: 200, DurationMS: 3, IPPrefix: "198.51.100.0/24", Browser: "Firefox 140"}
			a.RecordRequest(ctx, line, f.teacherID)
			a.RecordRequest(ctx, line, f.parentID) // opted out in the fixture
			a.RecordRequest(ctx, line, 0)          // a visitor
			bad := line
			bad.Status = 404
			a.RecordRequest(ctx, bad, f.teacherID)
			must(t, a.FlushRequestLog(ctx))
			stats, err := a.UsageStats(ctx, "2000-01-01")
			must(t, err)
			if len(stats) != 1 || stats[0].Feature != "GET /settings" || stats[0].Count != 1 {
				t.Errorf("usage counts %+v, want one count", stats)
			}
			if n := countRows(t, env, `SELECT count(*) FROM request_log WHERE ip_prefix = '198.51.100.0/24' AND browser = 'Firefox 140'`); n != 4 {
				t.Errorf("%d request log lines, want 4", n)
			}
			must(t, a.SetUsageCounting(ctx, f.parent, true))
			a.RecordRequest(ctx, line, f.parentID)
			must(t, a.FlushRequestLog(ctx))
			if stats, _ = a.UsageStats(ctx, "2000-01-01"); stats[0].Count != 2 {
				t.Errorf("after opting back in: %+v", stats)
			}
		})
	}
}

// A restored backup brings back an erased person; replaying the erasure
// ledger erases them again.
func TestErasureReplayAfterRestore(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			u, err := store.UserByID(ctx, env.DB.R, f.parentID)
			must(t, err)
			must(t, a.EraseNow(ctx, f.parentID))
			// The restore: the account is back, with its old id.
			if _, err := env.DB.W.Exec(`INSERT INTO users (id, kind, first_name, last_name, email, password_hash, language, created_at, updated_at)
		VALUES ($1, 'parent', $2, $3, $4, '', 'en', $5, $5)`, u.ID, u.FirstName, u.LastName, u.Email, a.Now()); err != nil {
				t.Fatal(err)
			}
			n, err := a.ReplayErasures(ctx)
			must(t, err)
			if _, err := store.UserByID(ctx, env.DB.R, f.parentID); n != 1 || !errors.Is(err, app.ErrNotFound) {
				t.Errorf("replay erased %d; the account: %v", n, err)
			}
			if n, _ := a.ReplayErasures(ctx); n != 0 {
				t.Errorf("a second replay erased %d", n)
			}
		})
	}
}

// A correction accepted with removal deletes the record; the parent is
// told, and the request and answer are audited.
func TestCorrectionAcceptedAndRemoved(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			records, err := a.ChildRecords(ctx, f.parent, f.studentID)
			must(t, err)
			var point app.ChildRecord
			for _, r := range records {
				if r.Table == "points" {
					point = r
				}
			}
			c, err := a.RequestCorrection(ctx, f.parent, f.studentID, "points", point.Key, "It was not her.")
			must(t, err)
			if err := a.DecideCorrection(ctx, f.parent, c.ID, true, true, "ok"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("the parent answered their own request: %v", err)
			}
			var ve *app.ValidationError
			if err := a.DecideCorrection(ctx, f.teacher, c.ID, true, true, " "); !errors.As(err, &ve) {
				t.Errorf("an answer without a reason: %v", err)
			}
			must(t, a.DecideCorrection(ctx, f.teacher, c.ID, true, true, "You are right; removed."))
			if n := countRows(t, env, `SELECT count(*) FROM points WHERE CAST(id AS TEXT) = $1`, point.Key); n != 0 {
				t.Error("the accepted record is still there")
			}
			if err := a.DecideCorrection(ctx, f.teacher, c.ID, false, false, "changed my mind"); !errors.Is(err, app.ErrConflict) {
				t.Errorf("answering twice: %v", err)
			}
			if !strings.Contains(env.LastEmail(t, parentEmail), "accepted") {
				t.Error("the parent was not told")
			}
			if n := countRows(t, env, `SELECT count(*) FROM audit_log WHERE action = 'correct' AND detail LIKE '%record removed%'`); n != 1 {
				t.Error("the decision is not audited")
			}
			list, err := a.Corrections(ctx, f.parent)
			must(t, err)
			if len(list) < 2 || list[0].Status != store.CorrectionAccepted || list[0].DeciderName != "Ms. Vexmoor" {
				t.Errorf("the parent's view: %+v", list)
			}
		})
	}
}

// A leader erases a student who left: the student can no longer log in,
// and a leader can keep them during the grace period.
func TestLeaderErasesAStudentWhoLeft(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			leaveClasses(t, env, f.studentID)
			if _, err := a.EraseStudent(ctx, f.teacher, f.studentID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a teacher erased a student: %v", err)
			}
			_, err := a.EraseStudent(ctx, f.leader, f.studentID)
			must(t, err)
			if _, err := a.Authenticate(ctx, "x"); err == nil {
				t.Fatal("nonsense token authenticated")
			}
			if n := countRows(t, env, `SELECT count(*) FROM sessions WHERE user_id = $1`, f.studentUserID); n != 0 {
				t.Error("the student is still logged in")
			}
			must(t, a.CancelStudentErasure(ctx, f.leader, f.studentID))
			st, err := store.StudentByID(ctx, env.DB.R, f.studentID)
			must(t, err)
			u, err := store.UserByID(ctx, env.DB.R, f.studentUserID)
			must(t, err)
			if st.LeftAt != nil || u.DisabledAt != nil {
				t.Errorf("kept student: left %v, disabled %v", st.LeftAt, u.DisabledAt)
			}
		})
	}
}
