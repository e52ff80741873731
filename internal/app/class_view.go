package app

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// viewClass loads a class the actor may see, or ErrNotFound.
func (a *App) viewClass(ctx context.Context, s *Session, classID int64) (*store.Class, error) {
	c, err := store.ClassRefByID(ctx, a.db.R, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanViewClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrNotFound
	}
	return c, nil
}

// teachClass loads a class the actor teaches, to change it: ErrNotFound
// when they cannot even see it, ErrForbidden when they see it but do not
// teach it, ErrArchived when it is last year's class (read-only).
func (a *App) teachClass(ctx context.Context, s *Session, classID int64) (*store.Class, error) {
	c, err := a.viewClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	if !authz.CanTeachClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return nil, ErrForbidden
	}
	if c.ArchivedAt != nil {
		return nil, ErrArchived
	}
	return c, nil
}

// defaultSkills are every new class's starter skills: mostly positive,
// a zero-point one, and a few gentle needs-work ones. Names come from the
// catalogs in the teacher's language.
var defaultSkills = []struct {
	key    string
	weight int
}{
	{"skill.helping", 1}, {"skill.hard_work", 1}, {"skill.teamwork", 1}, {"skill.participating", 1},
	{"skill.persistence", 1}, {"skill.kindness", 1}, {"skill.noticed", 0},
	{"skill.off_task", -1}, {"skill.unprepared", -1}, {"skill.interrupting", -1},
}

// CreateClass creates a class in a school the actor works at, with the
// starter skills, and makes the actor its teacher.
func (a *App) CreateClass(ctx context.Context, s *Session, schoolID int64, name string) (*store.Class, error) {
	name = strings.Join(strings.Fields(name), " ")
	v := &ValidationError{}
	if name == "" {
		v.Add("name", "validation.required")
	} else if utf8.RuneCountInString(name) > 80 {
		v.Add("name", "validation.too_long", "max", 80)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !authz.CanCreateClass(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	now := a.Now()
	c := &store.Class{SchoolID: schoolID, Name: name, CreatedAt: now}
	err := a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateClass(ctx, tx, c, s.User.ID); err != nil {
			return err
		}
		return a.AddStarterSkills(ctx, tx, c, s.User.Language)
	})
	return c, err
}

// AddStarterSkills gives a new class its default skills, named in lang.
func (a *App) AddStarterSkills(ctx context.Context, q db.Querier, c *store.Class, lang string) error {
	l := a.I18n.Localizer(lang)
	for _, d := range defaultSkills {
		if err := store.CreateSkill(ctx, q, &store.Skill{SchoolID: c.SchoolID, ClassID: c.ID, Name: l.T(d.key), Weight: d.weight,
			Icon: starterIcons[d.key], CreatedAt: c.CreatedAt}); err != nil {
			return err
		}
	}
	return nil
}

// NewStudent is a student a teacher adds by name.
type NewStudent struct{ FirstName, LastName string }

// AddedStudent reports what happened to one name added to a roster.
type AddedStudent struct {
	Student store.Student
	// Existing is true when the school already had this child, who was put
	// on the roster instead of being duplicated (one child, one profile).
	Existing bool
}

// AddStudents puts students on a class roster, creating their accounts
// (with a username and a parent code) unless the school already knows a
// child of that name. Student accounts get no password: they log in with
// the class code or their login card until a teacher sets one.
func (a *App) AddStudents(ctx context.Context, s *Session, classID int64, names []NewStudent) ([]AddedStudent, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	v := &ValidationError{}
	if len(names) == 0 {
		v.Add("names", "roster.no_names")
	}
	if len(names) > 200 {
		v.Add("names", "roster.too_many", "max", 200)
	}
	for i := range names {
		var k1, k2 string
		names[i].FirstName, k1 = cleanName(names[i].FirstName, true)
		names[i].LastName, k2 = cleanName(names[i].LastName, false)
		if k1 != "" || k2 != "" {
			v.Add("names", "roster.bad_name", "line", i+1)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	var out []AddedStudent
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		for _, n := range names {
			existing, err := store.StudentByName(ctx, tx, c.SchoolID, n.FirstName, n.LastName)
			if err != nil && !errors.Is(err, db.ErrNotFound) {
				return err
			}
			if existing != nil {
				if err := store.ReEnrollStudent(ctx, tx, c.SchoolID, c.ID, existing.ID, now); err != nil {
					return err
				}
				out = append(out, AddedStudent{Student: *existing, Existing: true})
				continue
			}
			username, err := a.freeUsername(ctx, tx, n.FirstName, n.LastName)
			if err != nil {
				return err
			}
			u := &store.User{Kind: store.KindStudent, FirstName: n.FirstName, LastName: n.LastName, Username: username,
				Language: s.User.Language, CreatedAt: now}
			if err := store.CreateUser(ctx, tx, u); err != nil {
				return err
			}
			st := &store.Student{SchoolID: c.SchoolID, UserID: u.ID, FirstName: n.FirstName, LastName: n.LastName,
				Username: username, ParentCode: NewCode(8), CreatedAt: now}
			if err := store.CreateStudent(ctx, tx, st); err != nil {
				return err
			}
			if err := store.EnrollStudent(ctx, tx, c.SchoolID, c.ID, st.ID, now); err != nil {
				return err
			}
			out = append(out, AddedStudent{Student: *st})
		}
		return nil
	})
	return out, err
}

// freeUsername makes "ava.m", then "ava.ma", "ava.m2"… until one is free.
func (a *App) freeUsername(ctx context.Context, q db.Querier, first, last string) (string, error) {
	base := asciiSlug(first)
	if base == "" {
		base = "student"
	}
	if l := asciiSlug(last); l != "" {
		base += "." + l[:1]
	}
	for i := 1; i < 1000; i++ {
		u := base
		if i > 1 {
			u = base + itoa(i)
		}
		taken, err := store.UsernameTaken(ctx, q, u)
		if err != nil || !taken {
			return u, err
		}
	}
	return base + "." + strings.ToLower(NewCode(4)), nil
}

// asciiSlug keeps a–z and digits of a name, folding common accents, so
// every child gets a username any keyboard can type.
func asciiSlug(s string) string {
	fold := strings.NewReplacer("á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
		"í", "i", "ì", "i", "î", "i", "ï", "i", "ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "ú", "u", "ù", "u",
		"û", "u", "ü", "u", "ñ", "n", "ç", "c", "ß", "ss", "æ", "ae", "œ", "oe")
	s = fold.Replace(strings.ToLower(s))
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) > 20 {
		out = out[:20]
	}
	return out
}

// RemoveStudent takes a student off a class roster; their points and
// attendance stay (they are still the school's student).
func (a *App) RemoveStudent(ctx context.Context, s *Session, classID, studentID int64) error {
	if _, err := a.teachClass(ctx, s, classID); err != nil {
		return err
	}
	ok, err := store.RemoveFromClass(ctx, a.db.W, classID, studentID, a.Now())
	if err == nil && !ok {
		err = ErrNotFound
	}
	return err
}

// studentRef loads what authz needs to decide about a student.
func (a *App) studentRef(ctx context.Context, studentID int64) (*store.Student, authz.StudentRef, error) {
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return nil, authz.StudentRef{}, err
	}
	classes, err := store.CurrentClassIDs(ctx, a.db.R, studentID)
	return st, authz.StudentRef{ID: st.ID, SchoolID: st.SchoolID, Classes: classes}, err
}

// ResetStudentPassword gives a student a new generated password, shown
// once to the teacher to pass on.
func (a *App) ResetStudentPassword(ctx context.Context, s *Session, studentID int64) (string, error) {
	st, ref, err := a.studentRef(ctx, studentID)
	if err != nil {
		return "", err
	}
	teaches := false
	for _, c := range ref.Classes {
		teaches = teaches || authz.CanTeachClass(s.Actor, authz.ClassRef{ID: c, SchoolID: st.SchoolID})
	}
	if !teaches {
		if authz.CanViewStudentRecords(s.Actor, ref) {
			return "", ErrForbidden
		}
		return "", ErrNotFound
	}
	pw := kidPassword()
	hash, err := HashPassword(pw, a.Password)
	if err != nil {
		return "", err
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.SetPasswordHash(ctx, tx, st.UserID, hash, a.Now()); err != nil {
			return err
		}
		_, err := store.DeleteSessionsOfUser(ctx, tx, st.UserID, "")
		return err
	})
	return pw, err
}
