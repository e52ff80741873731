package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/demo"
	"cubby/internal/privacy"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// family is a fixture that touches every personal table: a new teacher with
// a class, two-factor login and a pending password reset; a new student in
// that class with points, attendance, a login card and a login; the
// student's parent, connected, subscribed to product news, asking for a
// correction and a restriction of processing (granted, then lifted), and
// asked by another child for consent (one request answered,
// one pending); and the demo school's leader, who shortened a retention
// period and asked to erase another student. Names are unusual on purpose,
// so scanning the database for them finds only them.
type family struct {
	env                      *testenv.Env
	ctx                      context.Context
	teacher, parent, student *app.Session
	leader                   *app.Session
	teacherID, parentID      int64
	studentUserID, studentID int64
	otherChildID             int64
	classID, schoolID        int64
}

const (
	teacherEmail = "ottoline.vexmoor@fixture.test"
	parentEmail  = "barnaby.quillfeather@fixture.test"
)

// fixtureNames are every name token of the fixture's people.
var fixtureNames = []string{"Ottoline", "Vexmoor", "Barnaby", "Quillfeather", "Zephyrine", "Zanderwick", "Wilhelmina"}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sessionOf(t *testing.T, env *testenv.Env, token string) *app.Session {
	t.Helper()
	s, err := env.App.Authenticate(context.Background(), token)
	must(t, err)
	return s
}

func loginAs(t *testing.T, env *testenv.Env, who, password string) *app.Session {
	t.Helper()
	token, _, err := env.App.Login(context.Background(), app.Credentials{Login: who, Password: password, Kind: "api", Browser: "Firefox 140"})
	must(t, err)
	return sessionOf(t, env, token)
}

func newFamily(t *testing.T, d db.Dialect) *family {
	t.Helper()
	env := testenv.New(t, d, testenv.WithDeployment(func(dep *privacy.Deployment) { dep.EligibleParentAccess = privacy.EligibleParentAccessKeep }))
	a, ctx := env.App, context.Background()
	f := &family{env: env, ctx: ctx}
	f.leader = loginAs(t, env, demo.LeaderEmail, demo.Password)
	f.schoolID = f.leader.Actor.SchoolIDs()[0]

	token, tu, err := a.SignUp(ctx, app.Signup{Kind: store.KindTeacher, Title: "Ms.", FirstName: "Ottoline", LastName: "Vexmoor",
		Email: teacherEmail, Password: "quiet harbour lamp", Language: "en", Browser: "Firefox 140", IP: "192.0.2.1", Session: "api"})
	must(t, err)
	f.teacherID = tu.ID
	now := a.Now()
	must(t, store.AddMembership(ctx, env.DB.W, &store.Membership{SchoolID: f.schoolID, UserID: tu.ID, Role: store.RoleTeacher, Status: "active", VerifiedAt: &now, CreatedAt: now}))
	f.teacher = sessionOf(t, env, token)
	class, err := a.CreateClass(ctx, f.teacher, f.schoolID, "Fixture Class")
	must(t, err)
	f.classID = class.ID
	f.teacher = sessionOf(t, env, token)
	setup, err := a.BeginTwoFactor(ctx, f.teacher)
	must(t, err)
	codes, err := a.ConfirmTwoFactor(ctx, f.teacher, app.TOTPCodeForTest(strings.ReplaceAll(setup.Secret, " ", ""), a.Now()))
	must(t, err)
	_, _, err = a.Login(ctx, app.Credentials{Login: teacherEmail, Password: "quiet harbour lamp", OTP: codes[0], Kind: "api", Browser: "Edge 131"})
	must(t, err)
	var verify string
	must(t, env.DB.R.QueryRow(`SELECT body_text FROM outbox WHERE recipient = $1 AND template = 'verify_email'`, teacherEmail).Scan(&verify))
	link := testenv.LinkIn(t, verify, env.URL+"/verify")
	_, err = a.VerifyEmail(ctx, link[strings.Index(link, "token=")+len("token="):])
	must(t, err)
	must(t, a.RequestPasswordReset(ctx, teacherEmail))
	must(t, store.SaveIdempotentResponse(ctx, env.DB.W, tu.ID, "retry-1", &store.IdempotentResponse{RequestHash: "h", Status: 201, Body: "{}"}, a.Now()))

	added, err := a.AddStudents(ctx, f.teacher, f.classID, []app.NewStudent{{FirstName: "Zephyrine", LastName: "Zanderwick"}})
	must(t, err)
	st := added[0].Student
	f.studentID, f.studentUserID = st.ID, st.UserID
	// As if imported from the school's information system.
	_, err = env.DB.W.Exec(`UPDATE students SET source_id = 'sis-4242' WHERE id = $1`, st.ID)
	must(t, err)
	_, err = a.PrintLoginCards(ctx, f.teacher, f.classID)
	must(t, err)
	_, err = a.TakeAttendance(ctx, f.teacher, f.classID, a.Today(), []app.Mark{{StudentID: st.ID, Status: store.Present}})
	must(t, err)
	skills, err := a.Skills(ctx, f.teacher, f.classID)
	must(t, err)
	_, err = a.AwardPoints(ctx, f.teacher, f.classID, app.Award{StudentIDs: []int64{st.ID}, SkillID: skills[0].ID, Note: "Kind to a friend"})
	must(t, err)
	password, err := a.ResetStudentPassword(ctx, f.teacher, st.ID)
	must(t, err)
	f.student = loginAs(t, env, st.Username, password)
	must(t, a.AuditStudentRead(ctx, f.teacher, &st, "points"))

	token, pu, err := a.SignUp(ctx, app.Signup{Kind: store.KindParent, Title: "Mr.", FirstName: "Barnaby", LastName: "Quillfeather",
		Email: parentEmail, Password: "amber meadow kite", Language: "en", Browser: "Safari 18", IP: "192.0.2.2", Session: "web"})
	must(t, err)
	f.parentID = pu.ID
	must(t, store.MarkEmailVerified(ctx, env.DB.W, pu.ID, a.Now()))
	f.parent = sessionOf(t, env, token)
	_, err = a.ConnectChild(ctx, f.parent, st.ParentCode)
	must(t, err)
	// The teacher also invited the parent, by email and by text message
	// (as where an SMS gateway is configured); the parent accepted both.
	for i, inv := range []store.Invitation{{Email: parentEmail}, {Phone: "+447700900123"}} {
		secret := "fixture-invitation-" + strconv.Itoa(i)
		inv.SchoolID, inv.TokenHash, inv.Kind, inv.StudentID, inv.Language, inv.InvitedBy = f.schoolID, app.HashToken(secret), store.InviteParent, st.ID, "en", f.teacherID
		inv.CreatedAt, inv.ExpiresAt = a.Now(), a.Now().Add(app.InvitationTTL)
		must(t, store.CreateInvitation(ctx, env.DB.W, &inv))
		_, err = a.AcceptInvitation(ctx, f.parent, secret)
		must(t, err)
	}
	f.parent = sessionOf(t, env, token)
	must(t, a.SubscribeNews(ctx, f.parent))
	must(t, a.UnsubscribeNews(ctx, f.parent))
	must(t, a.SubscribeNews(ctx, f.parent))
	must(t, a.SetUsageCounting(ctx, f.parent, false))
	records, err := a.ChildRecords(ctx, f.parent, st.ID)
	must(t, err)
	var point app.ChildRecord
	for _, r := range records {
		if r.Table == "points" {
			point = r
		}
	}
	c, err := a.RequestCorrection(ctx, f.parent, st.ID, point.Table, point.Key, "That was my twin, not Zephyrine.")
	must(t, err)
	must(t, a.DecideCorrection(ctx, f.teacher, c.ID, false, false, "I was there; it was Zephyrine."))
	// The parent also asked to restrict processing meanwhile; the leader
	// granted it and, once the answer was given, lifted it.
	rs, err := a.AskRestriction(ctx, f.parent, st.ID, app.GroundAccuracy, "Until the twin mix-up is settled.")
	must(t, err)
	must(t, a.DecideRestriction(ctx, f.leader, rs.ID, true, ""))
	must(t, a.LiftRestriction(ctx, f.leader, rs.ID, "The record was checked with the teacher."))
	// The parent also asked at the office, where the leader wrote the
	// request down for them; the school has since recorded that Zephyrine
	// holds her own rights (an eligible student), and this deployment keeps
	// her parents' access (CUBBY_ELIGIBLE_PARENT_ACCESS=keep).
	_, err = a.FileCorrectionFor(ctx, f.leader, st.ID, f.parentID, point.Table, point.Key, "Barnaby phoned: the same point.")
	must(t, err)
	_, err = a.SetEligible(ctx, f.leader, st.ID, true)
	must(t, err)
	f.parent = sessionOf(t, env, token)

	// Two children ask the parent for consent by email: one answered, which
	// puts the parent's address in the consent ledger, one still waiting.
	young := app.AgeCheck{BirthYear: a.Now().Year() - 9, BirthMonth: 1}
	for _, name := range []string{"Wilhelmina", "Wilhelmina"} {
		_, err := a.SignUpStudent(ctx, app.StudentSignup{Age: young, FirstName: name, Language: "en", ParentEmail: parentEmail, ParentLanguage: "en", IP: "192.0.2.3"})
		must(t, err)
	}
	link = testenv.LinkIn(t, env.LastEmail(t, parentEmail), env.URL+"/consent")
	consentToken := link[strings.Index(link, "token=")+len("token="):]
	_, err = a.AnswerConsentRequest(ctx, consentToken, app.ConsentAnswer{Approve: true, Username: "wilhelmina.w", Password: "silver fern brook"})
	must(t, err)
	other, err := store.UserByUsername(ctx, env.DB.R, "wilhelmina.w")
	must(t, err)
	f.otherChildID = other.ID

	must(t, a.SetRetention(ctx, f.leader, f.schoolID, "feedback_points", "P6M"))
	// The erased student left first: a student still in a class cannot be
	// erased from the leader's list.
	classID := demoClassID(t, env)
	roster, err := store.StudentsOfClass(ctx, env.DB.R, classID)
	must(t, err)
	leaving := roster[len(roster)-1].ID
	leaveClasses(t, env, leaving)
	_, err = a.EraseStudent(ctx, f.leader, leaving)
	must(t, err)
	touchStories(t, f)       // story_fixture_test.go
	touchMessages(t, f)      // message_fixture_test.go
	touchNotifications(t, f) // notification_fixture_test.go
	touchPortfolios(t, f)    // portfolio_fixture_test.go
	touchPush(t, f)          // push_fixture_test.go
	touchClassJoins(t, f)    // class_join_fixture_test.go
	touchHelp(t, f)          // help_fixture_test.go
	// Deliver what is queued, so delivery records exist too.
	_, err = env.Worker.DeliverPending(ctx)
	must(t, err)
	return f
}

func demoClassID(t *testing.T, env *testenv.Env) int64 {
	var id int64
	must(t, env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = 'Class 4 Explorers'`).Scan(&id))
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// at moves the app's clock.
func at(env *testenv.Env, t time.Time) { env.App.SetClock(func() time.Time { return t }) }

// leaveClasses takes a student off every class roster, as leaving the
// school does: only a student in no class may be erased by a leader.
func leaveClasses(t *testing.T, env *testenv.Env, studentID int64) {
	t.Helper()
	ctx := context.Background()
	classes, err := store.CurrentClassIDs(ctx, env.DB.R, studentID)
	must(t, err)
	for _, c := range classes {
		if ok, err := store.RemoveFromClass(ctx, env.DB.W, c, studentID, env.App.Now()); err != nil || !ok {
			t.Fatalf("taking student %d off class %d: %v %v", studentID, c, ok, err)
		}
	}
}
