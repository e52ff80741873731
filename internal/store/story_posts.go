package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"cubby/internal/db"
)

// StoryPost is a Class Story (ClassID set) or School Story post, with what
// pages show about its author and audience.
type StoryPost struct {
	ID          int64
	SchoolID    int64
	ClassID     int64 // 0: School Story
	AuthorID    int64 // 0: kept under the school's name
	Body        string
	CommentsOff bool
	CreatedAt   time.Time
	PublishedAt *time.Time // nil while its photos are being prepared
	EditedAt    *time.Time

	// Filled by reads: the author's title and names, the class's and the
	// school's names, and the settings that decide who may comment and
	// whether students see it.
	AuthorTitle, AuthorFirst, AuthorLast string
	ClassName, SchoolName                string
	StudentsSee                          bool
	ClassCommentsOff, SchoolCommentsOff  bool
}

// AuthorName is the author as they chose to be shown ("Ms. Rivera"), or ""
// for a post kept under the school's name.
func (p StoryPost) AuthorName() string {
	if p.AuthorID == 0 {
		return ""
	}
	u := User{Title: p.AuthorTitle, FirstName: p.AuthorFirst, LastName: p.AuthorLast}
	return u.DisplayName()
}

// CommentsClosed reports whether comments are off for the post, its class
// or its school.
func (p StoryPost) CommentsClosed() bool {
	return p.CommentsOff || p.ClassCommentsOff || p.SchoolCommentsOff
}

// CreateStoryPost inserts a post.
func CreateStoryPost(ctx context.Context, q db.Querier, p *StoryPost) error {
	err := q.QueryRowContext(ctx, `INSERT INTO story_posts (school_id, class_id, author_id, body, comments_off, created_at, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		p.SchoolID, nullID(p.ClassID), nullID(p.AuthorID), p.Body, p.CommentsOff, p.CreatedAt, nullTime(p.PublishedAt)).Scan(&p.ID)
	return db.MapError(err)
}

const storyPostColumns = `p.id, p.school_id, COALESCE(p.class_id, 0), COALESCE(p.author_id, 0), p.body, p.comments_off, p.created_at,
	p.published_at, p.edited_at, COALESCE(u.title, ''), COALESCE(u.first_name, ''), COALESCE(u.last_name, ''),
	COALESCE(c.name, ''), s.name, COALESCE(c.story_students, FALSE), COALESCE(c.story_comments_off, FALSE), s.story_comments_off`

const storyPostFrom = ` FROM story_posts p JOIN schools s ON s.id = p.school_id
	LEFT JOIN classes c ON c.id = p.class_id LEFT JOIN users u ON u.id = p.author_id `

func scanStoryPost(row interface{ Scan(...any) error }) (*StoryPost, error) {
	var p StoryPost
	var published, edited sql.NullTime
	err := row.Scan(&p.ID, &p.SchoolID, &p.ClassID, &p.AuthorID, &p.Body, &p.CommentsOff, &p.CreatedAt, &published, &edited,
		&p.AuthorTitle, &p.AuthorFirst, &p.AuthorLast, &p.ClassName, &p.SchoolName, &p.StudentsSee, &p.ClassCommentsOff, &p.SchoolCommentsOff)
	if err != nil {
		return nil, db.MapError(err)
	}
	p.CreatedAt = p.CreatedAt.UTC()
	p.PublishedAt, p.EditedAt = timePtr(published), timePtr(edited)
	return &p, nil
}

// StoryPostByID returns one post.
func StoryPostByID(ctx context.Context, q db.Querier, id int64) (*StoryPost, error) {
	return scanStoryPost(q.QueryRowContext(ctx, `SELECT `+storyPostColumns+storyPostFrom+`WHERE p.id = $1`, id))
}

func listStoryPosts(ctx context.Context, q db.Querier, query string, args ...any) ([]StoryPost, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []StoryPost
	for rows.Next() {
		p, err := scanStoryPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, db.MapError(rows.Err())
}

// UpdateStoryBody changes a post's text and marks it edited.
func UpdateStoryBody(ctx context.Context, q db.Querier, id int64, body string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE story_posts SET body = $1, edited_at = $2 WHERE id = $3`, body, now, id)
	return db.MapError(err)
}

// SetStoryCommentsOff switches a post's comments.
func SetStoryCommentsOff(ctx context.Context, q db.Querier, id int64, off bool) error {
	_, err := q.ExecContext(ctx, `UPDATE story_posts SET comments_off = $1 WHERE id = $2`, off, id)
	return db.MapError(err)
}

// PublishStoryPost makes a post visible to families, once; it reports
// whether this call published it.
func PublishStoryPost(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE story_posts SET published_at = $1 WHERE id = $2 AND published_at IS NULL`, now, id)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteStoryPost removes a post; its attachments, tags, likes, comments
// and reads go with it (the caller removes the files first).
func DeleteStoryPost(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM story_posts WHERE id = $1`, id)
	return db.MapError(err)
}

// UnpublishedStoryPosts lists posts still waiting for their files, oldest
// first, for the processing job to resume after a restart.
func UnpublishedStoryPosts(ctx context.Context, q db.Querier) ([]int64, error) {
	return idRows(ctx, q, `SELECT id FROM story_posts WHERE published_at IS NULL ORDER BY id`)
}

// KeepStoryPostsUnderSchool detaches an author from their posts in the
// schools that keep a departed member of staff's posts, which then show
// under the school's name. It returns how many posts it kept.
func KeepStoryPostsUnderSchool(ctx context.Context, q db.Querier, authorID int64) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE story_posts SET author_id = NULL WHERE author_id = $1
		AND school_id IN (SELECT id FROM schools WHERE story_departed = 'keep')`, authorID)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}

// StorySettings are the switches of a class's or a school's stories.
type StorySettings struct {
	StudentsSee bool   // class: students see Class Story
	CommentsOff bool   // class or school
	Departed    string // school: remove | keep
}

// ClassStorySettings reads a class's story switches.
func ClassStorySettings(ctx context.Context, q db.Querier, classID int64) (StorySettings, error) {
	var s StorySettings
	err := q.QueryRowContext(ctx, `SELECT story_students, story_comments_off FROM classes WHERE id = $1`, classID).Scan(&s.StudentsSee, &s.CommentsOff)
	return s, db.MapError(err)
}

// SetClassStorySettings saves a class's story switches.
func SetClassStorySettings(ctx context.Context, q db.Querier, classID int64, s StorySettings) error {
	_, err := q.ExecContext(ctx, `UPDATE classes SET story_students = $1, story_comments_off = $2 WHERE id = $3`, s.StudentsSee, s.CommentsOff, classID)
	return db.MapError(err)
}

// SchoolStorySettings reads a school's story switches.
func SchoolStorySettings(ctx context.Context, q db.Querier, schoolID int64) (StorySettings, error) {
	var s StorySettings
	err := q.QueryRowContext(ctx, `SELECT story_comments_off, story_departed FROM schools WHERE id = $1`, schoolID).Scan(&s.CommentsOff, &s.Departed)
	return s, db.MapError(err)
}

// SetSchoolStorySettings saves a school's story switches.
func SetSchoolStorySettings(ctx context.Context, q db.Querier, schoolID int64, s StorySettings) error {
	_, err := q.ExecContext(ctx, `UPDATE schools SET story_comments_off = $1, story_departed = $2 WHERE id = $3`, s.CommentsOff, s.Departed, schoolID)
	return db.MapError(err)
}

// storyIDs formats ids as a SQL list of literals. They are int64s, so this
// is safe, and it keeps one statement per page instead of one per id.
func storyIDs(ids []int64) string {
	if len(ids) == 0 {
		return "NULL"
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}
