package benchdata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"cubby/internal/db"
	"cubby/internal/store"
)

// MessageShape is the size of each school of a messaging district.
type MessageShape struct {
	Classes, PerClass int
	// Days of messages, ending now.
	Days int
	// PerConversation is the average number of messages between a
	// family and their child's teacher over the days (spread from a
	// quarter of it to seven quarters).
	PerConversation int
	// ClassAnnouncements is each class's announcements over the days;
	// SchoolAnnouncements each school's to all of its families.
	ClassAnnouncements, SchoolAnnouncements int
	// Long is the number of messages of the measured conversation.
	Long int
}

// MessageDistrict describes what Messages built. School 0 is measured;
// the others are there so that a query that reads more than its own
// people's rows shows.
type MessageDistrict struct {
	SchoolIDs []int64
	// ParentID has a child in class 0 and in class 1 of school 0, a
	// conversation with each child's teacher and every announcement of
	// both classes and of the school.
	ParentID int64
	// TeacherID teaches class 0 of school 0; ConversationID is theirs
	// with ParentID about the child in class 0 (Long messages).
	TeacherID      int64
	ConversationID int64
	// AnnounceClassID is a class of 30 children with two connected
	// parents each (60 parents), taught by AnnouncerID alone, for the
	// announcement benchmark.
	AnnounceClassID, AnnouncerID int64
	Messages                     int
}

// pendingMessage is a message waiting for its batch insert.
type pendingMessage struct {
	schoolID, convID, senderID int64
	kind, body                 string
	at                         time.Time
}

var messageBodies = []string{
	"Thank you for letting me know. We will keep an eye on it in class this week.",
	"Could we find a time to talk about the reading log? Thursday after school works for me.",
	"She was so proud of her project today — please ask her about it at dinner!",
	"He left his water bottle in the classroom again; it is on the shelf by the door.",
	"Sorry for the late reply. Yes, that is fine, and thanks for the reminder.",
	"Just a note that he has a dentist appointment on Tuesday morning and will arrive at ten.",
	"The permission slip is in the bag. Let me know if anything else is needed.",
	"Great news about the maths test. We practised a lot at home.",
}

// Messages seeds schools of the shape: a teacher per class, a parent per
// student (a second for one in ten), a conversation between each family
// and their child's teacher, each class's and school's announcements with
// their recipients, read receipts for everything but each family's last
// couple of messages, and an attachment on one message in fifty. People
// are written through the store; messages and receipts, the bulk, with
// multi-row INSERTs and INSERT … SELECT, in the order they were sent so
// that conversations interleave on disk as they would.
func Messages(ctx context.Context, d *db.DB, schools int, shape MessageShape, now time.Time) (*MessageDistrict, error) {
	out := &MessageDistrict{}
	start := now.AddDate(0, 0, -shape.Days)
	tag := now.UnixNano() % 1e9
	span := time.Duration(shape.Days) * 24 * time.Hour
	var parent *store.User
	for si := range schools {
		sd := &storySeed{ctx: ctx, d: d, rng: rand.New(rand.NewPCG(13, uint64(si))), start: start, tag: fmt.Sprintf("m%d.%d", tag, si)}
		school := &store.School{Name: fmt.Sprintf("Messaging School %d", si+1), Country: "US", Source: "bench", SourceID: sd.tag, CreatedAt: start}
		if err := store.CreateSchool(ctx, d.W, school); err != nil {
			return nil, err
		}
		out.SchoolIDs = append(out.SchoolIDs, school.ID)
		var pending []pendingMessage
		var families []int64 // every parent of the school
		err := d.Tx(ctx, func(tx db.Querier) error {
			leader, err := sd.staff(tx, school.ID, store.KindLeader, store.RoleLeader, "leader")
			if err != nil {
				return err
			}
			if si == 0 {
				if parent, err = sd.user(tx, store.KindParent, "Pat", "Parent", "parent"); err != nil {
					return err
				}
				out.ParentID = parent.ID
			}
			for ci := range shape.Classes {
				var mine []int64
				if si == 0 && ci < 2 {
					mine = []int64{parent.ID}
				}
				c, err := sd.messageClass(tx, school.ID, ci, shape.PerClass, 10, mine)
				if err != nil {
					return err
				}
				families = append(families, c.parents...)
				for k, fam := range c.firstParents {
					n := shape.PerConversation/4 + sd.rng.IntN(shape.PerConversation*3/2+1)
					if si == 0 && ci == 0 && k == 0 {
						n = shape.Long
					}
					conv := &store.Conversation{SchoolID: school.ID, Kind: store.ConvDirect, StudentID: c.students[k], CreatedBy: fam, CreatedAt: start}
					if err := store.CreateConversation(ctx, tx, conv); err != nil {
						return err
					}
					if si == 0 && ci == 0 && k == 0 {
						out.ConversationID, out.TeacherID = conv.ID, c.teacherID
					}
					for _, u := range []int64{fam, c.teacherID} {
						if err := store.AddMember(ctx, tx, school.ID, conv.ID, u, store.RoleMember, start); err != nil {
							return err
						}
					}
					for range n {
						m := pendingMessage{schoolID: school.ID, convID: conv.ID, senderID: fam, kind: store.KindParent,
							body: messageBodies[sd.rng.IntN(len(messageBodies))], at: start.Add(time.Duration(sd.rng.Int64N(int64(span))))}
						if sd.rng.IntN(2) == 0 {
							m.senderID, m.kind = c.teacherID, store.KindTeacher
						}
						pending = append(pending, m)
					}
				}
				for a := range shape.ClassAnnouncements {
					at := start.Add(time.Duration(a+1) * span / time.Duration(shape.ClassAnnouncements+1))
					m, err := sd.announcement(tx, school.ID, ci, c.teacherID, store.KindTeacher, c.parents, at)
					if err != nil {
						return err
					}
					pending = append(pending, m)
				}
			}
			for a := range shape.SchoolAnnouncements {
				at := start.Add(time.Duration(a+1) * span / time.Duration(shape.SchoolAnnouncements+1)).Add(time.Hour)
				m, err := sd.announcement(tx, school.ID, -1, leader.ID, store.KindLeader, families, at)
				if err != nil {
					return err
				}
				pending = append(pending, m)
			}
			if si == 0 {
				c, err := sd.messageClass(tx, school.ID, shape.Classes, 30, 1, nil)
				if err != nil {
					return err
				}
				out.AnnounceClassID, out.AnnouncerID = c.classID, c.teacherID
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(pending, func(a, b pendingMessage) int { return a.at.Compare(b.at) })
		if err := insertMessages(ctx, d, pending, sd.rng); err != nil {
			return nil, err
		}
		out.Messages += len(pending)
		if err := finishSchool(ctx, d, school.ID, start); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// seededClass is a class messageClass made.
type seededClass struct {
	classID, teacherID int64
	students           []int64
	firstParents       []int64 // each student's first parent, by student
	parents            []int64 // every parent of the class
}

// messageClass seeds a class with its teacher and students; every student
// has a parent, and one in secondEvery a second (1: all of them).
// extraParents are connected to the first student instead of a parent of
// their own.
func (sd *storySeed) messageClass(q db.Querier, schoolID int64, ci, perClass, secondEvery int, extraParents []int64) (*seededClass, error) {
	ctx := sd.ctx
	teacher, err := sd.staff(q, schoolID, store.KindTeacher, store.RoleTeacher, "teacher")
	if err != nil {
		return nil, err
	}
	class := &store.Class{SchoolID: schoolID, Name: fmt.Sprintf("Class %d", ci+1), CreatedAt: sd.start}
	if err := store.CreateClass(ctx, q, class, teacher.ID); err != nil {
		return nil, err
	}
	c := &seededClass{classID: class.ID, teacherID: teacher.ID}
	for k := range perClass {
		u, err := sd.user(q, store.KindStudent, fmt.Sprintf("S%d", k), fmt.Sprintf("C%d", ci), "student")
		if err != nil {
			return nil, err
		}
		st := &store.Student{SchoolID: schoolID, UserID: u.ID, ParentCode: fmt.Sprintf("MB%s.%d", sd.tag, sd.n), CreatedAt: sd.start}
		if err := store.CreateStudent(ctx, q, st); err != nil {
			return nil, err
		}
		if err := store.EnrollStudent(ctx, q, schoolID, class.ID, st.ID, sd.start); err != nil {
			return nil, err
		}
		guardians := extraParents
		if k != 0 || len(extraParents) == 0 {
			guardians = nil
			for g := 0; g < 1 || g == 1 && (secondEvery == 1 || sd.rng.IntN(secondEvery) == 0); g++ {
				p, err := sd.user(q, store.KindParent, "G", fmt.Sprint(k), "guardian")
				if err != nil {
					return nil, err
				}
				guardians = append(guardians, p.ID)
			}
		}
		for _, g := range guardians {
			if err := store.AddGuardian(ctx, q, schoolID, st.ID, g, sd.start); err != nil {
				return nil, err
			}
		}
		c.students = append(c.students, st.ID)
		c.firstParents = append(c.firstParents, guardians[0])
		c.parents = append(c.parents, guardians...)
	}
	return c, nil
}

// announcement creates an announcement's conversation with its sender and
// recipients, and returns its message for the batch.
func (sd *storySeed) announcement(q db.Querier, schoolID int64, ci int, senderID int64, kind string, to []int64, at time.Time) (pendingMessage, error) {
	conv := &store.Conversation{SchoolID: schoolID, Kind: store.ConvAnnouncement, Audience: store.AudienceFamilies, CreatedBy: senderID,
		Subject: "News from school", CreatedAt: at}
	if ci >= 0 {
		conv.Audience, conv.Subject = store.AudienceClass, fmt.Sprintf("News from class %d", ci+1)
	}
	if err := store.CreateConversation(sd.ctx, q, conv); err != nil {
		return pendingMessage{}, err
	}
	if err := store.AddMember(sd.ctx, q, schoolID, conv.ID, senderID, store.RoleMember, at); err != nil {
		return pendingMessage{}, err
	}
	if err := store.AddRecipients(sd.ctx, q, schoolID, conv.ID, to, at); err != nil {
		return pendingMessage{}, err
	}
	return pendingMessage{schoolID: schoolID, convID: conv.ID, senderID: senderID, kind: kind, at: at,
		body: "Dear families, a reminder that the trip is on Friday: packed lunch, wellies and a raincoat, please."}, nil
}

// insertMessages writes the messages in batches of 500 rows, and a file
// on one in fifty.
func insertMessages(ctx context.Context, d *db.DB, list []pendingMessage, rng *rand.Rand) error {
	const batch = 500
	for i := 0; i < len(list); i += batch * 20 {
		err := d.Tx(ctx, func(tx db.Querier) error {
			for j := i; j < min(i+batch*20, len(list)); j += batch {
				rows := list[j:min(j+batch, len(list))]
				var sb strings.Builder
				sb.WriteString(`INSERT INTO messages (school_id, conversation_id, sender_id, sender_kind, body, created_at) VALUES `)
				args := make([]any, 0, len(rows)*6)
				for k, m := range rows {
					if k > 0 {
						sb.WriteString(", ")
					}
					if d.Dialect == db.Postgres {
						n := len(args)
						fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
					} else {
						// SQLite looks a $n up by name, in a list as long as
						// the statement's parameters; ? is by position.
						sb.WriteString("(?, ?, ?, ?, ?, ?)")
					}
					args = append(args, m.schoolID, m.convID, m.senderID, m.kind, m.body, m.at)
				}
				if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
					return fmt.Errorf("insert messages: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// One message in fifty carries a photo (by id, so it spreads evenly).
	_, err := d.W.ExecContext(ctx, `INSERT INTO message_attachments (school_id, message_id, public_id, position, kind, name, content_type, size,
		width, height, file_key, created_at)
		SELECT school_id, id, 'bench-' || id, 0, 'photo', 'IMG.jpg', 'image/jpeg', 300000, 1600, 1200, 'message/bench-' || id, created_at
		FROM messages WHERE school_id = $1 AND id % 50 = $2`, list[0].schoolID, rng.IntN(50))
	return err
}

// finishSchool moves each conversation to its latest message, marks each
// member as having read a family conversation up to their own last
// message (what the other wrote after it is unread) and every
// announcement, writes the receipts of what they read, and confirms everyone's email address (staff and
// parents write only from a confirmed address).
func finishSchool(ctx context.Context, d *db.DB, schoolID int64, start time.Time) error {
	sid := strconv.FormatInt(schoolID, 10)
	for _, q := range []string{
		`UPDATE conversations SET last_message_id = (SELECT max(id) FROM messages x WHERE x.conversation_id = conversations.id),
			last_message_at = (SELECT max(created_at) FROM messages x WHERE x.conversation_id = conversations.id)
			WHERE school_id = ` + sid,
		`UPDATE conversation_members SET last_read_id = COALESCE((SELECT x.id FROM messages x WHERE x.conversation_id = conversation_members.conversation_id
			AND (x.sender_id = conversation_members.user_id OR EXISTS (SELECT 1 FROM conversations c WHERE c.id = x.conversation_id AND c.kind = 'announcement'))
			ORDER BY x.id DESC LIMIT 1), 0) WHERE school_id = ` + sid,
		// Everything up to one's own last message is read; the
		// family's or the teacher's answers after it are not yet.
		`INSERT INTO message_reads (school_id, message_id, user_id, read_at)
			SELECT x.school_id, x.id, m.user_id, x.created_at FROM conversation_members m JOIN messages x ON x.conversation_id = m.conversation_id
			WHERE m.school_id = ` + sid + ` AND x.id <= m.last_read_id AND x.sender_id <> m.user_id`,
		`UPDATE conversation_members SET read_at = (SELECT created_at FROM messages x WHERE x.id = conversation_members.last_read_id)
			WHERE school_id = ` + sid,
	} {
		if _, err := d.W.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("finish school: %w", err)
		}
	}
	_, err := d.W.ExecContext(ctx, `UPDATE users SET email_verified_at = $1 WHERE email_verified_at IS NULL AND email IS NOT NULL AND id IN
		(SELECT user_id FROM school_members WHERE school_id = $2 UNION SELECT user_id FROM guardians WHERE school_id = $2)`, start, schoolID)
	return err
}
