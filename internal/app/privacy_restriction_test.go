package app_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// restrictionWorld is the demo school seen by everyone a restriction
// concerns: Ava (in Class 3, the teacher's) and the people around her.
type restrictionWorld struct {
	env                              *testenv.Env
	a                                *app.App
	ctx                              context.Context
	teacher, leader, parent, student *app.Session
	class                            *store.Class
	ava                              store.Student
	skill                            int64
}

func newRestrictionWorld(t *testing.T, env *testenv.Env) *restrictionWorld {
	t.Helper()
	w := &restrictionWorld{env: env, a: env.App, ctx: context.Background()}
	w.teacher = loginAs(t, env, demo.TeacherEmail, demo.Password)
	w.leader = loginAs(t, env, demo.LeaderEmail, demo.Password)
	w.parent = loginAs(t, env, demo.ParentEmail, demo.Password)
	w.student = loginAs(t, env, demo.StudentUsername, demo.Password)
	for id := range w.teacher.Actor.Classes {
		c, err := store.ClassByID(w.ctx, env.DB.R, id)
		must(t, err)
		if c.Name == "Class 3 Sunflowers" {
			w.class = c
		}
	}
	if w.class == nil {
		t.Fatal("the demo teacher has no Class 3")
	}
	st, err := store.StudentByID(w.ctx, env.DB.R, w.student.Actor.StudentID)
	must(t, err)
	w.ava = *st
	skills, err := w.a.Skills(w.ctx, w.teacher, w.class.ID)
	must(t, err)
	w.skill = skills[0].ID
	return w
}

// award gives Ava (or, with whole, the class) a point as the teacher.
func (w *restrictionWorld) award(whole bool) ([]store.Point, error) {
	in := app.Award{SkillID: w.skill, WholeClass: whole}
	if !whole {
		in.StudentIDs = []int64{w.ava.ID}
	}
	return w.a.AwardPoints(w.ctx, w.teacher, w.class.ID, in)
}

// A restriction from request to lift: while in force Ava gets no points,
// teachers no longer see her records, reports and usage counts leave her
// out, attendance goes on; lifting tells her parent and undoes all that.
func TestRestrictionInForceAndLifted(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newRestrictionWorld(t, env)
			a, ctx := w.a, w.ctx
			// Ava has points of her own today, so leaving her out shows.
			if _, err := w.award(false); err != nil {
				t.Fatalf("award before any restriction: %v", err)
			}
			from, to := a.Now().AddDate(0, 0, -40), a.Now().Add(time.Hour)
			classBefore, err := a.ClassReport(ctx, w.teacher, w.class.ID, from, to)
			must(t, err)
			schoolBefore, err := a.SchoolSummary(ctx, w.leader, w.class.SchoolID, from, to)
			must(t, err)
			avaPoints, err := a.PointsOf(ctx, w.leader, w.ava.ID, from, to)
			must(t, err)
			avaAttendance, err := a.AttendanceOf(ctx, w.leader, w.ava.ID, from, to)
			must(t, err)
			if avaPoints.Totals.Count == 0 || len(avaAttendance) == 0 {
				t.Fatal("Ava has no points or attendance to leave out")
			}

			r, err := a.AskRestriction(ctx, w.parent, w.ava.ID, app.GroundAccuracy, "Her points from last week are someone else's.")
			must(t, err)
			if r.Status != store.RestrictionRequested {
				t.Fatalf("asked: status %q", r.Status)
			}
			// Asked is not granted: points still go to her.
			if _, err := w.award(false); err != nil {
				t.Fatalf("award while only asked: %v", err)
			}
			must(t, a.DecideRestriction(ctx, w.leader, r.ID, true, ""))

			// No new points: named, 409-style error; whole class, skipped.
			var re *app.RestrictedError
			if _, err := w.award(false); !errors.As(err, &re) || !slices.Equal(re.StudentIDs, []int64{w.ava.ID}) {
				t.Errorf("award to Ava while restricted: %v, want RestrictedError for her", err)
			}
			pts, err := w.award(true)
			must(t, err)
			if len(pts) == 0 || slices.ContainsFunc(pts, func(p store.Point) bool { return p.StudentID == w.ava.ID }) {
				t.Errorf("whole-class award gave %d points, Ava's among them or none at all", len(pts))
			}
			// Teachers no longer see her records; she, her parent and the
			// leader do.
			if _, err := a.PointsOf(ctx, w.teacher, w.ava.ID, from, to); !errors.Is(err, app.ErrRestricted) {
				t.Errorf("teacher reads Ava's points: %v, want ErrRestricted", err)
			}
			if _, err := a.StudentReport(ctx, w.teacher, w.ava.ID, from, to); !errors.Is(err, app.ErrRestricted) {
				t.Errorf("teacher reads Ava's report: %v, want ErrRestricted", err)
			}
			for _, s := range []*app.Session{w.parent, w.student, w.leader} {
				if _, err := a.PointsOf(ctx, s, w.ava.ID, from, to); err != nil {
					t.Errorf("%s reads Ava's points: %v", s.User.Kind, err)
				}
			}
			// Reports leave her out: no line, and neither her points nor her
			// attendance in the totals.
			cr, err := a.ClassReport(ctx, w.teacher, w.class.ID, from, to)
			must(t, err)
			for _, row := range cr.Students {
				if row.Student.ID == w.ava.ID {
					t.Error("the class report has a line for Ava")
				}
			}
			wholeClass := len(pts) // the whole-class award, given after the "before" report
			if got, want := cr.Points.Count, classBefore.Points.Count-avaPoints.Totals.Count+wholeClass; got != want {
				t.Errorf("class report counts %d points, want %d (without Ava's %d)", got, want, avaPoints.Totals.Count)
			}
			if got, want := cr.Attendance.Total(), classBefore.Attendance.Total()-len(avaAttendance); got != want {
				t.Errorf("class report counts %d attendance marks, want %d", got, want)
			}
			sr, err := a.SchoolSummary(ctx, w.leader, w.class.SchoolID, from, to)
			must(t, err)
			if got, want := sr.Points.Count, schoolBefore.Points.Count-avaPoints.Totals.Count+wholeClass; got != want {
				t.Errorf("school summary counts %d points, want %d", got, want)
			}
			// The class view shows her as restricted, without points.
			cv, err := a.Classroom(ctx, w.teacher, w.class.ID)
			must(t, err)
			if !cv.Restricted[w.ava.ID] {
				t.Error("the class view does not mark Ava restricted")
			}
			if _, ok := cv.Totals[w.ava.ID]; ok {
				t.Error("the class view shows Ava's points of today")
			}
			// Attendance is still taken (a legal register).
			if _, err := a.TakeAttendance(ctx, w.teacher, w.class.ID, a.Today(), []app.Mark{{StudentID: w.ava.ID, Status: store.Late}}); err != nil {
				t.Errorf("attendance for a restricted student: %v", err)
			}
			// Usage counts leave her out.
			line := store.RequestLine{At: a.Now(), Method: "GET", Route: "GET /restricted-test", Status: 200, IPPrefix: "192.0.2.0/24", Browser: "Firefox 140"}
			a.RecordRequest(ctx, line, w.student.User.ID)
			must(t, a.FlushRequestLog(ctx))
			if n := countRows(t, env, `SELECT count(*) FROM usage_counts WHERE feature = 'GET /restricted-test'`); n != 0 {
				t.Errorf("a restricted student's request was counted (%d)", n)
			}

			// Lifting emails the parent who asked, is audited, and lets
			// points and reports include Ava again.
			must(t, a.LiftRestriction(ctx, w.leader, r.ID, "We checked: the points are hers."))
			if n := countRows(t, env, `SELECT count(*) FROM outbox WHERE template = 'restriction_lifted' AND recipient = $1`, demo.ParentEmail); n != 1 {
				t.Errorf("%d lift emails to the parent, want 1", n)
			}
			if n := countRows(t, env, `SELECT count(*) FROM audit_log WHERE action = $1 AND detail = 'restriction lifted: accuracy'`, store.AuditRestrict); n != 1 {
				t.Errorf("%d audit entries for the lift, want 1", n)
			}
			if err := a.LiftRestriction(ctx, w.leader, r.ID, "Again."); !errors.Is(err, app.ErrConflict) {
				t.Errorf("lifting twice: %v, want ErrConflict", err)
			}
			if _, err := w.award(false); err != nil {
				t.Errorf("award after the lift: %v", err)
			}
			if _, err := a.PointsOf(ctx, w.teacher, w.ava.ID, from, to); err != nil {
				t.Errorf("teacher reads Ava's points after the lift: %v", err)
			}
			a.RecordRequest(ctx, line, w.student.User.ID)
			must(t, a.FlushRequestLog(ctx))
			if n := countRows(t, env, `SELECT count(*) FROM usage_counts WHERE feature = 'GET /restricted-test'`); n != 1 {
				t.Errorf("after the lift, her request counted %d times, want 1", n)
			}
			cr, err = a.ClassReport(ctx, w.teacher, w.class.ID, from, to)
			must(t, err)
			if !slices.ContainsFunc(cr.Students, func(row app.StudentRow) bool { return row.Student.ID == w.ava.ID }) {
				t.Error("after the lift the class report still leaves Ava out")
			}
		})
	}
}

// Who may ask, decide and lift, and what bad input gets.
func TestRestrictionRequests(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newRestrictionWorld(t, env)
			a, ctx := w.a, w.ctx
			var ve *app.ValidationError
			if _, err := a.AskRestriction(ctx, w.parent, w.ava.ID, "because", ""); !errors.As(err, &ve) || ve.Fields["ground"].Key != "restriction.bad_ground" {
				t.Errorf("unknown ground: %v", err)
			}
			for _, s := range []*app.Session{w.teacher} {
				if _, err := a.AskRestriction(ctx, s, w.ava.ID, app.GroundObjection, ""); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s asks: %v, want ErrNotFound", s.User.Kind, err)
				}
			}
			if _, err := a.AskRestriction(ctx, w.parent, 1<<40, app.GroundObjection, ""); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("unknown student: %v", err)
			}
			// The student asks for herself; asking twice on one ground is a
			// conflict, another ground is another request.
			r, err := a.AskRestriction(ctx, w.student, w.ava.ID, app.GroundObjection, "")
			must(t, err)
			if _, err := a.AskRestriction(ctx, w.parent, w.ava.ID, app.GroundObjection, ""); !errors.Is(err, app.ErrConflict) {
				t.Errorf("second open request on one ground: %v, want ErrConflict", err)
			}
			legal, err := a.AskRestriction(ctx, w.parent, w.ava.ID, app.GroundLegalClaims, "")
			must(t, err)
			// Only the school's leaders decide; declining needs a reason.
			if err := a.DecideRestriction(ctx, w.teacher, r.ID, true, ""); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("teacher decides: %v, want ErrNotFound", err)
			}
			if err := a.DecideRestriction(ctx, w.parent, r.ID, true, ""); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("parent decides: %v, want ErrNotFound", err)
			}
			if err := a.DecideRestriction(ctx, w.leader, r.ID, false, "  "); !errors.As(err, &ve) || ve.Fields["reason"].Key != "validation.required" {
				t.Errorf("decline without a reason: %v", err)
			}
			must(t, a.DecideRestriction(ctx, w.leader, r.ID, false, "Your objection was answered in the meeting."))
			if err := a.DecideRestriction(ctx, w.leader, r.ID, true, ""); !errors.Is(err, app.ErrConflict) {
				t.Errorf("deciding twice: %v, want ErrConflict", err)
			}
			if err := a.LiftRestriction(ctx, w.leader, r.ID, "Never in force."); !errors.Is(err, app.ErrConflict) {
				t.Errorf("lifting a declined request: %v, want ErrConflict", err)
			}
			// The student has no email address: the outcome goes to her
			// parent instead.
			if n := countRows(t, env, `SELECT count(*) FROM outbox WHERE template = 'restriction_decided' AND recipient = $1`, demo.ParentEmail); n != 1 {
				t.Errorf("%d decision emails to the parent, want 1", n)
			}
			// A leader sets one directly; it shows to the family with the
			// others, and to no teacher.
			_, err = a.SetRestriction(ctx, w.leader, w.ava.ID, app.GroundUnlawful, "Her mother asked at the office on Monday.")
			must(t, err)
			if _, err := a.SetRestriction(ctx, w.teacher, w.ava.ID, app.GroundAccuracy, ""); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("teacher sets one: %v, want ErrNotFound", err)
			}
			list, err := a.Restrictions(ctx, w.parent)
			must(t, err)
			if len(list) != 3 || list[0].Status != store.RestrictionRequested && list[0].Status != store.RestrictionActive {
				t.Errorf("the parent sees %d restrictions, open first: %+v", len(list), list)
			}
			if list, err := a.Restrictions(ctx, w.teacher); err != nil || len(list) != 0 {
				t.Errorf("a teacher sees %d restrictions (%v)", len(list), err)
			}
			leaderList, err := a.Restrictions(ctx, w.leader)
			must(t, err)
			decidable := 0
			for _, v := range leaderList {
				if v.CanDecide {
					decidable++
					if v.ID != legal.ID {
						t.Errorf("the leader may decide %d, which is not waiting", v.ID)
					}
				}
			}
			if decidable != 1 {
				t.Errorf("the leader may decide %d requests, want 1", decidable)
			}
			if _, err := a.RestrictionsOf(ctx, w.teacher, w.ava.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a teacher reads Ava's restrictions: %v", err)
			}
			// Every step is in the audit log, about Ava.
			if n := countRows(t, env, `SELECT count(*) FROM audit_log WHERE subject_user_id = $1 AND action IN ('request', $2)`, w.ava.UserID, store.AuditRestrict); n != 4 {
				t.Errorf("%d audit entries about the requests, want 4 (two asks, a decline, a set)", n)
			}
		})
	}
}

// The retention job keeps the records of a student restricted on the
// ground of a legal claim (or unlawful processing the family wants kept),
// not on the ground of accuracy; lifting lets it delete them.
func TestRetentionKeepsRestrictedRecords(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newRestrictionWorld(t, env)
			a, ctx := w.a, w.ctx
			roster, err := store.StudentsOfClass(ctx, env.DB.R, w.class.ID)
			must(t, err)
			var ben store.Student // another child, restricted on accuracy
			for _, st := range roster {
				if st.ID != w.ava.ID {
					ben = st
					break
				}
			}
			points := func(st store.Student) int64 {
				return countRows(t, env, `SELECT count(*) FROM points WHERE student_id = $1`, st.ID)
			}
			if points(w.ava) == 0 || points(ben) == 0 {
				t.Fatal("the demo students have no points")
			}
			legal, err := a.SetRestriction(ctx, w.leader, w.ava.ID, app.GroundLegalClaims, "For the appeal.")
			must(t, err)
			_, err = a.SetRestriction(ctx, w.leader, ben.ID, app.GroundAccuracy, "")
			must(t, err)
			start := a.Now()
			at(env, start.AddDate(2, 0, 0)) // points keep 12 months
			_, err = a.RunRetention(ctx)
			must(t, err)
			if points(w.ava) == 0 {
				t.Error("the retention job deleted the points of a student restricted for a legal claim")
			}
			if points(ben) != 0 {
				t.Error("the retention job kept points a restriction on accuracy does not hold")
			}
			if n := countRows(t, env, `SELECT count(*) FROM processing_restrictions WHERE closed_at IS NULL`); n != 2 {
				t.Errorf("%d restrictions in force after two years, want 2: retention must not end them", n)
			}
			if countRows(t, env, `SELECT count(*) FROM users WHERE id = $1`, w.ava.UserID) != 1 {
				t.Error("the held student's account is gone")
			}
			must(t, a.LiftRestriction(ctx, w.leader, legal.ID, "The appeal is over."))
			_, err = a.RunRetention(ctx)
			must(t, err)
			if points(w.ava) != 0 {
				t.Error("after the lift the retention job still keeps the points")
			}
		})
	}
}

// A restriction kept for a legal claim also stops erasure: a leader asking
// to erase the student hears why (409), an erasure already scheduled
// waits past its date, and both go ahead once the restriction is lifted.
func TestRestrictionHoldsErasure(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newRestrictionWorld(t, env)
			a, ctx := w.a, w.ctx
			legal, err := a.SetRestriction(ctx, w.leader, w.ava.ID, app.GroundLegalClaims, "For the appeal.")
			must(t, err)
			leaveClasses(t, env, w.ava.ID)
			if _, err := a.EraseStudent(ctx, w.leader, w.ava.ID); !errors.Is(err, app.ErrRecordsHeld) || !errors.Is(err, app.ErrConflict) {
				t.Fatalf("erasing a student held by a restriction: %v, want ErrRecordsHeld", err)
			}
			if n := countRows(t, env, `SELECT count(*) FROM erasures WHERE user_id = $1`, w.ava.UserID); n != 0 {
				t.Errorf("%d erasure requests written for a held student", n)
			}
			must(t, a.LiftRestriction(ctx, w.leader, legal.ID, "Settled."))
			_, err = a.EraseStudent(ctx, w.leader, w.ava.ID)
			must(t, err)
			// Restricted again during the grace period: the due erasure waits.
			again, err := a.SetRestriction(ctx, w.leader, w.ava.ID, app.GroundUnlawful, "Keep instead of erasing.")
			must(t, err)
			at(env, a.Now().AddDate(0, 2, 0))
			n, err := a.RunDueErasures(ctx)
			must(t, err)
			if n != 0 || countRows(t, env, `SELECT count(*) FROM users WHERE id = $1`, w.ava.UserID) != 1 {
				t.Fatalf("a held student was erased (%d erasures run)", n)
			}
			must(t, a.LiftRestriction(ctx, w.leader, again.ID, "Done."))
			n, err = a.RunDueErasures(ctx)
			must(t, err)
			if n != 1 || countRows(t, env, `SELECT count(*) FROM users WHERE id = $1`, w.ava.UserID) != 0 {
				t.Errorf("after the lift the due erasure did not run (%d run)", n)
			}
		})
	}
}

// Merging a duplicate profile carries its restriction to the profile kept
// (before, the merge refused: it did not know the table).
func TestMergeKeepsRestriction(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newRestrictionWorld(t, env)
			a, ctx := w.a, w.ctx
			added, err := a.AddStudents(ctx, w.teacher, w.class.ID, []app.NewStudent{{"Ava", "Martín"}})
			must(t, err)
			dup := added[0].Student.ID
			_, err = a.SetRestriction(ctx, w.leader, dup, app.GroundAccuracy, "")
			must(t, err)
			if _, err := a.MergeStudents(ctx, w.leader, w.ava.ID, dup); err != nil {
				t.Fatalf("merging a restricted duplicate: %v", err)
			}
			if on, err := store.StudentRestricted(ctx, env.DB.R, w.ava.ID); err != nil || !on {
				t.Errorf("the kept profile is not restricted after the merge (%v)", err)
			}
			if _, err := w.award(false); err == nil {
				t.Error("the merged, restricted child still receives points")
			}
		})
	}
}

// The access log follows a child through a merge: a read of the duplicate
// profile is in the family's log under the child's name afterwards, with
// the merge itself, and erasing the child later redacts both.
func TestAccessLogFollowsAMerge(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newRestrictionWorld(t, env)
			a, ctx := w.a, w.ctx
			added, err := a.AddStudents(ctx, w.teacher, w.class.ID, []app.NewStudent{{"Ava", "Martín"}})
			must(t, err)
			dup := added[0].Student
			must(t, a.AuditStudentRead(ctx, w.teacher, &dup, "attendance"))
			_, err = a.MergeStudents(ctx, w.leader, w.ava.ID, dup.ID)
			must(t, err)
			log, err := a.AccessLog(ctx, w.parent)
			must(t, err)
			var read, merged bool
			for _, e := range log {
				read = read || (e.Action == store.AuditRead && e.Detail == "attendance" && e.Subject == "Ava")
				merged = merged || (e.Action == store.AuditMerge && e.Subject == "Ava")
			}
			if !read || !merged {
				t.Errorf("the parent's log after the merge: read of the duplicate %v, merge %v", read, merged)
			}
			must(t, a.EraseNow(ctx, w.ava.UserID))
			if n := countRows(t, env, `SELECT count(*) FROM audit_log WHERE subject_user_id IN ($1, $2)`, w.ava.UserID, dup.UserID); n != 0 {
				t.Errorf("%d audit entries still name the erased child or her merged profile", n)
			}
			res, err := a.VerifyAudit(ctx)
			must(t, err)
			if !res.OK() {
				t.Errorf("the chain after the erasure: %v", res.Problems)
			}
		})
	}
}
