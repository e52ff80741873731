package app_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// person creates an account directly (verified or not) and returns its
// session, skipping the password and any two-factor step.
func dirPerson(t *testing.T, env *testenv.Env, kind, email string, verified bool) *app.Session {
	t.Helper()
	ctx := context.Background()
	now := env.App.Now()
	u := &store.User{Kind: kind, FirstName: strings.Split(email, "@")[0], LastName: "Test", Email: email, Language: "en", CreatedAt: now}
	if verified {
		u.EmailVerifiedAt = &now
	}
	if err := store.CreateUser(ctx, env.DB.W, u); err != nil {
		t.Fatal(err)
	}
	return app.BenchSession(ctx, env.App, u.ID)
}

// refresh reloads a session, as the next request would.
func dirRefresh(t *testing.T, env *testenv.Env, s *app.Session) *app.Session {
	t.Helper()
	return app.BenchSession(context.Background(), env.App, s.User.ID)
}

// refusedKey returns the reason of an app.RefusedError, or fails.
func dirRefused(t *testing.T, err error, kind error) string {
	t.Helper()
	var re *app.RefusedError
	if !errors.As(err, &re) || !errors.Is(err, kind) {
		t.Fatalf("want a refusal (%v), got %v", kind, err)
	}
	return re.Key
}

func dirMember(t *testing.T, env *testenv.Env, schoolID, userID int64) *store.Membership {
	t.Helper()
	m, err := store.MembershipOf(context.Background(), env.DB.R, schoolID, userID)
	if errors.Is(err, app.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestJoinApproveDecline(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]

			newbie := dirPerson(t, env, store.KindTeacher, "newbie@example.org", false)
			m, err := a.JoinSchool(ctx, newbie, school)
			if err != nil || m.Status != store.MemberPending || m.Role != store.RoleTeacher || m.VerifiedAt != nil {
				t.Fatalf("join: %+v %v", m, err)
			}
			// The school's leaders hear of it, in their language.
			if mail := env.LastEmail(t, demo.LeaderEmail); !strings.Contains(mail, "newbie Test asked to join Maple Grove") ||
				!strings.Contains(mail, env.URL+"/schools/"+strconv.FormatInt(school, 10)+"/directory#requests") {
				t.Errorf("leader's email:\n%s", mail)
			}
			// A second request says it waits, and is no 500.
			if key := dirRefused(t, errOf(a.JoinSchool(ctx, newbie, school)), app.ErrConflict); key != "join.already_pending" {
				t.Errorf("second request: %s", key)
			}
			// Waiting is not belonging.
			if newbie = dirRefresh(t, env, newbie); len(newbie.Actor.Schools) != 0 {
				t.Errorf("a pending request gave access: %+v", newbie.Actor.Schools)
			}
			if _, err := a.JoinSchool(ctx, newbie, 999999); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("unknown school: %v", err)
			}
			// Only the school's leaders answer requests.
			teacher := session(t, env, demo.TeacherEmail)
			if _, err := a.ApproveMember(ctx, teacher, school, newbie.User.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("teacher approving: %v", err)
			}
			if _, err := a.ApproveMember(ctx, otherSchoolTeacher(t, env), school, newbie.User.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("other school approving: %v", err)
			}
			m, err = a.ApproveMember(ctx, leader, school, newbie.User.ID)
			if err != nil || m.Status != store.MemberActive || m.VerifiedAt == nil {
				t.Fatalf("approve: %+v %v", m, err)
			}
			if newbie = dirRefresh(t, env, newbie); !newbie.Actor.Schools[school].Verified {
				t.Errorf("approved teacher is not verified staff: %+v", newbie.Actor.Schools)
			}
			if key := dirRefused(t, errOf(a.JoinSchool(ctx, newbie, school)), app.ErrConflict); key != "join.already_member" {
				t.Errorf("joining again: %s", key)
			}
			if err := a.DeclineMember(ctx, leader, school, newbie.User.ID); dirRefused(t, err, app.ErrConflict) != "directory.not_pending" {
				t.Errorf("declining staff: %v", err)
			}

			// Declining deletes the request; the person may ask again.
			other := dirPerson(t, env, store.KindTeacher, "other@example.org", true)
			if _, err := a.JoinSchool(ctx, other, school); err != nil {
				t.Fatal(err)
			}
			if err := a.DeclineMember(ctx, leader, school, other.User.ID); err != nil {
				t.Fatal(err)
			}
			if dirMember(t, env, school, other.User.ID) != nil {
				t.Error("declined request still stored")
			}
			if _, err := a.JoinSchool(ctx, other, school); err != nil {
				t.Errorf("asking again after a decline: %v", err)
			}
			if err := a.WithdrawJoinRequest(ctx, other, school); err != nil || dirMember(t, env, school, other.User.ID) != nil {
				t.Errorf("withdraw: %v", err)
			}

			// A leader's account asks to be a leader; parents and students
			// cannot ask at all.
			boss := dirPerson(t, env, store.KindLeader, "boss@example.org", true)
			if m, err := a.JoinSchool(ctx, boss, school); err != nil || m.Role != store.RoleLeader || m.Status != store.MemberPending {
				t.Errorf("leader join: %+v %v", m, err)
			}
			if _, err := a.JoinSchool(ctx, session(t, env, demo.ParentEmail), school); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("parent join: %v", err)
			}
			if _, err := a.JoinSchool(ctx, session(t, env, demo.StudentUsername), school); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("student join: %v", err)
			}

			// One person waits for at most five schools at a time.
			eager := dirPerson(t, env, store.KindTeacher, "eager@example.org", true)
			for i := range app.MaxPendingRequests + 1 {
				s := &store.School{Name: "School " + strconv.Itoa(i), Country: "US", CreatedAt: a.Now()}
				if err := store.CreateSchool(ctx, env.DB.W, s); err != nil {
					t.Fatal(err)
				}
				_, err := a.JoinSchool(ctx, eager, s.ID)
				if i < app.MaxPendingRequests && err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if i == app.MaxPendingRequests && dirRefused(t, err, app.ErrConflict) != "join.too_many_pending" {
					t.Errorf("one request too many: %v", err)
				}
			}
		})
	}
}

func errOf[T any](_ T, err error) error { return err }

func TestAutoApprovalByEmailDomain(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]

			for domain, key := range map[string]string{"gmail.com": "directory.domain_public", "not a domain": "directory.domain_invalid",
				"ana@maplegrove.example": "directory.domain_invalid", "localhost": "directory.domain_invalid"} {
				if _, err := a.SetSchoolAccess(ctx, leader, school, store.SchoolAccess{EmailDomain: domain}); fields(t, err)["email_domain"] != key {
					t.Errorf("domain %q: %v", domain, err)
				}
			}
			if _, err := a.SetSchoolAccess(ctx, session(t, env, demo.TeacherEmail), school, store.SchoolAccess{EmailDomain: "x.example"}); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("teacher changing access: %v", err)
			}
			acc, err := a.SetSchoolAccess(ctx, leader, school, store.SchoolAccess{EmailDomain: " @MapleGrove.Example "})
			if err != nil || acc.EmailDomain != "maplegrove.example" {
				t.Fatalf("set domain: %+v %v", acc, err)
			}

			// A verified address on the domain gets in at once, verified.
			in := dirPerson(t, env, store.KindTeacher, "kim@maplegrove.example", true)
			if m, err := a.JoinSchool(ctx, in, school); err != nil || m.Status != store.MemberActive || m.VerifiedAt == nil {
				t.Errorf("auto-approval: %+v %v", m, err)
			}
			// An unverified one waits, until the address is verified and
			// the person asks again.
			later := dirPerson(t, env, store.KindTeacher, "lee@maplegrove.example", false)
			if m, err := a.JoinSchool(ctx, later, school); err != nil || m.Status != store.MemberPending {
				t.Errorf("unverified address: %+v %v", m, err)
			}
			if err := store.MarkEmailVerified(ctx, env.DB.W, later.User.ID, a.Now()); err != nil {
				t.Fatal(err)
			}
			if m, err := a.JoinSchool(ctx, dirRefresh(t, env, later), school); err != nil || m.Status != store.MemberActive {
				t.Errorf("asking again once verified: %+v %v", m, err)
			}
			// Other domains, and leader requests, always wait.
			for _, s := range []*app.Session{
				dirPerson(t, env, store.KindTeacher, "kim@elsewhere.example", true),
				dirPerson(t, env, store.KindLeader, "head@maplegrove.example", true),
			} {
				if m, err := a.JoinSchool(ctx, s, school); err != nil || m.Status != store.MemberPending {
					t.Errorf("%s: %+v %v", s.User.Email, m, err)
				}
			}
		})
	}
}

// TestDirectoryAccess is the access matrix of the School Directory.
func TestDirectoryAccess(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]
			waiting := dirPerson(t, env, store.KindTeacher, "waiting@example.org", true)
			if _, err := a.JoinSchool(ctx, waiting, school); err != nil {
				t.Fatal(err)
			}
			// An active member the school has not verified: joined by a
			// colleague's invitation.
			unverified := dirPerson(t, env, store.KindTeacher, "fresh@example.org", true)
			if err := store.AddMembership(ctx, env.DB.W, &store.Membership{SchoolID: school, UserID: unverified.User.ID,
				Role: store.RoleTeacher, Status: store.MemberActive, CreatedAt: a.Now()}); err != nil {
				t.Fatal(err)
			}
			unverified = dirRefresh(t, env, unverified)

			dir, err := a.SchoolDirectory(ctx, leader, school)
			if err != nil || !dir.Full || !dir.Manage || len(dir.Pending) != 1 || dir.Pending[0].UserID != waiting.User.ID ||
				len(dir.Staff) != 4 || len(dir.Students) != 50 {
				t.Fatalf("leader: %v %+v", err, dir)
			}
			if len(dir.Students[0].Classes) != 1 {
				t.Errorf("students' classes: %+v", dir.Students[0])
			}
			dir, err = a.SchoolDirectory(ctx, session(t, env, demo.TeacherEmail), school)
			if err != nil || !dir.Full || dir.Manage || len(dir.Pending) != 0 || len(dir.Staff) != 4 || len(dir.Students) != 50 {
				t.Errorf("verified teacher (read-only, no requests): %v %+v", err, dir)
			}
			dir, err = a.SchoolDirectory(ctx, unverified, school)
			if err != nil || dir.Full || dir.Manage || dir.Staff != nil || dir.Students != nil || dir.Me.Status != store.MemberActive {
				t.Errorf("unverified teacher sees only their place: %v %+v", err, dir)
			}
			for name, s := range map[string]*app.Session{
				"waiting teacher": dirRefresh(t, env, waiting),
				"parent":          session(t, env, demo.ParentEmail),
				"student":         session(t, env, demo.StudentUsername),
				"other school":    otherSchoolTeacher(t, env),
			} {
				if _, err := a.SchoolDirectory(ctx, s, school); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s: %v", name, err)
				}
			}
		})
	}
}

func TestRemoveStaffHandsOverClasses(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]
			rosa := session(t, env, demo.TeacherEmail)
			daniel := session(t, env, demo.Teacher2Email)
			sunflowers := classNamed(t, env, "Class 3 Sunflowers")
			explorers := classNamed(t, env, "Class 4 Explorers")
			// Rosa also co-teaches Daniel's class: that one stays his.
			if err := store.AddClassTeacher(ctx, env.DB.W, school, explorers.ID, rosa.User.ID, a.Now()); err != nil {
				t.Fatal(err)
			}
			if err := a.RemoveMember(ctx, leader, school, rosa.User.ID, 0); fields(t, err)["heir"] != "directory.heir_required" {
				t.Errorf("no heir for a class she teaches alone: %v", err)
			}
			for _, heir := range []int64{rosa.User.ID, 999999, session(t, env, demo.ParentEmail).User.ID} {
				if err := a.RemoveMember(ctx, leader, school, rosa.User.ID, heir); fields(t, err)["heir"] != "directory.heir_invalid" {
					t.Errorf("heir %d: %v", heir, err)
				}
			}
			if err := a.RemoveMember(ctx, daniel, school, rosa.User.ID, daniel.User.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a teacher removing a colleague: %v", err)
			}
			if err := a.RemoveMember(ctx, leader, school, rosa.User.ID, daniel.User.ID); err != nil {
				t.Fatal(err)
			}
			for class, want := range map[int64][]int64{sunflowers.ID: {daniel.User.ID}, explorers.ID: {daniel.User.ID}} {
				got, err := store.TeachersOf(ctx, env.DB.R, class)
				if err != nil || len(got) != len(want) || got[0] != want[0] {
					t.Errorf("class %d teachers %v, want %v (%v)", class, got, want, err)
				}
			}
			if dirMember(t, env, school, rosa.User.ID) != nil {
				t.Error("membership not ended")
			}
			// She keeps her account, and no longer reaches the school.
			rosa = dirRefresh(t, env, rosa)
			if len(rosa.Actor.Schools) != 0 || len(rosa.Actor.Classes) != 0 {
				t.Errorf("removed teacher still has %+v %+v", rosa.Actor.Schools, rosa.Actor.Classes)
			}
			if n := count(t, env, `SELECT count(*) FROM points WHERE class_id = $1`, sunflowers.ID); n == 0 {
				t.Error("the class's records went with her")
			}
			// Someone who teaches nothing needs no heir.
			idle := dirPerson(t, env, store.KindTeacher, "idle@example.org", true)
			if _, err := a.JoinSchool(ctx, idle, school); err != nil {
				t.Fatal(err)
			}
			if _, err := a.ApproveMember(ctx, leader, school, idle.User.ID); err != nil {
				t.Fatal(err)
			}
			if err := a.RemoveMember(ctx, leader, school, idle.User.ID, 0); err != nil {
				t.Errorf("removing staff without classes: %v", err)
			}
		})
	}
}

func TestLastLeaderKeepsTheSchool(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]
			daniel := session(t, env, demo.Teacher2Email)
			if key := dirRefused(t, a.RemoveMember(ctx, leader, school, leader.User.ID, daniel.User.ID), app.ErrConflict); key != "directory.last_leader" {
				t.Errorf("removing the last leader: %s", key)
			}
			if key := dirRefused(t, errOf(a.SetLeader(ctx, leader, school, leader.User.ID, false)), app.ErrConflict); key != "directory.last_leader" {
				t.Errorf("demoting the last leader: %s", key)
			}
			// With a second leader, either may step down.
			m, err := a.SetLeader(ctx, leader, school, daniel.User.ID, true)
			if err != nil || m.Role != store.RoleLeader {
				t.Fatalf("grant: %+v %v", m, err)
			}
			if daniel = dirRefresh(t, env, daniel); !daniel.Actor.IsLeaderOf(school) {
				t.Error("granted leader rights not in effect")
			}
			if _, err := a.SetLeader(ctx, leader, school, leader.User.ID, false); err != nil {
				t.Errorf("stepping down with another leader: %v", err)
			}
			leader = dirRefresh(t, env, leader)
			if _, err := a.SetLeader(ctx, leader, school, daniel.User.ID, false); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("a former leader demoting: %v", err)
			}
			if key := dirRefused(t, errOf(a.SetLeader(ctx, daniel, school, daniel.User.ID, false)), app.ErrConflict); key != "directory.last_leader" {
				t.Errorf("the new last leader stepping down: %s", key)
			}
			// A request still waiting cannot be made a leader.
			waiting := dirPerson(t, env, store.KindTeacher, "wait@example.org", true)
			if _, err := a.JoinSchool(ctx, waiting, school); err != nil {
				t.Fatal(err)
			}
			if key := dirRefused(t, errOf(a.SetLeader(ctx, daniel, school, waiting.User.ID, true)), app.ErrConflict); key != "directory.not_active" {
				t.Errorf("pending to leader: %s", key)
			}
		})
	}
}

func TestCreateMissingSchool(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := dirPerson(t, env, store.KindTeacher, "founder@example.org", true)
			if f := fields(t, errOf(a.CreateSchool(ctx, teacher, app.NewSchool{Country: "usa"}))); f["name"] != "validation.required" ||
				f["city"] != "validation.required" || f["country"] != "join.country_invalid" {
				t.Errorf("bad input: %v", f)
			}
			school, err := a.CreateSchool(ctx, teacher, app.NewSchool{Name: "  Hilltop   Primary ", City: "Springfield", Region: "IL"})
			if err != nil || school.Verified || school.Name != "Hilltop Primary" || school.Country != "US" {
				t.Fatalf("create: %+v %v", school, err)
			}
			m := dirMember(t, env, school.ID, teacher.User.ID)
			if m == nil || m.Status != store.MemberActive || m.Role != store.RoleTeacher || m.VerifiedAt != nil {
				t.Errorf("creator's membership: %+v", m)
			}
			// The creator can work there at once, but cannot vouch for it.
			teacher = dirRefresh(t, env, teacher)
			if _, err := a.CreateClass(ctx, teacher, school.ID, "Room 1"); err != nil {
				t.Errorf("class in the new school: %v", err)
			}
			if err := a.ConfirmSchool(ctx, teacher, school.ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("creator confirming: %v", err)
			}
			if f := fields(t, errOf(a.CreateSchool(ctx, teacher, app.NewSchool{Name: "hilltop primary", City: "springfield"}))); f["name"] != "join.school_exists" {
				t.Errorf("duplicate: %v", f)
			}
			for i := range 2 {
				if _, err := a.CreateSchool(ctx, teacher, app.NewSchool{Name: "School " + string(rune('A'+i)), City: "Town"}); err != nil {
					t.Fatal(err)
				}
			}
			var rl *app.RateLimitError
			if _, err := a.CreateSchool(ctx, teacher, app.NewSchool{Name: "One too many", City: "Town"}); !errors.As(err, &rl) {
				t.Errorf("fourth school in a day: %v", err)
			}
			// A leader the school verified confirms it (here: a leader made
			// verified staff directly, as an operator would).
			now := a.Now()
			head := dirPerson(t, env, store.KindLeader, "head@example.org", true)
			if err := store.AddMembership(ctx, env.DB.W, &store.Membership{SchoolID: school.ID, UserID: head.User.ID, Role: store.RoleLeader,
				Status: store.MemberActive, VerifiedAt: &now, CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
			if err := a.ConfirmSchool(ctx, dirRefresh(t, env, head), school.ID); err != nil {
				t.Fatal(err)
			}
			if s, _ := store.SchoolByID(ctx, env.DB.R, school.ID); !s.Verified {
				t.Error("school not confirmed")
			}
			if err := a.ConfirmSchool(ctx, session(t, env, demo.LeaderEmail), school.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another school's leader: %v", err)
			}
		})
	}
}

// TestTwoFactorRequiredForStaff is the hook in Authenticate: a school that
// requires two-factor login marks its staff's sessions without it.
func TestTwoFactorRequiredForStaff(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			now := time.Now().UTC()
			a.SetClock(func() time.Time { return now })
			leader := session(t, env, demo.LeaderEmail)
			school := leader.Actor.SchoolIDs()[0]
			if _, err := a.SetSchoolAccess(ctx, leader, school, store.SchoolAccess{RequireTwoFactor: true}); fields(t, err)["require_two_factor"] != "directory.twofa_self_first" {
				t.Errorf("requiring it without having it: %v", err)
			}
			dirTOTP(t, a, leader, now)
			leader = dirRefresh(t, env, leader)
			if _, err := a.SetSchoolAccess(ctx, leader, school, store.SchoolAccess{RequireTwoFactor: true}); err != nil {
				t.Fatal(err)
			}
			teacher := session(t, env, demo.TeacherEmail)
			if !teacher.TwoFactorSetup {
				t.Error("teacher without two-factor not asked to set it up")
			}
			for name, s := range map[string]*app.Session{"leader with it": dirRefresh(t, env, leader), "parent": session(t, env, demo.ParentEmail),
				"student": session(t, env, demo.StudentUsername), "other school": otherSchoolTeacher(t, env)} {
				if s.TwoFactorSetup {
					t.Errorf("%s asked to set up two-factor", name)
				}
			}
			// A join request waiting does not count; being staff does.
			waiting := dirPerson(t, env, store.KindTeacher, "w@example.org", true)
			if _, err := a.JoinSchool(ctx, waiting, school); err != nil {
				t.Fatal(err)
			}
			if dirRefresh(t, env, waiting).TwoFactorSetup {
				t.Error("a pending request triggered the requirement")
			}
			dirTOTP(t, a, teacher, now)
			if dirRefresh(t, env, teacher).TwoFactorSetup {
				t.Error("still asked after setting it up")
			}
			if _, err := a.SetSchoolAccess(ctx, leader, school, store.SchoolAccess{}); err != nil {
				t.Fatal(err)
			}
			if session(t, env, demo.Teacher2Email).TwoFactorSetup {
				t.Error("asked after the school turned the requirement off")
			}
		})
	}
}

func dirTOTP(t *testing.T, a *app.App, s *app.Session, now time.Time) {
	t.Helper()
	ctx := context.Background()
	setup, err := a.BeginTwoFactor(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConfirmTwoFactor(ctx, s, app.TOTPCodeForTest(strings.ReplaceAll(setup.Secret, " ", ""), now)); err != nil {
		t.Fatal(err)
	}
}
