package app_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// BenchmarkPortfolio measures the two reads the issue bounds (p99 under
// 20 ms): a class's approval queue and a family's view of their child's
// portfolio, on the demo school with a year of work — every student of
// Class 3 posting CUBBY_BENCH_PORTFOLIO_PER_DAY pieces a school day (1 by
// default, 190 days), nine in ten approved, the rest waiting, with likes
// and comments on the approved ones. Both engines (set
// CUBBY_TEST_DATABASE_URL for PostgreSQL).
//
//	go test ./internal/app/ -run '^$' -bench Portfolio -benchtime 200x
func BenchmarkPortfolio(b *testing.B) {
	perDay := 1
	if v, err := strconv.Atoi(os.Getenv("CUBBY_BENCH_PORTFOLIO_PER_DAY")); err == nil && v > 0 {
		perDay = v
	}
	for _, d := range dbtest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			env := testenv.New(b, d)
			ctx := context.Background()
			w := benchWorld(b, env)
			seedYearOfWork(b, env, w, perDay)
			b.Run("queue", func(b *testing.B) {
				timed(b, func(int) error {
					_, err := env.App.ClassPortfolioQueue(ctx, w.teacher, w.class3)
					return err
				})
			})
			b.Run("family", func(b *testing.B) {
				timed(b, func(int) error {
					_, err := env.App.StudentPortfolio(ctx, w.parent, w.ava.ID, "", 20)
					return err
				})
			})
		})
	}
}

// benchWorld logs in the demo's teacher and parent (newStoryWorld needs a
// *testing.T).
func benchWorld(b *testing.B, env *testenv.Env) *storyWorld {
	b.Helper()
	ctx := context.Background()
	login := func(who string) *app.Session {
		token, _, err := env.App.Login(ctx, app.Credentials{Login: who, Password: demo.Password})
		if err != nil {
			b.Fatal(err)
		}
		s, err := env.App.Authenticate(ctx, token)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	w := &storyWorld{env: env, ctx: ctx, teacher: login(demo.TeacherEmail), parent: login(demo.ParentEmail), leader: login(demo.LeaderEmail)}
	w.schoolID = w.leader.Actor.SchoolIDs()[0]
	for id := range w.teacher.Actor.Classes {
		w.class3 = id
	}
	st, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
	if err != nil {
		b.Fatal(err)
	}
	ava, err := store.StudentByUserID(ctx, env.DB.R, st.ID)
	if err != nil {
		b.Fatal(err)
	}
	w.ava = *ava
	return w
}

func seedYearOfWork(b *testing.B, env *testenv.Env, w *storyWorld, perDay int) {
	b.Helper()
	ctx := context.Background()
	rows, err := env.DB.R.QueryContext(ctx, `SELECT student_id FROM class_students WHERE class_id = $1 AND removed_at IS NULL`, w.class3)
	if err != nil {
		b.Fatal(err)
	}
	var students []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		students = append(students, id)
	}
	rows.Close()
	start := env.App.Now().AddDate(-1, 0, 0)
	tx, err := env.DB.W.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for day := 0; day < 190; day++ {
		for _, st := range students {
			for k := 0; k < perDay; k++ {
				at := start.Add(time.Duration(day*36+k) * time.Hour)
				status, approved := "approved", any(at.Add(time.Hour))
				if n%10 == 9 {
					status, approved = "pending", nil
				}
				var id int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO portfolio_items (school_id, student_id, class_id, kind, body, status, created_at, submitted_at, approved_at)
					VALUES ($1, $2, $3, 'text', 'A page of my diary', $4, $5, $5, $6) RETURNING id`, w.schoolID, st, w.class3, status, at, approved).Scan(&id); err != nil {
					b.Fatal(err)
				}
				if status == "approved" && n%3 == 0 {
					if _, err := tx.ExecContext(ctx, `INSERT INTO portfolio_comments (school_id, item_id, author_id, body, created_at) VALUES ($1, $2, $3, 'Well done!', $4)`,
						w.schoolID, id, w.teacher.User.ID, at); err != nil {
						b.Fatal(err)
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO portfolio_likes (school_id, item_id, user_id, created_at) VALUES ($1, $2, $3, $4)`,
						w.schoolID, id, w.teacher.User.ID, at); err != nil {
						b.Fatal(err)
					}
				}
				n++
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
