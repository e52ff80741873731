package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"cubby/internal/db"
)

// Views of a whole class or school are audited as one entry with no
// subject, whose detail names the view and the class or school
// ("class_report:12"); app/audit_bulk.go writes them and finds them for a
// family. The audit_log_scope index serves both queries here.

// AuditedScopeSince reports whether the actor already has an entry of this
// action and detail with no subject since a moment.
func AuditedScopeSince(ctx context.Context, q db.Querier, actorID int64, action, detail string, since time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE actor_user_id = $1 AND subject_user_id IS NULL
		AND action = $2 AND detail = $3 AND created_at >= $4`, actorID, action, detail, since).Scan(&n)
	return n > 0, db.MapError(err)
}

// AuditSpan is a time during which entries with some details concern a
// person: the views of a class while a student was in it.
type AuditSpan struct {
	Details []string
	From    time.Time  // inclusive
	Until   *time.Time // exclusive; nil while it lasts
}

// AuditInSpans lists the newest entries with no subject that fall in a
// span with their detail, newest first.
func AuditInSpans(ctx context.Context, q db.Querier, spans []AuditSpan, limit int) ([]AuditEntry, error) {
	args := []any{limit}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var ors []string
	for _, sp := range spans {
		if len(sp.Details) == 0 {
			continue
		}
		in := make([]string, len(sp.Details))
		for i, d := range sp.Details {
			in[i] = arg(d)
		}
		cond := "(detail IN (" + strings.Join(in, ", ") + ") AND created_at >= " + arg(sp.From)
		if sp.Until != nil {
			cond += " AND created_at < " + arg(*sp.Until)
		}
		ors = append(ors, cond+")")
	}
	if len(ors) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE subject_user_id IS NULL AND (`+
		strings.Join(ors, " OR ")+`) ORDER BY seq DESC LIMIT $1`, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, db.MapError(rows.Err())
}

// Enrolment is when a student was in their school and in each class: what
// a view of a class or school at some moment showed of them.
type Enrolment struct {
	UserID   int64
	SchoolID int64
	Since    time.Time
	Left     *time.Time
	Classes  []ClassSpell
}

// ClassSpell is one stay on a class roster.
type ClassSpell struct {
	ClassID int64
	Added   time.Time
	Removed *time.Time
}

// EnrolmentsOf returns the enrolments of the students among the given
// users (other accounts have none).
func EnrolmentsOf(ctx context.Context, q db.Querier, userIDs []int64) ([]Enrolment, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	var args []any
	in := make([]string, len(userIDs))
	for i, id := range userIDs {
		args = append(args, id)
		in[i] = fmt.Sprintf("$%d", i+1)
	}
	rows, err := q.QueryContext(ctx, `SELECT s.user_id, s.school_id, s.created_at, s.left_at, cs.class_id, cs.added_at, cs.removed_at
		FROM students s LEFT JOIN class_students cs ON cs.student_id = s.id
		WHERE s.user_id IN (`+strings.Join(in, ", ")+`) ORDER BY s.user_id, cs.added_at`, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Enrolment
	for rows.Next() {
		var e Enrolment
		var left, added, removed sql.NullTime
		var class sql.NullInt64
		if err := rows.Scan(&e.UserID, &e.SchoolID, &e.Since, &left, &class, &added, &removed); err != nil {
			return nil, db.MapError(err)
		}
		if n := len(out); n == 0 || out[n-1].UserID != e.UserID {
			e.Since = e.Since.UTC()
			e.Left = timePtr(left)
			out = append(out, e)
		}
		if class.Valid {
			last := &out[len(out)-1]
			last.Classes = append(last.Classes, ClassSpell{ClassID: class.Int64, Added: added.Time.UTC(), Removed: timePtr(removed)})
		}
	}
	return out, db.MapError(rows.Err())
}
