// Package app holds Cubby's use cases, shared by the web UI and the JSON
// API. It knows nothing of HTTP. Every use case that touches a person's data
// asks package authz first.
package app

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"cubby/internal/db"
	"cubby/internal/i18n"
	"cubby/internal/notify"
	"cubby/internal/privacy"
)

// Mailer queues an email inside the caller's transaction, so the email
// exists if and only if the action that causes it commits (notify.Outbox).
type Mailer interface {
	Email(ctx context.Context, q db.Querier, e notify.Email, now time.Time) error
	// Render renders an email to queue later (notify.Rendered.Queue).
	Render(e notify.Email) (notify.Rendered, error)
}

// App is the set of use cases over one database.
type App struct {
	// db is reached only through package store, so the use cases here
	// are the one way in: web and API never query it themselves.
	db       *db.DB
	Log      *slog.Logger
	Password PasswordParams
	// SessionTTL is how long an idle session lives.
	SessionTTL time.Duration
	// Mail queues emails; BaseURL is where emailed links point.
	Mail    Mailer
	BaseURL string
	// Country is the deployment's country, whose digital age of consent
	// applies to children signing up on their own.
	Country string
	// Languages are the language codes people may choose.
	Languages []string
	// Inventory is the privacy inventory, from which notices are generated.
	Inventory *privacy.Inventory
	// I18n gives default content (such as starter skills) in a person's language.
	I18n *i18n.Bundle
	// Location is the schools' time zone: it decides what "today" is for
	// attendance and the day's points.
	Location *time.Location
	// Events tells live pages about new points.
	Events *Hub
	// Privacy holds the deployment's privacy settings and the file store
	// that export, erasure and retention use (privacy*.go).
	Privacy Privacy
	// Stories holds the media pipeline and limits of Class and School
	// Story uploads (story_media.go).
	Stories Stories
	// Messages holds the rate limit and live stream of messages
	// (message.go).
	Messages Messages
	// Push holds web push's sender and limits (push.go).
	Push Push
	// Notifications holds the notification centre's and digest's
	// settings (notification.go).
	Notifications Notifications
	// Help holds the rate limits of help requests (help.go).
	Help Help

	codeGuesses   *limiter // parent and class codes, per person or address
	loginFailures *limiter // per account
	ipFailures    *limiter // per client address
	resetRequests *limiter // per email address, against mail bombing
	signupsPerIP  *limiter
	errorReports  *limiter // client error reports, per person (client_errors.go)
	// bulkAudits: the views of a whole class or school each reader has
	// been logged for today (audit_bulk.go).
	bulkAudits bulkAudits
	// notices caches the notice archive for the banner check on every page.
	notices noticeCache
	// clock is replaceable so tests can simulate time (retention, expiry).
	clock func() time.Time
}

// New returns an App with production defaults.
func New(database *db.DB, log *slog.Logger) *App {
	return &App{
		db:         database,
		Log:        log,
		Password:   DefaultPasswordParams,
		SessionTTL: 30 * 24 * time.Hour,
		BaseURL:    "http://localhost:8080",
		Country:    "US",
		Languages:  []string{"en"},
		clock:      time.Now,
		Location:   time.Local,
		Events:     NewHub(),
		// Ten wrong passwords per account per 15 minutes stops guessing
		// without locking a child out for long; a classroom shares one
		// address, so the per-address limit is generous.
		loginFailures: newLimiter(10, 15*time.Minute),
		ipFailures:    newLimiter(100, 15*time.Minute),
		resetRequests: newLimiter(3, time.Hour),
		signupsPerIP:  newLimiter(20, time.Hour),
		codeGuesses:   newLimiter(20, 15*time.Minute),
		errorReports:  newLimiter(errorsPerPerson, time.Hour),
	}
}

// SetClock replaces the clock, for tests.
func (a *App) SetClock(now func() time.Time) { a.clock = now }

// Now is the current time in UTC at the precision both databases keep.
func (a *App) Now() time.Time { return a.clock().UTC().Truncate(time.Microsecond) }

func itoa(n int) string { return strconv.Itoa(n) }

// Today is the current date in the schools' time zone, as YYYY-MM-DD.
func (a *App) Today() string { return a.clock().In(a.Location).Format(time.DateOnly) }

// dayStart is midnight at the start of day (YYYY-MM-DD) in the schools' zone.
func (a *App) dayStart(day string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, day, a.Location)
	return t.UTC(), err
}

// Ping reports whether the database answers, for the health check.
func (a *App) Ping(ctx context.Context) error { return a.db.Ping(ctx) }
