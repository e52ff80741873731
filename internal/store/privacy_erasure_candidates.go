package store

import (
	"context"
	"database/sql"

	"cubby/internal/db"
)

// A student has left the school when they are in no class this year: on
// no current roster of a class that is not archived, or marked as having
// left (an erasure asked for marks it). Only they may be erased by their
// school; a current student never is, whatever a form sends.

// currentStudent holds for a student s who is still at the school.
const currentStudent = `(s.left_at IS NULL AND EXISTS (SELECT 1 FROM class_students cs JOIN classes c ON c.id = cs.class_id
	WHERE cs.student_id = s.id AND cs.removed_at IS NULL AND c.archived_at IS NULL))`

// StudentIsCurrent reports whether a student is still at the school (in a
// class this year and not marked as having left).
func StudentIsCurrent(ctx context.Context, q db.Querier, studentID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM students s WHERE s.id = $1 AND `+currentStudent, studentID).Scan(&n)
	return n > 0, db.MapError(err)
}

// ErasureCandidate is a student a leader may ask to erase, with the
// erasure already asked for, if any.
type ErasureCandidate struct {
	Student
	Pending *Erasure
}

// ErasureCandidates lists a school's students who left, by name, each with
// their pending erasure: one query, whatever the size of the school.
func ErasureCandidates(ctx context.Context, q db.Querier, schoolID int64) ([]ErasureCandidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.school_id, s.user_id, u.first_name, u.last_name, u.username, s.parent_code, s.created_at, s.left_at,
			e.id, e.reason, e.requested_by, e.requested_at, e.due_at
		FROM students s JOIN users u ON u.id = s.user_id
		LEFT JOIN erasures e ON e.id = (SELECT max(p.id) FROM erasures p WHERE p.user_id = s.user_id AND p.erased_at IS NULL)
		WHERE s.school_id = $1 AND NOT `+currentStudent+`
		ORDER BY u.first_name, u.last_name, s.id`, schoolID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []ErasureCandidate
	for rows.Next() {
		var c ErasureCandidate
		var username, reason sql.NullString
		var left, requested, due sql.NullTime
		var eid, by sql.NullInt64
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.UserID, &c.FirstName, &c.LastName, &username, &c.ParentCode, &c.CreatedAt, &left,
			&eid, &reason, &by, &requested, &due); err != nil {
			return nil, db.MapError(err)
		}
		c.Username, c.LeftAt = username.String, timePtr(left)
		if eid.Valid {
			c.Pending = &Erasure{ID: eid.Int64, UserID: c.UserID, Reason: reason.String, RequestedBy: by.Int64,
				RequestedAt: requested.Time.UTC(), DueAt: due.Time.UTC()}
		}
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}
