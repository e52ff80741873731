package app

import (
	"context"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Media consent: per child, whether photos of the child may be shared with
// the families of the child's classes, and with the whole school. Each
// answer is a record in the consent ledger (story_photos_class,
// story_photos_school), given by a parent — asked when they connect, and
// changeable at any time in their settings — or by the student once they
// hold their own rights. A "no" withdraws every consent in force for that
// purpose, whichever guardian gave it: one parent's refusal is enough.
// Consent to the whole school covers the class too (a wider audience that
// includes it). Photos already posted of a child whose consent is
// withdrawn are no longer shown to families.

// MediaConsent is one child's answers.
type MediaConsent struct {
	Student store.Student
	Class   bool // photos may be shared with the class's families
	School  bool // and with the whole school
}

// purposesFor are the consents that allow a photo of a child to be shown
// to a post's audience.
func purposesFor(classID int64) []string {
	if classID != 0 {
		return []string{PurposeStoryPhotosClass, PurposeStoryPhotosSchool}
	}
	return []string{PurposeStoryPhotosSchool}
}

// MediaConsents lists the actor's children (or the eligible student
// themself) with their media consent.
func (a *App) MediaConsents(ctx context.Context, s *Session) ([]MediaConsent, error) {
	var kids []store.Student
	switch {
	case s.Actor.Kind == authz.Parent:
		var err error
		if kids, err = a.familyChildren(ctx, s); err != nil {
			return nil, err
		}
	case authz.IsEligibleStudent(s.Actor):
		st, err := store.StudentByID(ctx, a.db.R, s.Actor.StudentID)
		if err != nil {
			return nil, err
		}
		kids = []store.Student{*st}
	}
	users := make([]int64, len(kids))
	for i, k := range kids {
		users[i] = k.UserID
	}
	class, err := store.MediaConsented(ctx, a.db.R, users, PurposeStoryPhotosClass)
	if err != nil {
		return nil, err
	}
	school, err := store.MediaConsented(ctx, a.db.R, users, PurposeStoryPhotosSchool)
	if err != nil {
		return nil, err
	}
	out := make([]MediaConsent, len(kids))
	for i, k := range kids {
		out[i] = MediaConsent{Student: k, Class: class[k.UserID], School: school[k.UserID]}
	}
	return out, nil
}

// SetMediaConsent records a child's media consent: a new ledger record for
// each yes not yet in force, a withdrawal of every record in force for
// each no. method says where it was asked ("connection_form",
// "settings_form", "api").
func (a *App) SetMediaConsent(ctx context.Context, s *Session, studentID int64, class, school bool, method string) error {
	if !authz.CanRecordMediaConsent(s.Actor, studentID) {
		return ErrNotFound
	}
	st, err := store.StudentByID(ctx, a.db.R, studentID)
	if err != nil {
		return err
	}
	role := "parent"
	if s.Actor.Kind == authz.Student {
		role = "self"
	}
	version := a.Transparency().Version
	now := a.Now()
	return a.db.Tx(ctx, func(tx db.Querier) error {
		list, err := store.ConsentsOfUser(ctx, tx, st.UserID)
		if err != nil {
			return err
		}
		for purpose, want := range map[string]bool{PurposeStoryPhotosClass: class, PurposeStoryPhotosSchool: school} {
			inForce := false
			for _, c := range list {
				if c.Purpose != purpose || c.WithdrawnAt != nil || c.SubjectUserID != st.UserID {
					continue
				}
				inForce = true
				if !want {
					if _, err := store.WithdrawConsent(ctx, tx, c.ID, now); err != nil {
						return err
					}
				}
			}
			if want && !inForce {
				if err := store.AddConsent(ctx, tx, &store.Consent{SubjectUserID: st.UserID, GrantorUserID: s.User.ID, GrantorRole: role,
					Purpose: purpose, NoticeVersion: version, Method: method, Evidence: "answered by the " + role + " in Cubby",
					GrantedAt: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// tagStatus is whether a child may be tagged in a post.
type tagStatus struct {
	Name       string
	Consent    bool
	Restricted bool
}

// consentOf reads, for the children of the audience among ids, whether
// each may appear in its photos. Children who are not in the class or
// school are absent from the map.
func (a *App) consentOf(ctx context.Context, to storyAudience, ids []int64) (map[int64]tagStatus, error) {
	list, err := store.TaggableStudents(ctx, a.db.R, to.SchoolID, to.ClassID, ids)
	if err != nil {
		return nil, err
	}
	return a.tagStatuses(ctx, to, list)
}

func (a *App) tagStatuses(ctx context.Context, to storyAudience, list []store.TaggableStudent) (map[int64]tagStatus, error) {
	users := make([]int64, len(list))
	for i, t := range list {
		users[i] = t.UserID
	}
	ok, err := store.MediaConsented(ctx, a.db.R, users, purposesFor(to.ClassID)...)
	if err != nil {
		return nil, err
	}
	restricted, err := store.RestrictedInSchool(ctx, a.db.R, to.SchoolID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]tagStatus, len(list))
	for _, t := range list {
		name := t.FirstName
		if t.LastName != "" {
			name += " " + t.LastName
		}
		out[t.ID] = tagStatus{Name: name, Consent: ok[t.UserID], Restricted: restricted[t.ID]}
	}
	return out, nil
}

// Taggable is a child the composer offers to tag, with whether they may be.
type Taggable struct {
	StudentID  int64
	Name       string
	Consent    bool
	Restricted bool
}

// StoryTaggables lists the children the author may tag in a post to a
// class (classID) or, with classID 0, to the school's story, marking those
// without media consent: the composer shows who cannot be in photos.
func (a *App) StoryTaggables(ctx context.Context, s *Session, schoolID, classID int64) ([]Taggable, error) {
	if classID != 0 {
		c, err := a.viewClass(ctx, s, classID)
		if err != nil {
			return nil, err
		}
		if !authz.CanPostClassStory(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
			return nil, ErrForbidden
		}
		schoolID = c.SchoolID
	} else if !authz.CanPostSchoolStory(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	to := storyAudience{SchoolID: schoolID, ClassID: classID}
	list, err := store.TaggableStudents(ctx, a.db.R, schoolID, classID, nil)
	if err != nil {
		return nil, err
	}
	st, err := a.tagStatuses(ctx, to, list)
	if err != nil {
		return nil, err
	}
	out := make([]Taggable, len(list))
	for i, t := range list {
		x := st[t.ID]
		out[i] = Taggable{StudentID: t.ID, Name: x.Name, Consent: x.Consent, Restricted: x.Restricted}
	}
	return out, nil
}
