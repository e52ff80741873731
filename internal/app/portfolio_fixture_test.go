package app_test

import (
	"io"
	"path"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
)

// touchPortfolios gives the privacy fixture a portfolio: the teacher sets
// an activity with a template for the student, who answers it with a
// drawing; the teacher returns it with a comment, then approves it; the
// parent likes and comments. Every portfolio table then holds a row about
// one of the fixture's people, for the export, erasure and retention tests.
func touchPortfolios(t *testing.T, f *family) {
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
	var actID, itemID int64
	put("portfolio/fixture-template", "a map to colour")
	must(t, w.QueryRowContext(f.ctx, `INSERT INTO portfolio_activities (school_id, class_id, author_id, title, instructions, due_on, for_all,
		template_kind, template_name, template_type, template_key, public_id, created_at)
		VALUES ($1, $2, $3, 'Zephyrine''s map', 'Colour the pond', '2030-01-01', FALSE, 'photo', 'map.jpg', 'image/jpeg', 'portfolio/fixture-template', 'fixture-act', $4) RETURNING id`,
		f.schoolID, f.classID, f.teacherID, now).Scan(&actID))
	exec(`INSERT INTO portfolio_activity_students (school_id, activity_id, student_id) VALUES ($1, $2, $3)`, f.schoolID, actID, f.studentID)
	must(t, w.QueryRowContext(f.ctx, `INSERT INTO portfolio_items (school_id, student_id, class_id, activity_id, kind, body, status, created_at, submitted_at, approved_at, approved_by)
		VALUES ($1, $2, $3, $4, 'drawing', 'The pond by Zephyrine', 'approved', $5, $5, $5, $6) RETURNING id`,
		f.schoolID, f.studentID, f.classID, actID, now, f.teacherID).Scan(&itemID))
	put("portfolio/fixture-drawing", "a drawing of the pond")
	exec(`INSERT INTO portfolio_files (school_id, item_id, public_id, kind, name, content_type, size, width, height, file_key, created_at)
		VALUES ($1, $2, 'fixture-file', 'drawing', 'drawing.jpg', 'image/jpeg', 21, 300, 200, 'portfolio/fixture-drawing', $3)`, f.schoolID, itemID, now)
	exec(`INSERT INTO portfolio_reviews (school_id, item_id, reviewer_id, action, comment, created_at) VALUES ($1, $2, $3, 'returned', 'Add the ducks', $4)`,
		f.schoolID, itemID, f.teacherID, now)
	exec(`INSERT INTO portfolio_reviews (school_id, item_id, reviewer_id, action, comment, created_at) VALUES ($1, $2, $3, 'approved', '', $4)`,
		f.schoolID, itemID, f.teacherID, now)
	exec(`INSERT INTO portfolio_comments (school_id, item_id, author_id, body, created_at) VALUES ($1, $2, $3, 'What lovely ducks!', $4)`,
		f.schoolID, itemID, f.parentID, now)
	exec(`INSERT INTO portfolio_likes (school_id, item_id, user_id, created_at) VALUES ($1, $2, $3, $4)`, f.schoolID, itemID, f.parentID, now)
}

// The year-end download: the parent's export holds the child's portfolio
// as files with a readable index, the teacher's private comment included
// only as the school's record in export.json, never in the family's page.
func TestPortfolioInExport(t *testing.T) {
	t.Parallel()
	f := newFamily(t, dbtest.SQLiteOnly(t, "the archive's layout does not depend on the engine"))
	files := export(t, f.env, f.parent)
	var index, drawing string
	for name := range files {
		switch {
		case strings.HasPrefix(name, "portfolio/") && strings.HasSuffix(name, "/index.html"):
			index = name
		case strings.HasPrefix(name, "portfolio/") && strings.Contains(name, "-drawing-"):
			drawing = name
		}
	}
	if index == "" || drawing == "" {
		t.Fatalf("no portfolio in the archive: %v", keysOf(files))
	}
	page := string(files[index])
	if !strings.Contains(page, "The pond by Zephyrine") || !strings.Contains(page, "What lovely ducks!") || !strings.Contains(page, path.Base(drawing)) {
		t.Errorf("the portfolio's index lacks the work, its comment or its drawing:\n%s", page)
	}
	if strings.Contains(page, "Add the ducks") {
		t.Error("the family's portfolio page shows the teacher's private comment")
	}
	if string(files[drawing]) != "a drawing of the pond" {
		t.Error("the drawing in the archive is not the stored file")
	}
}

func keysOf(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
