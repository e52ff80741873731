package app

import (
	"errors"
	"fmt"
	"time"

	"cubby/internal/db"
)

// Errors the edges (web and API) map to status codes and translated
// messages, through one table (api/errors.go): a new error needs its row
// there, or a test fails. Use cases return these, wrapped or not.
var (
	ErrNotFound     = db.ErrNotFound // also "not yours to know about"
	ErrConflict     = db.ErrConflict
	ErrUnauthorized = errors.New("not logged in or bad credentials")
	ErrForbidden    = errors.New("not allowed")
)

// ValidationError lists problems with the input, field by field. Messages
// are translation keys, translated at the edge in the user's language.
type ValidationError struct {
	Fields map[string]FieldError
}

// FieldError is one field's problem: a translation key and its arguments.
type FieldError struct {
	Key  string
	Args []any
}

func (e *ValidationError) Error() string { return fmt.Sprintf("invalid input: %v", e.Fields) }

// Add records a problem with field (keeping the first one per field).
func (e *ValidationError) Add(field, key string, args ...any) {
	if e.Fields == nil {
		e.Fields = map[string]FieldError{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = FieldError{Key: key, Args: args}
	}
}

// Err returns e if it holds any problem, else nil.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// RateLimitError says how long to wait before trying again. Key, when
// set, is a message saying what was limited (too many messages), in place
// of the general one.
type RateLimitError struct {
	RetryAfter time.Duration
	Key        string
}

func (e *RateLimitError) Error() string { return "rate limited" }

// ErrTwoFactorRequired says the person is staff of a school that requires
// two-factor login and has not set it up yet (Session.TwoFactorSetup):
// until they have, only the routes that say they are exempt answer them.
var ErrTwoFactorRequired = fmt.Errorf("%w: two-factor login must be set up first", ErrForbidden)

// Admit is the one decision the route tables of the web and the API make
// before a handler runs: a route that is not public needs a session
// (ErrUnauthorized), and a session that must set up two-factor login
// reaches only the routes exempt from it (ErrTwoFactorRequired), public or
// not. Handlers behind it may rely on the session being there.
func Admit(s *Session, public, twoFactorExempt bool) error {
	if s == nil {
		if public {
			return nil
		}
		return ErrUnauthorized
	}
	if s.TwoFactorSetup && !twoFactorExempt {
		return ErrTwoFactorRequired
	}
	return nil
}
