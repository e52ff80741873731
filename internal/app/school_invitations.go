package app

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Texter queues text messages in the caller's transaction. The outbox
// (notify.Outbox) is both a Mailer and a Texter; SMSEnabled is false when
// no gateway is configured.
type Texter interface {
	SMS(ctx context.Context, q db.Querier, m notify.SMS, now time.Time) error
	SMSEnabled() bool
}

// texter returns the SMS side of the outbox, or nil when SMS is off.
func (a *App) texter() Texter {
	if t, ok := a.Mail.(Texter); ok && t.SMSEnabled() {
		return t
	}
	return nil
}

// SMSEnabled reports whether invitations can go by text message.
func (a *App) SMSEnabled() bool { return a.texter() != nil }

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 14 * 24 * time.Hour

// inviteLimits are the rate limits on invitations, per sender and per
// school, over a sliding day. Text messages cost the school money and
// reach phones, so they have their own, lower limits.
var inviteLimits = []struct {
	perSender, sms bool
	max            int
}{
	{perSender: true, max: 50},
	{perSender: true, sms: true, max: 10},
	{max: 500},
	{sms: true, max: 100},
}

const inviteWindow = 24 * time.Hour

// Invite is an invitation to send: a teacher to a school, or a parent to
// follow one student. Exactly one of Email and Phone; Contact (from a
// form's single field) is either, told apart by its "@".
type Invite struct {
	Kind      string // teacher | parent
	SchoolID  int64  // teacher invitations
	StudentID int64  // parent invitations
	Email     string
	Phone     string
	Contact   string
	// Language of the message; empty means the sender's.
	Language string
}

// e164 is a phone number in international form: + and 8 to 15 digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// NormalizePhone reads a phone number as people type it ("+44 7700
// 900-123", "0044 (7700) 900123") into E.164, or returns the translation
// key of its problem. A number without its country code cannot be told
// apart from one with, so it is refused with a hint.
func NormalizePhone(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "validation.required"
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case strings.ContainsRune(" -.()/\u00a0\u2010\u2011\u2012\u2013", r):
		default:
			return "", "invite.phone_invalid"
		}
	}
	p := b.String()
	if strings.HasPrefix(p, "00") {
		p = "+" + p[2:]
	}
	if !e164.MatchString(p) {
		return "", "invite.phone_invalid"
	}
	return p, ""
}

// SendInvitation creates an invitation and sends its link by email or
// text message, in one transaction. Only people with a verified email
// address invite (authz.CanContactOthers); teachers invite colleagues to
// their school, and a student's class teachers and the school's leaders
// invite the student's parents.
func (a *App) SendInvitation(ctx context.Context, s *Session, in Invite) (*store.Invitation, error) {
	if !authz.CanContactOthers(s.Actor) {
		if s.Actor.Kind == authz.Student {
			return nil, ErrForbidden
		}
		return nil, refused("invite.verify_first", ErrForbidden)
	}
	inv := &store.Invitation{Kind: in.Kind, InvitedBy: s.User.ID}
	switch in.Kind {
	case store.InviteTeacher:
		if !authz.CanInviteTeacher(s.Actor, in.SchoolID) {
			return nil, ErrNotFound
		}
		inv.SchoolID = in.SchoolID
	case store.InviteParent:
		st, ref, err := a.studentRef(ctx, in.StudentID)
		if err != nil {
			return nil, err
		}
		if !authz.CanInviteParent(s.Actor, ref) {
			if authz.CanViewStudentRecords(s.Actor, ref) {
				return nil, ErrForbidden
			}
			return nil, ErrNotFound
		}
		inv.SchoolID, inv.StudentID = st.SchoolID, st.ID
	default:
		v := &ValidationError{}
		v.Add("type", "invite.type_invalid")
		return nil, v
	}
	if err := a.inviteContact(inv, in); err != nil {
		return nil, err
	}
	if inv.Kind == store.InviteParent {
		if err := a.parentInviteAllowed(ctx, s, inv); err != nil {
			return nil, err
		}
	}
	inv.Language = in.Language
	if !slices.Contains(a.Languages, inv.Language) {
		inv.Language = s.User.Language
	}
	now := a.Now()
	if err := a.checkInviteLimits(ctx, s.User.ID, inv, now); err != nil {
		return nil, err
	}
	school, err := store.SchoolByID(ctx, a.db.R, inv.SchoolID)
	if err != nil {
		return nil, err
	}
	token := NewToken()
	inv.TokenHash, inv.CreatedAt, inv.ExpiresAt = HashToken(token), now, now.Add(InvitationTTL)
	data := map[string]any{"InviterName": s.User.DisplayName(), "SchoolName": school.Name, "Link": a.link("/invite", token)}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateInvitation(ctx, tx, inv); err != nil {
			return err
		}
		if inv.Phone != "" {
			return a.texter().SMS(ctx, tx, notify.SMS{To: inv.Phone, Lang: inv.Language, Template: "invite", Data: data, SchoolID: inv.SchoolID}, now)
		}
		return a.mail(ctx, tx, notify.Email{To: inv.Email, Lang: inv.Language, Template: "invite", Data: data, SchoolID: inv.SchoolID}, now)
	})
	if errors.Is(err, notify.ErrSMSDisabled) {
		v := &ValidationError{}
		v.Add("phone", "invite.sms_disabled")
		return nil, v
	}
	return inv, err
}

// inviteContact checks where the invitation goes and fills it in.
func (a *App) inviteContact(inv *store.Invitation, in Invite) error {
	email, phone := in.Email, in.Phone
	if c := strings.TrimSpace(in.Contact); c != "" {
		if strings.Contains(c, "@") {
			email = c
		} else {
			phone = c
		}
	}
	v := &ValidationError{}
	switch {
	case strings.TrimSpace(email) != "" && strings.TrimSpace(phone) != "":
		v.Add("phone", "invite.one_contact")
	case strings.TrimSpace(phone) != "":
		p, key := NormalizePhone(phone)
		if key != "" {
			v.Add("phone", key)
		} else if !a.SMSEnabled() {
			v.Add("phone", "invite.sms_disabled")
		}
		inv.Phone = p
	default:
		inv.Email = normalizeEmail(email)
		if key := checkEmail(inv.Email); key != "" {
			v.Add("email", key)
		}
	}
	return v.Err()
}

// checkInviteLimits refuses an invitation over a limit, saying when the
// oldest one counted leaves the window.
func (a *App) checkInviteLimits(ctx context.Context, sender int64, inv *store.Invitation, now time.Time) error {
	for _, l := range inviteLimits {
		if l.sms && inv.Phone == "" {
			continue
		}
		id := inv.SchoolID
		if l.perSender {
			id = sender
		}
		w, err := store.InvitationsSince(ctx, a.db.R, l.perSender, id, now.Add(-inviteWindow), l.sms)
		if err != nil {
			return err
		}
		if w.Count >= l.max {
			return &RateLimitError{RetryAfter: max(w.Oldest.Add(inviteWindow).Sub(now), time.Second)}
		}
	}
	return nil
}

// InvitationInfo is what the person holding a link may learn before
// accepting it: who invited them, to which school, as what, and the
// address it was sent to (to fill in the sign-up form). The student's name
// is not shown: a mistyped address must not tell a stranger about a child.
type InvitationInfo struct {
	Kind        string
	SchoolName  string
	InviterName string
	Email       string
	ExpiresAt   time.Time
}

// OpenInvitation looks up an invitation link: ErrNotFound for no such
// link, a RefusedError (ErrGone) for one used or expired.
func (a *App) OpenInvitation(ctx context.Context, token string) (*InvitationInfo, error) {
	inv, err := a.openInvitation(ctx, a.db.R, token)
	if err != nil {
		return nil, err
	}
	info := &InvitationInfo{Kind: inv.Kind, Email: inv.Email, ExpiresAt: inv.ExpiresAt}
	school, err := store.SchoolByID(ctx, a.db.R, inv.SchoolID)
	if err != nil {
		return nil, err
	}
	info.SchoolName = school.Name
	if inv.InvitedBy != 0 {
		if u, err := store.UserByID(ctx, a.db.R, inv.InvitedBy); err == nil {
			info.InviterName = u.DisplayName()
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return info, nil
}

func (a *App) openInvitation(ctx context.Context, q db.Querier, token string) (*store.Invitation, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 128 {
		return nil, ErrNotFound
	}
	inv, err := store.InvitationByToken(ctx, q, HashToken(token))
	if err != nil {
		return nil, err
	}
	switch {
	case inv.AcceptedAt != nil:
		return nil, refused("invite.used", ErrGone)
	case !a.Now().Before(inv.ExpiresAt):
		return nil, refused("invite.expired", ErrGone)
	}
	return inv, nil
}

// Accepted says what accepting an invitation did.
type Accepted struct {
	Kind      string
	SchoolID  int64
	StudentID int64 // parent invitations: the child now connected
}

// AcceptInvitation spends an invitation for the logged-in person: a
// teacher's makes them active staff of the school (not yet verified by a
// leader), a parent's connects them to the student. The link works once.
func (a *App) AcceptInvitation(ctx context.Context, s *Session, token string) (*Accepted, error) {
	return a.acceptInvitation(ctx, s.User, token)
}

func (a *App) acceptInvitation(ctx context.Context, u *store.User, token string) (*Accepted, error) {
	now := a.Now()
	var out *Accepted
	err := a.db.Tx(ctx, func(tx db.Querier) error {
		inv, err := a.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		switch {
		case inv.Kind == store.InviteTeacher && u.Kind != store.KindTeacher && u.Kind != store.KindLeader:
			return refused("invite.needs_teacher_account", ErrForbidden)
		case inv.Kind == store.InviteParent && u.Kind != store.KindParent:
			return refused("invite.needs_parent_account", ErrForbidden)
		}
		ok, err := store.UseInvitation(ctx, tx, inv.ID, u.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return refused("invite.used", ErrGone)
		}
		out = &Accepted{Kind: inv.Kind, SchoolID: inv.SchoolID, StudentID: inv.StudentID}
		if inv.Kind == store.InviteTeacher {
			err = joinByInvitation(ctx, tx, inv.SchoolID, u.ID, now)
		} else {
			err = a.connectByInvitation(ctx, tx, inv, u.ID, now)
		}
		if err != nil {
			return err
		}
		// Opening the emailed link proves the address, as a verification
		// link would.
		if inv.Email != "" && inv.Email == u.Email && u.EmailVerifiedAt == nil {
			if err := store.MarkEmailVerified(ctx, tx, u.ID, now); err != nil {
				return err
			}
			u.EmailVerifiedAt = &now
		}
		return nil
	})
	// The link stays unused: it may have reached the wrong person of a
	// family, and the right one can still accept it.
	var cr *connectRefused
	if errors.As(err, &cr) {
		if err := a.refusedConnection(ctx, cr, "invitation"); err != nil {
			return nil, err
		}
		return nil, refused("custody.cannot_connect", ErrForbidden)
	}
	return out, err
}

// joinByInvitation makes an invited teacher active staff; a colleague's
// invitation does not verify them (a leader does).
func joinByInvitation(ctx context.Context, q db.Querier, schoolID, userID int64, now time.Time) error {
	m, err := store.MembershipOf(ctx, q, schoolID, userID)
	switch {
	case errors.Is(err, ErrNotFound):
		return store.AddMembership(ctx, q, &store.Membership{SchoolID: schoolID, UserID: userID, Role: store.RoleTeacher,
			Status: store.MemberActive, CreatedAt: now})
	case err != nil:
		return err
	case m.Status == store.MemberPending:
		m.Status = store.MemberActive
		return store.UpdateMembership(ctx, q, m)
	}
	return nil
}

func (a *App) connectByInvitation(ctx context.Context, q db.Querier, inv *store.Invitation, parentID int64, now time.Time) error {
	st, err := store.StudentByID(ctx, q, inv.StudentID)
	if err != nil {
		return err
	}
	if st.LeftAt != nil {
		return refused("invite.expired", ErrGone)
	}
	if err := a.refuseConnection(ctx, q, st, parentID); err != nil {
		return err
	}
	children, err := store.ChildIDs(ctx, q, parentID)
	if err != nil {
		return err
	}
	if _, ok := children[st.ID]; ok {
		return nil
	}
	return store.AddGuardian(ctx, q, st.SchoolID, st.ID, parentID, now)
}

// SignUpWithInvitation creates an account from an invitation link and
// accepts it: a parent invitation makes a parent account, a teacher
// invitation a teacher's (or a leader's, if asked). It checks the link
// first, so a dead link creates no account. When the address is the one
// the link was emailed to, it counts as verified.
func (a *App) SignUpWithInvitation(ctx context.Context, in Signup, token string) (string, *store.User, *Accepted, error) {
	inv, err := a.openInvitation(ctx, a.db.R, token)
	if err != nil {
		return "", nil, nil, err
	}
	if inv.Kind == store.InviteParent {
		in.Kind = store.KindParent
	} else if in.Kind != store.KindLeader {
		in.Kind = store.KindTeacher
	}
	in.ProvenEmail = inv.Email
	sessionToken, u, err := a.SignUp(ctx, in)
	if err != nil {
		return "", nil, nil, err
	}
	acc, err := a.acceptInvitation(ctx, u, token)
	return sessionToken, u, acc, err
}
