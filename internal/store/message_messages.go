package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"cubby/internal/db"
)

// Message is one message, with its sender's names (empty once their
// account is erased: SenderID 0, SenderKind still set).
type Message struct {
	ID             int64
	SchoolID       int64
	ConversationID int64
	SenderID       int64
	SenderKind     string
	Body           string
	CreatedAt      time.Time
	EditedAt       *time.Time
	OriginalBody   *string

	SenderTitle, SenderFirst, SenderLast string
}

// SenderName is the sender as they chose to be shown, or "" once their
// account is gone.
func (m Message) SenderName() string {
	if m.SenderID == 0 {
		return ""
	}
	u := User{Title: m.SenderTitle, FirstName: m.SenderFirst, LastName: m.SenderLast}
	return u.DisplayName()
}

// CreateMessage inserts a message and moves its conversation on: the
// conversation's latest message, every member's activity, and the
// sender's own reading (their message is read by them).
func CreateMessage(ctx context.Context, q db.Querier, m *Message) error {
	err := q.QueryRowContext(ctx, `INSERT INTO messages (school_id, conversation_id, sender_id, sender_kind, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.SchoolID, m.ConversationID, nullID(m.SenderID), m.SenderKind, m.Body, m.CreatedAt).Scan(&m.ID)
	if err != nil {
		return db.MapError(err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE conversations SET last_message_id = $1, last_message_at = $2 WHERE id = $3`,
		m.ID, m.CreatedAt, m.ConversationID); err != nil {
		return db.MapError(err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE conversation_members SET active_at = $1 WHERE conversation_id = $2`, m.CreatedAt, m.ConversationID); err != nil {
		return db.MapError(err)
	}
	_, err = q.ExecContext(ctx, `UPDATE conversation_members SET last_read_id = $1, read_at = $2 WHERE conversation_id = $3 AND user_id = $4`,
		m.ID, m.CreatedAt, m.ConversationID, m.SenderID)
	return db.MapError(err)
}

const messageColumns = `x.id, x.school_id, x.conversation_id, COALESCE(x.sender_id, 0), x.sender_kind, x.body, x.created_at, x.edited_at,
	x.original_body, COALESCE(u.title, ''), COALESCE(u.first_name, ''), COALESCE(u.last_name, '')
	FROM messages x LEFT JOIN users u ON u.id = x.sender_id `

func listMessages(ctx context.Context, q db.Querier, where string, args ...any) ([]Message, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+messageColumns+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var edited sql.NullTime
		var orig sql.NullString
		if err := rows.Scan(&m.ID, &m.SchoolID, &m.ConversationID, &m.SenderID, &m.SenderKind, &m.Body, &m.CreatedAt, &edited, &orig,
			&m.SenderTitle, &m.SenderFirst, &m.SenderLast); err != nil {
			return nil, db.MapError(err)
		}
		m.CreatedAt, m.EditedAt = m.CreatedAt.UTC(), timePtr(edited)
		if orig.Valid {
			m.OriginalBody = &orig.String
		}
		out = append(out, m)
	}
	return out, db.MapError(rows.Err())
}

// MessageByID returns one message.
func MessageByID(ctx context.Context, q db.Querier, id int64) (*Message, error) {
	list, err := listMessages(ctx, q, `WHERE x.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// MessagesOf returns a conversation's latest messages before beforeID (0:
// the newest), newest first.
func MessagesOf(ctx context.Context, q db.Querier, convID, beforeID int64, limit int) ([]Message, error) {
	if beforeID <= 0 {
		return listMessages(ctx, q, `WHERE x.conversation_id = $1 ORDER BY x.id DESC LIMIT `+strconv.Itoa(limit), convID)
	}
	return listMessages(ctx, q, `WHERE x.conversation_id = $1 AND x.id < $2 ORDER BY x.id DESC LIMIT `+strconv.Itoa(limit), convID, beforeID)
}

// AllMessagesOf returns every message of a conversation, oldest first (a
// download of its history).
func AllMessagesOf(ctx context.Context, q db.Querier, convID int64) ([]Message, error) {
	return listMessages(ctx, q, `WHERE x.conversation_id = $1 ORDER BY x.id`, convID)
}

// EditMessage corrects a message's text, keeping the first version; it
// reports whether the message was still the sender's to correct (sent
// after since).
func EditMessage(ctx context.Context, q db.Querier, id, senderID int64, body string, since, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE messages SET original_body = COALESCE(original_body, body), body = $1, edited_at = $2
		WHERE id = $3 AND sender_id = $4 AND created_at >= $5`, body, now, id, senderID, since)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkRead records that a member has read a conversation up to its latest
// message: a read receipt for every message from someone else they had not
// read, and their place. It returns how many messages became read.
func MarkRead(ctx context.Context, q db.Querier, convID, userID int64, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO message_reads (school_id, message_id, user_id, read_at)
		SELECT x.school_id, x.id, $1, $2 FROM messages x JOIN conversation_members m ON m.conversation_id = x.conversation_id AND m.user_id = $1
		WHERE x.conversation_id = $3 AND x.id > m.last_read_id AND (x.sender_id IS NULL OR x.sender_id <> $1)
		ON CONFLICT (message_id, user_id) DO NOTHING`, userID, now, convID)
	if err != nil {
		return 0, db.MapError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	_, err = q.ExecContext(ctx, `UPDATE conversation_members SET read_at = $1, active_at = $1,
		last_read_id = COALESCE((SELECT max(id) FROM messages WHERE conversation_id = $2), 0)
		WHERE conversation_id = $2 AND user_id = $3`, now, convID, userID)
	return n, db.MapError(err)
}

// Read is one read receipt, with the reader's names.
type Read struct {
	MessageID int64
	UserID    int64
	Kind      string
	ReadAt    time.Time
	Title     string
	FirstName string
	LastName  string
}

// DisplayName is the reader as they chose to be shown.
func (r Read) DisplayName() string {
	u := User{Title: r.Title, FirstName: r.FirstName, LastName: r.LastName}
	return u.DisplayName()
}

// ReadsOf maps messages to their read receipts, earliest first.
func ReadsOf(ctx context.Context, q db.Querier, messageIDs []int64) (map[int64][]Read, error) {
	out := map[int64][]Read{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT r.message_id, r.user_id, u.kind, r.read_at, u.title, u.first_name, u.last_name
		FROM message_reads r JOIN users u ON u.id = r.user_id WHERE r.message_id IN (`+storyIDs(messageIDs)+`) ORDER BY r.message_id, r.read_at, r.user_id`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Read
		if err := rows.Scan(&r.MessageID, &r.UserID, &r.Kind, &r.ReadAt, &r.Title, &r.FirstName, &r.LastName); err != nil {
			return nil, db.MapError(err)
		}
		r.ReadAt = r.ReadAt.UTC()
		out[r.MessageID] = append(out[r.MessageID], r)
	}
	return out, db.MapError(rows.Err())
}

// MessageAttachment is a processed file sent with a message.
type MessageAttachment struct {
	ID          int64
	SchoolID    int64
	MessageID   int64
	PublicID    string
	Position    int
	Kind        string
	Name        string
	ContentType string
	Size        int64
	Width       int
	Height      int
	FileKey     string
	CreatedAt   time.Time
}

// CreateMessageAttachment inserts an attachment.
func CreateMessageAttachment(ctx context.Context, q db.Querier, a *MessageAttachment) error {
	err := q.QueryRowContext(ctx, `INSERT INTO message_attachments (school_id, message_id, public_id, position, kind, name, content_type, size,
		width, height, file_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		a.SchoolID, a.MessageID, a.PublicID, a.Position, a.Kind, a.Name, a.ContentType, a.Size, a.Width, a.Height, a.FileKey, a.CreatedAt).Scan(&a.ID)
	return db.MapError(err)
}

const messageAttachmentColumns = `id, school_id, message_id, public_id, position, kind, name, content_type, size, width, height, file_key, created_at
	FROM message_attachments `

func listMessageAttachments(ctx context.Context, q db.Querier, where string, args ...any) ([]MessageAttachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+messageAttachmentColumns+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []MessageAttachment
	for rows.Next() {
		var a MessageAttachment
		if err := rows.Scan(&a.ID, &a.SchoolID, &a.MessageID, &a.PublicID, &a.Position, &a.Kind, &a.Name, &a.ContentType, &a.Size,
			&a.Width, &a.Height, &a.FileKey, &a.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, a)
	}
	return out, db.MapError(rows.Err())
}

// AttachmentsOfMessages maps messages to their attachments, in order.
func AttachmentsOfMessages(ctx context.Context, q db.Querier, messageIDs []int64) (map[int64][]MessageAttachment, error) {
	out := map[int64][]MessageAttachment{}
	if len(messageIDs) == 0 {
		return out, nil
	}
	list, err := listMessageAttachments(ctx, q, `WHERE message_id IN (`+storyIDs(messageIDs)+`) ORDER BY message_id, position`)
	for _, a := range list {
		out[a.MessageID] = append(out[a.MessageID], a)
	}
	return out, err
}

// MessageAttachmentByPublicID returns the attachment a link names.
func MessageAttachmentByPublicID(ctx context.Context, q db.Querier, publicID string) (*MessageAttachment, error) {
	list, err := listMessageAttachments(ctx, q, `WHERE public_id = $1`, publicID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// MessageFileKeys lists the files of a conversation's attachments.
func MessageFileKeys(ctx context.Context, q db.Querier, convID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT a.file_key FROM message_attachments a JOIN messages x ON x.id = a.message_id
		WHERE x.conversation_id = $1`, convID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, k)
	}
	return out, db.MapError(rows.Err())
}
