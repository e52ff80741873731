package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// MergeCounts says what a merge of two student profiles moved, so the
// caller can report (and later audit-log) it.
type MergeCounts struct {
	Points      int
	Attendance  int
	Enrollments int
	Guardians   int
	LoginLinks  int
	Consents    int
	Corrections int // families' correction requests about the records
	// AttendanceOverlaps are days both profiles had a record in the same
	// class; the more recently recorded one was kept.
	AttendanceOverlaps int
	// SharedClasses are classes both profiles were on the roster of; the
	// kept profile's enrollment stays, current if either was.
	SharedClasses int
	// SharedGuardians are parents connected to both profiles.
	SharedGuardians int
}

// StudentTables are the tables whose student_id a merge knows how to
// move. A table added later that refers to students must be added here
// (and to MoveStudentRecords); until then a merge that would lose its
// rows is refused rather than silently cascading them away.
var StudentTables = []string{"class_students", "guardians", "points", "attendance", "login_links", "corrections", "guardian_blocks", "processing_restrictions",
	"portfolio_items", "portfolio_activity_students", "notifications", "notification_fanouts",
	"invitations", "guardian_email_blocks", "story_tags", "conversations"}

// MoveStudentRecords moves everything recorded about student drop onto
// student keep, inside the caller's transaction. Rows that would collide
// (the same class, day or parent on both profiles) are folded into the
// kept profile's row. It does not delete drop.
func MoveStudentRecords(ctx context.Context, q db.Querier, keep, drop *Student) (MergeCounts, error) {
	var c MergeCounts
	var err error
	exec := func(n *int, query string, args ...any) {
		if err != nil {
			return
		}
		var res sql.Result
		res, err = q.ExecContext(ctx, query, args...)
		if err != nil {
			err = db.MapError(err)
			return
		}
		if n != nil {
			rows, rerr := res.RowsAffected()
			*n += int(rows)
			err = rerr
		}
	}
	k, d := keep.ID, drop.ID
	exec(&c.Points, `UPDATE points SET student_id = $1 WHERE student_id = $2`, k, d)
	exec(&c.LoginLinks, `UPDATE login_links SET student_id = $1 WHERE student_id = $2`, k, d)
	// A correction request names a record by its key, and the records move
	// too, so the request stays true.
	exec(&c.Corrections, `UPDATE corrections SET student_id = $1 WHERE student_id = $2`, k, d)

	// Attendance: where both have a record for one class and day, the one
	// recorded last is the teacher's latest word.
	exec(nil, `UPDATE attendance SET (status, recorded_by, recorded_at) = (
			SELECT o.status, o.recorded_by, o.recorded_at FROM attendance o
			WHERE o.student_id = $2 AND o.class_id = attendance.class_id AND o.day = attendance.day)
		WHERE student_id = $1 AND EXISTS (SELECT 1 FROM attendance o
			WHERE o.student_id = $2 AND o.class_id = attendance.class_id AND o.day = attendance.day AND o.recorded_at > attendance.recorded_at)`, k, d)
	exec(&c.Attendance, `UPDATE attendance SET student_id = $1 WHERE student_id = $2 AND NOT EXISTS (
		SELECT 1 FROM attendance o WHERE o.student_id = $1 AND o.class_id = attendance.class_id AND o.day = attendance.day)`, k, d)
	exec(&c.AttendanceOverlaps, `DELETE FROM attendance WHERE student_id = $1`, d)

	exec(&c.Guardians, `UPDATE guardians SET student_id = $1 WHERE student_id = $2 AND NOT EXISTS (
		SELECT 1 FROM guardians o WHERE o.student_id = $1 AND o.user_id = guardians.user_id)`, k, d)
	exec(&c.SharedGuardians, `DELETE FROM guardians WHERE student_id = $1`, d)
	// Custody blocks follow the child: a parent blocked from either
	// profile is blocked from the merged one, and loses a link the other
	// profile gave them. A block both profiles hold is kept once.
	exec(nil, `UPDATE guardian_blocks SET student_id = $1 WHERE student_id = $2 AND NOT (lifted_at IS NULL AND EXISTS (
		SELECT 1 FROM guardian_blocks o WHERE o.student_id = $1 AND o.guardian_user_id = guardian_blocks.guardian_user_id AND o.lifted_at IS NULL))`, k, d)
	exec(nil, `DELETE FROM guardian_blocks WHERE student_id = $1`, d)
	exec(nil, `DELETE FROM guardians WHERE student_id = $1 AND EXISTS (SELECT 1 FROM guardian_blocks b
		WHERE b.student_id = $1 AND b.guardian_user_id = guardians.user_id AND b.lifted_at IS NULL)`, k)
	// A restriction of processing follows the child too: where both
	// profiles have one open on the same ground, the kept one stands.
	exec(nil, `UPDATE processing_restrictions SET student_id = $1 WHERE student_id = $2 AND NOT (closed_at IS NULL AND EXISTS (
		SELECT 1 FROM processing_restrictions o WHERE o.student_id = $1 AND o.ground = processing_restrictions.ground AND o.closed_at IS NULL))`, k, d)
	exec(nil, `DELETE FROM processing_restrictions WHERE student_id = $1`, d)
	// The child's portfolio, the activities set for them and what their
	// parents were told follow the child; an activity set for both
	// profiles is set once.
	exec(nil, `UPDATE portfolio_items SET student_id = $1 WHERE student_id = $2`, k, d)
	exec(nil, `UPDATE portfolio_activity_students SET student_id = $1 WHERE student_id = $2 AND NOT EXISTS (
		SELECT 1 FROM portfolio_activity_students o WHERE o.student_id = $1 AND o.activity_id = portfolio_activity_students.activity_id)`, k, d)
	exec(nil, `DELETE FROM portfolio_activity_students WHERE student_id = $1`, d)
	exec(nil, `UPDATE notifications SET student_id = $1 WHERE student_id = $2`, k, d)
	exec(nil, `UPDATE notification_fanouts SET student_id = $1 WHERE student_id = $2`, k, d)
	// Invitations to connect a parent, and addresses blocked from the
	// child (an active block on both profiles is kept once).
	exec(nil, `UPDATE invitations SET student_id = $1 WHERE student_id = $2`, k, d)
	exec(nil, `UPDATE guardian_email_blocks SET student_id = $1 WHERE student_id = $2 AND NOT (lifted_at IS NULL AND EXISTS (
		SELECT 1 FROM guardian_email_blocks o WHERE o.student_id = $1 AND o.email = guardian_email_blocks.email AND o.lifted_at IS NULL))`, k, d)
	exec(nil, `DELETE FROM guardian_email_blocks WHERE student_id = $1`, d)
	// Story photos the child is tagged in (a photo tagging both, once).
	exec(nil, `UPDATE story_tags SET student_id = $1 WHERE student_id = $2 AND NOT EXISTS (
		SELECT 1 FROM story_tags o WHERE o.student_id = $1 AND o.attachment_id = story_tags.attachment_id)`, k, d)
	exec(nil, `DELETE FROM story_tags WHERE student_id = $1`, d)
	// Conversations about the child, and the child's own with a teacher:
	// the removed profile's account hands its place, its messages and
	// its reads to the kept one's (a conversation both were in, once).
	exec(nil, `UPDATE conversations SET student_id = $1 WHERE student_id = $2`, k, d)
	if keep.UserID != 0 && drop.UserID != 0 {
		ku, du := keep.UserID, drop.UserID
		exec(nil, `UPDATE conversation_members SET user_id = $1 WHERE user_id = $2 AND NOT EXISTS (
			SELECT 1 FROM conversation_members o WHERE o.user_id = $1 AND o.conversation_id = conversation_members.conversation_id)`, ku, du)
		exec(nil, `UPDATE messages SET sender_id = $1 WHERE sender_id = $2`, ku, du)
		exec(nil, `UPDATE message_reads SET user_id = $1 WHERE user_id = $2 AND NOT EXISTS (
			SELECT 1 FROM message_reads o WHERE o.user_id = $1 AND o.message_id = message_reads.message_id)`, ku, du)
	}
	// One child: if the school recorded either profile as an eligible
	// student, the merged one is.
	exec(nil, `UPDATE students SET eligible_since = (SELECT o.eligible_since FROM students o WHERE o.id = $2)
		WHERE id = $1 AND eligible_since IS NULL`, k, d)
	if err != nil {
		return c, err
	}
	if err := mergeEnrollments(ctx, q, k, d, &c); err != nil {
		return c, err
	}
	// A consent about (or given by) the child's removed account now
	// concerns the account that stays. The consent ledger allows exactly
	// this change of its account links.
	exec(&c.Consents, `UPDATE consents SET subject_user_id = $1 WHERE subject_user_id = $2`, keep.UserID, drop.UserID)
	exec(nil, `UPDATE consents SET grantor_user_id = $1 WHERE grantor_user_id = $2`, keep.UserID, drop.UserID)
	// The kept profile is current if either was.
	if drop.LeftAt == nil {
		exec(nil, `UPDATE students SET left_at = NULL WHERE id = $1`, k)
	}
	return c, err
}

// mergeEnrollments moves roster rows; in a class both were on, the kept
// row spans both (earliest start, current if either is).
func mergeEnrollments(ctx context.Context, q db.Querier, k, d int64, c *MergeCounts) error {
	type row struct {
		classID int64
		added   time.Time
		removed sql.NullTime
	}
	read := func(studentID int64) (map[int64]row, error) {
		rows, err := q.QueryContext(ctx, `SELECT class_id, added_at, removed_at FROM class_students WHERE student_id = $1`, studentID)
		if err != nil {
			return nil, db.MapError(err)
		}
		defer rows.Close()
		out := map[int64]row{}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.classID, &r.added, &r.removed); err != nil {
				return nil, db.MapError(err)
			}
			out[r.classID] = r
		}
		return out, db.MapError(rows.Err())
	}
	kept, err := read(k)
	if err != nil {
		return err
	}
	dropped, err := read(d)
	if err != nil {
		return err
	}
	for classID, dr := range dropped {
		kr, both := kept[classID]
		if !both {
			if _, err := q.ExecContext(ctx, `UPDATE class_students SET student_id = $1 WHERE class_id = $2 AND student_id = $3`, k, classID, d); err != nil {
				return db.MapError(err)
			}
			c.Enrollments++
			continue
		}
		added := kr.added
		if dr.added.Before(added) {
			added = dr.added
		}
		removed := sql.NullTime{}
		if kr.removed.Valid && dr.removed.Valid {
			removed = kr.removed
			if dr.removed.Time.After(removed.Time) {
				removed = dr.removed
			}
		}
		if _, err := q.ExecContext(ctx, `UPDATE class_students SET added_at = $1, removed_at = $2 WHERE class_id = $3 AND student_id = $4`,
			added, removed, classID, k); err != nil {
			return db.MapError(err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM class_students WHERE class_id = $1 AND student_id = $2`, classID, d); err != nil {
			return db.MapError(err)
		}
		c.SharedClasses++
	}
	return nil
}

// CountRows counts a table's rows whose column equals id. The table and
// column must come from the live schema (db.Columns), never from input.
func CountRows(ctx context.Context, q db.Querier, table, column string, id int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM "`+table+`" WHERE "`+column+`" = $1`, id).Scan(&n)
	return n, db.MapError(err)
}

// DeleteStudentAndAccount removes a student profile and its user account
// (sessions, tokens and the like go with the account).
func DeleteStudentAndAccount(ctx context.Context, q db.Querier, s *Student) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM students WHERE id = $1`, s.ID); err != nil {
		return db.MapError(err)
	}
	_, err := q.ExecContext(ctx, `DELETE FROM users WHERE id = $1 AND kind = 'student'`, s.UserID)
	return db.MapError(err)
}
