package app_test

import (
	"context"
	"errors"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// leaveSchool takes a student off every class roster of this year, as their
// teachers do when a child leaves: they are then a student who left.
func leaveSchool(t *testing.T, env *testenv.Env, studentID int64) {
	t.Helper()
	classes, err := store.CurrentClassIDs(context.Background(), env.DB.R, studentID)
	must(t, err)
	if len(classes) == 0 {
		t.Fatalf("student %d is in no class already", studentID)
	}
	for _, c := range classes {
		ok, err := store.RemoveFromClass(context.Background(), env.DB.W, c, studentID, env.App.Now())
		must(t, err)
		if !ok {
			t.Fatalf("student %d was not on class %d's roster", studentID, c)
		}
	}
}

// listed reports whether the leader's privacy page lists a student under
// "Students who left".
func listed(t *testing.T, env *testenv.Env, leader *app.Session, studentID int64) bool {
	t.Helper()
	schools, err := env.App.SchoolPrivacy(context.Background(), leader)
	must(t, err)
	for _, sp := range schools {
		for _, c := range sp.Students {
			if c.ID == studentID {
				return true
			}
		}
	}
	return false
}

// The leader's list of students to erase holds only students who left: no
// current student, a student taken off every roster, a student whose only
// class was archived at the year's end — and a student already asked to be
// erased, with the date, so the leader can keep them.
func TestSchoolPrivacyListsOnlyStudentsWhoLeft(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx, a := context.Background(), env.App
			leader := loginAs(t, env, demo.LeaderEmail, demo.Password)
			schools, err := a.SchoolPrivacy(ctx, leader)
			must(t, err)
			if len(schools) != 1 || len(schools[0].Retention) == 0 {
				t.Fatalf("the leader's page: %+v", schools)
			}
			school := schools[0].School.ID
			current, err := store.StudentsOfSchool(ctx, env.DB.R, school)
			must(t, err)
			if len(current) < 3 {
				t.Fatalf("the demo has %d students", len(current))
			}
			if n := len(schools[0].Students); n != 0 {
				t.Fatalf("every demo student is in a class, yet %d are listed as having left: %+v", n, schools[0].Students)
			}

			gone, archived := current[0], current[1]
			leaveSchool(t, env, gone.ID)
			classes, err := store.CurrentClassIDs(ctx, env.DB.R, archived.ID)
			must(t, err)
			for _, c := range classes {
				must(t, store.ArchiveClass(ctx, env.DB.W, c, a.Now()))
			}
			// Archiving a class leaves its classmates in no class this year
			// too; keep one current student to show they stay off the list.
			var stays *store.Student
			for i := range current {
				if ids, err := store.CurrentClassIDs(ctx, env.DB.R, current[i].ID); err == nil && len(ids) > 0 {
					stays = &current[i]
					break
				}
			}
			if stays == nil {
				t.Fatal("no student is in a class after archiving one")
			}
			if !listed(t, env, leader, gone.ID) || !listed(t, env, leader, archived.ID) {
				t.Error("a student in no class this year is not listed")
			}
			if listed(t, env, leader, stays.ID) {
				t.Error("a current student is listed as having left")
			}

			_, err = a.EraseStudent(ctx, leader, gone.ID)
			must(t, err)
			schools, err = a.SchoolPrivacy(ctx, leader)
			must(t, err)
			found := false
			for _, c := range schools[0].Students {
				if c.ID == gone.ID {
					found = true
					if c.Pending == nil || c.Pending.Reason != store.ErasureSchool || !c.Pending.DueAt.After(a.Now()) {
						t.Errorf("the pending erasure: %+v", c.Pending)
					}
				} else if c.Pending != nil {
					t.Errorf("%s has an erasure nobody asked for", c.FirstName)
				}
			}
			if !found {
				t.Error("a student being erased left the list (the leader could not keep them)")
			}

			teacher := loginAs(t, env, demo.TeacherEmail, demo.Password)
			if _, err := a.SchoolPrivacy(ctx, teacher); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a teacher's school privacy page: %v", err)
			}
		})
	}
}

// A current student cannot be erased by their school, whatever the form
// sends: the use case refuses with its reason and writes nothing; once the
// student is in no class this year, the same request goes through.
func TestEraseRefusesACurrentStudent(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx, a := context.Background(), env.App
			leader := loginAs(t, env, demo.LeaderEmail, demo.Password)
			ava := loginAs(t, env, demo.StudentUsername, demo.Password)
			id := ava.Actor.StudentID

			refusedInClass := func(what string, err error) {
				t.Helper()
				var re *app.RefusedError
				if !errors.As(err, &re) || re.Key != "erase.in_class" || !errors.Is(err, app.ErrConflict) {
					t.Errorf("%s of a current student: %v, want a RefusedError erase.in_class", what, err)
				}
			}
			_, err := a.EraseStudent(ctx, leader, id)
			refusedInClass("erasing", err)
			_, err = a.StudentToErase(ctx, leader, id)
			refusedInClass("the confirmation page", err)
			if n := countRows(t, env, `SELECT count(*) FROM erasures WHERE user_id = $1`, ava.User.ID); n != 0 {
				t.Errorf("%d erasure requests written for a current student", n)
			}
			st, err := store.StudentByID(ctx, env.DB.R, id)
			must(t, err)
			u, err := store.UserByID(ctx, env.DB.R, st.UserID)
			must(t, err)
			if st.LeftAt != nil || u.DisabledAt != nil {
				t.Errorf("a refused erasure still marked the student: left %v, disabled %v", st.LeftAt, u.DisabledAt)
			}
			if n := countRows(t, env, `SELECT count(*) FROM sessions WHERE user_id = $1`, ava.User.ID); n == 0 {
				t.Error("a refused erasure logged the student out")
			}
			// Someone who may not erase hears nothing about the student.
			teacher := loginAs(t, env, demo.TeacherEmail, demo.Password)
			if _, err := a.EraseStudent(ctx, teacher, id); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a teacher erasing: %v", err)
			}

			leaveSchool(t, env, id)
			if _, err := a.StudentToErase(ctx, leader, id); err != nil {
				t.Errorf("the confirmation page for a student who left: %v", err)
			}
			if _, err := a.EraseStudent(ctx, leader, id); err != nil {
				t.Fatalf("erasing a student who left: %v", err)
			}
			if n := countRows(t, env, `SELECT count(*) FROM erasures WHERE user_id = $1 AND erased_at IS NULL`, ava.User.ID); n != 1 {
				t.Errorf("%d erasure requests for a student who left", n)
			}
		})
	}
}
