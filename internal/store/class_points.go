package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"cubby/internal/db"
)

// Skill is what a point is for. ClassID 0 means school-wide.
type Skill struct {
	ID       int64
	SchoolID int64
	ClassID  int64
	Name     string
	Weight   int
	// Icon is one of app.SkillIcons, drawn on the skill's button; "" none.
	Icon       string
	ArchivedAt *time.Time
	CreatedAt  time.Time
}

// CreateSkill inserts a skill.
func CreateSkill(ctx context.Context, q db.Querier, s *Skill) error {
	err := q.QueryRowContext(ctx, `INSERT INTO skills (school_id, class_id, name, weight, icon, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		s.SchoolID, nullID(s.ClassID), s.Name, s.Weight, s.Icon, s.CreatedAt).Scan(&s.ID)
	return db.MapError(err)
}

// SkillsForClass lists a class's live skills and its school's school-wide
// ones: positive first, then zero, then needs-work, by name.
func SkillsForClass(ctx context.Context, q db.Querier, schoolID, classID int64) ([]Skill, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, school_id, COALESCE(class_id, 0), name, weight, icon, created_at FROM skills
		WHERE school_id = $1 AND (class_id = $2 OR class_id IS NULL) AND archived_at IS NULL
		ORDER BY CASE WHEN weight > 0 THEN 0 WHEN weight = 0 THEN 1 ELSE 2 END, name, id`, schoolID, classID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Skill
	for rows.Next() {
		var s Skill
		if err := rows.Scan(&s.ID, &s.SchoolID, &s.ClassID, &s.Name, &s.Weight, &s.Icon, &s.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, s)
	}
	return out, db.MapError(rows.Err())
}

// ArchiveSkill retires a skill; its past points keep their copied name.
func ArchiveSkill(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE skills SET archived_at = $1 WHERE id = $2`, now, id)
	return db.MapError(err)
}

// Point is one feedback point given to one student.
type Point struct {
	ID        int64
	SchoolID  int64
	ClassID   int64
	StudentID int64
	SkillID   int64
	SkillName string
	Weight    int
	Note      string
	AwardedBy int64
	AwardedAt time.Time
}

// AddPoint inserts a point.
func AddPoint(ctx context.Context, q db.Querier, p *Point) error {
	err := q.QueryRowContext(ctx, `INSERT INTO points (school_id, class_id, student_id, skill_id, skill_name, weight, note, awarded_by, awarded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		p.SchoolID, p.ClassID, p.StudentID, nullID(p.SkillID), p.SkillName, p.Weight, p.Note, nullID(p.AwardedBy), p.AwardedAt).Scan(&p.ID)
	return db.MapError(err)
}

// PointByID returns one point.
func PointByID(ctx context.Context, q db.Querier, id int64) (*Point, error) {
	list, err := listPoints(ctx, q, `WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// DeletePoint removes a point (an undo).
func DeletePoint(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM points WHERE id = $1`, id)
	return db.MapError(err)
}

// PointsOfStudent lists a student's points in [from, to), newest first.
func PointsOfStudent(ctx context.Context, q db.Querier, studentID int64, from, to time.Time, limit int) ([]Point, error) {
	return listPoints(ctx, q, `WHERE student_id = $1 AND awarded_at >= $2 AND awarded_at < $3 ORDER BY awarded_at DESC, id DESC LIMIT $4`,
		studentID, from, to, limit)
}

func listPoints(ctx context.Context, q db.Querier, where string, args ...any) ([]Point, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, school_id, class_id, student_id, COALESCE(skill_id, 0), skill_name, weight, note, COALESCE(awarded_by, 0), awarded_at
		FROM points `+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var p Point
		if err := rows.Scan(&p.ID, &p.SchoolID, &p.ClassID, &p.StudentID, &p.SkillID, &p.SkillName, &p.Weight, &p.Note, &p.AwardedBy, &p.AwardedAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, p)
	}
	return out, db.MapError(rows.Err())
}

// Totals sums points: the net total and the positive and needs-work sums.
type Totals struct {
	Total, Positive, NeedsWork, Count int
}

// ClassTotalsSince returns each student's totals in a class since from —
// the class view's "today" bubbles in one indexed query.
func ClassTotalsSince(ctx context.Context, q db.Querier, classID int64, from time.Time) (map[int64]Totals, error) {
	return totalsBy(ctx, q, `SELECT student_id, `+pointSums+` FROM points WHERE class_id = $1 AND awarded_at >= $2 GROUP BY student_id`, classID, from)
}

// StudentTotals sums a student's points in [from, to).
func StudentTotals(ctx context.Context, q db.Querier, studentID int64, from, to time.Time) (Totals, error) {
	var t Totals
	err := q.QueryRowContext(ctx, `SELECT `+pointSums+`
		FROM points WHERE student_id = $1 AND awarded_at >= $2 AND awarded_at < $3`, studentID, from, to).
		Scan(&t.Total, &t.Positive, &t.NeedsWork, &t.Count)
	return t, db.MapError(err)
}

// SkillOfClass returns a live skill usable in a class: the class's own or
// its school's; anything else is ErrNotFound.
func SkillOfClass(ctx context.Context, q db.Querier, schoolID, classID, skillID int64) (*Skill, error) {
	var s Skill
	err := q.QueryRowContext(ctx, `SELECT id, school_id, COALESCE(class_id, 0), name, weight, icon, created_at FROM skills
		WHERE id = $1 AND school_id = $2 AND (class_id = $3 OR class_id IS NULL) AND archived_at IS NULL`, skillID, schoolID, classID).
		Scan(&s.ID, &s.SchoolID, &s.ClassID, &s.Name, &s.Weight, &s.Icon, &s.CreatedAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	return &s, nil
}

// RosterMark is what an award needs to know of one student on a roster
// today.
type RosterMark struct {
	Status     string // attendance today, "" when not taken
	Restricted bool   // processing restricted (GDPR Art. 18): no new points
}

// RosterToday maps each current student of a class to their attendance
// status on day and whether their processing is restricted: the facts an
// award checks, in one query.
func RosterToday(ctx context.Context, q db.Querier, classID int64, day string) (map[int64]RosterMark, error) {
	rows, err := q.QueryContext(ctx, `SELECT cs.student_id, COALESCE(a.status, ''),
		EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.student_id = cs.student_id AND r.status = 'active')
		FROM class_students cs
		LEFT JOIN attendance a ON a.class_id = cs.class_id AND a.student_id = cs.student_id AND a.day = $2
		WHERE cs.class_id = $1 AND cs.removed_at IS NULL`, classID, day)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[int64]RosterMark{}
	for rows.Next() {
		var id int64
		var m RosterMark
		if err := rows.Scan(&id, &m.Status, &m.Restricted); err != nil {
			return nil, db.MapError(err)
		}
		out[id] = m
	}
	return out, db.MapError(rows.Err())
}

// HiddenClassesOfStudent lists the classes whose teachers hide points from
// families and in which the student has points or is enrolled.
func HiddenClassesOfStudent(ctx context.Context, q db.Querier, studentID int64) (map[int64]bool, error) {
	return idSet(ctx, q, `SELECT c.id FROM classes c WHERE c.hide_points AND (
		EXISTS (SELECT 1 FROM class_students cs WHERE cs.class_id = c.id AND cs.student_id = $1)
		OR EXISTS (SELECT 1 FROM points p WHERE p.class_id = c.id AND p.student_id = $1))`, studentID)
}

// StudentTotalsByClass sums a student's points in [from, to) per class.
func StudentTotalsByClass(ctx context.Context, q db.Querier, studentID int64, from, to time.Time) (map[int64]Totals, error) {
	return totalsBy(ctx, q, `SELECT class_id, `+pointSums+` FROM points
		WHERE student_id = $1 AND awarded_at >= $2 AND awarded_at < $3 GROUP BY class_id`, studentID, from, to)
}

// StudentToday reports whether one student is on a class's current roster
// and, if so, their RosterMark: the single-student award, the common case,
// reads one row instead of the roster.
func StudentToday(ctx context.Context, q db.Querier, classID, studentID int64, day string) (bool, RosterMark, error) {
	var m RosterMark
	err := q.QueryRowContext(ctx, `SELECT COALESCE(a.status, ''),
		EXISTS (SELECT 1 FROM processing_restrictions r WHERE r.student_id = cs.student_id AND r.status = 'active')
		FROM class_students cs
		LEFT JOIN attendance a ON a.class_id = cs.class_id AND a.student_id = cs.student_id AND a.day = $3
		WHERE cs.class_id = $1 AND cs.student_id = $2 AND cs.removed_at IS NULL`, classID, studentID, day).Scan(&m.Status, &m.Restricted)
	if errors.Is(err, sql.ErrNoRows) {
		return false, RosterMark{}, nil
	}
	return err == nil, m, db.MapError(err)
}
