package app

import (
	"context"
	"fmt"
	"slices"

	"cubby/internal/authz"
	"cubby/internal/store"
)

// Students choose the character they are shown as (issue 15) from a set
// of friendly generated creatures — never a photo — and a class's teachers
// can turn that off for their class, when the teacher's choice or the
// creature generated from the student's id stands. A student in several
// classes chooses only while none of them turned it off: the teacher who
// said no is not overruled by another class. The student's own choice is
// kept while it is turned off, and comes back when it is turned on again.

// AvatarLook is how a character is drawn: its body colour, its ears
// (none, round, pointy) and its mouth (smile, open, grin).
type AvatarLook struct{ Color, Ears, Mouth int }

// The kinds of each feature a character has (the web draws them).
const (
	AvatarColors = 8
	AvatarEars   = 3
	AvatarMouths = 3
)

// AvatarChoices are the characters offered, as stored: "color-ears-mouth".
var AvatarChoices = func() []string {
	var out []string
	for c := range AvatarColors {
		for e := range AvatarEars {
			out = append(out, fmt.Sprintf("%d-%d-%d", c, e, (c+e)%AvatarMouths))
		}
	}
	return out
}()

// ParseAvatar reads one of AvatarChoices; anything else is not one.
func ParseAvatar(key string) (AvatarLook, bool) {
	if !slices.Contains(AvatarChoices, key) {
		return AvatarLook{}, false
	}
	var l AvatarLook
	_, err := fmt.Sscanf(key, "%d-%d-%d", &l.Color, &l.Ears, &l.Mouth)
	return l, err == nil
}

func checkAvatar(key string) error {
	if key == "" {
		return nil // back to the generated one
	}
	if _, ok := ParseAvatar(key); !ok {
		e := &ValidationError{}
		e.Add("avatar", "avatar.bad_choice")
		return e
	}
	return nil
}

// MyAvatar is a student's own character page.
type MyAvatar struct {
	Student store.Student
	Own     store.OwnAvatar
	// CanChoose: none of the student's classes turned choosing off.
	CanChoose bool
}

// OwnAvatar loads the logged-in student's character and whether they may
// choose it; other accounts, and a student with no school profile yet,
// get ErrNotFound.
func (a *App) OwnAvatar(ctx context.Context, s *Session) (*MyAvatar, error) {
	if s.Actor.Kind != authz.Student || s.Actor.StudentID == 0 {
		return nil, ErrNotFound
	}
	st, err := store.StudentByID(ctx, a.db.R, s.Actor.StudentID)
	if err != nil {
		return nil, err
	}
	own, err := store.StudentOwnAvatar(ctx, a.db.R, st.ID)
	if err != nil {
		return nil, err
	}
	return &MyAvatar{Student: *st, Own: own, CanChoose: authz.CanChooseOwnAvatar(s.Actor, st.ID, own.ChoiceOff)}, nil
}

// ChooseOwnAvatar sets the logged-in student's character (key "" goes
// back to the generated one). Refused with avatar.off when a class of
// theirs turned choosing off, and at the "avatar" field for a character
// that is not one of AvatarChoices.
func (a *App) ChooseOwnAvatar(ctx context.Context, s *Session, key string) error {
	me, err := a.OwnAvatar(ctx, s)
	if err != nil {
		return err
	}
	if !me.CanChoose {
		return refused("avatar.off", ErrForbidden)
	}
	if err := checkAvatar(key); err != nil {
		return err
	}
	return store.SetStudentAvatar(ctx, a.db.W, me.Student.ID, key, "student")
}

// StudentAvatar loads a student of a class, with their stored character,
// for a teacher of the class to choose it.
func (a *App) StudentAvatar(ctx context.Context, s *Session, classID, studentID int64) (*store.Class, *MyAvatar, error) {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return nil, nil, err
	}
	on, _, err := store.StudentToday(ctx, a.db.R, c.ID, studentID, a.Today())
	if err != nil {
		return nil, nil, err
	}
	if !authz.CanSetStudentAvatar(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}, on) {
		return nil, nil, ErrNotFound
	}
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return nil, nil, err
	}
	own, err := store.StudentOwnAvatar(ctx, a.db.R, studentID)
	return c, &MyAvatar{Student: *st, Own: own}, err
}

// SetStudentAvatar is a teacher choosing a student's character (key ""
// goes back to the generated one); it replaces the student's own choice.
func (a *App) SetStudentAvatar(ctx context.Context, s *Session, classID, studentID int64, key string) error {
	if _, _, err := a.StudentAvatar(ctx, s, classID, studentID); err != nil {
		return err
	}
	if err := checkAvatar(key); err != nil {
		return err
	}
	return store.SetStudentAvatar(ctx, a.db.W, studentID, key, "teacher")
}

// SetAvatarChoice turns on or off students choosing their own character
// in a class.
func (a *App) SetAvatarChoice(ctx context.Context, s *Session, classID int64, on bool) error {
	c, err := a.teachClass(ctx, s, classID)
	if err != nil {
		return err
	}
	if !authz.CanSetClassAvatarChoice(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
		return ErrForbidden
	}
	return store.SetAvatarChoice(ctx, a.db.W, c.ID, on)
}
