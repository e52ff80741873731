package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Student is a child's profile in one school, joined with the names from
// their user account.
type Student struct {
	ID         int64
	SchoolID   int64
	UserID     int64
	FirstName  string
	LastName   string
	Username   string
	ParentCode string
	CreatedAt  time.Time
	LeftAt     *time.Time
	// Avatar is the character the student is shown as (app.AvatarChoices),
	// "" for the one generated from their id (class_tools.go).
	Avatar string
}

// CreateStudent inserts the student profile for an existing student user.
func CreateStudent(ctx context.Context, q db.Querier, s *Student) error {
	err := q.QueryRowContext(ctx, `INSERT INTO students (school_id, user_id, parent_code, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		s.SchoolID, s.UserID, s.ParentCode, s.CreatedAt).Scan(&s.ID)
	return db.MapError(err)
}

// EnrollStudent puts a student on a class roster.
func EnrollStudent(ctx context.Context, q db.Querier, schoolID, classID, studentID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO class_students (school_id, class_id, student_id, added_at) VALUES ($1, $2, $3, $4)`,
		schoolID, classID, studentID, now)
	return db.MapError(err)
}

const studentSelect = `SELECT s.id, s.school_id, s.user_id, u.first_name, u.last_name, u.username, s.parent_code, s.created_at, s.left_at, ` + effectiveAvatar + `
	FROM students s JOIN users u ON u.id = s.user_id`

// StudentsOfClass lists a class's current roster by first name.
func StudentsOfClass(ctx context.Context, q db.Querier, classID int64) ([]Student, error) {
	return listStudents(ctx, q, studentSelect+` JOIN class_students cs ON cs.student_id = s.id
		WHERE cs.class_id = $1 AND cs.removed_at IS NULL ORDER BY u.first_name, u.last_name, s.id`, classID)
}

// ChildrenOfParent lists the students a parent is connected to.
func ChildrenOfParent(ctx context.Context, q db.Querier, parentID int64) ([]Student, error) {
	return listStudents(ctx, q, studentSelect+` JOIN guardians g ON g.student_id = s.id
		WHERE g.user_id = $1 ORDER BY u.first_name, s.id`, parentID)
}

// StudentByUserID returns the student profile of a student account.
func StudentByUserID(ctx context.Context, q db.Querier, userID int64) (*Student, error) {
	list, err := listStudents(ctx, q, studentSelect+` WHERE s.user_id = $1`, userID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// StudentCount counts the students currently in a school.
func StudentCount(ctx context.Context, q db.Querier, schoolID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM students WHERE school_id = $1 AND left_at IS NULL`, schoolID).Scan(&n)
	return n, db.MapError(err)
}

func listStudents(ctx context.Context, q db.Querier, query string, args ...any) ([]Student, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Student
	for rows.Next() {
		var s Student
		var username sql.NullString
		var left sql.NullTime
		if err := rows.Scan(&s.ID, &s.SchoolID, &s.UserID, &s.FirstName, &s.LastName, &username, &s.ParentCode, &s.CreatedAt, &left, &s.Avatar); err != nil {
			return nil, db.MapError(err)
		}
		s.Username, s.LeftAt = username.String, timePtr(left)
		out = append(out, s)
	}
	return out, db.MapError(rows.Err())
}

// AddGuardian connects a parent account to a student.
func AddGuardian(ctx context.Context, q db.Querier, schoolID, studentID, parentID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO guardians (school_id, student_id, user_id, created_at) VALUES ($1, $2, $3, $4)`,
		schoolID, studentID, parentID, now)
	return db.MapError(err)
}

// ChildIDs maps each student a parent is connected to onto its school.
func ChildIDs(ctx context.Context, q db.Querier, parentID int64) (map[int64]int64, error) {
	return idPairs(ctx, q, `SELECT student_id, school_id FROM guardians WHERE user_id = $1`, parentID)
}

// StudentByID returns a student profile with names.
func StudentByID(ctx context.Context, q db.Querier, id int64) (*Student, error) {
	list, err := listStudents(ctx, q, studentSelect+` WHERE s.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// StudentByParentCode finds the student a parent code belongs to.
// SetParentCode gives a student a new parent code; the old one stops
// working. Parents already connected stay connected.
func SetParentCode(ctx context.Context, q db.Querier, studentID int64, code string) error {
	_, err := q.ExecContext(ctx, `UPDATE students SET parent_code = $1 WHERE id = $2`, code, studentID)
	return db.MapError(err)
}

func StudentByParentCode(ctx context.Context, q db.Querier, code string) (*Student, error) {
	list, err := listStudents(ctx, q, studentSelect+` WHERE s.parent_code = $1`, code)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// CurrentClassIDs lists the classes a student is currently on the roster
// of. Archived classes (past years) are history, not current: their
// teachers no longer reach the student through them.
func CurrentClassIDs(ctx context.Context, q db.Querier, studentID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT cs.class_id FROM class_students cs JOIN classes c ON c.id = cs.class_id
		WHERE cs.student_id = $1 AND cs.removed_at IS NULL AND c.archived_at IS NULL ORDER BY cs.class_id`, studentID)
}

// RemoveFromClass takes a student off a roster, keeping their history.
func RemoveFromClass(ctx context.Context, q db.Querier, classID, studentID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE class_students SET removed_at = $1 WHERE class_id = $2 AND student_id = $3 AND removed_at IS NULL`, now, classID, studentID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReEnrollStudent puts a removed student back on a roster, or enrolls them.
func ReEnrollStudent(ctx context.Context, q db.Querier, schoolID, classID, studentID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO class_students (school_id, class_id, student_id, added_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (class_id, student_id) DO UPDATE SET removed_at = NULL`, schoolID, classID, studentID, now)
	return db.MapError(err)
}

// RemoveGuardian disconnects a parent from a student.
func RemoveGuardian(ctx context.Context, q db.Querier, studentID, parentID int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM guardians WHERE student_id = $1 AND user_id = $2`, studentID, parentID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Guardian is a parent connected to a student.
type Guardian struct {
	UserID    int64
	Title     string
	FirstName string
	LastName  string
	CreatedAt time.Time
}

// GuardiansOf lists the parents connected to a student.
func GuardiansOf(ctx context.Context, q db.Querier, studentID int64) ([]Guardian, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.title, u.first_name, u.last_name, g.created_at FROM guardians g JOIN users u ON u.id = g.user_id
		WHERE g.student_id = $1 ORDER BY g.created_at`, studentID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Guardian
	for rows.Next() {
		var g Guardian
		if err := rows.Scan(&g.UserID, &g.Title, &g.FirstName, &g.LastName, &g.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, g)
	}
	return out, db.MapError(rows.Err())
}

// UsernameTaken reports whether a username is in use.
func UsernameTaken(ctx context.Context, q db.Querier, username string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username = $1`, username).Scan(&n)
	return n > 0, db.MapError(err)
}

// StudentByName finds a school's current student by first and last name
// (case-insensitively), so adding a child twice reuses their profile.
func StudentByName(ctx context.Context, q db.Querier, schoolID int64, first, last string) (*Student, error) {
	list, err := listStudents(ctx, q, studentSelect+` WHERE s.school_id = $1 AND s.left_at IS NULL
		AND fold_case(u.first_name) = fold_case($2) AND fold_case(u.last_name) = fold_case($3) ORDER BY s.id LIMIT 1`, schoolID, first, last)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}
