package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Class is one class (a group of students with their teachers) in a school.
type Class struct {
	ID           int64
	SchoolID     int64
	Name         string
	ArchivedAt   *time.Time
	CreatedAt    time.Time
	StudentCount int // filled by list queries
}

// CreateClass inserts c and makes teacherID its first teacher.
func CreateClass(ctx context.Context, q db.Querier, c *Class, teacherID int64) error {
	err := q.QueryRowContext(ctx, `INSERT INTO classes (school_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
		c.SchoolID, c.Name, c.CreatedAt).Scan(&c.ID)
	if err != nil {
		return db.MapError(err)
	}
	return AddClassTeacher(ctx, q, c.SchoolID, c.ID, teacherID, c.CreatedAt)
}

// AddClassTeacher adds a (co-)teacher to a class.
func AddClassTeacher(ctx context.Context, q db.Querier, schoolID, classID, userID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO class_teachers (school_id, class_id, user_id, created_at) VALUES ($1, $2, $3, $4)`,
		schoolID, classID, userID, now)
	return db.MapError(err)
}

// ClassByID returns a class or ErrNotFound.
func ClassByID(ctx context.Context, q db.Querier, id int64) (*Class, error) {
	var c Class
	var archived sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT c.id, c.school_id, c.name, c.archived_at, c.created_at,
		(SELECT count(*) FROM class_students cs WHERE cs.class_id = c.id AND cs.removed_at IS NULL)
		FROM classes c WHERE c.id = $1`, id).Scan(&c.ID, &c.SchoolID, &c.Name, &archived, &c.CreatedAt, &c.StudentCount)
	if err != nil {
		return nil, db.MapError(err)
	}
	c.ArchivedAt = timePtr(archived)
	return &c, nil
}

// ClassPage selects a page of classes in id order: after is the last id
// of the previous page (0 for the first) and limit the page size.
type ClassPage struct {
	After int64
	Limit int
}

// ClassesForUser lists the classes a user may see: those they teach, and
// every class of the schools where they are an active leader.
func ClassesForUser(ctx context.Context, q db.Querier, userID int64, page ClassPage) ([]Class, error) {
	return listClasses(ctx, q, `SELECT c.id, c.school_id, c.name, c.archived_at, c.created_at,
		(SELECT count(*) FROM class_students cs WHERE cs.class_id = c.id AND cs.removed_at IS NULL)
		FROM classes c
		WHERE c.id > $2 AND (
			EXISTS (SELECT 1 FROM class_teachers ct WHERE ct.class_id = c.id AND ct.user_id = $1)
			OR EXISTS (SELECT 1 FROM school_members m WHERE m.school_id = c.school_id AND m.user_id = $1
			           AND m.role = 'leader' AND m.status = 'active'))
		ORDER BY c.id LIMIT $3`, userID, page.After, page.Limit)
}

// ClassesOfSchool lists a school's classes.
func ClassesOfSchool(ctx context.Context, q db.Querier, schoolID int64) ([]Class, error) {
	return listClasses(ctx, q, `SELECT c.id, c.school_id, c.name, c.archived_at, c.created_at,
		(SELECT count(*) FROM class_students cs WHERE cs.class_id = c.id AND cs.removed_at IS NULL)
		FROM classes c WHERE c.school_id = $1 ORDER BY c.name, c.id`, schoolID)
}

func listClasses(ctx context.Context, q db.Querier, query string, args ...any) ([]Class, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Class
	for rows.Next() {
		var c Class
		var archived sql.NullTime
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.Name, &archived, &c.CreatedAt, &c.StudentCount); err != nil {
			return nil, db.MapError(err)
		}
		c.ArchivedAt = timePtr(archived)
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}

// idPairs reads two-column id maps (key → school id).
func idPairs(ctx context.Context, q db.Querier, query string, args ...any) (map[int64]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var k, v int64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, db.MapError(err)
		}
		out[k] = v
	}
	return out, db.MapError(rows.Err())
}

// idRows reads a one-column list of ids, in the query's order.
func idRows(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, id)
	}
	return out, db.MapError(rows.Err())
}

// idSet reads a one-column list of ids as a set.
func idSet(ctx context.Context, q db.Querier, query string, args ...any) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.MapError(err)
		}
		out[id] = true
	}
	return out, db.MapError(rows.Err())
}

// ClassSettings are what a teacher switches per class.
type ClassSettings struct {
	HidePoints bool
	// AvatarChoice: the class's students choose their own character.
	AvatarChoice bool
}

// ClassSettingsOf reads a class's settings.
func ClassSettingsOf(ctx context.Context, q db.Querier, classID int64) (ClassSettings, error) {
	var s ClassSettings
	err := q.QueryRowContext(ctx, `SELECT hide_points, avatar_choice FROM classes WHERE id = $1`, classID).Scan(&s.HidePoints, &s.AvatarChoice)
	return s, db.MapError(err)
}

// SetHidePoints changes whether families see a class's points.
func SetHidePoints(ctx context.Context, q db.Querier, classID int64, hide bool) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET hide_points = $1 WHERE id = $2`, hide, classID)
	return db.MapError(err)
}

// SetClassCode stores the hash of a class's new login code.
func SetClassCode(ctx context.Context, q db.Querier, classID int64, hash string, expires time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET code_hash = $1, code_expires_at = $2 WHERE id = $3`, hash, expires, classID)
	return db.MapError(err)
}

// ClassByCode finds the class whose live code has this hash.
func ClassByCode(ctx context.Context, q db.Querier, hash string, now time.Time) (*Class, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM classes WHERE code_hash = $1 AND code_expires_at > $2 AND archived_at IS NULL`, hash, now).Scan(&id)
	if err != nil {
		return nil, db.MapError(err)
	}
	return ClassByID(ctx, q, id)
}

// ClassCodeExpiry reports when a class's code expires (zero if none).
func ClassCodeExpiry(ctx context.Context, q db.Querier, classID int64) (time.Time, error) {
	var t sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT code_expires_at FROM classes WHERE id = $1`, classID).Scan(&t)
	return t.Time, db.MapError(err)
}

// ArchiveClass marks a class archived (at a year's end).
func ArchiveClass(ctx context.Context, q db.Querier, classID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET archived_at = $1, code_hash = NULL WHERE id = $2`, now, classID)
	return db.MapError(err)
}

// TeachersOf lists a class's teachers' user ids.
func TeachersOf(ctx context.Context, q db.Querier, classID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT user_id FROM class_teachers WHERE class_id = $1 ORDER BY created_at`, classID)
}

// ClassRefByID reads just what access decisions need about a class: its
// school and whether it is archived (no roster count, unlike ClassByID).
func ClassRefByID(ctx context.Context, q db.Querier, id int64) (*Class, error) {
	var c Class
	var archived sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT id, school_id, name, archived_at, created_at FROM classes WHERE id = $1`, id).
		Scan(&c.ID, &c.SchoolID, &c.Name, &archived, &c.CreatedAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	c.ArchivedAt = timePtr(archived)
	return &c, nil
}

// StaffLink is a staff member's active place in one school.
type StaffLink struct {
	Leader, Verified bool
	// RequireTwoFactor: the school requires two-factor login of its staff.
	RequireTwoFactor bool
}

// StaffLinks reads, in one query, a staff member's active memberships and
// the classes they teach (class → school): what every request of theirs
// needs for access decisions.
func StaffLinks(ctx context.Context, q db.Querier, userID int64) (schools map[int64]StaffLink, classes map[int64]int64, err error) {
	rows, err := q.QueryContext(ctx, `SELECT 'm', m.school_id, CASE WHEN m.role = 'leader' THEN 1 ELSE 0 END,
		CASE WHEN m.verified_at IS NULL THEN 0 ELSE 1 END, CASE WHEN s.require_two_factor THEN 1 ELSE 0 END
		FROM school_members m JOIN schools s ON s.id = m.school_id WHERE m.user_id = $1 AND m.status = 'active'
		UNION ALL SELECT 'c', class_id, school_id, 0, 0 FROM class_teachers WHERE user_id = $1`, userID)
	if err != nil {
		return nil, nil, db.MapError(err)
	}
	defer rows.Close()
	schools, classes = map[int64]StaffLink{}, map[int64]int64{}
	for rows.Next() {
		var kind string
		var a, b, c, d int64
		if err := rows.Scan(&kind, &a, &b, &c, &d); err != nil {
			return nil, nil, db.MapError(err)
		}
		if kind == "m" {
			schools[a] = StaffLink{Leader: b == 1, Verified: c == 1, RequireTwoFactor: d == 1}
		} else {
			classes[a] = b
		}
	}
	return schools, classes, db.MapError(rows.Err())
}
