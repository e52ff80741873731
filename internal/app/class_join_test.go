package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A student who signed up on their own joins a class with its code: they
// ask, only the class's teachers or the school's leaders answer, and once
// let in they are on the roster and see the class.
func TestClassJoinWithCode(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			token, err := a.SignUpStudent(ctx, app.StudentSignup{Age: app.AgeCheck{BirthYear: time.Now().Year() - 17, BirthMonth: 1},
				FirstName: "Noor", Language: "en", Username: "noor.k", Password: "correct horse battery staple"})
			must(t, err)
			noor := sessionOf(t, env, token)
			teacher, teacher2 := session(t, env, demo.TeacherEmail), session(t, env, demo.Teacher2Email)
			parent, leader := session(t, env, demo.ParentEmail), session(t, env, demo.LeaderEmail)
			var classID int64
			for id := range teacher.Actor.Classes {
				classID = id
			}
			code, _, err := a.RotateClassCode(ctx, teacher, classID)
			must(t, err)
			joins := func() int {
				var n int
				env.DB.R.QueryRow(`SELECT count(*) FROM class_join_requests`).Scan(&n)
				return n
			}

			var ve *app.ValidationError
			if _, err := a.AskToJoinClass(ctx, noor, "NOPE42", "192.0.2.1"); !errors.As(err, &ve) || ve.Fields["code"].Key != "classcode.unknown" {
				t.Fatalf("a wrong code: %v", err)
			}
			if _, err := a.AskToJoinClass(ctx, parent, code, "192.0.2.1"); !errors.Is(err, app.ErrForbidden) {
				t.Fatalf("a parent asks: %v", err)
			}
			req, err := a.AskToJoinClass(ctx, noor, code, "192.0.2.1")
			must(t, err)
			var re *app.RefusedError
			if _, err := a.AskToJoinClass(ctx, noor, code, "192.0.2.1"); !errors.As(err, &re) || re.Key != "classjoin.asked_already" {
				t.Fatalf("asking twice: %v", err)
			}
			if joins() != 1 {
				t.Fatalf("%d requests stored", joins())
			}

			// Who sees and answers it.
			if _, list, err := a.ClassJoinRequests(ctx, teacher, classID); err != nil || len(list) != 1 || list[0].FirstName != "Noor" {
				t.Fatalf("the teacher's list: %v %v", list, err)
			}
			if _, list, err := a.ClassJoinRequests(ctx, leader, classID); err != nil || len(list) != 1 {
				t.Fatalf("the leader's list: %v %v", list, err)
			}
			for name, s := range map[string]*app.Session{"another class's teacher": teacher2, "a parent": parent, "the student": noor} {
				if _, err := a.DecideClassJoin(ctx, s, req.ID, true); err == nil {
					t.Errorf("%s lets the student in", name)
				}
			}
			if _, _, err := a.ClassJoinRequests(ctx, parent, classID); err == nil {
				t.Error("a parent lists the requests")
			}
			if _, err := store.StudentByUserID(ctx, env.DB.R, noor.User.ID); !errors.Is(err, app.ErrNotFound) {
				t.Fatalf("a profile before anyone let the student in: %v", err)
			}

			done, err := a.DecideClassJoin(ctx, teacher, req.ID, true)
			must(t, err)
			if done.Outcome != store.JoinApproved {
				t.Errorf("outcome %q", done.Outcome)
			}
			if _, err := a.DecideClassJoin(ctx, leader, req.ID, false); !errors.As(err, &re) || re.Key != "classjoin.answered" {
				t.Errorf("answering twice: %v", err)
			}
			_, roster, err := a.Class(ctx, teacher, classID)
			must(t, err)
			in := false
			for _, st := range roster {
				in = in || st.UserID == noor.User.ID
			}
			if !in {
				t.Fatal("the student is not on the roster")
			}
			again := sessionOf(t, env, token)
			if again.Actor.StudentID == 0 {
				t.Fatal("the student has no profile after being let in")
			}
			mine, err := a.MyClassJoinRequests(ctx, again)
			if err != nil || len(mine) != 1 || mine[0].Outcome != store.JoinApproved {
				t.Errorf("the student's requests: %v %v", mine, err)
			}
			if _, err := a.AskToJoinClass(ctx, again, code, "192.0.2.1"); !errors.As(err, &re) || re.Key != "classjoin.already_in" {
				t.Errorf("asking to join a class one is in: %v", err)
			}
		})
	}
}
