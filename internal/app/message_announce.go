package app

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Announcements: a teacher to all connected parents of a class, a leader
// to every family or all staff of the school. The recipients are fixed
// when it is sent (custody applied: a parent a block cuts from every
// child of the class gets nothing) and read it in their inbox; their
// replies go privately to the sender, in a conversation of its own. Only
// leaders mark one urgent; an urgent announcement is emailed at once, even
// to staff in their quiet hours. A scheduled announcement (SendAt) is
// written at once, with its recipients fixed then, and reaches them at
// its time: their inbox shows it from then on, and the notification job
// tells them then (their open pages live, their emails); until then its
// sender sees it as scheduled and may call it off, and may correct it
// until five minutes after it goes.

// Announcement says where an announcement goes.
type Announcement struct {
	Audience string // store.AudienceClass, AudienceFamilies or AudienceStaff
	ClassID  int64  // the class, for AudienceClass
	SchoolID int64  // the school, for the others
	Subject  string
	Urgent   bool
	SendAt   *time.Time // when to send it, or nil for now
}

// MaxSchedule is how far ahead an announcement may be scheduled.
const MaxSchedule = 90 * 24 * time.Hour

// Announce sends an announcement and returns its conversation.
func (a *App) Announce(ctx context.Context, s *Session, an Announcement, d MessageDraft) (*store.Conversation, error) {
	text, err := checkDraft(d)
	v, _ := err.(*ValidationError) // checkDraft returns nothing else
	if v == nil {
		v = &ValidationError{}
	}
	subject := normText(an.Subject)
	switch {
	case subject == "":
		v.Add("subject", "message.subject_required")
	case utf8.RuneCountInString(subject) > MessageMaxSubject || containsNewline(subject):
		v.Add("subject", "validation.too_long", "max", MessageMaxSubject)
	}
	now := a.Now()
	if an.SendAt != nil {
		switch at := an.SendAt.UTC(); {
		case !at.After(now.Add(time.Minute)):
			v.Add("send_at", "message.send_at_past")
		case at.After(now.Add(MaxSchedule)):
			v.Add("send_at", "message.send_at_too_far", "days", int(MaxSchedule/(24*time.Hour)))
		default:
			t := at.Truncate(time.Microsecond)
			an.SendAt = &t
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	conv := &store.Conversation{Kind: store.ConvAnnouncement, Audience: an.Audience, Subject: subject, Urgent: an.Urgent, CreatedBy: s.User.ID, SendAt: an.SendAt}
	var to []int64
	switch an.Audience {
	case store.AudienceClass:
		c, err := a.viewClass(ctx, s, an.ClassID)
		if err != nil {
			return nil, err
		}
		if !authz.CanAnnounceToClass(s.Actor, authz.ClassRef{ID: c.ID, SchoolID: c.SchoolID}) {
			return nil, ErrForbidden
		}
		if c.ArchivedAt != nil {
			return nil, ErrArchived
		}
		conv.SchoolID, conv.ClassID = c.SchoolID, c.ID
		if to, err = store.ParentsOfClass(ctx, a.db.R, c.ID, a.keepEligible()); err != nil {
			return nil, err
		}
	case store.AudienceFamilies, store.AudienceStaff:
		if !authz.CanViewSchool(s.Actor, an.SchoolID) {
			return nil, ErrNotFound
		}
		if !authz.CanAnnounceToSchool(s.Actor, an.SchoolID) {
			return nil, ErrForbidden
		}
		conv.SchoolID = an.SchoolID
		if an.Audience == store.AudienceFamilies {
			to, err = store.ParentsOfSchool(ctx, a.db.R, an.SchoolID, a.keepEligible())
		} else {
			to, err = store.ActiveStaffIDs(ctx, a.db.R, an.SchoolID)
		}
		if err != nil {
			return nil, err
		}
	default:
		v.Add("audience", "message.bad_audience")
		return nil, v
	}
	if an.Urgent && !authz.CanAnnounceToSchool(s.Actor, conv.SchoolID) {
		return nil, &RefusedError{Key: "message.urgent_leaders", Err: ErrForbidden}
	}
	to = without(to, s.User.ID)
	if len(to) == 0 {
		return nil, &RefusedError{Key: "message.no_recipients", Err: ErrConflict}
	}
	if err := a.allowSend(s); err != nil {
		return nil, err
	}
	files, err := a.prepareMessageFiles(d.Files)
	if err != nil {
		return nil, err
	}
	conv.CreatedAt = now
	sent := now // the message's time: when its recipients get it
	if conv.SendAt != nil {
		sent = *conv.SendAt
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := store.CreateConversation(ctx, tx, conv); err != nil {
			return err
		}
		if err := store.AddMember(ctx, tx, conv.SchoolID, conv.ID, s.User.ID, store.RoleMember, now); err != nil {
			return err
		}
		if err := store.AddRecipients(ctx, tx, conv.SchoolID, conv.ID, to, now); err != nil {
			return err
		}
		if _, err := a.writeMessage(ctx, tx, s, conv, text, files, sent); err != nil {
			return err
		}
		return a.notifyRecipients(ctx, tx, s, conv, now)
	})
	if err != nil {
		a.dropMessageFiles(files)
		return nil, err
	}
	a.countSend(s)
	a.announceMessage(ctx, conv.ID)
	return store.ConversationByID(ctx, a.db.R, conv.ID)
}

// CancelAnnouncement calls off a scheduled announcement before its time:
// the conversation, its message and files, and every notification and
// email waiting to tell its recipients go together, so none of them ever
// hears of it. Its sender alone may; once sent it can only be corrected.
func (a *App) CancelAnnouncement(ctx context.Context, s *Session, convID int64) error {
	conv, ref, err := a.conversation(ctx, s, convID)
	if err != nil {
		return err
	}
	if conv.Kind != store.ConvAnnouncement {
		return ErrNotFound
	}
	if !authz.CanCancelAnnouncement(s.Actor, ref, conv.CreatedBy) {
		if conv.CreatedBy == s.User.ID {
			return &RefusedError{Key: "message.cancel_too_late", Err: ErrConflict}
		}
		return ErrForbidden
	}
	files, err := store.MessageFileKeys(ctx, a.db.R, conv.ID)
	if err != nil {
		return err
	}
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		ok, err := store.CancelScheduled(ctx, tx, conv.ID, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return &RefusedError{Key: "message.cancel_too_late", Err: ErrConflict}
		}
		return store.DeleteNoticesOf(ctx, tx, notify.KindMessage, conv.ID)
	})
	if err != nil {
		return err
	}
	a.removeFiles(files)
	a.InboxEvents().PublishTo(s.User.ID, PointEvent{ConversationID: conv.ID})
	return nil
}

func containsNewline(s string) bool {
	for _, r := range s {
		if r == '\n' || r == '\r' {
			return true
		}
	}
	return false
}

func without(ids []int64, id int64) []int64 {
	out := ids[:0:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// notifyRecipients tells each recipient of an announcement, inside its
// transaction: all of them or none, and each once. An urgent one is not
// held for quiet hours. Many recipients go through the notification job.
func (a *App) notifyRecipients(ctx context.Context, tx db.Querier, s *Session, conv *store.Conversation, now time.Time) error {
	list, err := store.Recipients(ctx, tx, conv.ID)
	if err != nil {
		return err
	}
	to := make([]int64, len(list))
	for i, m := range list {
		to[i] = m.UserID
	}
	at := now
	if conv.SendAt != nil {
		at = *conv.SendAt
	}
	// A scheduled one goes through the notification job at its time, so
	// nothing of it — a notification, an email — exists before then, and
	// calling it off leaves nothing behind (CancelAnnouncement).
	return a.Notify(ctx, tx, Notice{Kind: notify.KindMessage, SchoolID: conv.SchoolID, RefID: conv.ID, ActorID: s.User.ID,
		To: to, At: at, Delay: at.Sub(now), Urgent: conv.Urgent})
}

// ReplyToAnnouncement answers an announcement privately: the reply goes to
// its sender alone, in a conversation of the two of them (the same one for
// every reply), never to the other recipients.
func (a *App) ReplyToAnnouncement(ctx context.Context, s *Session, announcementID int64, d MessageDraft) (*store.Conversation, *store.Message, error) {
	text, err := checkDraft(d)
	if err != nil {
		return nil, nil, err
	}
	ann, ref, err := a.conversation(ctx, s, announcementID)
	if err != nil {
		return nil, nil, err
	}
	if ann.Kind != store.ConvAnnouncement {
		return nil, nil, ErrNotFound
	}
	if !authz.CanReplyToAnnouncement(s.Actor, ref) {
		if ref.Blocked {
			return nil, nil, &RefusedError{Key: "message.blocked", Err: ErrForbidden}
		}
		return nil, nil, ErrForbidden
	}
	if ann.CreatedBy == 0 {
		return nil, nil, &RefusedError{Key: "message.sender_gone", Err: ErrGone}
	}
	if err := a.allowSend(s); err != nil {
		return nil, nil, err
	}
	files, err := a.prepareMessageFiles(d.Files)
	if err != nil {
		return nil, nil, err
	}
	now := a.Now()
	conv := &store.Conversation{SchoolID: ann.SchoolID, Kind: store.ConvDirect, ReplyTo: ann.ID, CreatedBy: s.User.ID, CreatedAt: now}
	if ann.ClassID != 0 && s.Actor.Kind == authz.Parent {
		// The reply is about the parent's child in the class, so a custody
		// block later takes it away with the child.
		for sid := range s.Actor.Children {
			classes, err := store.CurrentClassIDs(ctx, a.db.R, sid)
			if err != nil {
				return nil, nil, err
			}
			for _, c := range classes {
				if c == ann.ClassID && (conv.StudentID == 0 || sid < conv.StudentID) {
					conv.StudentID = sid
				}
			}
		}
	}
	var msg *store.Message
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		id, err := store.FindReply(ctx, tx, ann.ID, s.User.ID)
		switch {
		case err == nil:
			c, err := store.ConversationByID(ctx, tx, id)
			if err != nil {
				return err
			}
			conv = c
		case errors.Is(err, ErrNotFound):
			if err := store.CreateConversation(ctx, tx, conv); err != nil {
				return err
			}
			for _, u := range []int64{s.User.ID, ann.CreatedBy} {
				if err := store.AddMember(ctx, tx, conv.SchoolID, conv.ID, u, store.RoleMember, now); err != nil {
					return err
				}
			}
		default:
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
