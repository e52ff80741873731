package store

import (
	"context"
	"time"

	"cubby/internal/db"
)

// PortfolioFile is the photo, drawing, recording or document of a piece
// of work, already processed.
type PortfolioFile struct {
	ID          int64
	SchoolID    int64
	ItemID      int64
	PublicID    string
	Kind        string // PortfolioPhoto, PortfolioDrawing, PortfolioVoice, PortfolioDoc
	Name        string
	ContentType string
	Size        int64
	Width       int
	Height      int
	FileKey     string
	CreatedAt   time.Time
}

// CreatePortfolioFile inserts a file of a piece of work.
func CreatePortfolioFile(ctx context.Context, q db.Querier, f *PortfolioFile) error {
	err := q.QueryRowContext(ctx, `INSERT INTO portfolio_files (school_id, item_id, public_id, kind, name, content_type, size, width, height, file_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		f.SchoolID, f.ItemID, f.PublicID, f.Kind, f.Name, f.ContentType, f.Size, f.Width, f.Height, f.FileKey, f.CreatedAt).Scan(&f.ID)
	return db.MapError(err)
}

func listPortfolioFiles(ctx context.Context, q db.Querier, query string, args ...any) ([]PortfolioFile, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, school_id, item_id, public_id, kind, name, content_type, size, width, height, file_key, created_at
		FROM portfolio_files `+query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []PortfolioFile
	for rows.Next() {
		var f PortfolioFile
		if err := rows.Scan(&f.ID, &f.SchoolID, &f.ItemID, &f.PublicID, &f.Kind, &f.Name, &f.ContentType, &f.Size, &f.Width, &f.Height,
			&f.FileKey, &f.CreatedAt); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, f)
	}
	return out, db.MapError(rows.Err())
}

// PortfolioFileByPublicID finds a file by the id its links carry.
func PortfolioFileByPublicID(ctx context.Context, q db.Querier, publicID string) (*PortfolioFile, error) {
	list, err := listPortfolioFiles(ctx, q, `WHERE public_id = $1`, publicID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// FilesOfItems maps each item to its files.
func FilesOfItems(ctx context.Context, q db.Querier, itemIDs []int64) (map[int64][]PortfolioFile, error) {
	out := map[int64][]PortfolioFile{}
	if len(itemIDs) == 0 {
		return out, nil
	}
	list, err := listPortfolioFiles(ctx, q, `WHERE item_id IN (`+storyIDs(itemIDs)+`) ORDER BY item_id, id`)
	for _, f := range list {
		out[f.ItemID] = append(out[f.ItemID], f)
	}
	return out, err
}

// DeleteFilesOfItem removes an item's file rows and returns their keys,
// for the caller to remove the files (with their thumbnails).
func DeleteFilesOfItem(ctx context.Context, q db.Querier, itemID int64) ([]string, error) {
	list, err := listPortfolioFiles(ctx, q, `WHERE item_id = $1`, itemID)
	if err != nil {
		return nil, err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM portfolio_files WHERE item_id = $1`, itemID); err != nil {
		return nil, db.MapError(err)
	}
	keys := make([]string, 0, 2*len(list))
	for _, f := range list {
		keys = append(keys, f.FileKey, f.FileKey+".thumb")
	}
	return keys, nil
}

// PortfolioReview is a teacher's approval or return of a piece of work.
type PortfolioReview struct {
	ID         int64
	SchoolID   int64
	ItemID     int64
	ReviewerID int64
	Action     string // approved, returned
	Comment    string
	CreatedAt  time.Time

	ReviewerTitle, ReviewerFirst, ReviewerLast string
}

// ReviewerName is the reviewer as they chose to be shown, or "".
func (r PortfolioReview) ReviewerName() string {
	if r.ReviewerID == 0 {
		return ""
	}
	u := User{Title: r.ReviewerTitle, FirstName: r.ReviewerFirst, LastName: r.ReviewerLast}
	return u.DisplayName()
}

// AddPortfolioReview records a decision.
func AddPortfolioReview(ctx context.Context, q db.Querier, r *PortfolioReview) error {
	err := q.QueryRowContext(ctx, `INSERT INTO portfolio_reviews (school_id, item_id, reviewer_id, action, comment, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.SchoolID, r.ItemID, nullID(r.ReviewerID), r.Action, r.Comment, r.CreatedAt).Scan(&r.ID)
	return db.MapError(err)
}

// ReviewsOfItem lists an item's decisions, oldest first.
func ReviewsOfItem(ctx context.Context, q db.Querier, itemID int64) ([]PortfolioReview, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.school_id, r.item_id, COALESCE(r.reviewer_id, 0), r.action, r.comment, r.created_at,
		COALESCE(u.title, ''), COALESCE(u.first_name, ''), COALESCE(u.last_name, '')
		FROM portfolio_reviews r LEFT JOIN users u ON u.id = r.reviewer_id WHERE r.item_id = $1 ORDER BY r.created_at, r.id`, itemID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []PortfolioReview
	for rows.Next() {
		var r PortfolioReview
		if err := rows.Scan(&r.ID, &r.SchoolID, &r.ItemID, &r.ReviewerID, &r.Action, &r.Comment, &r.CreatedAt,
			&r.ReviewerTitle, &r.ReviewerFirst, &r.ReviewerLast); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, r)
	}
	return out, db.MapError(rows.Err())
}

// PortfolioComment is a comment on approved work.
type PortfolioComment struct {
	ID        int64
	SchoolID  int64
	ItemID    int64
	AuthorID  int64
	Body      string
	CreatedAt time.Time

	AuthorTitle, AuthorFirst, AuthorLast, AuthorKind string
}

// AuthorName is the commenter as they chose to be shown.
func (c PortfolioComment) AuthorName() string {
	u := User{Title: c.AuthorTitle, FirstName: c.AuthorFirst, LastName: c.AuthorLast}
	return u.DisplayName()
}

// CreatePortfolioComment inserts a comment.
func CreatePortfolioComment(ctx context.Context, q db.Querier, c *PortfolioComment) error {
	err := q.QueryRowContext(ctx, `INSERT INTO portfolio_comments (school_id, item_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		c.SchoolID, c.ItemID, c.AuthorID, c.Body, c.CreatedAt).Scan(&c.ID)
	return db.MapError(err)
}

func listPortfolioComments(ctx context.Context, q db.Querier, query string, args ...any) ([]PortfolioComment, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.school_id, c.item_id, c.author_id, c.body, c.created_at, u.title, u.first_name, u.last_name, u.kind
		FROM portfolio_comments c JOIN users u ON u.id = c.author_id `+query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []PortfolioComment
	for rows.Next() {
		var c PortfolioComment
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.ItemID, &c.AuthorID, &c.Body, &c.CreatedAt, &c.AuthorTitle, &c.AuthorFirst, &c.AuthorLast, &c.AuthorKind); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}

// PortfolioCommentByID returns one comment.
func PortfolioCommentByID(ctx context.Context, q db.Querier, id int64) (*PortfolioComment, error) {
	list, err := listPortfolioComments(ctx, q, `WHERE c.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// CommentsOfItems maps each item to its comments, oldest first.
func CommentsOfItems(ctx context.Context, q db.Querier, itemIDs []int64) (map[int64][]PortfolioComment, error) {
	out := map[int64][]PortfolioComment{}
	if len(itemIDs) == 0 {
		return out, nil
	}
	list, err := listPortfolioComments(ctx, q, `WHERE c.item_id IN (`+storyIDs(itemIDs)+`) ORDER BY c.created_at, c.id`)
	for _, c := range list {
		out[c.ItemID] = append(out[c.ItemID], c)
	}
	return out, err
}

// DeletePortfolioComment removes a comment.
func DeletePortfolioComment(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM portfolio_comments WHERE id = $1`, id)
	return db.MapError(err)
}

// PortfolioFileKeysOfStudent lists every stored file of a student's work,
// for the export's readable portfolio.
func PortfolioFileKeysOfStudent(ctx context.Context, q db.Querier, studentID int64) ([]PortfolioFile, error) {
	return listPortfolioFiles(ctx, q, `WHERE item_id IN (SELECT id FROM portfolio_items WHERE student_id = $1) ORDER BY item_id, id`, studentID)
}
