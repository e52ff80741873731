package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// The classroom tools without JavaScript: the picker and the groups are
// forms, a group's point is recorded per student and comes back to the
// same groups, the timer and noise meter say they need JavaScript, and
// only the class's teachers and the school's leaders open any of it.
func TestClassroomToolsPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher := login(t, env, demo.TeacherEmail)
			_, _, loc := post(t, teacher, env.URL+"/classes", url.Values{"school_id": {"1"}, "name": {"Room 5"}})
			classURL := env.URL + strings.TrimSuffix(loc, "/students")
			post(t, teacher, classURL+"/students", url.Values{"names": {"Ines Aba\nJoel Bex\nKofi Cay\nLila Dow\nMilo Eck"}})
			_, body, _ := get(t, teacher, classURL+"/students")
			ids := regexp.MustCompile(`/students/(\d+)/remove`).FindAllStringSubmatch(body, -1)
			if len(ids) != 5 {
				t.Fatalf("%d students", len(ids))
			}
			ines, joel := ids[0][1], ids[1][1]

			s, body, _ := get(t, teacher, classURL+"/tools")
			if s != 200 || !strings.Contains(body, `/tools/picker"`) || !strings.Contains(body, `/tools/noise"`) {
				t.Fatalf("tools list: %d", s)
			}
			s, body, _ = get(t, teacher, classURL+"/tools/picker")
			if s != 200 || !strings.Contains(body, "Attendance was not taken today") || strings.Contains(body, "data-pick-name>") {
				t.Errorf("picker before a pick: %d", s)
			}
			// Ines absent: never picked, one round covers the other four.
			form := url.Values{"date": {time.Now().In(env.App.Location).Format(time.DateOnly)}, "s" + ines: {"absent"}}
			if s, _, _ := post(t, teacher, classURL+"/attendance", form); s != http.StatusSeeOther {
				t.Fatalf("attendance: %d", s)
			}
			seen := ""
			picked := map[string]bool{}
			nameRe := regexp.MustCompile(`data-pick-name>([^<]+)<`)
			seenRe := regexp.MustCompile(`name="seen" value="([0-9.]+)"`)
			for i := range 4 {
				s, body, _ = get(t, teacher, classURL+"/tools/picker?pick=1&seen="+seen)
				m, sm := nameRe.FindStringSubmatch(body), seenRe.FindStringSubmatch(body)
				if s != 200 || m == nil || sm == nil {
					t.Fatalf("pick %d: %d", i, s)
				}
				if m[1] == "Ines" || picked[m[1]] {
					t.Errorf("pick %d: %s (picked %v)", i, m[1], picked)
				}
				picked[m[1]], seen = true, sm[1]
			}
			if !strings.Contains(body, "4 of 4 picked") || !strings.Contains(body, "4 students here today") {
				t.Errorf("the round's count is not shown")
			}
			if s, body, _ := get(t, teacher, classURL+"/tools/picker?pick=1&seen=1.x"); s != 400 || !strings.Contains(body, "could not be read") {
				t.Errorf("a bad round: %d", s)
			}

			// Groups: made, kept in the address, a point to one group.
			s, _, loc = get3(t, teacher, classURL+"/tools/groups?make=1&size=2")
			if s != http.StatusSeeOther || !strings.Contains(loc, "g=") {
				t.Fatalf("make groups: %d %s", s, loc)
			}
			s, body, _ = get(t, teacher, env.URL+loc)
			if s != 200 || strings.Count(body, `class="group card"`) != 2 || strings.Contains(body, ">Ines<") {
				t.Fatalf("groups page: %d, %d groups", s, strings.Count(body, `class="group card"`))
			}
			layout := regexp.MustCompile(`name="g" value="([0-9.-]+)"`).FindStringSubmatch(body)
			skill := regexp.MustCompile(`name="skill_id" value="(\d+)"`).FindStringSubmatch(body)
			if layout == nil || skill == nil {
				t.Fatal("no group award form")
			}
			first := strings.Split(layout[1], "-")[0]
			s, _, loc = post(t, teacher, classURL+"/tools/groups/points", url.Values{"g": {layout[1]}, "group": {"0"}, "size": {"2"}, "skill_id": {skill[1]}})
			if s != http.StatusSeeOther || !strings.Contains(loc, url.QueryEscape(layout[1])) {
				t.Fatalf("group point: %d %s", s, loc)
			}
			var n int
			env.DB.R.QueryRow(`SELECT count(*) FROM points WHERE student_id IN (` + strings.ReplaceAll(first, ".", ",") + `)`).Scan(&n)
			if want := strings.Count(first, ".") + 1; n != want {
				t.Errorf("%d points for a group of %d", n, want)
			}
			// Refused: the absent student in a made-up group, a group that is not there.
			back := strings.TrimPrefix(classURL, env.URL) + "/tools/groups?g=" + url.QueryEscape(ines+"."+joel) + "&size=4"
			s, _, loc = post(t, teacher, classURL+"/tools/groups/points", url.Values{"g": {ines + "." + joel}, "group": {"3"}, "size": {"4"}, "skill_id": {skill[1]}})
			refusedTo(t, teacher, env.URL, s, loc, back, "not there any more")
			for _, bad := range []string{"size=1", "size=99", "size=x", "g=1.x", "g=--"} {
				if s, body, _ := get(t, teacher, classURL+"/tools/groups?"+bad); s != 400 || !strings.Contains(body, `class="form-error"`) {
					t.Errorf("groups?%s: %d", bad, s)
				}
			}
			if s, body, _ := get(t, teacher, classURL+"/tools/groups?size=1"); s != 400 || !strings.Contains(body, `id="size-error"`) {
				t.Errorf("a bad size is said at its field: %d", s)
			}

			// Timer and noise meter: JavaScript said, the microphone allowed there alone.
			s, body, _ = get(t, teacher, classURL+"/tools/timer")
			if s != 200 || !strings.Contains(body, "<noscript>") || !strings.Contains(body, "data-seconds=\"300\"") {
				t.Errorf("timer: %d", s)
			}
			s, body, h := get(t, teacher, classURL+"/tools/noise")
			if s != 200 || !strings.Contains(body, "nothing is recorded") || !strings.Contains(h.Get("Permissions-Policy"), "microphone=(self)") {
				t.Errorf("noise meter: %d %q", s, h.Get("Permissions-Policy"))
			}
			if _, _, h := get(t, teacher, classURL+"/tools/timer"); !strings.Contains(h.Get("Permissions-Policy"), "microphone=()") {
				t.Errorf("the timer may use the microphone: %q", h.Get("Permissions-Policy"))
			}

			// Who opens them.
			leader := login(t, env, demo.LeaderEmail)
			if s, body, _ := get(t, leader, classURL+"/tools/groups?"+strings.SplitN(loc, "?", 2)[1]); s != 200 || strings.Contains(body, "/tools/groups/points") {
				t.Errorf("leader's groups: %d (a leader gives no points)", s)
			}
			// Refused, and said on the groups page it came from (the points are
			// counted at the end).
			if s, _, loc := post(t, leader, classURL+"/tools/groups/points", url.Values{"g": {layout[1]}, "group": {"0"}, "size": {"2"}, "skill_id": {skill[1]}}); s != http.StatusSeeOther || !strings.Contains(loc, "/tools/groups?") {
				t.Errorf("leader's group point: %d %s", s, loc)
			}
			for _, who := range []string{demo.Teacher2Email, demo.ParentEmail, demo.StudentUsername} {
				c := login(t, env, who)
				for _, tool := range []string{"", "/picker?pick=1", "/timer", "/groups?make=1", "/noise"} {
					if s, _, _ := get(t, c, classURL+"/tools"+tool); s != http.StatusNotFound {
						t.Errorf("%s opens tools%s: %d", who, tool, s)
					}
				}
				if s, _, _ := post(t, c, classURL+"/tools/groups/points", url.Values{"g": {layout[1]}, "group": {"0"}, "skill_id": {skill[1]}}); s != http.StatusNotFound {
					t.Errorf("%s gives a group point: %d", who, s)
				}
			}
			env.DB.R.QueryRow(`SELECT count(*) FROM points p JOIN class_students cs ON cs.student_id = p.student_id WHERE cs.class_id = (SELECT max(id) FROM classes)`).Scan(&n)
			if want := strings.Count(first, ".") + 1; n != want {
				t.Errorf("refused group points wrote: %d points", n)
			}
		})
	}
}

// get3 is get that also returns the Location of a redirect.
func get3(t *testing.T, c *http.Client, u string) (int, string, string) {
	t.Helper()
	s, body, h := get(t, c, u)
	return s, body, h.Get("Location")
}

// Teachers edit their class's skills from the class screen: a bad name,
// weight or duplicate is a translated 400 at its field and stores nothing.
func TestClassSkillsPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher := login(t, env, demo.TeacherEmail)
			_, _, loc := post(t, teacher, env.URL+"/classes", url.Values{"school_id": {"1"}, "name": {"Room 6"}})
			classURL := env.URL + strings.TrimSuffix(loc, "/students")
			s, body, _ := get(t, teacher, classURL+"/skills")
			if s != 200 || strings.Count(body, `/skills/`) < 10 || !strings.Contains(body, "Helping others") || !strings.Contains(body, `class="skill-icon"`) {
				t.Fatalf("class skills: %d", s)
			}
			count := func() int {
				var n int
				env.DB.R.QueryRow(`SELECT count(*) FROM skills WHERE class_id = (SELECT max(id) FROM classes) AND archived_at IS NULL`).Scan(&n)
				return n
			}
			for _, c := range []struct {
				form       url.Values
				field, msg string
			}{
				{url.Values{"name": {""}, "weight": {"1"}}, "name", "required"},
				{url.Values{"name": {strings.Repeat("x", 5000)}, "weight": {"1"}}, "name", "60"},
				{url.Values{"name": {"Rocket"}, "weight": {"6"}}, "weight", "whole number"},
				{url.Values{"name": {"Rocket"}, "weight": {"one"}}, "weight", "whole number"},
				{url.Values{"name": {"Rocket"}, "weight": {"1"}, "icon": {"<script>"}}, "icon", "pictures shown"},
				{url.Values{"name": {"KINDNESS"}, "weight": {"1"}}, "name", "already has a skill"},
			} {
				s, body, _ := post(t, teacher, classURL+"/skills", c.form)
				if s != 400 || !strings.Contains(body, `id="`+c.field+`-error"`) || !strings.Contains(body, c.msg) {
					t.Errorf("add %v: %d", c.form, s)
				}
			}
			// In Spanish, the message is Spanish.
			es := login(t, env, demo.TeacherEmail)
			post(t, es, env.URL+"/language", url.Values{"lang": {"es"}})
			if s, body, _ := post(t, es, classURL+"/skills", url.Values{"name": {"Rocket"}, "weight": {"7"}}); s != 400 || strings.Contains(body, "whole number") {
				t.Errorf("the Spanish page's message is not translated: %d", s)
			}
			post(t, es, env.URL+"/language", url.Values{"lang": {"en"}})
			if n := count(); n != 10 {
				t.Errorf("refused skills stored: %d", n)
			}
			s, _, loc = post(t, teacher, classURL+"/skills", url.Values{"name": {"Tidy desk"}, "weight": {"2"}, "icon": {"star"}})
			if s != http.StatusSeeOther || count() != 11 {
				t.Fatalf("add: %d", s)
			}
			_, body, _ = get(t, teacher, classURL+"/skills")
			sid := regexp.MustCompile(`/skills/(\d+)">Edit<span class="visually-hidden">: Tidy desk`).FindStringSubmatch(body)
			if sid == nil {
				t.Fatal("no edit link for the new skill")
			}
			editURL := classURL + "/skills/" + sid[1]
			if s, body, _ := get(t, teacher, editURL); s != 200 || !strings.Contains(body, `value="Tidy desk"`) {
				t.Errorf("edit form: %d", s)
			}
			if s, body, _ := post(t, teacher, editURL, url.Values{"name": {"Teamwork"}, "weight": {"2"}}); s != 400 || !strings.Contains(body, `id="name-error"`) {
				t.Errorf("rename onto a duplicate: %d", s)
			}
			if s, _, _ := post(t, teacher, editURL, url.Values{"name": {"Tidy table"}, "weight": {"-1"}, "icon": {"leaf"}}); s != http.StatusSeeOther {
				t.Errorf("edit: %d", s)
			}
			_, body, _ = get(t, teacher, classURL+"/skills")
			if !strings.Contains(body, "Tidy table") || strings.Contains(body, "Tidy desk") {
				t.Error("the skills page lacks the edited skill")
			}
			if s, _, _ := post(t, teacher, editURL+"/remove", nil); s != http.StatusSeeOther || count() != 10 {
				t.Errorf("remove: %d", s)
			}
			if s, _, _ := get(t, teacher, editURL); s != http.StatusNotFound {
				t.Errorf("a removed skill's form: %d", s)
			}
			// Others.
			leader := login(t, env, demo.LeaderEmail)
			if s, body, _ := get(t, leader, classURL+"/skills"); s != 200 || strings.Contains(body, `action="`+strings.TrimPrefix(classURL, env.URL)+`/skills"`) {
				t.Errorf("leader's view of a class's skills: %d", s)
			}
			if s, _, _ := post(t, leader, classURL+"/skills", url.Values{"name": {"Leader's"}, "weight": {"1"}}); s != http.StatusForbidden {
				t.Errorf("leader adds a class skill: %d", s)
			}
			for _, who := range []string{demo.Teacher2Email, demo.ParentEmail, demo.StudentUsername} {
				c := login(t, env, who)
				if s, _, _ := get(t, c, classURL+"/skills"); s != http.StatusNotFound {
					t.Errorf("%s sees the skills: %d", who, s)
				}
				if s, _, _ := post(t, c, classURL+"/skills", url.Values{"name": {"Sneaky"}, "weight": {"1"}}); s != http.StatusNotFound {
					t.Errorf("%s adds a skill: %d", who, s)
				}
			}
			if n := count(); n != 10 {
				t.Errorf("refused skills stored: %d", n)
			}
		})
	}
}

// Students choose their character from their home page; the teacher turns
// it off per class and chooses for them.
func TestAvatarPages(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			kid := login(t, env, demo.StudentUsername)
			_, body, _ := get(t, kid, env.URL+"/")
			if !strings.Contains(body, `href="/settings/avatar"`) {
				t.Fatal("the student's home has no way to the character chooser")
			}
			s, body, _ := get(t, kid, env.URL+"/settings/avatar")
			if s != 200 || strings.Count(body, `name="avatar"`) != len(app.AvatarChoices)+1 || !strings.Contains(body, "why-link") {
				t.Fatalf("chooser: %d", s)
			}
			choice := app.AvatarChoices[7]
			for _, bad := range []string{"7-7-7", "x", strings.Repeat("1", 5000)} {
				if s, body, _ := post(t, kid, env.URL+"/settings/avatar", url.Values{"avatar": {bad}}); s != 400 || !strings.Contains(body, `id="avatar-error"`) {
					t.Errorf("choose %.20q: %d", bad, s)
				}
			}
			if s, _, _ := post(t, kid, env.URL+"/settings/avatar", url.Values{"avatar": {choice}}); s != http.StatusSeeOther {
				t.Fatalf("choose: %d", s)
			}
			var stored string
			env.DB.R.QueryRow(`SELECT COALESCE(s.avatar, '') FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = $1`, demo.StudentUsername).Scan(&stored)
			if stored != choice {
				t.Errorf("stored %q", stored)
			}
			// The teacher turns choosing off for Ava's class.
			teacher := login(t, env, demo.TeacherEmail)
			_, body, _ = get(t, teacher, env.URL+"/classes")
			id := classID(t, body, "Class 3 Sunflowers")
			classURL := env.URL + "/classes/" + id
			if s, _, _ := post(t, teacher, classURL+"/settings", url.Values{}); s != http.StatusSeeOther {
				t.Fatalf("settings: %d", s)
			}
			if _, body, _ := get(t, kid, env.URL+"/settings/avatar"); strings.Contains(body, `name="avatar"`) || !strings.Contains(body, "Your teacher chooses") {
				t.Error("with choosing off, the student still gets the chooser")
			}
			s, _, loc := post(t, kid, env.URL+"/settings/avatar", url.Values{"avatar": {app.AvatarChoices[2]}})
			refusedTo(t, kid, env.URL, s, loc, "/settings/avatar", "Your teacher chooses")
			env.DB.R.QueryRow(`SELECT COALESCE(s.avatar, '') FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = $1`, demo.StudentUsername).Scan(&stored)
			if stored != choice {
				t.Errorf("a refused choice changed what is stored: %q", stored)
			}
			// The teacher chooses from the roster.
			_, body, _ = get(t, teacher, classURL+"/students")
			link := regexp.MustCompile(`href="(/classes/\d+/students/\d+/avatar)"`).FindStringSubmatch(body)
			if link == nil {
				t.Fatal("no character link on the roster")
			}
			if s, _, _ := get(t, teacher, env.URL+link[1]); s != 200 {
				t.Errorf("teacher's chooser: %d", s)
			}
			if s, body, _ := post(t, teacher, env.URL+link[1], url.Values{"avatar": {"bad"}}); s != 400 || !strings.Contains(body, `id="avatar-error"`) {
				t.Errorf("teacher's bad choice: %d", s)
			}
			if s, _, _ := post(t, teacher, env.URL+link[1], url.Values{"avatar": {app.AvatarChoices[3]}}); s != http.StatusSeeOther {
				t.Errorf("teacher's choice: %d", s)
			}
			for _, who := range []string{demo.Teacher2Email, demo.ParentEmail, demo.StudentUsername} {
				c := login(t, env, who)
				if s, _, _ := post(t, c, env.URL+link[1], url.Values{"avatar": {choice}}); s != http.StatusNotFound {
					t.Errorf("%s chooses for a student: %d", who, s)
				}
			}
			for _, who := range []string{demo.TeacherEmail, demo.ParentEmail} {
				if s, _, _ := get(t, login(t, env, who), env.URL+"/settings/avatar"); s != http.StatusNotFound {
					t.Errorf("%s's own chooser: %d", who, s)
				}
			}
		})
	}
}
