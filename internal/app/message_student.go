package app

import (
	"context"
	"errors"
	"time"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Teacher ↔ student messages (issue 12). Off unless a school's leaders
// turn them on, for students from the grade they set (a student's grade is
// the highest of their current classes', which leaders set too). Only a
// teacher of one of the student's classes starts a conversation with them;
// the student answers in it and starts none. The student's connected
// parents are in it as readers (store.RoleObserver): they see every
// message and write none — they have their own conversation with the
// teacher for that, and a child's conversation that any parent could join
// would stop being the child's. Custody applies as in every family
// conversation: a parent cut from the child neither joins nor sees it.
// Turned off (or the student below the grade the school sets now), the
// school's student conversations stay readable and no one writes in them.

// studentFacts is what authz needs about a school's switch and a
// student's grade.
func (a *App) studentFacts(ctx context.Context, q db.Querier, schoolID, studentID int64) (authz.StudentFacts, error) {
	set, err := store.MessageSettingsOf(ctx, q, schoolID)
	if err != nil {
		return authz.StudentFacts{}, err
	}
	f := authz.StudentFacts{Enabled: set.StudentsEnabled, MinGrade: set.StudentsMinGrade}
	f.Grade, f.HasGrade, err = store.StudentGrade(ctx, q, studentID)
	return f, err
}

// studentPeer returns the student a new conversation is addressed to, or
// nil when it is addressed to someone else.
func (a *App) studentPeer(ctx context.Context, nc NewConversation) (*store.Student, error) {
	if nc.AllParents || nc.To == 0 {
		return nil, nil
	}
	u, err := store.UserByID(ctx, a.db.R, nc.To)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil || u.Kind != store.KindStudent {
		return nil, err
	}
	st, err := store.StudentByUserID(ctx, a.db.R, u.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotFound
	}
	return st, err
}

// reachStudent checks that the actor may start a conversation with the
// student: anyone who does not teach them does not find them (404); their
// teacher is told the school's switch is off, or the student below its
// grade.
func (a *App) reachStudent(ctx context.Context, s *Session, st *store.Student, schoolID int64) (classID int64, err error) {
	if st.SchoolID != schoolID || st.LeftAt != nil {
		return 0, ErrNotFound
	}
	classes, err := store.CurrentClassIDs(ctx, a.db.R, st.ID)
	if err != nil {
		return 0, err
	}
	f, err := a.studentFacts(ctx, a.db.R, st.SchoolID, st.ID)
	if err != nil {
		return 0, err
	}
	switch authz.CanMessageStudent(s.Actor, authz.StudentRef{ID: st.ID, SchoolID: st.SchoolID, Classes: classes}, f) {
	case authz.StudentReachable:
	case authz.StudentMessagingOff:
		return 0, &RefusedError{Key: "message.students_off", Err: ErrForbidden}
	case authz.StudentBelowGrade:
		return 0, &RefusedError{Key: "message.students_grade", Err: ErrForbidden}
	default:
		return 0, ErrNotFound
	}
	for _, c := range classes {
		if s.Actor.Classes[c] == st.SchoolID {
			return c, nil
		}
	}
	return 0, nil
}

// startStudentConversation writes a teacher's message to a student, in the
// conversation they have already or a new one, the student's parents
// reading along.
func (a *App) startStudentConversation(ctx context.Context, s *Session, nc NewConversation, st *store.Student, text string, d MessageDraft) (*store.Conversation, *store.Message, error) {
	classID, err := a.reachStudent(ctx, s, st, nc.SchoolID)
	if err != nil {
		return nil, nil, err
	}
	files, err := a.prepareMessageFiles(d.Files)
	if err != nil {
		return nil, nil, err
	}
	now := a.Now()
	conv := &store.Conversation{SchoolID: st.SchoolID, Kind: store.ConvStudent, ClassID: classID, StudentID: st.ID, CreatedBy: s.User.ID, CreatedAt: now}
	var msg *store.Message
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		id, err := store.FindStudentConversation(ctx, tx, st.SchoolID, st.ID, s.User.ID)
		switch {
		case err == nil:
			if conv, err = store.ConversationByID(ctx, tx, id); err != nil {
				return err
			}
		case errors.Is(err, ErrNotFound):
			if err := store.CreateConversation(ctx, tx, conv); err != nil {
				return err
			}
			for _, u := range []int64{s.User.ID, st.UserID} {
				if err := store.AddMember(ctx, tx, st.SchoolID, conv.ID, u, store.RoleMember, now); err != nil {
					return err
				}
			}
		default:
			return err
		}
		if err := a.addStudentParents(ctx, tx, conv, now); err != nil {
			return err
		}
		msg, err = a.writeMessage(ctx, tx, s, conv, text, files, now)
		return err
	})
	if err != nil {
		a.dropMessageFiles(files)
		return nil, nil, err
	}
	a.countSend(s)
	a.announceMessage(ctx, conv.ID)
	conv, err = store.ConversationByID(ctx, a.db.R, conv.ID)
	return conv, msg, err
}

// addStudentParents puts the student's connected parents (custody
// applied) in their conversation to read along, with every message, so a
// parent who connected since reads it too.
func (a *App) addStudentParents(ctx context.Context, tx db.Querier, conv *store.Conversation, now time.Time) error {
	if conv.Kind != store.ConvStudent || conv.StudentID == 0 {
		return nil
	}
	parents, err := store.ParentsOfStudent(ctx, tx, conv.StudentID, a.keepEligible())
	if err != nil {
		return err
	}
	return store.AddObservers(ctx, tx, conv.SchoolID, conv.ID, parents, now)
}

// studentsOn tells whether the school allows a student conversation to be
// written in now.
func (a *App) studentsOn(ctx context.Context, conv *store.Conversation) (bool, error) {
	if conv.Kind != store.ConvStudent {
		return false, nil
	}
	f, err := a.studentFacts(ctx, a.db.R, conv.SchoolID, conv.StudentID)
	return authz.StudentMayWrite(f), err
}

// studentContacts lists the students of the teacher's classes they may
// write to now, for the composer.
func (a *App) studentContacts(ctx context.Context, s *Session, classes []int64) ([]store.MessageContact, error) {
	list, err := store.StudentsInClasses(ctx, a.db.R, classes)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	sets := map[int64]store.MessageSettings{}
	var out []store.MessageContact
	for _, c := range list {
		set, ok := sets[c.SchoolID]
		if !ok {
			if set, err = store.MessageSettingsOf(ctx, a.db.R, c.SchoolID); err != nil {
				return nil, err
			}
			sets[c.SchoolID] = set
		}
		if !set.StudentsEnabled {
			continue
		}
		// The rosters are the actor's own classes: they teach the student.
		f := authz.StudentFacts{Enabled: true, MinGrade: set.StudentsMinGrade, Grade: c.Grade, HasGrade: c.HasGrade}
		if authz.StudentMayWrite(f) {
			out = append(out, c.MessageContact)
		}
	}
	return out, nil
}

// ClassGrades lists a school's classes with their grades, for its leaders.
func (a *App) ClassGrades(ctx context.Context, s *Session, schoolID int64) ([]store.ClassGrade, error) {
	if !authz.CanReviewMessages(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	return store.ClassGradesOf(ctx, a.db.R, schoolID)
}

// SetClassGrade sets the grade of a class of the school (nil clears it),
// for its leaders.
func (a *App) SetClassGrade(ctx context.Context, s *Session, schoolID, classID int64, grade *int) error {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return ErrNotFound
	}
	if !authz.CanSetMessaging(s.Actor, schoolID) {
		return ErrForbidden
	}
	if grade != nil && (*grade < store.MinGrade || *grade > store.MaxGrade) {
		v := &ValidationError{}
		v.Add("grade", "message.grade_range", "min", store.MinGrade, "max", store.MaxGrade)
		return v
	}
	ok, err := store.SetClassGrade(ctx, a.db.W, schoolID, classID, grade)
	if err == nil && !ok {
		return ErrNotFound
	}
	return err
}

// HasConversations reports whether the actor is in any conversation: a
// student's navigation shows Messages only then.
func (a *App) HasConversations(ctx context.Context, s *Session) (bool, error) {
	if s == nil {
		return false, nil
	}
	return store.HasConversations(ctx, a.db.R, s.User.ID)
}
