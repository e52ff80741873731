package app_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/authz"
	"cubby/internal/db/dbtest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// strokesPNG is a drawing as the page's canvas sends it: clear, with a
// stroke across it unless empty.
func strokesPNG(t *testing.T, empty bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	if !empty {
		for x := 20; x < 280; x++ {
			for y := 95; y < 105; y++ {
				img.Set(x, y, color.NRGBA{214, 69, 69, 255})
			}
		}
	}
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

func file(name string, b []byte) *app.StoryFile { f := storyFile(name, b); return &f }

// studentSession logs in another demo student by their first name.
func studentSession(t *testing.T, w *storyWorld, st store.Student) *app.Session {
	t.Helper()
	u, err := store.UserByID(w.ctx, w.env.DB.R, st.UserID)
	must(t, err)
	return session(t, w.env, u.Username)
}

func countOf(t *testing.T, env *testenv.Env, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, env.DB.R.QueryRow(q, args...).Scan(&n))
	return n
}

// The story on both engines: a teacher sets an activity, the
// student draws for it, the teacher returns it with a comment the family
// never sees, the student improves it, the teacher approves; only then
// does the parent see it, like it and comment. No other student, another
// class's teacher or another family ever sees it.
func TestPortfolioApprovalFlow(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newStoryWorld(t, env)
			a, ctx := env.App, w.ctx
			mateo := studentSession(t, w, w.mateo)

			act, err := a.CreateActivity(ctx, w.teacher, w.class3, app.ActivityDraft{Title: "Draw your pet", Instructions: "Any pet, real or imagined."})
			must(t, err)
			acts, err := a.MyActivities(ctx, w.student)
			must(t, err)
			if len(acts) == 0 || acts[0].ID != act.ID || acts[0].Item != nil {
				t.Fatalf("the student's activities, newest first: %+v", acts)
			}

			it, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{ActivityID: act.ID, Text: "My cat Biscuit", Drawing: file("drawing.png", strokesPNG(t, false))})
			must(t, err)
			if it.Status != authz.PortfolioPending || it.Kind != store.PortfolioDrawing || it.StudentID != w.ava.ID {
				t.Fatalf("posted: %+v", it)
			}

			// Before approval: the parent sees nothing of it.
			fam, err := a.StudentPortfolio(ctx, w.parent, w.ava.ID, "", 20)
			must(t, err)
			if hasItem(fam.Items, it.ID) {
				t.Fatal("the parent sees the work before approval")
			}
			for name, s := range map[string]*app.Session{"parent": w.parent, "another student": mateo, "another class's teacher": w.teacher2, "another family": w.mayaParent} {
				if _, err := a.PortfolioItem(ctx, s, it.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s opens pending work: %v", name, err)
				}
			}
			if _, err := a.StudentPortfolio(ctx, mateo, w.ava.ID, "", 20); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another student opens Ava's portfolio: %v", err)
			}
			// A family cannot like or comment on work not yet approved.
			if _, err := a.CommentOnPortfolio(ctx, w.parent, it.ID, "Lovely"); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("the parent comments on pending work: %v", err)
			}
			if _, err := a.CommentOnPortfolio(ctx, w.teacher, it.ID, "Lovely"); !isRefused(err, "portfolio.not_approved") {
				t.Errorf("the teacher comments on pending work: %v", err)
			}

			// The teacher's queue has it; the teacher returns it.
			q, err := a.ClassPortfolioQueue(ctx, w.teacher, w.class3)
			must(t, err)
			if n := len(q.Waiting); n == 0 || q.Waiting[n-1].Item.ID != it.ID || len(q.Waiting[n-1].Files) != 1 {
				t.Fatalf("queue, oldest first: %+v", q.Waiting)
			}
			if _, err := a.ClassPortfolioQueue(ctx, w.teacher2, w.class3); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another class's teacher sees the queue: %v", err)
			}
			if err := a.ReturnPortfolio(ctx, w.teacher, it.ID, ""); !isField(err, "comment", "portfolio.return_why") {
				t.Errorf("a return without a word: %v", err)
			}
			must(t, a.ReturnPortfolio(ctx, w.teacher, it.ID, "Give Biscuit a tail, please"))
			mine, err := a.PortfolioItem(ctx, w.student, it.ID)
			must(t, err)
			if mine.Item.Status != authz.PortfolioReturned || len(mine.Reviews) != 1 || mine.Reviews[0].Comment != "Give Biscuit a tail, please" {
				t.Fatalf("the student's view after the return: %+v", mine)
			}
			if err := a.ApprovePortfolio(ctx, w.teacher, it.ID); !isRefused(err, "portfolio.not_waiting") {
				t.Errorf("approving returned work: %v", err)
			}

			// The student improves it: the new drawing replaces the old.
			old := mine.Files[0].FileKey
			_, err = a.RevisePortfolio(ctx, w.student, it.ID, app.PortfolioDraft{Text: "My cat Biscuit, with her tail", Drawing: file("drawing.png", strokesPNG(t, false))})
			must(t, err)
			if _, err := env.Files.Open(old); err == nil {
				t.Error("the first drawing's file is still stored")
			}
			if _, err := a.RevisePortfolio(ctx, mateo, it.ID, app.PortfolioDraft{Text: "mine now"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another student revises Ava's work: %v", err)
			}
			must(t, a.ApprovePortfolio(ctx, w.teacher, it.ID))
			if _, err := a.RevisePortfolio(ctx, w.student, it.ID, app.PortfolioDraft{Text: "again"}); !isRefused(err, "portfolio.already_approved") {
				t.Errorf("revising approved work: %v", err)
			}

			// Now the parent sees it, likes it and comments; the family
			// never sees the teacher's private comment.
			fam, err = a.StudentPortfolio(ctx, w.parent, w.ava.ID, "", 20)
			must(t, err)
			if len(fam.Items) == 0 || fam.Items[0].Item.ID != it.ID || fam.Items[0].Item.Body != "My cat Biscuit, with her tail" {
				t.Fatalf("the parent's view, newest first: %+v", fam.Items)
			}
			pv, err := a.PortfolioItem(ctx, w.parent, it.ID)
			must(t, err)
			if len(pv.Reviews) != 0 {
				t.Error("the parent sees the teacher's private comment")
			}
			must(t, a.LikePortfolio(ctx, w.parent, it.ID))
			if err := a.LikePortfolio(ctx, w.parent, it.ID); !errors.Is(err, app.ErrConflict) {
				t.Errorf("liking twice: %v", err)
			}
			_, err = a.CommentOnPortfolio(ctx, w.parent, it.ID, "Biscuit looks so happy!")
			must(t, err)
			mine, err = a.PortfolioItem(ctx, w.student, it.ID)
			must(t, err)
			if mine.Counts.Likes != 1 || len(mine.Comments) != 1 || mine.CanReact {
				t.Errorf("the student's view of likes and comments: %+v", mine.Counts)
			}
			// Other people still see nothing.
			for name, s := range map[string]*app.Session{"another student": mateo, "another class's teacher": w.teacher2, "another family": w.mayaParent} {
				if _, err := a.PortfolioItem(ctx, s, it.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s opens approved work: %v", name, err)
				}
			}

			// Comments off for the class: the parent can no longer comment.
			must(t, a.SetClassPortfolio(ctx, w.teacher, w.class3, false, true))
			if _, err := a.CommentOnPortfolio(ctx, w.parent, it.ID, "More!"); !isRefused(err, "portfolio.comments_off") {
				t.Errorf("commenting with comments off: %v", err)
			}

			// The portfolio follows the student: next year's teacher sees it.
			must(t, a.DeletePortfolioItem(ctx, w.student, it.ID))
			if countOf(t, env, `SELECT count(*) FROM portfolio_files WHERE item_id = $1`, it.ID) != 0 || countOf(t, env, `SELECT count(*) FROM portfolio_comments WHERE item_id = $1`, it.ID) != 0 {
				t.Error("deleting the work left its files or comments")
			}
		})
	}
}

func hasItem(list []app.PortfolioEntry, id int64) bool {
	for _, e := range list {
		if e.Item.ID == id {
			return true
		}
	}
	return false
}

func isRefused(err error, key string) bool {
	var re *app.RefusedError
	return errors.As(err, &re) && re.Key == key
}

func isField(err error, field, key string) bool {
	var ve *app.ValidationError
	return errors.As(err, &ve) && ve.Fields[field].Key == key
}

// Bad input is refused with its own message and stores nothing: another
// class's activity, another student's portfolio, an empty drawing, a 50 MB
// recording, a due date gone by.
func TestPortfolioBadInput(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			w := newStoryWorld(t, env)
			a, ctx := env.App, w.ctx
			other, err := a.CreateActivity(ctx, w.teacher2, w.class4, app.ActivityDraft{Title: "Class 4 only"})
			must(t, err)
			mateo := studentSession(t, w, w.mateo)
			only, err := a.CreateActivity(ctx, w.teacher, w.class3, app.ActivityDraft{Title: "For Mateo", StudentIDs: []int64{w.mateo.ID}})
			must(t, err)
			before := portfolioKeys(t, env)
			avaItems := countOf(t, env, `SELECT count(*) FROM portfolio_items WHERE student_id = $1`, w.ava.ID)
			class3Acts := countOf(t, env, `SELECT count(*) FROM portfolio_activities WHERE class_id = $1`, w.class3)

			cases := []struct {
				name  string
				s     *app.Session
				d     app.PortfolioDraft
				check func(error) bool
			}{
				{"another class's activity", w.student, app.PortfolioDraft{ActivityID: other.ID, Text: "hi"}, func(err error) bool { return isField(err, "activity_id", "portfolio.activity_unknown") }},
				{"an activity for another student", w.student, app.PortfolioDraft{ActivityID: only.ID, Text: "hi"}, func(err error) bool { return isField(err, "activity_id", "portfolio.activity_unknown") }},
				{"a made-up activity", w.student, app.PortfolioDraft{ActivityID: 999999, Text: "hi"}, func(err error) bool { return isField(err, "activity_id", "portfolio.activity_unknown") }},
				{"another student's portfolio", w.student, app.PortfolioDraft{StudentID: w.mateo.ID, Text: "hi"}, func(err error) bool { return isRefused(err, "portfolio.not_yours") }},
				{"a parent posting", w.parent, app.PortfolioDraft{StudentID: w.ava.ID, Text: "hi"}, func(err error) bool { return isRefused(err, "portfolio.not_yours") }},
				{"a teacher posting", w.teacher, app.PortfolioDraft{StudentID: w.ava.ID, Text: "hi"}, func(err error) bool { return isRefused(err, "portfolio.not_yours") }},
				{"an empty drawing", w.student, app.PortfolioDraft{Drawing: file("drawing.png", strokesPNG(t, true))}, func(err error) bool { return isField(err, "drawing", "portfolio.drawing_empty") }},
				{"a drawing that is not a PNG", w.student, app.PortfolioDraft{Drawing: file("drawing.png", []byte("%PDF-1.4 not a drawing"))}, func(err error) bool {
					return isField(err, "drawing", "media.unsupported") || isField(err, "drawing", "portfolio.drawing_not_png") || isField(err, "drawing", "media.corrupt")
				}},
				{"a 50 MB recording", w.student, app.PortfolioDraft{Voice: &app.StoryFile{Name: "long.webm", Body: bytes.NewReader(make([]byte, 50<<20))}}, func(err error) bool { return isField(err, "voice", "portfolio.voice_too_large") }},
				{"nothing at all", w.student, app.PortfolioDraft{Text: "   "}, func(err error) bool { return isField(err, "text", "portfolio.empty") }},
				{"two files", w.student, app.PortfolioDraft{File: file("a.png", strokesPNG(t, false)), Drawing: file("b.png", strokesPNG(t, false))}, func(err error) bool { return isField(err, "file", "portfolio.one_file") }},
				{"a journal entry in another class", w.student, app.PortfolioDraft{ClassID: w.class4, Text: "hi"}, func(err error) bool { return isField(err, "class_id", "portfolio.class_unknown") }},
			}
			for _, c := range cases {
				_, err := a.PostPortfolio(ctx, c.s, c.d)
				if !c.check(err) {
					t.Errorf("%s: got %v", c.name, err)
				}
			}
			// Mateo may answer his own activity.
			if _, err := a.PostPortfolio(ctx, mateo, app.PortfolioDraft{ActivityID: only.ID, Text: "done"}); err != nil {
				t.Errorf("Mateo answering his activity: %v", err)
			}
			if n := countOf(t, env, `SELECT count(*) FROM portfolio_items WHERE student_id = $1`, w.ava.ID); n != avaItems {
				t.Errorf("%d refused pieces of work were stored", n-avaItems)
			}
			if after := portfolioKeys(t, env); len(after) != len(before) {
				t.Errorf("refused files left something in the file store: %v", after)
			}

			// Activities: a due date gone by, no title, a student of another class.
			yesterday := time.Now().In(a.Location).AddDate(0, 0, -1).Format(time.DateOnly)
			for name, c := range map[string]struct {
				d          app.ActivityDraft
				field, key string
			}{
				"due in the past":       {app.ActivityDraft{Title: "Late", DueOn: yesterday}, "due_on", "portfolio.due_past"},
				"a date that is not":    {app.ActivityDraft{Title: "Odd", DueOn: "31/12/2030"}, "due_on", "portfolio.due_invalid"},
				"no title":              {app.ActivityDraft{Title: "  "}, "title", "validation.required"},
				"another class's child": {app.ActivityDraft{Title: "Elena", StudentIDs: []int64{w.elena.ID}}, "student_ids", "portfolio.student_not_in_class"},
			} {
				if _, err := a.CreateActivity(ctx, w.teacher, w.class3, c.d); !isField(err, c.field, c.key) {
					t.Errorf("activity with %s: %v", name, err)
				}
			}
			if n := countOf(t, env, `SELECT count(*) FROM portfolio_activities WHERE class_id = $1`, w.class3); n != class3Acts {
				t.Errorf("refused activities were stored: %d in class 3", n-class3Acts)
			}
			if _, err := a.CreateActivity(ctx, w.teacher2, w.class3, app.ActivityDraft{Title: "Not my class"}); err == nil {
				t.Error("another class's teacher set an activity")
			}
			today := time.Now().In(a.Location).Format(time.DateOnly)
			if _, err := a.CreateActivity(ctx, w.teacher, w.class3, app.ActivityDraft{Title: "Due today", DueOn: today}); err != nil {
				t.Errorf("an activity due today: %v", err)
			}
		})
	}
}

// Approval may be turned off only where the school allows it for the
// class's grade; then work reaches the family at once.
func TestPortfolioApprovalOff(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "the rule is table-tested in authz; this checks the wiring once"))
	w := newStoryWorld(t, env)
	a, ctx := env.App, w.ctx
	if err := a.SetClassPortfolio(ctx, w.teacher, w.class3, true, false); !isField(err, "approval_off", "portfolio.approval_not_allowed") {
		t.Fatalf("approval off without the school's leave: %v", err)
	}
	if err := a.SetSchoolPortfolioGrade(ctx, w.teacher, w.schoolID, nil); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("a teacher sets the school's rule: %v", err)
	}
	six, three := 6, 3
	must(t, a.SetSchoolPortfolioGrade(ctx, w.leader, w.schoolID, &six))
	if _, err := env.DB.W.Exec(`UPDATE classes SET grade = $1 WHERE id = $2`, three, w.class3); err != nil {
		t.Fatal(err)
	}
	if err := a.SetClassPortfolio(ctx, w.teacher, w.class3, true, false); err == nil {
		t.Fatal("a grade 3 class skipped approval with the school's rule at grade 6")
	}
	must(t, a.SetSchoolPortfolioGrade(ctx, w.leader, w.schoolID, &three))
	must(t, a.SetClassPortfolio(ctx, w.teacher, w.class3, true, false))
	it, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{Text: "Straight to my family"})
	must(t, err)
	if it.Status != authz.PortfolioApproved {
		t.Fatalf("with approval off the work is %s", it.Status)
	}
	fam, err := a.StudentPortfolio(ctx, w.parent, w.ava.ID, "", 20)
	must(t, err)
	if !hasItem(fam.Items, it.ID) {
		t.Error("the parent does not see work posted with approval off")
	}
	// The school raises its grade: approval is back at once.
	must(t, a.SetSchoolPortfolioGrade(ctx, w.leader, w.schoolID, &six))
	it, err = a.PostPortfolio(ctx, w.student, app.PortfolioDraft{Text: "Waits again"})
	must(t, err)
	if it.Status != authz.PortfolioPending {
		t.Errorf("after the school raised its grade the work is %s", it.Status)
	}
}

// A photo loses its metadata, a drawing over a template is laid over it,
// and an activity copied from the library keeps its template.
func TestPortfolioFiles(t *testing.T) {
	t.Parallel()
	requireExiftool(t)
	env := testenv.New(t, dbtest.SQLiteOnly(t, "files do not depend on the engine"))
	w := newStoryWorld(t, env)
	a, ctx := env.App, w.ctx
	act, err := a.CreateActivity(ctx, w.teacher, w.class3, app.ActivityDraft{Title: "Colour the map", Template: file("map.jpg", gpsPhoto(t))})
	must(t, err)
	if act.TemplateKind != store.AttachPhoto || act.TemplateKey == "" {
		t.Fatalf("template: %+v", act)
	}
	tf, err := a.OpenActivityTemplate(ctx, w.student, act.ID, "")
	must(t, err)
	var tb bytes.Buffer
	tb.ReadFrom(tf)
	tf.Close()
	if left := metadataLeft(exifTags(t, tb.Bytes())); len(left) > 0 {
		t.Errorf("the template keeps metadata: %v", left)
	}
	it, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{ActivityID: act.ID, Drawing: file("drawing.png", strokesPNG(t, false))})
	must(t, err)
	e, err := a.PortfolioItem(ctx, w.teacher, it.ID)
	must(t, err)
	tpl, _, err := image.DecodeConfig(bytes.NewReader(tb.Bytes()))
	must(t, err)
	if len(e.Files) != 1 || e.Files[0].Width != tpl.Width || e.Files[0].Height != tpl.Height {
		t.Errorf("the drawing is not laid over the template (%dx%d): %+v", tpl.Width, tpl.Height, e.Files)
	}
	ph, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{File: file("IMG_1.jpg", gpsPhoto(t))})
	must(t, err)
	if ph.Kind != store.PortfolioPhoto {
		t.Errorf("a photo posted as %s", ph.Kind)
	}
	pe, err := a.PortfolioItem(ctx, w.student, ph.ID)
	must(t, err)
	f, err := a.OpenPortfolioFile(ctx, w.student, pe.Files[0].PublicID, "")
	must(t, err)
	var pb bytes.Buffer
	pb.ReadFrom(f)
	f.Close()
	if left := metadataLeft(exifTags(t, pb.Bytes())); len(left) > 0 {
		t.Errorf("the photo keeps metadata: %v", left)
	}
	if _, err := a.OpenPortfolioFile(ctx, w.parent, pe.Files[0].PublicID, ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the parent opens a pending photo's file: %v", err)
	}

	// The library: last year's activity copied into a class, template and all.
	lib, err := a.ActivityLibrary(ctx, w.teacher)
	must(t, err)
	if len(lib) == 0 || lib[0].ID != act.ID {
		t.Fatalf("library, newest first: %+v", lib)
	}
	cp, err := a.CopyActivity(ctx, w.teacher, lib[0].ID, w.class3, "")
	must(t, err)
	if cp.ID == act.ID || cp.TemplateKey == act.TemplateKey || cp.Title != act.Title {
		t.Errorf("copy: %+v", cp)
	}
	if _, err := a.CopyActivity(ctx, w.teacher2, act.ID, w.class4, ""); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("another teacher copies from someone else's library: %v", err)
	}
	must(t, a.DeleteActivity(ctx, w.teacher, act.ID))
	if _, err := a.OpenActivityTemplate(ctx, w.student, cp.ID, ""); err != nil {
		t.Errorf("the copy lost its template when the original went: %v", err)
	}
	// Work made for a removed activity stays.
	if _, err := a.PortfolioItem(ctx, w.student, it.ID); err != nil {
		t.Errorf("work for a removed activity: %v", err)
	}
}

// A voice recording is stored without its metadata (ffmpeg), and a file
// that is not a recording is refused.
func TestPortfolioVoice(t *testing.T) {
	t.Parallel()
	ffmpeg := requireFFmpeg(t)
	env := testenv.New(t, dbtest.SQLiteOnly(t, "files do not depend on the engine"))
	w := newStoryWorld(t, env)
	a, ctx := env.App, w.ctx
	rec := recording(t, ffmpeg)
	it, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{Voice: file("rec.webm", rec)})
	must(t, err)
	if it.Kind != store.PortfolioVoice {
		t.Fatalf("a recording posted as %s", it.Kind)
	}
	e, err := a.PortfolioItem(ctx, w.student, it.ID)
	must(t, err)
	f, err := a.OpenPortfolioFile(ctx, w.student, e.Files[0].PublicID, "")
	must(t, err)
	var b bytes.Buffer
	b.ReadFrom(f)
	f.Close()
	if bytes.Contains(b.Bytes(), []byte("Zephyr recorder")) || !strings.HasPrefix(e.Files[0].ContentType, "audio/") {
		t.Errorf("the stored recording keeps its metadata or lost its type (%s)", e.Files[0].ContentType)
	}
	if _, err := a.PostPortfolio(ctx, w.student, app.PortfolioDraft{Voice: file("photo.png", strokesPNG(t, false))}); !isField(err, "voice", "portfolio.voice_not_audio") {
		t.Errorf("a picture sent as a recording: %v", err)
	}
}

// portfolioKeys lists the portfolio files in the file store.
func portfolioKeys(t *testing.T, env *testenv.Env) []string {
	t.Helper()
	var keys []string
	must(t, env.Files.Walk(func(k string) error {
		if strings.HasPrefix(k, "portfolio/") {
			keys = append(keys, k)
		}
		return nil
	}))
	return keys
}

func requireFFmpeg(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg not installed: voice recordings cannot be stripped here")
	}
	return p
}

// recording is a two-second WebM/Opus recording whose metadata names the
// device that made it, as a phone's recorder writes.
func recording(t *testing.T, ffmpeg string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "rec.webm")
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
		"-c:a", "libopus", "-metadata", "title=Zephyr recorder", "-metadata", "encoder=Zephyr recorder", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, b)
	}
	b, err := os.ReadFile(out)
	must(t, err)
	if !bytes.Contains(b, []byte("Zephyr recorder")) {
		t.Fatal("the test recording carries no metadata")
	}
	return b
}
