package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// ErrArchived refuses a change to an archived class: last year's classes
// are kept as they were, read-only. It is a conflict (409) with its own
// message.
var ErrArchived = fmt.Errorf("%w: the class is archived", ErrConflict)

// ImportNote is one thing an import skipped or could not do, or one
// problem that stopped it: where (file and line, 0 for the whole file)
// and why, as a translation key with its arguments.
type ImportNote struct {
	File string
	Line int
	Key  string
	Args []any
}

// Field names the note for a ValidationError and the API's errors map,
// e.g. "enrollments.csv:12".
func (n ImportNote) Field() string {
	f := n.File
	if f == "" {
		f = "file"
	}
	if n.Line > 0 {
		f += ":" + itoa(n.Line)
	}
	return f
}

// importError turns problems that stop an import into a validation error
// whose fields are "file:line", at most 50 of them.
func importError(problems []ImportNote) error {
	if len(problems) == 0 {
		return nil
	}
	v := &ValidationError{}
	for i, p := range problems {
		if i == 50 {
			v.Add("more", "import.more_problems", "count", len(problems)-50)
			break
		}
		v.Add(p.Field(), p.Key, p.Args...)
	}
	return v
}

// addStudent puts a child on a class roster: the school's existing profile
// of that name if there is one (one child, one profile), else a new
// student account with a username and a parent code.
func (a *App) addStudent(ctx context.Context, tx db.Querier, c *store.Class, first, last, lang string) (AddedStudent, error) {
	now := a.Now()
	existing, err := store.StudentByName(ctx, tx, c.SchoolID, first, last)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return AddedStudent{}, err
	}
	if existing != nil {
		_, err := store.EnrollCurrent(ctx, tx, c.SchoolID, c.ID, existing.ID, now)
		return AddedStudent{Student: *existing, Existing: true}, err
	}
	st, err := a.newStudent(ctx, tx, c.SchoolID, first, last, "", lang)
	if err != nil {
		return AddedStudent{}, err
	}
	_, err = store.EnrollCurrent(ctx, tx, c.SchoolID, c.ID, st.ID, now)
	return AddedStudent{Student: *st}, err
}

// newStudent creates a student account and profile (no password: they log
// in with the class code or a login card until a teacher sets one).
func (a *App) newStudent(ctx context.Context, tx db.Querier, schoolID int64, first, last, sourceID, lang string) (*store.Student, error) {
	now := a.Now()
	username, err := a.freeUsername(ctx, tx, first, last)
	if err != nil {
		return nil, err
	}
	u := &store.User{Kind: store.KindStudent, FirstName: first, LastName: last, Username: username, Language: lang, CreatedAt: now}
	if err := store.CreateUser(ctx, tx, u); err != nil {
		return nil, err
	}
	st := &store.Student{SchoolID: schoolID, UserID: u.ID, FirstName: first, LastName: last,
		Username: username, ParentCode: NewCode(8), CreatedAt: now}
	if err := store.CreateStudent(ctx, tx, st); err != nil {
		return nil, err
	}
	if sourceID != "" {
		err = store.SetStudentSourceID(ctx, tx, st.ID, sourceID)
	}
	return st, err
}

// staffClass loads a class whose teachers the actor may manage and which
// can still change.
func (a *App) staffClass(ctx context.Context, s *Session, classID int64) (*store.Class, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanManageClassTeachers(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrForbidden
	}
	if c.ArchivedAt != nil {
		return nil, ErrArchived
	}
	return c, nil
}

// ClassTeachers lists a class's teachers for those who see the class.
func (a *App) ClassTeachers(ctx context.Context, s *Session, classID int64) ([]store.Teacher, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	return store.ClassTeachers(ctx, a.db.R, c.ID)
}

// AddCoTeacher makes another active staff member of the class's school a
// teacher of the class, with the same rights as its other teachers. The
// answer for an address that is not the school's staff is the same
// whether or not it has a Cubby account.
func (a *App) AddCoTeacher(ctx context.Context, s *Session, classID int64, email string) (*store.Teacher, error) {
	c, err := a.staffClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	email = normalizeEmail(email)
	v := &ValidationError{}
	if key := checkEmail(email); key != "" {
		v.Add("email", key)
		return nil, v
	}
	u, err := store.ActiveStaffByEmail(ctx, a.db.R, c.SchoolID, email)
	if errors.Is(err, db.ErrNotFound) {
		v.Add("email", "coteach.not_staff")
		return nil, v
	}
	if err != nil {
		return nil, err
	}
	now := a.Now()
	added, err := store.AddClassTeacherIfMissing(ctx, a.db.W, c.SchoolID, c.ID, u.ID, now)
	if err != nil {
		return nil, err
	}
	if !added {
		v.Add("email", "coteach.already")
		return nil, v
	}
	return &store.Teacher{UserID: u.ID, Title: u.Title, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, AddedAt: now}, nil
}

// RemoveCoTeacher takes a teacher off a class; a class always keeps at
// least one teacher.
func (a *App) RemoveCoTeacher(ctx context.Context, s *Session, classID, userID int64) error {
	c, err := a.staffClass(ctx, s, classID)
	if err != nil {
		return err
	}
	return a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.LockClass(ctx, tx, c.ID); err != nil {
			return err
		}
		ids, err := store.TeachersOf(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, userID) {
			return ErrNotFound
		}
		if len(ids) == 1 {
			v := &ValidationError{}
			v.Add("teacher", "coteach.last")
			return v
		}
		_, err = store.RemoveClassTeacher(ctx, tx, c.ID, userID)
		return err
	})
}

// SchoolClassroom is a leader's page of school-wide classroom settings.
type SchoolClassroom struct {
	School       *store.School
	Skills       []store.Skill
	ShowInitials bool
}

// SchoolClassroomSettings returns a school's school-wide skills and name
// setting, for its leaders.
func (a *App) SchoolClassroomSettings(ctx context.Context, s *Session, schoolID int64) (*SchoolClassroom, error) {
	if !authz.CanManageSchoolSettings(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	school, err := store.SchoolByID(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	out := &SchoolClassroom{School: school}
	if out.Skills, err = store.SchoolSkills(ctx, a.db.R, schoolID); err != nil {
		return nil, err
	}
	out.ShowInitials, err = store.ShowInitials(ctx, a.db.R, schoolID)
	return out, err
}

// ArchiveSchoolSkill retires a school-wide skill: classes stop showing it,
// and points already given keep its name.
func (a *App) ArchiveSchoolSkill(ctx context.Context, s *Session, schoolID, skillID int64) error {
	if !authz.CanManageSchoolSkills(s.Actor, schoolID) {
		return ErrNotFound
	}
	sk, err := store.SkillByID(ctx, a.db.R, skillID)
	if err != nil {
		return err
	}
	if sk.SchoolID != schoolID || sk.ClassID != 0 || sk.ArchivedAt != nil {
		return ErrNotFound
	}
	return store.ArchiveSkill(ctx, a.db.W, sk.ID, a.Now())
}

// SetShowInitials switches a school between first names and initials
// wherever students are shown to other people.
func (a *App) SetShowInitials(ctx context.Context, s *Session, schoolID int64, on bool) error {
	if !authz.CanManageSchoolSettings(s.Actor, schoolID) {
		return ErrNotFound
	}
	return store.SetShowInitials(ctx, a.db.W, schoolID, on)
}

// NameStyle returns how a school's students are shown to other people:
// by first name, or by initials when the school chose so. The setting is
// about the school, not a person, so anyone rendering a page of the
// school may ask.
func (a *App) NameStyle(ctx context.Context, schoolID int64) (func(store.Student) string, error) {
	on, err := store.ShowInitials(ctx, a.db.R, schoolID)
	if err != nil {
		return nil, err
	}
	if on {
		return func(st store.Student) string { return Initials(st.FirstName, st.LastName) }, nil
	}
	return func(st store.Student) string { return st.FirstName }, nil
}

// Initials shortens a name to "A. M." (or "A." without a last name), in
// any script.
func Initials(first, last string) string {
	initial := func(s string) string {
		r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s))
		if r == utf8.RuneError {
			return ""
		}
		return string(unicode.ToUpper(r)) + "."
	}
	f, l := initial(first), initial(last)
	if l == "" {
		return f
	}
	return f + " " + l
}

// DuplicatePair is two current profiles of a school whose names look like
// the same child's (accents, case and spacing aside).
type DuplicatePair struct{ A, B store.Student }

// PossibleDuplicates finds profiles of the class's school that look like
// the same child as someone on its roster, for the teacher to merge.
func (a *App) PossibleDuplicates(ctx context.Context, s *Session, classID int64) ([]DuplicatePair, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	roster, err := store.StudentsOfClass(ctx, a.db.R, c.ID)
	if err != nil || len(roster) == 0 {
		return nil, err
	}
	all, err := store.StudentsOfSchool(ctx, a.db.R, c.SchoolID)
	if err != nil {
		return nil, err
	}
	key := func(st store.Student) string { return asciiSlug(st.FirstName) + "|" + asciiSlug(st.LastName) }
	byKey := map[string][]store.Student{}
	for _, st := range all {
		if k := key(st); k != "|" {
			byKey[k] = append(byKey[k], st)
		}
	}
	var out []DuplicatePair
	seen := map[[2]int64]bool{}
	for _, st := range roster {
		for _, other := range byKey[key(st)] {
			pair := [2]int64{min(st.ID, other.ID), max(st.ID, other.ID)}
			if other.ID == st.ID || seen[pair] {
				continue
			}
			seen[pair] = true
			p := DuplicatePair{A: st, B: other}
			if other.ID < st.ID { // the older profile first: usually the one to keep
				p = DuplicatePair{A: other, B: st}
			}
			out = append(out, p)
		}
	}
	return out, nil
}
