package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"cubby/internal/db"
)

// Correction is a parent's request to correct a record about their child.
type Correction struct {
	ID            int64
	SchoolID      int64
	StudentID     int64
	RecordTable   string
	RecordKey     string
	RecordSummary string
	RequestedBy   int64
	Request       string
	Status        string // pending | accepted | declined
	DecidedBy     int64
	Reason        string
	CreatedAt     time.Time
	DecidedAt     *time.Time
}

// Correction statuses.
const (
	CorrectionPending  = "pending"
	CorrectionAccepted = "accepted"
	CorrectionDeclined = "declined"
)

const correctionColumns = `id, school_id, student_id, record_table, record_key, record_summary, requested_by, request, status, decided_by, reason, created_at, decided_at`

func scanCorrection(row interface{ Scan(...any) error }) (*Correction, error) {
	var c Correction
	var by, decider sql.NullInt64
	var decided sql.NullTime
	err := row.Scan(&c.ID, &c.SchoolID, &c.StudentID, &c.RecordTable, &c.RecordKey, &c.RecordSummary, &by, &c.Request,
		&c.Status, &decider, &c.Reason, &c.CreatedAt, &decided)
	if err != nil {
		return nil, db.MapError(err)
	}
	c.RequestedBy, c.DecidedBy, c.DecidedAt, c.CreatedAt = by.Int64, decider.Int64, timePtr(decided), c.CreatedAt.UTC()
	return &c, nil
}

// AddCorrection records a request.
func AddCorrection(ctx context.Context, q db.Querier, c *Correction) error {
	err := q.QueryRowContext(ctx, `INSERT INTO corrections (school_id, student_id, record_table, record_key, record_summary, requested_by, request, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		c.SchoolID, c.StudentID, c.RecordTable, c.RecordKey, c.RecordSummary, nullID(c.RequestedBy), c.Request, c.Status, c.CreatedAt).Scan(&c.ID)
	return db.MapError(err)
}

// CorrectionByID returns one request.
func CorrectionByID(ctx context.Context, q db.Querier, id int64) (*Correction, error) {
	return scanCorrection(q.QueryRowContext(ctx, `SELECT `+correctionColumns+` FROM corrections WHERE id = $1`, id))
}

// DecideCorrection answers a pending request; false if it was answered.
func DecideCorrection(ctx context.Context, q db.Querier, id int64, status string, by int64, reason string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE corrections SET status = $1, decided_by = $2, reason = $3, decided_at = $4 WHERE id = $5 AND status = 'pending'`,
		status, by, reason, now, id)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CorrectionsOfStudents lists requests about these students, newest first.
func CorrectionsOfStudents(ctx context.Context, q db.Querier, studentIDs []int64) ([]Correction, error) {
	if len(studentIDs) == 0 {
		return nil, nil
	}
	query, args := inList(`SELECT `+correctionColumns+` FROM corrections WHERE student_id IN (%s) ORDER BY created_at DESC, id DESC LIMIT 200`, studentIDs)
	return listCorrections(ctx, q, query, args...)
}

// CorrectionsOfSchool lists a school's requests, pending first.
func CorrectionsOfSchool(ctx context.Context, q db.Querier, schoolID int64) ([]Correction, error) {
	return listCorrections(ctx, q, `SELECT `+correctionColumns+` FROM corrections WHERE school_id = $1
		ORDER BY status <> 'pending', created_at DESC, id DESC LIMIT 200`, schoolID)
}

func listCorrections(ctx context.Context, q db.Querier, query string, args ...any) ([]Correction, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		c, err := scanCorrection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, db.MapError(rows.Err())
}

// RetentionOverride is a school's shorter period for a data type.
type RetentionOverride struct {
	SchoolID int64
	DataType string
	Duration string
	SetBy    int64
	SetAt    time.Time
}

// RetentionOverrides lists every school's overrides, or one school's
// (schoolID > 0).
func RetentionOverrides(ctx context.Context, q db.Querier, schoolID int64) ([]RetentionOverride, error) {
	rows, err := q.QueryContext(ctx, `SELECT school_id, data_type, duration, set_by, set_at FROM retention_overrides
		WHERE $1 = 0 OR school_id = $1 ORDER BY school_id, data_type`, schoolID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []RetentionOverride
	for rows.Next() {
		var o RetentionOverride
		var by sql.NullInt64
		if err := rows.Scan(&o.SchoolID, &o.DataType, &o.Duration, &by, &o.SetAt); err != nil {
			return nil, db.MapError(err)
		}
		o.SetBy = by.Int64
		out = append(out, o)
	}
	return out, db.MapError(rows.Err())
}

// SetRetentionOverride saves (or, with duration "", removes) a school's period.
func SetRetentionOverride(ctx context.Context, q db.Querier, o RetentionOverride) error {
	if o.Duration == "" {
		_, err := q.ExecContext(ctx, `DELETE FROM retention_overrides WHERE school_id = $1 AND data_type = $2`, o.SchoolID, o.DataType)
		return db.MapError(err)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO retention_overrides (school_id, data_type, duration, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (school_id, data_type) DO UPDATE SET duration = excluded.duration, set_by = excluded.set_by, set_at = excluded.set_at`,
		o.SchoolID, o.DataType, o.Duration, nullID(o.SetBy), o.SetAt)
	return db.MapError(err)
}

// ServerKey returns the named secret, making it on first use. Two servers
// racing to make it both end up with the one that was inserted first.
func ServerKey(ctx context.Context, q db.Querier, name string, now time.Time) ([]byte, error) {
	var s string
	err := q.QueryRowContext(ctx, `SELECT secret FROM server_keys WHERE name = $1`, name).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		if _, err := q.ExecContext(ctx, `INSERT INTO server_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
			name, hex.EncodeToString(b), now); err != nil {
			return nil, db.MapError(err)
		}
		err = q.QueryRowContext(ctx, `SELECT secret FROM server_keys WHERE name = $1`, name).Scan(&s)
	}
	if err != nil {
		return nil, db.MapError(err)
	}
	return hex.DecodeString(s)
}

// RequestLine is one line of the request log.
type RequestLine struct {
	At         time.Time
	Method     string
	Route      string
	Status     int
	DurationMS int
	IPPrefix   string
	Browser    string
}

// WriteRequestLog appends lines and adds usage counts in one transaction.
func WriteRequestLog(ctx context.Context, q db.Querier, lines []RequestLine, usage map[[2]string]int) error {
	for _, l := range lines {
		if _, err := q.ExecContext(ctx, `INSERT INTO request_log (created_at, method, route, status, duration_ms, ip_prefix, browser) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			l.At, l.Method, l.Route, l.Status, l.DurationMS, l.IPPrefix, l.Browser); err != nil {
			return db.MapError(err)
		}
	}
	for k, n := range usage {
		if _, err := q.ExecContext(ctx, `INSERT INTO usage_counts (day, feature, count) VALUES ($1, $2, $3)
			ON CONFLICT (day, feature) DO UPDATE SET count = usage_counts.count + excluded.count`, k[0], k[1], n); err != nil {
			return db.MapError(err)
		}
	}
	return nil
}

// UsageCount is one feature's count on one day.
type UsageCount struct {
	Day, Feature string
	Count        int64
}

// UsageCounts lists the counts from a day on, newest first.
func UsageCounts(ctx context.Context, q db.Querier, fromDay string) ([]UsageCount, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, feature, count FROM usage_counts WHERE day >= $1 ORDER BY day DESC, count DESC, feature`, fromDay)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []UsageCount
	for rows.Next() {
		var u UsageCount
		if err := rows.Scan(&u.Day, &u.Feature, &u.Count); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, u)
	}
	return out, db.MapError(rows.Err())
}

// SetUsageOptOut records (or, with nil, withdraws) a person's objection to
// being counted.
func SetUsageOptOut(ctx context.Context, q db.Querier, userID int64, at *time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET usage_opt_out_at = $1 WHERE id = $2`, nullTime(at), userID)
	return db.MapError(err)
}

// UsageOptedOut reports whether a person turned counting off.
func UsageOptedOut(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var at sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT usage_opt_out_at FROM users WHERE id = $1`, userID).Scan(&at)
	return at.Valid, db.MapError(err)
}

// MarkActive records that an account was used, at most once a day, so the
// write is rare.
func MarkActive(ctx context.Context, q db.Querier, userID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET last_active_at = $1 WHERE id = $2 AND (last_active_at IS NULL OR last_active_at < $3)`,
		now, userID, now.Add(-24*time.Hour))
	return db.MapError(err)
}

// MarkStudentLeft records that a student left the school.
func MarkStudentLeft(ctx context.Context, q db.Querier, studentID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE students SET left_at = $1 WHERE id = $2 AND left_at IS NULL`, now, studentID)
	return db.MapError(err)
}

// ReturnStudent undoes MarkStudentLeft and the disabling that came with an
// erasure request made at since, leaving any other reason for a disabled
// account (a withdrawn consent) in place.
func ReturnStudent(ctx context.Context, q db.Querier, studentID, userID int64, since, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE students SET left_at = NULL WHERE id = $1 AND left_at >= $2`, studentID, since); err != nil {
		return db.MapError(err)
	}
	_, err := q.ExecContext(ctx, `UPDATE users SET disabled_at = NULL, updated_at = $1 WHERE id = $2 AND disabled_at >= $3`, now, userID, since)
	return db.MapError(err)
}

// InactiveAccount is an unused account the retention job considers.
type InactiveAccount struct {
	UserID    int64
	FirstName string
}

// activeStudent holds for a student on a current roster of a class that is
// not archived: such a student is in school, used or not.
const activeStudent = `EXISTS (SELECT 1 FROM students s JOIN class_students cs ON cs.student_id = s.id JOIN classes c ON c.id = cs.class_id
	WHERE s.user_id = u.id AND s.left_at IS NULL AND cs.removed_at IS NULL AND c.archived_at IS NULL)`

// InactiveAccounts lists accounts of a kind not used since before, that are
// not on a current class roster, not kept by a restriction of processing
// (restriction.go) and have no deletion pending.
func InactiveAccounts(ctx context.Context, q db.Querier, kind string, before time.Time) ([]InactiveAccount, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.first_name FROM users u
		WHERE u.kind = $1 AND COALESCE(u.last_active_at, u.created_at) < $2 AND NOT `+activeStudent+`
		AND u.id NOT IN (`+RetentionHeldUsers+`)
		AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.user_id = u.id AND e.erased_at IS NULL)
		ORDER BY u.id`, kind, before)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []InactiveAccount
	for rows.Next() {
		var a InactiveAccount
		if err := rows.Scan(&a.UserID, &a.FirstName); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, a)
	}
	return out, db.MapError(rows.Err())
}

// StillInactive reports whether an account has not been used since a
// moment, is not on a current class roster and is not kept by a
// restriction of processing.
func StillInactive(ctx context.Context, q db.Querier, userID int64, since time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM users u WHERE u.id = $1 AND COALESCE(u.last_active_at, u.created_at) < $2 AND NOT `+activeStudent+`
		AND u.id NOT IN (`+RetentionHeldUsers+`)`,
		userID, since).Scan(&n)
	return n > 0, db.MapError(err)
}

// Contact is an address to write to and the language to write in.
type Contact struct{ Email, Language string }

// ParentContacts lists the addresses of a child's parents: connected
// parents' accounts, and parents who consented by email without one.
func ParentContacts(ctx context.Context, q db.Querier, childUserID int64) ([]Contact, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.email, p.language FROM guardians g JOIN students s ON s.id = g.student_id JOIN users p ON p.id = g.user_id
		WHERE s.user_id = $1 AND p.email IS NOT NULL
		UNION SELECT c.grantor_email, '' FROM consents c WHERE c.subject_user_id = $1 AND c.grantor_email <> '' AND c.withdrawn_at IS NULL`, childUserID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.Email, &c.Language); err != nil {
			return nil, db.MapError(err)
		}
		if !seen[c.Email] {
			seen[c.Email] = true
			out = append(out, c)
		}
	}
	return out, db.MapError(rows.Err())
}

// ActiveConsentsFor lists unwithdrawn consents for a purpose, with their
// subject's account, oldest first.
func ActiveConsentsFor(ctx context.Context, q db.Querier, purpose string) ([]Consent, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+consentColumns+` FROM consents WHERE purpose = $1 AND withdrawn_at IS NULL AND subject_user_id IS NOT NULL ORDER BY id`, purpose)
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
