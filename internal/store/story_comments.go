package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cubby/internal/db"
)

// StoryComment is a comment on a post, with its author's title and names.
type StoryComment struct {
	ID, SchoolID, PostID, AuthorID       int64
	Body                                 string
	CreatedAt                            time.Time
	AuthorTitle, AuthorFirst, AuthorLast string
	AuthorKind                           string
}

// AuthorName is the commenter as they chose to be shown.
func (c StoryComment) AuthorName() string {
	u := User{Title: c.AuthorTitle, FirstName: c.AuthorFirst, LastName: c.AuthorLast}
	return u.DisplayName()
}

// CreateStoryComment inserts a comment.
func CreateStoryComment(ctx context.Context, q db.Querier, c *StoryComment) error {
	err := q.QueryRowContext(ctx, `INSERT INTO story_comments (school_id, post_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		c.SchoolID, c.PostID, c.AuthorID, c.Body, c.CreatedAt).Scan(&c.ID)
	return db.MapError(err)
}

const commentColumns = `c.id, c.school_id, c.post_id, c.author_id, c.body, c.created_at, u.title, u.first_name, u.last_name, u.kind
	FROM story_comments c JOIN users u ON u.id = c.author_id `

func listComments(ctx context.Context, q db.Querier, query string, args ...any) ([]StoryComment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+commentColumns+query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []StoryComment
	for rows.Next() {
		var c StoryComment
		if err := rows.Scan(&c.ID, &c.SchoolID, &c.PostID, &c.AuthorID, &c.Body, &c.CreatedAt, &c.AuthorTitle, &c.AuthorFirst, &c.AuthorLast, &c.AuthorKind); err != nil {
			return nil, db.MapError(err)
		}
		out = append(out, c)
	}
	return out, db.MapError(rows.Err())
}

// StoryCommentByID returns one comment.
func StoryCommentByID(ctx context.Context, q db.Querier, id int64) (*StoryComment, error) {
	list, err := listComments(ctx, q, `WHERE c.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, db.ErrNotFound
	}
	return &list[0], nil
}

// CommentsOfPosts maps each post to its comments, oldest first.
func CommentsOfPosts(ctx context.Context, q db.Querier, postIDs []int64) (map[int64][]StoryComment, error) {
	out := map[int64][]StoryComment{}
	if len(postIDs) == 0 {
		return out, nil
	}
	list, err := listComments(ctx, q, `WHERE c.post_id IN (`+storyIDs(postIDs)+`) ORDER BY c.post_id, c.created_at, c.id`)
	for _, c := range list {
		out[c.PostID] = append(out[c.PostID], c)
	}
	return out, err
}

// DeleteStoryComment removes a comment and its reports.
func DeleteStoryComment(ctx context.Context, q db.Querier, id int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM story_comments WHERE id = $1`, id)
	return db.MapError(err)
}

// AddStoryLike records a like; liking twice is ErrConflict.
func AddStoryLike(ctx context.Context, q db.Querier, schoolID, postID, userID int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `INSERT INTO story_likes (school_id, post_id, user_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (post_id, user_id) DO NOTHING`, schoolID, postID, userID, now)
	if err != nil {
		return db.MapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = db.ErrConflict
		}
		return err
	}
	return nil
}

// RemoveStoryLike takes a like back; false if there was none.
func RemoveStoryLike(ctx context.Context, q db.Querier, postID, userID int64) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM story_likes WHERE post_id = $1 AND user_id = $2`, postID, userID)
	if err != nil {
		return false, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// StoryCounts are a post's likes and comments, and whether the reader
// liked and has seen it.
type StoryCounts struct {
	Likes, Comments int
	Liked, Seen     bool
}

// CountsOfPosts reads likes, comments, the reader's like and read per post
// in one query.
func CountsOfPosts(ctx context.Context, q db.Querier, postIDs []int64, userID int64) (map[int64]StoryCounts, error) {
	out := map[int64]StoryCounts{}
	if len(postIDs) == 0 {
		return out, nil
	}
	list := storyIDs(postIDs)
	rows, err := q.QueryContext(ctx, `SELECT post_id, 'l', count(*), SUM(CASE WHEN user_id = $1 THEN 1 ELSE 0 END) FROM story_likes WHERE post_id IN (`+list+`) GROUP BY post_id
		UNION ALL SELECT post_id, 'c', count(*), 0 FROM story_comments WHERE post_id IN (`+list+`) GROUP BY post_id
		UNION ALL SELECT post_id, 'r', 1, 1 FROM story_reads WHERE user_id = $1 AND post_id IN (`+list+`)`, userID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var n, mine int
		if err := rows.Scan(&id, &kind, &n, &mine); err != nil {
			return nil, db.MapError(err)
		}
		c := out[id]
		switch kind {
		case "l":
			c.Likes, c.Liked = n, mine > 0
		case "c":
			c.Comments = n
		case "r":
			c.Seen = true
		}
		out[id] = c
	}
	return out, db.MapError(rows.Err())
}

// MarkStoryRead records that the user has seen the posts (once each), in
// one statement per hundred posts: a parent opening a page of twenty new
// posts costs one write, not twenty.
func MarkStoryRead(ctx context.Context, q db.Querier, posts []StoryPost, userID int64, now time.Time) error {
	for len(posts) > 0 {
		chunk := posts[:min(len(posts), 100)]
		posts = posts[len(chunk):]
		var b strings.Builder
		b.WriteString(`INSERT INTO story_reads (school_id, post_id, user_id, read_at) VALUES `)
		args := []any{userID, now}
		for i, p := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			args = append(args, p.SchoolID, p.ID)
			fmt.Fprintf(&b, "($%d, $%d, $1, $2)", len(args)-1, len(args))
		}
		b.WriteString(` ON CONFLICT (post_id, user_id) DO NOTHING`)
		if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
			return db.MapError(err)
		}
	}
	return nil
}

// Seen is how many families have seen a post, out of how many can.
type Seen struct{ Families, Of int }

// SeenByFamilies counts, per post, the families (students with a connected
// parent) of the post's class — or, for School Story, of its school — in
// which a parent has opened the post, and how many families there are: one
// query for the page's Class Story posts and one for its School Story
// posts, not one per post (a round trip each on PostgreSQL).
func SeenByFamilies(ctx context.Context, q db.Querier, posts []StoryPost) (map[int64]Seen, error) {
	out := map[int64]Seen{}
	var inClass, inSchool strings.Builder
	for _, p := range posts {
		out[p.ID] = Seen{}
		b, owner := &inClass, p.ClassID
		if p.ClassID == 0 {
			b, owner = &inSchool, p.SchoolID
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "(%d, %d)", p.ID, owner)
	}
	for _, part := range []struct{ values, members, student string }{
		{inClass.String(), `class_students m ON m.class_id = p.owner AND m.removed_at IS NULL`, "m.student_id"},
		{inSchool.String(), `students m ON m.school_id = p.owner AND m.left_at IS NULL`, "m.id"},
	} {
		if part.values == "" {
			continue
		}
		rows, err := q.QueryContext(ctx, `WITH p (post_id, owner) AS (VALUES `+part.values+`)
			SELECT p.post_id, count(DISTINCT `+part.student+`),
				count(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM story_reads r WHERE r.post_id = p.post_id AND r.user_id = g.user_id) THEN `+part.student+` END)
			FROM p JOIN `+part.members+` JOIN guardians g ON g.student_id = `+part.student+`
			GROUP BY p.post_id`)
		if err != nil {
			return nil, db.MapError(err)
		}
		for rows.Next() {
			var id int64
			var s Seen
			if err := rows.Scan(&id, &s.Of, &s.Families); err != nil {
				rows.Close()
				return nil, db.MapError(err)
			}
			out[id] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.MapError(err)
		}
	}
	return out, nil
}

// StoryReport is a reported comment, as the leaders' queue shows it.
type StoryReport struct {
	ID, SchoolID, CommentID, ReporterID int64
	Reason                              string
	CreatedAt                           time.Time
	Comment                             StoryComment
	PostBody                            string
	ClassName                           string
}

// CreateStoryReport records a report; reporting a comment twice is
// ErrConflict.
func CreateStoryReport(ctx context.Context, q db.Querier, r *StoryReport) error {
	err := q.QueryRowContext(ctx, `INSERT INTO story_reports (school_id, comment_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		r.SchoolID, r.CommentID, r.ReporterID, r.Reason, r.CreatedAt).Scan(&r.ID)
	return db.MapError(err)
}

// OpenStoryReports lists a school's reports no leader has dealt with yet,
// oldest first.
func OpenStoryReports(ctx context.Context, q db.Querier, schoolID int64) ([]StoryReport, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.school_id, r.comment_id, r.reporter_id, r.reason, r.created_at,
		c.id, c.post_id, c.author_id, c.body, c.created_at, u.title, u.first_name, u.last_name, u.kind, p.body, COALESCE(cl.name, '')
		FROM story_reports r JOIN story_comments c ON c.id = r.comment_id JOIN users u ON u.id = c.author_id
		JOIN story_posts p ON p.id = c.post_id LEFT JOIN classes cl ON cl.id = p.class_id
		WHERE r.school_id = $1 AND r.resolved_at IS NULL ORDER BY r.created_at, r.id`, schoolID)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []StoryReport
	for rows.Next() {
		var r StoryReport
		c := &r.Comment
		if err := rows.Scan(&r.ID, &r.SchoolID, &r.CommentID, &r.ReporterID, &r.Reason, &r.CreatedAt,
			&c.ID, &c.PostID, &c.AuthorID, &c.Body, &c.CreatedAt, &c.AuthorTitle, &c.AuthorFirst, &c.AuthorLast, &c.AuthorKind,
			&r.PostBody, &r.ClassName); err != nil {
			return nil, db.MapError(err)
		}
		c.SchoolID = r.SchoolID
		out = append(out, r)
	}
	return out, db.MapError(rows.Err())
}

// StoryReportByID returns one report (without the comment's details).
func StoryReportByID(ctx context.Context, q db.Querier, id int64) (*StoryReport, error) {
	var r StoryReport
	var resolved sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT id, school_id, comment_id, reporter_id, reason, created_at, resolved_at FROM story_reports WHERE id = $1`, id).
		Scan(&r.ID, &r.SchoolID, &r.CommentID, &r.ReporterID, &r.Reason, &r.CreatedAt, &resolved)
	if err != nil {
		return nil, db.MapError(err)
	}
	return &r, nil
}

// DismissStoryReports marks every open report of a comment dealt with.
func DismissStoryReports(ctx context.Context, q db.Querier, commentID, leaderID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE story_reports SET resolved_by = $1, resolved_at = $2 WHERE comment_id = $3 AND resolved_at IS NULL`, leaderID, now, commentID)
	return db.MapError(err)
}

// MediaConsented returns the students (by user id) with a consent in force
// for one of the purposes.
func MediaConsented(ctx context.Context, q db.Querier, studentUserIDs []int64, purposes ...string) (map[int64]bool, error) {
	if len(studentUserIDs) == 0 || len(purposes) == 0 {
		return map[int64]bool{}, nil
	}
	args := make([]any, len(purposes))
	ph := ""
	for i, p := range purposes {
		if i > 0 {
			ph += ", "
		}
		args[i] = p
		ph += "$" + strconv.Itoa(i+1)
	}
	return idSet(ctx, q, `SELECT DISTINCT subject_user_id FROM consents WHERE withdrawn_at IS NULL AND purpose IN (`+ph+`)
		AND subject_user_id IN (`+storyIDs(studentUserIDs)+`)`, args...)
}
