package app

import (
	"errors"
	"fmt"
	"time"

	"cubby/internal/db"
)

// Errors the edges (web and API) map to status codes and translated
// messages. Use cases return these, wrapped or not.
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

// RateLimitError says how long to wait before trying again.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string { return "rate limited" }
