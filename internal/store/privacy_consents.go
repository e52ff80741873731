package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Consent is one record of the consent ledger.
type Consent struct {
	ID            int64
	SubjectUserID int64
	GrantorUserID int64
	GrantorEmail  string
	GrantorRole   string // self | parent | school_official
	Purpose       string
	NoticeVersion string
	Method        string
	Evidence      string
	ManageToken   string // hash; empty if none
	GrantedAt     time.Time
	WithdrawnAt   *time.Time
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// AddConsent appends a consent to the ledger.
func AddConsent(ctx context.Context, q db.Querier, c *Consent) error {
	err := q.QueryRowContext(ctx, `INSERT INTO consents (subject_user_id, grantor_user_id, grantor_email, grantor_role, purpose, notice_version, method, evidence, manage_token_hash, granted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		nullID(c.SubjectUserID), nullID(c.GrantorUserID), c.GrantorEmail, c.GrantorRole, c.Purpose, c.NoticeVersion,
		c.Method, c.Evidence, nullString(c.ManageToken), c.GrantedAt).Scan(&c.ID)
	return db.MapError(err)
}

const consentColumns = `id, subject_user_id, grantor_user_id, grantor_email, grantor_role, purpose, notice_version, method, evidence, manage_token_hash, granted_at, withdrawn_at`

func scanConsent(row interface{ Scan(...any) error }) (*Consent, error) {
	var c Consent
	var subject, grantor sql.NullInt64
	var token sql.NullString
	var withdrawn sql.NullTime
	err := row.Scan(&c.ID, &subject, &grantor, &c.GrantorEmail, &c.GrantorRole, &c.Purpose, &c.NoticeVersion, &c.Method, &c.Evidence, &token, &c.GrantedAt, &withdrawn)
	if err != nil {
		return nil, db.MapError(err)
	}
	c.SubjectUserID, c.GrantorUserID, c.ManageToken, c.WithdrawnAt = subject.Int64, grantor.Int64, token.String, timePtr(withdrawn)
	return &c, nil
}

// ConsentByManageToken finds the consent a parent's manage link controls.
func ConsentByManageToken(ctx context.Context, q db.Querier, hash string) (*Consent, error) {
	return scanConsent(q.QueryRowContext(ctx, `SELECT `+consentColumns+` FROM consents WHERE manage_token_hash = $1`, hash))
}

// ConsentByID returns one consent.
func ConsentByID(ctx context.Context, q db.Querier, id int64) (*Consent, error) {
	return scanConsent(q.QueryRowContext(ctx, `SELECT `+consentColumns+` FROM consents WHERE id = $1`, id))
}

// ConsentsOfUser lists consents about or given by a user, newest first.
func ConsentsOfUser(ctx context.Context, q db.Querier, userID int64) ([]Consent, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+consentColumns+` FROM consents
		WHERE subject_user_id = $1 OR grantor_user_id = $1 ORDER BY granted_at DESC, id DESC`, userID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		c, err := scanConsent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, db.MapError(rows.Err())
}

// WithdrawConsent records a withdrawal; false if it was already withdrawn.
func WithdrawConsent(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE consents SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL`, now, id)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
