package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Who messages reach, blocks and reports, and the settings of messaging.

// familyLinkInForce is the condition, on a guardians row g joined with its
// student s, that the link still gives the parent access: no custody block
// (by account or by address) and, unless the parameter keep names is true,
// a student who does not hold their own rights. It is ChildLinks and
// authz.ChildrenOf in one SQL condition, for lists of many families at once
// (an announcement).
func familyLinkInForce(keep string) string {
	return ` NOT EXISTS (SELECT 1 FROM guardian_blocks b WHERE b.student_id = g.student_id AND b.guardian_user_id = g.user_id AND b.lifted_at IS NULL)
	AND NOT EXISTS (SELECT 1 FROM guardian_email_blocks e JOIN users p ON p.email = e.email
		WHERE e.student_id = g.student_id AND p.id = g.user_id AND e.lifted_at IS NULL)
	AND (s.eligible_since IS NULL OR ` + keep + `) `
}

// ParentsOfClass lists the parents who act for a student on a class's
// roster now (custody applied; keepEligible: the deployment keeps parents'
// access to students who hold their own rights).
func ParentsOfClass(ctx context.Context, q db.Querier, classID int64, keepEligible bool) ([]int64, error) {
	return idRows(ctx, q, `SELECT DISTINCT g.user_id FROM class_students cs JOIN guardians g ON g.student_id = cs.student_id
		JOIN students s ON s.id = g.student_id
		WHERE cs.class_id = $1 AND cs.removed_at IS NULL AND`+familyLinkInForce("$2")+`ORDER BY g.user_id`, classID, keepEligible)
}

// ParentsOfSchool lists the parents who act for a current student of a
// school (custody applied).
func ParentsOfSchool(ctx context.Context, q db.Querier, schoolID int64, keepEligible bool) ([]int64, error) {
	return idRows(ctx, q, `SELECT DISTINCT g.user_id FROM guardians g JOIN students s ON s.id = g.student_id
		WHERE s.school_id = $1 AND s.left_at IS NULL AND`+familyLinkInForce("$2")+`ORDER BY g.user_id`, schoolID, keepEligible)
}

// ParentsOfStudent lists the parents who act for a student (custody
// applied), for a group conversation with all of them.
func ParentsOfStudent(ctx context.Context, q db.Querier, studentID int64, keepEligible bool) ([]int64, error) {
	return idRows(ctx, q, `SELECT g.user_id FROM guardians g JOIN students s ON s.id = g.student_id
		WHERE g.student_id = $1 AND`+familyLinkInForce("$2")+`ORDER BY g.user_id`, studentID, keepEligible)
}

// ActiveStaffIDs lists a school's active staff.
func ActiveStaffIDs(ctx context.Context, q db.Querier, schoolID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT user_id FROM school_members WHERE school_id = $1 AND status = 'active' ORDER BY user_id`, schoolID)
}

// MessageContact is someone a person may write to, as a picker lists them.
type MessageContact struct {
	UserID                     int64
	SchoolID                   int64
	Kind                       string
	Title, FirstName, LastName string
	// StudentID is the child the contact is reached through (a parent, or
	// a teacher of the actor's child); 0 between staff.
	StudentID    int64
	StudentFirst string
}

// DisplayName is the contact as they chose to be shown.
func (c MessageContact) DisplayName() string {
	u := User{Title: c.Title, FirstName: c.FirstName, LastName: c.LastName}
	return u.DisplayName()
}

func listContacts(ctx context.Context, q db.Querier, query string, args ...any) ([]MessageContact, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []MessageContact
	for rows.Next() {
		var c MessageContact
		if err := rows.Scan(&c.UserID, &c.SchoolID, &c.Kind, &c.Title, &c.FirstName, &c.LastName, &c.StudentID, &c.StudentFirst); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}

// ParentsInClasses lists the parents of the students on the rosters of the
// given classes now, with the child (custody applied), by child's name.
func ParentsInClasses(ctx context.Context, q db.Querier, classIDs []int64, keepEligible bool) ([]MessageContact, error) {
	return listContacts(ctx, q, `SELECT DISTINCT u.id, s.school_id, u.kind, u.title, u.first_name, u.last_name, s.id, su.first_name
		FROM class_students cs JOIN guardians g ON g.student_id = cs.student_id JOIN students s ON s.id = g.student_id
		JOIN users u ON u.id = g.user_id JOIN users su ON su.id = s.user_id
		WHERE cs.class_id IN (`+storyIDs(classIDs)+`) AND cs.removed_at IS NULL AND`+familyLinkInForce("$1")+`
		ORDER BY su.first_name, s.id, u.first_name, u.id`, keepEligible)
}

// TeachersOfStudents lists the teachers of the given students' current
// classes, with the child.
func TeachersOfStudents(ctx context.Context, q db.Querier, studentIDs []int64) ([]MessageContact, error) {
	return listContacts(ctx, q, `SELECT DISTINCT u.id, s.school_id, u.kind, u.title, u.first_name, u.last_name, s.id, su.first_name
		FROM class_students cs JOIN classes c ON c.id = cs.class_id AND c.archived_at IS NULL
		JOIN class_teachers t ON t.class_id = cs.class_id JOIN users u ON u.id = t.user_id
		JOIN students s ON s.id = cs.student_id JOIN users su ON su.id = s.user_id
		WHERE cs.student_id IN (`+storyIDs(studentIDs)+`) AND cs.removed_at IS NULL
		ORDER BY su.first_name, s.id, u.last_name, u.id`)
}

// LeadersOfStudents lists the leaders of the given students' schools, with
// the child (a parent writing to the office).
func LeadersOfStudents(ctx context.Context, q db.Querier, studentIDs []int64) ([]MessageContact, error) {
	return listContacts(ctx, q, `SELECT u.id, s.school_id, u.kind, u.title, u.first_name, u.last_name, s.id, su.first_name
		FROM students s JOIN users su ON su.id = s.user_id
		JOIN school_members m ON m.school_id = s.school_id AND m.status = 'active' AND m.role = 'leader' JOIN users u ON u.id = m.user_id
		WHERE s.id IN (`+storyIDs(studentIDs)+`) ORDER BY su.first_name, s.id, u.last_name, u.id`)
}

// StaffContacts lists a school's active staff by name.
func StaffContacts(ctx context.Context, q db.Querier, schoolID int64) ([]MessageContact, error) {
	return listContacts(ctx, q, `SELECT u.id, m.school_id, u.kind, u.title, u.first_name, u.last_name, 0, ''
		FROM school_members m JOIN users u ON u.id = m.user_id
		WHERE m.school_id = $1 AND m.status = 'active' ORDER BY u.last_name, u.first_name, u.id`, schoolID)
}

// MessageBlock is a member of staff's block of a parent.
type MessageBlock struct {
	ID, SchoolID, BlockerID, ParentID int64
	Reason                            string
	CreatedAt                         time.Time
	LiftedBy                          int64
	LiftedAt                          *time.Time
	BlockerName, ParentName           string
}

// CreateMessageBlock blocks a parent from writing to a member of staff; a
// block already in force is ErrConflict.
func CreateMessageBlock(ctx context.Context, q db.Querier, b *MessageBlock) error {
	err := q.QueryRowContext(ctx, `INSERT INTO message_blocks (school_id, blocker_id, parent_id, reason, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		b.SchoolID, b.BlockerID, b.ParentID, b.Reason, b.CreatedAt).Scan(&b.ID)
	return db.MapError(err)
}

// LiftMessageBlock ends a block in force; false if it was not.
func LiftMessageBlock(ctx context.Context, q db.Querier, id, by int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE message_blocks SET lifted_by = $1, lifted_at = $2 WHERE id = $3 AND lifted_at IS NULL`, by, now, id)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const blockColumns = `b.id, b.school_id, b.blocker_id, b.parent_id, b.reason, b.created_at, COALESCE(b.lifted_by, 0), b.lifted_at,
	bu.title, bu.first_name, bu.last_name, pu.title, pu.first_name, pu.last_name
	FROM message_blocks b JOIN users bu ON bu.id = b.blocker_id JOIN users pu ON pu.id = b.parent_id `

func listBlocks(ctx context.Context, q db.Querier, where string, args ...any) ([]MessageBlock, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+blockColumns+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []MessageBlock
	for rows.Next() {
		var b MessageBlock
		var lifted sql.NullTime
		var bu, pu User
		if err := rows.Scan(&b.ID, &b.SchoolID, &b.BlockerID, &b.ParentID, &b.Reason, &b.CreatedAt, &b.LiftedBy, &lifted,
			&bu.Title, &bu.FirstName, &bu.LastName, &pu.Title, &pu.FirstName, &pu.LastName); err != nil {
			return nil, db.MapError(err)
		}
		b.LiftedAt = timePtr(lifted)
		b.BlockerName, b.ParentName = bu.DisplayName(), pu.FullName()
		out = append(out, b)
	}
	return out, db.MapError(rows.Err())
}

// MessageBlockByID returns one block.
func MessageBlockByID(ctx context.Context, q db.Querier, id int64) (*MessageBlock, error) {
	list, err := listBlocks(ctx, q, `WHERE b.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// BlocksOfSchool lists a school's blocks in force, newest first.
func BlocksOfSchool(ctx context.Context, q db.Querier, schoolID int64) ([]MessageBlock, error) {
	return listBlocks(ctx, q, `WHERE b.school_id = $1 AND b.lifted_at IS NULL ORDER BY b.created_at DESC, b.id DESC`, schoolID)
}

// BlocksBy lists the blocks in force a member of staff made.
func BlocksBy(ctx context.Context, q db.Querier, blockerID int64) ([]MessageBlock, error) {
	return listBlocks(ctx, q, `WHERE b.blocker_id = $1 AND b.lifted_at IS NULL ORDER BY b.created_at DESC, b.id DESC`, blockerID)
}

// BlockedByAny reports whether any of the users has a block in force on
// the parent, and returns its id.
func BlockedByAny(ctx context.Context, q db.Querier, parentID int64, userIDs []int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM message_blocks WHERE parent_id = $1 AND lifted_at IS NULL AND blocker_id IN (`+storyIDs(userIDs)+`)
		ORDER BY id LIMIT 1`, parentID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, db.MapError(err)
}

// MessageReport is a message reported to the school's leaders.
type MessageReport struct {
	ID, SchoolID, MessageID, ReporterID int64
	Reason                              string
	CreatedAt                           time.Time
	ResolvedBy                          int64
	ResolvedAt                          *time.Time
	ReporterName                        string
	Message                             Message
}

// CreateMessageReport records a report; reporting twice is ErrConflict.
func CreateMessageReport(ctx context.Context, q db.Querier, r *MessageReport) error {
	err := q.QueryRowContext(ctx, `INSERT INTO message_reports (school_id, message_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		r.SchoolID, r.MessageID, r.ReporterID, r.Reason, r.CreatedAt).Scan(&r.ID)
	return db.MapError(err)
}

// OpenMessageReports lists a school's reports no leader has dealt with,
// oldest first, with the message reported.
func OpenMessageReports(ctx context.Context, q db.Querier, schoolID int64) ([]MessageReport, error) {
	return listReports(ctx, q, `WHERE r.school_id = $1 AND r.resolved_at IS NULL ORDER BY r.created_at, r.id`, schoolID)
}

// MessageReportByID returns one report.
func MessageReportByID(ctx context.Context, q db.Querier, id int64) (*MessageReport, error) {
	list, err := listReports(ctx, q, `WHERE r.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

func listReports(ctx context.Context, q db.Querier, where string, args ...any) ([]MessageReport, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.school_id, r.message_id, r.reporter_id, r.reason, r.created_at, COALESCE(r.resolved_by, 0),
		r.resolved_at, ru.title, ru.first_name, ru.last_name FROM message_reports r JOIN users ru ON ru.id = r.reporter_id `+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	var out []MessageReport
	for rows.Next() {
		var r MessageReport
		var resolved sql.NullTime
		var ru User
		if err := rows.Scan(&r.ID, &r.SchoolID, &r.MessageID, &r.ReporterID, &r.Reason, &r.CreatedAt, &r.ResolvedBy, &resolved,
			&ru.Title, &ru.FirstName, &ru.LastName); err != nil {
			rows.Close()
			return nil, db.MapError(err)
		}
		r.ResolvedAt, r.ReporterName = timePtr(resolved), ru.DisplayName()
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.MapError(err)
	}
	for i := range out {
		m, err := MessageByID(ctx, q, out[i].MessageID)
		if err != nil {
			return nil, err
		}
		out[i].Message = *m
	}
	return out, nil
}

// ResolveMessageReports marks every open report of a message dealt with.
func ResolveMessageReports(ctx context.Context, q db.Querier, messageID, by int64, now time.Time) (int64, error) {
	return Exec(ctx, q, `UPDATE message_reports SET resolved_by = $1, resolved_at = $2 WHERE message_id = $3 AND resolved_at IS NULL`, by, now, messageID)
}

// MessageSettings are a school's messaging switches.
type MessageSettings struct {
	ParentReceipts bool
	ParentsOffice  bool
	// StudentsEnabled: teachers may write to the students of their
	// classes from StudentsMinGrade up (off unless a leader turns it on).
	StudentsEnabled  bool
	StudentsMinGrade int
}

// DefaultMessageSettings are a school's switches until a leader sets them.
var DefaultMessageSettings = MessageSettings{ParentReceipts: true, StudentsMinGrade: DefaultStudentsMinGrade}

// Grades run from 0 (kindergarten) to 12; teachers reach students from
// grade 6 up once a school turns student messages on, unless it sets
// another grade.
const (
	MinGrade                = 0
	MaxGrade                = 12
	DefaultStudentsMinGrade = 6
)

// MessageSettingsOf reads a school's switches, or the defaults.
func MessageSettingsOf(ctx context.Context, q db.Querier, schoolID int64) (MessageSettings, error) {
	s := DefaultMessageSettings
	err := q.QueryRowContext(ctx, `SELECT parent_receipts, parents_office, students_enabled, students_min_grade FROM message_settings WHERE school_id = $1`,
		schoolID).Scan(&s.ParentReceipts, &s.ParentsOffice, &s.StudentsEnabled, &s.StudentsMinGrade)
	if err == sql.ErrNoRows {
		return DefaultMessageSettings, nil
	}
	return s, db.MapError(err)
}

// SetMessageSettings saves a school's switches.
func SetMessageSettings(ctx context.Context, q db.Querier, schoolID int64, s MessageSettings, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO message_settings (school_id, parent_receipts, parents_office, students_enabled, students_min_grade, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (school_id) DO UPDATE SET parent_receipts = excluded.parent_receipts, parents_office = excluded.parents_office,
		students_enabled = excluded.students_enabled, students_min_grade = excluded.students_min_grade,
		updated_at = excluded.updated_at`, schoolID, s.ParentReceipts, s.ParentsOffice, s.StudentsEnabled, s.StudentsMinGrade, now)
	return db.MapError(err)
}

// QuietHours are a member of staff's quiet hours, in minutes after
// midnight in the schools' time zone.
type QuietHours struct {
	Enabled      bool
	Starts, Ends int
	Weekends     bool
}

// QuietHoursOf reads a person's quiet hours; ok is false without any.
func QuietHoursOf(ctx context.Context, q db.Querier, userID int64) (QuietHours, bool, error) {
	var h QuietHours
	err := q.QueryRowContext(ctx, `SELECT enabled, starts, ends, weekends FROM quiet_hours WHERE user_id = $1`, userID).Scan(&h.Enabled, &h.Starts, &h.Ends, &h.Weekends)
	if err == sql.ErrNoRows {
		return QuietHours{}, false, nil
	}
	return h, err == nil, db.MapError(err)
}

// SetQuietHours saves a person's quiet hours.
func SetQuietHours(ctx context.Context, q db.Querier, userID int64, h QuietHours, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO quiet_hours (user_id, enabled, starts, ends, weekends, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, starts = excluded.starts, ends = excluded.ends,
		weekends = excluded.weekends, updated_at = excluded.updated_at`, userID, h.Enabled, h.Starts, h.Ends, h.Weekends, now)
	return db.MapError(err)
}

// Reported reports whether a message has a report no leader dealt with.
func Reported(ctx context.Context, q db.Querier, messageID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM message_reports WHERE message_id = $1 AND resolved_at IS NULL`, messageID).Scan(&n)
	return n > 0, db.MapError(err)
}

// Waiting lists the members of a conversation, other than one person, who
// have a message in it they have not read: they were told of it already.
func Waiting(ctx context.Context, q db.Querier, convID, exceptID int64) (map[int64]bool, error) {
	return idSet(ctx, q, `SELECT m.user_id FROM conversation_members m WHERE m.conversation_id = $1 AND m.user_id <> $2
		AND EXISTS (SELECT 1 FROM messages x WHERE x.conversation_id = m.conversation_id AND x.id > m.last_read_id
			AND (x.sender_id IS NULL OR x.sender_id <> m.user_id))`, convID, exceptID)
}

// ParentAtSchool reports whether a parent is connected to a student of a
// school.
func ParentAtSchool(ctx context.Context, q db.Querier, parentID, schoolID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM guardians g JOIN users u ON u.id = g.user_id
		WHERE g.user_id = $1 AND g.school_id = $2 AND u.kind = 'parent'`, parentID, schoolID).Scan(&n)
	return n > 0, db.MapError(err)
}
