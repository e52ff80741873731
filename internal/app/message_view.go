package app

import (
	"context"
	"errors"
	"slices"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/notify"
	"cubby/internal/store"
)

// Reading messages: the inbox, a conversation (which marks it read and
// tells the others' open pages, for their read receipts), unread counts,
// and correcting a typo.

// InboxEntry is one conversation of the inbox.
type InboxEntry struct {
	store.InboxItem
	// With are the others who write in it (an announcement: its sender).
	With []store.Member
}

// InboxPage is a page of the inbox, latest first.
type InboxPage struct {
	Items []InboxEntry
	Next  string
}

// familyFilter is the children a parent acts for, for queries that leave
// out conversations about other children (custody); nil for others.
func familyFilter(a *authz.Actor) []int64 {
	if a.Kind != authz.Parent {
		return nil
	}
	out := make([]int64, 0, len(a.Children))
	for id := range a.Children {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Inbox lists the actor's conversations, latest message first.
func (a *App) Inbox(ctx context.Context, s *Session, cursor string, limit int) (*InboxPage, error) {
	if limit <= 0 || limit > messagePageMax {
		limit = 50
	}
	before, err := parseTimeCursor(cursor)
	if err != nil {
		return nil, err
	}
	items, err := store.Inbox(ctx, a.db.R, s.User.ID, familyFilter(s.Actor), a.Now(), before, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	writers, err := store.WritersOf(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	page := &InboxPage{Items: make([]InboxEntry, 0, len(items))}
	for _, it := range items {
		e := InboxEntry{InboxItem: it}
		for _, w := range writers[it.ID] {
			if w.UserID != s.User.ID {
				e.With = append(e.With, w)
			}
		}
		page.Items = append(page.Items, e)
	}
	if len(items) == limit {
		last := items[len(items)-1]
		page.Next = timeCursor(last.LastMessageAt, last.ID)
	}
	return page, nil
}

// UnreadMessages counts the actor's unread messages, for the navigation.
func (a *App) UnreadMessages(ctx context.Context, s *Session) (int, error) {
	if s == nil {
		return 0, nil
	}
	return store.UnreadTotal(ctx, a.db.R, s.User.ID, familyFilter(s.Actor), a.Now())
}

// MessageView is a message as the reader sees it.
type MessageView struct {
	store.Message
	Attachments []store.MessageAttachment
	Mine        bool
	// Reads are who read it and when: the sender's own messages, when
	// receipts are theirs to see.
	Reads     []store.Read
	CanEdit   bool
	CanReport bool
}

// ConversationView is a conversation with its latest messages.
type ConversationView struct {
	Conversation store.Conversation
	Writers      []store.Member // everyone who writes in it, the reader included
	Messages     []MessageView  // oldest first
	Older        int64          // the id to ask for older messages before; 0: none
	CanWrite     bool
	CanReply     bool
	Receipts     bool // the reader sees read receipts
	Recipient    bool // an announcement the reader received
	Blocked      bool // a member of staff in it blocked the reader
	// Recipients counts an announcement's recipients (for its sender).
	Recipients int
	// ReplyTo is the announcement a private reply answers.
	ReplyTo *store.Conversation
	// Quiet names the staff in it who are in quiet hours now (for
	// families and students).
	Quiet []QuietNotice
	// ReadingAlong are a student conversation's parents, who read every
	// message and write none; Observer: the reader is one of them.
	ReadingAlong []store.Member
	Observer     bool
	// ReadOnly: a student conversation the school no longer allows
	// writing in (turned off, or the student below its grade now).
	ReadOnly bool
}

// OpenConversation shows a conversation's latest messages (or those before
// a message id) and, for the latest, marks it read.
func (a *App) OpenConversation(ctx context.Context, s *Session, convID, before int64, limit int) (*ConversationView, error) {
	if limit <= 0 || limit > messagePageMax {
		limit = 50
	}
	conv, ref, err := a.conversation(ctx, s, convID)
	if err != nil {
		return nil, err
	}
	if before == 0 {
		n, err := store.MarkRead(ctx, a.db.W, conv.ID, s.User.ID, a.Now())
		if err != nil {
			return nil, err
		}
		if n > 0 {
			a.announceMessage(ctx, conv.ID) // the senders' receipts
		}
		a.readNotificationsOf(ctx, s, conv.ID, notify.KindMessage)
	}
	v := &ConversationView{Conversation: *conv, CanWrite: authz.CanWriteInConversation(s.Actor, ref), CanReply: authz.CanReplyToAnnouncement(s.Actor, ref),
		Receipts: authz.CanSeeReceipts(s.Actor, ref), Recipient: ref.Recipient, Blocked: ref.Blocked,
		Observer: ref.Observer, ReadOnly: conv.Kind == store.ConvStudent && !ref.StudentsOn}
	if v.Writers, err = store.Writers(ctx, a.db.R, conv.ID); err != nil {
		return nil, err
	}
	if conv.Kind == store.ConvStudent {
		if v.ReadingAlong, err = store.Observers(ctx, a.db.R, conv.ID); err != nil {
			return nil, err
		}
	}
	list, err := store.MessagesOf(ctx, a.db.R, conv.ID, before, limit+1)
	if err != nil {
		return nil, err
	}
	if len(list) > limit {
		list = list[:limit]
		v.Older = list[len(list)-1].ID
	}
	slices.Reverse(list)
	if err := a.messageViews(ctx, s, ref, list, v); err != nil {
		return nil, err
	}
	if conv.Kind == store.ConvAnnouncement && !ref.Recipient {
		if v.Recipients, err = store.CountMembers(ctx, a.db.R, conv.ID, store.RoleRecipient); err != nil {
			return nil, err
		}
	}
	if conv.ReplyTo != 0 {
		if r, err := store.ConversationByID(ctx, a.db.R, conv.ReplyTo); err == nil {
			v.ReplyTo = r
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	if s.Actor.Kind == authz.Parent || s.Actor.Kind == authz.Student {
		for _, w := range v.Writers {
			if w.Kind != store.KindTeacher && w.Kind != store.KindLeader {
				continue
			}
			q, err := a.quietNow(ctx, a.db.R, w.UserID, w.DisplayName())
			if err != nil {
				return nil, err
			}
			if q != nil {
				v.Quiet = append(v.Quiet, *q)
			}
		}
	}
	return v, nil
}

func (a *App) messageViews(ctx context.Context, s *Session, ref authz.Conversation, list []store.Message, v *ConversationView) error {
	ids := make([]int64, len(list))
	var mine []int64
	for i, m := range list {
		ids[i] = m.ID
		if m.SenderID == s.User.ID {
			mine = append(mine, m.ID)
		}
	}
	atts, err := store.AttachmentsOfMessages(ctx, a.db.R, ids)
	if err != nil {
		return err
	}
	reads := map[int64][]store.Read{}
	if v.Receipts {
		if reads, err = store.ReadsOf(ctx, a.db.R, mine); err != nil {
			return err
		}
	}
	edit := a.Now().Add(-MessageEditWindow)
	for _, m := range list {
		mv := MessageView{Message: m, Attachments: atts[m.ID], Mine: m.SenderID == s.User.ID, Reads: reads[m.ID]}
		mv.CanEdit = authz.CanEditMessage(s.Actor, ref, m.SenderID) && !m.CreatedAt.Before(edit)
		mv.CanReport = authz.CanReportMessage(s.Actor, ref, m.SenderID)
		v.Messages = append(v.Messages, mv)
	}
	return nil
}

// EditMessage corrects a message the actor sent in the last five minutes;
// the message shows as edited and keeps what was first sent.
func (a *App) EditMessage(ctx context.Context, s *Session, messageID int64, text string) (*store.Message, error) {
	m, err := store.MessageByID(ctx, a.db.R, messageID)
	if err != nil {
		return nil, err
	}
	_, ref, err := a.conversation(ctx, s, m.ConversationID)
	if err != nil {
		return nil, err
	}
	if !authz.CanEditMessage(s.Actor, ref, m.SenderID) {
		return nil, ErrForbidden
	}
	text = normText(text)
	v := &ValidationError{}
	if utf8.RuneCountInString(text) > MessageMaxText {
		v.Add("text", "validation.too_long", "max", MessageMaxText)
	}
	if text == "" {
		v.Add("text", "message.empty")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if text == m.Body {
		return m, nil
	}
	now := a.Now()
	ok, err := store.EditMessage(ctx, a.db.W, m.ID, s.User.ID, text, now.Add(-MessageEditWindow), now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &RefusedError{Key: "message.edit_too_late", Err: ErrConflict}
	}
	a.announceMessage(ctx, m.ConversationID)
	return store.MessageByID(ctx, a.db.R, m.ID)
}

// MessageHistory is every message of a conversation the actor is in,
// oldest first, for its download or printing.
func (a *App) MessageHistory(ctx context.Context, s *Session, convID int64) (*ConversationView, error) {
	conv, ref, err := a.conversation(ctx, s, convID)
	if err != nil {
		return nil, err
	}
	return a.history(ctx, s, conv, ref)
}

func (a *App) history(ctx context.Context, s *Session, conv *store.Conversation, ref authz.Conversation) (*ConversationView, error) {
	v := &ConversationView{Conversation: *conv, Receipts: true}
	var err error
	if v.Writers, err = store.Writers(ctx, a.db.R, conv.ID); err != nil {
		return nil, err
	}
	list, err := store.AllMessagesOf(ctx, a.db.R, conv.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	atts, err := store.AttachmentsOfMessages(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	reads, err := store.ReadsOf(ctx, a.db.R, ids)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		v.Messages = append(v.Messages, MessageView{Message: m, Attachments: atts[m.ID], Reads: reads[m.ID], Mine: m.SenderID == s.User.ID})
	}
	return v, nil
}

// Contacts lists whom the actor may start a conversation with, for the
// composer: a teacher's families (by child), a parent's children's
// teachers (and the office where the school allows it), a school's staff.
func (a *App) Contacts(ctx context.Context, s *Session) ([]store.MessageContact, error) {
	if !authz.CanContactOthers(s.Actor) {
		return nil, nil
	}
	act := s.Actor
	var out []store.MessageContact
	switch act.Kind {
	case authz.Parent:
		kids := familyFilter(act)
		if len(kids) == 0 {
			return nil, nil
		}
		list, err := store.TeachersOfStudents(ctx, a.db.R, kids)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		leaders, err := store.LeadersOfStudents(ctx, a.db.R, kids)
		if err != nil {
			return nil, err
		}
		office := map[int64]bool{}
		for _, sid := range act.SchoolIDs() {
			set, err := store.MessageSettingsOf(ctx, a.db.R, sid)
			if err != nil {
				return nil, err
			}
			office[sid] = set.ParentsOffice
		}
		for _, l := range leaders {
			// A leader who teaches the child is listed as a teacher already.
			if office[l.SchoolID] && !slices.ContainsFunc(out, func(c store.MessageContact) bool { return c.UserID == l.UserID && c.StudentID == l.StudentID }) {
				out = append(out, l)
			}
		}
	case authz.Teacher, authz.Leader:
		var classes []int64
		for id := range act.Classes {
			classes = append(classes, id)
		}
		if len(classes) > 0 {
			list, err := store.ParentsInClasses(ctx, a.db.R, classes, a.keepEligible())
			if err != nil {
				return nil, err
			}
			out = append(out, list...)
			students, err := a.studentContacts(ctx, s, classes)
			if err != nil {
				return nil, err
			}
			out = append(out, students...)
		}
		for _, sid := range act.SchoolIDs() {
			st := act.Schools[sid]
			if !st.Verified && !st.Leader {
				continue
			}
			list, err := store.StaffContacts(ctx, a.db.R, sid)
			if err != nil {
				return nil, err
			}
			for _, c := range list {
				if c.UserID != s.User.ID {
					out = append(out, c)
				}
			}
		}
	}
	return out, nil
}

// readMessage loads a message whose conversation the actor sees.
func (a *App) readMessage(ctx context.Context, q db.Querier, s *Session, id int64) (*store.Message, authz.Conversation, error) {
	m, err := store.MessageByID(ctx, q, id)
	if err != nil {
		return nil, authz.Conversation{}, err
	}
	_, ref, err := a.conversation(ctx, s, m.ConversationID)
	return m, ref, err
}
