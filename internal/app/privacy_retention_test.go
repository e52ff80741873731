package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

func countRows(t *testing.T, env *testenv.Env, query string, args ...any) int64 {
	t.Helper()
	n, err := store.Count(context.Background(), env.DB.R, query, args...)
	must(t, err)
	return n
}

// The daily job applies each rule with a simulated clock, idempotently,
// honours a school's shorter period, and logs and audits counts only.
func TestRetentionJob(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			start := a.Now()
			a.RecordRequest(ctx, store.RequestLine{At: start, Method: "GET", Route: "GET /settings", Status: 200, IPPrefix: "192.0.2.0/24", Browser: "Firefox 140"}, f.teacherID)
			must(t, a.FlushRequestLog(ctx))
			if countRows(t, env, `SELECT count(*) FROM request_log`) == 0 || countRows(t, env, `SELECT count(*) FROM usage_counts`) == 0 {
				t.Fatal("the request was not logged or counted")
			}
			points := func(school string) int64 {
				return countRows(t, env, `SELECT count(*) FROM points WHERE school_id IN (SELECT id FROM schools WHERE name `+school+`)`)
			}
			// A point in another school, which keeps the inventory's 12 months.
			other := &store.School{Name: "Second School", Country: "US", CreatedAt: start}
			must(t, store.CreateSchool(ctx, env.DB.W, other))
			if _, err := env.DB.W.Exec(`INSERT INTO points (school_id, class_id, student_id, skill_name, weight, awarded_at)
				SELECT $1, class_id, student_id, skill_name, weight, awarded_at FROM points LIMIT 1`, other.ID); err != nil {
				t.Fatal(err)
			}
			before := points("= 'Maple Grove Community School'")
			if before == 0 || points("= 'Second School'") != 1 {
				t.Fatal("fixture has no points")
			}

			// 7 months on: the fixture school keeps points 6 months (the
			// leader shortened it), the other school still 12.
			at(env, start.AddDate(0, 7, 0))
			rep, err := a.RunRetention(ctx)
			must(t, err)
			if points("= 'Maple Grove Community School'") != 0 || points("= 'Second School'") != 1 {
				t.Errorf("after 7 months: %d and %d points", points("= 'Maple Grove Community School'"), points("= 'Second School'"))
			}
			if countRows(t, env, `SELECT count(*) FROM request_log`) != 0 {
				t.Error("request logs older than 30 days remain")
			}
			if countRows(t, env, `SELECT count(*) FROM student_registrations`) != 0 {
				t.Error("an unanswered consent request outlived its 7 days")
			}
			if !hasLine(rep, "points", "P6M") || !hasLine(rep, "request_log", "P30D") {
				t.Errorf("report: %+v", rep.Lines)
			}
			// Idempotent: nothing more to do at the same moment.
			rep, err = a.RunRetention(ctx)
			must(t, err)
			if len(rep.Lines) != 0 {
				t.Errorf("a second run changed %+v", rep.Lines)
			}
			// 13 months: the other school's point goes too.
			at(env, start.AddDate(0, 13, 0))
			_, err = a.RunRetention(ctx)
			must(t, err)
			if points("= 'Second School'") != 0 {
				t.Error("a 13-month-old point survived")
			}
			// Counts, never contents, in logs and the audit log.
			logs := env.Logs.String()
			if !strings.Contains(logs, `"msg":"retention"`) || strings.Contains(logs, "Kind to a friend") || strings.Contains(logs, "Zephyrine") {
				t.Error("retention logs are missing or hold contents")
			}
			if countRows(t, env, `SELECT count(*) FROM audit_log WHERE action = 'retention'`) == 0 {
				t.Error("no audit entry per retention batch")
			}
		})
	}
}

func hasLine(rep *app.RetentionReport, table, rule string) bool {
	for _, l := range rep.Lines {
		if l.Table == table && strings.HasPrefix(l.Rule, rule) && l.Rows > 0 {
			return true
		}
	}
	return false
}

// A school can shorten a period, never lengthen it.
func TestSchoolRetentionBounds(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a := f.ctx, f.env.App
			for _, tc := range []struct {
				duration, want string
			}{{"P13M", "retention.too_long"}, {"P2Y", "retention.too_long"}, {"PT1H", "retention.too_short"}, {"forever", "retention.invalid"}, {"P3M", ""}} {
				err := a.SetRetention(ctx, f.leader, f.schoolID, "feedback_points", tc.duration)
				if tc.want == "" && err != nil || tc.want != "" && !strings.Contains(errorKey(err), tc.want) {
					t.Errorf("%s: %v, want %q", tc.duration, err, tc.want)
				}
			}
			if err := a.SetRetention(ctx, f.teacher, f.schoolID, "feedback_points", "P1M"); err == nil {
				t.Error("a teacher changed the school's retention")
			}
			if err := a.SetRetention(ctx, f.leader, f.schoolID, "password", "P1M"); err == nil {
				t.Error("a data type without a school rule was accepted")
			}
			settings, err := a.RetentionSettings(ctx, f.leader, f.schoolID)
			must(t, err)
			for _, s := range settings {
				if s.DataType == "feedback_points" && (s.School == nil || s.School.String() != "P3M" || s.Max.String() != "P12M") {
					t.Errorf("feedback points setting %+v", s)
				}
			}
		})
	}
}

func errorKey(err error) string {
	if ve, ok := err.(*app.ValidationError); ok {
		for _, f := range ve.Fields {
			return f.Key
		}
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// An unused student account: the parents are warned, then the account is
// erased — unless it is used during the warning.
func TestInactiveStudentAccounts(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			start := a.Now()
			// Wilhelmina signed up herself, is in no class, and never logs in.
			at(env, start.AddDate(0, 0, 336))
			rep, err := a.RunRetention(ctx)
			must(t, err)
			if rep.Warned == 0 || !strings.Contains(env.LastEmail(t, parentEmail), "Wilhelmina") {
				t.Fatalf("no warning to the parent (warned %d)", rep.Warned)
			}
			// Zephyrine is on a class roster: in school, used or not.
			if e, _ := store.PendingErasure(ctx, env.DB.R, f.studentUserID); e != nil {
				t.Error("a student on a current roster was scheduled for deletion")
			}
			at(env, start.AddDate(0, 0, 367))
			_, err = a.RunRetention(ctx)
			must(t, err)
			if _, err := store.UserByID(ctx, env.DB.R, f.otherChildID); err == nil {
				t.Error("the unused account was not deleted after the warning")
			}
		})
	}
}

// The chain detects a removed entry, and refuses changes in the database.
func TestAuditChain(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			r, err := a.VerifyAudit(ctx)
			must(t, err)
			if !r.OK() || r.Entries < 4 {
				t.Fatalf("fresh chain: %+v", r)
			}
			if _, err := env.DB.W.Exec(`UPDATE audit_log SET action = 'read' WHERE seq = 2`); err == nil {
				t.Error("an audit entry was changed in place")
			}
			if _, err := env.DB.W.Exec(`UPDATE audit_log SET subject_user_id = 999 WHERE seq = 2`); err == nil {
				t.Error("an audit entry's subject was replaced")
			}
			// The parent sees who looked at the child's records.
			log, err := a.AccessLog(ctx, f.parent)
			must(t, err)
			saw := false
			for _, e := range log {
				saw = saw || e.Action == store.AuditRead && e.ActorName == "Ms. Vexmoor" && e.Subject == "Zephyrine"
			}
			if !saw {
				t.Errorf("the parent does not see the teacher's read: %+v", log)
			}
			if _, err := env.DB.W.Exec(`DELETE FROM audit_log WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			r, err = a.VerifyAudit(ctx)
			must(t, err)
			if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), "entries 3 to 3 are missing") {
				t.Errorf("a removed entry went unnoticed: %+v", r)
			}
		})
	}
}

var _ = time.Second
