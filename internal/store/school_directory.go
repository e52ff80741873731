package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cubby/internal/db"
)

// Membership statuses.
const (
	MemberPending = "pending"
	MemberActive  = "active"
)

// SchoolAccess is how a school lets people in: the email domain whose
// verified addresses join without waiting, and whether its staff must log
// in with two-factor.
type SchoolAccess struct {
	EmailDomain      string // lower-case, "" when every join request waits
	RequireTwoFactor bool
}

// SchoolAccessOf reads a school's access settings.
func SchoolAccessOf(ctx context.Context, q db.Querier, schoolID int64) (SchoolAccess, error) {
	var a SchoolAccess
	var domain sql.NullString
	err := q.QueryRowContext(ctx, `SELECT email_domain, require_two_factor FROM schools WHERE id = $1`, schoolID).
		Scan(&domain, &a.RequireTwoFactor)
	a.EmailDomain = domain.String
	return a, db.MapError(err)
}

// SetSchoolAccess saves a school's access settings.
func SetSchoolAccess(ctx context.Context, q db.Querier, schoolID int64, a SchoolAccess) error {
	_, err := q.ExecContext(ctx, `UPDATE schools SET email_domain = $1, require_two_factor = $2 WHERE id = $3`,
		nullString(a.EmailDomain), a.RequireTwoFactor, schoolID)
	return db.MapError(err)
}

// SetSchoolVerified marks a school as confirmed to exist as described.
func SetSchoolVerified(ctx context.Context, q db.Querier, schoolID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE schools SET verified = TRUE WHERE id = $1`, schoolID)
	return db.MapError(err)
}

// MembershipOf returns a user's membership (or join request) in a school,
// or ErrNotFound.
func MembershipOf(ctx context.Context, q db.Querier, schoolID, userID int64) (*Membership, error) {
	var m Membership
	var v sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT school_id, user_id, role, status, verified_at, created_at
		FROM school_members WHERE school_id = $1 AND user_id = $2`, schoolID, userID).
		Scan(&m.SchoolID, &m.UserID, &m.Role, &m.Status, &v, &m.CreatedAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	m.VerifiedAt = timePtr(v)
	return &m, nil
}

// UpdateMembership saves a membership's role, status and verification.
func UpdateMembership(ctx context.Context, q db.Querier, m *Membership) error {
	res, err := q.ExecContext(ctx, `UPDATE school_members SET role = $1, status = $2, verified_at = $3
		WHERE school_id = $4 AND user_id = $5`, m.Role, m.Status, nullTime(m.VerifiedAt), m.SchoolID, m.UserID)
	return affectedOne(res, err)
}

// DeleteMembership ends a membership or withdraws a join request.
func DeleteMembership(ctx context.Context, q db.Querier, schoolID, userID int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM school_members WHERE school_id = $1 AND user_id = $2`, schoolID, userID)
	return affectedOne(res, err)
}

func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return db.MapError(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.MapError(err)
	} else if n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// ActiveLeaderCount counts a school's active leaders.
func ActiveLeaderCount(ctx context.Context, q db.Querier, schoolID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM school_members
		WHERE school_id = $1 AND role = 'leader' AND status = 'active'`, schoolID).Scan(&n)
	return n, db.MapError(err)
}

// StaffMember is one row of a school's directory: a membership or join
// request with the person's names and what they teach there.
type StaffMember struct {
	Membership
	Kind      string
	Title     string
	FirstName string
	LastName  string
	Email     string
	TwoFactor bool // has two-factor login on
	Classes   int  // classes of this school they teach (not archived)
}

// DisplayName is how the directory names a member of staff.
func (m *StaffMember) DisplayName() string {
	u := User{Title: m.Title, FirstName: m.FirstName, LastName: m.LastName}
	return u.DisplayName()
}

// FullName is first and last name.
func (m *StaffMember) FullName() string {
	u := User{FirstName: m.FirstName, LastName: m.LastName}
	return u.FullName()
}

const staffSelect = `SELECT m.school_id, m.user_id, m.role, m.status, m.verified_at, m.created_at,
			u.kind, u.title, u.first_name, u.last_name, u.email, u.totp_enabled_at IS NOT NULL,
			(SELECT count(*) FROM class_teachers ct JOIN classes c ON c.id = ct.class_id
			 WHERE ct.user_id = m.user_id AND c.school_id = m.school_id AND c.archived_at IS NULL)
		FROM school_members m JOIN users u ON u.id = m.user_id`

// StaffOfSchool lists a school's staff and join requests by name.
func StaffOfSchool(ctx context.Context, q db.Querier, schoolID int64) ([]StaffMember, error) {
	return listStaff(ctx, q, staffSelect+`
		WHERE m.school_id = $1
		ORDER BY u.last_name, u.first_name, m.user_id`, schoolID)
}

// StaffMemberOf returns one person's row of a school's staff.
func StaffMemberOf(ctx context.Context, q db.Querier, schoolID, userID int64) (*StaffMember, error) {
	list, err := listStaff(ctx, q, staffSelect+` WHERE m.school_id = $1 AND m.user_id = $2`, schoolID, userID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

func listStaff(ctx context.Context, q db.Querier, query string, args ...any) ([]StaffMember, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		var m StaffMember
		var v sql.NullTime
		var email sql.NullString
		if err := rows.Scan(&m.SchoolID, &m.UserID, &m.Role, &m.Status, &v, &m.CreatedAt,
			&m.Kind, &m.Title, &m.FirstName, &m.LastName, &email, &m.TwoFactor, &m.Classes); err != nil {
			return nil, db.MapError(err)
		}
		m.VerifiedAt, m.Email = timePtr(v), email.String
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, db.MapError(rows.Err())
}

// SchoolStudent is a student as the directory lists them: names and the
// classes they are currently in.
type SchoolStudent struct {
	ID        int64
	FirstName string
	LastName  string
	Classes   []string
}

// DirectoryStudents lists the students currently at a school, by name,
// each with the names of their current classes.
func DirectoryStudents(ctx context.Context, q db.Querier, schoolID int64) ([]SchoolStudent, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.id, u.first_name, u.last_name, c.name
		FROM students s JOIN users u ON u.id = s.user_id
		LEFT JOIN class_students cs ON cs.student_id = s.id AND cs.removed_at IS NULL
		LEFT JOIN classes c ON c.id = cs.class_id AND c.archived_at IS NULL
		WHERE s.school_id = $1 AND s.left_at IS NULL
		ORDER BY u.first_name, u.last_name, s.id, c.name`, schoolID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []SchoolStudent
	for rows.Next() {
		var st SchoolStudent
		var class sql.NullString
		if err := rows.Scan(&st.ID, &st.FirstName, &st.LastName, &class); err != nil {
			return nil, db.MapError(err)
		}
		if n := len(out); n > 0 && out[n-1].ID == st.ID {
			if class.Valid {
				out[n-1].Classes = append(out[n-1].Classes, class.String)
			}
			continue
		}
		if class.Valid {
			st.Classes = []string{class.String}
		}
		out = append(out, st)
	}
	return out, db.MapError(rows.Err())
}

// ClassesTaughtAlone lists the classes of a school that only this member
// of staff teaches: the ones that need a new teacher when they leave.
func ClassesTaughtAlone(ctx context.Context, q db.Querier, schoolID, userID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT ct.class_id FROM class_teachers ct
		WHERE ct.school_id = $1 AND ct.user_id = $2
		AND NOT EXISTS (SELECT 1 FROM class_teachers o WHERE o.class_id = ct.class_id AND o.user_id <> ct.user_id)
		ORDER BY ct.class_id`, schoolID, userID)
}

// HandOverClasses takes a member of staff off every class of a school,
// giving heir the classes (from ClassesTaughtAlone) that would otherwise
// be left without a teacher.
func HandOverClasses(ctx context.Context, q db.Querier, schoolID, userID, heir int64, alone []int64, now time.Time) error {
	for _, class := range alone {
		if _, err := q.ExecContext(ctx, `INSERT INTO class_teachers (school_id, class_id, user_id, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, schoolID, class, heir, now); err != nil {
			return db.MapError(err)
		}
	}
	_, err := q.ExecContext(ctx, `DELETE FROM class_teachers WHERE school_id = $1 AND user_id = $2`, schoolID, userID)
	return db.MapError(err)
}

// EmailDomain is the part of an address after the @, lower-cased.
func EmailDomain(email string) string {
	_, domain, _ := strings.Cut(email, "@")
	return strings.ToLower(domain)
}

// ActiveLeaders lists the accounts of a school's active leaders.
func ActiveLeaders(ctx context.Context, q db.Querier, schoolID int64) ([]User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+prefixed("u.", userColumns)+` FROM users u
		JOIN school_members m ON m.user_id = u.id
		WHERE m.school_id = $1 AND m.role = 'leader' AND m.status = 'active' ORDER BY u.id`, schoolID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, db.MapError(rows.Err())
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// PendingRequestCount counts a person's join requests still waiting.
func PendingRequestCount(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM school_members WHERE user_id = $1 AND status = 'pending'`, userID).Scan(&n)
	return n, db.MapError(err)
}
