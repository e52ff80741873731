package app

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"time"

	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// How long emailed links work.
const (
	VerifyLinkTTL = 48 * time.Hour
	ResetLinkTTL  = time.Hour
)

// Signup is what a teacher, parent or school leader gives to sign up.
type Signup struct {
	Kind      string
	Title     string
	FirstName string
	LastName  string
	Email     string
	Password  string
	Language  string
	Browser   string
	IP        string
	Session   string // "web" or "api"
	// ProvenEmail is an address the person already proved they read (an
	// invitation link emailed to it); signing up with it needs no
	// verification email.
	ProvenEmail string
}

// SignUp creates an account for an adult, logs them in and emails a link
// to verify their address. Until they open it they can use Cubby but not
// message or invite anyone.
func (a *App) SignUp(ctx context.Context, in Signup) (string, *store.User, error) {
	v := &ValidationError{}
	if !slices.Contains([]string{store.KindTeacher, store.KindParent, store.KindLeader}, in.Kind) {
		v.Add("type", "signup.invalid_type")
	}
	if !validTitle(in.Title) {
		v.Add("title", "signup.invalid_title")
	}
	first, key := cleanName(in.FirstName, true)
	if key != "" {
		v.Add("first_name", key, "max", 100)
	}
	last, key := cleanName(in.LastName, true)
	if key != "" {
		v.Add("last_name", key, "max", 100)
	}
	email := normalizeEmail(in.Email)
	if key := checkEmail(email); key != "" {
		v.Add("email", key)
	}
	if key := checkPassword(in.Password, email, first, last); key != "" {
		v.Add("password", key, "min", MinPasswordLength, "max", MaxPasswordLength)
	}
	if !slices.Contains(a.Languages, in.Language) {
		v.Add("language", "signup.invalid_language")
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	now := a.Now()
	if wait := a.signupsPerIP.check("ip:"+in.IP, now); wait > 0 {
		return "", nil, &RateLimitError{RetryAfter: wait}
	}
	hash, err := HashPassword(in.Password, a.Password)
	if err != nil {
		return "", nil, err
	}
	u := &store.User{Kind: in.Kind, Title: in.Title, FirstName: first, LastName: last, Email: email,
		PasswordHash: hash, Language: in.Language, CreatedAt: now}
	proven := in.ProvenEmail != "" && normalizeEmail(in.ProvenEmail) == email
	if proven {
		u.EmailVerifiedAt = &now
	}
	notice, err := a.currentNotice(ctx) // they were just shown it (INV-7)
	if err != nil {
		return "", nil, err
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		if err := store.AckNotice(ctx, tx, u.ID, notice, now); err != nil {
			return err
		}
		if proven {
			return nil
		}
		return a.sendVerification(ctx, tx, u, email, now)
	})
	if errors.Is(err, ErrConflict) {
		v.Add("email", "signup.email_taken")
		return "", nil, v
	}
	if err != nil {
		return "", nil, err
	}
	a.signupsPerIP.add("ip:"+in.IP, now)
	token, err := a.StartSession(ctx, u.ID, in.Session, in.Browser)
	return token, u, err
}

// sendVerification queues a link proving the person reads email at addr
// (their address, or the new one they asked to change to).
func (a *App) sendVerification(ctx context.Context, q db.Querier, u *store.User, addr string, now time.Time) error {
	if err := store.DeleteUserTokens(ctx, q, u.ID, store.TokenVerifyEmail); err != nil {
		return err
	}
	token := NewToken()
	err := store.CreateUserToken(ctx, q, &store.UserToken{ID: HashToken(token), UserID: u.ID,
		Purpose: store.TokenVerifyEmail, Email: addr, CreatedAt: now, ExpiresAt: now.Add(VerifyLinkTTL)})
	if err != nil {
		return err
	}
	return a.mail(ctx, q, notify.Email{To: addr, Lang: u.Language, Template: "verify_email",
		Data: map[string]any{"Name": u.DisplayName(), "Link": a.link("/verify", token)}}, now)
}

func (a *App) mail(ctx context.Context, q db.Querier, e notify.Email, now time.Time) error {
	if a.Mail == nil {
		return errors.New("no mailer configured")
	}
	return a.Mail.Email(ctx, q, e, now)
}

// link builds an absolute link carrying a token.
func (a *App) link(path, token string) string {
	return a.BaseURL + path + "?token=" + url.QueryEscape(token)
}

// ResendVerification sends a fresh verification link.
func (a *App) ResendVerification(ctx context.Context, s *Session) error {
	if s.User.EmailVerifiedAt != nil || s.User.Email == "" {
		return nil
	}
	now := a.Now()
	if wait := a.resetRequests.check("verify:"+s.User.Email, now); wait > 0 {
		return &RateLimitError{RetryAfter: wait}
	}
	a.resetRequests.add("verify:"+s.User.Email, now)
	return a.db.Tx(ctx, func(tx db.Querier) error { return a.sendVerification(ctx, tx, s.User, s.User.Email, now) })
}

// VerifyEmail spends a verification link. For an address change, the
// account's address changes only now.
func (a *App) VerifyEmail(ctx context.Context, token string) (*store.User, error) {
	now := a.Now()
	var u *store.User
	err := a.db.Tx(ctx, func(tx db.Querier) error {
		t, err := store.UseUserToken(ctx, tx, HashToken(token), store.TokenVerifyEmail, now)
		if err != nil {
			return err
		}
		if u, err = store.UserByID(ctx, tx, t.UserID); err != nil {
			return err
		}
		if t.Email != u.Email {
			if err := store.SetEmail(ctx, tx, u.ID, t.Email, now); err != nil {
				return err
			}
			u.Email = t.Email
		} else if err := store.MarkEmailVerified(ctx, tx, u.ID, now); err != nil {
			return err
		}
		u.EmailVerifiedAt = &now
		return nil
	})
	if errors.Is(err, ErrConflict) {
		v := &ValidationError{}
		v.Add("email", "signup.email_taken")
		return nil, v
	}
	return u, err
}

// RequestPasswordReset emails a reset link if an account has this address.
// It answers the same either way, so it never reveals who has an account.
func (a *App) RequestPasswordReset(ctx context.Context, email string) error {
	email = normalizeEmail(email)
	if key := checkEmail(email); key != "" {
		v := &ValidationError{}
		v.Add("email", key)
		return v
	}
	now := a.Now()
	if a.resetRequests.check("reset:"+email, now) > 0 {
		return nil // silently: saying "too many" would reveal the account
	}
	a.resetRequests.add("reset:"+email, now)
	u, err := store.UserByEmail(ctx, a.db.R, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.DeleteUserTokens(ctx, tx, u.ID, store.TokenPasswordReset); err != nil {
			return err
		}
		token := NewToken()
		if err := store.CreateUserToken(ctx, tx, &store.UserToken{ID: HashToken(token), UserID: u.ID,
			Purpose: store.TokenPasswordReset, Email: email, CreatedAt: now, ExpiresAt: now.Add(ResetLinkTTL)}); err != nil {
			return err
		}
		return a.mail(ctx, tx, notify.Email{To: email, Lang: u.Language, Template: "password_reset",
			Data: map[string]any{"Name": u.DisplayName(), "Link": a.link("/password/reset", token), "Minutes": int(ResetLinkTTL.Minutes())}}, now)
	})
}

// PasswordResetOpen reports whether a reset link still works (to show its
// form or say it expired).
func (a *App) PasswordResetOpen(ctx context.Context, token string) error {
	_, err := store.PeekUserToken(ctx, a.db.R, HashToken(token), store.TokenPasswordReset, a.Now())
	return err
}

// ResetPassword spends a reset link, sets the new password and ends every
// session of the account, since whoever knew the old password may hold one.
func (a *App) ResetPassword(ctx context.Context, token, password string) (*store.User, error) {
	now := a.Now()
	t, err := store.PeekUserToken(ctx, a.db.R, HashToken(token), store.TokenPasswordReset, now)
	if err != nil {
		return nil, err
	}
	u, err := store.UserByID(ctx, a.db.R, t.UserID)
	if err != nil {
		return nil, err
	}
	if key := checkPassword(password, u.Email, u.FirstName, u.LastName); key != "" {
		v := &ValidationError{}
		v.Add("password", key, "min", MinPasswordLength, "max", MaxPasswordLength)
		return nil, v
	}
	hash, err := HashPassword(password, a.Password)
	if err != nil {
		return nil, err
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if _, err := store.UseUserToken(ctx, tx, t.ID, store.TokenPasswordReset, now); err != nil {
			return err
		}
		if err := store.SetPasswordHash(ctx, tx, u.ID, hash, now); err != nil {
			return err
		}
		// Opening the emailed link proves the address too.
		if u.EmailVerifiedAt == nil && t.Email == u.Email {
			if err := store.MarkEmailVerified(ctx, tx, u.ID, now); err != nil {
				return err
			}
		}
		_, err := store.DeleteSessionsOfUser(ctx, tx, u.ID, "")
		return err
	})
	return u, err
}

// ChangePassword sets a new password after checking the current one, and
// logs out every other device.
func (a *App) ChangePassword(ctx context.Context, s *Session, current, next string) error {
	v := &ValidationError{}
	if _, err := a.checkPassword(ctx, loginOf(s.User), current); err != nil {
		if !errors.Is(err, ErrUnauthorized) {
			return err
		}
		v.Add("current_password", "password.wrong")
	}
	if key := checkPassword(next, s.User.Email, s.User.Username, s.User.FirstName, s.User.LastName); key != "" {
		v.Add("new_password", key, "min", MinPasswordLength, "max", MaxPasswordLength)
	}
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(next, a.Password)
	if err != nil {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.SetPasswordHash(ctx, tx, s.User.ID, hash, a.Now()); err != nil {
			return err
		}
		_, err := store.DeleteSessionsOfUser(ctx, tx, s.User.ID, s.ID)
		return err
	})
}

// Profile is what a person may change about how they are named and spoken to.
type Profile struct {
	Title, FirstName, LastName, Language string
}

// UpdateProfile saves name, title and language.
func (a *App) UpdateProfile(ctx context.Context, s *Session, p Profile) error {
	v := &ValidationError{}
	u := *s.User
	var key string
	if u.FirstName, key = cleanName(p.FirstName, true); key != "" {
		v.Add("first_name", key, "max", 100)
	}
	staff := u.Kind != store.KindStudent
	if u.LastName, key = cleanName(p.LastName, staff); key != "" {
		v.Add("last_name", key, "max", 100)
	}
	if staff {
		if !validTitle(p.Title) {
			v.Add("title", "signup.invalid_title")
		}
		u.Title = p.Title
	}
	if !slices.Contains(a.Languages, p.Language) {
		v.Add("language", "signup.invalid_language")
	}
	u.Language = p.Language
	if err := v.Err(); err != nil {
		return err
	}
	return store.UpdateProfile(ctx, a.db.W, &u, a.Now())
}

// RequestEmailChange emails a link to the new address; the account's
// address changes only when it is opened.
func (a *App) RequestEmailChange(ctx context.Context, s *Session, newEmail, password string) error {
	v := &ValidationError{}
	email := normalizeEmail(newEmail)
	if key := checkEmail(email); key != "" {
		v.Add("email", key)
	} else if email == s.User.Email {
		v.Add("email", "email.unchanged")
	}
	if _, err := a.checkPassword(ctx, loginOf(s.User), password); err != nil {
		if !errors.Is(err, ErrUnauthorized) {
			return err
		}
		v.Add("password", "password.wrong")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if _, err := store.UserByEmail(ctx, a.db.R, email); err == nil {
		v.Add("email", "signup.email_taken")
		return v
	}
	return a.db.Tx(ctx, func(tx db.Querier) error { return a.sendVerification(ctx, tx, s.User, email, a.Now()) })
}

// Sessions lists the actor's live sessions.
func (a *App) Sessions(ctx context.Context, s *Session) ([]store.Session, error) {
	return store.SessionsOfUser(ctx, a.db.R, s.User.ID, a.Now())
}

// LogoutOtherSessions ends every session but the current one.
func (a *App) LogoutOtherSessions(ctx context.Context, s *Session) (int64, error) {
	return store.DeleteSessionsOfUser(ctx, a.db.W, s.User.ID, s.ID)
}

// ErrNotYetAvailable is an honest refusal: the feature exists in the
// product's plan but not in this version.
var ErrNotYetAvailable = errors.New("not available in this version")

// DeleteAccount (erasure.go) schedules the account's erasure after the
// deployment's grace period.
