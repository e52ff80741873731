package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cubby/internal/db"
)

// Reports aggregate in SQL what both engines share — GROUP BY, SUM, UNION
// ALL — so a year of a school's points never crosses into Go row by row.
// Time buckets (days, weeks, months in the school's zone) are computed by
// the caller as UTC instants and handed over as bounds, because the two
// engines share no way to convert a timestamp to a local date.

// PointScope picks whose points a report sums: exactly one field is set.
type PointScope struct {
	StudentID int64
	ClassID   int64
	SchoolID  int64
	// ForFamily leaves out the points of classes that hide points from
	// families (the student or a parent is looking).
	ForFamily bool
	// SkipRestricted leaves out students whose processing is restricted
	// (GDPR Art. 18): class and school reports are not for them.
	SkipRestricted bool
}

// where returns the scope's condition on the points table as parameter $1.
func (s PointScope) where() (string, int64) {
	switch {
	case s.StudentID != 0:
		return "student_id = $1", s.StudentID
	case s.ClassID != 0:
		return "class_id = $1", s.ClassID
	default:
		return "school_id = $1", s.SchoolID
	}
}

// pointSums is the SELECT list shared by every points aggregate; it scans
// into a Totals with scanTotals.
const pointSums = `COALESCE(SUM(weight), 0),
	COALESCE(SUM(CASE WHEN weight > 0 THEN weight ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN weight < 0 THEN -weight ELSE 0 END), 0), COUNT(*)`

// SkillCount is how often one skill was given and the points it carried.
// Points keep the skill's name as it was when given, so a renamed or
// archived skill still counts under the name the family saw.
type SkillCount struct {
	Name string
	Totals
}

// PointCell is the points of one skill given in one class in one period.
type PointCell struct {
	ClassID int64
	Skill   string
	Period  int
	Totals
}

// PointsBreakdown sums a scope's points per class, skill and period in one
// query, from which a report takes its totals, skills, trend and per-class
// lines. bounds are n+1 ascending instants: period i
// is [bounds[i], bounds[i+1]).
func PointsBreakdown(ctx context.Context, q db.Querier, scope PointScope, bounds []time.Time) ([]PointCell, error) {
	if len(bounds) < 2 {
		return nil, nil
	}
	n := len(bounds) - 1
	cond, id := scope.where()
	if scope.ForFamily {
		cond += " AND class_id NOT IN (SELECT id FROM classes WHERE hide_points)"
	}
	if scope.SkipRestricted {
		cond += " AND student_id NOT IN (" + RestrictedStudents + ")"
	}
	args := []any{id}
	for _, b := range bounds {
		args = append(args, b)
	}
	// One arm per period, each an index range that groups only its own
	// points. This takes half the CPU of a single scan with a CASE per
	// point (on SQLite, every comparison of the TIMESTAMP column with a
	// bound first tries to read the bound as a number) and one big sort.
	var sql strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			sql.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&sql, `SELECT class_id, skill_name, %d, `+pointSums+` FROM points WHERE `+cond+
			` AND awarded_at >= $%d AND awarded_at < $%d GROUP BY class_id, skill_name`, i, i+2, i+3)
	}
	rows, err := q.QueryContext(ctx, sql.String(), args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []PointCell
	for rows.Next() {
		var c PointCell
		if err := rows.Scan(&c.ClassID, &c.Skill, &c.Period, &c.Total, &c.Positive, &c.NeedsWork, &c.Count); err != nil {
			return nil, db.MapError(err)
		}
		if c.Period >= 0 && c.Period < n {
			out = append(out, c)
		}
	}
	return out, db.MapError(rows.Err())
}

// Add adds another sum to t.
func (t *Totals) Add(o Totals) {
	t.Total += o.Total
	t.Positive += o.Positive
	t.NeedsWork += o.NeedsWork
	t.Count += o.Count
}

// PointTotalsByStudent sums a class's points in [from, to) per student.
func PointTotalsByStudent(ctx context.Context, q db.Querier, classID int64, from, to time.Time) (map[int64]Totals, error) {
	return totalsBy(ctx, q, `SELECT student_id, `+pointSums+` FROM points
		WHERE class_id = $1 AND awarded_at >= $2 AND awarded_at < $3 GROUP BY student_id`, classID, from, to)
}

func totalsBy(ctx context.Context, q db.Querier, query string, args ...any) (map[int64]Totals, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[int64]Totals{}
	for rows.Next() {
		var id int64
		var t Totals
		if err := rows.Scan(&id, &t.Total, &t.Positive, &t.NeedsWork, &t.Count); err != nil {
			return nil, db.MapError(err)
		}
		out[id] = t
	}
	return out, db.MapError(rows.Err())
}

// AttendanceCounts counts attendance records by status.
type AttendanceCounts struct {
	Present, Absent, Late, LeftEarly int
}

// Add counts n records of a status.
func (c *AttendanceCounts) Add(status string, n int) {
	switch status {
	case Present:
		c.Present += n
	case Absent:
		c.Absent += n
	case Late:
		c.Late += n
	case LeftEarly:
		c.LeftEarly += n
	}
}

// Plus returns the sum of two counts.
func (c AttendanceCounts) Plus(o AttendanceCounts) AttendanceCounts {
	return AttendanceCounts{c.Present + o.Present, c.Absent + o.Absent, c.Late + o.Late, c.LeftEarly + o.LeftEarly}
}

// Total is the number of records counted.
func (c AttendanceCounts) Total() int { return c.Present + c.Absent + c.Late + c.LeftEarly }

// Attended counts the records of someone who came to class, even if late
// or leaving early.
func (c AttendanceCounts) Attended() int { return c.Present + c.Late + c.LeftEarly }

// Worst is the most serious status counted — absent, late, left early,
// present — or "" when nothing was recorded: a child in two classes who
// missed one of them shows as absent that day.
func (c AttendanceCounts) Worst() string {
	switch {
	case c.Absent > 0:
		return Absent
	case c.Late > 0:
		return Late
	case c.LeftEarly > 0:
		return LeftEarly
	case c.Present > 0:
		return Present
	}
	return ""
}

// DayAttendance is one day's attendance in a report's scope. For one
// student it is normally a single record (one per class they are in).
type DayAttendance struct {
	Day string // YYYY-MM-DD
	AttendanceCounts
}

// AttendanceCell is one class's attendance on one day.
type AttendanceCell struct {
	ClassID int64
	DayAttendance
}

// AttendanceBreakdown counts a scope's attendance per day, class and
// status over the days [from, to] (inclusive, YYYY-MM-DD) in one pass, in
// day order.
func AttendanceBreakdown(ctx context.Context, q db.Querier, scope PointScope, from, to string) ([]AttendanceCell, error) {
	cond, id := scope.where()
	if scope.SkipRestricted {
		cond += " AND student_id NOT IN (" + RestrictedStudents + ")"
	}
	rows, err := q.QueryContext(ctx, `SELECT class_id, day, status, COUNT(*) FROM attendance
		WHERE `+cond+` AND day >= $2 AND day <= $3 GROUP BY day, class_id, status ORDER BY day, class_id`, id, from, to)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []AttendanceCell
	for rows.Next() {
		var classID int64
		var day, status string
		var n int
		if err := rows.Scan(&classID, &day, &status, &n); err != nil {
			return nil, db.MapError(err)
		}
		if k := len(out) - 1; k < 0 || out[k].Day != day || out[k].ClassID != classID {
			out = append(out, AttendanceCell{ClassID: classID, DayAttendance: DayAttendance{Day: day}})
		}
		out[len(out)-1].Add(status, n)
	}
	return out, db.MapError(rows.Err())
}

// AttendanceByStudent counts a class's attendance per student over [from, to].
func AttendanceByStudent(ctx context.Context, q db.Querier, classID int64, from, to string) (map[int64]AttendanceCounts, error) {
	return countsBy(ctx, q, `SELECT student_id, status, COUNT(*) FROM attendance
		WHERE class_id = $1 AND day >= $2 AND day <= $3 GROUP BY student_id, status`, classID, from, to)
}

func countsBy(ctx context.Context, q db.Querier, query string, args ...any) (map[int64]AttendanceCounts, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[int64]AttendanceCounts{}
	for rows.Next() {
		var id int64
		var status string
		var n int
		if err := rows.Scan(&id, &status, &n); err != nil {
			return nil, db.MapError(err)
		}
		c := out[id]
		c.Add(status, n)
		out[id] = c
	}
	return out, db.MapError(rows.Err())
}

// StudentsEverInClass lists everyone who has been on a class's roster,
// including those who left it, by name: a class's history names them too.
func StudentsEverInClass(ctx context.Context, q db.Querier, classID int64) ([]Student, error) {
	return listStudents(ctx, q, studentSelect+` JOIN class_students cs ON cs.student_id = s.id
		WHERE cs.class_id = $1 ORDER BY u.first_name, u.last_name, s.id`, classID)
}
