package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Account types. A user's kind is the account type chosen at sign-up; what
// they may do in a given school also depends on their memberships there.
const (
	KindTeacher = "teacher"
	KindParent  = "parent"
	KindLeader  = "leader"
	KindStudent = "student"
)

// User is one account of any type.
type User struct {
	ID              int64
	Kind            string
	Title           string
	FirstName       string
	LastName        string
	Email           string // lower-cased; empty for students without one
	Username        string // students only
	PasswordHash    string
	Language        string
	EmailVerifiedAt *time.Time
	TOTPEnabledAt   *time.Time
	DisabledAt      *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// DisplayName is how Cubby addresses a person: "Mr. Park" for staff and
// parents with a title, first name otherwise.
func (u *User) DisplayName() string {
	if u.Title != "" && u.LastName != "" {
		return u.Title + " " + u.LastName
	}
	return u.FirstName
}

// FullName is first and last name.
func (u *User) FullName() string {
	if u.LastName == "" {
		return u.FirstName
	}
	return u.FirstName + " " + u.LastName
}

const userColumns = `id, kind, title, first_name, last_name, email, username, password_hash, language, email_verified_at, totp_enabled_at, disabled_at, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var email, username sql.NullString
	var verified, totp, disabled sql.NullTime
	err := row.Scan(&u.ID, &u.Kind, &u.Title, &u.FirstName, &u.LastName, &email, &username,
		&u.PasswordHash, &u.Language, &verified, &totp, &disabled, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	u.Email, u.Username, u.EmailVerifiedAt = email.String, username.String, timePtr(verified)
	u.TOTPEnabledAt, u.DisabledAt = timePtr(totp), timePtr(disabled)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

// CreateUser inserts u and sets its ID.
func CreateUser(ctx context.Context, q db.Querier, u *User) error {
	err := q.QueryRowContext(ctx, `INSERT INTO users (kind, title, first_name, last_name, email, username, password_hash, language, email_verified_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		u.Kind, u.Title, u.FirstName, u.LastName, nullString(u.Email), nullString(u.Username),
		u.PasswordHash, u.Language, nullTime(u.EmailVerifiedAt), u.CreatedAt).Scan(&u.ID)
	u.UpdatedAt = u.CreatedAt
	return db.MapError(err)
}

// UserByID returns the user or ErrNotFound.
func UserByID(ctx context.Context, q db.Querier, id int64) (*User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// UserByEmail looks up a lower-cased email.
func UserByEmail(ctx context.Context, q db.Querier, email string) (*User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
}

// UserByUsername looks up a student's lower-cased username.
func UserByUsername(ctx context.Context, q db.Querier, username string) (*User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
}

// SetUserLanguage saves a user's preferred language.
func SetUserLanguage(ctx context.Context, q db.Querier, id int64, lang string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET language = $1, updated_at = $2 WHERE id = $3`, lang, now, id)
	return db.MapError(err)
}

// SetPasswordHash replaces a user's password hash (e.g. when the hashing
// parameters are raised and the hash is upgraded at login).
func SetPasswordHash(ctx context.Context, q db.Querier, id int64, hash string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now, id)
	return db.MapError(err)
}
