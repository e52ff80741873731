package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// Restriction of processing (GDPR Art. 18, DSR-9). A parent, or the
// student, asks a school to restrict what it does with the student's
// records, on one of the four grounds of Art. 18(1); a leader of the school
// grants or declines, or sets one directly on a request made on paper, and
// lifts it when the ground is gone. Every step is in the audit log; lifting
// emails the person who obtained the restriction (Art. 18(3)).
//
// While a restriction is in force the records are only stored (Art. 18(2)):
//
//   - they stay visible to the student, their parents and the school's
//     leaders, who must handle the request; teachers no longer see the
//     student's points or reports (authz.CanViewRestrictedRecords);
//   - no new feedback points: naming the student in an award answers 409
//     (RestrictedError), a whole-class award skips them, and the class view
//     shows their tile as restricted instead of their points;
//   - class reports, school summaries and their CSVs leave the student out
//     (points and attendance);
//   - the student's own requests are not counted in usage statistics;
//   - attendance is still taken and kept in the class register: schools
//     must keep one by law, which Art. 18(2) allows as a legal obligation of
//     important public interest;
//   - on the grounds legal_claims and unlawful (the family opposed erasure
//     and asked for restriction instead) the retention job keeps the
//     student's records until the restriction is lifted; on the grounds
//     accuracy and objection records still go when their period ends, which
//     settles the dispute rather than prolonging it.
//
// Product news goes only to adults and never concerns a student, so a
// student's restriction has nothing to stop there.

// The grounds of GDPR Art. 18(1).
const (
	GroundAccuracy    = store.GroundAccuracy    // (a) accuracy contested, while the school checks
	GroundUnlawful    = store.GroundUnlawful    // (b) processing unlawful, restriction wanted instead of erasure
	GroundLegalClaims = store.GroundLegalClaims // (c) the school no longer needs the data, the family needs it for a legal claim
	GroundObjection   = store.GroundObjection   // (d) an objection (Art. 21(1)) is being considered
)

// Grounds lists the grounds in the order of Art. 18(1).
var Grounds = []string{GroundAccuracy, GroundUnlawful, GroundLegalClaims, GroundObjection}

// HoldsRecords reports whether a restriction on ground keeps the student's
// records from the retention job.
func HoldsRecords(ground string) bool { return slices.Contains(store.HoldingGrounds, ground) }

// ErrRestricted says a student's processing is restricted and the reader
// is not among those who still see the records (403 at the edges).
var ErrRestricted = fmt.Errorf("%w: processing of the student's records is restricted", ErrForbidden)

// RestrictedError says some students named in an award have their
// processing restricted: they get no new points (409 at the edges).
type RestrictedError struct{ StudentIDs []int64 }

func (e *RestrictedError) Error() string {
	return fmt.Sprintf("processing restricted for students %v", e.StudentIDs)
}

// RestrictionView is a restriction with the names its readers need.
type RestrictionView struct {
	store.Restriction
	StudentName   string
	RequesterName string
	DeciderName   string
	LifterName    string
	// CanDecide: a waiting request this reader may grant or decline;
	// CanLift: in force, and this reader may lift it.
	CanDecide, CanLift bool
	// HoldsRecords: the retention job keeps the student's records while
	// this restriction is in force.
	HoldsRecords bool
	AnswerBy     time.Time // the legal deadline for an answer
}

// checkRestriction validates a ground and optional words.
func checkRestriction(v *ValidationError, ground, text string) string {
	if !slices.Contains(Grounds, ground) {
		v.Add("ground", "restriction.bad_ground")
	}
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > maxCorrectionText {
		v.Add("request", "validation.too_long", "max", maxCorrectionText)
	}
	return text
}

// AskRestriction files a request by a parent of the student, or the
// student, to restrict the processing of the student's records.
func (a *App) AskRestriction(ctx context.Context, s *Session, studentID int64, ground, text string) (*store.Restriction, error) {
	v := &ValidationError{}
	text = checkRestriction(v, ground, text)
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if errors.Is(err, ErrNotFound) || err == nil && !authz.CanAskRestriction(s.Actor, studentID) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := &store.Restriction{SchoolID: st.SchoolID, StudentID: st.ID, Ground: ground, Status: store.RestrictionRequested,
		Request: text, RequestedBy: s.User.ID, CreatedAt: a.Now()}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.AddRestriction(ctx, tx, r); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRequest,
			SubjectID: st.UserID, Detail: "restriction of processing: " + ground}); err != nil {
			return err
		}
		return a.tellPrivacyRequest(ctx, tx, st, r.ID, s.User.ID)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SetRestriction puts a restriction in force at once: a leader of the
// student's school acting on a request made outside Cubby (on paper, in
// person). text says who asked and how.
func (a *App) SetRestriction(ctx context.Context, s *Session, studentID int64, ground, text string) (*store.Restriction, error) {
	v := &ValidationError{}
	text = checkRestriction(v, ground, text)
	st, ref, err := a.studentRef(ctx, studentID)
	if errors.Is(err, ErrNotFound) || err == nil && !authz.CanDecideRestriction(s.Actor, ref) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	r := &store.Restriction{SchoolID: st.SchoolID, StudentID: st.ID, Ground: ground, Status: store.RestrictionActive,
		Request: text, RequestedBy: s.User.ID, DecidedBy: s.User.ID, CreatedAt: now, DecidedAt: &now}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.AddRestriction(ctx, tx, r); err != nil {
			return err
		}
		return a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRestrict,
			SubjectID: st.UserID, Detail: "restriction in force: " + ground + ", set by the school"})
	})
	if err != nil {
		return nil, err
	}
	a.forgetUsageChoice(st.UserID)
	return r, nil
}

// RestrictProcessing is the one door of the API: a leader of the
// student's school sets a restriction in force, anyone else asks for one
// (and gets ErrNotFound if they may not).
func (a *App) RestrictProcessing(ctx context.Context, s *Session, studentID int64, ground, text string) (*store.Restriction, error) {
	if st, err := store.StudentByID(ctx, a.db.R, studentID); err == nil && authz.CanDecideRestriction(s.Actor, authz.StudentRef{ID: st.ID, SchoolID: st.SchoolID}) {
		return a.SetRestriction(ctx, s, studentID, ground, text)
	}
	return a.AskRestriction(ctx, s, studentID, ground, text)
}

// Restriction returns one restriction to those who may see it.
func (a *App) Restriction(ctx context.Context, s *Session, id int64) (*RestrictionView, error) {
	r, err := store.RestrictionByID(ctx, a.db.R, id)
	if err != nil {
		return nil, err
	}
	list, err := a.restrictionViews(ctx, s, []store.Restriction{*r})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNotFound
	}
	return &list[0], nil
}

// restrictionFor loads a restriction and its student for a leader who
// may decide about it; anyone else gets ErrNotFound.
func (a *App) restrictionFor(ctx context.Context, s *Session, id int64) (*store.Restriction, *store.Student, error) {
	r, err := store.RestrictionByID(ctx, a.db.R, id)
	if err != nil {
		return nil, nil, err
	}
	st, ref, err := a.studentRef(ctx, r.StudentID)
	if err != nil {
		return nil, nil, err
	}
	if !authz.CanDecideRestriction(s.Actor, ref) {
		return nil, nil, ErrNotFound
	}
	return r, st, nil
}

// DecideRestriction grants or declines a waiting request. Declining needs
// a reason. The person who asked is emailed the outcome. A request decided
// meanwhile is ErrConflict.
func (a *App) DecideRestriction(ctx context.Context, s *Session, id int64, grant bool, reason string) error {
	v := &ValidationError{}
	if grant {
		if reason = strings.TrimSpace(reason); utf8.RuneCountInString(reason) > maxCorrectionText {
			v.Add("reason", "validation.too_long", "max", maxCorrectionText)
		}
	} else {
		reason = checkText(v, "reason", reason)
	}
	r, st, err := a.restrictionFor(ctx, s, id)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	status, detail := store.RestrictionDeclined, "restriction declined: "
	if grant {
		status, detail = store.RestrictionActive, "restriction in force: "
	}
	now := a.Now()
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.DecideRestriction(ctx, tx, r.ID, status, s.User.ID, reason, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrConflict
		}
		if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRestrict,
			SubjectID: st.UserID, Detail: detail + r.Ground}); err != nil {
			return err
		}
		return a.tellRestriction(ctx, tx, r, st, "restriction_decided", map[string]any{"Outcome": status}, now)
	})
	if err == nil {
		a.forgetUsageChoice(st.UserID)
	}
	return err
}

// LiftRestriction ends a restriction in force, with a reason. The person
// who obtained it is emailed in the same transaction (Art. 18(3)); a
// restriction not in force (lifted already) is ErrConflict.
func (a *App) LiftRestriction(ctx context.Context, s *Session, id int64, reason string) error {
	v := &ValidationError{}
	reason = checkText(v, "reason", reason)
	r, st, err := a.restrictionFor(ctx, s, id)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	now := a.Now()
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.LiftRestriction(ctx, tx, r.ID, s.User.ID, reason, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrConflict
		}
		if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: st.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s), Action: store.AuditRestrict,
			SubjectID: st.UserID, Detail: "restriction lifted: " + r.Ground}); err != nil {
			return err
		}
		return a.tellRestriction(ctx, tx, r, st, "restriction_lifted", nil, now)
	})
	if err == nil {
		a.forgetUsageChoice(st.UserID)
	}
	return err
}

// tellRestriction emails the person who asked for a restriction. When they
// cannot be written to — a student without an address, an account since
// closed, or a leader who recorded a request made on paper — the student's
// parents are told instead, so the family always hears of it.
func (a *App) tellRestriction(ctx context.Context, q db.Querier, r *store.Restriction, st *store.Student, template string, data map[string]any, now time.Time) error {
	var to []store.Contact
	if u, err := store.UserByID(ctx, q, r.RequestedBy); err == nil && u.Email != "" && u.Kind != store.KindLeader && u.Kind != store.KindTeacher {
		to = append(to, store.Contact{Email: u.Email, Language: u.Language})
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if len(to) == 0 {
		parents, err := a.parentContacts(ctx, st.UserID) // not parents an eligible student cut off
		if err != nil {
			return err
		}
		to = parents
	}
	for _, c := range to {
		d := map[string]any{"ChildName": st.FirstName, "Link": a.BaseURL + "/privacy/restrictions?student=" + strconv.FormatInt(st.ID, 10)}
		for k, v := range data {
			d[k] = v
		}
		if err := a.mail(ctx, q, notify.Email{To: c.Email, Lang: c.Language, Template: template, SchoolID: st.SchoolID, Data: d}, now); err != nil {
			return err
		}
	}
	return nil
}

// forgetUsageChoice drops a person's cached usage choice, so a restriction
// (or its end) changes whether they are counted at once.
func (a *App) forgetUsageChoice(userID int64) {
	r := a.rec()
	r.mu.Lock()
	delete(r.optOut, userID)
	r.mu.Unlock()
}

// Restrictions lists what the actor may see: for a parent, their
// children's; for a student, their own; for a leader, their schools'
// (waiting first, then in force). Teachers see none: the class view tells
// them only that a student is restricted.
func (a *App) Restrictions(ctx context.Context, s *Session) ([]RestrictionView, error) {
	var list []store.Restriction
	var err error
	switch {
	case s.Actor.Kind == authz.Parent:
		var ids []int64
		for id := range s.Actor.Children {
			ids = append(ids, id)
		}
		list, err = store.RestrictionsOfStudents(ctx, a.db.R, ids)
	case s.Actor.Kind == authz.Student && s.Actor.StudentID != 0:
		list, err = store.RestrictionsOfStudents(ctx, a.db.R, []int64{s.Actor.StudentID})
	default:
		for _, school := range s.Actor.SchoolIDs() {
			if !s.Actor.IsLeaderOf(school) {
				continue
			}
			more, err := store.RestrictionsOfSchool(ctx, a.db.R, school)
			if err != nil {
				return nil, err
			}
			list = append(list, more...)
		}
	}
	if err != nil {
		return nil, err
	}
	return a.restrictionViews(ctx, s, list)
}

// RestrictionsOf lists one student's restrictions for those who may see
// them (ErrNotFound for anyone else).
func (a *App) RestrictionsOf(ctx context.Context, s *Session, studentID int64) ([]RestrictionView, error) {
	_, ref, err := a.studentRef(ctx, studentID)
	if err != nil {
		return nil, err
	}
	if !authz.CanSeeRestriction(s.Actor, ref) {
		return nil, ErrNotFound
	}
	list, err := store.RestrictionsOfStudents(ctx, a.db.R, []int64{studentID})
	if err != nil {
		return nil, err
	}
	return a.restrictionViews(ctx, s, list)
}

func (a *App) restrictionViews(ctx context.Context, s *Session, list []store.Restriction) ([]RestrictionView, error) {
	names := map[int64]string{}
	name := func(id int64) string {
		if n, ok := names[id]; ok || id == 0 {
			return n
		}
		if u, err := store.UserByID(ctx, a.db.R, id); err == nil {
			names[id] = u.DisplayName()
		}
		return names[id]
	}
	var out []RestrictionView
	for _, r := range list {
		st, ref, err := a.studentRef(ctx, r.StudentID)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		if !authz.CanSeeRestriction(s.Actor, ref) {
			continue
		}
		leader := authz.CanDecideRestriction(s.Actor, ref)
		out = append(out, RestrictionView{Restriction: r, StudentName: st.FirstName + " " + st.LastName,
			RequesterName: name(r.RequestedBy), DeciderName: name(r.DecidedBy), LifterName: name(r.LiftedBy),
			CanDecide: leader && r.Status == store.RestrictionRequested, CanLift: leader && r.Status == store.RestrictionActive,
			HoldsRecords: HoldsRecords(r.Ground), AnswerBy: privacy.AnswerBy(r.CreatedAt)})
	}
	return out, nil
}

// RestrictionSubjects lists the students the actor may ask about: a
// parent's children, or the student themself.
func (a *App) RestrictionSubjects(ctx context.Context, s *Session) ([]store.Student, error) {
	switch {
	case s.Actor.Kind == authz.Parent:
		return a.Children(ctx, s)
	case s.Actor.Kind == authz.Student && s.Actor.StudentID != 0:
		st, err := store.StudentByID(ctx, a.db.R, s.Actor.StudentID)
		if err != nil {
			return nil, err
		}
		return []store.Student{*st}, nil
	}
	return nil, nil
}

// RestrictableStudents lists the students of the schools the actor leads,
// for setting a restriction directly.
func (a *App) RestrictableStudents(ctx context.Context, s *Session) ([]store.Student, error) {
	var out []store.Student
	for _, school := range s.Actor.SchoolIDs() {
		if !s.Actor.IsLeaderOf(school) {
			continue
		}
		list, err := store.StudentsOfSchool(ctx, a.db.R, school)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// checkRestrictedRead refuses a student's records to a reader who could
// see them were the student's processing not restricted: the student,
// their parents and the school's leaders still see them, without a query.
func (a *App) checkRestrictedRead(ctx context.Context, s *Session, ref authz.StudentRef) error {
	if authz.CanViewRestrictedRecords(s.Actor, ref) {
		return nil
	}
	restricted, err := store.StudentRestricted(ctx, a.db.R, ref.ID)
	if err != nil {
		return err
	}
	if restricted {
		return ErrRestricted
	}
	return nil
}

// restrictedIn returns the students of a school whose processing is
// restricted now, for the views that leave them out.
func (a *App) restrictedIn(ctx context.Context, schoolID int64) (map[int64]bool, error) {
	return store.RestrictedInSchool(ctx, a.db.R, schoolID)
}

// retentionHold is a condition on a table's rows that holds for rows the
// retention job must keep because they lead to a student under a
// restriction on a holding ground; "" when no row of t can.
func retentionHold(t *privacy.Table) string {
	held := store.RetentionHeldUsers
	if t.Identity {
		return `"id" IN (` + held + `)`
	}
	var conds []string
	for _, r := range t.Reaches() {
		if r.Contact {
			continue
		}
		// An empty link (a teacher's account gone) must read as "not held",
		// not as NULL, which NOT would keep NULL and so spare the row.
		last := r.Hops[len(r.Hops)-1]
		conds = append(conds, "("+privacy.Q(r.Hops[0].Column)+" IS NOT NULL AND "+
			privacy.ReachSQL(r.Hops, privacy.Q(last.ToColumn)+" IN ("+held+")")+")")
	}
	return strings.Join(conds, " OR ")
}
