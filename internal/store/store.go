// Package store holds all of Cubby's SQL. Functions take the Querier to run
// on — the read pool, the writer, or a transaction — so the app layer decides
// transaction boundaries and store functions compose inside them. The store
// knows nothing of who may see what; that is package authz's job.
package store

import (
	"database/sql"
	"time"
)

// nullString turns "" into NULL, for optional unique columns such as email.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullTime turns a nil time into NULL.
func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: *t, Valid: true}
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// TimeCursor is where the next page of a list ordered newest first
// starts: before this time, ties broken by id (the story feed: when a post
// was published; the inbox: a conversation's last message).
type TimeCursor struct {
	At time.Time
	ID int64
}
