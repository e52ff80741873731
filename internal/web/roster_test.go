package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// postFiles sends a multipart form as a browser does.
func postFiles(t *testing.T, c *http.Client, u string, files map[string][]byte, fields map[string]string) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, b := range files {
		w, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, testenv.ReadAll(t, resp.Body), resp.Header.Get("Location")
}

// oneRosterFixture reads a OneRoster fixture of the app tests.
func oneRosterFixture(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{"orgs.csv", "users.csv", "classes.csv", "enrollments.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "app", "testdata", "oneroster", dir, name))
		if err == nil {
			out[name] = b
		}
	}
	return out
}

// A teacher's roster work without JavaScript: a spreadsheet, a OneRoster
// export, a co-teacher, the year's rollover; the leader's school-wide
// skills and initials.
func TestRosterPagesWithoutJavaScript(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher, leader := login(t, env, demo.TeacherEmail), login(t, env, demo.LeaderEmail)
			_, home, _ := get(t, teacher, env.URL+"/")
			class := env.URL + "/classes/" + classID(t, home, "Class 3 Sunflowers")

			// A spreadsheet: added, an existing child kept, a skipped row explained.
			csv := "First Name;Surname\nNoah;Fischer\n;Nameless\nAva;Martin\n"
			s, body, _ := postFiles(t, teacher, class+"/students/import", map[string][]byte{"list.csv": []byte(csv)}, nil)
			if s != 200 || !strings.Contains(body, "2 students are on the roster. Already at the school, so they kept their profile: 1.") || !strings.Contains(body, "Row 3:") || !strings.Contains(body, "No first name") {
				t.Errorf("CSV upload: %d\n%s", s, excerpt(body, "import-report"))
			}
			if !strings.Contains(body, "Noah Fischer") {
				t.Error("the roster does not show the new student")
			}
			s, body, _ = postFiles(t, teacher, class+"/students/import", map[string][]byte{"list.csv": []byte("First,Last\nAva,\"Martin\n")}, nil)
			if s != 400 || !strings.Contains(body, "Nothing was imported") || !strings.Contains(body, "quotation mark") {
				t.Errorf("broken CSV: %d", s)
			}
			s, _, _ = post(t, teacher, class+"/students/import", url.Values{"x": {"not a file"}})
			if s != 400 {
				t.Errorf("a form without a file: %d", s)
			}
			// Uploads may be larger than other requests (up to 20 MiB), never more.
			big := bytes.Repeat([]byte("First Name,Last Name\n"), 1)
			big = append(big, bytes.Repeat([]byte(" \n"), 1<<20)...) // 2 MiB of blank rows
			if s, body, _ := postFiles(t, teacher, class+"/students/import", map[string][]byte{"big.csv": big}, nil); s == http.StatusRequestEntityTooLarge {
				t.Errorf("a 2 MiB upload was refused: %s", excerpt(body, "form-error"))
			}
			huge := bytes.Repeat([]byte("x"), 21<<20)
			if s, body, _ := postFiles(t, teacher, class+"/students/import", map[string][]byte{"huge.csv": huge}, nil); s != http.StatusRequestEntityTooLarge || !strings.Contains(body, "up to 20 MB") {
				t.Errorf("a 21 MiB upload: %d", s)
			}
			if s, _, _ := post(t, teacher, class+"/students", url.Values{"names": {strings.Repeat("x", 2<<20)}}); s != http.StatusRequestEntityTooLarge {
				t.Errorf("other routes keep the 1 MiB limit: %d", s)
			}

			// A OneRoster export: refused whole when references dangle, then imported.
			_, roster, _ := get(t, teacher, class+"/students")
			link := regexp.MustCompile(`href="(/schools/\d+/oneroster\?class=\d+)"`).FindStringSubmatch(roster)
			if link == nil {
				t.Fatal("no OneRoster link on the roster page")
			}
			importURL := env.URL + strings.ReplaceAll(link[1], "&amp;", "&")
			if s, body, _ := get(t, teacher, importURL); s != 200 || !strings.Contains(body, "orgs.csv") {
				t.Errorf("import page: %d", s)
			}
			s, body, _ = postFiles(t, teacher, importURL, oneRosterFixture(t, "dangling"), nil)
			if s != 400 || !strings.Contains(body, "enrollments.csv, row 4:") || !strings.Contains(body, "usr-ghost") || !strings.Contains(body, "cls-9z") {
				t.Errorf("dangling export: %d\n%s", s, excerpt(body, "problems-h"))
			}
			s, body, _ = postFiles(t, teacher, importURL, oneRosterFixture(t, "valid"), nil)
			if s != 200 || !strings.Contains(body, "Imported from Maple Grove Community School") || !strings.Contains(body, "Grade 4A Otters") || !strings.Contains(body, "Sam Unknown") {
				t.Errorf("valid export: %d\n%s", s, excerpt(body, "result-h"))
			}
			if s, body, _ = postFiles(t, teacher, importURL, oneRosterFixture(t, "valid"), nil); s != 200 || !strings.Contains(body, "already up to date") {
				t.Errorf("second import: %d", s)
			}
			parent := login(t, env, demo.ParentEmail)
			if s, _, _ := postFiles(t, parent, importURL, oneRosterFixture(t, "valid"), nil); s != 404 {
				t.Errorf("a parent importing: %d", s)
			}

			// Ava typed in again with an accent: offered as a likely duplicate,
			// merged with one tap.
			if s, _, _ := post(t, teacher, class+"/students", url.Values{"names": {"Ava Martín"}}); s != 303 {
				t.Fatalf("paste: %d", s)
			}
			_, roster, _ = get(t, teacher, class+"/students")
			keep := regexp.MustCompile(`name="keep_id" value="(\d+)"><input type="hidden" name="duplicate_id" value="(\d+)">`).FindStringSubmatch(roster)
			if keep == nil || !strings.Contains(roster, "Possible duplicates") {
				t.Fatal("the duplicate is not offered for merging")
			}
			// Deleting a profile cannot be undone: the first tap asks.
			s, body, _ = post(t, teacher, class+"/merge", url.Values{"keep_id": {keep[1]}, "duplicate_id": {keep[2]}})
			if s != 200 || !strings.Contains(body, "Merge these two profiles?") || !strings.Contains(body, `name="confirm" value="1"`) {
				t.Errorf("merge confirmation: %d", s)
			}
			if _, roster, _ = get(t, teacher, class+"/students"); !strings.Contains(roster, "Martín") {
				t.Error("merged before it was confirmed")
			}
			if s, _, loc := post(t, teacher, class+"/merge", url.Values{"keep_id": {keep[1]}, "duplicate_id": {keep[2]}, "confirm": {"1"}}); s != 303 || !strings.HasSuffix(loc, "/students") {
				t.Errorf("merge: %d %s", s, loc)
			}
			if _, roster, _ = get(t, teacher, class+"/students"); strings.Contains(roster, "Martín") || strings.Contains(roster, "Possible duplicates") {
				t.Error("the merged profile is still on the roster")
			}
			if s, body, _ := post(t, teacher, class+"/merge", url.Values{"keep_id": {keep[1]}, "confirm": {"1"}}); s != 400 || !strings.Contains(body, `id="duplicate_id-error"`) {
				t.Errorf("merge without a duplicate: %d", s)
			}

			// A co-teacher, by email; errors next to the field.
			s, body, _ = post(t, teacher, class+"/teachers", url.Values{"email": {"nobody@example.org"}})
			if s != 400 || !strings.Contains(body, `id="email-error"`) || !strings.Contains(body, `value="nobody@example.org"`) {
				t.Errorf("unknown co-teacher: %d", s)
			}
			if s, _, loc := post(t, teacher, class+"/teachers", url.Values{"email": {demo.Teacher2Email}}); s != 303 || !strings.Contains(loc, "/students") {
				t.Errorf("add co-teacher: %d %s", s, loc)
			}
			teacher2 := login(t, env, demo.Teacher2Email)
			if s, body, _ := get(t, teacher2, class); s != 200 || !strings.Contains(body, "data-student=") {
				t.Errorf("the co-teacher's class page: %d", s)
			}

			// The leader sees every class and may open its students page (teachers,
			// rollover) without the teacher's own tools.
			if s, body, _ := get(t, leader, class+"/students"); s != 200 || !strings.Contains(body, "teachers-h") || strings.Contains(body, "/password\"") {
				t.Errorf("leader on the students page: %d", s)
			}

			// Rollover: a new class with the chosen students; the old one archived.
			_, roster, _ = get(t, teacher, class+"/students")
			ids := regexp.MustCompile(`name="student_id" value="(\d+)" checked`).FindAllStringSubmatch(roster, -1)
			if len(ids) < 25 {
				t.Fatalf("rollover form lists %d students", len(ids))
			}
			form := url.Values{"name": {"Class 4 Sunflowers"}}
			for _, m := range ids[1:] {
				form.Add("student_id", m[1])
			}
			s, _, loc := post(t, teacher, class+"/rollover", form)
			if s != 303 || loc == "" {
				t.Fatalf("rollover: %d", s)
			}
			_, body, _ = get(t, teacher, env.URL+loc)
			if n := len(regexp.MustCompile(`/students/\d+/remove"`).FindAllString(body, -1)); !strings.Contains(body, "Class 4 Sunflowers") || n != len(ids)-1 {
				t.Errorf("new class roster: %d students, want %d", n, len(ids)-1)
			}
			_, body, _ = get(t, teacher, class)
			if !strings.Contains(body, "archived-note") || strings.Contains(body, "/attendance\"") || strings.Contains(body, "data-student=") {
				t.Error("the archived class still offers points or attendance")
			}
			skill := regexp.MustCompile(`name="skill_id" value="(\d+)"`).FindStringSubmatch(body)
			if skill != nil {
				t.Error("the archived class shows skill buttons")
			}
			ps, _, ploc := post(t, teacher, class+"/points", url.Values{"whole_class": {"1"}, "skill_id": {"1"}})
			refusedTo(t, teacher, env.URL, ps, ploc, strings.TrimPrefix(class, env.URL), "archived")
			_, body, _ = get(t, teacher, env.URL+"/classes")
			if !strings.Contains(body, "badge archived") {
				t.Error("the class list does not mark the archived class")
			}

			// The leader's school-wide skills and initials.
			_, lhome, _ := get(t, leader, env.URL+"/")
			skillsLink := regexp.MustCompile(`href="(/schools/\d+/skills)"`).FindStringSubmatch(lhome)
			if skillsLink == nil {
				t.Fatal("no link to the school-wide skills")
			}
			skills := env.URL + skillsLink[1]
			if s, _, _ := get(t, teacher, skills); s != 404 {
				t.Errorf("a teacher on the leader's page: %d", s)
			}
			if s, body, _ := post(t, leader, skills, url.Values{"name": {""}, "weight": {"2"}}); s != 400 || !strings.Contains(body, `id="name-error"`) {
				t.Errorf("empty skill: %d", s)
			}
			if s, _, _ := post(t, leader, skills, url.Values{"name": {"Reading buddy"}, "weight": {"3"}}); s != 303 {
				t.Errorf("add school skill: %d", s)
			}
			_, body, _ = get(t, teacher, env.URL+loc[:strings.LastIndex(loc, "/")])
			if !strings.Contains(body, "Reading buddy") {
				t.Error("the school skill is not in the class's skills")
			}
			if s, _, _ := post(t, leader, strings.Replace(skills, "/skills", "/initials", 1), url.Values{"show_initials": {"1"}}); s != 303 {
				t.Errorf("initials: %d", s)
			}
			_, body, _ = get(t, teacher, env.URL+loc[:strings.LastIndex(loc, "/")])
			if names := regexp.MustCompile(`class="student-name"[^>]*>([^<]+)<`).FindAllStringSubmatch(body, -1); len(names) == 0 || !regexp.MustCompile(`^\p{Lu}\. \p{Lu}\.$`).MatchString(names[0][1]) {
				t.Errorf("with initials on, the class screen shows %v", names)
			}
			// ...and so do the class-code picker and the login cards; the student's
			// own page keeps their name.
			newClass := env.URL + loc[:strings.LastIndex(loc, "/")]
			_, body, _ = post(t, teacher, newClass+"/code", nil)
			code := regexp.MustCompile(`class="big-code"[^>]*>(\w{3}) (\w{3})<`).FindStringSubmatch(body)
			if code == nil {
				t.Fatal("no class code")
			}
			kid := env.Client()
			_, body, _ = get(t, kid, env.URL+"/login/class?code="+code[1]+code[2])
			if names := regexp.MustCompile(`class="student-name"[^>]*>([^<]+)<`).FindAllStringSubmatch(body, -1); len(names) == 0 || !regexp.MustCompile(`^\p{Lu}\. \p{Lu}\.$`).MatchString(names[0][1]) {
				t.Errorf("the class-code picker shows %v", names)
			}
			_, body, _ = post(t, teacher, newClass+"/cards", nil)
			if names := regexp.MustCompile(`class="login-card-name"><bdi>([^<]+)<`).FindAllStringSubmatch(body, -1); len(names) == 0 || !regexp.MustCompile(`^\p{Lu}\. \p{Lu}\.$`).MatchString(names[0][1]) {
				t.Errorf("login cards show %v", names)
			}
			ava := login(t, env, demo.StudentUsername)
			if _, body, _ := get(t, ava, env.URL+"/"); !strings.Contains(body, "Ava") {
				t.Error("the student's own page lost her name")
			}
			// Leaders see every class of the school, taught by them or not.
			_, body, _ = get(t, leader, env.URL+"/classes")
			for _, name := range []string{"Class 3 Sunflowers", "Class 4 Explorers", "Class 4 Sunflowers", "Grade 4A Otters", "Grade 4B Herons"} {
				if !strings.Contains(body, name) {
					t.Errorf("the leader's class list lacks %s", name)
				}
			}
		})
	}
}

func excerpt(body, near string) string {
	i := strings.Index(body, near)
	if i < 0 {
		return "(no " + near + ")"
	}
	return body[i:min(len(body), i+1500)]
}

func TestRosterPageAccess(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			cases := []struct {
				path string
				want map[string]int // 0: redirect to login
			}{
				{"/classes/1/students", map[string]int{"visitor": 0, "teacher": 200, "teacher2": 404, "leader": 200, "parent": 404, "student": 404}},
				{"/schools/1/skills", map[string]int{"visitor": 0, "teacher": 404, "teacher2": 404, "leader": 200, "parent": 404, "student": 404}},
				{"/schools/1/oneroster", map[string]int{"visitor": 0, "teacher": 200, "teacher2": 200, "leader": 200, "parent": 404, "student": 404}},
				{"/schools/999/oneroster", map[string]int{"visitor": 0, "teacher": 404, "teacher2": 404, "leader": 404, "parent": 404, "student": 404}},
			}
			clients := map[string]*http.Client{"visitor": env.Client()}
			for kind, who := range map[string]string{"teacher": demo.TeacherEmail, "teacher2": demo.Teacher2Email, "leader": demo.LeaderEmail,
				"parent": demo.ParentEmail, "student": demo.StudentUsername} {
				clients[kind] = login(t, env, who)
			}
			for _, c := range cases {
				for kind, want := range c.want {
					s, _, h := get(t, clients[kind], env.URL+c.path)
					if want == 0 && (s != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login")) || want != 0 && s != want {
						t.Errorf("%s as %s: %d, want %d", c.path, kind, s, want)
					}
				}
			}
			// Posts follow the same rules.
			parent := clients["parent"]
			for _, p := range []string{"/classes/1/teachers", "/classes/1/rollover", "/classes/1/merge", "/schools/1/skills", "/schools/1/initials", "/schools/1/skills/1/archive"} {
				if s, _, _ := post(t, parent, env.URL+p, url.Values{"email": {demo.ParentEmail}, "name": {"X"}, "keep_id": {"1"}, "duplicate_id": {"2"}}); s != 404 {
					t.Errorf("parent POST %s: %d", p, s)
				}
			}
		})
	}
}
