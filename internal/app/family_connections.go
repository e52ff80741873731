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

// normalizeCode makes typed codes forgiving: case, spaces and dashes do
// not matter.
func normalizeCode(c string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(c)))
}

// ConnectChild connects a parent to a child with the child's parent code.
// Codes are reusable, so every guardian can connect their own account.
// Guesses are throttled; a wrong code says so without telling whose it is.
func (a *App) ConnectChild(ctx context.Context, s *Session, code string) (*store.Student, error) {
	if !authz.CanConnectChild(s.Actor) {
		return nil, ErrForbidden
	}
	code = normalizeCode(code)
	v := &ValidationError{}
	if code == "" {
		v.Add("parent_code", "validation.required")
		return nil, v
	}
	now := a.Now()
	key := "parentcode:" + strconv.FormatInt(s.User.ID, 10)
	if wait := a.codeGuesses.check(key, now); wait > 0 {
		return nil, &RateLimitError{RetryAfter: wait}
	}
	st, err := store.StudentByParentCode(ctx, a.db.R, code)
	if errors.Is(err, db.ErrNotFound) || (err == nil && st.LeftAt != nil) {
		a.codeGuesses.add(key, now)
		v.Add("parent_code", "connect.unknown_code")
		return nil, v
	}
	if err != nil {
		return nil, err
	}
	// A custody block, or an eligible student whose parents the deployment
	// cuts off: the same neutral answer for both (custody.go).
	var cr *connectRefused
	if err := a.refuseConnection(ctx, a.db.R, st, s.User.ID); errors.As(err, &cr) {
		if err := a.refusedConnection(ctx, cr, "parent code"); err != nil {
			return nil, err
		}
		v.Add("parent_code", "custody.cannot_connect")
		return nil, v
	} else if err != nil {
		return nil, err
	}
	err = store.AddGuardian(ctx, a.db.W, st.SchoolID, st.ID, s.User.ID, now)
	if errors.Is(err, ErrConflict) {
		v.Add("parent_code", "connect.already")
		return nil, v
	}
	return st, err
}

// DisconnectParent removes a parent's connection to a student; the
// student's teachers can do it (e.g. a code reached the wrong person).
func (a *App) DisconnectParent(ctx context.Context, s *Session, studentID, parentID int64) error {
	if err := a.mustTeachStudent(ctx, s, studentID); err != nil {
		return err
	}
	ok, err := store.RemoveGuardian(ctx, a.db.W, studentID, parentID)
	if err == nil && !ok {
		err = ErrNotFound
	}
	return err
}

// Guardians lists a student's connected parents, for their teachers.
func (a *App) Guardians(ctx context.Context, s *Session, studentID int64) ([]store.Guardian, error) {
	if err := a.mustTeachStudent(ctx, s, studentID); err != nil {
		return nil, err
	}
	return store.GuardiansOf(ctx, a.db.R, studentID)
}

func (a *App) mustTeachStudent(ctx context.Context, s *Session, studentID int64) error {
	st, ref, err := a.studentRef(ctx, studentID)
	if err != nil {
		return err
	}
	for _, c := range ref.Classes {
		if authz.CanTeachClass(s.Actor, authz.ClassRef{ID: c, SchoolID: st.SchoolID}) {
			return nil
		}
	}
	if authz.CanViewStudentRecords(s.Actor, ref) {
		return ErrForbidden
	}
	return ErrNotFound
}

// ClassCodeTTL is how long a class code works: a school day.
const ClassCodeTTL = 6 * time.Hour

// RotateClassCode makes a new class code (the old one stops working) for
// the classroom screen.
func (a *App) RotateClassCode(ctx context.Context, s *Session, classID int64) (string, time.Time, error) {
	if _, err := a.teachClass(ctx, s, classID); err != nil {
		return "", time.Time{}, err
	}
	code := NewCode(6)
	expires := a.Now().Add(ClassCodeTTL)
	return code, expires, store.SetClassCode(ctx, a.db.W, classID, HashToken(code), expires)
}

// ClassByCode opens a class by its code for the shared-device login: the
// roster's first names and avatars, nothing more.
func (a *App) ClassByCode(ctx context.Context, code, ip string) (*store.Class, []store.Student, error) {
	code = normalizeCode(code)
	now := a.Now()
	key := "classcode:" + ip
	if wait := a.codeGuesses.check(key, now); wait > 0 {
		return nil, nil, &RateLimitError{RetryAfter: wait}
	}
	c, err := store.ClassByCode(ctx, a.db.R, HashToken(code), now)
	if errors.Is(err, db.ErrNotFound) {
		a.codeGuesses.add(key, now)
		v := &ValidationError{}
		v.Add("code", "classcode.unknown")
		return nil, nil, v
	}
	if err != nil {
		return nil, nil, err
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, c.ID)
	return c, roster, err
}

func (a *App) studentSession(ctx context.Context, userID int64, browser string) (string, error) {
	u, err := store.UserByID(ctx, a.db.R, userID)
	if err != nil {
		return "", err
	}
	if u.DisabledAt != nil {
		return "", ErrAccountDisabled
	}
	return a.StartSession(ctx, u.ID, "web", browser)
}

// SwitchToChild starts a session as a connected child, so a parent can
// hand a device to the child.
func (a *App) SwitchToChild(ctx context.Context, s *Session, studentID int64, browser string) (string, error) {
	if _, ok := s.Actor.Children[studentID]; !ok {
		return "", ErrNotFound
	}
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return "", err
	}
	return a.studentSession(ctx, st.UserID, browser)
}

// LoginCard is one student's printable login card.
type LoginCard struct {
	Student store.Student
	Link    string // personal login link, shown as a QR code
	// Pictures are the student's login pictures in order, where a class
	// of theirs asks for them (student_login_pictures.go).
	Pictures []string
}

// LoginCardTTL is how long a printed card works.
const LoginCardTTL = 365 * 24 * time.Hour

// PrintLoginCards makes a fresh personal login link for every student of
// a class (old cards stop working) for the teacher to print.
func (a *App) PrintLoginCards(ctx context.Context, s *Session, classID int64) ([]LoginCard, error) {
	return a.printCards(ctx, s, classID, 0)
}

// PrintLoginCard makes a fresh card for one student of the class, for a
// lost or spoiled card: only that student's old card stops working, the
// rest of the class keeps theirs.
func (a *App) PrintLoginCard(ctx context.Context, s *Session, classID, studentID int64) (*LoginCard, error) {
	cards, err := a.printCards(ctx, s, classID, studentID)
	if err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return nil, ErrNotFound // not on this class's roster
	}
	return &cards[0], nil
}

// printCards replaces the login links of a class's students, or of only
// one of them when only is not 0.
func (a *App) printCards(ctx context.Context, s *Session, classID, only int64) ([]LoginCard, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, c.ID)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	cards := make([]LoginCard, 0, len(roster))
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		for _, st := range roster {
			if only != 0 && st.ID != only {
				continue
			}
			token := NewToken()
			if err := store.ReplaceLoginLink(ctx, tx, c.SchoolID, st.ID, s.User.ID, HashToken(token), now, now.Add(LoginCardTTL)); err != nil {
				return err
			}
			cards = append(cards, LoginCard{Student: st, Link: a.link("/login/card", token)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cards, a.cardPictures(ctx, c.ID, cards)
}

// StudentByCard returns the student a login-card link belongs to.
func (a *App) StudentByCard(ctx context.Context, token, ip string) (*store.Student, error) {
	now := a.Now()
	key := "card:" + ip
	if wait := a.codeGuesses.check(key, now); wait > 0 {
		return nil, &RateLimitError{RetryAfter: wait}
	}
	st, err := store.StudentByLoginLink(ctx, a.db.R, HashToken(token), now)
	if errors.Is(err, db.ErrNotFound) {
		a.codeGuesses.add(key, now)
	}
	return st, err
}

// LoginWithCard logs a student in from their login card.
func (a *App) LoginWithCard(ctx context.Context, token, ip, browser string) (string, error) {
	st, err := a.StudentByCard(ctx, token, ip)
	if err != nil {
		return "", err
	}
	return a.studentSession(ctx, st.UserID, browser)
}
