package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// PortfolioActivity is what a teacher asks a class (or some of its
// students) to make for their portfolios.
type PortfolioActivity struct {
	ID           int64
	SchoolID     int64
	ClassID      int64
	AuthorID     int64 // 0 once the teacher's account is erased
	Title        string
	Instructions string
	DueOn        string // YYYY-MM-DD in the schools' zone, or ""
	ForAll       bool
	TemplateKind string // "", AttachPhoto or AttachFile
	TemplateName string
	TemplateType string
	TemplateKey  string
	PublicID     string
	CreatedAt    time.Time

	// Filled by reads.
	ClassName string
	Archived  bool // the class is archived (last year's)
}

// CreatePortfolioActivity inserts an activity (its students, when not for
// the whole class, with AddActivityStudent).
func CreatePortfolioActivity(ctx context.Context, q db.Querier, a *PortfolioActivity) error {
	err := q.QueryRowContext(ctx, `INSERT INTO portfolio_activities (school_id, class_id, author_id, title, instructions, due_on, for_all,
		template_kind, template_name, template_type, template_key, public_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		a.SchoolID, a.ClassID, nullID(a.AuthorID), a.Title, a.Instructions, nullString(a.DueOn), a.ForAll,
		a.TemplateKind, a.TemplateName, a.TemplateType, a.TemplateKey, a.PublicID, a.CreatedAt).Scan(&a.ID)
	return db.MapError(err)
}

// AddActivityStudent names a student an activity is for.
func AddActivityStudent(ctx context.Context, q db.Querier, schoolID, activityID, studentID int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO portfolio_activity_students (school_id, activity_id, student_id) VALUES ($1, $2, $3)
		ON CONFLICT (activity_id, student_id) DO NOTHING`, schoolID, activityID, studentID)
	return db.MapError(err)
}

const activityColumns = `a.id, a.school_id, a.class_id, COALESCE(a.author_id, 0), a.title, a.instructions, COALESCE(a.due_on, ''), a.for_all,
	a.template_kind, a.template_name, a.template_type, a.template_key, a.public_id, a.created_at, c.name, c.archived_at IS NOT NULL`

const activityFrom = ` FROM portfolio_activities a JOIN classes c ON c.id = a.class_id `

func listActivities(ctx context.Context, q db.Querier, query string, args ...any) ([]PortfolioActivity, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+activityColumns+activityFrom+query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []PortfolioActivity
	for rows.Next() {
		var a PortfolioActivity
		if err := rows.Scan(&a.ID, &a.SchoolID, &a.ClassID, &a.AuthorID, &a.Title, &a.Instructions, &a.DueOn, &a.ForAll,
			&a.TemplateKind, &a.TemplateName, &a.TemplateType, &a.TemplateKey, &a.PublicID, &a.CreatedAt, &a.ClassName, &a.Archived); err != nil {
			return nil, db.MapError(err)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, db.MapError(rows.Err())
}

// PortfolioActivityByID returns one activity.
func PortfolioActivityByID(ctx context.Context, q db.Querier, id int64) (*PortfolioActivity, error) {
	list, err := listActivities(ctx, q, `WHERE a.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// ActivitiesOfClass lists a class's activities, newest first.
func ActivitiesOfClass(ctx context.Context, q db.Querier, classID int64) ([]PortfolioActivity, error) {
	return listActivities(ctx, q, `WHERE a.class_id = $1 ORDER BY a.created_at DESC, a.id DESC`, classID)
}

// ActivitiesByAuthor lists a teacher's activities in every class they set
// one in, last year's included, newest first: the library they copy from.
func ActivitiesByAuthor(ctx context.Context, q db.Querier, authorID int64, limit int) ([]PortfolioActivity, error) {
	return listActivities(ctx, q, `WHERE a.author_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2`, authorID, limit)
}

// ActivitiesForStudent lists the activities of a student's current
// classes that are for them (the whole class, or naming them), newest
// first.
func ActivitiesForStudent(ctx context.Context, q db.Querier, studentID int64) ([]PortfolioActivity, error) {
	return listActivities(ctx, q, `JOIN class_students cs ON cs.class_id = a.class_id AND cs.student_id = $1 AND cs.removed_at IS NULL
		WHERE c.archived_at IS NULL AND (a.for_all OR EXISTS (SELECT 1 FROM portfolio_activity_students s WHERE s.activity_id = a.id AND s.student_id = $1))
		ORDER BY a.created_at DESC, a.id DESC`, studentID)
}

// ActivityForStudent reports whether an activity is for a student now:
// they are on its class's roster and it is for the whole class or names
// them.
func ActivityForStudent(ctx context.Context, q db.Querier, activityID, studentID int64) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM portfolio_activities a
		JOIN class_students cs ON cs.class_id = a.class_id AND cs.student_id = $2 AND cs.removed_at IS NULL
		WHERE a.id = $1 AND (a.for_all OR EXISTS (SELECT 1 FROM portfolio_activity_students s WHERE s.activity_id = a.id AND s.student_id = $2)))`,
		activityID, studentID).Scan(&ok)
	return ok, db.MapError(err)
}

// ActivityStudents lists the students an activity names.
func ActivityStudents(ctx context.Context, q db.Querier, activityID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT student_id FROM portfolio_activity_students WHERE activity_id = $1 ORDER BY student_id`, activityID)
}

// DeletePortfolioActivity removes an activity; work posted for it stays
// in the students' portfolios (activity_id becomes NULL).
func DeletePortfolioActivity(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM portfolio_activities WHERE id = $1`, id)
	return db.MapError(err)
}

// PortfolioSettings are a class's portfolio switches with what decides
// whether they apply.
type PortfolioSettings struct {
	ApprovalOff bool
	CommentsOff bool
	ClassGrade  *int
	// SchoolGrade is the lowest grade whose classes may skip approval
	// (nil: none may).
	SchoolGrade *int
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// ClassPortfolioSettings reads a class's portfolio switches.
func ClassPortfolioSettings(ctx context.Context, q db.Querier, classID int64) (PortfolioSettings, error) {
	var s PortfolioSettings
	var grade, school sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT c.portfolio_approval_off, c.portfolio_comments_off, c.grade, s.portfolio_no_approval_grade
		FROM classes c JOIN schools s ON s.id = c.school_id WHERE c.id = $1`, classID).Scan(&s.ApprovalOff, &s.CommentsOff, &grade, &school)
	s.ClassGrade, s.SchoolGrade = intPtr(grade), intPtr(school)
	return s, db.MapError(err)
}

// SetClassPortfolioSettings saves a class's switches.
func SetClassPortfolioSettings(ctx context.Context, q db.Querier, classID int64, approvalOff, commentsOff bool) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET portfolio_approval_off = $1, portfolio_comments_off = $2 WHERE id = $3`, approvalOff, commentsOff, classID)
	return db.MapError(err)
}

// SchoolPortfolioGrade reads the grade from which a school's teachers may
// turn approval off (nil: never).
func SchoolPortfolioGrade(ctx context.Context, q db.Querier, schoolID int64) (*int, error) {
	var n sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT portfolio_no_approval_grade FROM schools WHERE id = $1`, schoolID).Scan(&n)
	return intPtr(n), db.MapError(err)
}

// SetSchoolPortfolioGrade sets (nil: clears) that grade.
func SetSchoolPortfolioGrade(ctx context.Context, q db.Querier, schoolID int64, grade *int) error {
	var v sql.NullInt64
	if grade != nil {
		v = sql.NullInt64{Int64: int64(*grade), Valid: true}
	}
	_, err := q.ExecContext(ctx, `UPDATE schools SET portfolio_no_approval_grade = $1 WHERE id = $2`, v, schoolID)
	return db.MapError(err)
}
