package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cubby/internal/db"
)

// Attendance statuses.
const (
	Present   = "present"
	Absent    = "absent"
	Late      = "late"
	LeftEarly = "left_early"
)

// AttendanceRecord is one student's attendance in one class on one day.
type AttendanceRecord struct {
	SchoolID   int64
	ClassID    int64
	StudentID  int64
	Day        string // YYYY-MM-DD
	Status     string
	RecordedBy int64
	RecordedAt time.Time
}

// SaveAttendance inserts or replaces a record.
func SaveAttendance(ctx context.Context, q db.Querier, r *AttendanceRecord) error {
	_, err := q.ExecContext(ctx, `INSERT INTO attendance (school_id, class_id, student_id, day, status, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (class_id, student_id, day) DO UPDATE SET status = EXCLUDED.status, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
		r.SchoolID, r.ClassID, r.StudentID, r.Day, r.Status, nullID(r.RecordedBy), r.RecordedAt)
	return db.MapError(err)
}

// SaveAttendanceDay inserts or replaces a class's records for one day in
// as few statements as the engines' parameter limits allow (one for any
// real class): a statement per student cost PostgreSQL a round trip each
// while the transaction held the rows' locks, so concurrent saves queued
// behind each other. Records are written in student order, so two saves
// of the same class lock rows in the same order and never deadlock. A
// student may appear once.
func SaveAttendanceDay(ctx context.Context, q db.Querier, recs []AttendanceRecord) error {
	const perStatement = 500 // 3,500 parameters, well under both engines' limits
	recs = slices.Clone(recs)
	slices.SortFunc(recs, func(a, b AttendanceRecord) int { return cmp.Compare(a.StudentID, b.StudentID) })
	for len(recs) > 0 {
		n := min(len(recs), perStatement)
		var sql strings.Builder
		sql.WriteString(`INSERT INTO attendance (school_id, class_id, student_id, day, status, recorded_by, recorded_at) VALUES `)
		args := make([]any, 0, 7*n)
		for i, r := range recs[:n] {
			if i > 0 {
				sql.WriteString(", ")
			}
			k := 7 * i
			fmt.Fprintf(&sql, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			args = append(args, r.SchoolID, r.ClassID, r.StudentID, r.Day, r.Status, nullID(r.RecordedBy), r.RecordedAt)
		}
		sql.WriteString(` ON CONFLICT (class_id, student_id, day) DO UPDATE SET status = EXCLUDED.status, recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`)
		if _, err := q.ExecContext(ctx, sql.String(), args...); err != nil {
			return db.MapError(err)
		}
		recs = recs[n:]
	}
	return nil
}

// AttendanceOfClassDay returns a class's records for one day by student.
func AttendanceOfClassDay(ctx context.Context, q db.Querier, classID int64, day string) (map[int64]AttendanceRecord, error) {
	list, err := listAttendance(ctx, q, `WHERE class_id = $1 AND day = $2`, classID, day)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]AttendanceRecord, len(list))
	for _, r := range list {
		out[r.StudentID] = r
	}
	return out, nil
}

// AttendanceOfStudent lists a student's records in [from, to] (days),
// newest first.
func AttendanceOfStudent(ctx context.Context, q db.Querier, studentID int64, from, to string) ([]AttendanceRecord, error) {
	return listAttendance(ctx, q, `WHERE student_id = $1 AND day >= $2 AND day <= $3 ORDER BY day DESC, class_id`, studentID, from, to)
}

// AttendanceOfClass lists a class's records in [from, to] (days).
func AttendanceOfClass(ctx context.Context, q db.Querier, classID int64, from, to string) ([]AttendanceRecord, error) {
	return listAttendance(ctx, q, `WHERE class_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, student_id`, classID, from, to)
}

// AbsentOn reports which of the given students are marked absent in the
// class on day (late and left-early students are in class and may get points).
func AbsentOn(ctx context.Context, q db.Querier, classID int64, day string) (map[int64]bool, error) {
	return idSet(ctx, q, `SELECT student_id FROM attendance WHERE class_id = $1 AND day = $2 AND status = 'absent'`, classID, day)
}

func listAttendance(ctx context.Context, q db.Querier, where string, args ...any) ([]AttendanceRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT school_id, class_id, student_id, day, status, COALESCE(recorded_by, 0), recorded_at FROM attendance `+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []AttendanceRecord
	for rows.Next() {
		var r AttendanceRecord
		if err := rows.Scan(&r.SchoolID, &r.ClassID, &r.StudentID, &r.Day, &r.Status, &r.RecordedBy, &r.RecordedAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, r)
	}
	return out, db.MapError(rows.Err())
}
