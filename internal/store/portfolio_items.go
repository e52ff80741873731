package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Portfolio item kinds.
const (
	PortfolioText    = "text"
	PortfolioPhoto   = "photo"
	PortfolioDrawing = "drawing"
	PortfolioVoice   = "voice"
	PortfolioDoc     = "file"
)

// PortfolioItem is a piece of a student's work.
type PortfolioItem struct {
	ID          int64
	SchoolID    int64
	StudentID   int64
	ClassID     int64 // 0 once the class is gone
	ActivityID  int64 // 0: a journal entry, or the activity was removed
	Kind        string
	Body        string
	Status      string // authz.PortfolioPending, …
	CreatedAt   time.Time
	SubmittedAt time.Time
	ApprovedAt  *time.Time
	ApprovedBy  int64

	// Filled by reads.
	StudentFirst, StudentLast string
	StudentUserID             int64
	ActivityTitle             string
	ClassName                 string
	CommentsOff               bool // the class's families' comments
}

// CreatePortfolioItem inserts a piece of work.
func CreatePortfolioItem(ctx context.Context, q db.Querier, it *PortfolioItem) error {
	err := q.QueryRowContext(ctx, `INSERT INTO portfolio_items (school_id, student_id, class_id, activity_id, kind, body, status, created_at, submitted_at,
		approved_at, approved_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		it.SchoolID, it.StudentID, nullID(it.ClassID), nullID(it.ActivityID), it.Kind, it.Body, it.Status, it.CreatedAt, it.SubmittedAt,
		nullTime(it.ApprovedAt), nullID(it.ApprovedBy)).Scan(&it.ID)
	return db.MapError(err)
}

const itemColumns = `i.id, i.school_id, i.student_id, COALESCE(i.class_id, 0), COALESCE(i.activity_id, 0), i.kind, i.body, i.status,
	i.created_at, i.submitted_at, i.approved_at, COALESCE(i.approved_by, 0), u.first_name, u.last_name, u.id,
	COALESCE(a.title, ''), COALESCE(c.name, ''), COALESCE(c.portfolio_comments_off, FALSE)`

const itemFrom = ` FROM portfolio_items i JOIN students st ON st.id = i.student_id JOIN users u ON u.id = st.user_id
	LEFT JOIN portfolio_activities a ON a.id = i.activity_id LEFT JOIN classes c ON c.id = i.class_id `

func listItems(ctx context.Context, q db.Querier, query string, args ...any) ([]PortfolioItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+itemColumns+itemFrom+query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []PortfolioItem
	for rows.Next() {
		var it PortfolioItem
		var approved sql.NullTime
		if err := rows.Scan(&it.ID, &it.SchoolID, &it.StudentID, &it.ClassID, &it.ActivityID, &it.Kind, &it.Body, &it.Status,
			&it.CreatedAt, &it.SubmittedAt, &approved, &it.ApprovedBy, &it.StudentFirst, &it.StudentLast, &it.StudentUserID,
			&it.ActivityTitle, &it.ClassName, &it.CommentsOff); err != nil {
			return nil, db.MapError(err)
		}
		it.CreatedAt, it.SubmittedAt, it.ApprovedAt = it.CreatedAt.UTC(), it.SubmittedAt.UTC(), timePtr(approved)
		out = append(out, it)
	}
	return out, db.MapError(rows.Err())
}

// PortfolioItemByID returns one piece of work.
func PortfolioItemByID(ctx context.Context, q db.Querier, id int64) (*PortfolioItem, error) {
	list, err := listItems(ctx, q, `WHERE i.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// PortfolioQueue lists a class's work waiting for approval, oldest first
// (the order it came in), at most limit.
func PortfolioQueue(ctx context.Context, q db.Querier, classID int64, limit int) ([]PortfolioItem, error) {
	return listItems(ctx, q, `WHERE i.class_id = $1 AND i.status = 'pending' ORDER BY i.submitted_at, i.id LIMIT $2`, classID, limit)
}

// ReturnedInClass lists a class's work returned to its students and not
// sent back yet, newest first.
func ReturnedInClass(ctx context.Context, q db.Querier, classID int64, limit int) ([]PortfolioItem, error) {
	return listItems(ctx, q, `WHERE i.class_id = $1 AND i.status = 'returned' ORDER BY i.submitted_at DESC, i.id DESC LIMIT $2`, classID, limit)
}

// ApprovedOfStudent lists a student's approved work newest first (by when
// it was approved), from before the cursor (nil: the newest), at most
// limit: what their family sees.
func ApprovedOfStudent(ctx context.Context, q db.Querier, studentID int64, before *TimeCursor, limit int) ([]PortfolioItem, error) {
	if before == nil {
		return listItems(ctx, q, `WHERE i.student_id = $1 AND i.status = 'approved' ORDER BY i.approved_at DESC, i.id DESC LIMIT $2`, studentID, limit)
	}
	return listItems(ctx, q, `WHERE i.student_id = $1 AND i.status = 'approved' AND (i.approved_at < $2 OR (i.approved_at = $2 AND i.id < $3))
		ORDER BY i.approved_at DESC, i.id DESC LIMIT $4`, studentID, before.At, before.ID, limit)
}

// WorkOfStudent lists all of a student's work, whatever its state, newest
// first by when it was last sent, at most limit: what the student and
// their teachers see.
func WorkOfStudent(ctx context.Context, q db.Querier, studentID int64, before *TimeCursor, limit int) ([]PortfolioItem, error) {
	if before == nil {
		return listItems(ctx, q, `WHERE i.student_id = $1 ORDER BY i.submitted_at DESC, i.id DESC LIMIT $2`, studentID, limit)
	}
	return listItems(ctx, q, `WHERE i.student_id = $1 AND (i.submitted_at < $2 OR (i.submitted_at = $2 AND i.id < $3))
		ORDER BY i.submitted_at DESC, i.id DESC LIMIT $4`, studentID, before.At, before.ID, limit)
}

// ItemsOfActivity maps each student to their latest work for an activity.
func ItemsOfActivity(ctx context.Context, q db.Querier, activityID int64) (map[int64]PortfolioItem, error) {
	list, err := listItems(ctx, q, `WHERE i.activity_id = $1 ORDER BY i.submitted_at, i.id`, activityID)
	out := map[int64]PortfolioItem{}
	for _, it := range list {
		out[it.StudentID] = it
	}
	return out, err
}

// ApprovePortfolioItem marks work approved, once: ok is false when it was
// not waiting (approved meanwhile, or returned).
func ApprovePortfolioItem(ctx context.Context, q db.Querier, id, by int64, now time.Time) (bool, error) {
	return changed(q.ExecContext(ctx, `UPDATE portfolio_items SET status = 'approved', approved_at = $1, approved_by = $2
		WHERE id = $3 AND status = 'pending'`, now, nullID(by), id))
}

// ReturnPortfolioItem sends waiting work back to its student.
func ReturnPortfolioItem(ctx context.Context, q db.Querier, id int64) (bool, error) {
	return changed(q.ExecContext(ctx, `UPDATE portfolio_items SET status = 'returned' WHERE id = $1 AND status = 'pending'`, id))
}

// RevisePortfolioItem replaces the work's content with the student's
// improved version and puts it back in the queue (or, where approval is
// off, approves it again at once: approvedAt set).
func RevisePortfolioItem(ctx context.Context, q db.Querier, id int64, kind, body string, now time.Time, approvedAt *time.Time) (bool, error) {
	status := "pending"
	if approvedAt != nil {
		status = "approved"
	}
	return changed(q.ExecContext(ctx, `UPDATE portfolio_items SET kind = $1, body = $2, submitted_at = $3, status = $4, approved_at = $5, approved_by = NULL
		WHERE id = $6 AND status <> 'approved'`, kind, body, now, status, nullTime(approvedAt), id))
}

// DeletePortfolioItem removes a piece of work with its files' rows,
// reviews, comments and likes (the caller removes the files).
func DeletePortfolioItem(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM portfolio_items WHERE id = $1`, id)
	return db.MapError(err)
}

// PortfolioCounts are what a card shows of an item's likes and comments.
type PortfolioCounts struct {
	Likes, Comments int
	Liked           bool
}

// PortfolioCountsOf maps each item to its likes and comments, and whether
// userID liked it.
func PortfolioCountsOf(ctx context.Context, q db.Querier, itemIDs []int64, userID int64) (map[int64]PortfolioCounts, error) {
	out := map[int64]PortfolioCounts{}
	if len(itemIDs) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT i.id,
		(SELECT count(*) FROM portfolio_likes l WHERE l.item_id = i.id),
		(SELECT count(*) FROM portfolio_comments c WHERE c.item_id = i.id),
		EXISTS (SELECT 1 FROM portfolio_likes l WHERE l.item_id = i.id AND l.user_id = $1)
		FROM portfolio_items i WHERE i.id IN (`+storyIDs(itemIDs)+`)`, userID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c PortfolioCounts
		if err := rows.Scan(&id, &c.Likes, &c.Comments, &c.Liked); err != nil {
			return nil, db.MapError(err)
		}
		out[id] = c
	}
	return out, db.MapError(rows.Err())
}

// AddPortfolioLike records a like; a second one is ErrConflict.
func AddPortfolioLike(ctx context.Context, q db.Querier, schoolID, itemID, userID int64, now time.Time) error {
	ok, err := changed(q.ExecContext(ctx, `INSERT INTO portfolio_likes (school_id, item_id, user_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (item_id, user_id) DO NOTHING`, schoolID, itemID, userID, now))
	if err == nil && !ok {
		err = db.ErrConflict
	}
	return err
}

// RemovePortfolioLike takes a like back.
func RemovePortfolioLike(ctx context.Context, q db.Querier, itemID, userID int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM portfolio_likes WHERE item_id = $1 AND user_id = $2`, itemID, userID)
	return db.MapError(err)
}
