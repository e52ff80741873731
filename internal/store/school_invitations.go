package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Kinds of invitation.
const (
	InviteTeacher = "teacher"
	InviteParent  = "parent"
)

// Invitation is a link sent to a teacher or a parent to join a school (a
// parent: to follow one student). Only the hash of its secret is kept.
type Invitation struct {
	ID         int64
	SchoolID   int64
	TokenHash  string
	Kind       string
	StudentID  int64 // parent invitations only
	Email      string
	Phone      string // E.164; exactly one of Email and Phone is set
	Language   string
	InvitedBy  int64 // 0 once the sender's account is gone
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	AcceptedBy int64
}

// CreateInvitation inserts inv and sets its ID.
func CreateInvitation(ctx context.Context, q db.Querier, inv *Invitation) error {
	err := q.QueryRowContext(ctx, `INSERT INTO invitations (school_id, token_hash, kind, student_id, email, phone, language, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		inv.SchoolID, inv.TokenHash, inv.Kind, nullID(inv.StudentID), nullString(inv.Email), nullString(inv.Phone),
		inv.Language, nullID(inv.InvitedBy), inv.CreatedAt, inv.ExpiresAt).Scan(&inv.ID)
	return db.MapError(err)
}

// InvitationByToken finds an invitation by its secret's hash, used or
// expired or not: the caller says which it is.
func InvitationByToken(ctx context.Context, q db.Querier, hash string) (*Invitation, error) {
	var inv Invitation
	var student, by, acceptedBy sql.NullInt64
	var email, phone sql.NullString
	var accepted sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT id, school_id, token_hash, kind, student_id, email, phone, language, invited_by,
			created_at, expires_at, accepted_at, accepted_by
		FROM invitations WHERE token_hash = $1`, hash).Scan(&inv.ID, &inv.SchoolID, &inv.TokenHash, &inv.Kind, &student,
		&email, &phone, &inv.Language, &by, &inv.CreatedAt, &inv.ExpiresAt, &accepted, &acceptedBy)
	if err != nil {
		return nil, db.MapError(err)
	}
	inv.StudentID, inv.InvitedBy, inv.AcceptedBy = student.Int64, by.Int64, acceptedBy.Int64
	inv.Email, inv.Phone, inv.AcceptedAt = email.String, phone.String, timePtr(accepted)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	return &inv, nil
}

// UseInvitation marks an invitation accepted by userID, if it is still
// open at now; it reports false when it was used or had expired, so two
// people racing for one link cannot both have it.
func UseInvitation(ctx context.Context, q db.Querier, id, userID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1, accepted_by = $2
		WHERE id = $3 AND accepted_at IS NULL AND expires_at > $1`, now, userID, id)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, db.MapError(err)
}

// InviteWindow counts invitations sent since a moment, for rate limits.
type InviteWindow struct {
	Count  int
	Oldest time.Time // the oldest counted, zero when Count is 0
}

// InvitationsSince counts the invitations sent by a person (bySender) or
// for a school since a moment; sms limits the count to text messages.
func InvitationsSince(ctx context.Context, q db.Querier, bySender bool, id int64, since time.Time, sms bool) (InviteWindow, error) {
	col := "school_id"
	if bySender {
		col = "invited_by"
	}
	where := ` FROM invitations WHERE ` + col + ` = $1 AND created_at > $2`
	if sms {
		where += ` AND phone IS NOT NULL`
	}
	var w InviteWindow
	if err := q.QueryRowContext(ctx, `SELECT count(*)`+where, id, since).Scan(&w.Count); err != nil || w.Count == 0 {
		return w, db.MapError(err)
	}
	// The oldest time is read as a column, not min(): SQLite gives an
	// aggregate no declared type, so it would come back as text.
	err := q.QueryRowContext(ctx, `SELECT created_at`+where+` ORDER BY created_at LIMIT 1`, id, since).Scan(&w.Oldest)
	w.Oldest = w.Oldest.UTC()
	return w, db.MapError(err)
}
