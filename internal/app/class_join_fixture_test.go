package app_test

import "testing"

// touchClassJoins gives the privacy fixture's student a join request the
// teacher answered, and a character the student chose, so the export,
// erasure and retention tests see every column of class_join_requests and
// the students' avatar columns.
func touchClassJoins(t *testing.T, f *family) {
	t.Helper()
	w, now := f.env.DB.W, f.env.App.Now()
	if _, err := w.ExecContext(f.ctx, `INSERT INTO class_join_requests (school_id, class_id, user_id, created_at, decided_at, decided_by, outcome)
		VALUES ($1, $2, $3, $4, $4, $5, 'approved')`, f.schoolID, f.classID, f.studentUserID, now, f.teacherID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ExecContext(f.ctx, `UPDATE students SET avatar = '1-1-2', avatar_by = 'student' WHERE id = $1`, f.studentID); err != nil {
		t.Fatal(err)
	}
}
