package app_test

import (
	"io"
	"testing"
)

// touchStories gives the privacy fixture a Class Story: the teacher posts a
// photo tagging the student, the parent likes, reads, comments and reports
// a comment, which the leader dismisses; the teacher also has an upload
// waiting to be posted. Every story table then holds a row about one of
// the fixture's people, for the export, erasure and retention tests.
func touchStories(t *testing.T, f *family) {
	t.Helper()
	w, now := f.env.DB.W, f.env.App.Now()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(f.ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	put := func(key, content string) {
		t.Helper()
		fw, err := f.env.Files.Create(key)
		must(t, err)
		_, err = io.WriteString(fw, content)
		must(t, err)
		must(t, fw.Close())
	}
	var postID, attID, commentID int64
	must(t, w.QueryRowContext(f.ctx, `INSERT INTO story_posts (school_id, class_id, author_id, body, created_at, published_at, edited_at)
		VALUES ($1, $2, $3, 'Our trip to the pond, with Zephyrine', $4, $4, $4) RETURNING id`, f.schoolID, f.classID, f.teacherID, now).Scan(&postID))
	put("story/fixture-photo", "a photo of the pond")
	must(t, w.QueryRowContext(f.ctx, `INSERT INTO story_attachments (school_id, post_id, public_id, kind, name, content_type, size, status, file_key, created_at)
		VALUES ($1, $2, 'fixture-att', 'photo', 'pond.jpg', 'image/jpeg', 19, 'ready', 'story/fixture-photo', $3) RETURNING id`, f.schoolID, postID, now).Scan(&attID))
	exec(`INSERT INTO story_tags (school_id, post_id, attachment_id, student_id, created_at) VALUES ($1, $2, $3, $4, $5)`, f.schoolID, postID, attID, f.studentID, now)
	put("story/fixture-upload", "an upload")
	exec(`INSERT INTO story_uploads (school_id, class_id, uploaded_by, public_id, kind, name, content_type, size, source_key, created_at)
		VALUES ($1, $2, $3, 'fixture-up', 'photo', 'later.jpg', 'image/jpeg', 9, 'story/fixture-upload', $4)`, f.schoolID, f.classID, f.teacherID, now)
	must(t, w.QueryRowContext(f.ctx, `INSERT INTO story_comments (school_id, post_id, author_id, body, created_at) VALUES ($1, $2, $3, 'Lovely, thank you!', $4) RETURNING id`,
		f.schoolID, postID, f.parentID, now).Scan(&commentID))
	exec(`INSERT INTO story_likes (school_id, post_id, user_id, created_at) VALUES ($1, $2, $3, $4)`, f.schoolID, postID, f.parentID, now)
	exec(`INSERT INTO story_reads (school_id, post_id, user_id, read_at) VALUES ($1, $2, $3, $4)`, f.schoolID, postID, f.parentID, now)
	exec(`INSERT INTO story_reports (school_id, comment_id, reporter_id, reason, created_at, resolved_by, resolved_at) VALUES ($1, $2, $3, 'Wrong post', $4, $5, $4)`,
		f.schoolID, commentID, f.parentID, now, f.leader.User.ID)
}
