package app_test

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/notify"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// count runs a count query.
func nCount(t *testing.T, env *testenv.Env, query string, args ...any) int {
	t.Helper()
	var n int
	must(t, env.DB.R.QueryRow(query, args...).Scan(&n))
	return n
}

func notificationsOf(t *testing.T, a *app.App, s *app.Session) []store.Notification {
	t.Helper()
	page, err := a.MyNotifications(t.Context(), s, "", 50)
	must(t, err)
	return page.Items
}

// A teacher's message reaches the parent's notification centre and, by
// default, their inbox as an email with a one-click unsubscribe link for
// messages; opening the conversation marks it read; the parent's choice
// of off leaves nothing at all for the next one.
func TestNotificationOfAMessage(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			before := nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1`, w.parent.User.ID)
			conv, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.parent.User.ID},
				app.MessageDraft{Text: "Ava's reading book is in her bag."})
			must(t, err)
			list := notificationsOf(t, a, w.parent)
			if len(list) != before+1 || list[0].Kind != notify.KindMessage || list[0].RefID != conv.ID || list[0].ActorID != w.teacher.User.ID || list[0].ReadAt != nil {
				t.Fatalf("the parent's centre: %+v", list)
			}
			if got := app.NotificationLine(a.I18n.Localizer("es"), &list[0]); got != "Sra. Alvarez te ha enviado un mensaje." {
				t.Errorf("the line in Spanish: %q", got)
			}
			if got := app.NotificationLink(&list[0]); got != "/messages/"+itoa(conv.ID) {
				t.Errorf("link %q", got)
			}
			if n, _ := a.UnreadNotifications(ctx, w.parent); n < 1 {
				t.Errorf("unread %d", n)
			}
			var unsub string
			must(t, env.DB.R.QueryRow(`SELECT list_unsubscribe FROM outbox WHERE recipient = $1 AND template = 'message_new' ORDER BY id DESC LIMIT 1`, demo.ParentEmail).Scan(&unsub))
			if !strings.HasPrefix(unsub, env.URL+"/notifications/unsubscribe?token=") {
				t.Fatalf("List-Unsubscribe %q", unsub)
			}
			if body := env.LastEmail(t, demo.ParentEmail); !strings.Contains(body, unsub) || !strings.Contains(body, "Ms. Alvarez") {
				t.Errorf("the email has no unsubscribe link or sender:\n%s", body)
			}
			// Someone else cannot read it.
			if _, err := a.ReadNotification(ctx, w.leader, list[0].ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another person marked it read: %v", err)
			}
			_, err = a.OpenConversation(ctx, w.parent, conv.ID, 0, 50)
			must(t, err)
			if n := notificationsOf(t, a, w.parent); n[0].ReadAt == nil {
				t.Error("opening the conversation left its notification unread")
			}

			// Off: nothing in the centre, no email.
			must(t, a.SetNotificationPrefs(ctx, w.parent, map[string]string{notify.KindMessage: notify.PrefOff}))
			rows, emails := nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1`, w.parent.User.ID), nCount(t, env, `SELECT count(*) FROM outbox WHERE recipient = $1`, demo.ParentEmail)
			_, err = a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "And the library book."})
			must(t, err)
			if r, e := nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1`, w.parent.User.ID), nCount(t, env, `SELECT count(*) FROM outbox WHERE recipient = $1`, demo.ParentEmail); r != rows || e != emails {
				t.Errorf("turned off, the parent still got %d rows and %d emails", r-rows, e-emails)
			}
		})
	}
}

// A choice for a kind or channel that does not exist is refused with a
// translated key and nothing is saved, not even the valid ones beside it.
func TestNotificationPrefsRefuseBadInput(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			for name, in := range map[string]map[string]string{
				"unknown kind":    {"weather": notify.PrefEmail, notify.KindStory: notify.PrefOff},
				"unknown channel": {notify.KindStory: "carrier pigeon"},
				"empty kind":      {"": notify.PrefOff},
			} {
				err := a.SetNotificationPrefs(ctx, w.parent, in)
				var ve *app.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("%s: %v", name, err)
				}
				for _, fe := range ve.Fields {
					if fe.Key != "notifications.bad_kind" && fe.Key != "notifications.bad_channel" {
						t.Errorf("%s: key %q", name, fe.Key)
					}
				}
			}
			if n := nCount(t, env, `SELECT count(*) FROM notification_prefs WHERE user_id = $1`, w.parent.User.ID); n != 0 {
				t.Errorf("%d choices stored from refused input", n)
			}
			prefs, err := a.MyNotificationPrefs(ctx, w.parent)
			must(t, err)
			for _, p := range prefs {
				if p.Kind == notify.KindPoints && (p.Channel != notify.PrefDigest || !p.Default) {
					t.Errorf("a child's points default to %+v, want the daily summary", p)
				}
			}
		})
	}
}

// A Class Story post goes into its families' daily digest: no email at
// once; the digest goes from the digest hour, once a day however often
// the job runs, in the parent's language, with the one-click unsubscribe
// of the digest; what comes after waits for the next day.
func TestDailyDigest(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			a.Location = time.UTC
			morning := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
			a.SetClock(func() time.Time { return morning })
			must(t, env.DB.W.QueryRow(`UPDATE users SET language = 'es' WHERE id = $1 RETURNING id`, w.parent.User.ID).Scan(new(int64)))
			emails := nCount(t, env, `SELECT count(*) FROM outbox WHERE recipient = $1`, demo.ParentEmail)
			post, err := a.PostClassStory(ctx, w.teacher, w.class3, app.StoryDraft{Text: "We planted beans today."})
			must(t, err)
			var digest bool
			must(t, env.DB.R.QueryRow(`SELECT digest FROM notifications WHERE user_id = $1 AND kind = 'story' AND ref_id = $2`, w.parent.User.ID, post.ID).Scan(&digest))
			if !digest {
				t.Fatal("the story is not waiting for the digest")
			}
			if n := nCount(t, env, `SELECT count(*) FROM outbox WHERE recipient = $1`, demo.ParentEmail); n != emails {
				t.Fatalf("the story was emailed at once (%d emails)", n-emails)
			}
			if n, err := a.SendDigests(ctx); err != nil || n != 0 {
				t.Fatalf("a digest before the digest hour: %d %v", n, err)
			}
			evening := time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC)
			a.SetClock(func() time.Time { return evening })
			n, err := a.SendDigests(ctx)
			must(t, err)
			if n < 1 {
				t.Fatalf("%d digests", n)
			}
			var subject, text, lang, unsub string
			must(t, env.DB.R.QueryRow(`SELECT subject, body_text, language, list_unsubscribe FROM outbox WHERE recipient = $1 AND template = 'notification_digest'`,
				demo.ParentEmail).Scan(&subject, &text, &lang, &unsub))
			if lang != "es" || !strings.Contains(subject, "Tu resumen de Cubby") || !strings.Contains(text, "Sra. Alvarez ha publicado una historia.") ||
				!strings.Contains(text, "/stories/"+itoa(post.ID)) || !strings.Contains(unsub, "digest") {
				t.Errorf("the digest: %s %q\n%s\n%s", lang, subject, text, unsub)
			}
			// Again the same day: nothing new, even with a new post.
			_, err = a.PostClassStory(ctx, w.teacher, w.class3, app.StoryDraft{Text: "The beans sprouted."})
			must(t, err)
			if n, err := a.SendDigests(ctx); err != nil || n != 0 {
				t.Errorf("second run the same day: %d %v", n, err)
			}
			if c := nCount(t, env, `SELECT count(*) FROM outbox WHERE recipient = $1 AND template = 'notification_digest'`, demo.ParentEmail); c != 1 {
				t.Errorf("%d digests the same day", c)
			}
			next := evening.Add(24 * time.Hour)
			a.SetClock(func() time.Time { return next })
			must2(t)(a.SendDigests(ctx))
			if c := nCount(t, env, `SELECT count(*) FROM outbox WHERE recipient = $1 AND template = 'notification_digest'`, demo.ParentEmail); c != 2 {
				t.Errorf("the next day's digest did not go: %d", c)
			}
			// The digest's one-click link turns off every kind it carries.
			token, _ := url.ParseQuery(unsub[strings.Index(unsub, "?")+1:])
			_, err = a.UnsubscribeNotifications(ctx, token.Get("token"))
			must(t, err)
			prefs, err := a.MyNotificationPrefs(ctx, w.parent)
			must(t, err)
			for _, p := range prefs {
				if notify.DefaultPref(p.Kind) == notify.PrefDigest && p.Channel != notify.PrefOff {
					t.Errorf("after the digest's unsubscribe %s is %s", p.Kind, p.Channel)
				}
				if p.Kind == notify.KindMessage && p.Channel != notify.PrefEmail {
					t.Errorf("messages changed too: %s", p.Channel)
				}
			}
		})
	}
}

func must2(t *testing.T) func(int, error) {
	return func(_ int, err error) { t.Helper(); must(t, err) }
}

// During a person's quiet hours their email waits in the outbox and their
// push is due when the hours end; an unsubscribe link turns one kind off
// without a login, and a forged one does nothing.
func TestQuietHoursAndUnsubscribe(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			a.Location = time.UTC
			night := time.Date(2026, 12, 8, 21, 0, 0, 0, time.UTC) // a Tuesday
			a.SetClock(func() time.Time { return night })
			must(t, a.SetQuietHours(ctx, w.parent, true, "20:00", "07:00", false))
			conv, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.parent.User.ID},
				app.MessageDraft{Text: "A note for tomorrow."})
			must(t, err)
			end := time.Date(2026, 12, 9, 7, 0, 0, 0, time.UTC)
			var due time.Time
			var unsub string
			must(t, env.DB.R.QueryRow(`SELECT next_attempt_at, list_unsubscribe FROM outbox WHERE recipient = $1 AND template = 'message_new' ORDER BY id DESC LIMIT 1`,
				demo.ParentEmail).Scan(&due, &unsub))
			if !due.Equal(end) {
				t.Errorf("the email is due at %v, want %v (the end of quiet hours)", due, end)
			}
			// Push instead: the row says when it may be pushed.
			must(t, a.SetNotificationPrefs(ctx, w.parent, map[string]string{notify.KindMessage: notify.PrefPush}))
			must(t, env.DB.W.QueryRow(`UPDATE conversation_members SET last_read_id = 1000000 WHERE user_id = $1 RETURNING user_id`, w.parent.User.ID).Scan(new(int64)))
			_, err = a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "And another."})
			must(t, err)
			var pushDue time.Time
			must(t, env.DB.R.QueryRow(`SELECT push_due_at FROM notifications WHERE user_id = $1 AND kind = 'message' ORDER BY id DESC LIMIT 1`, w.parent.User.ID).Scan(&pushDue))
			if !pushDue.Equal(end) {
				t.Errorf("push due at %v, want %v", pushDue, end)
			}

			token, _ := url.ParseQuery(unsub[strings.Index(unsub, "?")+1:])
			tok := token.Get("token")
			for _, bad := range []string{"", "1.message.00", strings.Replace(tok, ".message.", ".story.", 1), tok + "0", "x.y.z"} {
				if _, err := a.UnsubscribeNotifications(ctx, bad); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("forged token %q: %v", bad, err)
				}
			}
			info, err := a.UnsubscribeNotifications(ctx, tok)
			must(t, err)
			if info.UserID != w.parent.User.ID || info.Kind != notify.KindMessage {
				t.Errorf("unsubscribed %+v", info)
			}
			_, err = a.UnsubscribeNotifications(ctx, tok) // twice is fine
			must(t, err)
			prefs, err := store.NotificationPrefs(ctx, env.DB.R, w.parent.User.ID)
			must(t, err)
			if prefs[notify.KindMessage] != notify.PrefOff {
				t.Errorf("messages are %q after unsubscribing", prefs[notify.KindMessage])
			}
		})
	}
}

// An announcement to more people than fit in one transaction is written
// as a fan-out and decided by the job in batches: each person once, even
// when the job runs twice, and the fan-out is gone afterwards.
func TestFanoutThroughTheJob(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			a.Notifications.InlineMax, a.Notifications.Batch = 1, 1
			conv, err := a.Announce(ctx, w.leader, app.Announcement{Audience: store.AudienceFamilies, SchoolID: w.schoolID, Subject: "Snow day"},
				app.MessageDraft{Text: "School is closed tomorrow."})
			must(t, err)
			recipients := nCount(t, env, `SELECT count(*) FROM conversation_members WHERE conversation_id = $1 AND role = 'recipient'`, conv.ID)
			if recipients < 2 {
				t.Fatalf("the demo school has %d families", recipients)
			}
			if n := nCount(t, env, `SELECT count(*) FROM notifications WHERE ref_id = $1 AND kind = 'message'`, conv.ID); n != 0 {
				t.Fatalf("%d notifications before the job ran", n)
			}
			if n := nCount(t, env, `SELECT count(*) FROM notification_fanouts`); n != 1 {
				t.Fatalf("%d fan-outs", n)
			}
			n, err := a.RunNotificationJobs(ctx)
			must(t, err)
			if n != recipients {
				t.Errorf("the job decided for %d, want %d", n, recipients)
			}
			if n, err := a.RunNotificationJobs(ctx); err != nil || n != 0 {
				t.Errorf("a second run: %d %v", n, err)
			}
			if got := nCount(t, env, `SELECT count(DISTINCT user_id) FROM notifications WHERE ref_id = $1 AND kind = 'message'`, conv.ID); got != recipients ||
				nCount(t, env, `SELECT count(*) FROM notifications WHERE ref_id = $1 AND kind = 'message'`, conv.ID) != recipients {
				t.Errorf("%d people told, want each of %d once", got, recipients)
			}
			if got := nCount(t, env, `SELECT count(*) FROM outbox WHERE template = 'message_announcement'`); got != recipients {
				t.Errorf("%d emails, want %d", got, recipients)
			}
			if n := nCount(t, env, `SELECT count(*) FROM notification_fanouts`); n != 0 {
				t.Errorf("%d fan-outs left", n)
			}
		})
	}
}

// Leaders hear of a join request and of a family's privacy request; an
// absence reaches the child's parents after the grace period, unless it
// was corrected meanwhile; notifications go with the account.
func TestRequestsAbsencesAndErasure(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			leaderRows := func(kind string) int {
				return nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = $2`, w.leader.User.ID, kind)
			}
			_, err := a.AskRestriction(ctx, w.parent, w.ava.ID, app.GroundAccuracy, "Her birthday is wrong.")
			must(t, err)
			if leaderRows(notify.KindPrivacyRequest) != 1 {
				t.Errorf("the leader was not told of the restriction request")
			}
			list := notificationsOf(t, a, w.leader)
			if app.NotificationLink(&list[0]) != "/privacy/restrictions" || list[0].StudentName != "Ava" {
				t.Errorf("privacy request row %+v", list[0])
			}

			now := a.Now()
			_, err = a.TakeAttendance(ctx, w.teacher, w.class3, a.Today(), []app.Mark{{StudentID: w.ava.ID, Status: store.Absent}})
			must(t, err)
			if _, err := a.RunNotificationJobs(ctx); err != nil {
				t.Fatal(err)
			}
			parentAbsences := func() int {
				return nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'absence'`, w.parent.User.ID)
			}
			if parentAbsences() != 0 {
				t.Error("told before the grace period ended")
			}
			later := now.Add(app.RecordGrace + time.Second)
			a.SetClock(func() time.Time { return later })
			must2(t)(a.RunNotificationJobs(ctx))
			if parentAbsences() != 1 {
				t.Errorf("%d absence notifications after the grace period", parentAbsences())
			}
			// Marked present by mistake... and absent again: still one a day.
			_, err = a.TakeAttendance(ctx, w.teacher, w.class3, a.Today(), []app.Mark{{StudentID: w.ava.ID, Status: store.Absent}})
			must(t, err)
			evenLater := later.Add(app.RecordGrace + time.Second)
			a.SetClock(func() time.Time { return evenLater })
			must2(t)(a.RunNotificationJobs(ctx))
			if parentAbsences() != 1 {
				t.Errorf("%d absence notifications for one day", parentAbsences())
			}
			// Elena's absence corrected within the grace period: never told.
			_, err = a.TakeAttendance(ctx, w.teacher2, w.class4, a.Today(), []app.Mark{{StudentID: w.elena.ID, Status: store.Absent}})
			must(t, err)
			_, err = a.TakeAttendance(ctx, w.teacher2, w.class4, a.Today(), []app.Mark{{StudentID: w.elena.ID, Status: store.Present}})
			must(t, err)
			last := evenLater.Add(app.RecordGrace + time.Second)
			a.SetClock(func() time.Time { return last })
			must2(t)(a.RunNotificationJobs(ctx))
			if parentAbsences() != 1 {
				t.Error("a corrected absence was told")
			}

			// The account's notifications go with it.
			if n := nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1`, w.parent.User.ID); n == 0 {
				t.Fatal("the parent has no notifications to erase")
			}
			due, err := a.DeleteAccount(ctx, w.parent, demo.Password)
			must(t, err)
			after := due.Add(time.Minute)
			a.SetClock(func() time.Time { return after })
			must2(t)(a.RunDueErasures(ctx))
			if n := nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1`, w.parent.User.ID); n != 0 {
				t.Errorf("%d notifications left with the account", n)
			}
		})
	}
}

// A point reaches the child's parents after the undo window, in their
// daily summary by default; a point undone in time is never told.
func TestPointNotifications(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			skills, err := a.Skills(ctx, w.teacher, w.class3)
			must(t, err)
			start := a.Now()
			kept, err := a.AwardPoints(ctx, w.teacher, w.class3, app.Award{StudentIDs: []int64{w.ava.ID}, SkillID: skills[0].ID})
			must(t, err)
			undone, err := a.AwardPoints(ctx, w.teacher, w.class3, app.Award{StudentIDs: []int64{w.ava.ID}, SkillID: skills[0].ID})
			must(t, err)
			must(t, a.UndoPoint(ctx, w.teacher, undone[0].ID))
			must2(t)(a.RunNotificationJobs(ctx))
			points := func(ref int64) int {
				return nCount(t, env, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'points' AND ref_id = $2 AND digest`, w.parent.User.ID, ref)
			}
			if points(kept[0].ID) != 0 {
				t.Error("told within the undo window")
			}
			later := start.Add(app.RecordGrace + time.Second)
			a.SetClock(func() time.Time { return later })
			must2(t)(a.RunNotificationJobs(ctx))
			if points(kept[0].ID) != 1 || points(undone[0].ID) != 0 {
				t.Errorf("kept point told %d times, undone %d", points(kept[0].ID), points(undone[0].ID))
			}
			list := notificationsOf(t, a, w.parent)
			if list[0].Kind != notify.KindPoints || app.NotificationLink(&list[0]) != "/students/"+itoa(w.ava.ID)+"/report" {
				t.Errorf("the parent's newest notification: %+v", list[0])
			}
			if n := nCount(t, env, `SELECT count(*) FROM notification_fanouts`); n != 0 {
				t.Errorf("%d fan-outs left", n)
			}
		})
	}
}

// Work reaching the family tells the student at once and their parents
// through the job; a parent's comment tells the student and the class's
// teachers, never the parent who wrote it; work deleted before the job ran
// tells no one, and the notification leads to the work's own page.
func TestPortfolioNotifications(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			told := func(kind string, ref int64, userID int64) int {
				return nCount(t, env, `SELECT count(*) FROM notifications WHERE kind = $1 AND ref_id = $2 AND user_id = $3`, kind, ref, userID)
			}
			it, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{Text: "My volcano"})
			must(t, err)
			if n := nCount(t, env, `SELECT count(*) FROM notifications WHERE ref_id = $1 AND kind LIKE 'portfolio%'`, it.ID); n != 0 {
				t.Fatalf("%d notifications of work still waiting", n)
			}
			must(t, a.ApprovePortfolio(ctx, w.teacher, it.ID))
			if told(notify.KindPortfolioApproved, it.ID, w.student.User.ID) != 1 || told(notify.KindPortfolioApproved, it.ID, w.teacher.User.ID) != 0 {
				t.Error("the student is not told at once of the approval, or the approving teacher is")
			}
			_, err = a.RunNotificationJobs(ctx)
			must(t, err)
			if told(notify.KindPortfolioApproved, it.ID, w.parent.User.ID) != 1 {
				t.Error("the parent is not told of the approved work")
			}
			if told(notify.KindPortfolioApproved, it.ID, w.mayaParent.User.ID) != 0 {
				t.Error("another family is told of Ava's work")
			}
			list := notificationsOf(t, a, w.parent)
			if len(list) == 0 || list[0].Kind != notify.KindPortfolioApproved || app.NotificationLink(&list[0]) != "/portfolio-items/"+strconv.FormatInt(it.ID, 10) {
				t.Errorf("the parent's newest notification: %+v", list)
			}

			_, err = a.CommentOnPortfolio(ctx, w.parent, it.ID, "So proud of you")
			must(t, err)
			_, err = a.RunNotificationJobs(ctx)
			must(t, err)
			if told(notify.KindPortfolioComment, it.ID, w.student.User.ID) != 1 || told(notify.KindPortfolioComment, it.ID, w.teacher.User.ID) != 1 {
				t.Error("the student and the teacher are not told of the parent's comment")
			}
			if told(notify.KindPortfolioComment, it.ID, w.parent.User.ID) != 0 {
				t.Error("the parent is told of their own comment")
			}

			// Approved and deleted before the job ran: the parents hear nothing.
			gone, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{Text: "A second try"})
			must(t, err)
			must(t, a.ApprovePortfolio(ctx, w.teacher, gone.ID))
			must(t, a.DeletePortfolioItem(ctx, w.teacher, gone.ID))
			_, err = a.RunNotificationJobs(ctx)
			must(t, err)
			if told(notify.KindPortfolioApproved, gone.ID, w.parent.User.ID) != 0 {
				t.Error("the parent is told of work deleted before they heard")
			}
		})
	}
}
