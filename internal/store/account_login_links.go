package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// ReplaceLoginLink stores a student's new login-card link, dropping the
// old ones (a reprinted card replaces a lost one).
func ReplaceLoginLink(ctx context.Context, q db.Querier, schoolID, studentID, createdBy int64, hash string, now, expires time.Time) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM login_links WHERE student_id = $1`, studentID); err != nil {
		return db.MapError(err)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO login_links (id, school_id, student_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		hash, schoolID, studentID, nullID(createdBy), now, expires)
	return db.MapError(err)
}

// StudentByLoginLink returns the student whose live link has this hash.
func StudentByLoginLink(ctx context.Context, q db.Querier, hash string, now time.Time) (*Student, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT student_id FROM login_links WHERE id = $1 AND expires_at > $2`, hash, now).Scan(&id)
	if err != nil {
		return nil, db.MapError(err)
	}
	return StudentByID(ctx, q, id)
}
