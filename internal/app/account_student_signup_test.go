package app_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
)

func TestStudentAgeGate(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
			env.App.SetClock(func() time.Time { return now })
			for _, c := range []struct {
				country     string
				year, month int
				needsParent bool
			}{
				{"US", 2013, 11, true}, // turns 13 this month, maybe not yet: ask a parent
				{"US", 2013, 10, false},
				{"DE", 2011, 10, true},
				{"DE", 2010, 10, false},
				{"FR", 2012, 1, true},
				{"BE", 2013, 1, false},
				{"ZZ", 2011, 1, true}, // unknown country: the strictest common limit, 16
			} {
				env.App.Country = c.country
				needs, _, err := env.App.StudentAge(app.AgeCheck{BirthYear: c.year, BirthMonth: c.month})
				if err != nil || needs != c.needsParent {
					t.Errorf("%+v: needsParent=%v err=%v", c, needs, err)
				}
			}
			for _, bad := range []app.AgeCheck{{2010, 0}, {2010, 13}, {2030, 1}, {1900, 5}, {2024, 1}, {0, 0}} {
				var ve *app.ValidationError
				if _, _, err := env.App.StudentAge(bad); !errors.As(err, &ve) {
					t.Errorf("%+v accepted", bad)
				}
			}
		})
	}
}

func TestChildSignUpWaitsForParent(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			a.Country = "DE"
			young := app.StudentSignup{Age: app.AgeCheck{BirthYear: time.Now().Year() - 10, BirthMonth: 1}, FirstName: "Mia",
				Language: "en", ParentEmail: "Parent.Of.Mia@example.org", ParentLanguage: "fr",
				Username: "should-not-be-kept", Password: "should not be kept"}
			token, err := a.SignUpStudent(ctx, young)
			if err != nil || token != "" {
				t.Fatalf("under-age sign-up: token %q, %v", token, err)
			}
			var users int
			env.DB.R.QueryRow(`SELECT count(*) FROM users WHERE first_name = 'Mia' OR username = 'should-not-be-kept'`).Scan(&users)
			if users != 0 {
				t.Fatal("an account exists before the parent said yes")
			}
			mail := env.LastEmail(t, "parent.of.mia@example.org")
			if !strings.Contains(mail, "Mia") {
				t.Fatalf("consent request (in French) lacks the child's name:\n%s", mail)
			}
			link := testenv.LinkIn(t, mail, env.URL+"/consent")
			u, _ := url.Parse(link)
			tok := u.Query().Get("token")
			req, err := a.OpenConsentRequest(ctx, tok)
			if err != nil || req.ChildName != "Mia" || req.ConsentAge != 16 || len(req.Notice.Items) == 0 || req.Notice.Version == "" {
				t.Fatalf("consent request: %+v %v", req, err)
			}
			var ve *app.ValidationError
			if _, err := a.AnswerConsentRequest(ctx, tok, app.ConsentAnswer{Approve: true, Username: "X", Password: "short"}); !errors.As(err, &ve) {
				t.Errorf("bad login accepted: %v", err)
			}
			manage, err := a.AnswerConsentRequest(ctx, tok, app.ConsentAnswer{Approve: true, Username: "mia.k", Password: "seven green apples"})
			if err != nil {
				t.Fatal(err)
			}
			// Answering again (another tab, a second click) is a clear "already answered".
			if _, err := a.AnswerConsentRequest(ctx, tok, app.ConsentAnswer{Approve: false}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("second answer: %v", err)
			}
			var pending int
			env.DB.R.QueryRow(`SELECT count(*) FROM student_registrations`).Scan(&pending)
			if pending != 0 {
				t.Error("the pending registration outlived the answer")
			}
			session, _, err := a.Login(ctx, app.Credentials{Login: "mia.k", Password: "seven green apples"})
			if err != nil {
				t.Fatalf("child cannot log in after approval: %v", err)
			}
			var grantor, role, method string
			env.DB.R.QueryRow(`SELECT grantor_email, grantor_role, method FROM consents WHERE purpose = 'student_account'`).Scan(&grantor, &role, &method)
			if grantor != "parent.of.mia@example.org" || role != "parent" || method != "email_link" {
				t.Errorf("consent record: %s %s %s", grantor, role, method)
			}
			// The ledger is immutable at the database level.
			if _, err := env.DB.W.Exec(`UPDATE consents SET purpose = 'marketing'`); err == nil {
				t.Error("a consent record was altered")
			}
			// One-click withdrawal stops the account.
			if err := a.WithdrawConsentByManageToken(ctx, manage); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Authenticate(ctx, session); !errors.Is(err, app.ErrUnauthorized) {
				t.Errorf("session survives withdrawal: %v", err)
			}
			if _, _, err := a.Login(ctx, app.Credentials{Login: "mia.k", Password: "seven green apples"}); !errors.Is(err, app.ErrAccountDisabled) {
				t.Errorf("login after withdrawal: %v", err)
			}
			if err := a.WithdrawConsentByManageToken(ctx, manage); err != nil {
				t.Errorf("withdrawing twice should be harmless: %v", err)
			}
		})
	}
}

func TestParentRefusalDeletesEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			_, err := a.SignUpStudent(ctx, app.StudentSignup{Age: app.AgeCheck{BirthYear: time.Now().Year() - 9, BirthMonth: 3},
				FirstName: "Leo", Language: "en", ParentEmail: "leo.parent@example.org", ParentLanguage: "en"})
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(testenv.LinkIn(t, env.LastEmail(t, "leo.parent@example.org"), env.URL+"/consent"))
			tok := u.Query().Get("token")
			if _, err := a.AnswerConsentRequest(ctx, tok, app.ConsentAnswer{Approve: false}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.AnswerConsentRequest(ctx, tok, app.ConsentAnswer{Approve: false}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("refusing twice: %v", err)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM student_registrations WHERE parent_email = 'leo.parent@example.org' OR first_name = 'Leo'`).Scan(&n)
			if n != 0 {
				t.Error("refusal left the request behind")
			}
			env.DB.R.QueryRow(`SELECT count(*) FROM consents WHERE grantor_email = 'leo.parent@example.org'`).Scan(&n)
			if n != 0 {
				t.Error("refusal left a consent record")
			}
		})
	}
}

func TestUnansweredRequestsExpire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			now := time.Now()
			env.App.SetClock(func() time.Time { return now })
			_, err := env.App.SignUpStudent(ctx, app.StudentSignup{Age: app.AgeCheck{BirthYear: now.Year() - 9, BirthMonth: 3},
				FirstName: "Ana", Language: "en", ParentEmail: "ana.parent@example.org", ParentLanguage: "es"})
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(app.ConsentRequestTTL - time.Hour)
			env.App.Housekeeping(ctx)
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM student_registrations`).Scan(&n)
			if n != 1 {
				t.Fatalf("request deleted too early: %d", n)
			}
			now = now.Add(2 * time.Hour)
			env.App.Housekeeping(ctx)
			env.DB.R.QueryRow(`SELECT count(*) FROM student_registrations WHERE parent_email = 'ana.parent@example.org'`).Scan(&n)
			if n != 0 {
				t.Error("an unanswered request outlived seven days")
			}
		})
	}
}

func TestOlderStudentConsentsForThemself(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			env.App.Country = "US"
			token, err := env.App.SignUpStudent(ctx, app.StudentSignup{Age: app.AgeCheck{BirthYear: time.Now().Year() - 14, BirthMonth: 1},
				FirstName: "Noor", Language: "ar", Username: "noor.h", Password: "quiet mountain lake"})
			if err != nil || token == "" {
				t.Fatalf("self sign-up: %q %v", token, err)
			}
			s, err := env.App.Authenticate(ctx, token)
			if err != nil || s.User.Kind != "student" || s.User.Language != "ar" {
				t.Fatalf("session: %v", err)
			}
			consents, _ := env.App.Consents(ctx, s)
			if len(consents) != 1 || consents[0].GrantorRole != "self" {
				t.Fatalf("consents: %+v", consents)
			}
			if _, err := env.App.SignUpStudent(ctx, app.StudentSignup{Age: app.AgeCheck{BirthYear: time.Now().Year() - 14, BirthMonth: 1},
				FirstName: "Other", Language: "en", Username: "Noor.H", Password: "quiet mountain lake two"}); err == nil {
				t.Error("duplicate username accepted")
			}
			if err := env.App.WithdrawOwnConsent(ctx, s, consents[0].ID); err != nil {
				t.Fatal(err)
			}
			if env.App.SessionUsable(ctx, s) {
				t.Error("account still usable after its consent was withdrawn")
			}
		})
	}
}
