package app

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// ErrGone means something existed but can no longer be used (an invitation
// that expired or was already accepted).
var ErrGone = errors.New("no longer available")

// RefusedError is a refusal people can act on: Key is a translation key
// saying why (a second join request, an invitation already used), and Err
// is what kind of refusal it is — ErrConflict, ErrForbidden or ErrGone —
// for the edges to choose a status.
type RefusedError struct {
	Key string
	Err error
}

func (e *RefusedError) Error() string { return "refused: " + e.Key }
func (e *RefusedError) Unwrap() error { return e.Err }

func refused(key string, err error) *RefusedError { return &RefusedError{Key: key, Err: err} }

// JoinSchool asks to join a school as staff, in the role of the account's
// type. The request waits for a leader, unless the school approves its own
// email domain and the person's address is verified and on it (leader
// requests always wait: leader rights are given by people). Asking again
// while a request waits re-checks the domain, so a teacher who has since
// verified their address gets in; otherwise it says the request waits.
func (a *App) JoinSchool(ctx context.Context, s *Session, schoolID int64) (*store.Membership, error) {
	if !authz.CanJoinSchool(s.Actor) {
		return nil, ErrForbidden
	}
	school, err := store.SchoolByID(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	access, err := store.SchoolAccessOf(ctx, a.db.R, school.ID)
	if err != nil {
		return nil, err
	}
	role := store.RoleTeacher
	if s.User.Kind == store.KindLeader {
		role = store.RoleLeader
	}
	auto := role == store.RoleTeacher && access.EmailDomain != "" && s.User.EmailVerifiedAt != nil &&
		store.EmailDomain(s.User.Email) == access.EmailDomain
	now := a.Now()
	var m *store.Membership
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		var err error
		m, err = store.MembershipOf(ctx, tx, school.ID, s.User.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			m = &store.Membership{SchoolID: school.ID, UserID: s.User.ID, Role: role, Status: store.MemberPending, CreatedAt: now}
			if auto {
				m.Status, m.VerifiedAt = store.MemberActive, &now
				return store.AddMembership(ctx, tx, m)
			}
			waiting, err := store.PendingRequestCount(ctx, tx, s.User.ID)
			if err != nil {
				return err
			}
			if waiting >= MaxPendingRequests {
				return refused("join.too_many_pending", ErrConflict)
			}
			if err := store.AddMembership(ctx, tx, m); err != nil {
				return err
			}
			return a.tellLeaders(ctx, tx, school, s.User, now)
		case err != nil:
			return err
		case m.Status == store.MemberActive:
			return refused("join.already_member", ErrConflict)
		case auto && m.Role == store.RoleTeacher:
			m.Status, m.VerifiedAt = store.MemberActive, &now
			return store.UpdateMembership(ctx, tx, m)
		}
		return refused("join.already_pending", ErrConflict)
	})
	if errors.Is(err, ErrConflict) && !errors.As(err, new(*RefusedError)) {
		// Two requests raced; the other one was recorded.
		return nil, refused("join.already_pending", ErrConflict)
	}
	return m, err
}

// MaxPendingRequests is how many schools one person may ask to join at a
// time: each request emails the school's leaders, so requests to every
// school in the directory must not be possible.
const MaxPendingRequests = 5

// tellLeaders tells each leader of the school that someone asks to join
// (in the request's transaction): the centre, and the email of old unless
// they chose otherwise.
func (a *App) tellLeaders(ctx context.Context, q db.Querier, school *store.School, requester *store.User, now time.Time) error {
	leaders, err := store.ActiveLeaders(ctx, q, school.ID)
	if err != nil {
		return err
	}
	to := make([]int64, len(leaders))
	for i, l := range leaders {
		to[i] = l.ID
	}
	return a.Notify(ctx, q, Notice{Kind: notify.KindJoinRequest, SchoolID: school.ID, RefID: school.ID, ActorID: requester.ID, To: to, At: now})
}

// WithdrawJoinRequest takes back a request that still waits.
func (a *App) WithdrawJoinRequest(ctx context.Context, s *Session, schoolID int64) error {
	m, err := store.MembershipOf(ctx, a.db.R, schoolID, s.User.ID)
	if err != nil {
		return err
	}
	if m.Status != store.MemberPending {
		return refused("join.not_pending", ErrConflict)
	}
	return store.DeleteMembership(ctx, a.db.W, schoolID, s.User.ID)
}

// MySchool is a school the person is staff of or asked to join.
type MySchool struct {
	School     *store.School
	Membership store.Membership
}

// MySchools lists the schools a staff member belongs to or waits for.
func (a *App) MySchools(ctx context.Context, s *Session) ([]MySchool, error) {
	if !authz.CanJoinSchool(s.Actor) {
		return nil, nil
	}
	ms, err := store.MembershipsOfUser(ctx, a.db.R, s.User.ID)
	if err != nil {
		return nil, err
	}
	out := make([]MySchool, 0, len(ms))
	for _, m := range ms {
		school, err := store.SchoolByID(ctx, a.db.R, m.SchoolID)
		if err != nil {
			return nil, err
		}
		out = append(out, MySchool{School: school, Membership: m})
	}
	return out, nil
}

// NewSchool is a school a teacher or leader adds because they could not
// find it.
type NewSchool struct {
	Name, Address, City, Region, PostalCode, Country string
}

// SchoolsAddedPerDay is how many missing schools one person may add in a
// day: enough for someone who works at two or three, not for a spammer.
const SchoolsAddedPerDay = 3

// CreateSchool adds a school that is missing from the directory and makes
// its creator active staff of it (a leader, if their account is a leader's),
// not yet verified. The school is flagged unverified until a verified
// leader of it, or the operator, confirms it.
func (a *App) CreateSchool(ctx context.Context, s *Session, in NewSchool) (*store.School, error) {
	if !authz.CanJoinSchool(s.Actor) {
		return nil, ErrForbidden
	}
	v := &ValidationError{}
	school := &store.School{Source: "manual"}
	var key string
	if school.Name, key = cleanText(in.Name, 200, true); key != "" {
		v.Add("name", key, "max", 200)
	}
	if school.City, key = cleanText(in.City, 100, true); key != "" {
		v.Add("city", key, "max", 100)
	}
	if school.Address, key = cleanText(in.Address, 200, false); key != "" {
		v.Add("address", key, "max", 200)
	}
	if school.Region, key = cleanText(in.Region, 100, false); key != "" {
		v.Add("region", key, "max", 100)
	}
	if school.PostalCode, key = cleanText(in.PostalCode, 20, false); key != "" {
		v.Add("postal_code", key, "max", 20)
	}
	school.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	if school.Country == "" {
		school.Country = a.Country
	}
	if len(school.Country) != 2 || strings.Trim(school.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		v.Add("country", "join.country_invalid")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	var added int
	err := a.db.R.QueryRowContext(ctx, `SELECT count(*) FROM school_members m JOIN schools s ON s.id = m.school_id
		WHERE m.user_id = $1 AND s.source = 'manual' AND NOT s.verified AND s.created_at > $2`, s.User.ID, now.Add(-24*time.Hour)).Scan(&added)
	if err != nil {
		return nil, db.MapError(err)
	}
	if added >= SchoolsAddedPerDay {
		return nil, &RateLimitError{RetryAfter: 24 * time.Hour}
	}
	var same int64
	err = a.db.R.QueryRowContext(ctx, `SELECT id FROM schools WHERE lower(name) = lower($1) AND lower(city) = lower($2) AND country = $3 LIMIT 1`,
		school.Name, school.City, school.Country).Scan(&same)
	if err == nil {
		v.Add("name", "join.school_exists")
		return nil, v
	} else if err = db.MapError(err); !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	role := store.RoleTeacher
	if s.User.Kind == store.KindLeader {
		role = store.RoleLeader
	}
	school.CreatedAt = now
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateSchool(ctx, tx, school); err != nil {
			return err
		}
		return store.AddMembership(ctx, tx, &store.Membership{SchoolID: school.ID, UserID: s.User.ID, Role: role,
			Status: store.MemberActive, CreatedAt: now})
	})
	return school, err
}

// cleanText trims text typed into a form, folding runs of spaces, and
// returns the translation key of its problem, or "".
func cleanText(s string, max int, required bool) (string, string) {
	s = strings.Join(strings.Fields(s), " ")
	switch {
	case s == "" && required:
		return s, "validation.required"
	case utf8.RuneCountInString(s) > max:
		return s, "validation.too_long"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return s, "validation.name"
	}
	return s, ""
}

// MyMembership is the actor's own place in a school (after joining or
// adding it): ErrNotFound if they have none.
func (a *App) MyMembership(ctx context.Context, s *Session, schoolID int64) (*store.Membership, error) {
	return store.MembershipOf(ctx, a.db.R, schoolID, s.User.ID)
}
