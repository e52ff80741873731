package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"cubby/internal/db"
)

// Conversation kinds and member roles.
const (
	ConvDirect       = "direct"
	ConvGroup        = "group"
	ConvAnnouncement = "announcement"
	// ConvStudent: a teacher and a student, the student's parents reading
	// along (RoleObserver).
	ConvStudent = "student"

	RoleMember    = "member"
	RoleRecipient = "recipient"
	RoleObserver  = "observer"

	AudienceClass    = "class"
	AudienceFamilies = "families"
	AudienceStaff    = "staff"
)

// Conversation is a conversation or an announcement, with the names pages
// show about it.
type Conversation struct {
	ID            int64
	SchoolID      int64
	Kind          string
	Audience      string
	ClassID       int64
	StudentID     int64
	ReplyTo       int64
	CreatedBy     int64
	Subject       string
	Urgent        bool
	CreatedAt     time.Time
	SendAt        *time.Time // a scheduled announcement's sending time
	LastMessageID int64
	LastMessageAt time.Time

	// Filled by reads: the child's first name, the class's name.
	StudentFirst, ClassName string
}

// Scheduled says whether a scheduled announcement is still to be sent at now.
func (c *Conversation) Scheduled(now time.Time) bool { return c.SendAt != nil && c.SendAt.After(now) }

// CreateConversation inserts a conversation.
func CreateConversation(ctx context.Context, q db.Querier, c *Conversation) error {
	err := q.QueryRowContext(ctx, `INSERT INTO conversations (school_id, kind, audience, class_id, student_id, reply_to, created_by, subject, urgent,
		created_at, send_at, last_message_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) RETURNING id`,
		c.SchoolID, c.Kind, c.Audience, nullID(c.ClassID), nullID(c.StudentID), nullID(c.ReplyTo), nullID(c.CreatedBy), c.Subject, c.Urgent,
		c.CreatedAt, c.SendAt).Scan(&c.ID)
	c.LastMessageAt = c.CreatedAt
	return db.MapError(err)
}

const convColumns = `c.id, c.school_id, c.kind, c.audience, COALESCE(c.class_id, 0), COALESCE(c.student_id, 0), COALESCE(c.reply_to, 0),
	COALESCE(c.created_by, 0), c.subject, c.urgent, c.created_at, c.send_at, COALESCE(c.last_message_id, 0), c.last_message_at,
	COALESCE(su.first_name, ''), COALESCE(cl.name, '')`

const convJoins = ` LEFT JOIN students st ON st.id = c.student_id LEFT JOIN users su ON su.id = st.user_id
	LEFT JOIN classes cl ON cl.id = c.class_id `

func scanConv(row interface{ Scan(...any) error }, extra ...any) (*Conversation, error) {
	var c Conversation
	var sendAt sql.NullTime
	dest := append([]any{&c.ID, &c.SchoolID, &c.Kind, &c.Audience, &c.ClassID, &c.StudentID, &c.ReplyTo, &c.CreatedBy, &c.Subject, &c.Urgent,
		&c.CreatedAt, &sendAt, &c.LastMessageID, &c.LastMessageAt, &c.StudentFirst, &c.ClassName}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, db.MapError(err)
	}
	c.CreatedAt, c.LastMessageAt = c.CreatedAt.UTC(), c.LastMessageAt.UTC()
	if sendAt.Valid {
		t := sendAt.Time.UTC()
		c.SendAt = &t
	}
	return &c, nil
}

// ConversationByID returns one conversation.
func ConversationByID(ctx context.Context, q db.Querier, id int64) (*Conversation, error) {
	return scanConv(q.QueryRowContext(ctx, `SELECT `+convColumns+` FROM conversations c`+convJoins+`WHERE c.id = $1`, id))
}

// AddMember puts a person in a conversation; being there already is fine.
func AddMember(ctx context.Context, q db.Querier, schoolID, convID, userID int64, role string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO conversation_members (school_id, conversation_id, user_id, role, joined_at, active_at)
		VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (conversation_id, user_id) DO NOTHING`, schoolID, convID, userID, role, now)
	return db.MapError(err)
}

// AddRecipients puts every id in a conversation as recipients, in one
// statement per thousand (an announcement to a whole school).
func AddRecipients(ctx context.Context, q db.Querier, schoolID, convID int64, userIDs []int64, now time.Time) error {
	for start := 0; start < len(userIDs); start += 1000 {
		end := min(start+1000, len(userIDs))
		_, err := q.ExecContext(ctx, `INSERT INTO conversation_members (school_id, conversation_id, user_id, role, joined_at, active_at)
			SELECT $1, $2, u.id, 'recipient', $3, $3 FROM users u WHERE u.id IN (`+storyIDs(userIDs[start:end])+`)
			ON CONFLICT (conversation_id, user_id) DO NOTHING`, schoolID, convID, now)
		if err != nil {
			return db.MapError(err)
		}
	}
	return nil
}

// Member is a person's place in a conversation, with their names.
type Member struct {
	UserID     int64
	Kind       string
	Role       string
	LastReadID int64
	ReadAt     *time.Time
	Title      string
	FirstName  string
	LastName   string
	Language   string
	Email      string
}

// DisplayName is the member as they chose to be shown.
func (m Member) DisplayName() string {
	u := User{Title: m.Title, FirstName: m.FirstName, LastName: m.LastName}
	return u.DisplayName()
}

const memberColumns = `m.user_id, u.kind, m.role, m.last_read_id, m.read_at, u.title, u.first_name, u.last_name, u.language, COALESCE(u.email, '')
	FROM conversation_members m JOIN users u ON u.id = m.user_id `

func listMembers(ctx context.Context, q db.Querier, where string, args ...any) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+memberColumns+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var read sql.NullTime
		if err := rows.Scan(&m.UserID, &m.Kind, &m.Role, &m.LastReadID, &read, &m.Title, &m.FirstName, &m.LastName, &m.Language, &m.Email); err != nil {
			return nil, db.MapError(err)
		}
		m.ReadAt = timePtr(read)
		out = append(out, m)
	}
	return out, db.MapError(rows.Err())
}

// MemberOf returns a person's place in a conversation, or ErrNotFound.
func MemberOf(ctx context.Context, q db.Querier, convID, userID int64) (*Member, error) {
	list, err := listMembers(ctx, q, `WHERE m.conversation_id = $1 AND m.user_id = $2`, convID, userID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// Writers lists the members who write in a conversation (not an
// announcement's recipients), by name.
func Writers(ctx context.Context, q db.Querier, convID int64) ([]Member, error) {
	return listMembers(ctx, q, `WHERE m.conversation_id = $1 AND m.role = 'member' ORDER BY u.kind DESC, u.id`, convID)
}

// WritersOf maps each conversation to its writers, for an inbox page.
func WritersOf(ctx context.Context, q db.Querier, convIDs []int64) (map[int64][]Member, error) {
	out := map[int64][]Member{}
	if len(convIDs) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT m.conversation_id, `+memberColumns+`WHERE m.conversation_id IN (`+storyIDs(convIDs)+`) AND m.role = 'member'
		ORDER BY m.conversation_id, u.id`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m Member
		var read sql.NullTime
		if err := rows.Scan(&id, &m.UserID, &m.Kind, &m.Role, &m.LastReadID, &read, &m.Title, &m.FirstName, &m.LastName, &m.Language, &m.Email); err != nil {
			return nil, db.MapError(err)
		}
		m.ReadAt = timePtr(read)
		out[id] = append(out[id], m)
	}
	return out, db.MapError(rows.Err())
}

// Recipients lists an announcement's recipients (for the email to each).
func Recipients(ctx context.Context, q db.Querier, convID int64) ([]Member, error) {
	return listMembers(ctx, q, `WHERE m.conversation_id = $1 AND m.role = 'recipient' ORDER BY u.id`, convID)
}

// CountMembers counts a conversation's members of a role.
func CountMembers(ctx context.Context, q db.Querier, convID int64, role string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM conversation_members WHERE conversation_id = $1 AND role = $2`, convID, role).Scan(&n)
	return n, db.MapError(err)
}

// FindConversation returns the conversation of a kind about a student in a
// school whose writers are exactly userIDs (sorted), or ErrNotFound, so
// starting a conversation twice opens the first one.
func FindConversation(ctx context.Context, q db.Querier, schoolID int64, kind string, studentID int64, userIDs []int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT c.id FROM conversations c WHERE c.school_id = $1 AND c.kind = $2 AND COALESCE(c.student_id, 0) = $3
		AND c.reply_to IS NULL
		AND (SELECT count(*) FROM conversation_members m WHERE m.conversation_id = c.id) = $4
		AND (SELECT count(*) FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id IN (`+storyIDs(userIDs)+`)) = $4
		ORDER BY c.id LIMIT 1`, schoolID, kind, studentID, len(userIDs)).Scan(&id)
	return id, db.MapError(err)
}

// FindReply returns the private reply conversation to an announcement
// between its sender and one recipient, or ErrNotFound.
func FindReply(ctx context.Context, q db.Querier, announcementID, userID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT c.id FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id
		WHERE c.reply_to = $1 AND m.user_id = $2 ORDER BY c.id LIMIT 1`, announcementID, userID).Scan(&id)
	return id, db.MapError(err)
}

// InboxItem is one line of a person's inbox.
type InboxItem struct {
	Conversation
	Role        string
	Unread      int
	LastBody    string
	LastSender  int64
	LastKind    string
	Attachments int // of the last message
}

// Inbox lists a person's conversations, latest message first. students,
// when not nil, are the children a parent acts for: a conversation about
// any other child is left out (a custody block), and so is an announcement
// whose sending time (after now) has not come, for its recipients.
func Inbox(ctx context.Context, q db.Querier, userID int64, students []int64, now time.Time, before *TimeCursor, limit int) ([]InboxItem, error) {
	query := `SELECT ` + convColumns + `, m.role,
		(SELECT count(*) FROM messages x WHERE x.conversation_id = c.id AND x.id > m.last_read_id AND (x.sender_id IS NULL OR x.sender_id <> m.user_id)),
		COALESCE(lm.body, ''), COALESCE(lm.sender_id, 0), COALESCE(lm.sender_kind, ''),
		(SELECT count(*) FROM message_attachments a WHERE a.message_id = lm.id)
		FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
		LEFT JOIN messages lm ON lm.id = c.last_message_id` + convJoins + `WHERE m.user_id = $1 AND ` + notScheduled
	args := []any{userID, now}
	if students != nil {
		query += ` AND (c.student_id IS NULL OR c.student_id IN (` + storyIDs(students) + `))`
	}
	if before != nil {
		query += ` AND (c.last_message_at < $3 OR (c.last_message_at = $3 AND c.id < $4))`
		args = append(args, before.At, before.ID)
	}
	query += ` ORDER BY c.last_message_at DESC, c.id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []InboxItem
	for rows.Next() {
		var it InboxItem
		c, err := scanConv(rows, &it.Role, &it.Unread, &it.LastBody, &it.LastSender, &it.LastKind, &it.Attachments)
		if err != nil {
			return nil, err
		}
		it.Conversation = *c
		out = append(out, it)
	}
	return out, db.MapError(rows.Err())
}

// notScheduled keeps from a recipient ($2 the time now) an announcement
// that is not sent yet; the sender sees it.
const notScheduled = `(m.role <> 'recipient' OR c.send_at IS NULL OR c.send_at <= $2)`

// UnreadTotal counts a person's unread messages, as Inbox would: per
// conversation, the messages after their place, through the index on
// (conversation_id, id). (A join of their places with messages let
// PostgreSQL hash the whole messages table: 15 ms at 100,000 messages.)
func UnreadTotal(ctx context.Context, q db.Querier, userID int64, students []int64, now time.Time) (int, error) {
	query := `SELECT COALESCE(sum(n), 0) FROM (SELECT (SELECT count(*) FROM messages x WHERE x.conversation_id = m.conversation_id
		AND x.id > m.last_read_id AND (x.sender_id IS NULL OR x.sender_id <> m.user_id)) AS n
		FROM conversation_members m WHERE m.user_id = $1 AND (m.role <> 'recipient' OR NOT EXISTS (SELECT 1 FROM conversations c
			WHERE c.id = m.conversation_id AND c.send_at > $2))`
	if students != nil {
		query += ` AND m.conversation_id IN (SELECT c.id FROM conversations c WHERE c.id = m.conversation_id
			AND (c.student_id IS NULL OR c.student_id IN (` + storyIDs(students) + `)))`
	}
	query += `) t`
	var n int
	err := q.QueryRowContext(ctx, query, userID, now).Scan(&n)
	return n, db.MapError(err)
}

// ConversationsOfSchool lists a school's conversations, latest first, for
// its leaders' safeguarding search (they see who and when, not what).
func ConversationsOfSchool(ctx context.Context, q db.Querier, schoolID int64, limit int) ([]Conversation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+convColumns+` FROM conversations c`+convJoins+`WHERE c.school_id = $1
		ORDER BY c.last_message_at DESC, c.id DESC LIMIT `+strconv.Itoa(limit), schoolID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Conversation
	for rows.Next() {
		c, err := scanConv(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, db.MapError(rows.Err())
}

// MemberIDs lists everyone in a conversation.
func MemberIDs(ctx context.Context, q db.Querier, convID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT user_id FROM conversation_members WHERE conversation_id = $1 ORDER BY user_id`, convID)
}

// CancelScheduled removes a scheduled announcement whose time has not
// come by now, with its members, messages, attachments' rows and reads
// (their files are the caller's to remove); false if it has gone already.
func CancelScheduled(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM conversations WHERE id = $1 AND send_at > $2`, id, now)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, db.MapError(err)
}
