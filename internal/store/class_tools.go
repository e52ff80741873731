package store

import (
	"context"
	"database/sql"

	"cubby/internal/db"
)

// The store side of the classroom tools (issue 15): a class's own skills
// edited by its teachers, and the character a student is shown as.

// UpdateSkill changes a skill's name, weight and icon. Points already
// given keep the name and weight they copied when they were given.
func UpdateSkill(ctx context.Context, q db.Querier, s *Skill) error {
	_, err := q.ExecContext(ctx, `UPDATE skills SET name = $1, weight = $2, icon = $3 WHERE id = $4 AND archived_at IS NULL`,
		s.Name, s.Weight, s.Icon, s.ID)
	return db.MapError(err)
}

// SkillNameTaken reports whether a class (classID, or the school-wide
// list when 0) already shows a live skill of this name, ignoring case and
// skill exceptID (the one being renamed). A class shows its own skills and
// the school's, so a class skill may not repeat a school-wide one.
func SkillNameTaken(ctx context.Context, q db.Querier, schoolID, classID, exceptID int64, name string) (bool, error) {
	scope := `class_id IS NULL`
	args := []any{schoolID, exceptID, name}
	if classID != 0 {
		scope = `(class_id = $4 OR class_id IS NULL)`
		args = append(args, classID)
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM skills WHERE school_id = $1 AND id <> $2 AND archived_at IS NULL
		AND fold_case(name) = fold_case($3) AND `+scope, args...).Scan(&n)
	return n > 0, db.MapError(err)
}

// effectiveAvatar is the character a student is shown as: their own
// choice only while none of their current classes turned choosing off,
// the teacher's choice always, else ” (the one generated from their id).
const effectiveAvatar = `CASE WHEN s.avatar_by = 'student' AND EXISTS (SELECT 1 FROM class_students ca JOIN classes cl ON cl.id = ca.class_id
		WHERE ca.student_id = s.id AND ca.removed_at IS NULL AND cl.archived_at IS NULL AND NOT cl.avatar_choice)
	THEN '' ELSE COALESCE(s.avatar, '') END`

// SetStudentAvatar stores the character chosen for a student and who
// chose it ("student" or "teacher"); an empty avatar goes back to the
// generated one.
func SetStudentAvatar(ctx context.Context, q db.Querier, studentID int64, avatar, by string) error {
	var a, b any
	if avatar != "" {
		a, b = avatar, by
	}
	_, err := q.ExecContext(ctx, `UPDATE students SET avatar = $1, avatar_by = $2 WHERE id = $3`, a, b, studentID)
	return db.MapError(err)
}

// OwnAvatar is what is stored for a student, whether shown or set aside.
type OwnAvatar struct {
	Avatar string // "" for the generated one
	By     string // "student", "teacher" or ""
	// ChoiceOff: a current class of the student's does not let students
	// choose their character.
	ChoiceOff bool
}

// StudentOwnAvatar reads a student's stored character and whether their
// classes let them choose it.
func StudentOwnAvatar(ctx context.Context, q db.Querier, studentID int64) (OwnAvatar, error) {
	var o OwnAvatar
	var a, b sql.NullString
	err := q.QueryRowContext(ctx, `SELECT s.avatar, s.avatar_by, EXISTS (SELECT 1 FROM class_students ca JOIN classes cl ON cl.id = ca.class_id
		WHERE ca.student_id = s.id AND ca.removed_at IS NULL AND cl.archived_at IS NULL AND NOT cl.avatar_choice)
		FROM students s WHERE s.id = $1`, studentID).Scan(&a, &b, &o.ChoiceOff)
	o.Avatar, o.By = a.String, b.String
	return o, db.MapError(err)
}

// SetAvatarChoice changes whether a class's students choose their own
// character.
func SetAvatarChoice(ctx context.Context, q db.Querier, classID int64, on bool) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET avatar_choice = $1 WHERE id = $2`, on, classID)
	return db.MapError(err)
}
