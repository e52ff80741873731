package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cubby/internal/db"
)

// This file holds the roster's bookkeeping beyond a single class: imported
// records (OneRoster sourcedIds), co-teachers, school-wide settings, and
// the moves a merge of two student profiles makes.

// InsertClass inserts a class with no teacher yet (the caller adds them):
// one imported from the school's information system (sourceID is its
// sourcedId), or next year's class made by a rollover (sourceID "").
func InsertClass(ctx context.Context, q db.Querier, c *Class, sourceID string) error {
	err := q.QueryRowContext(ctx, `INSERT INTO classes (school_id, name, source_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		c.SchoolID, c.Name, nullString(sourceID), c.CreatedAt).Scan(&c.ID)
	return db.MapError(err)
}

// ClassBySourceID finds a school's class imported with this sourcedId.
func ClassBySourceID(ctx context.Context, q db.Querier, schoolID int64, sourceID string) (*Class, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM classes WHERE school_id = $1 AND source_id = $2`, schoolID, sourceID).Scan(&id)
	if err != nil {
		return nil, db.MapError(err)
	}
	return ClassByID(ctx, q, id)
}

// AddClassTeacherIfMissing makes userID a teacher of a class unless they
// already are, reporting whether they were added. (A plain insert that
// fails would abort a PostgreSQL transaction.)
func AddClassTeacherIfMissing(ctx context.Context, q db.Querier, schoolID, classID, userID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO class_teachers (school_id, class_id, user_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (class_id, user_id) DO NOTHING`, schoolID, classID, userID, now)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// EnrollCurrent puts a student on a roster, or back on it, reporting
// whether anything changed (false: already on the roster).
func EnrollCurrent(ctx context.Context, q db.Querier, schoolID, classID, studentID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO class_students (school_id, class_id, student_id, added_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (class_id, student_id) DO UPDATE SET removed_at = NULL WHERE class_students.removed_at IS NOT NULL`,
		schoolID, classID, studentID, now)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LockClass takes the class's row lock for the rest of the transaction,
// so checks like "not the last teacher" cannot race on PostgreSQL (SQLite
// already runs one writer at a time).
func LockClass(ctx context.Context, q db.Querier, classID int64) error {
	res, err := q.ExecContext(ctx, `UPDATE classes SET name = name WHERE id = $1`, classID)
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}

// RenameClass changes a class's name.
func RenameClass(ctx context.Context, q db.Querier, classID int64, name string) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET name = $1 WHERE id = $2`, name, classID)
	return db.MapError(err)
}

// StudentSourceID returns a student's sourcedId ("" when not imported).
func StudentSourceID(ctx context.Context, q db.Querier, studentID int64) (string, error) {
	var s sql.NullString
	err := q.QueryRowContext(ctx, `SELECT source_id FROM students WHERE id = $1`, studentID).Scan(&s)
	return s.String, db.MapError(err)
}

// StudentBySourceID finds a school's student imported with this sourcedId.
func StudentBySourceID(ctx context.Context, q db.Querier, schoolID int64, sourceID string) (*Student, error) {
	list, err := listStudents(ctx, q, studentSelect+` WHERE s.school_id = $1 AND s.source_id = $2`, schoolID, sourceID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// UnimportedStudentByName finds a school's current student of this name
// that no import has claimed yet, so a first import links the child a
// teacher already added instead of duplicating them.
func UnimportedStudentByName(ctx context.Context, q db.Querier, schoolID int64, first, last string) (*Student, error) {
	list, err := listStudents(ctx, q, studentSelect+` WHERE s.school_id = $1 AND s.left_at IS NULL AND s.source_id IS NULL
		AND fold_case(u.first_name) = fold_case($2) AND fold_case(u.last_name) = fold_case($3) ORDER BY s.id LIMIT 1`, schoolID, first, last)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// SetStudentSourceID records (or, with "", clears) a student's sourcedId.
func SetStudentSourceID(ctx context.Context, q db.Querier, studentID int64, sourceID string) error {
	_, err := q.ExecContext(ctx, `UPDATE students SET source_id = $1 WHERE id = $2`, nullString(sourceID), studentID)
	return db.MapError(err)
}

// RenameUser changes a person's first and last name.
func RenameUser(ctx context.Context, q db.Querier, userID int64, first, last string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET first_name = $1, last_name = $2, updated_at = $3 WHERE id = $4`, first, last, now, userID)
	return db.MapError(err)
}

// StudentsOfSchool lists a school's current students by name.
func StudentsOfSchool(ctx context.Context, q db.Querier, schoolID int64) ([]Student, error) {
	return listStudents(ctx, q, studentSelect+` WHERE s.school_id = $1 AND s.left_at IS NULL
		ORDER BY u.first_name, u.last_name, s.id`, schoolID)
}

// Teacher is one teacher of a class, as the roster page lists them.
type Teacher struct {
	UserID    int64
	Title     string
	FirstName string
	LastName  string
	Email     string
	AddedAt   time.Time
}

// ClassTeachers lists a class's teachers in the order they joined it.
func ClassTeachers(ctx context.Context, q db.Querier, classID int64) ([]Teacher, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.title, u.first_name, u.last_name, COALESCE(u.email, ''), ct.created_at
		FROM class_teachers ct JOIN users u ON u.id = ct.user_id WHERE ct.class_id = $1 ORDER BY ct.created_at, u.id`, classID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Teacher
	for rows.Next() {
		var t Teacher
		if err := rows.Scan(&t.UserID, &t.Title, &t.FirstName, &t.LastName, &t.Email, &t.AddedAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, t)
	}
	return out, db.MapError(rows.Err())
}

// RemoveClassTeacher takes a teacher off a class.
func RemoveClassTeacher(ctx context.Context, q db.Querier, classID, userID int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM class_teachers WHERE class_id = $1 AND user_id = $2`, classID, userID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ActiveStaffByEmail finds an active staff member (teacher or leader) of a
// school by their lower-cased email address.
func ActiveStaffByEmail(ctx context.Context, q db.Querier, schoolID int64, email string) (*User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT u.`+strings.ReplaceAll(userColumns, ", ", ", u.")+` FROM users u
		JOIN school_members m ON m.user_id = u.id
		WHERE m.school_id = $1 AND m.status = 'active' AND u.email = $2 AND u.disabled_at IS NULL`, schoolID, email))
}

// ShowInitials reports whether a school shows students by initials.
func ShowInitials(ctx context.Context, q db.Querier, schoolID int64) (bool, error) {
	var v bool
	err := q.QueryRowContext(ctx, `SELECT show_initials FROM schools WHERE id = $1`, schoolID).Scan(&v)
	return v, db.MapError(err)
}

// SetShowInitials changes whether a school shows students by initials.
func SetShowInitials(ctx context.Context, q db.Querier, schoolID int64, on bool) error {
	_, err := q.ExecContext(ctx, `UPDATE schools SET show_initials = $1 WHERE id = $2`, on, schoolID)
	return db.MapError(err)
}

// SchoolSkills lists a school's live school-wide skills.
func SchoolSkills(ctx context.Context, q db.Querier, schoolID int64) ([]Skill, error) {
	return listSkills(ctx, q, `WHERE school_id = $1 AND class_id IS NULL AND archived_at IS NULL
		ORDER BY CASE WHEN weight > 0 THEN 0 WHEN weight = 0 THEN 1 ELSE 2 END, name, id`, schoolID)
}

// CopyClassSettings copies the teacher's per-class settings.
func CopyClassSettings(ctx context.Context, q db.Querier, fromID, toID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET hide_points = (SELECT hide_points FROM classes WHERE id = $1),
		avatar_choice = (SELECT avatar_choice FROM classes WHERE id = $1) WHERE id = $2`, fromID, toID)
	return db.MapError(err)
}

// ClassOwnSkills lists a class's own live skills (not the school's).
func ClassOwnSkills(ctx context.Context, q db.Querier, classID int64) ([]Skill, error) {
	return listSkills(ctx, q, `WHERE class_id = $1 AND archived_at IS NULL ORDER BY id`, classID)
}

// SkillByID returns one skill, archived or not.
func SkillByID(ctx context.Context, q db.Querier, id int64) (*Skill, error) {
	list, err := listSkills(ctx, q, `WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

func listSkills(ctx context.Context, q db.Querier, where string, args ...any) ([]Skill, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, school_id, COALESCE(class_id, 0), name, weight, icon, archived_at, created_at FROM skills `+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Skill
	for rows.Next() {
		var s Skill
		var archived sql.NullTime
		if err := rows.Scan(&s.ID, &s.SchoolID, &s.ClassID, &s.Name, &s.Weight, &s.Icon, &archived, &s.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		s.ArchivedAt = timePtr(archived)
		out = append(out, s)
	}
	return out, db.MapError(rows.Err())
}
