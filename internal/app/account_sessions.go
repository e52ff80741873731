package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Credentials are what a person types to log in: an email (staff and
// parents) or a username (students), and a password.
type Credentials struct {
	Login    string
	Password string
	// OTP is a two-factor or recovery code, for API clients that send it
	// with the password; the web asks for it on a second page.
	OTP     string
	Kind    string // "web" or "api": which kind of session to start
	Browser string // browser family and version, shown in the sessions list
	// IP is the client's address, used only in memory to throttle guessing.
	IP string
}

// dummyHash makes a login for an unknown account cost as much as one for a
// known account, so response time does not reveal who has an account.
var dummyHash, _ = HashPassword("cubby-no-such-account", DefaultPasswordParams)

// SecondFactorError means the password was right and a two-factor code is
// needed. Token (for the web's second step) identifies the half-done login.
type SecondFactorError struct{ Token string }

func (e *SecondFactorError) Error() string { return "two-factor code required" }

// ErrAccountDisabled means the account exists but may not be used (e.g. a
// parent withdrew the consent it rests on).
var ErrAccountDisabled = errors.New("account disabled")

// Login checks credentials and starts a session, returning the token the
// client must present. Unknown accounts and wrong passwords give the same
// ErrUnauthorized; too many failures give a *RateLimitError.
func (a *App) Login(ctx context.Context, c Credentials) (string, *store.User, error) {
	var v ValidationError
	login := strings.ToLower(strings.TrimSpace(c.Login))
	if login == "" {
		v.Add("login", "validation.required")
	}
	if c.Password == "" {
		v.Add("password", "validation.required")
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	if len(login) > 254 || len(c.Password) > MaxPasswordLength*4 {
		return "", nil, ErrUnauthorized
	}
	now := a.Now()
	acctKey, ipKey := "login:"+login, "ip:"+c.IP
	if wait := max(a.loginFailures.check(acctKey, now), a.ipFailures.check(ipKey, now)); wait > 0 {
		return "", nil, &RateLimitError{RetryAfter: wait}
	}
	u, err := a.checkPassword(ctx, login, c.Password)
	if errors.Is(err, ErrUnauthorized) {
		a.loginFailures.add(acctKey, now)
		a.ipFailures.add(ipKey, now)
	}
	if err != nil {
		return "", nil, err
	}
	if u.DisabledAt != nil {
		return "", nil, ErrAccountDisabled
	}
	if u.TOTPEnabledAt != nil {
		if c.OTP == "" {
			token := NewToken()
			err := store.CreateUserToken(ctx, a.db.W, &store.UserToken{ID: HashToken(token), UserID: u.ID,
				Purpose: store.TokenSecondFactor, CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)})
			if err != nil {
				return "", nil, err
			}
			return "", nil, &SecondFactorError{Token: token}
		}
		if err := a.checkSecondFactor(ctx, u.ID, c.OTP); err != nil {
			a.loginFailures.add(acctKey, now)
			return "", nil, err
		}
	}
	a.loginFailures.reset(acctKey)
	token, err := a.StartSession(ctx, u.ID, c.Kind, c.Browser)
	return token, u, err
}

// checkPassword finds the account and checks its password in constant
// time whether or not the account exists.
func (a *App) checkPassword(ctx context.Context, login, password string) (*store.User, error) {
	var u *store.User
	var err error
	if strings.Contains(login, "@") {
		u, err = store.UserByEmail(ctx, a.db.R, login)
	} else {
		u, err = store.UserByUsername(ctx, a.db.R, login)
	}
	if errors.Is(err, db.ErrNotFound) || (err == nil && u.PasswordHash == "") {
		CheckPassword(dummyHash, password)
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrUnauthorized
	}
	return u, nil
}

// CompleteSecondFactor finishes a login that stopped for a two-factor code.
func (a *App) CompleteSecondFactor(ctx context.Context, pending, code, browser string) (string, *store.User, error) {
	now := a.Now()
	t, err := store.PeekUserToken(ctx, a.db.R, HashToken(pending), store.TokenSecondFactor, now)
	if errors.Is(err, db.ErrNotFound) {
		return "", nil, ErrUnauthorized
	}
	if err != nil {
		return "", nil, err
	}
	key := "2fa:" + strconv.FormatInt(t.UserID, 10)
	if wait := a.loginFailures.check(key, now); wait > 0 {
		return "", nil, &RateLimitError{RetryAfter: wait}
	}
	if err := a.checkSecondFactor(ctx, t.UserID, code); err != nil {
		a.loginFailures.add(key, now)
		return "", nil, err
	}
	if _, err := store.UseUserToken(ctx, a.db.W, t.ID, store.TokenSecondFactor, now); err != nil {
		return "", nil, ErrUnauthorized
	}
	a.loginFailures.reset(key)
	u, err := store.UserByID(ctx, a.db.R, t.UserID)
	if err != nil {
		return "", nil, err
	}
	token, err := a.StartSession(ctx, u.ID, "web", browser)
	return token, u, err
}

// StartSession creates a new session for a user. A new token at every login
// means a session fixed by an attacker before login is worthless after it.
func (a *App) StartSession(ctx context.Context, userID int64, kind, browser string) (string, error) {
	if kind != "api" {
		kind = "web"
	}
	token := NewToken()
	now := a.Now()
	err := store.CreateSession(ctx, a.db.W, &store.Session{
		ID: HashToken(token), UserID: userID, Kind: kind, Browser: browser,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(a.SessionTTL),
	})
	if err == nil {
		err = store.MarkActive(ctx, a.db.W, userID, now)
	}
	return token, err
}

// Logout ends the session behind token. Ending an unknown session is fine.
func (a *App) Logout(ctx context.Context, token string) error {
	return store.DeleteSession(ctx, a.db.W, HashToken(token))
}

// Session is an authenticated request's view of who is asking.
type Session struct {
	ID    string // the session's stored id (hash of its token)
	User  *store.User
	Actor *authz.Actor
	// TwoFactorSetup: the person's school requires two-factor login and
	// they have not set it up; until they do, that is all they may do.
	TwoFactorSetup bool
	// LoggedInAt is when this session logged in: an account without a
	// password proves it is its owner by a fresh login (DeleteAccount).
	LoggedInAt time.Time
}

// Authenticate resolves a session token into the user and their
// relationships. It returns ErrUnauthorized for a missing, unknown or
// expired token.
func (a *App) Authenticate(ctx context.Context, token string) (*Session, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrUnauthorized
	}
	now := a.Now()
	s, u, err := store.SessionWithUser(ctx, a.db.R, HashToken(token), now)
	if errors.Is(err, db.ErrNotFound) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	// Slide the expiry, but write at most once a minute per session.
	if now.Sub(s.LastSeenAt) > time.Minute {
		if err := store.TouchSession(ctx, a.db.W, s.ID, now, now.Add(a.SessionTTL)); err != nil {
			return nil, err
		}
		// Unused accounts are deleted after a while (privacy inventory,
		// users.inactive_accounts); using one keeps it.
		if err := store.MarkActive(ctx, a.db.W, s.UserID, now); err != nil {
			return nil, err
		}
	}
	if u.DisabledAt != nil {
		return nil, ErrUnauthorized
	}
	actor, err := a.loadActor(ctx, u)
	if err != nil {
		return nil, err
	}
	setup, err := a.twoFactorSetupRequired(ctx, u, actor)
	if err != nil {
		return nil, err
	}
	return &Session{ID: s.ID, User: u, Actor: actor, TwoFactorSetup: setup, LoggedInAt: s.CreatedAt}, nil
}

// loadActor gathers what authz needs to know about a user: their staff
// memberships, classes, children and own student profile.
func (a *App) loadActor(ctx context.Context, u *store.User) (*authz.Actor, error) {
	actor := &authz.Actor{UserID: u.ID, Kind: authz.Kind(u.Kind), Schools: map[int64]authz.Staff{}, EmailVerified: u.EmailVerifiedAt != nil}
	var err error
	switch u.Kind {
	case store.KindTeacher, store.KindLeader:
		schools, classes, err := store.StaffLinks(ctx, a.db.R, u.ID)
		if err != nil {
			return nil, err
		}
		for id, l := range schools {
			actor.Schools[id] = authz.Staff{Leader: l.Leader, Verified: l.Verified, RequireTwoFactor: l.RequireTwoFactor}
		}
		actor.Classes = classes
	case store.KindParent:
		// Less the children a custody block or the end of parents' rights
		// cuts (custody.go): every check that follows sees only these.
		if actor.Children, err = a.childrenOf(ctx, a.db.R, u.ID); err != nil {
			return nil, err
		}
	case store.KindStudent:
		s, err := store.StudentByUserID(ctx, a.db.R, u.ID)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		if s != nil {
			actor.StudentID, actor.StudentSchoolID = s.ID, s.SchoolID
			since, err := store.EligibleSince(ctx, a.db.R, s.ID)
			if err != nil {
				return nil, err
			}
			actor.StudentEligible = since != nil
		}
	}
	return actor, nil
}

// SetLanguage saves the user's preferred language.
func (a *App) SetLanguage(ctx context.Context, s *Session, lang string) error {
	return store.SetUserLanguage(ctx, a.db.W, s.User.ID, lang, a.Now())
}
