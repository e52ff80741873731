package app_test

import (
	"errors"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// Teacher ↔ student messages, on both engines: off by default, then below
// the school's grade, refused with a clear reason and nothing stored; the
// class's teacher starts one, the student answers, the parent reads along
// and cannot write; the student starts nothing; another class's teacher
// does not find the student; turned off, the conversation is read-only.
func TestMessageStudents(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w, a, ctx := newStoryWorld(t, env), env.App, t.Context()
			ava := w.ava
			if w.student.Actor.StudentID != ava.ID {
				t.Fatalf("the demo student is not Ava")
			}
			toAva := app.NewConversation{SchoolID: w.schoolID, StudentID: ava.ID, To: ava.UserID}
			hi := app.MessageDraft{Text: "How is the volcano project going?"}
			before := stored(t, env)
			set := func(enabled bool, min int) {
				t.Helper()
				cur, err := a.MessageSettings(ctx, w.leader, w.schoolID)
				must(t, err)
				cur.StudentsEnabled, cur.StudentsMinGrade = enabled, min
				must(t, a.SetMessageSettings(ctx, w.leader, w.schoolID, cur))
			}
			grade := func(class int64, g int) {
				t.Helper()
				must(t, a.SetClassGrade(ctx, w.leader, w.schoolID, class, &g))
			}

			// Off by default.
			if s, err := a.MessageSettings(ctx, w.leader, w.schoolID); err != nil || s.StudentsEnabled || s.StudentsMinGrade != store.DefaultStudentsMinGrade {
				t.Fatalf("default settings: %+v, %v", s, err)
			}
			if _, _, err := a.StartConversation(ctx, w.teacher, toAva, hi); refusedKey(t, err) != "message.students_off" || !errors.Is(err, app.ErrForbidden) {
				t.Fatalf("off: %v", err)
			}
			// On from grade 5; Ava's class has no grade, then grade 4.
			set(true, 5)
			if _, _, err := a.StartConversation(ctx, w.teacher, toAva, hi); refusedKey(t, err) != "message.students_grade" {
				t.Fatalf("no grade: %v", err)
			}
			grade(w.class3, 4)
			if _, _, err := a.StartConversation(ctx, w.teacher, toAva, hi); refusedKey(t, err) != "message.students_grade" {
				t.Fatalf("below the grade: %v", err)
			}
			// A leader sets no grade out of range, nor another school's class.
			bad := 13
			if err := a.SetClassGrade(ctx, w.leader, w.schoolID, w.class3, &bad); fieldKey(t, err, "grade") != "message.grade_range" {
				t.Fatalf("grade 13: %v", err)
			}
			if err := a.SetClassGrade(ctx, w.teacher, w.schoolID, w.class3, &bad); !errors.Is(err, app.ErrForbidden) {
				t.Fatalf("a teacher sets a grade: %v", err)
			}
			grade(w.class3, 5)
			grade(w.class4, 5)
			// Another class's teacher does not find Ava; a student starts
			// nothing, not with their teacher, not with a parent.
			if _, _, err := a.StartConversation(ctx, w.teacher2, toAva, hi); !errors.Is(err, app.ErrNotFound) {
				t.Fatalf("another class's teacher: %v", err)
			}
			for _, to := range []int64{w.teacher.User.ID, w.parent.User.ID, w.mayaParent.User.ID} {
				if _, _, err := a.StartConversation(ctx, w.student, app.NewConversation{SchoolID: w.schoolID, StudentID: ava.ID, To: to}, hi); refusedKey(t, err) != "message.students_cannot_start" {
					t.Fatalf("student starts with %d: %v", to, err)
				}
			}
			if after := stored(t, env); after != before {
				t.Fatalf("refusals stored something: %v → %v", before, after)
			}
			// The composer: the teacher finds Ava, teacher 2 only their own class's students.
			hasAva := func(s *app.Session) bool {
				list, err := a.Contacts(ctx, s)
				must(t, err)
				for _, c := range list {
					if c.UserID == ava.UserID && c.Kind == store.KindStudent {
						return true
					}
				}
				return false
			}
			if !hasAva(w.teacher) || hasAva(w.teacher2) || hasAva(w.parent) {
				t.Fatal("contacts: only Ava's teacher lists her")
			}
			if ok, _ := a.HasConversations(ctx, w.student); ok {
				t.Fatal("the student has a conversation before any")
			}

			conv, _, err := a.StartConversation(ctx, w.teacher, toAva, hi)
			must(t, err)
			if conv.Kind != store.ConvStudent || conv.StudentID != ava.ID {
				t.Fatalf("conversation %+v", conv)
			}
			// Writing again opens the same conversation.
			again, _, err := a.StartConversation(ctx, w.teacher, toAva, app.MessageDraft{Text: "And the poster?"})
			must(t, err)
			if again.ID != conv.ID {
				t.Fatalf("a second conversation %d, want %d", again.ID, conv.ID)
			}
			if ok, _ := a.HasConversations(ctx, w.student); !ok {
				t.Fatal("the student's conversation is not found")
			}
			if n, err := a.UnreadMessages(ctx, w.student); err != nil || n != 2 {
				t.Fatalf("student unread %d, %v", n, err)
			}
			sv, err := a.OpenConversation(ctx, w.student, conv.ID, 0, 50)
			must(t, err)
			if !sv.CanWrite || len(sv.Messages) != 2 || len(sv.ReadingAlong) != 1 || sv.ReadingAlong[0].UserID != w.parent.User.ID {
				t.Fatalf("student's view: write %v, %d messages, reading along %+v", sv.CanWrite, len(sv.Messages), sv.ReadingAlong)
			}
			if _, err := a.SendMessage(ctx, w.student, conv.ID, app.MessageDraft{Text: "We finished the lava!"}); err != nil {
				t.Fatalf("student replies: %v", err)
			}
			// The parent reads every message and writes none.
			if n, err := a.UnreadMessages(ctx, w.parent); err != nil || n < 3 {
				t.Fatalf("parent unread %d, %v", n, err)
			}
			pv, err := a.OpenConversation(ctx, w.parent, conv.ID, 0, 50)
			must(t, err)
			if pv.CanWrite || !pv.Observer || len(pv.Messages) != 3 || pv.Messages[2].SenderKind != store.KindStudent {
				t.Fatalf("parent's view: write %v, observer %v, %d messages", pv.CanWrite, pv.Observer, len(pv.Messages))
			}
			if _, err := a.SendMessage(ctx, w.parent, conv.ID, app.MessageDraft{Text: "Hello!"}); refusedKey(t, err) != "message.reading_along" {
				t.Fatalf("parent writes: %v", err)
			}
			inbox, err := a.Inbox(ctx, w.parent, "", 50)
			must(t, err)
			found := false
			for _, it := range inbox.Items {
				found = found || it.ID == conv.ID
			}
			if !found {
				t.Fatal("the parent's inbox leaves out their child's conversation")
			}
			// No one else sees it: another class's teacher and parent.
			for _, s := range []*app.Session{w.teacher2, w.mayaParent} {
				if _, err := a.OpenConversation(ctx, s, conv.ID, 0, 50); !errors.Is(err, app.ErrNotFound) {
					t.Fatalf("outsider opens it: %v", err)
				}
			}

			// Turned off: still readable, no one writes.
			set(false, 5)
			for _, s := range []*app.Session{w.teacher, w.student} {
				if _, err := a.SendMessage(ctx, s, conv.ID, app.MessageDraft{Text: "One more"}); refusedKey(t, err) != "message.students_read_only" {
					t.Fatalf("writes after off: %v", err)
				}
				v, err := a.OpenConversation(ctx, s, conv.ID, 0, 50)
				must(t, err)
				if v.CanWrite || !v.ReadOnly || len(v.Messages) != 3 {
					t.Fatalf("view after off: write %v, read-only %v, %d messages", v.CanWrite, v.ReadOnly, len(v.Messages))
				}
			}
			if _, _, err := a.StartConversation(ctx, w.teacher, toAva, hi); refusedKey(t, err) != "message.students_off" {
				t.Fatalf("start after off: %v", err)
			}
			// On again but with a higher grade: read-only for a grade-5 student.
			set(true, 6)
			if _, err := a.SendMessage(ctx, w.teacher, conv.ID, app.MessageDraft{Text: "One more"}); refusedKey(t, err) != "message.students_read_only" {
				t.Fatalf("writes below the new grade: %v", err)
			}
			if n := count(t, env, `SELECT count(*) FROM messages WHERE conversation_id = $1`, conv.ID); n != 3 {
				t.Fatalf("%d messages stored, want 3", n)
			}
		})
	}
}
