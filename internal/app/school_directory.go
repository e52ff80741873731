package app

import (
	"context"
	"errors"
	"strings"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Directory is a school's School Directory as one person may see it.
type Directory struct {
	School *store.School
	Access store.SchoolAccess
	// Full: the caller sees staff and students (leaders, verified
	// teachers). Without it they see only the school and their own place.
	Full bool
	// Manage: the caller is a leader and may act on staff and settings.
	Manage bool
	// Confirm: the caller may confirm an unverified school.
	Confirm bool
	// Invite: the caller may invite teachers (active staff with a verified
	// email); SMS: text-message invitations are possible.
	Invite bool
	SMS    bool
	Me     store.Membership
	Staff  []store.StaffMember // active staff
	// Pending are join requests waiting for a leader (leaders only).
	Pending  []store.StaffMember
	Students []store.SchoolStudent
}

// SchoolDirectory returns a school's directory for its staff: everything
// for leaders, read-only for verified teachers, and only the school and
// their own standing for staff the school has not confirmed yet. Anyone
// else gets ErrNotFound.
func (a *App) SchoolDirectory(ctx context.Context, s *Session, schoolID int64) (*Directory, error) {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	d := &Directory{
		Full: authz.CanViewDirectory(s.Actor, schoolID), Manage: authz.CanManageStaff(s.Actor, schoolID),
		Confirm: authz.CanConfirmSchool(s.Actor, schoolID), Invite: authz.CanInviteTeacher(s.Actor, schoolID), SMS: a.SMSEnabled(),
	}
	var err error
	if d.School, err = store.SchoolByID(ctx, a.db.R, schoolID); err != nil {
		return nil, err
	}
	if d.Access, err = store.SchoolAccessOf(ctx, a.db.R, schoolID); err != nil {
		return nil, err
	}
	me, err := store.MembershipOf(ctx, a.db.R, schoolID, s.User.ID)
	if err != nil {
		return nil, err
	}
	d.Me = *me
	if !d.Full {
		return d, nil
	}
	staff, err := store.StaffOfSchool(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	for _, m := range staff {
		switch {
		case m.Status == store.MemberActive:
			d.Staff = append(d.Staff, m)
		case d.Manage:
			d.Pending = append(d.Pending, m)
		}
	}
	d.Students, err = store.DirectoryStudents(ctx, a.db.R, schoolID)
	return d, err
}

// mustManageStaff is a leader's check: 404 for people who cannot know the
// school, 403 for its other staff.
func mustManageStaff(s *Session, schoolID int64) error {
	switch {
	case authz.CanManageStaff(s.Actor, schoolID):
		return nil
	case authz.CanViewSchool(s.Actor, schoolID):
		return ErrForbidden
	}
	return ErrNotFound
}

// ApproveMember lets a waiting join request in, or confirms an active
// member of staff the school had not verified (someone invited by a
// colleague, or who added the school). Both verify them: the leader says
// they work here. Approving twice changes nothing.
func (a *App) ApproveMember(ctx context.Context, s *Session, schoolID, userID int64) (*store.Membership, error) {
	if err := mustManageStaff(s, schoolID); err != nil {
		return nil, err
	}
	now := a.Now()
	var m *store.Membership
	err := a.db.Tx(ctx, func(tx db.Querier) error {
		var err error
		if m, err = store.MembershipOf(ctx, tx, schoolID, userID); err != nil {
			return err
		}
		if m.Status == store.MemberActive && m.VerifiedAt != nil {
			return nil
		}
		m.Status = store.MemberActive
		if m.VerifiedAt == nil {
			m.VerifiedAt = &now
		}
		return store.UpdateMembership(ctx, tx, m)
	})
	return m, err
}

// DeclineMember turns down a join request. Staff already in are removed
// with RemoveMember instead.
func (a *App) DeclineMember(ctx context.Context, s *Session, schoolID, userID int64) error {
	if err := mustManageStaff(s, schoolID); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		m, err := store.MembershipOf(ctx, tx, schoolID, userID)
		if err != nil {
			return err
		}
		if m.Status != store.MemberPending {
			return refused("directory.not_pending", ErrConflict)
		}
		return store.DeleteMembership(ctx, tx, schoolID, userID)
	})
}

// RemoveMember ends a member of staff's place at the school; they keep
// their account. A class they taught alone goes to heir, another member
// of staff the leader picks, so no class is left without a teacher (heir
// may be 0 when there is no such class). The school's last leader cannot
// be removed, by others or themself.
func (a *App) RemoveMember(ctx context.Context, s *Session, schoolID, userID, heir int64) error {
	if err := mustManageStaff(s, schoolID); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		m, err := store.MembershipOf(ctx, tx, schoolID, userID)
		if err != nil {
			return err
		}
		if m.Status == store.MemberActive && m.Role == store.RoleLeader {
			if err := lastLeaderGuard(ctx, tx, schoolID); err != nil {
				return err
			}
		}
		alone, err := store.ClassesTaughtAlone(ctx, tx, schoolID, userID)
		if err != nil {
			return err
		}
		if heir != 0 || len(alone) > 0 {
			h, err := store.MembershipOf(ctx, tx, schoolID, heir)
			switch {
			case heir == 0:
				v := &ValidationError{}
				v.Add("heir", "directory.heir_required")
				return v
			case errors.Is(err, ErrNotFound) || (err == nil && (h.Status != store.MemberActive || heir == userID)):
				v := &ValidationError{}
				v.Add("heir", "directory.heir_invalid")
				return v
			case err != nil:
				return err
			}
		}
		if err := store.HandOverClasses(ctx, tx, schoolID, userID, heir, alone, a.Now()); err != nil {
			return err
		}
		return store.DeleteMembership(ctx, tx, schoolID, userID)
	})
}

// lastLeaderGuard refuses a change that would leave a school without an
// active leader, since nobody could then approve anyone.
func lastLeaderGuard(ctx context.Context, q db.Querier, schoolID int64) error {
	n, err := store.ActiveLeaderCount(ctx, q, schoolID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return refused("directory.last_leader", ErrConflict)
	}
	return nil
}

// SetLeader grants or revokes leader rights of an active member of staff.
// Granting them verifies the person too. The last leader keeps theirs.
func (a *App) SetLeader(ctx context.Context, s *Session, schoolID, userID int64, leader bool) (*store.Membership, error) {
	if err := mustManageStaff(s, schoolID); err != nil {
		return nil, err
	}
	now := a.Now()
	var m *store.Membership
	err := a.db.Tx(ctx, func(tx db.Querier) error {
		var err error
		if m, err = store.MembershipOf(ctx, tx, schoolID, userID); err != nil {
			return err
		}
		if m.Status != store.MemberActive {
			return refused("directory.not_active", ErrConflict)
		}
		switch {
		case leader && m.Role != store.RoleLeader:
			m.Role = store.RoleLeader
			if m.VerifiedAt == nil {
				m.VerifiedAt = &now
			}
		case !leader && m.Role == store.RoleLeader:
			if err := lastLeaderGuard(ctx, tx, schoolID); err != nil {
				return err
			}
			m.Role = store.RoleTeacher
		default:
			return nil
		}
		return store.UpdateMembership(ctx, tx, m)
	})
	return m, err
}

// publicMailDomains are webmail providers anyone can get an address at:
// approving everyone on one would let anyone in.
var publicMailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"msn.com": true, "yahoo.com": true, "ymail.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"aol.com": true, "proton.me": true, "protonmail.com": true, "gmx.com": true, "gmx.de": true, "gmx.net": true,
	"web.de": true, "mail.com": true, "yandex.com": true, "yandex.ru": true, "mail.ru": true, "qq.com": true,
	"163.com": true, "zoho.com": true, "fastmail.com": true, "orange.fr": true, "free.fr": true, "laposte.net": true,
	"hotmail.fr": true, "yahoo.fr": true, "outlook.es": true, "hotmail.es": true, "yahoo.es": true, "tutanota.com": true,
}

// normalizeDomain checks an email domain a leader typed ("@school.org"
// and "School.org" both mean school.org) and returns its problem key.
func normalizeDomain(s string) (string, string) {
	d := strings.ToLower(strings.TrimSpace(s))
	d = strings.TrimPrefix(d, "@")
	if d == "" {
		return "", ""
	}
	if key := checkEmail("x@" + d); key != "" || len(d) > 253 || strings.HasPrefix(d, ".") || strings.Contains(d, "..") {
		return d, "directory.domain_invalid"
	}
	if publicMailDomains[d] {
		return d, "directory.domain_public"
	}
	return d, ""
}

// SchoolAccess returns a school's access settings, for its leaders.
func (a *App) SchoolAccess(ctx context.Context, s *Session, schoolID int64) (store.SchoolAccess, error) {
	if err := mustManageStaff(s, schoolID); err != nil {
		return store.SchoolAccess{}, err
	}
	return store.SchoolAccessOf(ctx, a.db.R, schoolID)
}

// SetSchoolAccess changes how people join a school and whether its staff
// must use two-factor login. A leader turns two-factor on for themself
// before requiring it of everyone, so the setting never locks them out of
// the page where it is turned off again.
func (a *App) SetSchoolAccess(ctx context.Context, s *Session, schoolID int64, in store.SchoolAccess) (store.SchoolAccess, error) {
	if err := mustManageStaff(s, schoolID); err != nil {
		return store.SchoolAccess{}, err
	}
	v := &ValidationError{}
	var key string
	if in.EmailDomain, key = normalizeDomain(in.EmailDomain); key != "" {
		v.Add("email_domain", key)
	}
	if in.RequireTwoFactor && s.User.TOTPEnabledAt == nil {
		v.Add("require_two_factor", "directory.twofa_self_first")
	}
	if err := v.Err(); err != nil {
		return store.SchoolAccess{}, err
	}
	return in, store.SetSchoolAccess(ctx, a.db.W, schoolID, in)
}

// ConfirmSchool marks a school someone added as real and described
// correctly; verified leaders of it may, since the school confirmed them.
func (a *App) ConfirmSchool(ctx context.Context, s *Session, schoolID int64) error {
	if !authz.CanConfirmSchool(s.Actor, schoolID) {
		if authz.CanViewSchool(s.Actor, schoolID) {
			return ErrForbidden
		}
		return ErrNotFound
	}
	return store.SetSchoolVerified(ctx, a.db.W, schoolID)
}

// StaffMember is one person's row of the School Directory (as an approval
// or a change of leader rights leaves it), for those who see the directory.
func (a *App) StaffMember(ctx context.Context, s *Session, schoolID, userID int64) (*store.StaffMember, error) {
	if !authz.CanViewDirectory(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	return store.StaffMemberOf(ctx, a.db.R, schoolID, userID)
}
