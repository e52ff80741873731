package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// fixture reads a file under testdata.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// oneRosterDir reads a OneRoster fixture directory as uploaded files.
func oneRosterDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "oneroster", dir))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		out[e.Name()] = fixture(t, filepath.Join("oneroster", dir, e.Name()))
	}
	return out
}

// zipOf packs files into a zip, in a folder as SIS exports often are.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.Create("export_2026/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fields returns the field → translation key map of a validation error.
func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	var ve *app.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	out := map[string]string{}
	for f, fe := range ve.Fields {
		out[f] = fe.Key
	}
	return out
}

// count runs a count query.
func count(t *testing.T, env *testenv.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := env.DB.R.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// classNamed finds a demo class by name.
func classNamed(t *testing.T, env *testenv.Env, name string) *store.Class {
	t.Helper()
	var id int64
	if err := env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("class %s: %v", name, err)
	}
	c, err := store.ClassByID(context.Background(), env.DB.R, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// otherSchoolTeacher makes a verified teacher of another school and logs
// them in.
func otherSchoolTeacher(t *testing.T, env *testenv.Env) *app.Session {
	t.Helper()
	ctx := context.Background()
	now := env.App.Now()
	school := &store.School{Name: "Riverside Academy", Country: "US", CreatedAt: now}
	if err := store.CreateSchool(ctx, env.DB.W, school); err != nil {
		t.Fatal(err)
	}
	hash, _ := app.HashPassword(demo.Password, env.App.Password)
	u := &store.User{Kind: store.KindTeacher, FirstName: "Olu", LastName: "Ade", Email: "olu@riverside.example", PasswordHash: hash,
		Language: "en", EmailVerifiedAt: &now, CreatedAt: now}
	if err := store.CreateUser(ctx, env.DB.W, u); err != nil {
		t.Fatal(err)
	}
	if err := store.AddMembership(ctx, env.DB.W, &store.Membership{SchoolID: school.ID, UserID: u.ID, Role: store.RoleTeacher,
		Status: "active", VerifiedAt: &now, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return session(t, env, u.Email)
}

func TestParseStudentCSV(t *testing.T) {
	t.Parallel()
	type row struct{ first, last string }
	for _, tc := range []struct {
		file    string
		want    []row
		skipped map[int]string // line → key
		fatal   string         // field → key, as "field=key"
	}{
		{file: "class_list.csv", want: []row{{"Noah", "Fischer"}, {"Lina", "Okoro"}, {"Ava", "Martin"}, {"Marie-Claire", "Dupont-Aignan"}},
			skipped: map[int]string{4: "import.no_first_name", 7: "import.duplicate_row"}},
		{file: "semicolon_1252.csv", want: []row{{"Zoé", "Müller"}, {"Jérôme", "Lefèvre"}}},
		{file: "fullname.csv", want: []row{{"Ava", "Martin"}, {"Kai", "Nakamura"}}, skipped: map[int]string{2: "import.too_many_fields"}},
		{file: "sis_export.csv", want: []row{{"Idris", "Bello"}}, skipped: map[int]string{2: "import.not_a_student"}},
		{file: "noheader.csv", fatal: "file:1=import.no_name_columns"},
		{file: "badquote.csv", fatal: "file:2=import.bad_quoting"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rows, skipped, err := app.ParseStudentCSV(fixture(t, "csv/"+tc.file))
			if tc.fatal != "" {
				for f, k := range fields(t, err) {
					if f+"="+k != tc.fatal {
						t.Errorf("got %s=%s, want %s", f, k, tc.fatal)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, r := range rows {
				got = append(got, row{r.FirstName, r.LastName})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
			gotSkipped := map[int]string{}
			for _, s := range skipped {
				gotSkipped[s.Line] = s.Key
			}
			if len(gotSkipped) != len(tc.skipped) {
				t.Errorf("skipped %v, want %v", gotSkipped, tc.skipped)
			}
			for line, key := range tc.skipped {
				if gotSkipped[line] != key {
					t.Errorf("line %d: skipped as %q, want %q", line, gotSkipped[line], key)
				}
			}
		})
	}
	// Header spellings people use.
	for _, h := range []string{"first_name,last_name", "First Name,Surname", "Given name,Family name", "FIRSTNAME;LASTNAME",
		"Forename\tSurname", "Prénom,Nom", "Nombre,Apellidos", "Vorname,Nachname", "الاسم الأول,اسم العائلة"} {
		sep := string(h[strings.IndexAny(h, ",;\t")])
		rows, _, err := app.ParseStudentCSV([]byte(h + "\nAva" + sep + "Martin\n"))
		if err != nil || len(rows) != 1 || rows[0].FirstName != "Ava" || rows[0].LastName != "Martin" {
			t.Errorf("header %q: %v %+v", h, err, rows)
		}
	}
}

func TestImportStudentsCSV(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			class3 := classNamed(t, env, "Class 3 Sunflowers")
			before := count(t, env, `SELECT count(*) FROM students`)

			res, err := a.ImportStudentsCSV(ctx, teacher, class3.ID, fixture(t, "csv/class_list.csv"))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, ad := range res.Added {
				names = append(names, ad.Student.FirstName)
				if ad.Student.FirstName == "Ava" && !ad.Existing {
					t.Error("Ava Martin, already at the school, got a second profile")
				}
			}
			if !slices.Equal(names, []string{"Noah", "Lina", "Ava", "Marie-Claire"}) || len(res.Skipped) != 2 {
				t.Errorf("added %v, skipped %+v", names, res.Skipped)
			}
			if n := count(t, env, `SELECT count(*) FROM students`); n != before+3 {
				t.Errorf("%d new students, want 3", n-before)
			}
			if n := count(t, env, `SELECT count(*) FROM class_students WHERE class_id = $1 AND removed_at IS NULL`, class3.ID); n != 28 {
				t.Errorf("roster of %d, want 28", n)
			}
			// The same file again adds no one.
			if _, err := a.ImportStudentsCSV(ctx, teacher, class3.ID, fixture(t, "csv/class_list.csv")); err != nil {
				t.Fatal(err)
			}
			if n := count(t, env, `SELECT count(*) FROM students`); n != before+3 {
				t.Errorf("a second import made %d more students", n-before-3)
			}
			// A broken file writes nothing.
			if _, err := a.ImportStudentsCSV(ctx, teacher, class3.ID, fixture(t, "csv/badquote.csv")); err == nil {
				t.Error("broken quoting accepted")
			}
			// Who may: the class's teachers. Leaders see but do not teach the
			// class (403); everyone else cannot know it exists (404).
			for who, want := range map[string]error{demo.LeaderEmail: app.ErrForbidden, demo.Teacher2Email: app.ErrNotFound,
				demo.ParentEmail: app.ErrNotFound, demo.StudentUsername: app.ErrNotFound} {
				if _, err := a.ImportStudentsCSV(ctx, session(t, env, who), class3.ID, fixture(t, "csv/class_list.csv")); !errors.Is(err, want) {
					t.Errorf("%s: %v, want %v", who, err, want)
				}
			}
			if _, err := a.ImportStudentsCSV(ctx, otherSchoolTeacher(t, env), class3.ID, fixture(t, "csv/class_list.csv")); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another school's teacher: %v", err)
			}
		})
	}
}

func TestOneRosterImport(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			schoolID := teacher.Actor.SchoolIDs()[0]
			snapshot := func() [4]int {
				return [4]int{count(t, env, `SELECT count(*) FROM classes`), count(t, env, `SELECT count(*) FROM students`),
					count(t, env, `SELECT count(*) FROM class_students`), count(t, env, `SELECT count(*) FROM class_teachers`)}
			}
			start := snapshot()

			// Bad exports: every problem reported with file and line, nothing written.
			for dir, want := range map[string]map[string]string{
				"dangling": {"enrollments.csv:4": "oneroster.unknown_user", "enrollments.csv:5": "oneroster.unknown_class"},
				"missing":  {"enrollments.csv": "oneroster.missing_file"},
				"badquote": {"users.csv:3": "import.bad_quoting"},
			} {
				_, err := a.ImportOneRoster(ctx, teacher, schoolID, oneRosterDir(t, dir), "")
				got := fields(t, err)
				for f, k := range want {
					if got[f] != k {
						t.Errorf("%s: %s is %q, want %q (all: %v)", dir, f, got[f], k, got)
					}
				}
				if len(got) != len(want) {
					t.Errorf("%s: problems %v, want %v", dir, got, want)
				}
			}
			noCols := oneRosterDir(t, "valid")
			noCols["users.csv"] = []byte("sourcedId,role,givenName\nu1,student,Ava\n")
			if got := fields(t, func() error { _, err := a.ImportOneRoster(ctx, teacher, schoolID, noCols, ""); return err }()); got["users.csv:1"] != "oneroster.missing_column" {
				t.Errorf("missing column: %v", got)
			}
			if snapshot() != start {
				t.Fatalf("a refused import wrote something: %v → %v", start, snapshot())
			}

			// A valid export, zipped.
			files, err := app.OneRosterFiles(map[string][]byte{"export.zip": zipOf(t, oneRosterDir(t, "valid"))})
			if err != nil {
				t.Fatal(err)
			}
			res, err := a.ImportOneRoster(ctx, teacher, schoolID, files, "")
			if err != nil {
				t.Fatal(err)
			}
			if res.School != "Maple Grove Community School" || res.ClassesCreated != 2 || res.StudentsCreated != 5 || res.StudentsLinked != 1 ||
				res.Enrolled != 6 || res.TeachersAdded != 1 || len(res.Classes) != 2 {
				t.Errorf("import: %+v", res)
			}
			notes := map[string]bool{}
			for _, n := range res.Notes {
				notes[n.Key] = true
			}
			for _, k := range []string{"oneroster.other_classes", "oneroster.others_ignored", "oneroster.teacher_not_staff", "oneroster.you_teach"} {
				if !notes[k] {
					t.Errorf("no %s note in %+v", k, res.Notes)
				}
			}
			// Ava Martin, already at the school, kept her profile (and her parent).
			var avaClasses int
			env.DB.R.QueryRow(`SELECT count(*) FROM class_students cs JOIN students s ON s.id = cs.student_id JOIN users u ON u.id = s.user_id
				WHERE u.first_name = 'Ava' AND u.last_name = 'Martin' AND s.source_id = 'usr-s1'`).Scan(&avaClasses)
			if avaClasses != 2 {
				t.Errorf("Ava is in %d classes, want her old one and 4A", avaClasses)
			}
			if n := count(t, env, `SELECT count(*) FROM users WHERE first_name = 'Oli' OR first_name = 'Helen' AND kind = 'student'`); n != 0 {
				t.Error("another school's student or a parent was imported as a student")
			}
			// The matched teacher teaches 4A; 4B's teacher is not staff here, so
			// the importer teaches it for now.
			g4a, g4b := classNamed(t, env, "Grade 4A Otters"), classNamed(t, env, "Grade 4B Herons")
			for _, c := range []*store.Class{g4a, g4b} {
				ids, _ := store.TeachersOf(ctx, env.DB.R, c.ID)
				if !slices.Equal(ids, []int64{teacher.User.ID}) {
					t.Errorf("%s taught by %v", c.Name, ids)
				}
			}
			if n := count(t, env, `SELECT count(*) FROM skills WHERE class_id = $1`, g4a.ID); n != 10 {
				t.Errorf("an imported class has %d skills, want the starter ones", n)
			}

			// Idempotent: the same export (as loose files this time) changes nothing.
			after := snapshot()
			res, err = a.ImportOneRoster(ctx, teacher, schoolID, oneRosterDir(t, "valid"), "")
			if err != nil || res.Changed() {
				t.Errorf("re-import: %v %+v", err, res)
			}
			if snapshot() != after {
				t.Errorf("re-import changed the counts: %v → %v", after, snapshot())
			}
			// A renamed class and student follow the export.
			renamed := oneRosterDir(t, "valid")
			renamed["classes.csv"] = bytes.Replace(renamed["classes.csv"], []byte("Grade 4A Otters"), []byte("Grade 4A Sea Otters"), 1)
			renamed["users.csv"] = bytes.Replace(renamed["users.csv"], []byte("Noor,Haddad"), []byte("Nour,Haddad"), 1)
			if res, err = a.ImportOneRoster(ctx, teacher, schoolID, renamed, ""); err != nil || res.ClassesUpdated != 1 || res.StudentsRenamed != 1 || res.StudentsCreated != 0 {
				t.Errorf("renames: %v %+v", err, res)
			}

			// Who may import: the school's staff. Everyone else: 404.
			if _, err := a.ImportOneRoster(ctx, session(t, env, demo.LeaderEmail), schoolID, oneRosterDir(t, "valid"), ""); err != nil {
				t.Errorf("leader: %v", err)
			}
			for _, s := range []*app.Session{session(t, env, demo.ParentEmail), session(t, env, demo.StudentUsername), otherSchoolTeacher(t, env)} {
				if _, err := a.ImportOneRoster(ctx, s, schoolID, oneRosterDir(t, "valid"), ""); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s: %v", s.User.FirstName, err)
				}
			}
		})
	}
}

func TestOneRosterPicksTheSchool(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			teacher := session(t, env, demo.TeacherEmail)
			schoolID := teacher.Actor.SchoolIDs()[0]
			files := oneRosterDir(t, "valid")
			// Neither named like this school nor the only one: ask which.
			files["orgs.csv"] = bytes.Replace(files["orgs.csv"], []byte("Maple Grove Community School"), []byte("MGCS Campus North"), 1)
			if got := fields(t, func() error { _, err := env.App.ImportOneRoster(ctx, teacher, schoolID, files, ""); return err }()); got["orgs.csv"] != "oneroster.which_school" {
				t.Errorf("ambiguous org: %v", got)
			}
			if res, err := env.App.ImportOneRoster(ctx, teacher, schoolID, files, "org-maple"); err != nil || res.ClassesCreated != 2 {
				t.Errorf("chosen org: %v %+v", err, res)
			}
			if _, err := app.OneRosterFiles(map[string][]byte{"x.zip": []byte("PK\x03\x04 not really a zip")}); err == nil {
				t.Error("a broken zip was accepted")
			}
		})
	}
}

// studentColumns lists every column that can point at a student profile
// or at a student's account, from the live schema, so a table added later
// is checked without changing this test.
func studentColumns(t *testing.T, env *testenv.Env) (students, users []db.Column) {
	t.Helper()
	cols, err := env.DB.Columns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		switch {
		case c.Name == "student_id":
			students = append(students, c)
		case c.Name == "user_id" || strings.HasSuffix(c.Name, "_user_id"):
			users = append(users, c)
		}
	}
	return students, users
}

func TestMergeStudents(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher := session(t, env, demo.TeacherEmail)
			teacher2 := session(t, env, demo.Teacher2Email)
			class3, class4 := classNamed(t, env, "Class 3 Sunflowers"), classNamed(t, env, "Class 4 Explorers")
			ava, err := store.StudentByName(ctx, env.DB.R, class3.SchoolID, "Ava", "Martin")
			if err != nil {
				t.Fatal(err)
			}
			// Ava was entered a second time, with an accent, in Class 4 — and
			// also on Class 3's roster.
			added, err := a.AddStudents(ctx, teacher2, class4.ID, []app.NewStudent{{"Ava", "Martín"}})
			if err != nil {
				t.Fatal(err)
			}
			dup := added[0].Student
			if _, err := a.AddStudents(ctx, teacher, class3.ID, []app.NewStudent{{"Ava", "Martín"}}); err != nil {
				t.Fatal(err)
			}
			pairs, err := a.PossibleDuplicates(ctx, teacher, class3.ID)
			if err != nil || len(pairs) != 1 || pairs[0].A.ID != ava.ID || pairs[0].B.ID != dup.ID {
				t.Errorf("duplicates: %v %+v", err, pairs)
			}
			// The duplicate gathers records of every kind.
			skills, _ := a.Skills(ctx, teacher2, class4.ID)
			if _, err := a.AwardPoints(ctx, teacher2, class4.ID, app.Award{StudentIDs: []int64{dup.ID}, SkillID: skills[0].ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.TakeAttendance(ctx, teacher, class3.ID, a.Today(), []app.Mark{{ava.ID, "present"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.TakeAttendance(ctx, teacher, class3.ID, a.Today(), []app.Mark{{dup.ID, "late"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.TakeAttendance(ctx, teacher2, class4.ID, a.Today(), []app.Mark{{dup.ID, "present"}}); err != nil {
				t.Fatal(err)
			}
			cards, err := a.PrintLoginCards(ctx, teacher2, class4.ID)
			if err != nil {
				t.Fatal(err)
			}
			var dupCard string
			for _, c := range cards {
				if c.Student.ID == dup.ID {
					dupCard = c.Link[strings.Index(c.Link, "token=")+len("token="):]
				}
			}
			now := a.Now()
			hash, _ := app.HashPassword("x-x-x-x-x-x", a.Password)
			grandma := &store.User{Kind: store.KindParent, FirstName: "Rose", LastName: "Martin", Email: "rose@example.org", PasswordHash: hash, Language: "en", CreatedAt: now}
			if err := store.CreateUser(ctx, env.DB.W, grandma); err != nil {
				t.Fatal(err)
			}
			store.AddGuardian(ctx, env.DB.W, dup.SchoolID, dup.ID, grandma.ID, now)
			parent := session(t, env, demo.ParentEmail)
			store.AddGuardian(ctx, env.DB.W, dup.SchoolID, dup.ID, parent.User.ID, now) // connected to both
			if _, err := a.StartSession(ctx, dup.UserID, "web", "test"); err != nil {
				t.Fatal(err)
			}
			// A parent's consent about the duplicate's account (the ledger is
			// append-only, but its account links may change).
			if err := store.AddConsent(ctx, env.DB.W, &store.Consent{SubjectUserID: dup.UserID, GrantorUserID: grandma.ID, GrantorEmail: grandma.Email,
				GrantorRole: "parent", Purpose: "student_account", NoticeVersion: "test", Method: "email_link", GrantedAt: now}); err != nil {
				t.Fatal(err)
			}

			if err := store.AddCorrection(ctx, env.DB.W, &store.Correction{SchoolID: dup.SchoolID, StudentID: dup.ID, RecordTable: "points",
				RecordKey: "1", RecordSummary: "a point", RequestedBy: grandma.ID, Request: "not her", Status: store.CorrectionPending, CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
			// A conversation about the duplicate, an invitation for a parent
			// and an address blocked from the child.
			conv, _, err := a.StartConversation(ctx, teacher2, app.NewConversation{SchoolID: dup.SchoolID, StudentID: dup.ID, To: grandma.ID},
				app.MessageDraft{Text: "Ava forgot her coat."})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.DB.W.Exec(`INSERT INTO invitations (school_id, token_hash, kind, student_id, email, language, invited_by, created_at, expires_at)
				VALUES ($1, 'merge-test', 'parent', $2, 'aunt@example.org', 'en', $3, $4, $5)`, dup.SchoolID, dup.ID, teacher2.User.ID, now, now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := store.AddEmailBlock(ctx, env.DB.W, &store.GuardianBlock{SchoolID: dup.SchoolID, StudentID: dup.ID, GuardianEmail: "ex@example.org",
				Reason: "court_order", CreatedAt: now}); err != nil {
				t.Fatal(err)
			}

			var pointsBefore int
			env.DB.R.QueryRow(`SELECT count(*) FROM points WHERE student_id IN ($1, $2)`, ava.ID, dup.ID).Scan(&pointsBefore)
			consentsBefore := count(t, env, `SELECT count(*) FROM consents WHERE subject_user_id = $1`, ava.UserID) // the demo's media consent
			attendanceBefore := count(t, env, `SELECT count(*) FROM attendance WHERE student_id IN ($1, $2)`, ava.ID, dup.ID)

			// Who may merge.
			for _, s := range []*app.Session{session(t, env, demo.StudentUsername), parent, otherSchoolTeacher(t, env)} {
				if _, err := a.MergeStudents(ctx, s, ava.ID, dup.ID); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s: %v, want not found", s.User.FirstName, err)
				}
			}
			if got := fields(t, func() error { _, err := a.MergeStudents(ctx, teacher, ava.ID, ava.ID); return err }()); got["duplicate_id"] != "merge.same" {
				t.Errorf("merge with itself: %v", got)
			}

			res, err := a.MergeStudents(ctx, teacher, ava.ID, dup.ID)
			if err != nil {
				t.Fatal(err)
			}
			if res.Kept.ID != ava.ID || res.Removed.ID != dup.ID || res.Points != 1 || res.Attendance != 1 || res.AttendanceOverlaps != 1 ||
				res.Enrollments != 1 || res.SharedClasses != 1 || res.Guardians != 1 || res.SharedGuardians != 1 || res.LoginLinks != 1 || res.Consents != 1 || res.Corrections != 1 {
				t.Errorf("merge result: %+v", res)
			}
			// Nothing anywhere still points at the removed profile or account.
			studentCols, userCols := studentColumns(t, env)
			for _, c := range studentCols {
				if n := count(t, env, `SELECT count(*) FROM "`+c.Table+`" WHERE "`+c.Name+`" = $1`, dup.ID); n != 0 {
					t.Errorf("%s still has %d rows of the removed profile", c, n)
				}
			}
			for _, c := range userCols {
				if n := count(t, env, `SELECT count(*) FROM "`+c.Table+`" WHERE "`+c.Name+`" = $1`, dup.UserID); n != 0 {
					t.Errorf("%s still has %d rows of the removed account", c, n)
				}
			}
			if n := count(t, env, `SELECT count(*) FROM users WHERE id = $1`, dup.UserID) + count(t, env, `SELECT count(*) FROM students WHERE id = $1`, dup.ID); n != 0 {
				t.Error("the removed profile or its account is still there")
			}
			// Everything moved: no point lost, one attendance record per class and day.
			if n := count(t, env, `SELECT count(*) FROM points WHERE student_id = $1`, ava.ID); n != pointsBefore {
				t.Errorf("Ava has %d points, want %d", n, pointsBefore)
			}
			if n := count(t, env, `SELECT count(*) FROM attendance WHERE student_id = $1`, ava.ID); n != attendanceBefore-1 {
				t.Errorf("Ava has %d attendance records, want %d", n, attendanceBefore-1)
			}
			var status string
			env.DB.R.QueryRow(`SELECT status FROM attendance WHERE student_id = $1 AND class_id = $2 AND day = $3`, ava.ID, class3.ID, a.Today()).Scan(&status)
			if status != "late" {
				t.Errorf("overlapping attendance kept %q, want the later record (late)", status)
			}
			classes, _ := store.CurrentClassIDs(ctx, env.DB.R, ava.ID)
			if !slices.Equal(classes, []int64{class3.ID, class4.ID}) {
				t.Errorf("Ava's classes %v", classes)
			}
			guardians, _ := store.GuardiansOf(ctx, env.DB.R, ava.ID)
			if len(guardians) != 2 {
				t.Errorf("Ava has %d guardians, want her parent and grandmother", len(guardians))
			}
			if n := count(t, env, `SELECT count(*) FROM consents WHERE subject_user_id = $1`, ava.UserID); n != consentsBefore+1 {
				t.Errorf("Ava has %d consents, want her own %d and the one about the removed account", n, consentsBefore)
			}
			if st, err := a.StudentByCard(ctx, dupCard, "192.0.2.1"); err != nil || st.ID != ava.ID {
				t.Errorf("the duplicate's login card now opens %v %v, want Ava", st, err)
			}
			// The conversation, the invitation and the block are about Ava now.
			if c, err := store.ConversationByID(ctx, env.DB.R, conv.ID); err != nil || c.StudentID != ava.ID {
				t.Errorf("the conversation about the duplicate: %+v %v", c, err)
			}
			if n := count(t, env, `SELECT count(*) FROM invitations WHERE student_id = $1`, ava.ID) + count(t, env, `SELECT count(*) FROM guardian_email_blocks WHERE student_id = $1`, ava.ID); n != 2 {
				t.Errorf("Ava has %d of the invitation and the address block, want 2", n)
			}
			// Teacher 2 taught only the removed profile's class, and now Ava's.
			if _, err := a.PointsOf(ctx, session(t, env, demo.Teacher2Email), ava.ID, now.Add(-time.Hour), now.Add(time.Hour)); err != nil {
				t.Errorf("teacher of the merged class cannot see Ava: %v", err)
			}
		})
	}
}

func TestMergeRules(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			a := env.App
			teacher, teacher2, leader := session(t, env, demo.TeacherEmail), session(t, env, demo.Teacher2Email), session(t, env, demo.LeaderEmail)
			class3, class4 := classNamed(t, env, "Class 3 Sunflowers"), classNamed(t, env, "Class 4 Explorers")
			r3, _ := store.StudentsOfClass(ctx, env.DB.R, class3.ID)
			r4, _ := store.StudentsOfClass(ctx, env.DB.R, class4.ID)
			// Teacher 2 teaches neither profile of class 3: verified staff see
			// them, so it is "not allowed", not "not found".
			if _, err := a.MergeStudents(ctx, teacher2, r3[0].ID, r3[1].ID); !errors.Is(err, app.ErrForbidden) {
				t.Errorf("teacher of neither: %v", err)
			}
			// A teacher of one of them may; a leader may merge any two.
			if _, err := a.MergeStudents(ctx, teacher, r3[0].ID, r4[0].ID); err != nil {
				t.Errorf("teacher of one: %v", err)
			}
			if _, err := a.MergeStudents(ctx, leader, r4[1].ID, r4[2].ID); err != nil {
				t.Errorf("leader: %v", err)
			}
			// A table added later that refers to students, which merge does not
			// know how to move: the merge is refused whole, nothing moved.
			if _, err := env.DB.W.Exec(`CREATE TABLE later_notes (school_id BIGINT, student_id BIGINT REFERENCES students (id) ON DELETE CASCADE)`); err != nil {
				t.Fatal(err)
			}
			env.DB.W.Exec(`INSERT INTO later_notes (school_id, student_id) VALUES ($1, $2)`, class3.SchoolID, r3[6].ID)
			pointsOf := func(id int64) int { return count(t, env, `SELECT count(*) FROM points WHERE student_id = $1`, id) }
			before := pointsOf(r3[6].ID)
			if got := fields(t, func() error { _, err := a.MergeStudents(ctx, teacher, r3[5].ID, r3[6].ID); return err }()); got["duplicate_id"] != "merge.unknown_records" {
				t.Errorf("unknown table: %v", got)
			}
			if pointsOf(r3[6].ID) != before || before == 0 || count(t, env, `SELECT count(*) FROM later_notes WHERE student_id = $1`, r3[6].ID) != 1 {
				t.Error("a refused merge moved or deleted something")
			}
			// Two children the school's system knows apart are not merged here.
			store.SetStudentSourceID(ctx, env.DB.W, r3[2].ID, "sis-1")
			store.SetStudentSourceID(ctx, env.DB.W, r3[3].ID, "sis-2")
			if got := fields(t, func() error { _, err := a.MergeStudents(ctx, teacher, r3[2].ID, r3[3].ID); return err }()); got["duplicate_id"] != "merge.both_imported" {
				t.Errorf("both imported: %v", got)
			}
			// One imported, one not: the kept profile takes the sourcedId, so the
			// next import finds the child.
			if _, err := a.MergeStudents(ctx, teacher, r3[4].ID, r3[2].ID); err != nil {
				t.Fatal(err)
			}
			if src, _ := store.StudentSourceID(ctx, env.DB.R, r3[4].ID); src != "sis-1" {
				t.Errorf("kept profile's sourcedId %q", src)
			}
		})
	}
}

func TestRollover(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher, leader := session(t, env, demo.TeacherEmail), session(t, env, demo.LeaderEmail)
			old := classNamed(t, env, "Class 3 Sunflowers")
			if _, err := a.AddCoTeacher(ctx, teacher, old.ID, demo.Teacher2Email); err != nil {
				t.Fatal(err)
			}
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, old.ID)
			var moving []int64
			for _, st := range roster[1:] { // one child leaves
				moving = append(moving, st.ID)
			}
			studentsBefore := count(t, env, `SELECT count(*) FROM students`)
			pointsBefore := count(t, env, `SELECT count(*) FROM points WHERE class_id = $1`, old.ID)
			attendanceBefore := count(t, env, `SELECT count(*) FROM attendance WHERE class_id = $1`, old.ID)

			// Who may: the class's teachers and the school's leaders.
			for _, who := range []string{demo.ParentEmail, demo.StudentUsername} {
				if _, err := a.RollOver(ctx, session(t, env, who), old.ID, app.Rollover{Name: "X"}); !errors.Is(err, app.ErrNotFound) {
					t.Errorf("%s: %v", who, err)
				}
			}
			if _, err := a.RollOver(ctx, otherSchoolTeacher(t, env), old.ID, app.Rollover{Name: "X"}); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("another school's teacher: %v", err)
			}
			if got := fields(t, func() error {
				_, err := a.RollOver(ctx, teacher, old.ID, app.Rollover{Name: " ", StudentIDs: []int64{roster[0].ID, 999999}})
				return err
			}()); got["name"] != "validation.required" || got["student_ids"] != "points.not_in_class" {
				t.Errorf("bad rollover: %v", got)
			}

			c, err := a.RollOver(ctx, teacher, old.ID, app.Rollover{Name: "Class 4 Sunflowers", StudentIDs: append(moving, moving[0])})
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != "Class 4 Sunflowers" || c.StudentCount != 24 {
				t.Errorf("new class %+v", c)
			}
			// One child, one profile: the same students, no new ones.
			if n := count(t, env, `SELECT count(*) FROM students`); n != studentsBefore {
				t.Errorf("rollover made %d students", n-studentsBefore)
			}
			newRoster, _ := store.StudentsOfClass(ctx, env.DB.R, c.ID)
			if len(newRoster) != 24 || slices.ContainsFunc(newRoster, func(st store.Student) bool { return st.ID == roster[0].ID }) {
				t.Errorf("new roster of %d", len(newRoster))
			}
			teachers, _ := store.TeachersOf(ctx, env.DB.R, c.ID)
			oldTeachers, _ := store.TeachersOf(ctx, env.DB.R, old.ID)
			if !slices.Equal(teachers, oldTeachers) || len(teachers) != 2 {
				t.Errorf("teachers %v, want %v", teachers, oldTeachers)
			}
			if n := count(t, env, `SELECT count(*) FROM skills WHERE class_id = $1`, c.ID); n != 10 {
				t.Errorf("new class has %d skills", n)
			}
			// The old class: archived, its history intact and visible.
			teacher = session(t, env, demo.TeacherEmail)
			cv, err := a.Classroom(ctx, teacher, old.ID)
			if err != nil || cv.Class.ArchivedAt == nil || len(cv.Roster) != 25 {
				t.Fatalf("old class: %v %+v", err, cv)
			}
			if n := count(t, env, `SELECT count(*) FROM points WHERE class_id = $1`, old.ID); n != pointsBefore {
				t.Errorf("old class points %d → %d", pointsBefore, n)
			}
			if n := count(t, env, `SELECT count(*) FROM attendance WHERE class_id = $1`, old.ID); n != attendanceBefore {
				t.Errorf("old class attendance %d → %d", attendanceBefore, n)
			}
			list, _ := a.Classes(ctx, teacher, store.ClassPage{Limit: 50})
			archived := 0
			for _, l := range list {
				if l.ArchivedAt != nil {
					archived++
				}
			}
			if len(list) != 2 || archived != 1 {
				t.Errorf("class list %+v", list)
			}
			// ...and read-only.
			skills, _ := a.Skills(ctx, teacher, old.ID)
			checks := map[string]error{}
			_, checks["points"] = a.AwardPoints(ctx, teacher, old.ID, app.Award{WholeClass: true, SkillID: skills[0].ID})
			_, checks["attendance"] = a.TakeAttendance(ctx, teacher, old.ID, a.Today(), []app.Mark{{roster[1].ID, "absent"}})
			_, checks["leader attendance"] = a.TakeAttendance(ctx, leader, old.ID, a.Today(), []app.Mark{{roster[1].ID, "absent"}})
			_, checks["add"] = a.AddStudents(ctx, teacher, old.ID, []app.NewStudent{{"New", "Kid"}})
			checks["remove"] = a.RemoveStudent(ctx, teacher, old.ID, roster[1].ID)
			_, checks["csv"] = a.ImportStudentsCSV(ctx, teacher, old.ID, fixture(t, "csv/class_list.csv"))
			_, checks["co-teacher"] = a.AddCoTeacher(ctx, teacher, old.ID, demo.LeaderEmail)
			_, checks["skill"] = a.AddSkill(ctx, teacher, 0, old.ID, "Late homework", -1)
			_, checks["rollover"] = a.RollOver(ctx, teacher, old.ID, app.Rollover{Name: "Again"})
			_, _, checks["code"] = a.RotateClassCode(ctx, teacher, old.ID)
			for what, err := range checks {
				if !errors.Is(err, app.ErrArchived) {
					t.Errorf("%s on an archived class: %v", what, err)
				}
			}
			// The children's current class is the new one.
			if ids, _ := store.CurrentClassIDs(ctx, env.DB.R, roster[1].ID); !slices.Equal(ids, []int64{c.ID}) {
				t.Errorf("current classes %v", ids)
			}
			// A leader rolls over a class they do not teach; its teachers carry on.
			class4 := classNamed(t, env, "Class 4 Explorers")
			c4, err := a.RollOver(ctx, leader, class4.ID, app.Rollover{Name: "Class 5 Explorers"})
			if err != nil {
				t.Fatal(err)
			}
			if ids, _ := store.TeachersOf(ctx, env.DB.R, c4.ID); len(ids) != 1 || ids[0] == leader.User.ID {
				t.Errorf("leader's rollover teachers %v", ids)
			}
		})
	}
}

func TestCoTeachers(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher, leader := session(t, env, demo.TeacherEmail), session(t, env, demo.LeaderEmail)
			class3 := classNamed(t, env, "Class 3 Sunflowers")
			skills, _ := a.Skills(ctx, teacher, class3.ID)
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, class3.ID)
			award := app.Award{StudentIDs: []int64{roster[0].ID}, SkillID: skills[0].ID}

			if _, err := a.AwardPoints(ctx, session(t, env, demo.Teacher2Email), class3.ID, award); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("before: %v", err)
			}
			if _, err := a.AddCoTeacher(ctx, session(t, env, demo.Teacher2Email), class3.ID, demo.Teacher2Email); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("adding oneself to another's class: %v", err)
			}
			other := otherSchoolTeacher(t, env)
			for email, key := range map[string]string{"nobody@example.org": "coteach.not_staff", demo.ParentEmail: "coteach.not_staff",
				other.User.Email: "coteach.not_staff", "not an email": "validation.email", demo.TeacherEmail: "coteach.already"} {
				if got := fields(t, func() error { _, err := a.AddCoTeacher(ctx, teacher, class3.ID, email); return err }()); got["email"] != key {
					t.Errorf("%s: %v, want %s", email, got, key)
				}
			}
			tch, err := a.AddCoTeacher(ctx, teacher, class3.ID, " Teacher2@Demo.Cubby.Test ")
			if err != nil || tch.LastName != "Park" {
				t.Fatalf("add: %v %+v", err, tch)
			}
			// Same rights as the class's first teacher.
			t2 := session(t, env, demo.Teacher2Email)
			if _, err := a.AwardPoints(ctx, t2, class3.ID, award); err != nil {
				t.Errorf("co-teacher giving a point: %v", err)
			}
			if _, err := a.AddStudents(ctx, t2, class3.ID, []app.NewStudent{{"Pia", "Lund"}}); err != nil {
				t.Errorf("co-teacher adding a student: %v", err)
			}
			list, _ := a.ClassTeachers(ctx, t2, class3.ID)
			if len(list) != 2 {
				t.Errorf("teachers %+v", list)
			}
			// Removing: anyone but the last teacher; the leader staffs any class.
			if err := a.RemoveCoTeacher(ctx, t2, class3.ID, teacher.User.ID); err != nil {
				t.Errorf("co-teacher removing the other: %v", err)
			}
			if got := fields(t, a.RemoveCoTeacher(ctx, t2, class3.ID, t2.User.ID)); got["teacher"] != "coteach.last" {
				t.Errorf("removing the last teacher: %v", got)
			}
			if _, err := a.AddCoTeacher(ctx, leader, class3.ID, demo.TeacherEmail); err != nil {
				t.Errorf("leader adding a teacher: %v", err)
			}
			if err := a.RemoveCoTeacher(ctx, leader, class3.ID, 999999); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("removing a non-teacher: %v", err)
			}
			if err := a.RemoveCoTeacher(ctx, session(t, env, demo.ParentEmail), class3.ID, t2.User.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("parent removing: %v", err)
			}
			if ids, _ := store.TeachersOf(ctx, env.DB.R, class3.ID); len(ids) != 2 {
				t.Errorf("teachers after: %v", ids)
			}
		})
	}
}

func TestSchoolSkillsAndInitials(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			env := testenv.New(t, d)
			a := env.App
			teacher, leader := session(t, env, demo.TeacherEmail), session(t, env, demo.LeaderEmail)
			schoolID := leader.Actor.SchoolIDs()[0]
			class3, class4 := classNamed(t, env, "Class 3 Sunflowers"), classNamed(t, env, "Class 4 Explorers")

			if _, err := a.SchoolClassroomSettings(ctx, teacher, schoolID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("teacher on the leader's page: %v", err)
			}
			if _, err := a.AddSkill(ctx, teacher, schoolID, 0, "Reading buddy", 2); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("teacher adding a school skill: %v", err)
			}
			if got := fields(t, func() error { _, err := a.AddSkill(ctx, leader, schoolID, 0, "Too much", 6); return err }()); got["weight"] != "skill.bad_weight" {
				t.Errorf("weight 6: %v", got)
			}
			sk, err := a.AddSkill(ctx, leader, schoolID, 0, "Reading buddy", 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []*store.Class{class3, class4} {
				skills, _ := store.SkillsForClass(ctx, env.DB.R, c.SchoolID, c.ID)
				if !slices.ContainsFunc(skills, func(s store.Skill) bool { return s.ID == sk.ID }) {
					t.Errorf("%s lacks the school skill", c.Name)
				}
			}
			set, err := a.SchoolClassroomSettings(ctx, leader, schoolID)
			if err != nil || len(set.Skills) != 1 || set.ShowInitials {
				t.Errorf("settings %v %+v", err, set)
			}
			if err := a.ArchiveSchoolSkill(ctx, teacher, schoolID, sk.ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("teacher archiving: %v", err)
			}
			classSkill, _ := store.SkillsForClass(ctx, env.DB.R, class3.SchoolID, class3.ID)
			if err := a.ArchiveSchoolSkill(ctx, leader, schoolID, classSkill[0].ID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("a class's skill archived from the school page: %v", err)
			}
			if err := a.ArchiveSchoolSkill(ctx, leader, schoolID, sk.ID); err != nil {
				t.Fatal(err)
			}
			if skills, _ := store.SkillsForClass(ctx, env.DB.R, class3.SchoolID, class3.ID); slices.ContainsFunc(skills, func(s store.Skill) bool { return s.ID == sk.ID }) {
				t.Error("an archived school skill still shows in classes")
			}

			// Initials.
			if err := a.SetShowInitials(ctx, teacher, schoolID, true); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("teacher switching initials: %v", err)
			}
			ava := store.Student{FirstName: "Ava", LastName: "Martin"}
			show, _ := a.NameStyle(ctx, schoolID)
			if show(ava) != "Ava" {
				t.Errorf("default shows %q", show(ava))
			}
			if err := a.SetShowInitials(ctx, leader, schoolID, true); err != nil {
				t.Fatal(err)
			}
			show, _ = a.NameStyle(ctx, schoolID)
			if show(ava) != "A. M." {
				t.Errorf("initials show %q", show(ava))
			}
		})
	}
	for in, want := range map[[2]string]string{{"Ava", "Martin"}: "A. M.", {"Kai", ""}: "K.", {"élodie", " durand"}: "É. D.", {"ليلى", "حداد"}: "ل. ح."} {
		if got := app.Initials(in[0], in[1]); got != want {
			t.Errorf("Initials(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}
