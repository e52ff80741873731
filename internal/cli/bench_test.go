package cli

import (
	"context"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
)

// cubby bench seed fills an empty database on either engine with the
// district it reports, and refuses a database that has people in it.
func TestBenchSeed(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			var out, errOut strings.Builder
			args := []string{"bench", "seed", "-students", "150", "-seed", "5", "-days", "5", "-schools", "/nonexistent", "-data-dir", dir}
			if code := Run(context.Background(), args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), "150 students") || !strings.Contains(out.String(), "750 attendance records") ||
				!strings.Contains(out.String(), "teacher1@s5.bench.test") {
				t.Errorf("output %q", out.String())
			}
			database, err := openData(t, d, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer database.Close()
			var students, marks int
			database.R.QueryRow(`SELECT COUNT(*) FROM students`).Scan(&students)
			database.R.QueryRow(`SELECT COUNT(*) FROM attendance`).Scan(&marks)
			if students != 150 || marks != 750 {
				t.Errorf("%d students, %d attendance records", students, marks)
			}
			out.Reset()
			errOut.Reset()
			if code := Run(context.Background(), args, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "already has 150 students") {
				t.Errorf("second seed: exit %d, %q", code, errOut.String())
			}
		})
	}
}
