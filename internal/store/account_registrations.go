package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// StudentRegistration is a child's self-registration waiting for a parent.
type StudentRegistration struct {
	ID          int64
	TokenHash   string
	FirstName   string
	ParentEmail string
	Language    string
	Country     string
	ConsentAge  int
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// CreateStudentRegistration stores a pending registration.
func CreateStudentRegistration(ctx context.Context, q db.Querier, r *StudentRegistration) error {
	err := q.QueryRowContext(ctx, `INSERT INTO student_registrations (token_hash, first_name, parent_email, language, country, consent_age, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.TokenHash, r.FirstName, r.ParentEmail, r.Language, r.Country, r.ConsentAge, r.CreatedAt, r.ExpiresAt).Scan(&r.ID)
	return db.MapError(err)
}

// StudentRegistrationByToken returns a live pending registration.
func StudentRegistrationByToken(ctx context.Context, q db.Querier, hash string, now time.Time) (*StudentRegistration, error) {
	var r StudentRegistration
	err := q.QueryRowContext(ctx, `SELECT id, token_hash, first_name, parent_email, language, country, consent_age, created_at, expires_at
		FROM student_registrations WHERE token_hash = $1 AND expires_at > $2`, hash, now).
		Scan(&r.ID, &r.TokenHash, &r.FirstName, &r.ParentEmail, &r.Language, &r.Country, &r.ConsentAge, &r.CreatedAt, &r.ExpiresAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	return &r, nil
}

// DeleteStudentRegistration removes a registration once answered; false if
// it was already gone (answered twice, or expired and swept).
func DeleteStudentRegistration(ctx context.Context, q db.Querier, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM student_registrations WHERE id = $1`, id)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteExpiredStudentRegistrations removes requests no parent answered.
func DeleteExpiredStudentRegistrations(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM student_registrations WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}
