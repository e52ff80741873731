package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Custody restrictions and eligible students (privacy requirements DSR-4
// and ACL-6).
//
// A school leader blocks a named parent account from a student: the link
// is cut at once, and from then on the account cannot connect again by
// any path. The blocked person is told only that the connection cannot be
// made and to contact the school — the same words a parent of an eligible
// student hears when the deployment ends parents' access — so the answer
// does not reveal a restriction, its reason, or who asked for it. Teachers
// learn only that a person cannot be invited to a student; the leaders see
// the block, its reason and the refused attempts.
//
// A school leader records that a student holds their own rights (an
// "eligible student"). The student then exports and asks to correct their
// own records; what parents keep is the deployment's choice
// (CUBBY_ELIGIBLE_PARENT_ACCESS, authz.ParentAccess).
//
// Both are honoured where the actor is built (loadActor): a parent's
// children are their links less those a block or the end of parents'
// rights cuts, so every access check that asks about a child — records,
// reports, live points, export, corrections, the access log — follows
// from the next request on, and open live streams are closed so they
// reconnect under the new rules.

// parentAccess is the deployment's rule for parents of eligible students.
func (a *App) parentAccess() authz.ParentAccess {
	return authz.ParentAccessOf(a.Deployment().EligibleParentAccess)
}

// childrenOf is the students a parent acts for (authz.ChildrenOf).
func (a *App) childrenOf(ctx context.Context, q db.Querier, parentID int64) (map[int64]int64, error) {
	links, err := store.ChildLinks(ctx, q, parentID)
	if err != nil {
		return nil, err
	}
	in := make([]authz.ChildLink, len(links))
	for i, l := range links {
		in[i] = authz.ChildLink{StudentID: l.StudentID, SchoolID: l.SchoolID, Eligible: l.EligibleSince != nil, Blocked: l.Blocked}
	}
	return authz.ChildrenOf(in, a.parentAccess()), nil
}

// familyChildren lists, with names, the students a parent acts for: the
// children on their home page, in their export and access log.
func (a *App) familyChildren(ctx context.Context, s *Session) ([]store.Student, error) {
	all, err := store.ChildrenOfParent(ctx, a.db.R, s.User.ID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(st store.Student) bool {
		_, ok := s.Actor.Children[st.ID]
		return !ok
	}), nil
}

// actsFor reports whether an account may still act for a student (a
// parent not blocked and not cut off, or the eligible student), by
// building the account's actor as its next request would.
func (a *App) actsFor(ctx context.Context, userID, studentID int64) (bool, error) {
	u, err := store.UserByID(ctx, a.db.R, userID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	actor, err := a.loadActor(ctx, u)
	if err != nil {
		return false, err
	}
	return u.DisabledAt == nil && authz.CanRequestCorrection(actor, studentID), nil
}

// connectRefused is why a parent account may not be connected to a
// student: a block in force (BlockID), or an eligible student whose
// parents the deployment cuts off.
type connectRefused struct {
	BlockID      int64
	EmailBlockID int64 // a block on the account's address (guardian_email_blocks)
	Student      *store.Student
}

func (e *connectRefused) Error() string { return "connection refused" }

// refuseConnection returns a *connectRefused when parentID may not be
// connected to st, else nil.
func (a *App) refuseConnection(ctx context.Context, q db.Querier, st *store.Student, parentID int64) error {
	id, err := store.ActiveBlockID(ctx, q, st.ID, parentID)
	if err != nil {
		return err
	}
	if id != 0 {
		return &connectRefused{BlockID: id, Student: st}
	}
	if u, err := store.UserByID(ctx, q, parentID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	} else if err == nil && u.Email != "" {
		id, err := store.ActiveEmailBlockID(ctx, q, st.ID, u.Email)
		if err != nil {
			return err
		}
		if id != 0 {
			return &connectRefused{EmailBlockID: id, Student: st}
		}
	}
	since, err := store.EligibleSince(ctx, q, st.ID)
	if err != nil {
		return err
	}
	if since != nil && a.parentAccess() != authz.ParentAccessKeep {
		return &connectRefused{Student: st}
	}
	return nil
}

// refusedConnection records a refused attempt of a blocked account (the
// leaders see the count; the audit log the event). The audit entry names
// no actor or subject, so it never reaches the blocked person's export or
// a family's access log. The person is told "custody.cannot_connect".
func (a *App) refusedConnection(ctx context.Context, cr *connectRefused, via string) error {
	if cr.BlockID == 0 && cr.EmailBlockID == 0 {
		return nil
	}
	now := a.Now()
	return a.db.Tx(ctx, func(tx db.Querier) error {
		detail := fmt.Sprintf("guardian block %d: connection refused (%s)", cr.BlockID, via)
		if cr.EmailBlockID != 0 {
			if err := store.NoteRefusedEmail(ctx, tx, cr.EmailBlockID, now); err != nil {
				return err
			}
			detail = fmt.Sprintf("address block %d: connection refused (%s)", cr.EmailBlockID, via)
		} else if err := store.NoteRefusedConnection(ctx, tx, cr.BlockID, now); err != nil {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: cr.Student.SchoolID, ActorRole: store.KindParent, Action: store.AuditCustody,
			Detail: detail})
	})
}

// custodyStudent loads a student for a custody decision by the school's
// leaders: ErrForbidden for the school's other staff, ErrNotFound for
// everyone else.
func (a *App) custodyStudent(ctx context.Context, s *Session, studentID int64) (*store.Student, error) {
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return nil, err
	}
	if authz.CanManageCustody(s.Actor, st.SchoolID) {
		return st, nil
	}
	if authz.CanViewSchool(s.Actor, st.SchoolID) {
		return nil, ErrForbidden
	}
	return nil, ErrNotFound
}

// GuardianAccess is a parent connected to a student and whether the link
// gives access now.
type GuardianAccess struct {
	store.Guardian
	HasAccess bool
}

// FamilyAccess is what a school's leaders see and manage about who may
// act for a student.
type FamilyAccess struct {
	Student       *store.Student
	EligibleSince *time.Time
	// Policy is the deployment's rule for parents of eligible students.
	Policy    authz.ParentAccess
	Guardians []GuardianAccess
	// Blocks in force first, then lifted ones (the school's history).
	Blocks []store.GuardianBlock
	// Requesters are the people a leader may file a correction for: the
	// guardians with access and the student, if eligible.
	Requesters []Requester
}

// Requester is someone a leader may file a request for.
type Requester struct {
	UserID int64
	Name   string
	Self   bool // the student themself
}

// Active lists the blocks in force.
func (f *FamilyAccess) Active() []store.GuardianBlock {
	var out []store.GuardianBlock
	for _, b := range f.Blocks {
		if b.Active() {
			out = append(out, b)
		}
	}
	return out
}

// FamilyAccessOf returns a student's parents, blocks and eligibility, for
// the school's leaders.
func (a *App) FamilyAccessOf(ctx context.Context, s *Session, studentID int64) (*FamilyAccess, error) {
	st, err := a.custodyStudent(ctx, s, studentID)
	if err != nil {
		return nil, err
	}
	f := &FamilyAccess{Student: st, Policy: a.parentAccess()}
	if f.EligibleSince, err = store.EligibleSince(ctx, a.db.R, st.ID); err != nil {
		return nil, err
	}
	guardians, err := store.GuardiansOf(ctx, a.db.R, st.ID)
	if err != nil {
		return nil, err
	}
	cut := f.EligibleSince != nil && f.Policy != authz.ParentAccessKeep
	for _, g := range guardians {
		f.Guardians = append(f.Guardians, GuardianAccess{Guardian: g, HasAccess: !cut})
		if !cut {
			f.Requesters = append(f.Requesters, Requester{UserID: g.UserID, Name: strings.TrimSpace(g.FirstName + " " + g.LastName)})
		}
	}
	if f.EligibleSince != nil {
		f.Requesters = append(f.Requesters, Requester{UserID: st.UserID, Name: strings.TrimSpace(st.FirstName + " " + st.LastName), Self: true})
	}
	if f.Blocks, err = store.GuardianBlocksOf(ctx, a.db.R, st.ID); err != nil {
		return nil, err
	}
	byEmail, err := store.EmailBlocksOf(ctx, a.db.R, st.ID)
	if err != nil {
		return nil, err
	}
	f.Blocks = append(f.Blocks, byEmail...)
	slices.SortStableFunc(f.Blocks, func(x, y store.GuardianBlock) int {
		if x.Active() != y.Active() {
			if x.Active() {
				return -1
			}
			return 1
		}
		return y.CreatedAt.Compare(x.CreatedAt)
	})
	return f, nil
}

// BlockInput is a leader's custody block.
type BlockInput struct {
	GuardianID int64
	Reason     string // one of store.BlockReasons
	Note       string // optional: where the school keeps the order, until when
}

// maxBlockNote bounds the note: a reference, not the case file.
const maxBlockNote = 500

// BlockGuardian records that a parent connected to a student must not
// have access to them, and cuts the link at once. Only a connected parent
// can be blocked (the form lists them).
func (a *App) BlockGuardian(ctx context.Context, s *Session, studentID int64, in BlockInput) (*store.GuardianBlock, error) {
	st, err := a.custodyStudent(ctx, s, studentID)
	if err != nil {
		return nil, err
	}
	v := &ValidationError{}
	in.Note = strings.TrimSpace(in.Note)
	if in.GuardianID <= 0 {
		v.Add("guardian_id", "custody.pick_guardian")
	}
	if !slices.Contains(store.BlockReasons, in.Reason) {
		v.Add("reason", "custody.reason_invalid")
	}
	if utf8.RuneCountInString(in.Note) > maxBlockNote {
		v.Add("note", "validation.too_long", "max", maxBlockNote)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	b := &store.GuardianBlock{SchoolID: st.SchoolID, StudentID: st.ID, GuardianID: in.GuardianID, Reason: in.Reason, Note: in.Note,
		CreatedBy: s.User.ID, CreatedAt: a.Now()}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		linked, err := store.IsGuardian(ctx, tx, st.ID, in.GuardianID)
		if err != nil {
			return err
		}
		if !linked {
			v.Add("guardian_id", "custody.not_linked")
			return v
		}
		if err := store.AddGuardianBlock(ctx, tx, b); err != nil {
			return err
		}
		if _, err := store.RemoveGuardian(ctx, tx, st.ID, in.GuardianID); err != nil {
			return err
		}
		// The blocked person knows the parent code and could use it from
		// another account: a new code replaces it. Parents still
		// connected stay connected; the class's teachers see the new code.
		if err := store.SetParentCode(ctx, tx, st.ID, NewCode(8)); err != nil {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditCustody,
			Detail: fmt.Sprintf("guardian block %d made (%s): parent account %d disconnected from student %d, parent code replaced", b.ID, b.Reason, in.GuardianID, st.ID)})
	})
	if err != nil {
		return nil, err
	}
	a.accessChanged(st.ID, in.GuardianID)
	return store.GuardianBlockByID(ctx, a.db.R, b.ID, st.ID)
}

// LiftGuardianBlock ends a block: the parent may connect again (with the
// parent code or an invitation); it does not reconnect them by itself.
func (a *App) LiftGuardianBlock(ctx context.Context, s *Session, studentID, blockID int64) (*store.GuardianBlock, error) {
	return a.liftBlock(ctx, s, studentID, blockID, false)
}

// EmailBlockInput is a leader's custody block on an email address, for a
// person who has not connected (a court order received at enrolment).
type EmailBlockInput struct {
	Email  string
	Reason string // one of store.BlockReasons
	Note   string
}

// BlockEmail records that no account with this address may reach the
// student: the parent code and invitations refuse it from now on, and an
// account with it that is connected is disconnected at once. The student
// gets a new parent code, as with a block on an account.
func (a *App) BlockEmail(ctx context.Context, s *Session, studentID int64, in EmailBlockInput) (*store.GuardianBlock, error) {
	st, err := a.custodyStudent(ctx, s, studentID)
	if err != nil {
		return nil, err
	}
	v := &ValidationError{}
	email, note := normalizeEmail(in.Email), strings.TrimSpace(in.Note)
	if key := checkEmail(email); key != "" {
		v.Add("email", key)
	}
	if !slices.Contains(store.BlockReasons, in.Reason) {
		v.Add("reason", "custody.reason_invalid")
	}
	if utf8.RuneCountInString(note) > maxBlockNote {
		v.Add("note", "validation.too_long", "max", maxBlockNote)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	b := &store.GuardianBlock{SchoolID: st.SchoolID, StudentID: st.ID, GuardianEmail: email, Reason: in.Reason, Note: note,
		CreatedBy: s.User.ID, CreatedAt: a.Now()}
	var cut []int64
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if id, err := store.ActiveEmailBlockID(ctx, tx, st.ID, email); err != nil {
			return err
		} else if id != 0 {
			v.Add("email", "custody.email_already_blocked")
			return v
		}
		if err := store.AddEmailBlock(ctx, tx, b); err != nil {
			return err
		}
		if cut, err = store.GuardiansWithEmail(ctx, tx, st.ID, email); err != nil {
			return err
		}
		for _, id := range cut {
			if _, err := store.RemoveGuardian(ctx, tx, st.ID, id); err != nil {
				return err
			}
		}
		if err := store.SetParentCode(ctx, tx, st.ID, NewCode(8)); err != nil {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditCustody,
			Detail: fmt.Sprintf("address block %d made (%s) for student %d: %d connected account(s) disconnected, parent code replaced", b.ID, b.Reason, st.ID, len(cut))})
	})
	if err != nil {
		return nil, err
	}
	a.accessChanged(st.ID, cut...)
	return store.EmailBlockByID(ctx, a.db.R, b.ID, st.ID)
}

// LiftEmailBlock ends a block on an address: accounts with it may connect
// again; it reconnects no one by itself.
func (a *App) LiftEmailBlock(ctx context.Context, s *Session, studentID, blockID int64) (*store.GuardianBlock, error) {
	return a.liftBlock(ctx, s, studentID, blockID, true)
}

// liftBlock lifts a block on an account or, byEmail, on an address; the
// block stays listed as lifted, and the lift is audited.
func (a *App) liftBlock(ctx context.Context, s *Session, studentID, blockID int64, byEmail bool) (*store.GuardianBlock, error) {
	st, err := a.custodyStudent(ctx, s, studentID)
	if err != nil {
		return nil, err
	}
	byID, lift := store.GuardianBlockByID, store.LiftGuardianBlock
	if byEmail {
		byID, lift = store.EmailBlockByID, store.LiftEmailBlock
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		b, err := byID(ctx, tx, blockID, st.ID)
		if err != nil {
			return err
		}
		if !b.Active() {
			return refused("custody.already_lifted", ErrConflict)
		}
		if _, err := lift(ctx, tx, b.ID, st.ID, s.User.ID, a.Now()); err != nil {
			return err
		}
		detail := fmt.Sprintf("guardian block %d lifted: parent account %d may connect to student %d again", b.ID, b.GuardianID, st.ID)
		if byEmail {
			detail = fmt.Sprintf("address block %d lifted: the address may connect to student %d again", b.ID, st.ID)
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditCustody,
			Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return byID(ctx, a.db.R, blockID, st.ID)
}

// SetEligible records that a student holds the rights over their own
// records (eligible = true), or undoes a mistaken record. It changes
// nothing when it is already so, and answers the date either way.
func (a *App) SetEligible(ctx context.Context, s *Session, studentID int64, eligible bool) (*time.Time, error) {
	st, err := a.custodyStudent(ctx, s, studentID)
	if err != nil {
		return nil, err
	}
	if st.LeftAt != nil {
		return nil, refused("custody.student_left", ErrConflict)
	}
	guardians, err := store.GuardiansOf(ctx, a.db.R, st.ID)
	if err != nil {
		return nil, err
	}
	var since *time.Time
	detail := "rights returned to the parents (record undone)"
	if eligible {
		now := a.Now()
		since, detail = &now, "rights passed to the student (eligible student); parents' access: "+string(a.parentAccess())
	}
	changed := false
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if changed, err = store.SetEligibleSince(ctx, tx, st.ID, since); err != nil || !changed {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRights,
			SubjectID: st.UserID, Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	if changed {
		var cut []int64
		if eligible && a.parentAccess() != authz.ParentAccessKeep {
			for _, g := range guardians {
				cut = append(cut, g.UserID)
			}
		}
		a.accessChanged(st.ID, cut...)
	}
	return store.EligibleSince(ctx, a.db.R, st.ID)
}

// accessChanged follows a change of who may act for a student. Live
// streams watching the student end, and reconnect under the new rules, so
// a parent just blocked or cut off stops hearing about the child's points
// at once. The archives the parents who lost access had built but not
// downloaded are withdrawn (their link answers "expired"), since they may
// hold the child; a new export leaves the child out.
func (a *App) accessChanged(studentID int64, lostAccess ...int64) {
	if a.Events != nil {
		a.Events.Publish(PointEvent{StudentID: studentID, AccessChanged: true})
	}
	for _, id := range lostAccess {
		a.withdrawArchives(context.Background(), id)
	}
}

// withdrawArchives withdraws the archives a person built but has not
// downloaded: their link answers "expired" and the file is removed.
func (a *App) withdrawArchives(ctx context.Context, userID int64) {
	list, err := store.WithdrawReadyExports(ctx, a.db.W, userID, a.Now())
	if err != nil {
		a.Log.Error("withdraw exports", "err", err)
		return
	}
	for i := range list {
		a.dropExportFile(ctx, &list[i])
	}
}

// CorrectionSubjects lists the students the actor may ask corrections
// about: a parent's children, or an eligible student themself.
func (a *App) CorrectionSubjects(ctx context.Context, s *Session) ([]store.Student, error) {
	switch {
	case s.Actor.Kind == authz.Parent:
		return a.familyChildren(ctx, s)
	case authz.IsEligibleStudent(s.Actor):
		st, err := store.StudentByID(ctx, a.db.R, s.Actor.StudentID)
		if err != nil {
			return nil, err
		}
		return []store.Student{*st}, nil
	}
	return nil, nil
}

// RecordsToFile lists the records of a student a leader may file a
// correction about on someone's behalf: those the family sees.
func (a *App) RecordsToFile(ctx context.Context, s *Session, studentID int64) ([]ChildRecord, error) {
	st, err := a.custodyStudent(ctx, s, studentID)
	if err != nil {
		return nil, err
	}
	if !authz.CanFileOnBehalf(s.Actor, st.SchoolID) {
		return nil, ErrNotFound
	}
	return a.correctableRecords(ctx, st)
}

// FileCorrectionFor files a correction request a parent (or an eligible
// student) made to the school in person, by phone or on paper. The request
// is theirs — they see it and are told the answer — and records the
// leader who wrote it down. The person must hold the right themself.
func (a *App) FileCorrectionFor(ctx context.Context, s *Session, studentID, requesterID int64, table, key, text string) (*store.Correction, error) {
	st, err := a.custodyStudent(ctx, s, studentID)
	if err != nil {
		return nil, err
	}
	v := &ValidationError{}
	text = checkText(v, "request", text)
	if table == "" || key == "" {
		v.Add("record", "custody.pick_record")
	}
	if requesterID <= 0 {
		v.Add("requested_by", "custody.pick_requester")
	} else if ok, err := a.actsFor(ctx, requesterID, st.ID); err != nil {
		return nil, err
	} else if !ok {
		v.Add("requested_by", "custody.requester_no_right")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return a.fileCorrection(ctx, s, st, requesterID, s.User.ID, table, key, text)
}

// parentInviteAllowed refuses, to the staff member inviting, a parent
// invitation that could never connect: to an address whose account is
// blocked from the student (the teacher is told only that this person
// cannot be connected, and to ask a leader; the attempt is audited), or
// to an eligible student whose parents the deployment cuts off.
func (a *App) parentInviteAllowed(ctx context.Context, s *Session, inv *store.Invitation) error {
	v := &ValidationError{}
	since, err := store.EligibleSince(ctx, a.db.R, inv.StudentID)
	if err != nil {
		return err
	}
	if since != nil && a.parentAccess() != authz.ParentAccessKeep {
		v.Add("student_id", "custody.invite_eligible")
		return v
	}
	if inv.Email == "" {
		return nil
	}
	detail := ""
	if id, err := store.ActiveEmailBlockID(ctx, a.db.R, inv.StudentID, inv.Email); err != nil {
		return err
	} else if id != 0 {
		detail = fmt.Sprintf("address block %d: invitation refused", id)
	} else {
		u, err := store.UserByEmail(ctx, a.db.R, inv.Email)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		id, err := store.ActiveBlockID(ctx, a.db.R, inv.StudentID, u.ID)
		if err != nil || id == 0 {
			return err
		}
		detail = fmt.Sprintf("guardian block %d: invitation refused", id)
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: inv.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditCustody,
			Detail: detail})
	})
	if err != nil {
		return err
	}
	v.Add("email", "custody.invite_blocked")
	return v
}

// parentContacts lists who to write to about a child: their parents (a
// blocked one is no longer connected), or no one once the child is an
// eligible student whose parents the deployment cuts off.
func (a *App) parentContacts(ctx context.Context, childUserID int64) ([]store.Contact, error) {
	st, err := store.StudentByUserID(ctx, a.db.R, childUserID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if st != nil && a.parentAccess() != authz.ParentAccessKeep {
		since, err := store.EligibleSince(ctx, a.db.R, st.ID)
		if err != nil || since != nil {
			return nil, err
		}
	}
	return store.ParentContacts(ctx, a.db.R, childUserID)
}
