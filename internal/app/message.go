package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"cubby/internal/authz"
	"cubby/internal/db"
	"cubby/internal/store"
)

// Messages (issue 12). A teacher and the parents of a student of their
// class write to each other, one parent or all of the student's parents at
// once; a school's leaders and its families; staff of a school among
// themselves. Who may start a conversation with whom is authz/message.go.
// Announcements (message_announce.go) go to a class's families, a school's
// families or its staff; replies go privately to the sender. Every message
// is written in one transaction with its attachments (already processed by
// the media pipeline, message_media.go) and its email notifications
// (outbox rows, held during a teacher's quiet hours: message_quiet.go), so
// a refused or failed message leaves nothing behind. Sent messages stay:
// their sender may only correct them within MessageEditWindow.

// Limits of a message.
const (
	MessageMaxText    = 5000
	MessageMaxFiles   = 5
	MessageMaxSubject = 140
	MessageMaxReason  = 500
	MessageEditWindow = 5 * time.Minute
	messagePageMax    = 100
	// DefaultMessagesPerMinute is how many messages one person may send
	// in a minute unless configured: a teacher answering a dozen families
	// stays under it, a flood does not.
	DefaultMessagesPerMinute = 30
)

// Messages configures messaging.
type Messages struct {
	// PerMinute limits the messages one person sends a minute; 0 means
	// DefaultMessagesPerMinute.
	PerMinute int

	once  sync.Once
	limit *limiter
	hub   *Hub
}

func (m *Messages) init() {
	m.once.Do(func() {
		n := m.PerMinute
		if n <= 0 {
			n = DefaultMessagesPerMinute
		}
		m.limit = newLimiter(n, time.Minute)
		m.hub = NewHub()
	})
}

// InboxEvents is the live stream of people's conversations: events keyed by
// user id, each naming a conversation that has a new message or was read
// (PointEvent.ConversationID). Pages fetch what changed, which checks
// again who may see it.
func (a *App) InboxEvents() *Hub {
	a.Messages.init()
	return a.Messages.hub
}

// MessageDraft is what a message is made of.
type MessageDraft struct {
	Text  string
	Files []StoryFile
}

// checkDraft validates a message's text and file count; HTML and script
// are kept as text (pages and emails escape them).
func checkDraft(d MessageDraft) (string, error) {
	text := normText(d.Text)
	v := &ValidationError{}
	if utf8.RuneCountInString(text) > MessageMaxText {
		v.Add("text", "validation.too_long", "max", MessageMaxText)
	}
	if text == "" && len(d.Files) == 0 {
		v.Add("text", "message.empty")
	}
	if len(d.Files) > MessageMaxFiles {
		v.Add("files", "story.too_many_files", "max", MessageMaxFiles)
	}
	return text, v.Err()
}

// allowSend holds a person to the messages they may send a minute.
func (a *App) allowSend(s *Session) error {
	a.Messages.init()
	if wait := a.Messages.limit.check(itoa64(s.User.ID), a.clock()); wait > 0 {
		return &RateLimitError{RetryAfter: wait, Key: "message.too_many"}
	}
	return nil
}

func (a *App) countSend(s *Session) { a.Messages.limit.add(itoa64(s.User.ID), a.clock()) }

// NewConversation says whom a conversation is with.
type NewConversation struct {
	SchoolID int64
	// StudentID is the child a family conversation is about; 0 between
	// staff.
	StudentID int64
	// To is the person written to. AllParents (staff only) writes to all
	// of the student's connected parents at once, in one group.
	To         int64
	AllParents bool
}

// StartConversation writes the first message to someone, or a message in
// the conversation already open with them about the same child, which it
// returns with the message.
func (a *App) StartConversation(ctx context.Context, s *Session, nc NewConversation, d MessageDraft) (*store.Conversation, *store.Message, error) {
	text, err := checkDraft(d)
	if err != nil {
		return nil, nil, err
	}
	if err := a.allowSend(s); err != nil {
		return nil, nil, err
	}
	if s.Actor.Kind == authz.Student {
		// Students answer their teacher; they start nothing.
		return nil, nil, &RefusedError{Key: "message.students_cannot_start", Err: ErrForbidden}
	}
	if st, err := a.studentPeer(ctx, nc); err != nil {
		return nil, nil, err
	} else if st != nil {
		return a.startStudentConversation(ctx, s, nc, st, text, d)
	}
	to, kind, err := a.reachable(ctx, s, nc)
	if err != nil {
		return nil, nil, err
	}
	members := append([]int64{s.User.ID}, to...)
	slices.Sort(members)
	files, err := a.prepareMessageFiles(d.Files)
	if err != nil {
		return nil, nil, err
	}
	now := a.Now()
	conv := &store.Conversation{SchoolID: nc.SchoolID, Kind: kind, StudentID: nc.StudentID, CreatedBy: s.User.ID, CreatedAt: now}
	var msg *store.Message
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		id, err := store.FindConversation(ctx, tx, nc.SchoolID, kind, nc.StudentID, members)
		switch {
		case err == nil:
			conv.ID = id
		case errors.Is(err, ErrNotFound):
			if err := store.CreateConversation(ctx, tx, conv); err != nil {
				return err
			}
			for _, u := range members {
				if err := store.AddMember(ctx, tx, nc.SchoolID, conv.ID, u, store.RoleMember, now); err != nil {
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

// reachable resolves whom a new conversation is with, checking each
// person against authz.CanMessage: anyone the actor may not write to does
// not exist for them (404), except a parent blocked by the member of
// staff, who is told they cannot write to them.
func (a *App) reachable(ctx context.Context, s *Session, nc NewConversation) ([]int64, string, error) {
	check := func(id int64) error {
		ok, blocked, err := a.mayMessage(ctx, s, id, nc.SchoolID, nc.StudentID)
		switch {
		case err != nil:
			return err
		case blocked:
			return &RefusedError{Key: "message.blocked", Err: ErrForbidden}
		case !ok:
			return ErrNotFound
		}
		return nil
	}
	if !nc.AllParents {
		if nc.To == 0 {
			v := &ValidationError{}
			v.Add("to", "message.no_recipient")
			return nil, "", v
		}
		return []int64{nc.To}, store.ConvDirect, check(nc.To)
	}
	// A group: the member of staff and all of the child's parents (those
	// a custody block cuts are not among them).
	if nc.StudentID == 0 || !authz.CanContactOthers(s.Actor) {
		return nil, "", ErrNotFound
	}
	parents, err := store.ParentsOfStudent(ctx, a.db.R, nc.StudentID, a.keepEligible())
	if err != nil {
		return nil, "", err
	}
	var to []int64
	switch s.Actor.Kind {
	case authz.Teacher, authz.Leader:
		for _, p := range parents {
			if err := check(p); err != nil {
				return nil, "", err
			}
		}
		to = parents
	case authz.Parent:
		// A parent starts the group with a member of staff who reaches
		// their child, and so every parent of the child.
		if nc.To == 0 || !slices.Contains(parents, s.User.ID) {
			return nil, "", ErrNotFound
		}
		if err := check(nc.To); err != nil {
			return nil, "", err
		}
		to = append([]int64{nc.To}, slices.DeleteFunc(parents, func(id int64) bool { return id == s.User.ID })...)
	default:
		return nil, "", ErrNotFound
	}
	if len(to) == 0 {
		return nil, "", &RefusedError{Key: "message.no_parents", Err: ErrConflict}
	}
	if len(parents) <= 1 {
		return to, store.ConvDirect, nil // one parent: the conversation is with them
	}
	return to, store.ConvGroup, nil
}

func (a *App) keepEligible() bool { return a.parentAccess() == authz.ParentAccessKeep }

// mayMessage loads what authz needs about the person written to and asks
// it; blocked reports that only the staff's block stands in the way.
func (a *App) mayMessage(ctx context.Context, s *Session, peerID, schoolID, studentID int64) (ok, blocked bool, err error) {
	peer, err := a.messagePeer(ctx, peerID)
	if errors.Is(err, ErrNotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	facts := authz.MessageFacts{ClassesOf: map[int64][]int64{}}
	if studentID != 0 {
		if facts.ClassesOf[studentID], err = store.CurrentClassIDs(ctx, a.db.R, studentID); err != nil {
			return false, false, err
		}
	}
	if s.Actor.Kind == authz.Parent && schoolID != 0 {
		set, err := store.MessageSettingsOf(ctx, a.db.R, schoolID)
		if err != nil {
			return false, false, err
		}
		facts.Office = map[int64]bool{schoolID: set.ParentsOffice}
		id, err := store.BlockedByAny(ctx, a.db.R, s.User.ID, []int64{peerID})
		if err != nil {
			return false, false, err
		}
		if id != 0 {
			facts.Blocked = true
			return false, authz.CanMessage(s.Actor, peer, schoolID, studentID, authz.MessageFacts{ClassesOf: facts.ClassesOf, Office: facts.Office}), nil
		}
	}
	return authz.CanMessage(s.Actor, peer, schoolID, studentID, facts), false, nil
}

// messagePeer is what authz knows about a person someone writes to.
func (a *App) messagePeer(ctx context.Context, userID int64) (authz.MessagePeer, error) {
	u, err := store.UserByID(ctx, a.db.R, userID)
	if err != nil {
		return authz.MessagePeer{}, err
	}
	p := authz.MessagePeer{UserID: u.ID, Kind: authz.Kind(u.Kind), Schools: map[int64]authz.Staff{}}
	switch u.Kind {
	case store.KindTeacher, store.KindLeader:
		schools, classes, err := store.StaffLinks(ctx, a.db.R, u.ID)
		if err != nil {
			return p, err
		}
		for id, l := range schools {
			p.Schools[id] = authz.Staff{Leader: l.Leader, Verified: l.Verified}
		}
		p.Classes = classes
	case store.KindParent:
		if p.Children, err = a.childrenOf(ctx, a.db.R, u.ID); err != nil {
			return p, err
		}
	}
	return p, nil
}

// SendMessage writes a message in a conversation the actor is in.
func (a *App) SendMessage(ctx context.Context, s *Session, convID int64, d MessageDraft) (*store.Message, error) {
	text, err := checkDraft(d)
	if err != nil {
		return nil, err
	}
	conv, ref, err := a.conversation(ctx, s, convID)
	if err != nil {
		return nil, err
	}
	if !authz.CanWriteInConversation(s.Actor, ref) {
		if ref.Blocked {
			return nil, &RefusedError{Key: "message.blocked", Err: ErrForbidden}
		}
		if ref.Recipient {
			return nil, &RefusedError{Key: "message.reply_privately", Err: ErrForbidden}
		}
		if ref.Observer {
			return nil, &RefusedError{Key: "message.reading_along", Err: ErrForbidden}
		}
		if ref.Kind == store.ConvStudent && !ref.StudentsOn {
			return nil, &RefusedError{Key: "message.students_read_only", Err: ErrForbidden}
		}
		return nil, ErrForbidden
	}
	if err := a.allowSend(s); err != nil {
		return nil, err
	}
	files, err := a.prepareMessageFiles(d.Files)
	if err != nil {
		return nil, err
	}
	var msg *store.Message
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		if err := a.addStudentParents(ctx, tx, conv, a.Now()); err != nil {
			return err
		}
		msg, err = a.writeMessage(ctx, tx, s, conv, text, files, a.Now())
		return err
	})
	if err != nil {
		a.dropMessageFiles(files)
		return nil, err
	}
	a.countSend(s)
	a.announceMessage(ctx, conv.ID)
	return msg, nil
}

// writeMessage inserts a message with its files and notifications, inside
// the caller's transaction.
func (a *App) writeMessage(ctx context.Context, tx db.Querier, s *Session, conv *store.Conversation, text string, files []*messageFile, now time.Time) (*store.Message, error) {
	// Who is waiting for this conversation already: they have had an
	// email about it and have not opened it since, so they get no other.
	waiting, err := a.waitingMembers(ctx, tx, conv.ID, s.User.ID)
	if err != nil {
		return nil, err
	}
	msg := &store.Message{SchoolID: conv.SchoolID, ConversationID: conv.ID, SenderID: s.User.ID, SenderKind: s.User.Kind, Body: text, CreatedAt: now}
	if err := store.CreateMessage(ctx, tx, msg); err != nil {
		return nil, err
	}
	for i, f := range files {
		at := &store.MessageAttachment{SchoolID: conv.SchoolID, MessageID: msg.ID, PublicID: NewToken(), Position: i, Kind: f.kind, Name: f.name,
			ContentType: f.contentType, Size: f.size, Width: f.width, Height: f.height, FileKey: f.key, CreatedAt: now}
		if err := store.CreateMessageAttachment(ctx, tx, at); err != nil {
			return nil, err
		}
	}
	if err := a.notifyMembers(ctx, tx, s, conv, waiting, now); err != nil {
		return nil, err
	}
	msg.SenderTitle, msg.SenderFirst, msg.SenderLast = s.User.Title, s.User.FirstName, s.User.LastName
	return msg, nil
}

// conversation loads a conversation the actor may see, with the facts
// authz needs; ErrNotFound for anyone else.
func (a *App) conversation(ctx context.Context, s *Session, convID int64) (*store.Conversation, authz.Conversation, error) {
	conv, err := store.ConversationByID(ctx, a.db.R, convID)
	if err != nil {
		return nil, authz.Conversation{}, err
	}
	ref := authz.Conversation{SchoolID: conv.SchoolID, Kind: conv.Kind, StudentID: conv.StudentID, Scheduled: conv.Scheduled(a.Now())}
	m, err := store.MemberOf(ctx, a.db.R, conv.ID, s.User.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, ref, err
	}
	if m != nil {
		ref.Member, ref.Recipient, ref.Observer = true, m.Role == store.RoleRecipient, m.Role == store.RoleObserver
	}
	if !authz.CanSeeConversation(s.Actor, ref) {
		return nil, ref, ErrNotFound
	}
	set, err := store.MessageSettingsOf(ctx, a.db.R, conv.SchoolID)
	if err != nil {
		return nil, ref, err
	}
	ref.ParentReceipts = set.ParentReceipts
	if ref.StudentsOn, err = a.studentsOn(ctx, conv); err != nil {
		return nil, ref, err
	}
	if s.Actor.Kind == authz.Parent && !ref.Observer {
		staff, err := a.staffIn(ctx, conv)
		if err != nil {
			return nil, ref, err
		}
		id, err := store.BlockedByAny(ctx, a.db.R, s.User.ID, staff)
		if err != nil {
			return nil, ref, err
		}
		ref.Blocked = id != 0
	}
	return conv, ref, nil
}

// staffIn lists the staff who write in a conversation (an announcement's
// sender included).
func (a *App) staffIn(ctx context.Context, conv *store.Conversation) ([]int64, error) {
	writers, err := store.Writers(ctx, a.db.R, conv.ID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, w := range writers {
		if w.Kind == store.KindTeacher || w.Kind == store.KindLeader {
			out = append(out, w.UserID)
		}
	}
	return out, nil
}

// announceMessage tells the open pages of everyone in a conversation that
// it changed; each page fetches what is new, which checks again who may
// see it.
func (a *App) announceMessage(ctx context.Context, convID int64) {
	ids, err := store.MemberIDs(ctx, a.db.R, convID)
	if err != nil {
		a.Log.Error("message: announce", "err", err)
		return
	}
	for _, id := range ids {
		a.InboxEvents().PublishTo(id, PointEvent{ConversationID: convID})
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
