package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// HelpRequest is a request for help from anyone, logged in or not
// (app/help.go). A logged-in request has UserID and no contact of its
// own: the answer goes to the account.
type HelpRequest struct {
	ID        int64
	SchoolID  int64 // 0: about no school (the operator's)
	UserID    int64 // 0: a visitor
	Topic     string
	Body      string
	Email     string
	Phone     string
	Language  string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  *time.Time

	// Read with the request, for the inbox.
	SchoolName string
	UserName   string // the account's full name
	UserEmail  string // the account's address, where answers go
}

// HelpEvent is one entry of a request's history.
type HelpEvent struct {
	ID, RequestID int64
	Kind          string // reply, note, status
	AuthorID      int64  // 0: the operator, or an erased author
	AuthorName    string
	Body          string
	Status        string
	CreatedAt     time.Time
}

// Help request statuses and history kinds.
const (
	HelpNew      = "new"
	HelpAnswered = "answered"
	HelpClosed   = "closed"

	HelpEventReply  = "reply"
	HelpEventNote   = "note"
	HelpEventStatus = "status"
)

// CreateHelpRequest stores a new request.
func CreateHelpRequest(ctx context.Context, q db.Querier, r *HelpRequest) error {
	err := q.QueryRowContext(ctx, `INSERT INTO help_requests (school_id, user_id, topic, body, email, phone, language, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $8) RETURNING id`,
		nullID(r.SchoolID), nullID(r.UserID), r.Topic, r.Body, r.Email, r.Phone, r.Language, r.CreatedAt).Scan(&r.ID)
	r.Status, r.UpdatedAt = HelpNew, r.CreatedAt
	return db.MapError(err)
}

const helpSelect = `SELECT r.id, COALESCE(r.school_id, 0), COALESCE(r.user_id, 0), r.topic, r.body, r.email, r.phone, r.language, r.status,
	r.created_at, r.updated_at, r.closed_at, COALESCE(s.name, ''), COALESCE(u.first_name, ''), COALESCE(u.last_name, ''), COALESCE(u.email, '')
	FROM help_requests r LEFT JOIN schools s ON s.id = r.school_id LEFT JOIN users u ON u.id = r.user_id`

// helpToOperator holds for requests nobody at a school can answer: no
// school chosen, or a school with no active leader.
const helpToOperator = `(r.school_id IS NULL OR NOT EXISTS (SELECT 1 FROM school_members m
	WHERE m.school_id = r.school_id AND m.role = 'leader' AND m.status = 'active'))`

func scanHelp(ctx context.Context, q db.Querier, query string, args ...any) ([]HelpRequest, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []HelpRequest
	for rows.Next() {
		var r HelpRequest
		var first, last string
		if err := rows.Scan(&r.ID, &r.SchoolID, &r.UserID, &r.Topic, &r.Body, &r.Email, &r.Phone, &r.Language, &r.Status,
			&r.CreatedAt, &r.UpdatedAt, &r.ClosedAt, &r.SchoolName, &first, &last, &r.UserEmail); err != nil {
			return nil, db.MapError(err)
		}
		r.UserName = first
		if last != "" {
			r.UserName += " " + last
		}
		out = append(out, r)
	}
	return out, db.MapError(rows.Err())
}

// helpOrder puts waiting requests first, oldest first; then the rest,
// most recently handled first.
const helpOrder = ` ORDER BY CASE r.status WHEN 'new' THEN 0 WHEN 'answered' THEN 1 ELSE 2 END,
	CASE WHEN r.status = 'new' THEN r.created_at END, r.updated_at DESC, r.id DESC`

// HelpRequestsOfSchool lists a school's inbox; status "" means every status.
func HelpRequestsOfSchool(ctx context.Context, q db.Querier, schoolID int64, status string, limit int) ([]HelpRequest, error) {
	return scanHelp(ctx, q, helpSelect+` WHERE r.school_id = $1 AND ($2 = '' OR r.status = $2)`+helpOrder+` LIMIT $3`, schoolID, status, limit)
}

// HelpRequestsForOperator lists the requests no school's leader can answer.
func HelpRequestsForOperator(ctx context.Context, q db.Querier, status string, limit int) ([]HelpRequest, error) {
	return scanHelp(ctx, q, helpSelect+` WHERE `+helpToOperator+` AND ($1 = '' OR r.status = $1)`+helpOrder+` LIMIT $2`, status, limit)
}

// HelpRequestToOperator reports whether a request is the operator's.
func HelpRequestToOperator(ctx context.Context, q db.Querier, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM help_requests r WHERE r.id = $1 AND `+helpToOperator, id).Scan(&n)
	return n > 0, db.MapError(err)
}

// HelpRequestsOf lists a person's own requests, newest first.
func HelpRequestsOf(ctx context.Context, q db.Querier, userID int64) ([]HelpRequest, error) {
	return scanHelp(ctx, q, helpSelect+` WHERE r.user_id = $1 ORDER BY r.created_at DESC, r.id DESC`, userID)
}

// HelpRequestByID returns one request.
func HelpRequestByID(ctx context.Context, q db.Querier, id int64) (*HelpRequest, error) {
	list, err := scanHelp(ctx, q, helpSelect+` WHERE r.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// CountOpenHelpRequests counts a school's requests waiting for an answer.
func CountOpenHelpRequests(ctx context.Context, q db.Querier, schoolID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM help_requests WHERE school_id = $1 AND status = 'new'`, schoolID).Scan(&n)
	return n, db.MapError(err)
}

// SetHelpStatus changes a request's status (closing stamps closed_at,
// reopening clears it) and records the change in its history. Setting the
// status it has is ErrConflict.
func SetHelpStatus(ctx context.Context, q db.Querier, r *HelpRequest, status string, by int64, now time.Time) error {
	var closed *time.Time
	if status == HelpClosed {
		closed = &now
	}
	res, err := q.ExecContext(ctx, `UPDATE help_requests SET status = $1, closed_at = $2, updated_at = $3 WHERE id = $4 AND status <> $1`,
		status, closed, now, r.ID)
	if err != nil {
		return db.MapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return db.ErrConflict
	}
	r.Status, r.ClosedAt, r.UpdatedAt = status, closed, now
	return AddHelpEvent(ctx, q, &HelpEvent{RequestID: r.ID, Kind: HelpEventStatus, AuthorID: by, Status: status, CreatedAt: now}, r.SchoolID)
}

// TouchHelpRequest marks a request handled now (a note).
func TouchHelpRequest(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE help_requests SET updated_at = $1 WHERE id = $2`, now, id)
	return db.MapError(err)
}

// AddHelpEvent appends an entry to a request's history.
func AddHelpEvent(ctx context.Context, q db.Querier, e *HelpEvent, schoolID int64) error {
	err := q.QueryRowContext(ctx, `INSERT INTO help_request_events (request_id, school_id, kind, author_id, body, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		e.RequestID, nullID(schoolID), e.Kind, nullID(e.AuthorID), e.Body, e.Status, e.CreatedAt).Scan(&e.ID)
	return db.MapError(err)
}

// HelpEvents lists a request's history, oldest first.
func HelpEvents(ctx context.Context, q db.Querier, requestID int64) ([]HelpEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.request_id, e.kind, COALESCE(e.author_id, 0), COALESCE(u.first_name, ''), COALESCE(u.last_name, ''),
		e.body, e.status, e.created_at FROM help_request_events e LEFT JOIN users u ON u.id = e.author_id
		WHERE e.request_id = $1 ORDER BY e.created_at, e.id`, requestID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []HelpEvent
	for rows.Next() {
		var e HelpEvent
		var first, last string
		if err := rows.Scan(&e.ID, &e.RequestID, &e.Kind, &e.AuthorID, &first, &last, &e.Body, &e.Status, &e.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		e.AuthorName = first
		if last != "" {
			e.AuthorName += " " + last
		}
		out = append(out, e)
	}
	return out, db.MapError(rows.Err())
}
