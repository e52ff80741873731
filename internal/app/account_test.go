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
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

func tokenFrom(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

func TestSignUpVerifyAndReset(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			in := app.Signup{Kind: "teacher", Title: "Mx.", FirstName: " Sam ", LastName: "Rivera", Email: "Sam.Rivera@School.example",
				Password: "lantern river cloud", Language: "es", Session: "web"}
			token, u, err := a.SignUp(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if u.Email != "sam.rivera@school.example" || u.FirstName != "Sam" || u.EmailVerifiedAt != nil {
				t.Errorf("user %+v", u)
			}
			s, err := a.Authenticate(ctx, token)
			if err != nil || s.Actor.EmailVerified {
				t.Fatalf("new account should be logged in, unverified: %v", err)
			}
			mail := env.LastEmail(t, "sam.rivera@school.example")
			if !strings.Contains(mail, "Mx. Rivera") || !strings.Contains(mail, env.URL+"/verify?token=") {
				t.Fatalf("verification email (in Spanish) lacks name or link:\n%s", mail)
			}
			// A second sign-up with the same address is refused clearly.
			in.Email = "SAM.RIVERA@school.example"
			var ve *app.ValidationError
			if _, _, err := a.SignUp(ctx, in); !errors.As(err, &ve) || ve.Fields["email"].Key != "signup.email_taken" {
				t.Errorf("duplicate email: %v", err)
			}
			link := testenv.LinkIn(t, mail, env.URL+"/verify")
			if _, err := a.VerifyEmail(ctx, tokenFrom(t, link)); err != nil {
				t.Fatal(err)
			}
			if _, err := a.VerifyEmail(ctx, tokenFrom(t, link)); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("verification link works twice: %v", err)
			}
			if s, _ := a.Authenticate(ctx, token); !s.Actor.EmailVerified {
				t.Error("still unverified after the link")
			}

			// Password reset: same answer for unknown addresses, a link
			// that works once, and every session ends.
			if err := a.RequestPasswordReset(ctx, "nobody@school.example"); err != nil {
				t.Errorf("unknown address: %v", err)
			}
			if env.LastEmail(t, "nobody@school.example") != "" {
				t.Error("a reset email went to an address with no account")
			}
			if err := a.RequestPasswordReset(ctx, "sam.rivera@school.example"); err != nil {
				t.Fatal(err)
			}
			reset := tokenFrom(t, testenv.LinkIn(t, env.LastEmail(t, "sam.rivera@school.example"), env.URL+"/password/reset"))
			if _, err := a.ResetPassword(ctx, reset, "password"); !errors.As(err, &ve) {
				t.Errorf("common password accepted: %v", err)
			}
			if _, err := a.ResetPassword(ctx, reset, "new harbour kite"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Authenticate(ctx, token); !errors.Is(err, app.ErrUnauthorized) {
				t.Error("old session survived a password reset")
			}
			if _, err := a.ResetPassword(ctx, reset, "another fine phrase"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("reset link works twice: %v", err)
			}
			if _, _, err := a.Login(ctx, app.Credentials{Login: "sam.rivera@school.example", Password: "new harbour kite"}); err != nil {
				t.Errorf("login with the new password: %v", err)
			}
		})
	}
}

func TestResetLinksExpire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			now := time.Now()
			env.App.SetClock(func() time.Time { return now })
			if err := env.App.RequestPasswordReset(ctx, demo.ParentEmail); err != nil {
				t.Fatal(err)
			}
			reset := tokenFrom(t, testenv.LinkIn(t, env.LastEmail(t, demo.ParentEmail), env.URL+"/password/reset"))
			now = now.Add(app.ResetLinkTTL + time.Second)
			if _, err := env.App.ResetPassword(ctx, reset, "new harbour kite"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("expired link: %v", err)
			}
		})
	}
}

func TestSignUpRejectsBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			cases := map[string]app.Signup{
				"type":       {Kind: "student", FirstName: "A", LastName: "B", Email: "a@b.example", Password: "lantern river cloud", Language: "en"},
				"email":      {Kind: "parent", FirstName: "A", LastName: "B", Email: "not-an-email", Password: "lantern river cloud", Language: "en"},
				"password":   {Kind: "parent", FirstName: "A", LastName: "B", Email: "a@b.example", Password: "123456", Language: "en"},
				"first_name": {Kind: "parent", FirstName: strings.Repeat("x", 101), LastName: "B", Email: "a@b.example", Password: "lantern river cloud", Language: "en"},
				"language":   {Kind: "parent", FirstName: "A", LastName: "B", Email: "a@b.example", Password: "lantern river cloud", Language: "xx"},
				"title":      {Kind: "parent", Title: "Lord", FirstName: "A", LastName: "B", Email: "a@b.example", Password: "lantern river cloud", Language: "en"},
			}
			for field, in := range cases {
				var ve *app.ValidationError
				if _, _, err := env.App.SignUp(ctx, in); !errors.As(err, &ve) || ve.Fields[field].Key == "" {
					t.Errorf("%s: want a validation error on %s, got %v", field, field, err)
				}
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM users WHERE email = 'a@b.example'`).Scan(&n)
			if n != 0 {
				t.Error("a rejected sign-up left a user behind")
			}
		})
	}
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			var rl *app.RateLimitError
			for i := 0; i < 10; i++ {
				if _, _, err := env.App.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: "wrong", IP: "203.0.113.9"}); !errors.Is(err, app.ErrUnauthorized) {
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			if _, _, err := env.App.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password, IP: "203.0.113.9"}); !errors.As(err, &rl) || rl.RetryAfter <= 0 {
				t.Errorf("11th attempt should be throttled even with the right password: %v", err)
			}
			// Another account from the same address is still fine.
			if _, _, err := env.App.Login(ctx, app.Credentials{Login: demo.ParentEmail, Password: demo.Password, IP: "203.0.113.9"}); err != nil {
				t.Errorf("other account: %v", err)
			}
		})
	}
}

func TestTwoFactorLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			a := env.App
			now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
			a.SetClock(func() time.Time { return now })
			token, _, err := a.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password})
			if err != nil {
				t.Fatal(err)
			}
			s, _ := a.Authenticate(ctx, token)
			setup, err := a.BeginTwoFactor(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			secret := strings.ReplaceAll(setup.Secret, " ", "")
			if _, err := a.ConfirmTwoFactor(ctx, s, "000000"); err == nil {
				t.Error("wrong confirmation code accepted")
			}
			codes, err := a.ConfirmTwoFactor(ctx, s, app.TOTPCodeForTest(secret, now))
			if err != nil || len(codes) != 10 {
				t.Fatalf("confirm: %v %d", err, len(codes))
			}
			var sfe *app.SecondFactorError
			_, _, err = a.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password})
			if !errors.As(err, &sfe) {
				t.Fatalf("password alone must not log in: %v", err)
			}
			if _, _, err := a.CompleteSecondFactor(ctx, sfe.Token, "123456", "Firefox 140"); !errors.Is(err, app.ErrUnauthorized) {
				t.Errorf("wrong code: %v", err)
			}
			if _, _, err := a.CompleteSecondFactor(ctx, sfe.Token, app.TOTPCodeForTest(secret, now), "Firefox 140"); err != nil {
				t.Errorf("right code: %v", err)
			}
			// A recovery code works once, with the API's one-step login.
			if _, _, err := a.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password, OTP: codes[0]}); err != nil {
				t.Errorf("recovery code: %v", err)
			}
			if _, _, err := a.Login(ctx, app.Credentials{Login: demo.TeacherEmail, Password: demo.Password, OTP: codes[0]}); !errors.Is(err, app.ErrUnauthorized) {
				t.Errorf("recovery code reused: %v", err)
			}
			// Parents and students cannot turn it on.
			ptoken, _, _ := a.Login(ctx, app.Credentials{Login: demo.ParentEmail, Password: demo.Password})
			ps, _ := a.Authenticate(ctx, ptoken)
			if _, err := a.BeginTwoFactor(ctx, ps); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("parent 2FA: %v", err)
			}
		})
	}
}

// An address proven by an invitation link needs no verification email.
func TestSignUpWithProvenEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			env := testenv.New(t, d)
			_, u, err := env.App.SignUp(ctx, app.Signup{Kind: "parent", FirstName: "Ines", LastName: "Roca", Email: "Ines.Roca@example.org",
				Password: "amber meadow kite", Language: "es", ProvenEmail: "ines.roca@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			if u.EmailVerifiedAt == nil || env.LastEmail(t, "ines.roca@example.org") != "" {
				t.Errorf("proven address: verified=%v, verification email queued=%v", u.EmailVerifiedAt != nil, env.LastEmail(t, "ines.roca@example.org") != "")
			}
			_, u, _ = env.App.SignUp(ctx, app.Signup{Kind: "parent", FirstName: "Ivo", LastName: "Roca", Email: "ivo.roca@example.org",
				Password: "amber meadow kite", Language: "es", ProvenEmail: "someone.else@example.org"})
			if u.EmailVerifiedAt != nil || env.LastEmail(t, "ivo.roca@example.org") == "" {
				t.Error("another address than the proven one must still be verified by email")
			}
		})
	}
}
