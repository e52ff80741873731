package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"os"
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

// reportWorld is the demo school plus what the access rules need: a
// teacher of another school, an unverified teacher of this one, and the
// ids of the people and classes involved.
type reportWorld struct {
	env                    *testenv.Env
	schoolID               int64
	ava, elena, sofia      int64 // Ava (class 1, the demo parent's), Elena (class 2, same parent), Sofia (class 1, another parent)
	class1, class2         int64
	otherTeacher, newStaff string
}

func newReportWorld(t *testing.T, d db.Dialect) *reportWorld {
	t.Helper()
	env := testenv.New(t, d)
	ctx := context.Background()
	w := &reportWorld{env: env, otherTeacher: "other@elsewhere.test", newStaff: "new@demo.cubby.test"}
	school, err := store.SchoolBySource(ctx, env.DB.R, "demo", "cubby-demo-school")
	if err != nil {
		t.Fatal(err)
	}
	w.schoolID = school.ID
	classes, err := store.ClassesOfSchool(ctx, env.DB.R, school.ID)
	if err != nil || len(classes) != 2 {
		t.Fatalf("demo classes: %v %d", err, len(classes))
	}
	w.class1, w.class2 = classes[0].ID, classes[1].ID // "Class 3 Sunflowers", "Class 4 Explorers"
	find := func(classID int64, first string) int64 {
		roster, err := store.StudentsOfClass(ctx, env.DB.R, classID)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range roster {
			if st.FirstName == first {
				return st.ID
			}
		}
		t.Fatalf("no %s in class %d", first, classID)
		return 0
	}
	w.ava, w.sofia, w.elena = find(w.class1, "Ava"), find(w.class1, "Sofia"), find(w.class2, "Elena")
	hash, err := app.HashPassword(demo.Password, env.App.Password)
	if err != nil {
		t.Fatal(err)
	}
	now := env.App.Now()
	// A verified teacher with a class in another school, and a teacher who
	// joined the demo school but is not verified yet and teaches nothing.
	other := &store.School{Name: "Elsewhere Primary", Country: "US", CreatedAt: now}
	if err := store.CreateSchool(ctx, env.DB.W, other); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		email    string
		school   int64
		verified bool
	}{{w.otherTeacher, other.ID, true}, {w.newStaff, school.ID, false}} {
		user := &store.User{Kind: store.KindTeacher, FirstName: "T", LastName: "T", Email: u.email, PasswordHash: hash, Language: "en",
			CreatedAt: now, EmailVerifiedAt: &now}
		if err := store.CreateUser(ctx, env.DB.W, user); err != nil {
			t.Fatal(err)
		}
		m := &store.Membership{SchoolID: u.school, UserID: user.ID, Role: store.RoleTeacher, Status: "active", CreatedAt: now}
		if u.verified {
			m.VerifiedAt = &now
		}
		if err := store.AddMembership(ctx, env.DB.W, m); err != nil {
			t.Fatal(err)
		}
		if u.verified {
			if err := store.CreateClass(ctx, env.DB.W, &store.Class{SchoolID: other.ID, Name: "Elsewhere 1", CreatedAt: now}, user.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	return w
}

// The access rules of every report and history page, as each kind of
// person meets them: 200 for those the records belong to or who teach or
// lead, 404 for everyone else (never a hint that the child exists), and a
// login redirect for visitors.
func TestReportPageAccess(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			w := newReportWorld(t, d)
			env := w.env
			const ok, toLogin, notFound = "200", "login", "404"
			who := map[string]string{
				"teacher": demo.TeacherEmail, "teacher2": demo.Teacher2Email, "leader": demo.LeaderEmail, "parent": demo.ParentEmail,
				"student": demo.StudentUsername, "classmate": "mateo.g", "student2": "elena.m", "otherparent": "parent.sofia@demo.cubby.test",
				"otherschool": w.otherTeacher, "unverified": w.newStaff,
			}
			clients := map[string]*http.Client{"visitor": env.Client()}
			for k, login := range who {
				clients[k] = loginAs(t, env, login)
			}
			// Ava's records: PointsOf's and AttendanceOf's rule. teacher2 teaches
			// another class of the same school and is verified staff there, whom
			// the transparency page lists among those who see records.
			student := map[string]string{"visitor": toLogin, "teacher": ok, "teacher2": ok, "leader": ok, "parent": ok, "student": ok,
				"classmate": notFound, "student2": notFound, "otherparent": notFound, "otherschool": notFound, "unverified": notFound}
			class := map[string]string{"visitor": toLogin, "teacher": ok, "teacher2": notFound, "leader": ok, "parent": notFound, "student": notFound,
				"classmate": notFound, "student2": notFound, "otherparent": notFound, "otherschool": notFound, "unverified": notFound}
			school := map[string]string{"visitor": toLogin, "teacher": notFound, "teacher2": notFound, "leader": ok, "parent": notFound, "student": notFound,
				"classmate": notFound, "student2": notFound, "otherparent": notFound, "otherschool": notFound, "unverified": notFound}
			cases := []struct {
				path string
				want map[string]string
			}{
				{fmt.Sprintf("/students/%d/report", w.ava), student},
				{fmt.Sprintf("/students/%d/report?format=csv", w.ava), student},
				{fmt.Sprintf("/students/%d/attendance", w.ava), student},
				{fmt.Sprintf("/students/%d/attendance?format=csv", w.ava), student},
				{fmt.Sprintf("/classes/%d/report", w.class1), class},
				{fmt.Sprintf("/classes/%d/report?format=csv", w.class1), class},
				{fmt.Sprintf("/classes/%d/attendance/history", w.class1), class},
				{fmt.Sprintf("/classes/%d/attendance/history?format=csv", w.class1), class},
				{fmt.Sprintf("/schools/%d/report", w.schoolID), school},
				{fmt.Sprintf("/schools/%d/report?format=csv", w.schoolID), school},
				{"/students/999999/report", map[string]string{"visitor": toLogin, "teacher": notFound, "leader": notFound, "parent": notFound}},
				{"/classes/999999/report", map[string]string{"visitor": toLogin, "teacher": notFound, "leader": notFound}},
				{"/schools/999999/report", map[string]string{"visitor": toLogin, "leader": notFound}},
				{"/students/abc/report", map[string]string{"visitor": toLogin, "leader": notFound}},
			}
			for _, c := range cases {
				for kind, want := range c.want {
					resp, err := clients[kind].Get(env.URL + c.path)
					if err != nil {
						t.Fatal(err)
					}
					body := testenv.ReadAll(t, resp.Body)
					got := fmt.Sprint(resp.StatusCode)
					if resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login") {
						got = toLogin
					}
					if got != want {
						t.Errorf("%s as %s: %s, want %s", c.path, kind, got, want)
					}
					// A refusal never names the child (Ava herself sees her own
					// name in the page's header).
					if got == notFound && ((kind != "student" && strings.Contains(body, "Ava")) || strings.Contains(body, "Sunflowers")) {
						t.Errorf("%s as %s: the 404 page names the child or class", c.path, kind)
					}
				}
			}
		})
	}
}

func loginAs(t *testing.T, env *testenv.Env, who string) *http.Client {
	t.Helper()
	return login(t, env, who)
}

// What a parent's report of their child shows, and what it never shows:
// classmates; and the "hide points from families" setting.
func TestStudentReportPage(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			w := newReportWorld(t, d)
			env := w.env
			parent := login(t, env, demo.ParentEmail)
			status, body, _ := get(t, parent, fmt.Sprintf("%s/students/%d/report", env.URL, w.ava))
			if status != 200 {
				t.Fatalf("report: %d", status)
			}
			for _, want := range []string{"Report for Ava Martin", `role="img"`, "Points over time", "Skills", "Attendance", `<table class="report-table">`,
				"This school year", "format=csv", `type="date"`} {
				if !strings.Contains(body, want) {
					t.Errorf("report lacks %q", want)
				}
			}
			for _, classmate := range []string{"Mateo", "Sofia", "Amara"} {
				if strings.Contains(body, classmate) {
					t.Errorf("a parent's report names classmate %s", classmate)
				}
			}
			if os.Getenv("CUBBY_REPORT_DUMP") != "" {
				os.WriteFile(os.Getenv("CUBBY_REPORT_DUMP"), []byte(body), 0o644)
			}
			// A bad period: the form says what is wrong, with 400.
			status, body, _ = get(t, parent, fmt.Sprintf("%s/students/%d/report?from=2025-13-01&to=2025-01-01", env.URL, w.ava))
			if status != 400 || !strings.Contains(body, `id="from-error"`) || !strings.Contains(body, "YYYY-MM-DD") {
				t.Errorf("bad date: %d", status)
			}
			status, _, _ = get(t, parent, fmt.Sprintf("%s/students/%d/report?from=2025-03-01&to=2025-01-01&format=csv", env.URL, w.ava))
			if status != 400 {
				t.Errorf("backwards CSV range: %d", status)
			}
			// The teacher hides points from families: the parent still gets the
			// report, with attendance and without points; the teacher sees both.
			ctx := context.Background()
			if err := store.SetHidePoints(ctx, env.DB.W, w.class1, true); err != nil {
				t.Fatal(err)
			}
			_, body, _ = get(t, parent, fmt.Sprintf("%s/students/%d/report", env.URL, w.ava))
			if strings.Contains(body, "Points over time") || !strings.Contains(body, "keeps points in the classroom") || !strings.Contains(body, "Attendance rate") {
				t.Error("hidden points still shown to the parent, or attendance missing")
			}
			rows := getCSV(t, parent, fmt.Sprintf("%s/students/%d/report?format=csv", env.URL, w.ava))
			for _, r := range rows[1:] {
				if r[0] == "skill" || r[5] != "" {
					t.Errorf("hidden points in the parent's CSV: %v", r)
				}
			}
			_, body, _ = get(t, login(t, env, demo.TeacherEmail), fmt.Sprintf("%s/students/%d/report", env.URL, w.ava))
			if !strings.Contains(body, "Points over time") {
				t.Error("the teacher lost the points")
			}
		})
	}
}

// getCSV fetches a CSV download, checks its headers, and parses it.
func getCSV(t *testing.T, c *http.Client, u string) [][]string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body := testenv.ReadAll(t, resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", u, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", u, ct)
	}
	disp, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || !strings.HasSuffix(params["filename"], ".csv") {
		t.Errorf("%s: Content-Disposition %q", u, resp.Header.Get("Content-Disposition"))
	}
	body, found := strings.CutPrefix(body, "\ufeff")
	if !found {
		t.Errorf("%s: no byte-order mark", u)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 1 {
		t.Fatalf("%s: %v", u, err)
	}
	return rows
}

// Every CSV has a header row, a file name saying whose and when, numbers
// that add up, and text cells defused against formula injection.
func TestReportCSV(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			w := newReportWorld(t, d)
			env := w.env
			ctx := context.Background()
			teacher := login(t, env, demo.TeacherEmail)
			// A skill whose name a spreadsheet would run as a formula.
			teacherSess := appSession(t, env, demo.TeacherEmail)
			sk, err := env.App.AddSkill(ctx, teacherSess, 0, w.class1, "=HYPERLINK(\"http://evil\")", 1)
			if err != nil {
				t.Fatal(err)
			}
			// The whole class is here today, so Ava can be given the point
			// whatever the demo's attendance says (one line per student
			// keeps the class history a whole number of rosters).
			now := env.App.Now().In(env.App.Location)
			today := now.Format(time.DateOnly)
			roster, err := store.StudentsOfClass(ctx, env.DB.R, w.class1)
			if err != nil {
				t.Fatal(err)
			}
			var marks []app.Mark
			for _, st := range roster {
				marks = append(marks, app.Mark{StudentID: st.ID, Status: store.Present})
			}
			if _, err := env.App.TakeAttendance(ctx, teacherSess, w.class1, today, marks); err != nil {
				t.Fatal(err)
			}
			if absent, err := store.AbsentOn(ctx, env.DB.R, w.class1, today); err != nil || absent[w.ava] {
				t.Fatalf("Ava is still absent today: %v", err)
			}
			if _, err := env.App.AwardPoints(ctx, teacherSess, w.class1, app.Award{StudentIDs: []int64{w.ava}, SkillID: sk.ID}); err != nil {
				t.Fatal(err)
			}
			from := now.AddDate(0, 0, -29).Format(time.DateOnly)

			rows := getCSV(t, teacher, fmt.Sprintf("%s/students/%d/report?format=csv", env.URL, w.ava))
			want := []string{"section", "label", "from", "to", "awards", "positive", "needs_work", "net", "present", "absent", "late", "left_early"}
			if strings.Join(rows[0], ",") != strings.Join(want, ",") {
				t.Errorf("header %v", rows[0])
			}
			if rows[1][0] != "total" || rows[1][2] != from || rows[1][3] != today {
				t.Errorf("total row %v", rows[1])
			}
			var periods, skills, total int
			fmt.Sscan(rows[1][4], &total)
			foundFormula := false
			for _, r := range rows[2:] {
				var n int
				fmt.Sscan(r[4], &n)
				switch r[0] {
				case "period":
					periods += n
				case "skill":
					skills += n
					if strings.Contains(r[1], "HYPERLINK") {
						foundFormula = true
						if !strings.HasPrefix(r[1], "'=") {
							t.Errorf("formula not defused: %q", r[1])
						}
					}
				}
			}
			if periods != total || skills != total || total == 0 {
				t.Errorf("awards: total %d, periods add to %d, skills to %d", total, periods, skills)
			}
			if !foundFormula {
				t.Error("the new skill is missing from the CSV")
			}

			// The class CSV: one line per student of the roster, in name order.
			rows = getCSV(t, teacher, fmt.Sprintf("%s/classes/%d/report?format=csv", env.URL, w.class1))
			var students []string
			for _, r := range rows {
				if r[0] == "student" {
					students = append(students, r[1])
				}
			}
			if len(students) != 25 || students[0] != "Aisha Bello" {
				t.Errorf("class CSV students: %d %v", len(students), students[:min(3, len(students))])
			}

			// Attendance histories: one line per record.
			rows = getCSV(t, teacher, fmt.Sprintf("%s/students/%d/attendance?format=csv", env.URL, w.ava))
			if strings.Join(rows[0], ",") != "date,class,status" || len(rows) < 15 || rows[1][1] != "Class 3 Sunflowers" {
				t.Errorf("student attendance CSV: %v (%d rows)", rows[0], len(rows))
			}
			rows = getCSV(t, teacher, fmt.Sprintf("%s/classes/%d/attendance/history?format=csv", env.URL, w.class1))
			if strings.Join(rows[0], ",") != "date,student,status" || (len(rows)-1)%25 != 0 {
				t.Errorf("class attendance CSV: %v (%d rows)", rows[0], len(rows))
			}
			// The file name says whose report and which period.
			resp, err := teacher.Get(fmt.Sprintf("%s/students/%d/report?format=csv&from=2025-01-06&to=2025-02-07", env.URL, w.ava))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
			if params["filename"] != "report-ava-martin-2025-01-06-2025-02-07.csv" {
				t.Errorf("file name %q", params["filename"])
			}
		})
	}
}

func appSession(t *testing.T, env *testenv.Env, who string) *app.Session {
	t.Helper()
	token, _, err := env.App.Login(context.Background(), app.Credentials{Login: who, Password: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	s, err := env.App.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The class and school pages render for those who may see them, list
// students and classes in name order, and the school page names no child.
func TestClassAndSchoolReportPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			w := newReportWorld(t, d)
			env := w.env
			teacher, leader := login(t, env, demo.TeacherEmail), login(t, env, demo.LeaderEmail)
			_, body, _ := get(t, teacher, fmt.Sprintf("%s/classes/%d/report", env.URL, w.class1))
			if !strings.Contains(body, "Class report: Class 3 Sunflowers") || !strings.Contains(body, fmt.Sprintf("/students/%d/report?", w.ava)) {
				t.Error("class report lacks its heading or links to students' reports")
			}
			if strings.Index(body, "Aisha Bello") > strings.Index(body, "Zara Ahmed") {
				t.Error("students are not in name order")
			}
			_, body, _ = get(t, leader, fmt.Sprintf("%s/schools/%d/report", env.URL, w.schoolID))
			if !strings.Contains(body, "Class 3 Sunflowers") || !strings.Contains(body, "Class 4 Explorers") {
				t.Error("school report lacks a class")
			}
			for _, child := range []string{"Ava", "Elena", "Mateo", "Aisha"} {
				if strings.Contains(body, child) {
					t.Errorf("school report names %s", child)
				}
			}
			if os.Getenv("CUBBY_REPORT_DUMP") != "" {
				os.WriteFile(os.Getenv("CUBBY_REPORT_DUMP")+".school.html", []byte(body), 0o644)
			}
			_, body, _ = get(t, teacher, fmt.Sprintf("%s/classes/%d/attendance/history", env.URL, w.class1))
			if !strings.Contains(body, "Attendance history: Class 3 Sunflowers") || !bytes.Contains([]byte(body), []byte(`role="img"`)) {
				t.Error("class attendance history")
			}
		})
	}
}
