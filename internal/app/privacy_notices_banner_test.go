package app_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// changeUseOf simulates a release that uses a column differently: a new
// legal basis for it, which makes the notice change materially for the
// account types its data type concerns.
func changeUseOf(t *testing.T, inv *privacy.Inventory, table, column string) {
	t.Helper()
	for _, tb := range inv.Tables() {
		for i := range tb.Fields {
			if tb.Name == table && tb.Fields[i].Name == column {
				tb.Fields[i].LegalBasis = privacy.LegitimateInterest
				return
			}
		}
	}
	t.Fatalf("no column %s.%s", table, column)
}

// INV-7: a material change of the notice puts a banner in front of the
// account types it concerns, and not the others; acknowledging clears it;
// product news given on an earlier version stays off until agreed again,
// and a new account never sees a change older than itself.
func TestNoticeBanner(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a := f.ctx, f.env.App
			pending := func(s *app.Session) *app.PendingNotice {
				t.Helper()
				p, err := a.PendingNotice(ctx, s)
				must(t, err)
				return p
			}
			everyone := map[string]*app.Session{"teacher": f.teacher, "leader": f.leader, "parent": f.parent, "student": f.student}
			for who, s := range everyone {
				if p := pending(s); p != nil {
					t.Errorf("%s has a pending notice before any change: %+v", who, p)
				}
			}
			// Teachers and leaders sign in with two-factor codes: a new use
			// of them concerns staff, not parents or students.
			base := time.Now()
			a.SetClock(func() time.Time { return base.Add(time.Hour) })
			changeUseOf(t, a.Inventory, "recovery_codes", "code_hash")
			versions, err := a.RecordNotice(ctx)
			must(t, err)
			if !versions[0].Material {
				t.Fatalf("a new legal basis is not material: %+v", versions[0])
			}
			current := versions[0].Version
			for _, who := range []string{"teacher", "leader"} {
				p := pending(everyone[who])
				if p == nil || p.Version != current || !slices.Equal(p.Changes.ChangedTypes, []privacy.DataType{privacy.TypeSecondFactor}) || p.NewsPaused {
					t.Errorf("%s: pending notice %+v, want the two-factor change on %s", who, p, current)
				}
			}
			if p := pending(f.student); p != nil {
				t.Errorf("the student is not concerned by staff two-factor codes: %+v", p)
			}
			// The parent is not concerned either, but their product news
			// rested on the earlier version: it is paused, and they are told.
			if p := pending(f.parent); p == nil || !p.NewsPaused || p.Changes.Material() {
				t.Errorf("parent: %+v, want only the news pause", p)
			}
			if on, _ := a.NewsSubscribed(ctx, f.parent); on {
				t.Error("product news still on after a material change")
			}
			if n, _ := a.SendNews(ctx, app.News{Subject: "x", Body: "y"}); n != 0 {
				t.Errorf("news sent to %d people on consents from before the change", n)
			}

			// Bad acknowledgements change nothing.
			for version, key := range map[string]string{"": "validation.required", "0123456789abcdef": "notices.version_unknown"} {
				var ve *app.ValidationError
				if err := a.AcknowledgeNotice(ctx, f.teacher, version, false); !errors.As(err, &ve) || ve.Fields["version"].Key != key {
					t.Errorf("acknowledging %q: %v, want %s", version, err, key)
				}
			}
			if err := a.AcknowledgeNotice(ctx, f.student, current, true); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a student renewed product news: %v", err)
			}
			if pending(f.teacher) == nil {
				t.Fatal("a refused acknowledgement cleared the banner")
			}
			must(t, a.AcknowledgeNotice(ctx, f.teacher, current, false))
			if p := pending(f.teacher); p != nil {
				t.Errorf("still pending after acknowledging: %+v", p)
			}
			if v, _, err := store.NoticeAckOf(ctx, f.env.DB.R, f.teacherID); err != nil || v != current {
				t.Errorf("recorded acknowledgement %q, %v", v, err)
			}
			if pending(f.leader) == nil {
				t.Error("one person's acknowledgement cleared another's")
			}

			// Acknowledging without renewing leaves the news off; renewing
			// turns it back on, on the current version.
			must(t, a.AcknowledgeNotice(ctx, f.parent, current, false))
			if p := pending(f.parent); p != nil {
				t.Errorf("parent still pending: %+v", p)
			}
			if on, _ := a.NewsSubscribed(ctx, f.parent); on {
				t.Error("acknowledging alone renewed product news")
			}
			must(t, a.AcknowledgeNotice(ctx, f.parent, current, true))
			if on, _ := a.NewsSubscribed(ctx, f.parent); !on {
				t.Error("keeping product news did not renew it")
			}
			must(t, a.AcknowledgeNotice(ctx, f.parent, current, true)) // twice: no second consent
			if n := countRows(t, f.env, `SELECT count(*) FROM consents WHERE subject_user_id = $1 AND method = 'notice_banner' AND notice_version = $2`, f.parentID, current); n != 1 {
				t.Errorf("%d renewed consents, want 1", n)
			}
			if n, _ := a.SendNews(ctx, app.News{Subject: "x", Body: "y"}); n != 1 {
				t.Errorf("news sent to %d people after the parent renewed, want 1", n)
			}

			// Someone who signs up after the change saw the notice as it is.
			a.SetClock(func() time.Time { return base.Add(2 * time.Hour) })
			token, _, err := a.SignUp(ctx, app.Signup{Kind: store.KindTeacher, FirstName: "Newcomer", LastName: "Teacher", Email: "newcomer@fixture.test",
				Password: "violet orchard bell", Language: "en", IP: "192.0.2.9", Session: "api"})
			must(t, err)
			newcomer := sessionOf(t, f.env, token)
			if p := pending(newcomer); p != nil {
				t.Errorf("a new account sees an older change: %+v", p)
			}

			// A second material change, an outside company receiving
			// everyone's email: everyone is asked again, students included,
			// and an acknowledgement of the older version no longer counts.
			a.SetClock(func() time.Time { return base.Add(3 * time.Hour) })
			a.Privacy.Deployment = &privacy.Deployment{Country: "US", ServerLocation: "US", DeletionGrace: privacy.DefaultDeletionGrace,
				Processors: []privacy.Processor{{ID: privacy.SMTP, Name: "Mail Co", Country: "US"}}}
			versions, err = a.RecordNotice(ctx)
			must(t, err)
			for who, s := range map[string]*app.Session{"teacher": f.teacher, "student": f.student, "newcomer": newcomer} {
				p := pending(s)
				if p == nil || p.Version != versions[0].Version || !slices.Equal(p.Changes.AddedProcessors, []string{"smtp:Mail Co:US"}) {
					t.Errorf("%s after the new processor: %+v", who, p)
				}
			}
			if p := pending(f.leader); p == nil || len(p.Changes.ChangedTypes) != 1 || len(p.Changes.AddedProcessors) != 1 {
				t.Errorf("the leader, who acknowledged neither change, is told of both: %+v", p)
			}
			var ve *app.ValidationError
			if err := a.AcknowledgeNotice(ctx, f.teacher, current, false); !errors.As(err, &ve) || ve.Fields["version"].Key != "notices.version_outdated" {
				t.Errorf("acknowledging the older version: %v", err)
			}
			if p := pending(f.parent); p == nil || !p.NewsPaused {
				t.Errorf("the parent's renewed news predates the second change: %+v", p)
			}
		})
	}
}
