package app_test

import (
	"io"
	"testing"
)

// touchMessages gives the privacy fixture its messages: the parent writes
// to the teacher about the student and corrects a typo, the teacher answers
// with a file, both read; the teacher announces a trip to the class; the
// teacher blocked the parent once (the leader lifted it), the parent
// reported a message (the leader dealt with it), and the teacher has quiet
// hours. Every message table then holds a row about one of the fixture's
// people, for the export, erasure and retention tests.
func touchMessages(t *testing.T, f *family) {
	t.Helper()
	w, now := f.env.DB.W, f.env.App.Now()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(f.ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	id := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		must(t, w.QueryRowContext(f.ctx, q, args...).Scan(&n))
		return n
	}
	fw, err := f.env.Files.Create("message/fixture-file")
	must(t, err)
	_, err = io.WriteString(fw, "a worksheet about ponds")
	must(t, err)
	must(t, fw.Close())

	conv := id(`INSERT INTO conversations (school_id, kind, student_id, created_by, created_at, last_message_at) VALUES ($1, 'direct', $2, $3, $4, $4) RETURNING id`,
		f.schoolID, f.studentID, f.parentID, now)
	for _, u := range []int64{f.parentID, f.teacherID} {
		exec(`INSERT INTO conversation_members (school_id, conversation_id, user_id, role, joined_at, last_read_id, read_at, active_at) VALUES ($1, $2, $3, 'member', $4, 0, $4, $4)`,
			f.schoolID, conv, u, now)
	}
	ask := id(`INSERT INTO messages (school_id, conversation_id, sender_id, sender_kind, body, created_at, edited_at, original_body)
		VALUES ($1, $2, $3, 'parent', 'Could we meet on Thursday?', $4, $4, 'Could we meat on Thursday?') RETURNING id`, f.schoolID, conv, f.parentID, now)
	answer := id(`INSERT INTO messages (school_id, conversation_id, sender_id, sender_kind, body, created_at) VALUES ($1, $2, $3, 'teacher', 'Yes, at four. Here is the worksheet.', $4) RETURNING id`,
		f.schoolID, conv, f.teacherID, now)
	exec(`UPDATE conversations SET last_message_id = $1 WHERE id = $2`, answer, conv)
	exec(`UPDATE conversation_members SET last_read_id = $1 WHERE conversation_id = $2`, answer, conv)
	exec(`INSERT INTO message_reads (school_id, message_id, user_id, read_at) VALUES ($1, $2, $3, $4), ($1, $5, $6, $4)`,
		f.schoolID, ask, f.teacherID, now, answer, f.parentID)
	exec(`INSERT INTO message_attachments (school_id, message_id, public_id, kind, name, content_type, size, file_key, created_at)
		VALUES ($1, $2, 'fixture-msg-file', 'file', 'ponds.pdf', 'application/pdf', 23, 'message/fixture-file', $3)`, f.schoolID, answer, now)

	ann := id(`INSERT INTO conversations (school_id, kind, audience, class_id, created_by, subject, created_at, last_message_at)
		VALUES ($1, 'announcement', 'class', $2, $3, 'Pond trip on Friday', $4, $4) RETURNING id`, f.schoolID, f.classID, f.teacherID, now)
	exec(`INSERT INTO conversation_members (school_id, conversation_id, user_id, role, joined_at, active_at) VALUES ($1, $2, $3, 'member', $4, $4), ($1, $2, $5, 'recipient', $4, $4)`,
		f.schoolID, ann, f.teacherID, now, f.parentID)
	trip := id(`INSERT INTO messages (school_id, conversation_id, sender_id, sender_kind, body, created_at) VALUES ($1, $2, $3, 'teacher', 'Wellies, please.', $4) RETURNING id`,
		f.schoolID, ann, f.teacherID, now)
	exec(`UPDATE conversations SET last_message_id = $1 WHERE id = $2`, trip, ann)

	exec(`INSERT INTO message_blocks (school_id, blocker_id, parent_id, reason, created_at, lifted_by, lifted_at) VALUES ($1, $2, $3, 'Messages late at night', $4, $5, $4)`,
		f.schoolID, f.teacherID, f.parentID, now, f.leader.User.ID)
	exec(`INSERT INTO message_reports (school_id, message_id, reporter_id, reason, created_at, resolved_by, resolved_at) VALUES ($1, $2, $3, 'Sent to the wrong family', $4, $5, $4)`,
		f.schoolID, trip, f.parentID, now, f.leader.User.ID)
	exec(`INSERT INTO quiet_hours (user_id, enabled, starts, ends, weekends, updated_at) VALUES ($1, TRUE, 1080, 450, TRUE, $2)`, f.teacherID, now)
	exec(`INSERT INTO message_settings (school_id, parent_receipts, parents_office, updated_at) VALUES ($1, TRUE, TRUE, $2)`, f.schoolID, now)
}
