package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"cubby/internal/db"
)

// Notification is one row of a person's notification centre, with what
// the centre shows of it: the sender's name, the child's first name and
// the school's name.
type Notification struct {
	ID          int64
	SchoolID    int64
	UserID      int64
	Kind        string
	RefID       int64
	ActorID     int64
	StudentID   int64
	CreatedAt   time.Time
	ReadAt      *time.Time
	PushDueAt   *time.Time
	PushedAt    *time.Time
	Digest      bool
	DigestedAt  *time.Time
	ActorTitle  string
	ActorFirst  string
	ActorLast   string
	ActorGone   bool // there was a sender, whose account is erased
	StudentName string
	SchoolName  string
	// Correction: a privacy request that is a correction request (else a
	// restriction request).
	Correction bool
}

// AddNotification inserts n and sets its ID.
func AddNotification(ctx context.Context, q db.Querier, n *Notification) error {
	err := q.QueryRowContext(ctx, `INSERT INTO notifications (school_id, user_id, kind, ref_id, actor_id, student_id, created_at, push_due_at, digest)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		nullID(n.SchoolID), n.UserID, n.Kind, n.RefID, nullID(n.ActorID), nullID(n.StudentID), n.CreatedAt, nullTime(n.PushDueAt), n.Digest).Scan(&n.ID)
	return db.MapError(err)
}

const notificationColumns = `n.id, COALESCE(n.school_id, 0), n.user_id, n.kind, n.ref_id, COALESCE(n.actor_id, 0), COALESCE(n.student_id, 0),
	n.created_at, n.read_at, n.push_due_at, n.pushed_at, n.digest, n.digested_at,
	COALESCE(a.title, ''), COALESCE(a.first_name, ''), COALESCE(a.last_name, ''), COALESCE(su.first_name, ''), COALESCE(sc.name, ''),
	EXISTS (SELECT 1 FROM corrections c WHERE n.kind = 'privacy_request' AND c.id = n.ref_id AND c.student_id = n.student_id)
	FROM notifications n
	LEFT JOIN users a ON a.id = n.actor_id
	LEFT JOIN students st ON st.id = n.student_id
	LEFT JOIN users su ON su.id = st.user_id
	LEFT JOIN schools sc ON sc.id = n.school_id `

func listNotifications(ctx context.Context, q db.Querier, where string, args ...any) ([]Notification, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+notificationColumns+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var read, due, pushed, digested sql.NullTime
		if err := rows.Scan(&n.ID, &n.SchoolID, &n.UserID, &n.Kind, &n.RefID, &n.ActorID, &n.StudentID,
			&n.CreatedAt, &read, &due, &pushed, &n.Digest, &digested,
			&n.ActorTitle, &n.ActorFirst, &n.ActorLast, &n.StudentName, &n.SchoolName, &n.Correction); err != nil {
			return nil, db.MapError(err)
		}
		n.CreatedAt = n.CreatedAt.UTC()
		n.ReadAt, n.PushDueAt, n.PushedAt, n.DigestedAt = timePtr(read), timePtr(due), timePtr(pushed), timePtr(digested)
		out = append(out, n)
	}
	return out, db.MapError(rows.Err())
}

// Notifications lists a person's notifications visible at now, newest
// first, from before (nil: the newest). students, when not nil, keeps
// only notifications about no child or one of them (a parent's children
// they still act for).
func Notifications(ctx context.Context, q db.Querier, userID int64, students []int64, now time.Time, before *TimeCursor, limit int) ([]Notification, error) {
	where := `WHERE n.user_id = $1 AND n.created_at <= $2` + childFilter("n.", students)
	if before == nil {
		return listNotifications(ctx, q, where+` ORDER BY n.created_at DESC, n.id DESC LIMIT $3`, userID, now, limit)
	}
	return listNotifications(ctx, q, where+` AND (n.created_at < $3 OR (n.created_at = $3 AND n.id < $4)) ORDER BY n.created_at DESC, n.id DESC LIMIT $5`,
		userID, now, before.At, before.ID, limit)
}

func childFilter(prefix string, students []int64) string {
	if students == nil {
		return ""
	}
	return ` AND (` + prefix + `student_id IS NULL OR ` + prefix + `student_id IN (` + storyIDs(students) + `))`
}

// NotificationByID returns one of a person's notifications.
func NotificationByID(ctx context.Context, q db.Querier, userID, id int64) (*Notification, error) {
	list, err := listNotifications(ctx, q, `WHERE n.id = $1 AND n.user_id = $2`, id, userID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// UnreadNotifications counts a person's unread notifications visible at now.
func UnreadNotifications(ctx context.Context, q db.Querier, userID int64, students []int64, now time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL AND created_at <= $2`+childFilter("", students),
		userID, now).Scan(&n)
	return n, db.MapError(err)
}

// ReadNotification marks one of a person's notifications read; false if
// they have no such notification.
func ReadNotification(ctx context.Context, q db.Querier, userID, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3 AND created_at <= $1`, now, id, userID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n > 0, db.MapError(err)
}

// ReadAllNotifications marks every notification of a person visible at
// now read, and reports how many were unread.
func ReadAllNotifications(ctx context.Context, q db.Querier, userID int64, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND created_at <= $1`, now, userID)
	if err != nil {
		return 0, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n, db.MapError(err)
}

// ReadNotificationsOf marks a person's notifications of one thing read
// (they opened the conversation or the post).
func ReadNotificationsOf(ctx context.Context, q db.Querier, userID int64, kinds []string, refID int64, now time.Time) error {
	if len(kinds) == 0 {
		return nil
	}
	args := []any{now, userID, refID}
	var ph []string
	for _, k := range kinds {
		args = append(args, k)
		ph = append(ph, "$"+strconv.Itoa(len(args)))
	}
	_, err := q.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND ref_id = $3 AND read_at IS NULL
		AND created_at <= $1 AND kind IN (`+strings.Join(ph, ", ")+`)`, args...)
	return db.MapError(err)
}

// NotifiedSince reports which of the people have a notification of the
// kind about the ref and student dated at or after since (an absence
// already told today).
func NotifiedSince(ctx context.Context, q db.Querier, kind string, refID, studentID int64, since time.Time) (map[int64]bool, error) {
	return idSet(ctx, q, `SELECT DISTINCT user_id FROM notifications WHERE kind = $1 AND ref_id = $2 AND COALESCE(student_id, 0) = $3 AND created_at >= $4`,
		kind, refID, studentID, since)
}

// NotifyTarget is what the decision for one person needs: how to reach
// them, their choice for the kind ("" for the default) and their quiet
// hours.
type NotifyTarget struct {
	UserID    int64
	Kind      string
	Email     string
	Language  string
	Title     string
	FirstName string
	LastName  string
	Channel   string
	HasQuiet  bool
	Quiet     QuietHours
}

// NotifyTargets loads the people (accounts not disabled) for one kind of
// notification, in one query.
func NotifyTargets(ctx context.Context, q db.Querier, kind string, ids []int64) ([]NotifyTarget, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.kind, COALESCE(u.email, ''), u.language, u.title, u.first_name, u.last_name,
			COALESCE(p.channel, ''), q.user_id IS NOT NULL, COALESCE(q.enabled, FALSE), COALESCE(q.starts, 0), COALESCE(q.ends, 0), COALESCE(q.weekends, FALSE)
		FROM users u
		LEFT JOIN notification_prefs p ON p.user_id = u.id AND p.kind = $1
		LEFT JOIN quiet_hours q ON q.user_id = u.id
		WHERE u.id IN (`+storyIDs(ids)+`) AND u.disabled_at IS NULL ORDER BY u.id`, kind)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []NotifyTarget
	for rows.Next() {
		var t NotifyTarget
		if err := rows.Scan(&t.UserID, &t.Kind, &t.Email, &t.Language, &t.Title, &t.FirstName, &t.LastName,
			&t.Channel, &t.HasQuiet, &t.Quiet.Enabled, &t.Quiet.Starts, &t.Quiet.Ends, &t.Quiet.Weekends); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, t)
	}
	return out, db.MapError(rows.Err())
}

// NotificationPrefs returns a person's choices by kind (kinds left at
// their default are absent).
func NotificationPrefs(ctx context.Context, q db.Querier, userID int64) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, channel FROM notification_prefs WHERE user_id = $1`, userID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, c string
		if err := rows.Scan(&k, &c); err != nil {
			return nil, db.MapError(err)
		}
		out[k] = c
	}
	return out, db.MapError(rows.Err())
}

// SetNotificationPref saves a person's choice for a kind.
func SetNotificationPref(ctx context.Context, q db.Querier, userID int64, kind, channel string, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, kind, channel, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, kind) DO UPDATE SET channel = excluded.channel, updated_at = excluded.updated_at`, userID, kind, channel, now)
	return db.MapError(err)
}

// Fanout is a notification to many people, handled by the job in batches.
type Fanout struct {
	ID         int64
	SchoolID   int64
	Kind       string
	RefID      int64
	ActorID    int64
	StudentID  int64
	Urgent     bool
	VisibleAt  time.Time
	DueAt      time.Time
	Recipients []int64 // nil: the parents of StudentID, found by the job
	Done       int
	CreatedAt  time.Time
}

// AddFanout inserts f.
func AddFanout(ctx context.Context, q db.Querier, f *Fanout) error {
	ids := make([]string, len(f.Recipients))
	for i, id := range f.Recipients {
		ids[i] = strconv.FormatInt(id, 10)
	}
	err := q.QueryRowContext(ctx, `INSERT INTO notification_fanouts (school_id, kind, ref_id, actor_id, student_id, urgent, visible_at, due_at, recipients, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		nullID(f.SchoolID), f.Kind, f.RefID, nullID(f.ActorID), nullID(f.StudentID), f.Urgent, f.VisibleAt, f.DueAt, strings.Join(ids, ","), f.CreatedAt).Scan(&f.ID)
	return db.MapError(err)
}

// DueFanouts lists fan-outs the job may handle at now, oldest first.
func DueFanouts(ctx context.Context, q db.Querier, now time.Time, limit int) ([]Fanout, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(school_id, 0), kind, ref_id, COALESCE(actor_id, 0), COALESCE(student_id, 0), urgent,
			visible_at, due_at, recipients, done, created_at
		FROM notification_fanouts WHERE due_at <= $1 ORDER BY due_at, id LIMIT $2`, now, limit)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []Fanout
	for rows.Next() {
		var f Fanout
		var list string
		if err := rows.Scan(&f.ID, &f.SchoolID, &f.Kind, &f.RefID, &f.ActorID, &f.StudentID, &f.Urgent,
			&f.VisibleAt, &f.DueAt, &list, &f.Done, &f.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		f.VisibleAt, f.DueAt, f.CreatedAt = f.VisibleAt.UTC(), f.DueAt.UTC(), f.CreatedAt.UTC()
		for s := range strings.SplitSeq(list, ",") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				f.Recipients = append(f.Recipients, id)
			}
		}
		out = append(out, f)
	}
	return out, db.MapError(rows.Err())
}

// AdvanceFanout moves a fan-out from done to next, or fails with
// ErrConflict when another job moved it first (the batch is then rolled
// back, and nobody is told twice).
func AdvanceFanout(ctx context.Context, q db.Querier, id int64, done, next int) error {
	res, err := q.ExecContext(ctx, `UPDATE notification_fanouts SET done = $1 WHERE id = $2 AND done = $3`, next, id, done)
	if err != nil {
		return db.MapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(db.ErrConflict, err)
	}
	return nil
}

// DeleteFanout removes a finished fan-out.
func DeleteFanout(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM notification_fanouts WHERE id = $1`, id)
	return db.MapError(err)
}

// DeleteNoticesOf removes every notification of a thing, written or still
// to be written (its fan-outs): a scheduled announcement called off.
func DeleteNoticesOf(ctx context.Context, q db.Querier, kind string, refID int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM notification_fanouts WHERE kind = $1 AND ref_id = $2`, kind, refID); err != nil {
		return db.MapError(err)
	}
	_, err := q.ExecContext(ctx, `DELETE FROM notifications WHERE kind = $1 AND ref_id = $2`, kind, refID)
	return db.MapError(err)
}

// DigestWaiting lists the people with notifications waiting for a digest
// dated before cutoff who have had no digest on day.
func DigestWaiting(ctx context.Context, q db.Querier, cutoff time.Time, day string, limit int) ([]int64, error) {
	return idRows(ctx, q, `SELECT DISTINCT n.user_id FROM notifications n WHERE n.digest AND n.digested_at IS NULL AND n.created_at <= $1
		AND NOT EXISTS (SELECT 1 FROM notification_digests g WHERE g.user_id = n.user_id AND g.day = $2)
		ORDER BY n.user_id LIMIT $3`, cutoff, day, limit)
}

// DigestItems lists a person's notifications waiting for a digest dated
// before cutoff, oldest first.
func DigestItems(ctx context.Context, q db.Querier, userID int64, cutoff time.Time) ([]Notification, error) {
	return listNotifications(ctx, q, `WHERE n.user_id = $1 AND n.digest AND n.digested_at IS NULL AND n.created_at <= $2
		ORDER BY n.created_at, n.id`, userID, cutoff)
}

// ClaimDigest records the person's digest of day; false when there is one
// already (the job ran twice).
func ClaimDigest(ctx context.Context, q db.Querier, userID int64, day string, items int, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO notification_digests (user_id, day, items, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, day) DO NOTHING`, userID, day, items, now)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, db.MapError(err)
}

// MarkDigested marks the listed notifications as sent in a digest.
func MarkDigested(ctx context.Context, q db.Querier, userID int64, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `UPDATE notifications SET digested_at = $1 WHERE user_id = $2 AND id IN (`+storyIDs(ids)+`)`, now, userID)
	return db.MapError(err)
}

// PurgeNotifications deletes notifications created before t and digest
// records before dt (the inventory's retention).
func PurgeNotifications(ctx context.Context, q db.Querier, t, dt time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM notifications WHERE created_at < $1`, t)
	if err != nil {
		return 0, db.MapError(err)
	}
	n, _ := res.RowsAffected()
	if _, err := q.ExecContext(ctx, `DELETE FROM notification_digests WHERE created_at < $1`, dt); err != nil {
		return n, db.MapError(err)
	}
	return n, nil
}

// IsCorrection reports whether id is a correction request about the student.
func IsCorrection(ctx context.Context, q db.Querier, id, studentID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM corrections WHERE id = $1 AND student_id = $2`, id, studentID).Scan(&n)
	return n > 0, db.MapError(err)
}
