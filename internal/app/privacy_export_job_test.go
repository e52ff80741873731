package app

import (
	"context"
	"time"

	"cubby/internal/store"
)

// TOTPCodeForTest is the code an authenticator would show for a base32
// secret at now, for tests that play the phone.
func TOTPCodeForTest(secretB32 string, now time.Time) string {
	secret, _ := b32.DecodeString(secretB32)
	return totpCode(secret, now.Unix()/30)
}

// BenchSession logs a user in without a password, for benchmarks that
// seed users directly.
func BenchSession(ctx context.Context, a *App, userID int64) *Session {
	token, err := a.StartSession(ctx, userID, "web", "bench")
	if err != nil {
		panic(err)
	}
	s, err := a.Authenticate(ctx, token)
	if err != nil {
		panic(err)
	}
	return s
}

// StillActsForAll exposes the recheck an export job makes once its archive
// is ready, for a test that cannot time a block into a running job.
func StillActsForAll(ctx context.Context, a *App, exportID int64, userIDs ...int64) (bool, error) {
	var people []*store.User
	for _, id := range userIDs {
		people = append(people, &store.User{ID: id})
	}
	return a.stillActsForAll(ctx, exportID, people)
}
