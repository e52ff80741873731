package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// ClassJoinRequest is a self-registered student asking to join a class.
type ClassJoinRequest struct {
	ID, SchoolID, ClassID, UserID int64
	FirstName                     string // the student's, for the teacher
	ClassName                     string // for the student
	CreatedAt                     time.Time
	DecidedAt                     *time.Time
	Outcome                       string // "", "approved", "declined"
}

// Join request outcomes.
const (
	JoinApproved = "approved"
	JoinDeclined = "declined"
)

// CreateClassJoinRequest records a request; an open one for the same
// student and class is ErrConflict.
func CreateClassJoinRequest(ctx context.Context, q db.Querier, r *ClassJoinRequest) error {
	err := q.QueryRowContext(ctx, `INSERT INTO class_join_requests (school_id, class_id, user_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		r.SchoolID, r.ClassID, r.UserID, r.CreatedAt).Scan(&r.ID)
	return db.MapError(err)
}

const joinSelect = `SELECT r.id, r.school_id, r.class_id, r.user_id, u.first_name, c.name, r.created_at, r.decided_at, r.outcome
	FROM class_join_requests r JOIN users u ON u.id = r.user_id JOIN classes c ON c.id = r.class_id`

func scanJoins(ctx context.Context, q db.Querier, query string, args ...any) ([]ClassJoinRequest, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []ClassJoinRequest
	for rows.Next() {
		var r ClassJoinRequest
		if err := rows.Scan(&r.ID, &r.SchoolID, &r.ClassID, &r.UserID, &r.FirstName, &r.ClassName, &r.CreatedAt, &r.DecidedAt, &r.Outcome); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, r)
	}
	return out, db.MapError(rows.Err())
}

// OpenClassJoinRequests lists a class's unanswered requests, oldest first.
func OpenClassJoinRequests(ctx context.Context, q db.Querier, classID int64) ([]ClassJoinRequest, error) {
	return scanJoins(ctx, q, joinSelect+` WHERE r.class_id = $1 AND r.decided_at IS NULL ORDER BY r.created_at, r.id`, classID)
}

// ClassJoinRequestsOf lists a student's requests, newest first.
func ClassJoinRequestsOf(ctx context.Context, q db.Querier, userID int64) ([]ClassJoinRequest, error) {
	return scanJoins(ctx, q, joinSelect+` WHERE r.user_id = $1 ORDER BY r.created_at DESC, r.id DESC`, userID)
}

// ClassJoinRequestByID returns one request.
func ClassJoinRequestByID(ctx context.Context, q db.Querier, id int64) (*ClassJoinRequest, error) {
	list, err := scanJoins(ctx, q, joinSelect+` WHERE r.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// DecideClassJoinRequest answers an open request; one answered already is
// ErrConflict.
func DecideClassJoinRequest(ctx context.Context, q db.Querier, id, by int64, outcome string, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE class_join_requests SET decided_at = $1, decided_by = $2, outcome = $3 WHERE id = $4 AND decided_at IS NULL`,
		now, by, outcome, id)
	if err != nil {
		return db.MapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return db.ErrConflict
	}
	return nil
}
