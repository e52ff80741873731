package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"cubby/internal/app"
	"cubby/internal/benchdata"
)

const benchUsage = "cubby bench seed [--students N] [--seed S] [--days D] [--schools DIR]  |  cubby bench load [flags]"

func runBench(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "seed":
			return runBenchSeed(ctx, e, args[1:])
		case "load":
			return runBenchLoad(ctx, e, args[1:])
		}
	}
	fmt.Fprintln(e.stderr, "usage: "+benchUsage)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		return flag.ErrHelp
	}
	return errors.New(`bench commands are "seed" and "load"`)
}

// BenchPassword is every seeded adult's password, so a load run can log in
// as any of them. A seeded district is for benchmarks only.
const BenchPassword = "bench-password"

// runBenchSeed fills an empty database with a district (benchdata.District).
func runBenchSeed(ctx context.Context, e *env, args []string) error {
	var o benchdata.DistrictOptions
	var dir string
	cfg, err := loadConfig(e, "bench seed", args, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Students, "students", 100000, "students in the district (about one school per thousand)")
		fs.Uint64Var(&o.Seed, "seed", 1, "the same seed and size give the same district")
		fs.IntVar(&o.Days, "days", 180, "school days of points and attendance, ending today")
		fs.StringVar(&dir, "schools", "../shared/data/schools", "folder of NCES *.csv.gz files to name the schools after (made-up names without it)")
	})
	if err != nil {
		return err
	}
	database, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer database.Close()
	var students int
	if err := database.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM students`).Scan(&students); err != nil {
		return err
	}
	if students > 0 {
		return fmt.Errorf("the database already has %d students: seed only an empty database, never one with real people", students)
	}
	if o.Schools, err = benchdata.ReadSchools(dir); err != nil {
		return err
	}
	if o.PasswordHash, err = app.HashPassword(BenchPassword, app.DefaultPasswordParams); err != nil {
		return err
	}
	o.Progress = &benchdata.Progress{W: e.stderr, Terminal: isTerminal(e.stderr)}
	t0 := time.Now()
	c, err := benchdata.District(ctx, database, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "seeded %d schools, %d leaders, %d teachers, %d classes, %d students, %d parents, %d points, %d attendance records in %s\n",
		c.Schools, c.Leaders, c.Teachers, c.Classes, c.Students, c.Parents, c.Points, c.Attendance, time.Since(t0).Round(time.Second))
	fmt.Fprintf(e.stdout, "logins: %s … (leaders), %s … (teachers), %s … (parents), password %q\n",
		benchdata.LeaderEmail(o.Seed, 1), benchdata.TeacherEmail(o.Seed, 1), benchdata.ParentEmail(o.Seed, 1), BenchPassword)
	return nil
}
