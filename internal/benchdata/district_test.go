package benchdata_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cubby/internal/benchdata"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// fingerprint sums what the district holds in a way that any difference
// in who is where, or in any point or record, changes.
func fingerprint(t *testing.T, d *db.DB) string {
	t.Helper()
	var out string
	for _, q := range []string{
		`SELECT COUNT(*), COALESCE(SUM(weight), 0), COALESCE(SUM(student_id * weight), 0), COALESCE(SUM(class_id), 0), COALESCE(SUM(LENGTH(skill_name)), 0) FROM points`,
		`SELECT COUNT(*), SUM(CASE WHEN status = 'absent' THEN student_id ELSE 0 END), SUM(CASE WHEN status = 'late' THEN class_id ELSE 0 END), COUNT(DISTINCT day), 0 FROM attendance`,
		`SELECT COUNT(*), SUM(student_id * class_id), 0, 0, 0 FROM class_students`,
		`SELECT COUNT(*), SUM(student_id + user_id), 0, 0, 0 FROM guardians`,
		`SELECT COUNT(*), SUM(LENGTH(name)), SUM(LENGTH(city)), 0, 0 FROM schools`,
	} {
		vals := make([]int64, 5)
		ptrs := []any{&vals[0], &vals[1], &vals[2], &vals[3], &vals[4]}
		if err := d.R.QueryRow(q).Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out += fmt.Sprint(vals) + " "
	}
	return out
}

var end = time.Date(2026, 6, 12, 0, 0, 0, 0, time.UTC)

var someSchools = []store.School{
	{Name: "Albertville Middle School", City: "ALBERTVILLE", Region: "AL", Country: "US", SourceID: "010000500870"},
	{Name: "Lincoln Elementary", City: "SPRINGFIELD", Region: "IL", Country: "US", SourceID: "170000100001"},
}

func seed(t *testing.T, d db.Dialect, students int, s uint64) (*db.DB, *benchdata.Counts) {
	t.Helper()
	database := dbtest.Open(t, d)
	c, err := benchdata.District(context.Background(), database, benchdata.DistrictOptions{
		Students: students, Seed: s, Days: 20, End: end, Schools: someSchools})
	if err != nil {
		t.Fatal(err)
	}
	return database, c
}

// A small district on each engine: what District says it wrote is in the
// database, every student has a class, one or two parents and a record
// every school day; the same seed gives the same district, on either
// engine, and another seed another.
func TestDistrict(t *testing.T) {
	t.Parallel()
	prints := map[db.Dialect]string{}
	for _, d := range dbtest.Engines(t) {
		database, c := seed(t, d, 320, 7)
		count := func(q string) int64 {
			var n int64
			if err := database.R.QueryRow(q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		for _, k := range []struct {
			what      string
			got, want int64
		}{
			{"schools", count(`SELECT COUNT(*) FROM schools WHERE source = 'bench'`), c.Schools},
			{"leaders", count(`SELECT COUNT(*) FROM school_members WHERE role = 'leader' AND status = 'active'`), c.Leaders},
			{"teachers", count(`SELECT COUNT(*) FROM users WHERE kind = 'teacher'`), c.Teachers},
			{"classes", count(`SELECT COUNT(*) FROM classes`), c.Classes},
			{"classes with a teacher", count(`SELECT COUNT(DISTINCT class_id) FROM class_teachers`), c.Classes},
			{"students", count(`SELECT COUNT(*) FROM students`), 320},
			{"students in a class", count(`SELECT COUNT(DISTINCT student_id) FROM class_students`), 320},
			{"parents", count(`SELECT COUNT(*) FROM users WHERE kind = 'parent'`), c.Parents},
			{"guardian links", count(`SELECT COUNT(*) FROM guardians`), c.Parents},
			{"points", count(`SELECT COUNT(*) FROM points`), c.Points},
			{"attendance", count(`SELECT COUNT(*) FROM attendance`), 320 * 20},
			{"school days", count(`SELECT COUNT(DISTINCT day) FROM attendance`), 20},
			{"points of absent students", count(`SELECT COUNT(*) FROM points p JOIN attendance a ON a.class_id = p.class_id AND a.student_id = p.student_id
				AND a.day = ` + dayOf(d, "p.awarded_at") + ` WHERE a.status = 'absent'`), 0},
		} {
			if k.got != k.want {
				t.Errorf("%s: %s = %d, want %d", d, k.what, k.got, k.want)
			}
		}
		if c.Schools != 3 || c.Students != 320 || c.Attendance != 320*20 {
			t.Errorf("%s: counts %+v", d, c)
		}
		if c.Parents < 320*5/4 || c.Parents > 320*7/4 {
			t.Errorf("%s: %d parents for 320 students", d, c.Parents)
		}
		if want := 320 * 20 * 0.55; float64(c.Points) < want*0.6 || float64(c.Points) > want*1.4 {
			t.Errorf("%s: %d points, want about %.0f", d, c.Points, want)
		}
		// Skew: the busiest class gives many times the points per student
		// of the quietest.
		var lo, hi float64
		if err := database.R.QueryRow(`SELECT MIN(r), MAX(r) FROM (SELECT 1.0 * COUNT(p.id) / MAX(n.n) AS r FROM classes c
			JOIN (SELECT class_id, COUNT(*) AS n FROM class_students GROUP BY class_id) n ON n.class_id = c.id
			LEFT JOIN points p ON p.class_id = c.id GROUP BY c.id) x`).Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		if hi < 3*lo {
			t.Errorf("%s: points per student from %.1f to %.1f: no busy and quiet classes", d, lo, hi)
		}
		named := count(`SELECT COUNT(*) FROM schools WHERE name IN ('Albertville Middle School', 'Lincoln Elementary')`)
		if named != 2 {
			t.Errorf("%s: %d of the given schools used", d, named)
		}
		prints[d] = fingerprint(t, database)
		again, _ := seed(t, d, 320, 7)
		if p := fingerprint(t, again); p != prints[d] {
			t.Errorf("%s: the same seed gave another district:\n%s\n%s", d, prints[d], p)
		}
		other, _ := seed(t, d, 320, 8)
		if p := fingerprint(t, other); p == prints[d] {
			t.Errorf("%s: seeds 7 and 8 gave the same district", d)
		}
	}
	if p, ok := prints[db.Postgres]; ok && p != prints[db.SQLite] {
		t.Errorf("the engines hold different districts for one seed:\n%s\n%s", prints[db.SQLite], p)
	}
}

// dayOf is the UTC date of a timestamp column, as YYYY-MM-DD.
func dayOf(d db.Dialect, col string) string {
	if d == db.Postgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "substr(" + col + ", 1, 10)"
}

// The real schools a district is named after come from the NCES files
// beside the checkout, when they are there.
func TestReadSchools(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "schools")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no ../shared/data/schools beside the checkout")
	}
	list, err := benchdata.ReadSchools(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 100000 {
		t.Fatalf("%d schools", len(list))
	}
	for _, s := range list[:3] {
		if s.Name == "" || s.City == "" || s.Region == "" || s.SourceID == "" || s.Country != "US" {
			t.Errorf("school %+v", s)
		}
	}
}
