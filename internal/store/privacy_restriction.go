package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cubby/internal/db"
)

// Restriction is a request to restrict the processing of a student's
// records (GDPR Art. 18), and, once decided, the restriction itself.
type Restriction struct {
	ID          int64
	SchoolID    int64
	StudentID   int64
	Ground      string
	Status      string // requested | active | declined | lifted
	Request     string
	RequestedBy int64
	DecidedBy   int64
	Reason      string
	LiftedBy    int64
	CreatedAt   time.Time
	DecidedAt   *time.Time
	LiftedAt    *time.Time
	ClosedAt    *time.Time
}

// Restriction statuses.
const (
	RestrictionRequested = "requested"
	RestrictionActive    = "active"
	RestrictionDeclined  = "declined"
	RestrictionLifted    = "lifted"
)

// AuditRestrict is the audit action for granting, declining and lifting a
// restriction (asking for one is an AuditRequest).
const AuditRestrict = "restrict"

// RestrictedStudents selects the students whose processing is restricted
// now: a subquery for read paths to leave them out with one condition.
const RestrictedStudents = `SELECT student_id FROM processing_restrictions WHERE status = 'active'`

const restrictionColumns = `id, school_id, student_id, ground, status, request, requested_by, decided_by, reason, lifted_by,
	created_at, decided_at, lifted_at, closed_at`

func scanRestriction(row interface{ Scan(...any) error }) (*Restriction, error) {
	var r Restriction
	var by, decider, lifter sql.NullInt64
	var decided, lifted, closed sql.NullTime
	err := row.Scan(&r.ID, &r.SchoolID, &r.StudentID, &r.Ground, &r.Status, &r.Request, &by, &decider, &r.Reason, &lifter,
		&r.CreatedAt, &decided, &lifted, &closed)
	if err != nil {
		return nil, db.MapError(err)
	}
	r.RequestedBy, r.DecidedBy, r.LiftedBy = by.Int64, decider.Int64, lifter.Int64
	r.CreatedAt, r.DecidedAt, r.LiftedAt, r.ClosedAt = r.CreatedAt.UTC(), timePtr(decided), timePtr(lifted), timePtr(closed)
	return &r, nil
}

// AddRestriction records a request, or a restriction a leader sets
// directly (status active, decided already). A second open one for the
// same student and ground is ErrConflict.
func AddRestriction(ctx context.Context, q db.Querier, r *Restriction) error {
	err := q.QueryRowContext(ctx, `INSERT INTO processing_restrictions (school_id, student_id, ground, status, request, requested_by, decided_by, created_at, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		r.SchoolID, r.StudentID, r.Ground, r.Status, r.Request, nullID(r.RequestedBy), nullID(r.DecidedBy), r.CreatedAt, nullTime(r.DecidedAt)).Scan(&r.ID)
	return db.MapError(err)
}

// RestrictionByID returns one restriction.
func RestrictionByID(ctx context.Context, q db.Querier, id int64) (*Restriction, error) {
	return scanRestriction(q.QueryRowContext(ctx, `SELECT `+restrictionColumns+` FROM processing_restrictions WHERE id = $1`, id))
}

// DecideRestriction grants (active) or declines a waiting request; false
// if it was decided meanwhile.
func DecideRestriction(ctx context.Context, q db.Querier, id int64, status string, by int64, reason string, now time.Time) (bool, error) {
	var closed *time.Time
	if status == RestrictionDeclined {
		closed = &now
	}
	return changed(q.ExecContext(ctx, `UPDATE processing_restrictions SET status = $1, decided_by = $2, reason = $3, decided_at = $4, closed_at = $5
		WHERE id = $6 AND status = 'requested'`, status, by, reason, now, nullTime(closed), id))
}

// LiftRestriction ends a restriction in force; false if it was not in
// force (lifted already, or never granted).
func LiftRestriction(ctx context.Context, q db.Querier, id, by int64, reason string, now time.Time) (bool, error) {
	return changed(q.ExecContext(ctx, `UPDATE processing_restrictions SET status = 'lifted', lifted_by = $1, reason = $2, lifted_at = $3, closed_at = $3
		WHERE id = $4 AND status = 'active'`, by, reason, now, id))
}

func changed(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RestrictionsOfStudents lists the restrictions of these students, open
// ones first, then newest first.
func RestrictionsOfStudents(ctx context.Context, q db.Querier, studentIDs []int64) ([]Restriction, error) {
	if len(studentIDs) == 0 {
		return nil, nil
	}
	query, args := inList(`SELECT `+restrictionColumns+` FROM processing_restrictions WHERE student_id IN (%s)
		ORDER BY closed_at IS NOT NULL, created_at DESC, id DESC LIMIT 200`, studentIDs)
	return listRestrictions(ctx, q, query, args...)
}

// RestrictionsOfSchool lists a school's restrictions: waiting requests
// first, then those in force, then the closed ones, newest first.
func RestrictionsOfSchool(ctx context.Context, q db.Querier, schoolID int64) ([]Restriction, error) {
	return listRestrictions(ctx, q, `SELECT `+restrictionColumns+` FROM processing_restrictions WHERE school_id = $1
		ORDER BY CASE status WHEN 'requested' THEN 0 WHEN 'active' THEN 1 ELSE 2 END, created_at DESC, id DESC LIMIT 200`, schoolID)
}

func listRestrictions(ctx context.Context, q db.Querier, query string, args ...any) ([]Restriction, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Restriction
	for rows.Next() {
		r, err := scanRestriction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, db.MapError(rows.Err())
}

// RestrictedInSchool returns the students of a school whose processing is
// restricted now (a handful at most).
func RestrictedInSchool(ctx context.Context, q db.Querier, schoolID int64) (map[int64]bool, error) {
	return idSet(ctx, q, `SELECT DISTINCT student_id FROM processing_restrictions WHERE school_id = $1 AND status = 'active'`, schoolID)
}

// StudentRestricted reports whether a student's processing is restricted now.
func StudentRestricted(ctx context.Context, q db.Querier, studentID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM processing_restrictions WHERE student_id = $1 AND status = 'active'`, studentID).Scan(&n)
	return n > 0, db.MapError(err)
}

// RecordsHeld reports whether an account is a student's whose records a
// restriction in force on a holding ground keeps: erasing them waits.
func RecordsHeld(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM (`+RetentionHeldUsers+`) h WHERE h.user_id = $1`, userID).Scan(&n)
	return n > 0, db.MapError(err)
}

// UsageExcluded reports whether a person's requests are left out of the
// usage counts: they opted out, or they are a student whose processing is
// restricted. One query, since it runs for uncached people on requests.
func UsageExcluded(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var out bool
	err := q.QueryRowContext(ctx, `SELECT u.usage_opt_out_at IS NOT NULL OR EXISTS (SELECT 1 FROM students s
		JOIN processing_restrictions r ON r.student_id = s.id AND r.status = 'active' WHERE s.user_id = u.id)
		FROM users u WHERE u.id = $1`, userID).Scan(&out)
	return out, db.MapError(err)
}

// Grounds of GDPR Art. 18(1) (app/restriction.go explains each).
const (
	GroundAccuracy    = "accuracy"
	GroundUnlawful    = "unlawful"
	GroundLegalClaims = "legal_claims"
	GroundObjection   = "objection"
)

// HoldingGrounds are the grounds on which a restriction in force keeps the
// student's records from the retention job: the family asked for them to
// be kept (for a legal claim, or instead of erasing what was unlawful).
var HoldingGrounds = []string{GroundUnlawful, GroundLegalClaims}

// RetentionHeldUsers selects the accounts (users.id) of students under a
// restriction in force on a holding ground: the retention job keeps what
// leads to them, and does not erase them for being unused.
var RetentionHeldUsers = `SELECT s.user_id FROM students s JOIN processing_restrictions r ON r.student_id = s.id
	WHERE r.status = 'active' AND r.ground IN ('` + strings.Join(HoldingGrounds, "', '") + `')`
