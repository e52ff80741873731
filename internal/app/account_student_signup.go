package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// PurposeStudentAccount is the consent ledger's purpose for a child's own
// account (as opposed to one a teacher creates under the school's
// authority).
const PurposeStudentAccount = "student_account"

// ConsentRequestTTL is how long a parent has to answer; then the request
// and the parent's address are deleted.
const ConsentRequestTTL = 7 * 24 * time.Hour

// AgeCheck is the neutral age question: the month and year of birth, never
// pre-filled. Only the decision it leads to is kept.
type AgeCheck struct {
	BirthYear  int
	BirthMonth int
}

// age returns the youngest the child can be, given month and year: the
// check errs towards asking a parent.
func (c AgeCheck) age(now time.Time) int {
	age := now.Year() - c.BirthYear
	if int(now.Month()) <= c.BirthMonth {
		age-- // the birthday may still be ahead this month
	}
	return age
}

// StudentAge validates the age answer and says whether a parent must
// consent, and under which rule.
func (a *App) StudentAge(c AgeCheck) (needsParent bool, rule privacy.ConsentAge, err error) {
	now := a.Now()
	v := &ValidationError{}
	if c.BirthMonth < 1 || c.BirthMonth > 12 {
		v.Add("birth_month", "age.invalid_month")
	}
	if c.BirthYear < now.Year()-100 || c.BirthYear > now.Year() {
		v.Add("birth_year", "age.invalid_year")
	} else if c.BirthMonth >= 1 && c.BirthMonth <= 12 && c.age(now) < 4 {
		v.Add("birth_year", "age.too_young")
	}
	if err := v.Err(); err != nil {
		return false, rule, err
	}
	rule = privacy.ConsentAgeFor(a.Country)
	return c.age(now) < rule.Age, rule, nil
}

// StudentSignup is a child signing up on their own.
type StudentSignup struct {
	Age       AgeCheck
	FirstName string
	Language  string
	// At or over the consent age: the child's own login.
	Username string
	Password string
	// Under the consent age: how to reach a parent.
	ParentEmail    string
	ParentLanguage string
	Browser, IP    string
}

// SignUpStudent registers a child. At or over the country's digital age of
// consent the child consents for themself and is logged in at once (the
// returned token). Under it, nothing but what reaches a parent is kept, a
// consent request is emailed to the parent, and the token is "".
func (a *App) SignUpStudent(ctx context.Context, in StudentSignup) (string, error) {
	needsParent, rule, err := a.StudentAge(in.Age)
	if err != nil {
		return "", err
	}
	v := &ValidationError{}
	first, key := cleanName(in.FirstName, true)
	if key != "" {
		v.Add("first_name", key, "max", 100)
	}
	if !slices.Contains(a.Languages, in.Language) {
		v.Add("language", "signup.invalid_language")
	}
	now := a.Now()
	if wait := a.signupsPerIP.check("ip:"+in.IP, now); wait > 0 {
		return "", &RateLimitError{RetryAfter: wait}
	}
	if needsParent {
		parent := normalizeEmail(in.ParentEmail)
		if key := checkEmail(parent); key != "" {
			v.Add("parent_email", key)
		}
		if !slices.Contains(a.Languages, in.ParentLanguage) {
			v.Add("parent_language", "signup.invalid_language")
		}
		if err := v.Err(); err != nil {
			return "", err
		}
		a.signupsPerIP.add("ip:"+in.IP, now)
		token := NewToken()
		return "", a.db.Tx(ctx, func(tx db.Querier) error {
			err := store.CreateStudentRegistration(ctx, tx, &store.StudentRegistration{TokenHash: HashToken(token),
				FirstName: first, ParentEmail: parent, Language: in.ParentLanguage, Country: rule.Country,
				ConsentAge: rule.Age, CreatedAt: now, ExpiresAt: now.Add(ConsentRequestTTL)})
			if err != nil {
				return err
			}
			return a.mail(ctx, tx, notify.Email{To: parent, Lang: in.ParentLanguage, Template: "consent_request",
				Data: map[string]any{"ChildName": first, "Link": a.link("/consent", token), "Days": int(ConsentRequestTTL.Hours() / 24)}}, now)
		})
	}
	username, hash, err := a.newLogin(in.Username, in.Password, v, first)
	if err != nil {
		return "", err
	}
	a.signupsPerIP.add("ip:"+in.IP, now)
	u := &store.User{Kind: store.KindStudent, FirstName: first, Username: username, PasswordHash: hash, Language: in.Language, CreatedAt: now}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return store.AddConsent(ctx, tx, &store.Consent{SubjectUserID: u.ID, GrantorUserID: u.ID, GrantorRole: "self",
			Purpose: PurposeStudentAccount, NoticeVersion: a.studentNoticeVersion(), Method: "self_declared_age",
			Evidence:  "age at or over " + itoa(rule.Age) + " (" + rule.Country + ", consent ages " + privacy.ConsentAgesVersion + ")",
			GrantedAt: now})
	})
	if errors.Is(err, ErrConflict) {
		v.Add("username", "username.taken")
		return "", v
	}
	if err != nil {
		return "", err
	}
	return a.StartSession(ctx, u.ID, "web", in.Browser)
}

// newLogin validates a student's chosen username and password (adding
// problems to v) and hashes the password.
func (a *App) newLogin(username, password string, v *ValidationError, name string) (string, string, error) {
	username = normalizeEmail(username)
	if key := checkUsername(username); key != "" {
		v.Add("username", key)
	}
	if key := checkPassword(password, username, name); key != "" {
		v.Add("password", key, "min", MinPasswordLength, "max", MaxPasswordLength)
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	hash, err := HashPassword(password, a.Password)
	return username, hash, err
}

func (a *App) studentNoticeVersion() string {
	if a.Inventory == nil {
		return "unversioned"
	}
	return a.Inventory.NoticeFor(privacy.Student).Version
}

// ConsentRequest is what a parent sees when they open the emailed link.
type ConsentRequest struct {
	ChildName  string
	ConsentAge int
	Country    string
	ExpiresAt  time.Time
	Notice     privacy.Notice
}

// OpenConsentRequest returns a pending request, or ErrNotFound when it was
// answered, expired or never existed.
func (a *App) OpenConsentRequest(ctx context.Context, token string) (*ConsentRequest, error) {
	r, err := store.StudentRegistrationByToken(ctx, a.db.R, HashToken(token), a.Now())
	if err != nil {
		return nil, err
	}
	cr := &ConsentRequest{ChildName: r.FirstName, ConsentAge: r.ConsentAge, Country: r.Country, ExpiresAt: r.ExpiresAt}
	if a.Inventory != nil {
		cr.Notice = a.Inventory.NoticeFor(privacy.Student)
	}
	return cr, nil
}

// ConsentAnswer is a parent's decision. Approving, the parent chooses the
// child's username and password, so nothing about the child but a first
// name existed before the parent said yes.
type ConsentAnswer struct {
	Approve  bool
	Username string
	Password string
}

// AnswerConsentRequest applies a parent's decision. Refusal deletes the
// request and the parent's address at once. Approval creates the child's
// account and records the consent; the returned manage token lets the
// parent withdraw it later with one click.
func (a *App) AnswerConsentRequest(ctx context.Context, token string, ans ConsentAnswer) (string, error) {
	now := a.Now()
	r, err := store.StudentRegistrationByToken(ctx, a.db.R, HashToken(token), now)
	if err != nil {
		return "", err
	}
	if !ans.Approve {
		ok, err := store.DeleteStudentRegistration(ctx, a.db.W, r.ID)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return "", err
	}
	username, hash, err := a.newLogin(ans.Username, ans.Password, &ValidationError{}, r.FirstName)
	if err != nil {
		return "", err
	}
	manage := NewToken()
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.DeleteStudentRegistration(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound // answered in another tab meanwhile
		}
		u := &store.User{Kind: store.KindStudent, FirstName: r.FirstName, Username: username, PasswordHash: hash, Language: r.Language, CreatedAt: now}
		if err := store.CreateUser(ctx, tx, u); err != nil {
			return err
		}
		return store.AddConsent(ctx, tx, &store.Consent{SubjectUserID: u.ID, GrantorEmail: r.ParentEmail, GrantorRole: "parent",
			Purpose: PurposeStudentAccount, NoticeVersion: a.studentNoticeVersion(), Method: "email_link",
			Evidence:    "approved through the link emailed to the parent's address",
			ManageToken: HashToken(manage), GrantedAt: now})
	})
	if errors.Is(err, ErrConflict) {
		v := &ValidationError{}
		v.Add("username", "username.taken")
		return "", v
	}
	return manage, err
}

// ManagedConsent is a consent seen through a parent's manage link.
type ManagedConsent struct {
	ChildName   string
	Username    string
	Purpose     string
	GrantedAt   time.Time
	WithdrawnAt *time.Time
}

// ConsentByManageToken shows a parent the consent their link controls.
func (a *App) ConsentByManageToken(ctx context.Context, token string) (*ManagedConsent, error) {
	c, err := store.ConsentByManageToken(ctx, a.db.R, HashToken(token))
	if err != nil {
		return nil, err
	}
	mc := &ManagedConsent{Purpose: c.Purpose, GrantedAt: c.GrantedAt, WithdrawnAt: c.WithdrawnAt}
	if c.SubjectUserID != 0 {
		if u, err := store.UserByID(ctx, a.db.R, c.SubjectUserID); err == nil {
			mc.ChildName, mc.Username = u.FirstName, u.Username
		}
	}
	return mc, nil
}

// WithdrawConsentByManageToken withdraws a parent's consent in one click
// and stops the processing it allowed: the child's account is disabled and
// logged out everywhere.
func (a *App) WithdrawConsentByManageToken(ctx context.Context, token string) error {
	c, err := store.ConsentByManageToken(ctx, a.db.R, HashToken(token))
	if err != nil {
		return err
	}
	return a.withdraw(ctx, c)
}

// WithdrawOwnConsent withdraws a consent the actor gave or that is about
// them (e.g. a student who consented for themself).
func (a *App) WithdrawOwnConsent(ctx context.Context, s *Session, id int64) error {
	c, err := store.ConsentByID(ctx, a.db.R, id)
	if err != nil {
		return err
	}
	if c.SubjectUserID != s.User.ID && c.GrantorUserID != s.User.ID {
		return ErrNotFound
	}
	return a.withdraw(ctx, c)
}

func (a *App) withdraw(ctx context.Context, c *store.Consent) error {
	now := a.Now()
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if _, err := store.WithdrawConsent(ctx, tx, c.ID, now); err != nil {
			return err
		}
		if c.Purpose == PurposeStudentAccount && c.SubjectUserID != 0 {
			if err := store.SetDisabled(ctx, tx, c.SubjectUserID, &now, now); err != nil {
				return err
			}
			_, err := store.DeleteSessionsOfUser(ctx, tx, c.SubjectUserID, "")
			return err
		}
		return nil
	})
}

// Consents lists the consents about or given by the actor.
func (a *App) Consents(ctx context.Context, s *Session) ([]store.Consent, error) {
	return store.ConsentsOfUser(ctx, a.db.R, s.User.ID)
}

// SessionUsable reports whether the session's account may still be used
// (withdrawing a consent can end that mid-request).
func (a *App) SessionUsable(ctx context.Context, s *Session) bool {
	sec, err := store.SecurityOf(ctx, a.db.R, s.User.ID)
	return err == nil && sec.DisabledAt == nil
}
