package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"cubby/internal/db"
)

// FeedSource is one stream of posts a reader follows: a Class Story, a
// School Story, or (All) every story of a school, for its leaders.
type FeedSource struct {
	ClassID  int64
	SchoolID int64
	All      bool
	// Until keeps only posts published before it: the family of a child
	// who left the class (or the school) stops seeing new posts.
	Until *time.Time
}

// StoryFeed reads a page of published posts from the sources, newest
// first. Each source is read through its own index with its own limit and
// the branches are merged, so a reader with several classes costs a few
// short index scans, not a sort of everything they may see.
func StoryFeed(ctx context.Context, q db.Querier, sources []FeedSource, before *TimeCursor, limit int) ([]StoryPost, error) {
	if len(sources) == 0 || limit <= 0 {
		return nil, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	cursor := ""
	if before != nil {
		at, id := arg(before.At), arg(before.ID)
		cursor = fmt.Sprintf(" AND (p.published_at < %s OR (p.published_at = %s AND p.id < %s))", at, at, id)
	}
	lim := arg(limit)
	branches := make([]string, 0, len(sources))
	for i, s := range sources {
		var cond string
		switch {
		case s.ClassID != 0:
			cond = "p.class_id = " + arg(s.ClassID)
		case s.All:
			cond = "p.school_id = " + arg(s.SchoolID)
		default:
			cond = "p.school_id = " + arg(s.SchoolID) + " AND p.class_id IS NULL"
		}
		if s.Until != nil {
			cond += " AND p.published_at < " + arg(*s.Until)
		}
		branches = append(branches, fmt.Sprintf(`SELECT id, published_at FROM (SELECT p.id, p.published_at FROM story_posts p
			WHERE %s AND p.published_at IS NOT NULL%s ORDER BY p.published_at DESC, p.id DESC LIMIT %s) AS b%d`, cond, cursor, lim, i))
	}
	query := `WITH f AS (` + strings.Join(branches, " UNION ") + `) SELECT ` + storyPostColumns + ` FROM f JOIN story_posts p ON p.id = f.id
		JOIN schools s ON s.id = p.school_id LEFT JOIN classes c ON c.id = p.class_id LEFT JOIN users u ON u.id = p.author_id
		ORDER BY p.published_at DESC, p.id DESC LIMIT ` + lim
	return listStoryPosts(ctx, q, query, args...)
}

// StoryPostsOf lists a post author's own posts, published or not, newest
// first, for the author's view of their stories.
func StoryPostsOf(ctx context.Context, q db.Querier, authorID int64, limit int) ([]StoryPost, error) {
	return listStoryPosts(ctx, q, `SELECT `+storyPostColumns+storyPostFrom+`WHERE p.author_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2`, authorID, limit)
}

// StoryMembership is a student's place in a class, for the Class Stories
// their family follows.
type StoryMembership struct {
	StudentID, ClassID, SchoolID int64
	RemovedAt                    *time.Time
}

// StoryMemberships lists every class the students are or were in.
func StoryMemberships(ctx context.Context, q db.Querier, studentIDs []int64) ([]StoryMembership, error) {
	if len(studentIDs) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT student_id, class_id, school_id, removed_at FROM class_students WHERE student_id IN (`+storyIDs(studentIDs)+`)`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []StoryMembership
	for rows.Next() {
		var m StoryMembership
		var removed sql.NullTime
		if err := rows.Scan(&m.StudentID, &m.ClassID, &m.SchoolID, &removed); err != nil {
			return nil, db.MapError(err)
		}
		m.RemovedAt = timePtr(removed)
		out = append(out, m)
	}
	return out, db.MapError(rows.Err())
}

// StudentSchoolStays reads, per student, their school and when they left
// it (nil while they are there).
func StudentSchoolStays(ctx context.Context, q db.Querier, studentIDs []int64) (map[int64]StoryMembership, error) {
	out := map[int64]StoryMembership{}
	if len(studentIDs) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, school_id, left_at FROM students WHERE id IN (`+storyIDs(studentIDs)+`)`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m StoryMembership
		var left sql.NullTime
		if err := rows.Scan(&m.StudentID, &m.SchoolID, &left); err != nil {
			return nil, db.MapError(err)
		}
		m.RemovedAt = timePtr(left)
		out[m.StudentID] = m
	}
	return out, db.MapError(rows.Err())
}

// InClassAt reports whether one of the students was on the class's roster
// at t.
func InClassAt(ctx context.Context, q db.Querier, classID int64, studentIDs []int64, t time.Time) (bool, error) {
	if len(studentIDs) == 0 {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM class_students WHERE class_id = $1 AND student_id IN (`+storyIDs(studentIDs)+`)
		AND (removed_at IS NULL OR removed_at > $2)`, classID, t).Scan(&n)
	return n > 0, db.MapError(err)
}

// InSchoolAt reports whether one of the students was at the school at t.
func InSchoolAt(ctx context.Context, q db.Querier, schoolID int64, studentIDs []int64, t time.Time) (bool, error) {
	if len(studentIDs) == 0 {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM students WHERE school_id = $1 AND id IN (`+storyIDs(studentIDs)+`)
		AND (left_at IS NULL OR left_at > $2)`, schoolID, t).Scan(&n)
	return n > 0, db.MapError(err)
}

// StoryClassesForStudents lists, of the classes a student is in now, those
// that show their Class Story to students.
func StoryClassesForStudents(ctx context.Context, q db.Querier, studentID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT cs.class_id FROM class_students cs JOIN classes c ON c.id = cs.class_id
		WHERE cs.student_id = $1 AND cs.removed_at IS NULL AND c.story_students ORDER BY cs.class_id`, studentID)
}

// SchoolClassIDs lists a school's classes, archived ones too.
func SchoolClassIDs(ctx context.Context, q db.Querier, schoolID int64) ([]int64, error) {
	return idRows(ctx, q, `SELECT id FROM classes WHERE school_id = $1 ORDER BY id`, schoolID)
}

// PendingStoryPosts lists an author's posts still waiting for their files,
// newest first: the author sees them (with progress) before families do.
func PendingStoryPosts(ctx context.Context, q db.Querier, authorID int64) ([]StoryPost, error) {
	return listStoryPosts(ctx, q, `SELECT `+storyPostColumns+storyPostFrom+`WHERE p.author_id = $1 AND p.published_at IS NULL ORDER BY p.created_at DESC, p.id DESC LIMIT 20`, authorID)
}
