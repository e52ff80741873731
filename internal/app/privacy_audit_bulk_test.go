package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// demoClass returns one of the demo school's classes by name.
func demoClass(t *testing.T, env *testenv.Env, name string) *store.Class {
	t.Helper()
	var id int64
	must(t, env.DB.R.QueryRow(`SELECT id FROM classes WHERE name = $1`, name).Scan(&id))
	c, err := store.ClassByID(context.Background(), env.DB.R, id)
	must(t, err)
	return c
}

// bulkEntries counts a reader's entries with no subject and this detail.
func bulkEntries(t *testing.T, env *testenv.Env, reader int64, action, detail string) int {
	t.Helper()
	var n int
	must(t, env.DB.R.QueryRow(`SELECT count(*) FROM audit_log WHERE actor_user_id = $1 AND action = $2 AND detail = $3 AND subject_user_id IS NULL`,
		reader, action, detail).Scan(&n))
	return n
}

// A class screen opened all day is one entry per reader and day; the
// repeats are answered from memory (they succeed with the database out of
// reach), a failed write is tried again, another process does not write
// it twice, and the next day writes a new one.
func TestBulkViewsAreAuditedOncePerReaderViewAndDay(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			a, ctx := env.App, context.Background()
			now := time.Date(2026, 3, 10, 8, 30, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			a.SetClock(clock)
			teacher := loginAs(t, env, demo.TeacherEmail, demo.Password)
			leader := loginAs(t, env, demo.LeaderEmail, demo.Password)
			parent := loginAs(t, env, demo.ParentEmail, demo.Password)
			student := loginAs(t, env, demo.StudentUsername, demo.Password)
			class := demoClass(t, env, "Class 3 Sunflowers")
			detail := "class:" + itoa(class.ID)

			for i := 0; i < 50; i++ {
				now = now.Add(time.Minute)
				must(t, a.AuditClassRead(ctx, teacher, class, app.ViewClass))
			}
			if n := bulkEntries(t, env, teacher.User.ID, store.AuditRead, detail); n != 1 {
				t.Fatalf("50 views of the class screen: %d entries, want 1", n)
			}
			gone, cancel := context.WithCancel(ctx)
			cancel()
			if err := a.AuditClassRead(gone, teacher, class, app.ViewClass); err != nil {
				t.Errorf("a view already logged today asked the database: %v", err)
			}
			if err := a.AuditClassRead(gone, teacher, class, app.ViewClassReport); err == nil {
				t.Fatal("a first view with the database out of reach: want an error, not a view without its entry")
			}
			must(t, a.AuditClassRead(ctx, teacher, class, app.ViewClassReport))
			if n := bulkEntries(t, env, teacher.User.ID, store.AuditRead, "class_report:"+itoa(class.ID)); n != 1 {
				t.Errorf("the report view after a failed write: %d entries, want 1", n)
			}

			// Others reading the same class have their own entry; families
			// and students are not logged (they never see a whole class).
			must(t, a.AuditClassRead(ctx, leader, class, app.ViewClass))
			must(t, a.AuditClassRead(ctx, parent, class, app.ViewClass))
			must(t, a.AuditClassRead(ctx, student, class, app.ViewClass))
			var all int
			must(t, env.DB.R.QueryRow(`SELECT count(*) FROM audit_log WHERE detail = $1`, detail).Scan(&all))
			if all != 2 || bulkEntries(t, env, leader.User.ID, store.AuditRead, detail) != 1 {
				t.Errorf("class screen entries: %d, want the teacher's and the leader's", all)
			}
			// Downloading is an entry of its own.
			must(t, a.AuditClassExport(ctx, teacher, class, app.ViewClassReport))
			must(t, a.AuditClassExport(ctx, teacher, class, app.ViewClassReport))
			if n := bulkEntries(t, env, teacher.User.ID, store.AuditExport, "class_report:"+itoa(class.ID)); n != 1 {
				t.Errorf("CSV downloads: %d entries, want 1", n)
			}

			// A second process (or this one restarted) knows nothing in
			// memory; the database stops it from writing the day's entry
			// again.
			other := app.New(env.DB, a.Log)
			other.SetClock(clock)
			must(t, other.AuditClassRead(ctx, teacher, class, app.ViewClass))
			if n := bulkEntries(t, env, teacher.User.ID, store.AuditRead, detail); n != 1 {
				t.Errorf("another process wrote the day's entry again: %d", n)
			}

			now = now.Add(24 * time.Hour)
			must(t, a.AuditClassRead(ctx, teacher, class, app.ViewClass))
			must(t, a.AuditClassRead(ctx, teacher, class, app.ViewClass))
			if n := bulkEntries(t, env, teacher.User.ID, store.AuditRead, detail); n != 2 {
				t.Errorf("after a day: %d entries, want 2", n)
			}
			must(t, a.AuditSchoolRead(ctx, leader, class.SchoolID, app.ViewSchoolDirectory))
			if n := bulkEntries(t, env, leader.User.ID, store.AuditRead, "school_directory:"+itoa(class.SchoolID)); n != 1 {
				t.Errorf("school directory: %d entries", n)
			}
			res, err := a.VerifyAudit(ctx)
			must(t, err)
			if !res.OK() {
				t.Errorf("audit chain: %v", res.Problems)
			}
		})
	}
}

// A parent's "who looked at our records" lists the views of a whole class
// or school their child was in when it was looked at, naming the class,
// and not the views of classes their child was not in at the time.
func TestParentsSeeViewsOfTheirChildsClassAndSchool(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			a, ctx := env.App, context.Background()
			// Tomorrow morning: the demo school enrolled its students today.
			day1 := time.Now().UTC().Truncate(24 * time.Hour).Add(33 * time.Hour)
			now := day1
			a.SetClock(func() time.Time { return now })
			teacher := loginAs(t, env, demo.TeacherEmail, demo.Password)
			teacher2 := loginAs(t, env, demo.Teacher2Email, demo.Password)
			leader := loginAs(t, env, demo.LeaderEmail, demo.Password)
			parent := loginAs(t, env, demo.ParentEmail, demo.Password)
			class3, class4 := demoClass(t, env, "Class 3 Sunflowers"), demoClass(t, env, "Class 4 Explorers")
			school, err := store.SchoolByID(ctx, env.DB.R, class3.SchoolID)
			must(t, err)
			otters, err := a.CreateClass(ctx, teacher, class3.SchoolID, "Class 5 Otters")
			must(t, err)
			var ava int64 // Ava's student id; she is in class 3, her sister Elena in class 4
			must(t, env.DB.R.QueryRow(`SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = $1`, demo.StudentUsername).Scan(&ava))

			must(t, a.AuditClassRead(ctx, teacher, class3, app.ViewClass))
			must(t, a.AuditClassRead(ctx, teacher2, class4, app.ViewClassReport))
			must(t, a.AuditSchoolRead(ctx, leader, school.ID, app.ViewSchoolDirectory))
			must(t, a.AuditSchoolExport(ctx, leader, school.ID, app.ViewSchoolReport))
			must(t, a.AuditClassRead(ctx, teacher, otters, app.ViewClass)) // before Ava is in it

			// Day 2: the otters' screen in the morning, Ava joins them in the
			// afternoon (the day's one entry stands for the later views too)
			// and leaves class 3.
			now = day1.Add(24 * time.Hour)
			must(t, a.AuditClassRead(ctx, teacher, otters, app.ViewClass))
			_, err = env.DB.W.Exec(`INSERT INTO class_students (school_id, class_id, student_id, added_at) VALUES ($1, $2, $3, $4)`,
				otters.SchoolID, otters.ID, ava, now.Add(6*time.Hour))
			must(t, err)
			_, err = env.DB.W.Exec(`UPDATE class_students SET removed_at = $1 WHERE class_id = $2 AND student_id = $3`, now.Add(7*time.Hour), class3.ID, ava)
			must(t, err)
			// Day 3: class 3 without Ava.
			now = day1.Add(48 * time.Hour)
			must(t, a.AuditClassRead(ctx, teacher, class3, app.ViewClass))

			log, err := a.AccessLog(ctx, parent)
			must(t, err)
			type seen struct{ what, scope, subject, day string }
			got := map[seen]int{}
			for _, e := range log {
				if e.Bulk {
					got[seen{e.Action + " " + e.Detail, e.Scope, e.Subject, e.At.Format("01-02")}]++
				}
			}
			d1, d2 := day1.Format("01-02"), day1.Add(24*time.Hour).Format("01-02")
			want := map[seen]int{
				{"read class", "Class 3 Sunflowers", "Ava", d1}:          1,
				{"read class_report", "Class 4 Explorers", "Elena", d1}:  1,
				{"read school_directory", school.Name, "Ava, Elena", d1}: 1,
				{"export school_report", school.Name, "Ava, Elena", d1}:  1,
				{"read class", "Class 5 Otters", "Ava", d2}:              1,
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("the parent's log has %d× %+v, want %d", got[k], k, n)
				}
			}
			if len(got) != len(want) {
				t.Errorf("the parent's log has other views: %+v", got)
			}
			for _, e := range log {
				if e.Bulk && e.Detail == "class" && e.Scope == "Class 3 Sunflowers" && !strings.Contains(e.ActorName, "Alvarez") {
					t.Errorf("the class screen entry does not name its reader: %+v", e)
				}
			}
			// The newest first, merged with the single-record entries.
			for i := 1; i < len(log); i++ {
				if log[i].At.After(log[i-1].At) {
					t.Errorf("entry %d is newer than entry %d", i, i-1)
				}
			}
			// The family's export carries the same log, views of a whole
			// class included, as data and in words.
			files := export(t, env, parent)
			var ar struct {
				AccessLog []app.ArchiveAccess `json:"access_log"`
			}
			must(t, json.Unmarshal(files["export.json"], &ar))
			found := false
			for _, e := range ar.AccessLog {
				found = found || (e.Action == "read" && e.Record == "class" && e.Place == "Class 5 Otters" && e.About == "Ava")
			}
			if !found || len(ar.AccessLog) < len(want) {
				t.Errorf("the export's access log lacks the class view (%d entries): %+v", len(ar.AccessLog), ar.AccessLog)
			}
			if html := string(files["export.html"]); !strings.Contains(html, "opened the class screen of Class 5 Otters") {
				t.Error("the export's HTML does not show the class view in words")
			}
			// The teacher's own log is not about these classes.
			mine, err := a.AccessLog(ctx, teacher)
			must(t, err)
			for _, e := range mine {
				if e.Bulk {
					t.Errorf("a teacher's own log lists a class view: %+v", e)
				}
			}
		})
	}
}
