package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Teacher ↔ student messages: a class's grade, a student's grade (the
// highest of their current classes'), the conversation of a teacher and a
// student, and the parents reading along in it.

// ClassGrade is a class of a school with its grade (nil: none set).
type ClassGrade struct {
	ID    int64
	Name  string
	Grade *int
}

// ClassGradesOf lists a school's classes in use with their grades, by name.
func ClassGradesOf(ctx context.Context, q db.Querier, schoolID int64) ([]ClassGrade, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, grade FROM classes WHERE school_id = $1 AND archived_at IS NULL ORDER BY name, id`, schoolID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []ClassGrade
	for rows.Next() {
		var c ClassGrade
		var g sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Name, &g); err != nil {
			return nil, db.MapError(err)
		}
		if g.Valid {
			n := int(g.Int64)
			c.Grade = &n
		}
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}

// SetClassGrade sets (nil: clears) the grade of a class of a school; ok is
// false when the school has no such class.
func SetClassGrade(ctx context.Context, q db.Querier, schoolID, classID int64, grade *int) (bool, error) {
	var g sql.NullInt64
	if grade != nil {
		g = sql.NullInt64{Int64: int64(*grade), Valid: true}
	}
	n, err := Exec(ctx, q, `UPDATE classes SET grade = $1 WHERE id = $2 AND school_id = $3`, g, classID, schoolID)
	return n > 0, err
}

// StudentGrade is the highest grade of a student's current classes; ok is
// false when none of them has one.
func StudentGrade(ctx context.Context, q db.Querier, studentID int64) (grade int, ok bool, err error) {
	var g sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT max(c.grade) FROM class_students cs JOIN classes c ON c.id = cs.class_id
		WHERE cs.student_id = $1 AND cs.removed_at IS NULL AND c.archived_at IS NULL`, studentID).Scan(&g)
	return int(g.Int64), g.Valid, db.MapError(err)
}

// StudentContact is a student of a teacher's class, as the composer lists
// them, with their grade (HasGrade false: none of their classes has one).
type StudentContact struct {
	MessageContact
	Grade    int
	HasGrade bool
}

// StudentsInClasses lists the students on the rosters of the given
// classes now, with their account and grade, by first name.
func StudentsInClasses(ctx context.Context, q db.Querier, classIDs []int64) ([]StudentContact, error) {
	if len(classIDs) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT s.user_id, s.school_id, su.first_name, su.last_name, s.id,
		(SELECT max(c.grade) FROM class_students x JOIN classes c ON c.id = x.class_id
			WHERE x.student_id = s.id AND x.removed_at IS NULL AND c.archived_at IS NULL)
		FROM class_students cs JOIN classes cl ON cl.id = cs.class_id AND cl.archived_at IS NULL
		JOIN students s ON s.id = cs.student_id AND s.left_at IS NULL JOIN users su ON su.id = s.user_id
		WHERE cs.class_id IN (`+storyIDs(classIDs)+`) AND cs.removed_at IS NULL
		ORDER BY su.first_name, s.id`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []StudentContact
	for rows.Next() {
		c := StudentContact{MessageContact: MessageContact{Kind: KindStudent}}
		var g sql.NullInt64
		if err := rows.Scan(&c.UserID, &c.SchoolID, &c.FirstName, &c.LastName, &c.StudentID, &g); err != nil {
			return nil, db.MapError(err)
		}
		c.StudentFirst, c.Grade, c.HasGrade = c.FirstName, int(g.Int64), g.Valid
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}

// FindStudentConversation returns the conversation of a member of staff
// and a student, or ErrNotFound, so writing to the student again opens it.
func FindStudentConversation(ctx context.Context, q db.Querier, schoolID, studentID, staffID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT c.id FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id
		WHERE c.school_id = $1 AND c.kind = 'student' AND c.student_id = $2 AND m.user_id = $3 AND m.role = 'member'
		ORDER BY c.id LIMIT 1`, schoolID, studentID, staffID).Scan(&id)
	return id, db.MapError(err)
}

// AddObservers puts parents in a student's conversation to read along;
// those already in it stay as they are.
func AddObservers(ctx context.Context, q db.Querier, schoolID, convID int64, userIDs []int64, now time.Time) error {
	if len(userIDs) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `INSERT INTO conversation_members (school_id, conversation_id, user_id, role, joined_at, active_at)
		SELECT $1, $2, u.id, 'observer', $3, $3 FROM users u WHERE u.id IN (`+storyIDs(userIDs)+`)
		ON CONFLICT (conversation_id, user_id) DO NOTHING`, schoolID, convID, now)
	return db.MapError(err)
}

// Observers lists the parents reading along in a conversation, by name.
func Observers(ctx context.Context, q db.Querier, convID int64) ([]Member, error) {
	return listMembers(ctx, q, `WHERE m.conversation_id = $1 AND m.role = 'observer' ORDER BY u.last_name, u.first_name, u.id`, convID)
}

// HasConversations reports whether a person is in any conversation (a
// student's navigation shows Messages only then).
func HasConversations(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM conversation_members WHERE user_id = $1 LIMIT 1) t`, userID).Scan(&n)
	return n > 0, db.MapError(err)
}
