// Package app holds Cubby's use cases, shared by the web UI and the JSON
// API. It knows nothing of HTTP. Every use case that touches a person's data
// asks package authz first.
package app

import (
	"log/slog"
	"time"

	"cubby/internal/db"
)

// App is the set of use cases over one database.
type App struct {
	DB       *db.DB
	Log      *slog.Logger
	Password PasswordParams
	// SessionTTL is how long an idle session lives.
	SessionTTL time.Duration
	// clock is replaceable so tests can simulate time (retention, expiry).
	clock func() time.Time
}

// New returns an App with production defaults.
func New(database *db.DB, log *slog.Logger) *App {
	return &App{
		DB:         database,
		Log:        log,
		Password:   DefaultPasswordParams,
		SessionTTL: 30 * 24 * time.Hour,
		clock:      time.Now,
	}
}

// SetClock replaces the clock, for tests.
func (a *App) SetClock(now func() time.Time) { a.clock = now }

// Now is the current time in UTC at the precision both databases keep.
func (a *App) Now() time.Time { return a.clock().UTC().Truncate(time.Microsecond) }
