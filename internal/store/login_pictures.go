package store

import (
	"context"
	"database/sql"

	"cubby/internal/db"
)

// StudentPictures reads a student's two login pictures ("" when none
// are set) and whether a current class of theirs asks for them.
func StudentPictures(ctx context.Context, q db.Querier, studentID int64) (pictures string, required bool, err error) {
	var p sql.NullString
	err = q.QueryRowContext(ctx, `SELECT s.login_pictures, EXISTS (SELECT 1 FROM class_students ca JOIN classes cl ON cl.id = ca.class_id
		WHERE ca.student_id = s.id AND ca.removed_at IS NULL AND cl.archived_at IS NULL AND cl.picture_login)
		FROM students s WHERE s.id = $1`, studentID).Scan(&p, &required)
	return p.String, required, db.MapError(err)
}

// PicturesOfClass maps the class's current students to their login
// pictures, for those who have them.
func PicturesOfClass(ctx context.Context, q db.Querier, classID int64) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.login_pictures FROM students s JOIN class_students ca ON ca.student_id = s.id
		WHERE ca.class_id = $1 AND ca.removed_at IS NULL AND s.login_pictures IS NOT NULL`, classID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, db.MapError(err)
		}
		out[id] = p
	}
	return out, db.MapError(rows.Err())
}

// SetStudentPictures stores a student's login pictures ("" clears them).
func SetStudentPictures(ctx context.Context, q db.Querier, studentID int64, pictures string) error {
	var v any
	if pictures != "" {
		v = pictures
	}
	_, err := q.ExecContext(ctx, `UPDATE students SET login_pictures = $1 WHERE id = $2`, v, studentID)
	return db.MapError(err)
}

// PictureLogin reads whether a class asks its students for their pictures.
func PictureLogin(ctx context.Context, q db.Querier, classID int64) (bool, error) {
	var on bool
	err := q.QueryRowContext(ctx, `SELECT picture_login FROM classes WHERE id = $1`, classID).Scan(&on)
	return on, db.MapError(err)
}

// SetPictureLogin turns picture login on or off for a class.
func SetPictureLogin(ctx context.Context, q db.Querier, classID int64, on bool) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET picture_login = $1 WHERE id = $2`, on, classID)
	return db.MapError(err)
}

// AttendanceWindow reads how many days back a school's teachers may
// correct attendance.
func AttendanceWindow(ctx context.Context, q db.Querier, schoolID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT attendance_window FROM schools WHERE id = $1`, schoolID).Scan(&n)
	return n, db.MapError(err)
}

// SetAttendanceWindow changes it.
func SetAttendanceWindow(ctx context.Context, q db.Querier, schoolID int64, days int) error {
	_, err := q.ExecContext(ctx, `UPDATE schools SET attendance_window = $1 WHERE id = $2`, days, schoolID)
	return db.MapError(err)
}
