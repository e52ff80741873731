package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h, err := app.HashPassword("correct horse", app.DefaultPasswordParams)
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q %v", h, err)
	}
	if h2, _ := app.HashPassword("correct horse", app.DefaultPasswordParams); h2 == h {
		t.Error("two hashes of one password must differ (salt)")
	}
	if ok, err := app.CheckPassword(h, "correct horse"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, _ := app.CheckPassword(h, "correct horsE"); ok {
		t.Error("wrong password accepted")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1,p=1$!!$!!", "$bcrypt$..."} {
		if _, err := app.CheckPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestSessionsExpireSlideAndAreCleanedUp(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			database := dbtest.Open(t, d)
			a := app.New(database, slog.New(slog.NewTextHandler(io.Discard, nil)))
			now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
			a.SetClock(func() time.Time { return now })
			a.SessionTTL = time.Hour
			hash, _ := app.HashPassword("pw-for-test", app.DefaultPasswordParams)
			u := &store.User{Kind: store.KindParent, FirstName: "P", Email: "p@example.org", PasswordHash: hash, Language: "en", CreatedAt: now}
			if err := store.CreateUser(ctx, database.W, u); err != nil {
				t.Fatal(err)
			}
			token, _, err := a.Login(ctx, app.Credentials{Login: " P@Example.org ", Password: "pw-for-test"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Authenticate(ctx, token); err != nil {
				t.Fatal(err)
			}
			// Using the session slides its expiry forward.
			now = now.Add(50 * time.Minute)
			if _, err := a.Authenticate(ctx, token); err != nil {
				t.Fatal(err)
			}
			now = now.Add(50 * time.Minute)
			if _, err := a.Authenticate(ctx, token); err != nil {
				t.Errorf("used session expired: %v", err)
			}
			// Idle past the TTL, it is gone, and housekeeping deletes it.
			now = now.Add(61 * time.Minute)
			if _, err := a.Authenticate(ctx, token); !errors.Is(err, app.ErrUnauthorized) {
				t.Errorf("idle session still valid: %v", err)
			}
			if err := a.Housekeeping(ctx); err != nil {
				t.Fatal(err)
			}
			var n int
			database.R.QueryRow(`SELECT count(*) FROM sessions`).Scan(&n)
			if n != 0 {
				t.Errorf("%d expired sessions left", n)
			}
			if _, _, err := a.Login(ctx, app.Credentials{Login: "p@example.org", Password: "nope"}); !errors.Is(err, app.ErrUnauthorized) {
				t.Errorf("wrong password: %v", err)
			}
		})
	}
}

func TestTokensAndCodes(t *testing.T) {
	t.Parallel()
	a, b := app.NewToken(), app.NewToken()
	if a == b || len(a) != 32 || app.HashToken(a) == a || len(app.HashToken(a)) != 64 {
		t.Errorf("tokens %q %q", a, b)
	}
	code := app.NewCode(8)
	if len(code) != 8 || strings.ContainsAny(code, "01OIL") {
		t.Errorf("code %q has confusable characters", code)
	}
}
