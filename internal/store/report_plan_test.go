package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// recorder keeps the last query a store function sent, so a test can ask
// the engine how it would run it.
type recorder struct {
	db.Querier
	query string
	args  []any
}

func (r *recorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.query, r.args = query, args
	return r.Querier.QueryContext(ctx, query, args...)
}

// plan returns the engine's plan for the recorded query as one text.
func (r *recorder) plan(t *testing.T, ctx context.Context, d db.Dialect) string {
	t.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if d == db.Postgres {
		prefix = "EXPLAIN "
	}
	rows, err := r.Querier.QueryContext(ctx, prefix+r.query, r.args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals[len(vals)-1]))
	}
	return strings.Join(out, "\n")
}

// insertRows inserts rows into table (with its column list) 200 at a time.
func insertRows(t *testing.T, q db.Querier, table string, rows [][]any) {
	t.Helper()
	for len(rows) > 0 {
		n := min(len(rows), 200)
		var values []string
		var args []any
		for _, r := range rows[:n] {
			var ph []string
			for _, v := range r {
				args = append(args, v)
				ph = append(ph, fmt.Sprintf("$%d", len(args)))
			}
			values = append(values, "("+strings.Join(ph, ", ")+")")
		}
		if _, err := q.ExecContext(context.Background(), "INSERT INTO "+table+" VALUES "+strings.Join(values, ", "), args...); err != nil {
			t.Fatal(err)
		}
		rows = rows[n:]
	}
}

// A school's reports read that school's points and attendance through an
// index that starts with school_id, however many points other schools
// have; the class screen sums today's points from the index alone. Each
// plan is the engine's own (EXPLAIN) after ANALYZE over a district where
// another school holds nearly every point in the same weeks.
func TestReportPlansStayInTheirSchool(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newReportFixture(t, d)
			ctx, q := f.ctx, f.q
			t0 := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
			for i := range 40 {
				f.point(f.ann, f.c1, "Helping", 1, t0.Add(time.Duration(i)*time.Hour))
				f.mark(f.ann, f.c1, t0.AddDate(0, 0, i).Format(time.DateOnly), store.Present)
			}
			// The busy school: 20,000 points and 6,000 attendance records
			// over the same weeks.
			busy := &store.School{Name: "Busy", Country: "US", CreatedAt: t0}
			if err := store.CreateSchool(ctx, q, busy); err != nil {
				t.Fatal(err)
			}
			teacher := &store.User{Kind: store.KindTeacher, FirstName: "T", Email: "busy@example.test", Language: "en", CreatedAt: t0}
			if err := store.CreateUser(ctx, q, teacher); err != nil {
				t.Fatal(err)
			}
			// 2,000 students in 20 classes: as in a real district, no
			// student or class holds a large share of the points.
			var classes []int64
			var students []int64
			for c := range 20 {
				class := &store.Class{SchoolID: busy.ID, Name: fmt.Sprint("Big ", c), CreatedAt: t0}
				if err := store.CreateClass(ctx, q, class, teacher.ID); err != nil {
					t.Fatal(err)
				}
				classes = append(classes, class.ID)
			}
			var users, kids [][]any
			for i := range 2000 {
				users = append(users, []any{store.KindStudent, "B", fmt.Sprint("busy", i), "en", t0, t0})
			}
			insertRows(t, q, "users (kind, first_name, username, language, created_at, updated_at)", users)
			ids, err := q.QueryContext(ctx, `SELECT id FROM users WHERE username LIKE 'busy%'`)
			if err != nil {
				t.Fatal(err)
			}
			for ids.Next() {
				var id int64
				ids.Scan(&id)
				kids = append(kids, []any{busy.ID, id, fmt.Sprint("BUSY", id), t0})
			}
			ids.Close()
			insertRows(t, q, "students (school_id, user_id, parent_code, created_at)", kids)
			rows, err := q.QueryContext(ctx, `SELECT id FROM students WHERE school_id = $1 ORDER BY id`, busy.ID)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				students = append(students, id)
			}
			rows.Close()
			if len(students) != 2000 {
				t.Fatalf("%d busy students", len(students))
			}
			class := &store.Class{ID: classes[0]}
			var points [][]any
			for i := range 20000 {
				st := i % len(students)
				points = append(points, []any{busy.ID, classes[st%len(classes)], students[st], "Helping", 1, t0.Add(time.Duration(i) * 3 * time.Minute)})
			}
			insertRows(t, q, "points (school_id, class_id, student_id, skill_name, weight, awarded_at)", points)
			var recs []store.AttendanceRecord
			for day := range 5 {
				for k, s := range students {
					recs = append(recs, store.AttendanceRecord{SchoolID: busy.ID, ClassID: classes[k%len(classes)], StudentID: s,
						Day: t0.AddDate(0, 0, day).Format(time.DateOnly), Status: store.Present, RecordedAt: t0})
				}
			}
			if err := store.SaveAttendanceDay(ctx, q, recs); err != nil {
				t.Fatal(err)
			}
			analyze := "ANALYZE"
			if d == db.Postgres {
				analyze = "VACUUM ANALYZE points" // and the visibility map an index-only scan needs
			}
			if _, err := q.ExecContext(ctx, analyze); err != nil {
				t.Fatal(err)
			}
			if d == db.Postgres {
				if _, err := q.ExecContext(ctx, "ANALYZE attendance"); err != nil {
					t.Fatal(err)
				}
			}

			r := &recorder{Querier: q}
			bounds := []time.Time{t0, t0.AddDate(0, 0, 7), t0.AddDate(0, 0, 14), t0.AddDate(0, 0, 60)}
			cells, err := store.PointsBreakdown(ctx, r, store.PointScope{SchoolID: f.school, SkipRestricted: true}, bounds)
			if err != nil || len(cells) == 0 {
				t.Fatalf("school breakdown: %v %v", cells, err)
			}
			if p := r.plan(t, ctx, d); !strings.Contains(p, "points_school_time") || strings.Contains(p, "points_awarded_at") {
				t.Errorf("a school's points are not read through points_school_time:\n%s", p)
			}
			if _, err := store.AttendanceBreakdown(ctx, r, store.PointScope{SchoolID: f.school, SkipRestricted: true}, "2025-03-03", "2025-05-01"); err != nil {
				t.Fatal(err)
			}
			if p := r.plan(t, ctx, d); !strings.Contains(p, "attendance_school_day") {
				t.Errorf("a school's attendance is not read through attendance_school_day:\n%s", p)
			}
			totals, err := store.ClassTotalsSince(ctx, r, class.ID, t0.Add(13*24*time.Hour))
			if err != nil || len(totals) != len(students)/len(classes) {
				t.Fatalf("class totals: %d students, %v", len(totals), err)
			}
			want := "USING COVERING INDEX points_class_time_totals"
			if d == db.Postgres {
				want = "Index Only Scan using points_class_time_totals"
			}
			if p := r.plan(t, ctx, d); !strings.Contains(p, want) {
				t.Errorf("the class screen's totals read the table, not only the index:\n%s", p)
			}
		})
	}
}
