package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// inviteToken returns the token of the newest invitation sent to a
// recipient, read from the message in the outbox.
func dirInviteToken(t *testing.T, env *testenv.Env, to string) string {
	t.Helper()
	link := testenv.LinkIn(t, env.LastEmail(t, to), env.URL+"/invite?token=")
	return strings.TrimPrefix(link, env.URL+"/invite?token=")
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+44 7700 900123":     "+447700900123",
		"+1 (415) 555-0100":   "+14155550100",
		" 0049 151 1234 5678": "+4915112345678",
		"+33.6.12.34.56.78":   "+33612345678",
		"+971 50 123 4567":    "+971501234567",
	} {
		if got, key := app.NormalizePhone(in); got != want || key != "" {
			t.Errorf("%q: %q %q, want %q", in, got, key, want)
		}
	}
	for _, bad := range []string{"07700 900123", "+44 7700 9001x3", "+0 1234 5678", "+1234567", "+1234567890123456", "++447700900123",
		"+44 77+00 900123", "call me", "+447700900123; DROP TABLE"} {
		if got, key := app.NormalizePhone(bad); key != "invite.phone_invalid" {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
	if _, key := app.NormalizePhone("  "); key != "validation.required" {
		t.Errorf("empty: %q", key)
	}
}

func TestParentInvitationByEmail(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			now := time.Now().UTC()
			a.SetClock(func() time.Time { return now })
			teacher := session(t, env, demo.TeacherEmail)
			sunflowers := classNamed(t, env, "Class 3 Sunflowers")
			_, roster, err := a.Class(ctx, teacher, sunflowers.ID)
			if err != nil {
				t.Fatal(err)
			}
			child := roster[3]
			explorers := classNamed(t, env, "Class 4 Explorers")
			_, others, _ := a.Class(ctx, session(t, env, demo.Teacher2Email), explorers.ID)

			// Bad input is explained, field by field.
			for _, tc := range []struct {
				in    app.Invite
				field string
				key   string
			}{
				{app.Invite{Kind: "parent", StudentID: child.ID, Email: "not-an-address"}, "email", "validation.email"},
				{app.Invite{Kind: "parent", StudentID: child.ID, Contact: "ana@example"}, "email", "validation.email"},
				{app.Invite{Kind: "parent", StudentID: child.ID}, "email", "validation.required"},
				{app.Invite{Kind: "parent", StudentID: child.ID, Phone: "+44 7700 900123"}, "phone", "invite.sms_disabled"},
				{app.Invite{Kind: "parent", StudentID: child.ID, Contact: "0777-abc"}, "phone", "invite.phone_invalid"},
				{app.Invite{Kind: "parent", StudentID: child.ID, Email: "a@example.org", Phone: "+447700900123"}, "phone", "invite.one_contact"},
				{app.Invite{Kind: "cousin", StudentID: child.ID, Email: "a@example.org"}, "type", "invite.type_invalid"},
			} {
				if f := fields(t, errOf(a.SendInvitation(ctx, teacher, tc.in))); f[tc.field] != tc.key {
					t.Errorf("%+v: %v, want %s %s", tc.in, f, tc.field, tc.key)
				}
			}
			// Only the child's own teachers (and leaders) invite their parents.
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: others[0].ID, Email: "x@example.org"}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a child of another class: %v", err)
			}
			if _, err := a.SendInvitation(ctx, otherSchoolTeacher(t, env), app.Invite{Kind: "parent", StudentID: child.ID, Email: "x@example.org"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another school's teacher: %v", err)
			}
			if _, err := a.SendInvitation(ctx, session(t, env, demo.ParentEmail), app.Invite{Kind: "parent", StudentID: child.ID, Email: "x@example.org"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a parent: %v", err)
			}
			if _, err := a.SendInvitation(ctx, session(t, env, demo.StudentUsername), app.Invite{Kind: "parent", StudentID: child.ID, Email: "x@example.org"}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a student: %v", err)
			}
			// Unverified accounts cannot invite anyone.
			unverified := dirPerson(t, env, store.KindTeacher, "unv@example.org", false)
			if err := store.AddClassTeacher(ctx, env.DB.W, sunflowers.SchoolID, sunflowers.ID, unverified.User.ID, now); err != nil {
				t.Fatal(err)
			}
			if key := dirRefused(t, errOf(a.SendInvitation(ctx, dirRefresh(t, env, unverified), app.Invite{Kind: "parent", StudentID: child.ID, Email: "x@example.org"})), app.ErrForbidden); key != "invite.verify_first" {
				t.Errorf("unverified inviter: %s", key)
			}
			if n := count(t, env, `SELECT count(*) FROM invitations`); n != 0 {
				t.Fatalf("%d invitations stored by refused requests", n)
			}

			inv, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: child.ID, Email: " Dad@Example.ORG "})
			if err != nil || inv.Email != "dad@example.org" || inv.SchoolID != sunflowers.SchoolID || inv.StudentID != child.ID ||
				!inv.ExpiresAt.Equal(now.Truncate(time.Microsecond).Add(app.InvitationTTL)) {
				t.Fatalf("invite: %+v %v", inv, err)
			}
			mail := env.LastEmail(t, "dad@example.org")
			if !strings.Contains(mail, "Ms. Alvarez") || !strings.Contains(mail, "Maple Grove") || strings.Contains(mail, child.FirstName) {
				t.Errorf("the email names the teacher and school, never the child:\n%s", mail)
			}
			token := dirInviteToken(t, env, "dad@example.org")
			if n := count(t, env, `SELECT count(*) FROM invitations WHERE token_hash = $1`, app.HashToken(token)); n != 1 {
				t.Error("the token is not stored as its hash")
			}
			info, err := a.OpenInvitation(ctx, token)
			if err != nil || info.Kind != "parent" || info.Email != "dad@example.org" || info.InviterName != "Ms. Alvarez" {
				t.Errorf("open: %+v %v", info, err)
			}
			if _, err := a.OpenInvitation(ctx, "no-such-token"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("unknown token: %v", err)
			}
			// A teacher's account cannot accept a parent's invitation.
			if key := dirRefused(t, errOf(a.AcceptInvitation(ctx, session(t, env, demo.Teacher2Email), token)), app.ErrForbidden); key != "invite.needs_parent_account" {
				t.Errorf("wrong account type: %s", key)
			}

			// The parent signs up from the link: a parent account, connected
			// to the child, with the address verified by the link itself.
			sessionToken, u, acc, err := a.SignUpWithInvitation(ctx, app.Signup{Kind: "teacher", FirstName: "Sam", LastName: "Reyes",
				Email: "dad@example.org", Password: "copper lantern field", Language: "es", Session: "web"}, token)
			if err != nil || u.Kind != store.KindParent || acc.StudentID != child.ID {
				t.Fatalf("sign up: %+v %+v %v", u, acc, err)
			}
			dad, err := a.Authenticate(ctx, sessionToken)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := dad.Actor.Children[child.ID]; !ok || len(dad.Actor.Children) != 1 || dad.User.EmailVerifiedAt == nil {
				t.Errorf("parent after sign-up: %+v verified=%v", dad.Actor.Children, dad.User.EmailVerifiedAt)
			}
			// The link works once.
			if key := dirRefused(t, errOf(a.AcceptInvitation(ctx, session(t, env, demo.ParentEmail), token)), app.ErrGone); key != "invite.used" {
				t.Errorf("second use: %s", key)
			}
			if _, _, _, err := a.SignUpWithInvitation(ctx, app.Signup{FirstName: "Eve", LastName: "X", Email: "eve@example.org",
				Password: "copper lantern field", Language: "en"}, token); dirRefused(t, err, app.ErrGone) != "invite.used" {
				t.Errorf("sign-up with a used link: %v", err)
			}
			if _, err := store.UserByEmail(ctx, env.DB.R, "eve@example.org"); !errors.Is(err, app.ErrNotFound) {
				t.Error("a used link created an account")
			}

			// Links expire; an existing parent accepts a fresh one.
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: child.ID, Email: demo.ParentEmail}); err != nil {
				t.Fatal(err)
			}
			late := dirInviteToken(t, env, demo.ParentEmail)
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: child.ID, Email: demo.ParentEmail}); err != nil {
				t.Fatal(err)
			}
			fresh := dirInviteToken(t, env, demo.ParentEmail)
			helen := session(t, env, demo.ParentEmail)
			acc, err = a.AcceptInvitation(ctx, helen, fresh)
			if err != nil || acc.StudentID != child.ID {
				t.Fatalf("accept: %+v %v", acc, err)
			}
			if _, ok := dirRefresh(t, env, helen).Actor.Children[child.ID]; !ok {
				t.Error("existing parent not connected")
			}
			now = now.Add(app.InvitationTTL + time.Minute)
			if key := dirRefused(t, errOf(a.AcceptInvitation(ctx, helen, late)), app.ErrGone); key != "invite.expired" {
				t.Errorf("expired link: %s", key)
			}
			if _, err := a.OpenInvitation(ctx, late); dirRefused(t, err, app.ErrGone) != "invite.expired" {
				t.Errorf("opening an expired link: %v", err)
			}
		})
	}
}

func TestTeacherInvitation(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			school := teacher.Actor.SchoolIDs()[0]
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "teacher", SchoolID: 999999, Email: "new@example.org"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a school that is not theirs: %v", err)
			}
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "teacher", SchoolID: school, Contact: "new.colleague@example.org", Language: "fr"}); err != nil {
				t.Fatal(err)
			}
			mail := env.LastEmail(t, "new.colleague@example.org")
			if !strings.Contains(mail, "vous invite") {
				t.Errorf("not in the language asked for:\n%s", mail)
			}
			token := dirInviteToken(t, env, "new.colleague@example.org")
			if key := dirRefused(t, errOf(a.AcceptInvitation(ctx, session(t, env, demo.ParentEmail), token)), app.ErrForbidden); key != "invite.needs_teacher_account" {
				t.Errorf("parent accepting: %s", key)
			}
			// An existing teacher with a join request waiting accepts: the
			// request becomes active staff, not verified by a leader.
			colleague := dirPerson(t, env, store.KindTeacher, "colleague@example.org", false)
			if _, err := a.JoinSchool(ctx, colleague, school); err != nil {
				t.Fatal(err)
			}
			acc, err := a.AcceptInvitation(ctx, colleague, token)
			if err != nil || acc.Kind != "teacher" || acc.SchoolID != school {
				t.Fatalf("accept: %+v %v", acc, err)
			}
			m := dirMember(t, env, school, colleague.User.ID)
			if m.Status != store.MemberActive || m.VerifiedAt != nil || m.Role != store.RoleTeacher {
				t.Errorf("membership: %+v", m)
			}
			colleague = dirRefresh(t, env, colleague)
			if dir, err := a.SchoolDirectory(ctx, colleague, school); err != nil || dir.Full {
				t.Errorf("an invited colleague sees the directory before a leader verifies them: %v", err)
			}
			// The link went to another address: accepting did not verify his.
			if colleague.User.EmailVerifiedAt != nil {
				t.Error("accepting verified an address the link was not sent to")
			}
			// The retention job deletes invitations 30 days after they were
			// sent, accepted or not; what accepting did stays.
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "teacher", SchoolID: school, Email: "never.answers@example.org"}); err != nil {
				t.Fatal(err)
			}
			later := a.Now().Add(31 * 24 * time.Hour)
			a.SetClock(func() time.Time { return later })
			if _, err := a.RunRetention(ctx); err != nil {
				t.Fatal(err)
			}
			if n := count(t, env, `SELECT count(*) FROM invitations`); n != 0 {
				t.Errorf("%d invitations outlived their retention", n)
			}
			if dirMember(t, env, school, colleague.User.ID) == nil {
				t.Error("retention removed the membership the invitation made")
			}
		})
	}
}

// dirGateway is a local HTTP SMS gateway: it records what it is asked to send.
type dirGateway struct {
	mu   sync.Mutex
	sent []map[string]string
}

func (g *dirGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer gateway-token" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var m map[string]string
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &m); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	g.sent = append(g.sent, m)
	g.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// withSMS gives env an outbox whose SMS gateway is g, and a worker to
// deliver it.
func dirWithSMS(t *testing.T, env *testenv.Env, g *dirGateway) *notify.Worker {
	t.Helper()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	outbox, err := notify.NewOutbox(bundle, notify.Settings{BaseURL: env.URL, From: "Cubby <cubby@demo.cubby.test>", MailDir: t.TempDir(),
		SMSURL: srv.URL, SMSToken: "gateway-token", SMSProcessorName: "Local gateway", SMSProcessorCountry: "US"})
	if err != nil {
		t.Fatal(err)
	}
	env.App.Mail = outbox
	return notify.NewWorker(env.DB, outbox, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func TestInvitationBySMS(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			gateway := &dirGateway{}
			worker := dirWithSMS(t, env, gateway)
			if !a.SMSEnabled() {
				t.Fatal("SMS not enabled with a gateway")
			}
			teacher := session(t, env, demo.TeacherEmail)
			_, roster, _ := a.Class(ctx, teacher, classNamed(t, env, "Class 3 Sunflowers").ID)
			inv, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: roster[0].ID, Contact: "+44 7700-900 123"})
			if err != nil || inv.Phone != "+447700900123" || inv.Email != "" {
				t.Fatalf("invite: %+v %v", inv, err)
			}
			if _, err := worker.DeliverPending(ctx); err != nil {
				t.Fatal(err)
			}
			gateway.mu.Lock()
			sent := append([]map[string]string(nil), gateway.sent...)
			gateway.mu.Unlock()
			if len(sent) != 1 || sent[0]["to"] != "+447700900123" || !strings.Contains(sent[0]["body"], env.URL+"/invite?token=") ||
				!strings.Contains(sent[0]["body"], "Ms. Alvarez") || strings.Contains(sent[0]["body"], roster[0].FirstName) {
				t.Fatalf("gateway got %+v", sent)
			}
			token := sent[0]["body"][strings.Index(sent[0]["body"], "token=")+len("token="):]
			parent := dirPerson(t, env, store.KindParent, "texted@example.org", true)
			if acc, err := a.AcceptInvitation(ctx, parent, strings.Fields(token)[0]); err != nil || acc.StudentID != roster[0].ID {
				t.Errorf("accept the texted link: %+v %v", acc, err)
			}
			if f := fields(t, errOf(a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: roster[0].ID, Phone: "+44 (0) 7700 900123x"}))); f["phone"] != "invite.phone_invalid" {
				t.Errorf("malformed phone: %v", f)
			}
		})
	}
}

func TestInvitationRateLimits(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			now := time.Now().UTC()
			a.SetClock(func() time.Time { return now })
			dirWithSMS(t, env, &dirGateway{})
			teacher := session(t, env, demo.TeacherEmail)
			school := teacher.Actor.SchoolIDs()[0]
			_, roster, _ := a.Class(ctx, teacher, classNamed(t, env, "Class 3 Sunflowers").ID)
			var rl *app.RateLimitError
			// A sender's text messages: 10 a day.
			for i := range 10 {
				if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: roster[i].ID, Phone: "+1415555010" + string(rune('0'+i))}); err != nil {
					t.Fatalf("sms %d: %v", i, err)
				}
				now = now.Add(time.Minute)
			}
			_, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: roster[11].ID, Phone: "+14155550111"})
			if !errors.As(err, &rl) || rl.RetryAfter < 23*time.Hour || rl.RetryAfter > 24*time.Hour {
				t.Fatalf("11th text message: %v", err)
			}
			// Emails still go: their limit is separate and higher.
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: roster[11].ID, Email: "p11@example.org"}); err != nil {
				t.Errorf("email after the SMS limit: %v", err)
			}
			// The window slides: a day after the first, one more may go.
			now = now.Add(24*time.Hour - 9*time.Minute)
			if _, err := a.SendInvitation(ctx, teacher, app.Invite{Kind: "parent", StudentID: roster[12].ID, Phone: "+14155550112"}); err != nil {
				t.Errorf("after the window: %v", err)
			}
			// A sender's emails: 50 a day.
			for i := range 50 {
				_, err = a.SendInvitation(ctx, teacher, app.Invite{Kind: "teacher", SchoolID: school, Email: "t" + strconv.Itoa(i) + "@example.org"})
				if err != nil {
					break
				}
			}
			if !errors.As(err, &rl) {
				t.Errorf("50 emails in a day (with one sent earlier) should hit the limit: %v", err)
			}
			// The school's text messages: 100 a day, whoever sends them.
			daniel := session(t, env, demo.Teacher2Email)
			for i := range 100 {
				if err := store.CreateInvitation(ctx, env.DB.W, &store.Invitation{SchoolID: school, TokenHash: "h" + strconv.Itoa(i), Kind: "teacher",
					Phone: "+14155550100", Language: "en", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := a.SendInvitation(ctx, daniel, app.Invite{Kind: "teacher", SchoolID: school, Phone: "+14155550199"}); !errors.As(err, &rl) {
				t.Errorf("the school's 101st text message today: %v", err)
			}
			if _, err := a.SendInvitation(ctx, daniel, app.Invite{Kind: "teacher", SchoolID: school, Email: "fine@example.org"}); err != nil {
				t.Errorf("an email from the same school: %v", err)
			}
		})
	}
}
