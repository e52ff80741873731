package app

import (
	"context"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Report and block, the school's record and its switches. Anyone reports a
// message someone else wrote to the school's leaders; a member of staff
// blocks a parent from writing to them, and the school's leaders see every
// block and can lift it. A leader exports a conversation's whole history
// for a safeguarding case: the export is written to the audit log, about
// every family member in it, so the family's access log shows it.

// ReportMessage reports a message to the school's leaders.
func (a *App) ReportMessage(ctx context.Context, s *Session, messageID int64, reason string) error {
	m, ref, err := a.readMessage(ctx, a.db.R, s, messageID)
	if err != nil {
		return err
	}
	if !authz.CanReportMessage(s.Actor, ref, m.SenderID) {
		return ErrForbidden
	}
	reason = normText(reason)
	if utf8.RuneCountInString(reason) > MessageMaxReason {
		v := &ValidationError{}
		v.Add("reason", "validation.too_long", "max", MessageMaxReason)
		return v
	}
	return store.CreateMessageReport(ctx, a.db.W, &store.MessageReport{SchoolID: m.SchoolID, MessageID: m.ID, ReporterID: s.User.ID,
		Reason: reason, CreatedAt: a.Now()})
}

// MessageReports lists a school's reported messages no leader has dealt
// with, for its leaders.
func (a *App) MessageReports(ctx context.Context, s *Session, schoolID int64) ([]store.MessageReport, error) {
	if !authz.CanReviewMessages(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	return store.OpenMessageReports(ctx, a.db.R, schoolID)
}

// ResolveMessageReport marks a report (and every other report of the same
// message) dealt with. Messages themselves stay: they are the record.
func (a *App) ResolveMessageReport(ctx context.Context, s *Session, reportID int64) error {
	r, err := store.MessageReportByID(ctx, a.db.R, reportID)
	if err != nil {
		return err
	}
	if !authz.CanReviewMessages(s.Actor, r.SchoolID) {
		return ErrNotFound
	}
	_, err = store.ResolveMessageReports(ctx, a.db.W, r.MessageID, s.User.ID, a.Now())
	return err
}

// BlockParent stops a parent of a student of the school writing to the
// actor (a member of staff), until the block is lifted.
func (a *App) BlockParent(ctx context.Context, s *Session, schoolID, parentID int64, reason string) (*store.MessageBlock, error) {
	if !authz.CanBlockParent(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	ok, err := store.ParentAtSchool(ctx, a.db.R, parentID, schoolID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotFound
	}
	reason = normText(reason)
	if utf8.RuneCountInString(reason) > MessageMaxReason {
		v := &ValidationError{}
		v.Add("reason", "validation.too_long", "max", MessageMaxReason)
		return nil, v
	}
	b := &store.MessageBlock{SchoolID: schoolID, BlockerID: s.User.ID, ParentID: parentID, Reason: reason, CreatedAt: a.Now()}
	if err := store.CreateMessageBlock(ctx, a.db.W, b); err != nil {
		return nil, err // a block in force already: ErrConflict
	}
	return b, nil
}

// LiftMessageBlock ends a block: who made it, or a leader of its school.
func (a *App) LiftMessageBlock(ctx context.Context, s *Session, blockID int64) error {
	b, err := store.MessageBlockByID(ctx, a.db.R, blockID)
	if err != nil {
		return err
	}
	if !authz.CanLiftMessageBlock(s.Actor, b.SchoolID, b.BlockerID) {
		return ErrNotFound
	}
	ok, err := store.LiftMessageBlock(ctx, a.db.W, b.ID, s.User.ID, a.Now())
	if err == nil && !ok {
		err = &RefusedError{Key: "message.block_lifted_already", Err: ErrConflict}
	}
	return err
}

// MessageBlocks lists blocks in force: a school's, for its leaders.
func (a *App) MessageBlocks(ctx context.Context, s *Session, schoolID int64) ([]store.MessageBlock, error) {
	if !authz.CanReviewMessages(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	return store.BlocksOfSchool(ctx, a.db.R, schoolID)
}

// MyMessageBlocks lists the blocks in force the actor made.
func (a *App) MyMessageBlocks(ctx context.Context, s *Session) ([]store.MessageBlock, error) {
	return store.BlocksBy(ctx, a.db.R, s.User.ID)
}

// MessageSettings reads a school's messaging switches, for its staff.
func (a *App) MessageSettings(ctx context.Context, s *Session, schoolID int64) (store.MessageSettings, error) {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return store.MessageSettings{}, ErrNotFound
	}
	return store.MessageSettingsOf(ctx, a.db.R, schoolID)
}

// SetMessageSettings saves a school's messaging switches, for its leaders.
func (a *App) SetMessageSettings(ctx context.Context, s *Session, schoolID int64, set store.MessageSettings) error {
	if !authz.CanViewSchool(s.Actor, schoolID) {
		return ErrNotFound
	}
	if !authz.CanSetMessaging(s.Actor, schoolID) {
		return ErrForbidden
	}
	if set.StudentsMinGrade < store.MinGrade || set.StudentsMinGrade > store.MaxGrade {
		v := &ValidationError{}
		v.Add("students_min_grade", "message.grade_range", "min", store.MinGrade, "max", store.MaxGrade)
		return v
	}
	return store.SetMessageSettings(ctx, a.db.W, schoolID, set, a.Now())
}

// SchoolConversations lists a school's conversations, latest first, for
// its leaders to find one for a safeguarding export (who and when only).
func (a *App) SchoolConversations(ctx context.Context, s *Session, schoolID int64, limit int) ([]InboxEntry, error) {
	if !authz.CanReviewMessages(s.Actor, schoolID) {
		return nil, ErrNotFound
	}
	if limit <= 0 || limit > messagePageMax {
		limit = messagePageMax
	}
	list, err := store.ConversationsOfSchool(ctx, a.db.R, schoolID, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	writers, err := store.WritersOf(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	out := make([]InboxEntry, len(list))
	for i, c := range list {
		out[i] = InboxEntry{InboxItem: store.InboxItem{Conversation: c}, With: writers[c.ID]}
	}
	return out, nil
}

// ExportConversation gives a leader a conversation's full history for a
// safeguarding case, writing the export to the audit log about the child
// it concerns and every parent in it: their access log shows who exported
// it and when.
func (a *App) ExportConversation(ctx context.Context, s *Session, convID int64) (*ConversationView, error) {
	conv, err := store.ConversationByID(ctx, a.db.R, convID)
	if err != nil {
		return nil, err
	}
	if !authz.CanReviewMessages(s.Actor, conv.SchoolID) {
		return nil, ErrNotFound
	}
	writers, err := store.Writers(ctx, a.db.R, conv.ID)
	if err != nil {
		return nil, err
	}
	var subjects []int64
	if conv.StudentID != 0 {
		st, err := store.StudentByID(ctx, a.db.R, conv.StudentID)
		if err != nil {
			return nil, err
		}
		subjects = append(subjects, st.UserID)
	}
	for _, w := range writers {
		if w.Kind == store.KindParent {
			subjects = append(subjects, w.UserID)
		}
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		for _, id := range subjects {
			if err := a.audit(ctx, tx, store.AuditEntry{SchoolID: conv.SchoolID, ActorID: s.User.ID, ActorRole: roleOf(s),
				Action: store.AuditExport, SubjectID: id, Detail: "conversation"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.history(ctx, s, conv, authz.Conversation{SchoolID: conv.SchoolID})
}
