package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Audit actions of custody restrictions and eligible students.
const (
	// AuditCustody: a guardian block made or lifted, or a blocked account
	// refused. These entries name no subject (ids are in the detail), so
	// they never appear in a family's access log or anyone's export.
	AuditCustody = "custody"
	// AuditRights: the school recorded that a student holds their own
	// rights, or undid it. The student (and parents who keep access) see it.
	AuditRights = "rights"
)

// Reasons a leader may give for a guardian block.
var BlockReasons = []string{"court_order", "custody_agreement", "safeguarding", "other"}

// GuardianBlock is a leader's decision that a parent account must not
// reach a student.
type GuardianBlock struct {
	ID            int64
	SchoolID      int64
	StudentID     int64
	GuardianID    int64
	Reason        string
	Note          string
	CreatedBy     int64
	CreatedAt     time.Time
	LiftedBy      int64
	LiftedAt      *time.Time
	RefusedCount  int
	LastRefusedAt *time.Time
	// ByEmail: a block on an email address (guardian_email_blocks), made
	// before anyone with it connected; GuardianID is 0 and GuardianEmail
	// is the address.
	ByEmail bool
	// Names, for the leaders' page; empty once an account is gone.
	GuardianName  string
	GuardianEmail string
	CreatedByName string
	LiftedByName  string
}

// Active reports whether the block is in force.
func (b GuardianBlock) Active() bool { return b.LiftedAt == nil }

const blockSelect = `SELECT b.id, b.school_id, b.student_id, b.guardian_user_id, b.reason, b.note, b.created_by, b.created_at,
	b.lifted_by, b.lifted_at, b.refused_count, b.last_refused_at,
	COALESCE(g.first_name || ' ' || g.last_name, ''), COALESCE(g.email, ''),
	COALESCE(c.first_name || ' ' || c.last_name, ''), COALESCE(l.first_name || ' ' || l.last_name, '')
	FROM guardian_blocks b JOIN users g ON g.id = b.guardian_user_id
	LEFT JOIN users c ON c.id = b.created_by LEFT JOIN users l ON l.id = b.lifted_by`

func scanBlocks(rows *sql.Rows) ([]GuardianBlock, error) {
	defer rows.Close()
	var out []GuardianBlock
	for rows.Next() {
		var b GuardianBlock
		var by, lifter sql.NullInt64
		var lifted, refused sql.NullTime
		if err := rows.Scan(&b.ID, &b.SchoolID, &b.StudentID, &b.GuardianID, &b.Reason, &b.Note, &by, &b.CreatedAt,
			&lifter, &lifted, &b.RefusedCount, &refused, &b.GuardianName, &b.GuardianEmail, &b.CreatedByName, &b.LiftedByName); err != nil {
			return nil, db.MapError(err)
		}
		b.CreatedBy, b.LiftedBy, b.LiftedAt, b.LastRefusedAt = by.Int64, lifter.Int64, timePtr(lifted), timePtr(refused)
		b.CreatedAt = b.CreatedAt.UTC()
		out = append(out, b)
	}
	return out, db.MapError(rows.Err())
}

// AddGuardianBlock records a block; ErrConflict when one is already in
// force for the same guardian and student.
func AddGuardianBlock(ctx context.Context, q db.Querier, b *GuardianBlock) error {
	err := q.QueryRowContext(ctx, `INSERT INTO guardian_blocks (school_id, student_id, guardian_user_id, reason, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		b.SchoolID, b.StudentID, b.GuardianID, b.Reason, b.Note, nullID(b.CreatedBy), b.CreatedAt).Scan(&b.ID)
	return db.MapError(err)
}

// LiftGuardianBlock ends a block in force; false if there was none with
// this id for this student.
func LiftGuardianBlock(ctx context.Context, q db.Querier, id, studentID, by int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE guardian_blocks SET lifted_by = $1, lifted_at = $2
		WHERE id = $3 AND student_id = $4 AND lifted_at IS NULL`, nullID(by), now, id, studentID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// GuardianBlocksOf lists a student's blocks, those in force first, then
// the newest.
func GuardianBlocksOf(ctx context.Context, q db.Querier, studentID int64) ([]GuardianBlock, error) {
	rows, err := q.QueryContext(ctx, blockSelect+` WHERE b.student_id = $1
		ORDER BY CASE WHEN b.lifted_at IS NULL THEN 0 ELSE 1 END, b.created_at DESC, b.id DESC`, studentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	return scanBlocks(rows)
}

// GuardianBlockByID returns one block of a student.
func GuardianBlockByID(ctx context.Context, q db.Querier, id, studentID int64) (*GuardianBlock, error) {
	rows, err := q.QueryContext(ctx, blockSelect+` WHERE b.id = $1 AND b.student_id = $2`, id, studentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	list, err := scanBlocks(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// ActiveBlockID returns the id of the block in force between a guardian
// and a student, or 0.
func ActiveBlockID(ctx context.Context, q db.Querier, studentID, guardianID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM guardian_blocks WHERE student_id = $1 AND guardian_user_id = $2 AND lifted_at IS NULL`,
		studentID, guardianID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, db.MapError(err)
}

// NoteRefusedConnection counts an attempt of a blocked account to connect
// again.
func NoteRefusedConnection(ctx context.Context, q db.Querier, blockID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE guardian_blocks SET refused_count = refused_count + 1, last_refused_at = $1 WHERE id = $2`, now, blockID)
	return db.MapError(err)
}

// ChildLink is a parent's stored link to a student with what decides
// whether it gives access (authz.ChildrenOf decides).
type ChildLink struct {
	StudentID, SchoolID int64
	EligibleSince       *time.Time
	Blocked             bool
}

// ChildLinks lists a parent's links to students. A link and a block in
// force never coexist by design (blocking removes the link), but a link
// can come back by a path that knows nothing of blocks (a merge of two
// profiles), so the block is read here, at every access check.
func ChildLinks(ctx context.Context, q db.Querier, parentID int64) ([]ChildLink, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.student_id, g.school_id, s.eligible_since,
		EXISTS (SELECT 1 FROM guardian_blocks b WHERE b.student_id = g.student_id AND b.guardian_user_id = g.user_id AND b.lifted_at IS NULL)
		OR EXISTS (SELECT 1 FROM guardian_email_blocks e JOIN users p ON p.email = e.email
			WHERE e.student_id = g.student_id AND p.id = g.user_id AND e.lifted_at IS NULL)
		FROM guardians g JOIN students s ON s.id = g.student_id WHERE g.user_id = $1`, parentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []ChildLink
	for rows.Next() {
		var l ChildLink
		var since sql.NullTime
		if err := rows.Scan(&l.StudentID, &l.SchoolID, &since, &l.Blocked); err != nil {
			return nil, db.MapError(err)
		}
		l.EligibleSince = timePtr(since)
		out = append(out, l)
	}
	return out, db.MapError(rows.Err())
}

// IsGuardian reports whether a parent account is linked to a student,
// whatever that link gives access to.
func IsGuardian(ctx context.Context, q db.Querier, studentID, parentID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM guardians WHERE student_id = $1 AND user_id = $2`, studentID, parentID).Scan(&n)
	return n > 0, db.MapError(err)
}

// EligibleSince returns when the school recorded that a student holds
// their own rights, or nil.
func EligibleSince(ctx context.Context, q db.Querier, studentID int64) (*time.Time, error) {
	var since sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT eligible_since FROM students WHERE id = $1`, studentID).Scan(&since)
	if err != nil {
		return nil, db.MapError(err)
	}
	return timePtr(since), nil
}

// SetEligibleSince records (or, with nil, clears) the transfer of rights;
// false when it was already so.
func SetEligibleSince(ctx context.Context, q db.Querier, studentID int64, since *time.Time) (bool, error) {
	var res sql.Result
	var err error
	if since == nil {
		res, err = q.ExecContext(ctx, `UPDATE students SET eligible_since = NULL WHERE id = $1 AND eligible_since IS NOT NULL`, studentID)
	} else {
		res, err = q.ExecContext(ctx, `UPDATE students SET eligible_since = $1 WHERE id = $2 AND eligible_since IS NULL`, *since, studentID)
	}
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetCorrectionFiledBy records that a school leader filed a correction
// request on the requester's behalf.
func SetCorrectionFiledBy(ctx context.Context, q db.Querier, correctionID, leaderID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE corrections SET filed_by = $1 WHERE id = $2`, leaderID, correctionID)
	return db.MapError(err)
}

// CorrectionsFiledBy maps the requests among ids that a leader filed on
// someone's behalf to that leader.
func CorrectionsFiledBy(ctx context.Context, q db.Querier, ids []int64) (map[int64]int64, error) {
	if len(ids) == 0 {
		return map[int64]int64{}, nil
	}
	query, args := inList(`SELECT id, filed_by FROM corrections WHERE filed_by IS NOT NULL AND id IN (%s)`, ids)
	return idPairs(ctx, q, query, args...)
}

// WithdrawReadyExports ends the download window of a person's archives
// that are built but not downloaded yet, returning them so their files can
// be removed: they may hold a child the person no longer has access to.
func WithdrawReadyExports(ctx context.Context, q db.Querier, userID int64, now time.Time) ([]Export, error) {
	return listExports(ctx, q, `UPDATE exports SET expires_at = $1 WHERE user_id = $2 AND status = 'ready' AND expires_at > $1
		RETURNING `+exportColumns, now, userID)
}

// Blocks on an email address (guardian_email_blocks) read into the same
// GuardianBlock, with ByEmail set.
const emailBlockSelect = `SELECT b.id, b.school_id, b.student_id, 0, b.reason, b.note, b.created_by, b.created_at,
	b.lifted_by, b.lifted_at, b.refused_count, b.last_refused_at, '', b.email,
	COALESCE(c.first_name || ' ' || c.last_name, ''), COALESCE(l.first_name || ' ' || l.last_name, '')
	FROM guardian_email_blocks b LEFT JOIN users c ON c.id = b.created_by LEFT JOIN users l ON l.id = b.lifted_by`

func scanEmailBlocks(rows *sql.Rows) ([]GuardianBlock, error) {
	list, err := scanBlocks(rows)
	for i := range list {
		list[i].ByEmail = true
	}
	return list, err
}

// AddEmailBlock records a block on b.GuardianEmail (normalised by the
// caller); ErrConflict when one is in force for the address and student.
func AddEmailBlock(ctx context.Context, q db.Querier, b *GuardianBlock) error {
	err := q.QueryRowContext(ctx, `INSERT INTO guardian_email_blocks (school_id, student_id, email, reason, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		b.SchoolID, b.StudentID, b.GuardianEmail, b.Reason, b.Note, nullID(b.CreatedBy), b.CreatedAt).Scan(&b.ID)
	b.ByEmail = true
	return db.MapError(err)
}

// LiftEmailBlock ends a block on an address; false if there was none in
// force with this id for this student.
func LiftEmailBlock(ctx context.Context, q db.Querier, id, studentID, by int64, now time.Time) (bool, error) {
	return changed(q.ExecContext(ctx, `UPDATE guardian_email_blocks SET lifted_by = $1, lifted_at = $2
		WHERE id = $3 AND student_id = $4 AND lifted_at IS NULL`, nullID(by), now, id, studentID))
}

// EmailBlocksOf lists a student's blocks on addresses, those in force
// first, then the newest.
func EmailBlocksOf(ctx context.Context, q db.Querier, studentID int64) ([]GuardianBlock, error) {
	rows, err := q.QueryContext(ctx, emailBlockSelect+` WHERE b.student_id = $1
		ORDER BY CASE WHEN b.lifted_at IS NULL THEN 0 ELSE 1 END, b.created_at DESC, b.id DESC`, studentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	return scanEmailBlocks(rows)
}

// EmailBlockByID returns one address block of a student.
func EmailBlockByID(ctx context.Context, q db.Querier, id, studentID int64) (*GuardianBlock, error) {
	rows, err := q.QueryContext(ctx, emailBlockSelect+` WHERE b.id = $1 AND b.student_id = $2`, id, studentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	list, err := scanEmailBlocks(rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// ActiveEmailBlockID returns the id of the block in force on an address
// for a student, or 0.
func ActiveEmailBlockID(ctx context.Context, q db.Querier, studentID int64, email string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM guardian_email_blocks WHERE student_id = $1 AND email = $2 AND lifted_at IS NULL`,
		studentID, email).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, db.MapError(err)
}

// NoteRefusedEmail counts an attempt to connect with a blocked address.
func NoteRefusedEmail(ctx context.Context, q db.Querier, blockID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE guardian_email_blocks SET refused_count = refused_count + 1, last_refused_at = $1 WHERE id = $2`, now, blockID)
	return db.MapError(err)
}

// GuardiansWithEmail lists the parent accounts with this address connected
// to a student.
func GuardiansWithEmail(ctx context.Context, q db.Querier, studentID int64, email string) ([]int64, error) {
	return idRows(ctx, q, `SELECT g.user_id FROM guardians g JOIN users u ON u.id = g.user_id
		WHERE g.student_id = $1 AND u.email = $2 ORDER BY g.user_id`, studentID, email)
}
