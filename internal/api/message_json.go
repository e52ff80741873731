package api

import (
	"time"

	"cubby/internal/app"
	"cubby/internal/i18n"
	"cubby/internal/store"
)

// Messages as the API shows them to one reader. Text is returned exactly
// as written: HTML and script in a message are text, and clients show
// them as text.

type personJSON struct {
	UserID string `json:"user_id"`
	Type   string `json:"type"`
	Name   string `json:"name"`
}

type previewJSON struct {
	Text        string  `json:"text"`
	SenderID    *string `json:"sender_id"`
	SenderType  string  `json:"sender_type"`
	Attachments int     `json:"attachments"`
}

type conversationJSON struct {
	ID               string       `json:"id"`
	SchoolID         string       `json:"school_id"`
	Kind             string       `json:"kind"`
	Audience         string       `json:"audience,omitempty"`
	ClassID          *string      `json:"class_id"`
	ClassName        string       `json:"class_name,omitempty"`
	StudentID        *string      `json:"student_id"`
	StudentFirstName string       `json:"student_first_name,omitempty"`
	ReplyTo          *string      `json:"reply_to"`
	Subject          string       `json:"subject,omitempty"`
	Urgent           bool         `json:"urgent"`
	SendAt           *time.Time   `json:"send_at,omitempty"`
	CreatedAt        time.Time    `json:"created_at"`
	LastMessageAt    time.Time    `json:"last_message_at"`
	With             []personJSON `json:"with"`
	// Inbox lines only.
	Role        string       `json:"role,omitempty"`
	Unread      *int         `json:"unread,omitempty"`
	LastMessage *previewJSON `json:"last_message,omitempty"`
	// An announcement's sender: how many received it.
	Recipients *int `json:"recipients,omitempty"`
}

type readJSON struct {
	UserID string    `json:"user_id"`
	Name   string    `json:"name"`
	ReadAt time.Time `json:"read_at"`
}

type messageAttachmentJSON struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	URL         string `json:"url"`
	ThumbURL    string `json:"thumb_url,omitempty"`
}

type messageJSON struct {
	ID             string     `json:"id"`
	ConversationID string     `json:"conversation_id"`
	SenderID       *string    `json:"sender_id"`
	SenderType     string     `json:"sender_type"`
	SenderName     string     `json:"sender_name"`
	Text           string     `json:"text"`
	CreatedAt      time.Time  `json:"created_at"`
	Edited         bool       `json:"edited"`
	EditedAt       *time.Time `json:"edited_at"`
	// OriginalText is the first version of a corrected message, in the
	// history and the school's export.
	OriginalText *string                 `json:"original_text,omitempty"`
	Mine         bool                    `json:"mine"`
	Reads        []readJSON              `json:"reads"`
	Attachments  []messageAttachmentJSON `json:"attachments"`
	CanEdit      bool                    `json:"can_edit"`
	CanReport    bool                    `json:"can_report"`
}

type quietJSON struct {
	UserID string    `json:"user_id"`
	Name   string    `json:"name"`
	Until  time.Time `json:"until"`
}

type conversationViewJSON struct {
	Conversation conversationJSON `json:"conversation"`
	Messages     []messageJSON    `json:"messages"`
	Older        *string          `json:"older"`
	CanWrite     bool             `json:"can_write"`
	CanReply     bool             `json:"can_reply"`
	Receipts     bool             `json:"receipts"`
	Recipient    bool             `json:"recipient"`
	Blocked      bool             `json:"blocked"`
	ReplyTo      *replyToJSON     `json:"reply_to"`
	Quiet        []quietJSON      `json:"quiet"`
	// A student conversation: the parents reading along, whether the
	// caller is one of them, and whether the school made it read-only.
	ReadingAlong []personJSON `json:"reading_along"`
	Observer     bool         `json:"observer"`
	ReadOnly     bool         `json:"read_only"`
}

type replyToJSON struct {
	ID      string `json:"id"`
	Subject string `json:"subject"`
}

type historyJSON struct {
	Conversation conversationJSON `json:"conversation"`
	Writers      []personJSON     `json:"writers"`
	Messages     []messageJSON    `json:"messages"`
}

func optID(n int64) *string {
	if n == 0 {
		return nil
	}
	s := id(n)
	return &s
}

func membersJSON(l *i18n.Localizer, list []store.Member) []personJSON {
	out := []personJSON{}
	for _, m := range list {
		out = append(out, personJSON{UserID: id(m.UserID), Type: m.Kind, Name: l.PersonName(m.Title, m.FirstName, m.LastName)})
	}
	return out
}

// withOthers leaves the reader out of a conversation's writers.
func withOthers(writers []store.Member, self int64) []store.Member {
	var out []store.Member
	for _, w := range writers {
		if w.UserID != self {
			out = append(out, w)
		}
	}
	return out
}

func conversationOf(l *i18n.Localizer, c store.Conversation, with []store.Member) conversationJSON {
	return conversationJSON{ID: id(c.ID), SchoolID: id(c.SchoolID), Kind: c.Kind, Audience: c.Audience, ClassID: optID(c.ClassID), ClassName: c.ClassName,
		StudentID: optID(c.StudentID), StudentFirstName: c.StudentFirst, ReplyTo: optID(c.ReplyTo), Subject: c.Subject, Urgent: c.Urgent,
		SendAt: c.SendAt, CreatedAt: c.CreatedAt.UTC(), LastMessageAt: c.LastMessageAt.UTC(), With: membersJSON(l, with)}
}

func inboxEntryOf(l *i18n.Localizer, e app.InboxEntry) conversationJSON {
	c := conversationOf(l, e.Conversation, e.With)
	unread := e.Unread
	c.Role, c.Unread = e.Role, &unread
	if e.LastMessageID != 0 {
		c.LastMessage = &previewJSON{Text: e.LastBody, SenderID: optID(e.LastSender), SenderType: e.LastKind, Attachments: e.Attachments}
	}
	return c
}

// senderName is a message's sender as the reader's language addresses
// them; "" once their account is erased.
func senderName(l *i18n.Localizer, m store.Message) string {
	if m.SenderID == 0 {
		return ""
	}
	return l.PersonName(m.SenderTitle, m.SenderFirst, m.SenderLast)
}

// MessageFileURL is where a message's attachment is served.
func MessageFileURL(publicID, size string) string {
	u := "/api/v1/message-attachments/" + publicID + "/file"
	if size != "" {
		u += "?size=" + size
	}
	return u
}

// messageOf shows a message; the first version of a corrected one only in
// the full history (withOriginal).
func messageOf(l *i18n.Localizer, m app.MessageView, withOriginal bool) messageJSON {
	out := messageJSON{ID: id(m.ID), ConversationID: id(m.ConversationID), SenderID: optID(m.SenderID), SenderType: m.SenderKind,
		SenderName: senderName(l, m.Message), Text: m.Body, CreatedAt: m.CreatedAt.UTC(), Edited: m.EditedAt != nil, EditedAt: m.EditedAt,
		Mine: m.Mine, Reads: []readJSON{}, Attachments: []messageAttachmentJSON{}, CanEdit: m.CanEdit, CanReport: m.CanReport}
	if out.EditedAt != nil {
		t := out.EditedAt.UTC()
		out.EditedAt = &t
	}
	if withOriginal {
		out.OriginalText = m.OriginalBody
	}
	for _, rd := range m.Reads {
		out.Reads = append(out.Reads, readJSON{UserID: id(rd.UserID), Name: l.PersonName(rd.Title, rd.FirstName, rd.LastName), ReadAt: rd.ReadAt.UTC()})
	}
	for _, a := range m.Attachments {
		v := messageAttachmentJSON{ID: a.PublicID, Kind: a.Kind, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Width: a.Width,
			Height: a.Height, URL: MessageFileURL(a.PublicID, "")}
		if a.Kind == store.AttachPhoto {
			v.ThumbURL = MessageFileURL(a.PublicID, "thumb")
		}
		out.Attachments = append(out.Attachments, v)
	}
	return out
}

func conversationViewOf(l *i18n.Localizer, v *app.ConversationView, self int64) conversationViewJSON {
	out := conversationViewJSON{Conversation: conversationOf(l, v.Conversation, withOthers(v.Writers, self)), Messages: []messageJSON{},
		Older: olderCursor(v.Older), CanWrite: v.CanWrite, CanReply: v.CanReply, Receipts: v.Receipts, Recipient: v.Recipient,
		Blocked: v.Blocked, Quiet: []quietJSON{}, ReadingAlong: []personJSON{}, Observer: v.Observer, ReadOnly: v.ReadOnly}
	for _, m := range v.ReadingAlong {
		out.ReadingAlong = append(out.ReadingAlong, personJSON{UserID: id(m.UserID), Type: m.Kind, Name: l.PersonName(m.Title, m.FirstName, m.LastName)})
	}
	if v.Conversation.Kind == store.ConvAnnouncement && !v.Recipient {
		n := v.Recipients
		out.Conversation.Recipients = &n
	}
	for _, m := range v.Messages {
		out.Messages = append(out.Messages, messageOf(l, m, false))
	}
	if v.ReplyTo != nil {
		out.ReplyTo = &replyToJSON{ID: id(v.ReplyTo.ID), Subject: v.ReplyTo.Subject}
	}
	for _, q := range v.Quiet {
		out.Quiet = append(out.Quiet, quietJSON{UserID: id(q.UserID), Name: q.Name, Until: q.Until.UTC()})
	}
	return out
}

func historyOf(l *i18n.Localizer, v *app.ConversationView, self int64) historyJSON {
	out := historyJSON{Conversation: conversationOf(l, v.Conversation, withOthers(v.Writers, self)), Writers: membersJSON(l, v.Writers), Messages: []messageJSON{}}
	for _, m := range v.Messages {
		out.Messages = append(out.Messages, messageOf(l, m, true))
	}
	return out
}

func init() {
	date := map[string]any{"type": "string", "format": "date-time"}
	nullable := func(t string) map[string]any { return map[string]any{"type": []string{t, "null"}} }
	boolean := map[string]any{"type": "boolean"}
	text := map[string]any{"type": "string", "maxLength": app.MessageMaxText, "description": "kept exactly as written; HTML in it is text"}
	files := map[string]any{"type": "array", "maxItems": app.MessageMaxFiles, "items": map[string]any{"type": "string", "format": "binary"},
		"description": "photos, videos and files, through the stories' media pipeline (metadata removed, same checks and limits)"}
	person := obj(map[string]any{"user_id": str(), "type": enum("teacher", "parent", "leader", "student"), "name": str()}, "user_id", "type", "name")
	conversation := obj(map[string]any{
		"id": str(), "school_id": str(), "kind": enum("direct", "group", "announcement", "student"), "audience": enum("class", "families", "staff"),
		"class_id": nullable("string"), "class_name": str(), "student_id": nullable("string"),
		"student_first_name": map[string]any{"type": "string", "description": "the child a family conversation is about"},
		"reply_to":           map[string]any{"type": []string{"string", "null"}, "description": "the announcement a private reply answers"},
		"subject":            str(), "urgent": boolean, "created_at": date, "last_message_at": date,
		"send_at": map[string]any{"type": "string", "format": "date-time", "description": "a scheduled announcement: when its recipients get it (they see it from then on)"},
		"with":    map[string]any{"type": "array", "items": ref("MessagePerson"), "description": "the others who write in it (an announcement: its sender)"},
		"role":    map[string]any{"type": "string", "enum": []string{"member", "recipient"}, "description": "inbox lines: recipient for an announcement received"},
		"unread":  map[string]any{"type": "integer", "description": "inbox lines: the caller's unread messages in it"},
		"last_message": obj(map[string]any{"text": str(), "sender_id": nullable("string"), "sender_type": str(), "attachments": integer()},
			"text", "sender_id", "sender_type", "attachments"),
		"recipients": map[string]any{"type": "integer", "description": "an announcement's sender: how many received it"},
	}, "id", "school_id", "kind", "class_id", "student_id", "reply_to", "urgent", "created_at", "last_message_at", "with")
	for name, s := range map[string]any{
		"MessagePerson": person,
		"Conversation":  conversation,
		"Inbox": obj(map[string]any{
			"conversations": map[string]any{"type": "array", "items": ref("Conversation")},
			"next":          map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the next page; null on the last page"},
		}, "conversations", "next"),
		"UnreadCount": obj(map[string]any{"unread": integer()}, "unread"),
		"MessageContacts": obj(map[string]any{"contacts": map[string]any{"type": "array", "items": obj(map[string]any{
			"user_id": str(), "school_id": str(), "type": enum("teacher", "parent", "leader"), "name": str(),
			"student_id":         map[string]any{"type": []string{"string", "null"}, "description": "the child the contact is reached through; null between staff"},
			"student_first_name": str(),
		}, "user_id", "school_id", "type", "name", "student_id")}}, "contacts"),
		"ConversationCreate": obj(map[string]any{
			"school_id": str(), "student_id": map[string]any{"type": "string", "description": "the child it is about; omit between staff"},
			"to":          map[string]any{"type": "string", "description": "the person written to (a parent writing to the child's parents' group names the member of staff)"},
			"all_parents": map[string]any{"type": "boolean", "description": "all of the child's connected parents in one group"},
			"text":        text,
		}, "school_id"),
		"ConversationForm": obj(map[string]any{"school_id": str(), "student_id": str(), "to": str(), "all_parents": enum("true", "false"),
			"text": str(), "file": files}, "school_id"),
		"MessageCreate": obj(map[string]any{"text": text}),
		"MessageForm":   obj(map[string]any{"text": str(), "file": files}),
		"MessageEdit":   obj(map[string]any{"text": text}, "text"),
		"ClassAnnouncementCreate": obj(map[string]any{
			"subject": map[string]any{"type": "string", "maxLength": app.MessageMaxSubject}, "text": text,
			"urgent": map[string]any{"type": "boolean", "description": "leaders only"}, "send_at": map[string]any{"type": "string", "format": "date-time", "description": "schedule it: recipients get it at this time (at least a minute ahead, at most 90 days)"}}, "subject"),
		"SchoolAnnouncementCreate": obj(map[string]any{
			"audience": enum(store.AudienceFamilies, store.AudienceStaff),
			"subject":  map[string]any{"type": "string", "maxLength": app.MessageMaxSubject}, "text": text,
			"urgent": map[string]any{"type": "boolean", "description": "emailed at once, even during quiet hours"}, "send_at": map[string]any{"type": "string", "format": "date-time", "description": "schedule it: recipients get it at this time (at least a minute ahead, at most 90 days)"}}, "audience", "subject"),
		"AnnouncementForm": obj(map[string]any{"audience": enum(store.AudienceFamilies, store.AudienceStaff), "subject": str(), "text": str(),
			"urgent": enum("true", "false"), "send_at": map[string]any{"type": "string", "format": "date-time"}, "file": files}, "subject"),
		"MessageAttachment": obj(map[string]any{"id": str(), "kind": enum("photo", "video", "file"), "name": str(), "content_type": str(),
			"size": integer(), "width": integer(), "height": integer(), "url": str(), "thumb_url": str()}, "id", "kind", "name", "content_type", "size", "url"),
		"MessageRead": obj(map[string]any{"user_id": str(), "name": str(), "read_at": date}, "user_id", "name", "read_at"),
		"Message": obj(map[string]any{
			"id": str(), "conversation_id": str(),
			"sender_id":   map[string]any{"type": []string{"string", "null"}, "description": "null once the sender's account is erased (a former parent)"},
			"sender_type": enum("teacher", "parent", "leader", "student"), "sender_name": str(), "text": str(), "created_at": date,
			"edited": boolean, "edited_at": nullable("string"),
			"original_text": map[string]any{"type": "string", "description": "a corrected message's first version (history and export only)"},
			"mine":          boolean,
			"reads":         map[string]any{"type": "array", "items": ref("MessageRead"), "description": "who read the caller's own message and when, where receipts are theirs to see"},
			"attachments":   map[string]any{"type": "array", "items": ref("MessageAttachment")},
			"can_edit":      boolean, "can_report": boolean,
		}, "id", "conversation_id", "sender_id", "sender_type", "sender_name", "text", "created_at", "edited", "reads", "attachments"),
		"ConversationStarted": obj(map[string]any{"conversation": ref("Conversation"), "message": ref("Message")}, "conversation"),
		"ConversationView": obj(map[string]any{
			"conversation": ref("Conversation"),
			"messages":     map[string]any{"type": "array", "items": ref("Message"), "description": "oldest first"},
			"older":        map[string]any{"type": []string{"string", "null"}, "description": "pass as ?cursor= for the messages before these; null when there are none"},
			"can_write":    boolean, "can_reply": boolean, "receipts": boolean, "recipient": boolean,
			"blocked":  map[string]any{"type": "boolean", "description": "a member of staff in it blocked the caller"},
			"reply_to": map[string]any{"type": []string{"object", "null"}, "properties": map[string]any{"id": str(), "subject": str()}},
			"quiet": map[string]any{"type": "array", "description": "families: staff in it who are in quiet hours now, and when they are back", "items": obj(map[string]any{
				"user_id": str(), "name": str(), "until": date}, "user_id", "name", "until")},
			"reading_along": map[string]any{"type": "array", "description": "a student conversation: the student's parents, who read every message and write none",
				"items": obj(map[string]any{"user_id": str(), "type": str(), "name": str()}, "user_id", "type", "name")},
			"observer":  map[string]any{"type": "boolean", "description": "the caller reads along (a student's parent)"},
			"read_only": map[string]any{"type": "boolean", "description": "a student conversation the school no longer allows writing in"},
		}, "conversation", "messages", "older", "can_write", "can_reply", "quiet"),
		"ConversationHistory": obj(map[string]any{
			"conversation": ref("Conversation"),
			"writers":      map[string]any{"type": "array", "items": ref("MessagePerson")},
			"messages":     map[string]any{"type": "array", "items": ref("Message"), "description": "every message, oldest first"},
		}, "conversation", "writers", "messages"),
		"SchoolConversations": obj(map[string]any{"conversations": map[string]any{"type": "array", "items": ref("Conversation")}}, "conversations"),
		"MessageReportCreate": obj(map[string]any{"reason": map[string]any{"type": "string", "maxLength": app.MessageMaxReason}}),
		"MessageReports": obj(map[string]any{"reports": map[string]any{"type": "array", "items": obj(map[string]any{
			"id": str(), "reason": str(), "created_at": date, "reporter_name": str(), "message": ref("Message")},
			"id", "reason", "created_at", "message")}}, "reports"),
		"MessageBlockCreate": obj(map[string]any{"parent_id": str(), "reason": map[string]any{"type": "string", "maxLength": app.MessageMaxReason}}, "parent_id"),
		"MessageBlock": obj(map[string]any{"id": str(), "school_id": str(), "blocker_id": str(), "blocker_name": str(), "parent_id": str(),
			"parent_name": str(), "reason": str(), "created_at": date}, "id", "school_id", "blocker_id", "parent_id", "reason", "created_at"),
		"MessageBlocks": obj(map[string]any{"blocks": map[string]any{"type": "array", "items": ref("MessageBlock")}}, "blocks"),
		"QuietHours": obj(map[string]any{"enabled": boolean,
			"starts":   map[string]any{"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "HH:MM"},
			"ends":     map[string]any{"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "HH:MM; earlier than starts runs overnight"},
			"weekends": map[string]any{"type": "boolean", "description": "quiet all weekend too"}}, "enabled", "starts", "ends", "weekends"),
		"MessageSettings": obj(map[string]any{
			"parent_receipts": map[string]any{"type": "boolean", "description": "parents see when staff read their messages"},
			"parents_office":  map[string]any{"type": "boolean", "description": "parents may write to the school's leaders"},
			"students_enabled": map[string]any{"type": "boolean",
				"description": "teachers may write to the students of their classes (off by default); the students answer, their parents read along; off, those conversations are read-only. Left out of a PUT: unchanged"},
			"students_min_grade": map[string]any{"type": "integer", "minimum": store.MinGrade, "maximum": store.MaxGrade,
				"description": "the lowest grade (0 kindergarten) whose students teachers may write to; a student's grade is the highest of their classes'. Left out of a PUT: unchanged"}},
			"parent_receipts", "parents_office"),
	} {
		schemas[name] = s
	}
}
