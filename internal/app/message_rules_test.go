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

// stored counts what a refused message must not have written.
func stored(t *testing.T, env *testenv.Env) [4]int {
	t.Helper()
	var out [4]int
	for i, table := range []string{"conversations", "conversation_members", "messages", "outbox"} {
		out[i] = count(t, env, `SELECT count(*) FROM `+table)
	}
	return out
}

// The bad input: each refused with a translated 4xx and nothing
// stored.
func TestMessageRefusals(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			maya := store.Student{}
			r4, err := store.StudentsOfClass(ctx, env.DB.R, w.class4)
			must(t, err)
			for _, st := range r4 {
				if st.FirstName == "Maya" {
					maya = st
				}
			}
			ann, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class3, Subject: "Trip"}, app.MessageDraft{Text: "Friday"})
			must(t, err)
			loner := loginAs(t, env, signUpTeacher(t, env, "loner@example.org"), "a long enough password")
			before := stored(t, env)
			cases := []struct {
				name  string
				err   func() error
				check func(error) bool
			}{
				{"to a parent of another class", func() error {
					_, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, StudentID: maya.ID, To: w.mayaParent.User.ID}, app.MessageDraft{Text: "Hi"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"parent to a teacher who does not teach their child", func() error {
					_, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher2.User.ID}, app.MessageDraft{Text: "Hi"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"parent to another parent", func() error {
					_, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.elena.ID, To: w.mayaParent.User.ID}, app.MessageDraft{Text: "Hi"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"to another school's teacher", func() error {
					_, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, To: loner.User.ID}, app.MessageDraft{Text: "Hi"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"to a person who does not exist", func() error {
					_, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: 987654}, app.MessageDraft{Text: "Hi"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"an empty message", func() error {
					_, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher.User.ID}, app.MessageDraft{Text: " \n "})
					return err
				}, func(err error) bool { return fieldKey(t, err, "text") == "message.empty" }},
				{"a 100,000-character message", func() error {
					_, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher.User.ID},
						app.MessageDraft{Text: strings.Repeat("a", 100_000)})
					return err
				}, func(err error) bool { return fieldKey(t, err, "text") == "validation.too_long" }},
				{"a reply to an announcement one cannot see", func() error {
					_, _, err := a.ReplyToAnnouncement(ctx, w.mayaParent, ann.ID, app.MessageDraft{Text: "Me too?"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"writing in an announcement instead of replying", func() error {
					_, err := a.SendMessage(ctx, w.parent, ann.ID, app.MessageDraft{Text: "To everyone"})
					return err
				}, func(err error) bool { return refusedKey(t, err) == "message.reply_privately" }},
				{"writing in a conversation one is not in", func() error {
					_, err := a.SendMessage(ctx, w.teacher2, ann.ID, app.MessageDraft{Text: "Hello"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"an urgent announcement from a teacher", func() error {
					_, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class3, Subject: "Now", Urgent: true}, app.MessageDraft{Text: "x"})
					return err
				}, func(err error) bool { return refusedKey(t, err) == "message.urgent_leaders" }},
				{"an announcement to another teacher's class", func() error {
					_, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class4, Subject: "Hi"}, app.MessageDraft{Text: "x"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrNotFound) }},
				{"a teacher writing to all families", func() error {
					_, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceFamilies, SchoolID: w.schoolID, Subject: "Hi"}, app.MessageDraft{Text: "x"})
					return err
				}, func(err error) bool { return errors.Is(err, app.ErrForbidden) }},
				{"an announcement without a title", func() error {
					_, err := a.Announce(ctx, w.teacher, app.Announcement{Audience: store.AudienceClass, ClassID: w.class3}, app.MessageDraft{Text: "x"})
					return err
				}, func(err error) bool { return fieldKey(t, err, "subject") == "message.subject_required" }},
			}
			for _, c := range cases {
				if err := c.err(); err == nil || !c.check(err) {
					t.Errorf("%s: %v", c.name, err)
				}
			}
			if after := stored(t, env); after != before {
				t.Errorf("refused messages stored something: %v → %v", before, after)
			}
			// HTML and script are kept as the text they are.
			script := `<script>alert("hi")</script> <b>bold</b>`
			_, m, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher.User.ID}, app.MessageDraft{Text: script})
			must(t, err)
			if m.Body != script {
				t.Errorf("the message was changed: %q", m.Body)
			}
			// A flood: the 31st message in a minute is refused, saying why. A
			// minute passes first, so what the teacher sent above (the
			// announcement) does not count.
			later := a.Now().Add(2 * time.Minute)
			a.SetClock(func() time.Time { return later })
			conv, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.parent.User.ID}, app.MessageDraft{Text: "1"})
			must(t, err)
			for i := 2; i <= app.DefaultMessagesPerMinute; i++ {
				_, err := a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "again"})
				must(t, err)
			}
			n := count(t, env, `SELECT count(*) FROM messages`)
			_, err = a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "one too many"})
			var rl *app.RateLimitError
			if !errors.As(err, &rl) || rl.Key != "message.too_many" || rl.RetryAfter <= 0 {
				t.Errorf("the flood: %v", err)
			}
			if count(t, env, `SELECT count(*) FROM messages`) != n {
				t.Error("the refused message was stored")
			}
		})
	}
}

func signUpTeacher(t *testing.T, env *testenv.Env, email string) string {
	t.Helper()
	_, u, err := env.App.SignUp(t.Context(), app.Signup{Kind: store.KindTeacher, Title: "Mx.", FirstName: "Lee", LastName: "Loner",
		Email: email, Password: "a long enough password", Language: "en", Session: "api"})
	must(t, err)
	must(t, store.MarkEmailVerified(t.Context(), env.DB.W, u.ID, env.App.Now()))
	return email
}

// A teacher blocks a parent, who then cannot write to them; the school's
// leaders see the block and lift it. A custody block takes the
// conversations about the child away from the parent.
func TestMessageBlocksAndCustody(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			conv, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher.User.ID}, app.MessageDraft{Text: "Hello"})
			must(t, err)
			b, err := a.BlockParent(ctx, w.teacher, w.schoolID, w.parent.User.ID, "Messages at midnight")
			must(t, err)
			if _, err := a.BlockParent(ctx, w.teacher, w.schoolID, w.parent.User.ID, ""); !errors.Is(err, app.ErrConflict) {
				t.Errorf("blocking twice: %v", err)
			}
			if _, err := a.BlockParent(ctx, w.teacher, w.schoolID, w.teacher2.User.ID, ""); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("blocking a colleague as a parent: %v", err)
			}
			before := count(t, env, `SELECT count(*) FROM messages`)
			if _, err := a.SendMessage(ctx, w.parent, conv.ID, app.MessageDraft{Text: "Are you there?"}); refusedKey(t, err) != "message.blocked" || !errors.Is(errors.Unwrap(err), nil) && false {
				t.Errorf("a blocked parent writes: %v", err)
			}
			if _, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher.User.ID}, app.MessageDraft{Text: "x"}); refusedKey(t, err) != "message.blocked" {
				t.Errorf("a blocked parent starts again: %v", err)
			}
			if count(t, env, `SELECT count(*) FROM messages`) != before {
				t.Error("a blocked parent's message was stored")
			}
			view, err := a.OpenConversation(ctx, w.parent, conv.ID, 0, 50)
			must(t, err)
			if view.CanWrite || !view.Blocked {
				t.Errorf("the blocked parent's view: can write %v, blocked %v", view.CanWrite, view.Blocked)
			}
			if _, err := a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "I will answer tomorrow."}); err != nil {
				t.Errorf("the teacher who blocked cannot write: %v", err)
			}
			// Helen still writes to Elena's teacher.
			if _, _, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.elena.ID, To: w.teacher2.User.ID}, app.MessageDraft{Text: "Hi"}); err != nil {
				t.Errorf("the block reaches another teacher: %v", err)
			}
			blocks, err := a.MessageBlocks(ctx, w.leader, w.schoolID)
			must(t, err)
			if len(blocks) != 1 || blocks[0].ID != b.ID || blocks[0].Reason != "Messages at midnight" {
				t.Errorf("the leader's list: %+v", blocks)
			}
			if _, err := a.MessageBlocks(ctx, w.teacher, w.schoolID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a teacher lists the school's blocks: %v", err)
			}
			if err := a.LiftMessageBlock(ctx, w.teacher2, b.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another teacher lifts it: %v", err)
			}
			must(t, a.LiftMessageBlock(ctx, w.leader, b.ID))
			if _, err := a.SendMessage(ctx, w.parent, conv.ID, app.MessageDraft{Text: "Thank you"}); err != nil {
				t.Errorf("after the block was lifted: %v", err)
			}
			// A custody block on Helen for Ava: the conversation about Ava goes.
			_, err = a.BlockGuardian(ctx, w.leader, w.ava.ID, app.BlockInput{GuardianID: w.parent.User.ID, Reason: "court_order"})
			must(t, err)
			helen := w.refresh(t, demo.ParentEmail)
			if _, err := a.OpenConversation(ctx, helen, conv.ID, 0, 50); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a custody-blocked parent opens the conversation about the child: %v", err)
			}
			inbox, err := a.Inbox(ctx, helen, "", 50)
			must(t, err)
			for _, it := range inbox.Items {
				if it.ID == conv.ID {
					t.Error("the conversation about Ava is still in Helen's inbox")
				}
			}
			if _, err := a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "For the record"}); err != nil {
				t.Fatal(err)
			}
			if n := unread(t, a, helen); n != 0 {
				t.Errorf("unread counts a conversation Helen may no longer see: %d", n)
			}
			if _, _, err := a.StartConversation(ctx, w.teacher, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: helen.User.ID}, app.MessageDraft{Text: "x"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("the teacher writes to a parent cut from the child: %v", err)
			}
		})
	}
}

// A correction within five minutes is marked and keeps the original; later
// it is refused, and no one else corrects it.
func TestMessageEdit(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "the edit window is decided in app; its SQL runs on both engines in TestMessagesBetweenTeacherAndParent"))
	w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
	start := time.Date(2030, 3, 6, 10, 0, 0, 0, time.UTC)
	at(env, start)
	_, m, err := a.StartConversation(ctx, w.parent, app.NewConversation{SchoolID: w.schoolID, StudentID: w.ava.ID, To: w.teacher.User.ID}, app.MessageDraft{Text: "See you on Thrusday"})
	must(t, err)
	if _, err := a.EditMessage(ctx, w.teacher, m.ID, "Changed"); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("the other person corrects it: %v", err)
	}
	at(env, start.Add(4*time.Minute))
	e, err := a.EditMessage(ctx, w.parent, m.ID, "See you on Thursday")
	must(t, err)
	if e.Body != "See you on Thursday" || e.EditedAt == nil || e.OriginalBody == nil || *e.OriginalBody != "See you on Thrusday" {
		t.Errorf("after the correction: %+v", e)
	}
	e, err = a.EditMessage(ctx, w.parent, m.ID, "See you on Thursday at four")
	must(t, err)
	if *e.OriginalBody != "See you on Thrusday" {
		t.Errorf("a second correction lost the original: %q", *e.OriginalBody)
	}
	at(env, start.Add(6*time.Minute))
	if _, err := a.EditMessage(ctx, w.parent, m.ID, "Too late"); refusedKey(t, err) != "message.edit_too_late" {
		t.Errorf("a correction after five minutes: %v", err)
	}
	view, err := a.OpenConversation(ctx, w.parent, m.ConversationID, 0, 50)
	must(t, err)
	if view.Messages[0].CanEdit || view.Messages[0].Body != "See you on Thursday at four" {
		t.Errorf("after the window: %+v", view.Messages[0])
	}
}
