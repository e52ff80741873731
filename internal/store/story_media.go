package store

import (
	"context"
	"database/sql"
	"time"

	"cubby/internal/db"
)

// Attachment kinds and states.
const (
	AttachPhoto = "photo"
	AttachVideo = "video"
	AttachFile  = "file"

	AttachProcessing = "processing"
	AttachReady      = "ready"
	AttachFailed     = "failed"
)

// StoryAttachment is a photo, video or file of a post.
type StoryAttachment struct {
	ID          int64
	SchoolID    int64
	PostID      int64
	PublicID    string
	Position    int
	Kind        string
	Name        string
	ContentType string
	Size        int64
	Width       int
	Height      int
	Status      string
	Error       string // a message key, when Status is failed
	SourceKey   string // the upload, until processed
	FileKey     string // the processed file
	CreatedAt   time.Time
}

// CreateStoryAttachment inserts an attachment.
func CreateStoryAttachment(ctx context.Context, q db.Querier, a *StoryAttachment) error {
	err := q.QueryRowContext(ctx, `INSERT INTO story_attachments (school_id, post_id, public_id, position, kind, name, content_type, size,
		width, height, status, source_key, file_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		a.SchoolID, a.PostID, a.PublicID, a.Position, a.Kind, a.Name, a.ContentType, a.Size, a.Width, a.Height, a.Status,
		a.SourceKey, a.FileKey, a.CreatedAt).Scan(&a.ID)
	return db.MapError(err)
}

const attachmentColumns = `id, school_id, post_id, public_id, position, kind, name, content_type, size, width, height, status, error, source_key, file_key, created_at`

func scanAttachment(row interface{ Scan(...any) error }) (*StoryAttachment, error) {
	var a StoryAttachment
	err := row.Scan(&a.ID, &a.SchoolID, &a.PostID, &a.PublicID, &a.Position, &a.Kind, &a.Name, &a.ContentType, &a.Size,
		&a.Width, &a.Height, &a.Status, &a.Error, &a.SourceKey, &a.FileKey, &a.CreatedAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	return &a, nil
}

func listAttachments(ctx context.Context, q db.Querier, query string, args ...any) ([]StoryAttachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM story_attachments `+query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []StoryAttachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, db.MapError(rows.Err())
}

// StoryAttachmentByPublicID finds an attachment by the id its links carry.
func StoryAttachmentByPublicID(ctx context.Context, q db.Querier, publicID string) (*StoryAttachment, error) {
	return scanAttachment(q.QueryRowContext(ctx, `SELECT `+attachmentColumns+` FROM story_attachments WHERE public_id = $1`, publicID))
}

// AttachmentsOfPost lists a post's attachments in order.
func AttachmentsOfPost(ctx context.Context, q db.Querier, postID int64) ([]StoryAttachment, error) {
	return listAttachments(ctx, q, `WHERE post_id = $1 ORDER BY position, id`, postID)
}

// AttachmentsOfPosts maps each post to its attachments in order.
func AttachmentsOfPosts(ctx context.Context, q db.Querier, postIDs []int64) (map[int64][]StoryAttachment, error) {
	out := map[int64][]StoryAttachment{}
	if len(postIDs) == 0 {
		return out, nil
	}
	list, err := listAttachments(ctx, q, `WHERE post_id IN (`+storyIDs(postIDs)+`) ORDER BY post_id, position, id`)
	for _, a := range list {
		out[a.PostID] = append(out[a.PostID], a)
	}
	return out, err
}

// ProcessingAttachments lists a post's attachments still to be processed.
func ProcessingAttachments(ctx context.Context, q db.Querier, postID int64) ([]StoryAttachment, error) {
	return listAttachments(ctx, q, `WHERE post_id = $1 AND status = 'processing' ORDER BY position, id`, postID)
}

// SetAttachmentReady records a processed file and forgets the upload.
func SetAttachmentReady(ctx context.Context, q db.Querier, a *StoryAttachment) error {
	_, err := q.ExecContext(ctx, `UPDATE story_attachments SET status = 'ready', error = '', source_key = '', file_key = $1, content_type = $2,
		size = $3, width = $4, height = $5 WHERE id = $6`, a.FileKey, a.ContentType, a.Size, a.Width, a.Height, a.ID)
	return db.MapError(err)
}

// SetAttachmentFailed records that a file could not be read (a message key)
// and forgets the upload.
func SetAttachmentFailed(ctx context.Context, q db.Querier, id int64, errKey string) error {
	_, err := q.ExecContext(ctx, `UPDATE story_attachments SET status = 'failed', error = $1, source_key = '' WHERE id = $2`, errKey, id)
	return db.MapError(err)
}

// DeleteStoryAttachment removes an attachment and its tags.
func DeleteStoryAttachment(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM story_attachments WHERE id = $1`, id)
	return db.MapError(err)
}

// StoryFileKeys lists every file key of the matching attachments, uploads
// and processed files alike, so they can be removed with their rows.
func StoryFileKeys(ctx context.Context, q db.Querier, where string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT source_key, file_key FROM story_attachments WHERE `+where, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src, file string
		if err := rows.Scan(&src, &file); err != nil {
			return nil, db.MapError(err)
		}
		for _, k := range []string{src, file} {
			if k != "" {
				out = append(out, k)
			}
		}
	}
	return out, db.MapError(rows.Err())
}

// StoryTag is a child tagged in a photo.
type StoryTag struct {
	PostID, AttachmentID, StudentID int64
	StudentUserID                   int64
	FirstName, LastName             string
}

// AddStoryTag tags a child in a photo.
func AddStoryTag(ctx context.Context, q db.Querier, schoolID, postID, attachmentID, studentID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO story_tags (school_id, post_id, attachment_id, student_id, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (attachment_id, student_id) DO NOTHING`, schoolID, postID, attachmentID, studentID, now)
	return db.MapError(err)
}

// RemoveStoryTag untags a child from a photo.
func RemoveStoryTag(ctx context.Context, q db.Querier, attachmentID, studentID int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM story_tags WHERE attachment_id = $1 AND student_id = $2`, attachmentID, studentID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TagsOfPosts maps each post to its tags, with the children's names.
func TagsOfPosts(ctx context.Context, q db.Querier, postIDs []int64) (map[int64][]StoryTag, error) {
	out := map[int64][]StoryTag{}
	if len(postIDs) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT t.post_id, t.attachment_id, t.student_id, s.user_id, u.first_name, u.last_name FROM story_tags t
		JOIN students s ON s.id = t.student_id JOIN users u ON u.id = s.user_id
		WHERE t.post_id IN (`+storyIDs(postIDs)+`) ORDER BY t.post_id, u.first_name, u.last_name, t.student_id`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var t StoryTag
		if err := rows.Scan(&t.PostID, &t.AttachmentID, &t.StudentID, &t.StudentUserID, &t.FirstName, &t.LastName); err != nil {
			return nil, db.MapError(err)
		}
		out[t.PostID] = append(out[t.PostID], t)
	}
	return out, db.MapError(rows.Err())
}

// SoleTagAttachments lists the photos in which every child tagged is a
// student profile of the account: what that child's erasure removes
// (photos that also show other children stay, without the child's tag).
func SoleTagAttachments(ctx context.Context, q db.Querier, userID int64) ([]StoryAttachment, error) {
	return listAttachments(ctx, q, `WHERE id IN (SELECT t.attachment_id FROM story_tags t JOIN students s ON s.id = t.student_id WHERE s.user_id = $1)
		AND NOT EXISTS (SELECT 1 FROM story_tags o JOIN students os ON os.id = o.student_id WHERE o.attachment_id = story_attachments.id AND os.user_id <> $1)`, userID)
}

// StoryUpload is a file uploaded before its post exists.
type StoryUpload struct {
	ID          int64
	SchoolID    int64
	ClassID     int64 // 0: for School Story
	UploadedBy  int64
	PublicID    string
	Kind        string
	Name        string
	ContentType string
	Size        int64
	Width       int
	Height      int
	SourceKey   string
	CreatedAt   time.Time
}

// CreateStoryUpload inserts an upload.
func CreateStoryUpload(ctx context.Context, q db.Querier, u *StoryUpload) error {
	err := q.QueryRowContext(ctx, `INSERT INTO story_uploads (school_id, class_id, uploaded_by, public_id, kind, name, content_type, size,
		width, height, source_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		u.SchoolID, nullID(u.ClassID), u.UploadedBy, u.PublicID, u.Kind, u.Name, u.ContentType, u.Size, u.Width, u.Height,
		u.SourceKey, u.CreatedAt).Scan(&u.ID)
	return db.MapError(err)
}

// StoryUploadByPublicID finds an upload by its public id.
func StoryUploadByPublicID(ctx context.Context, q db.Querier, publicID string) (*StoryUpload, error) {
	var u StoryUpload
	var class sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, school_id, class_id, uploaded_by, public_id, kind, name, content_type, size, width, height,
		source_key, created_at FROM story_uploads WHERE public_id = $1`, publicID).Scan(&u.ID, &u.SchoolID, &class, &u.UploadedBy,
		&u.PublicID, &u.Kind, &u.Name, &u.ContentType, &u.Size, &u.Width, &u.Height, &u.SourceKey, &u.CreatedAt)
	if err != nil {
		return nil, db.MapError(err)
	}
	u.ClassID = class.Int64
	return &u, nil
}

// DeleteStoryUpload removes an upload's row (the caller moves or removes
// its file).
func DeleteStoryUpload(ctx context.Context, q db.Querier, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM story_uploads WHERE id = $1`, id)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TaggableStudent is a child who may appear in a post's photos: on the
// class's roster now (Class Story) or at the school (School Story).
type TaggableStudent struct {
	ID, UserID          int64
	FirstName, LastName string
}

// TaggableStudents lists the children of a class (classID != 0) or school
// who can be tagged, in name order; with ids, only those.
func TaggableStudents(ctx context.Context, q db.Querier, schoolID, classID int64, ids []int64) ([]TaggableStudent, error) {
	query := `SELECT st.id, st.user_id, u.first_name, u.last_name FROM students st JOIN users u ON u.id = st.user_id
		WHERE st.school_id = $1 AND st.left_at IS NULL`
	args := []any{schoolID}
	if classID != 0 {
		query += ` AND st.id IN (SELECT student_id FROM class_students WHERE class_id = $2 AND removed_at IS NULL)`
		args = append(args, classID)
	}
	if ids != nil {
		query += ` AND st.id IN (` + storyIDs(ids) + `)`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY u.first_name, u.last_name, st.id`, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []TaggableStudent
	for rows.Next() {
		var t TaggableStudent
		if err := rows.Scan(&t.ID, &t.UserID, &t.FirstName, &t.LastName); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, t)
	}
	return out, db.MapError(rows.Err())
}
