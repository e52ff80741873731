package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// The demo school's people for messages are storyWorld's (story_test.go):
// Ms. Alvarez teaches Class 3 (Ava), Mr. Park Class 4 (Elena, Maya); Helen
// Martin is Ava's and Elena's mother.

func unread(t *testing.T, a *app.App, s *app.Session) int {
	t.Helper()
	n, err := a.UnreadMessages(t.Context(), s)
	must(t, err)
	return n
}

// A parent and their child's teacher write to each other; each sees the
// other has read; starting again opens the same conversation; the teacher
// writes to all of a child's parents at once; the school can hide read
// receipts from parents; one email per conversation until it is opened.
func TestMessagesBetweenTeacherAndParent(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			to := app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher.User.ID}
			conv, msg, err := a.StartConversation(ctx, w.parent, to, app.MessageDraft{Text: "  Is Ava's reading book due on Monday?  "})
			must(t, err)
			if msg.Body != "Is Ava's reading book due on Monday?" || conv.Kind != store.ConvDirect || conv.StudentFirst != "Ava" {
				t.Fatalf("conversation %+v, message %+v", conv, msg)
			}
			if n := unread(t, a, w.teacher); n != 1 {
				t.Errorf("the teacher's unread count: %d", n)
			}
			if n := unread(t, a, w.parent); n != 0 {
				t.Errorf("the sender's own message counts as unread: %d", n)
			}
			inbox, err := a.Inbox(ctx, w.teacher, "", 50)
			must(t, err)
			if len(inbox.Items) != 1 || inbox.Items[0].Unread != 1 || inbox.Items[0].With[0].UserID != w.parent.User.ID {
				t.Fatalf("the teacher's inbox: %+v", inbox.Items)
			}
			// A second message before the teacher opened it: no second email.
			_, err = a.SendMessage(ctx, w.parent, conv.ID, app.MessageDraft{Text: "And can he bring it on Tuesday instead?"})
			must(t, err)
			var emails int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE recipient = $1 AND template = 'message_new'`, demo.TeacherEmail).Scan(&emails))
			if emails != 1 {
				t.Errorf("%d emails to the teacher for two unread messages", emails)
			}
			if body := env.LastEmail(t, demo.TeacherEmail); !strings.Contains(body, "/messages/") || strings.Contains(body, "reading book") {
				t.Errorf("the email should link to the conversation and not carry the message:\n%s", body)
			}
			// The parent does not see "read" until the teacher opens it.
			view, err := a.OpenConversation(ctx, w.parent, conv.ID, 0, 50)
			must(t, err)
			if len(view.Messages) != 2 || len(view.Messages[0].Reads) != 0 || !view.Receipts || !view.CanWrite {
				t.Fatalf("the parent's view before the teacher read: %+v", view)
			}
			tv, err := a.OpenConversation(ctx, w.teacher, conv.ID, 0, 50)
			must(t, err)
			if tv.Messages[0].Mine || tv.Messages[0].SenderName() != "Mrs. Martin" || unread(t, a, w.teacher) != 0 {
				t.Errorf("the teacher's view: %+v", tv.Messages[0])
			}
			reply, err := a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "Tuesday is fine."})
			must(t, err)
			view, err = a.OpenConversation(ctx, w.parent, conv.ID, 0, 50)
			must(t, err)
			if r := view.Messages[0].Reads; len(r) != 1 || r[0].UserID != w.teacher.User.ID || r[0].ReadAt.IsZero() {
				t.Errorf("the parent's receipt: %+v", r)
			}
			tv, err = a.OpenConversation(ctx, w.teacher, conv.ID, 0, 50)
			must(t, err)
			if last := tv.Messages[len(tv.Messages)-1]; last.ID != reply.ID || len(last.Reads) != 1 || last.Reads[0].UserID != w.parent.User.ID {
				t.Errorf("the teacher's receipt: %+v", last)
			}
			// Starting again opens the same conversation.
			again, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.parent.User.ID},
				app.MessageDraft{Text: "One more thing."})
			must(t, err)
			if again.ID != conv.ID {
				t.Errorf("a second conversation %d beside %d", again.ID, conv.ID)
			}
			// The school hides read receipts from parents; staff keep theirs.
			must(t, a.SetMessageSettings(ctx, w.leader, w.schoolID, store.MessageSettings{ParentReceipts: false}))
			if err := a.SetMessageSettings(ctx, w.teacher, w.schoolID, store.MessageSettings{}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a teacher changes the school's switches: %v", err)
			}
			view, err = a.OpenConversation(ctx, w.parent, conv.ID, 0, 50)
			must(t, err)
			if view.Receipts || len(view.Messages[0].Reads) != 0 {
				t.Error("the parent still sees read receipts")
			}
			tv, err = a.OpenConversation(ctx, w.teacher, conv.ID, 0, 50)
			must(t, err)
			if !tv.Receipts {
				t.Error("staff lost their read receipts")
			}
			// Another teacher does not see it.
			if _, err := a.OpenConversation(ctx, w.teacher2, conv.ID, 0, 50); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another teacher opens it: %v", err)
			}
			// A group with all of Ava's parents: a second parent connects.
			second := loginAs(t, env, signUpParent(t, env, "second.parent@example.org"), "a long enough password")
			must(t, store.AddGuardian(ctx, env.DB.W, w.schoolID, w.ava.ID, second.User.ID, a.Now()))
			group, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, AllParents: true},
				app.MessageDraft{Text: "Dear parents of Ava"})
			must(t, err)
			if group.Kind != store.ConvGroup || group.ID == conv.ID {
				t.Fatalf("group: %+v", group)
			}
			second = loginAs(t, env, "second.parent@example.org", "a long enough password")
			gv, err := a.OpenConversation(ctx, second, group.ID, 0, 50)
			must(t, err)
			if len(gv.Writers) != 3 || gv.CanWrite {
				t.Errorf("the second parent (email not yet verified) in the group: %d writers, can write %v", len(gv.Writers), gv.CanWrite)
			}
			hv, err := a.OpenConversation(ctx, w.parent, group.ID, 0, 50)
			must(t, err)
			if !hv.CanWrite {
				t.Error("Helen cannot write in the group")
			}
		})
	}
}

// A scheduled announcement: its sender sees it at once, marked; its
// recipients see nothing of it — no inbox line, no unread count, no page —
// until its time, when it is there and its email is due; a time in the
// past or too far ahead is refused with nothing stored.
func TestScheduledAnnouncement(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			now := a.Now()
			a.SetClock(func() time.Time { return now })
			conversations := func() int {
				var n int
				must(t, env.DB.R.QueryRow(`SELECT count(*) FROM conversations`).Scan(&n))
				return n
			}
			before := conversations()
			for _, c := range []struct {
				at  time.Time
				key string
			}{{now.Add(-time.Hour), "message.send_at_past"}, {now, "message.send_at_past"}, {now.Add(app.MaxSchedule + time.Hour), "message.send_at_too_far"}} {
				_, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class3, Subject: "Trip", SendAt: &c.at}, app.MessageDraft{Text: "Friday"})
				if fieldKey(t, err, "send_at") != c.key {
					t.Errorf("send at %v: %v", c.at, err)
				}
			}
			if n := conversations(); n != before {
				t.Fatalf("refused schedules stored %d conversations", n-before)
			}

			at := now.Add(3 * time.Hour)
			conv, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class3, Subject: "Trip", SendAt: &at}, app.MessageDraft{Text: "Wellies on Friday"})
			must(t, err)
			if conv.SendAt == nil || !conv.SendAt.Equal(at.UTC().Truncate(time.Microsecond)) || !conv.Scheduled(now) {
				t.Fatalf("the conversation's sending time: %v", conv.SendAt)
			}
			mine, err := a.Inbox(ctx, w.teacher, "", 50)
			must(t, err)
			if len(mine.Items) != 1 || mine.Items[0].ID != conv.ID {
				t.Errorf("the sender's inbox: %+v", mine.Items)
			}
			theirs, err := a.Inbox(ctx, w.parent, "", 50)
			must(t, err)
			if len(theirs.Items) != 0 || unread(t, a, w.parent) != 0 {
				t.Errorf("a recipient sees it before its time: %+v, %d unread", theirs.Items, unread(t, a, w.parent))
			}
			if _, err := a.OpenConversation(ctx, w.parent, conv.ID, 0, 50); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a recipient opens it before its time: %v", err)
			}
			emails := func() int {
				return nCount(t, env, `SELECT count(*) FROM outbox WHERE recipient = $1 AND template = 'message_announcement'`, demo.ParentEmail)
			}
			if _, err := a.RunNotificationJobs(ctx); err != nil || emails() != 0 ||
				nCount(t, env, `SELECT count(*) FROM notifications WHERE kind = 'message' AND ref_id = $1`, conv.ID) != 0 {
				t.Errorf("before its time the job told someone (%d emails, %v)", emails(), err)
			}

			later := at.Add(time.Minute)
			a.SetClock(func() time.Time { return later })
			events, stop := a.InboxEvents().Subscribe([]int64{w.parent.User.ID})
			defer stop()
			_, err = a.RunNotificationJobs(ctx)
			must(t, err)
			if emails() != 1 {
				t.Errorf("at its time the recipient has %d emails, want 1", emails())
			}
			heard := false
			for len(events) > 0 {
				heard = heard || (<-events).ConversationID == conv.ID
			}
			if !heard {
				t.Error("the recipient's open inbox is not told when its time comes")
			}
			theirs, err = a.Inbox(ctx, w.parent, "", 50)
			must(t, err)
			if len(theirs.Items) != 1 || theirs.Items[0].ID != conv.ID || unread(t, a, w.parent) != 1 {
				t.Fatalf("after its time, the recipient's inbox: %+v", theirs.Items)
			}
			view, err := a.OpenConversation(ctx, w.parent, conv.ID, 0, 50)
			must(t, err)
			if len(view.Messages) != 1 || !view.Messages[0].CreatedAt.Equal(*conv.SendAt) {
				t.Errorf("the recipient reads %+v, sent at %v", view.Messages, *conv.SendAt)
			}
		})
	}
}

// A scheduled announcement called off by its sender before its time
// leaves nothing: no conversation, no notification, no email, even once
// its time has passed; no one else may call it off, and once sent it
// cannot be.
func TestCancelScheduledAnnouncement(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			now := a.Now()
			a.SetClock(func() time.Time { return now })
			a.Notifications.InlineMax = 1000
			at := now.Add(2 * time.Hour)
			conv, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class3, Subject: "Trip", SendAt: &at}, app.MessageDraft{Text: "Wellies on Friday"})
			must(t, err)
			if nCount(t, env, `SELECT count(*) FROM notification_fanouts WHERE kind = 'message' AND ref_id = $1`, conv.ID) != 1 {
				t.Fatal("a scheduled announcement to a few families waits in no fan-out")
			}
			for name, s := range map[string]*app.Session{"a recipient": w.parent, "another teacher": w.teacher2, "the leader": w.leader} {
				if err := a.CancelAnnouncement(ctx, s, conv.ID); !errors.Is(err, app.ErrNotFound) && !errors.Is(err, app.ErrForbidden) {
					t.Errorf("%s calls it off: %v", name, err)
				}
			}
			must(t, a.CancelAnnouncement(ctx, w.teacher, conv.ID))
			if n := nCount(t, env, `SELECT count(*) FROM conversations WHERE id = $1`, conv.ID); n != 0 {
				t.Error("the conversation is still there")
			}
			later := at.Add(time.Minute)
			a.SetClock(func() time.Time { return later })
			_, err = a.RunNotificationJobs(ctx)
			must(t, err)
			if n := nCount(t, env, `SELECT count(*) FROM notifications WHERE kind = 'message' AND ref_id = $1`, conv.ID) +
				nCount(t, env, `SELECT count(*) FROM outbox WHERE template = 'message_announcement'`) +
				nCount(t, env, `SELECT count(*) FROM notification_fanouts`); n != 0 {
				t.Errorf("%d notifications, emails or fan-outs of the called-off announcement", n)
			}

			// Sent: too late to call off.
			soon := later.Add(time.Hour)
			sent, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class3, Subject: "Trip", SendAt: &soon}, app.MessageDraft{Text: "Boots"})
			must(t, err)
			gone := soon.Add(time.Minute)
			a.SetClock(func() time.Time { return gone })
			if err := a.CancelAnnouncement(ctx, w.teacher, sent.ID); !isRefused(err, "message.cancel_too_late") {
				t.Errorf("calling off a sent announcement: %v", err)
			}
			if nCount(t, env, `SELECT count(*) FROM conversations WHERE id = $1`, sent.ID) != 1 {
				t.Error("a sent announcement was removed")
			}
		})
	}
}
