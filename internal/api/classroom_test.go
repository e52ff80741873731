package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A class's skills over the API: listed with their icon, added, changed
// (omitted fields stay), removed; a school-wide skill is not the class's
// to change; another class's teacher finds nothing.
func TestClassSkillsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			leader := loginAPI(t, env, "email", demo.LeaderEmail)
			s, out, _ := teacher.do("POST", "/api/v1/classes/1/skills", `{"name":"Tidy desk","weight":2,"icon":"leaf"}`)
			if s != 201 || out["icon"] != "leaf" || out["scope"] != "class" {
				t.Fatalf("add: %d %v", s, out)
			}
			sid := out["id"].(string)
			if s, out, _ := teacher.do("POST", "/api/v1/classes/1/skills", `{"name":"Odd","weight":1,"icon":"unicorn"}`); s != 400 || out["errors"].(map[string]any)["icon"] == nil {
				t.Errorf("unknown icon: %d %v", s, out)
			}
			_, out, _ = teacher.do("GET", "/api/v1/classes/1/skills", "")
			found := false
			for _, sk := range out["skills"].([]any) {
				m := sk.(map[string]any)
				if _, ok := m["icon"]; !ok {
					t.Fatalf("a skill without its icon field: %v", m)
				}
				found = found || (m["id"] == sid && m["icon"] == "leaf")
			}
			if !found {
				t.Errorf("the new skill is not listed with its icon")
			}
			s, out, _ = teacher.do("PATCH", "/api/v1/classes/1/skills/"+sid, `{"name":"Tidy table"}`)
			if s != 200 || out["name"] != "Tidy table" || out["weight"] != float64(2) || out["icon"] != "leaf" {
				t.Errorf("rename keeps weight and icon: %d %v", s, out)
			}
			if s, _, _ := teacher.do("PATCH", "/api/v1/classes/1/skills/"+sid, `{"weight":9}`); s != 400 {
				t.Errorf("weight 9: %d", s)
			}
			if s, _, _ := loginAPI(t, env, "email", demo.Teacher2Email).do("PATCH", "/api/v1/classes/1/skills/"+sid, `{"name":"Mine now"}`); s != 404 {
				t.Errorf("another class's teacher: %d", s)
			}
			// A school-wide skill is the leaders'.
			s, out, _ = leader.do("POST", fmt.Sprintf("/api/v1/schools/%d/skills", classSchool(t, env)), `{"name":"Whole school kindness","weight":1}`)
			if s != 201 {
				t.Fatalf("school skill: %d %v", s, out)
			}
			if s, _, _ := teacher.do("PATCH", "/api/v1/classes/1/skills/"+out["id"].(string), `{"name":"Changed"}`); s != 404 {
				t.Errorf("a teacher edits a school-wide skill: %d", s)
			}
			if s, _, _ := teacher.do("DELETE", "/api/v1/classes/1/skills/"+sid, ""); s != 204 {
				t.Errorf("remove: %d", s)
			}
			_, out, _ = teacher.do("GET", "/api/v1/classes/1/skills", "")
			for _, sk := range out["skills"].([]any) {
				if sk.(map[string]any)["id"] == sid {
					t.Errorf("a removed skill is still listed")
				}
			}
			if s, _, _ := teacher.do("DELETE", "/api/v1/classes/1/skills/"+sid, ""); s != 404 {
				t.Errorf("remove twice: %d", s)
			}
		})
	}
}

func classSchool(t *testing.T, env *testenv.Env) int64 {
	t.Helper()
	c, err := store.ClassByID(context.Background(), env.DB.R, 1)
	if err != nil {
		t.Fatal(err)
	}
	return c.SchoolID
}

// Characters over the API: a teacher sets a student's, the class's switch
// stops the student choosing theirs, and turning it back on lets them.
func TestAvatarsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			student := loginAPI(t, env, "username", demo.StudentUsername)
			_, me, _ := student.do("GET", "/api/v1/me/avatar", "")
			if me["can_choose"] != true || len(me["choices"].([]any)) == 0 {
				t.Fatalf("own avatar: %v", me)
			}
			sid := me["student_id"].(string)
			choice := me["choices"].([]any)[2].(string)
			if s, out, _ := student.do("PUT", "/api/v1/me/avatar", `{"avatar":"`+choice+`"}`); s != 200 || out["avatar"] != choice || out["chosen_by"] != "student" {
				t.Errorf("choose own: %d %v", s, out)
			}
			if s, _, _ := student.do("PUT", "/api/v1/me/avatar", `{"avatar":"9-9-9"}`); s != 400 {
				t.Errorf("not a character: %d", s)
			}
			if s, _, _ := loginAPI(t, env, "email", demo.ParentEmail).do("GET", "/api/v1/me/avatar", ""); s != 404 {
				t.Errorf("a parent's own avatar: %d", s)
			}
			// The class turns choosing off: the student's choice is set aside.
			if s, out, _ := teacher.do("PUT", "/api/v1/classes/1/avatar-choice", `{"students_choose":false}`); s != 200 || out["students_choose"] != false {
				t.Fatalf("turn off: %d %v", s, out)
			}
			if s, _, _ := teacher.do("PUT", "/api/v1/classes/1/avatar-choice", `{}`); s != 400 {
				t.Errorf("no switch: %d", s)
			}
			if _, out, _ := teacher.do("GET", "/api/v1/classes/1/avatar-choice", ""); out["students_choose"] != false {
				t.Errorf("read the switch: %v", out)
			}
			if s, _, _ := student.do("PUT", "/api/v1/me/avatar", `{"avatar":"`+choice+`"}`); s != 403 {
				t.Errorf("choosing while off: %d", s)
			}
			_, me, _ = student.do("GET", "/api/v1/me/avatar", "")
			if me["can_choose"] != false || me["avatar"] != "" || me["chosen"] != choice {
				t.Errorf("own avatar while off: %v", me)
			}
			// The teacher chooses the student's.
			other := me["choices"].([]any)[5].(string)
			if s, out, _ := teacher.do("PUT", "/api/v1/classes/1/students/"+sid+"/avatar", `{"avatar":"`+other+`"}`); s != 200 || out["avatar"] != other || out["chosen_by"] != "teacher" {
				t.Errorf("teacher chooses: %d %v", s, out)
			}
			if s, _, _ := loginAPI(t, env, "email", demo.Teacher2Email).do("GET", "/api/v1/classes/1/students/"+sid+"/avatar", ""); s != 404 {
				t.Errorf("another class's teacher: %d", s)
			}
			if s, _, _ := teacher.do("PUT", "/api/v1/classes/1/avatar-choice", `{"students_choose":true}`); s != 200 {
				t.Errorf("turn on: %d", s)
			}
			if s, _, _ := student.do("PUT", "/api/v1/me/avatar", `{"avatar":""}`); s != 200 {
				t.Errorf("choose again once on: %d", s)
			}
			var stored any
			env.DB.R.QueryRowContext(ctx, `SELECT avatar FROM students WHERE id = $1`, sid).Scan(&stored)
			if stored != nil {
				t.Errorf("back to the generated one: %v", stored)
			}
		})
	}
}

// The picker picks only students in the room and goes round them all; the
// groups split the room; a group's point is a point for each of them.
func TestClassroomToolsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			// Everyone present but the first two.
			var recs []string
			for i, st := range roster {
				status := "present"
				if i < 2 {
					status = "absent"
				}
				recs = append(recs, fmt.Sprintf(`{"student_id":"%d","status":"%s"}`, st.ID, status))
			}
			if s, _, _ := teacher.do("PUT", "/api/v1/classes/1/attendance/"+env.App.Today(), `{"records":[`+strings.Join(recs, ",")+`]}`); s != 200 {
				t.Fatalf("attendance: %d", s)
			}
			absent := []string{fmt.Sprint(roster[0].ID), fmt.Sprint(roster[1].ID)}
			seen, picked := "", map[string]bool{}
			for i := range len(roster) - 2 {
				s, out, _ := teacher.do("GET", "/api/v1/classes/1/tools/pick?seen="+seen, "")
				st, _ := out["student"].(map[string]any)
				if s != 200 || st == nil || out["attendance_taken"] != true || out["new_round"] != false {
					t.Fatalf("pick %d: %d %v", i, s, out)
				}
				id := st["id"].(string)
				if slices.Contains(absent, id) || picked[id] {
					t.Fatalf("pick %d: %s absent or picked twice", i, id)
				}
				picked[id], seen = true, out["seen"].(string)
			}
			if _, out, _ := teacher.do("GET", "/api/v1/classes/1/tools/pick?seen="+seen, ""); out["new_round"] != true {
				t.Errorf("after everyone, a new round: %v", out)
			}
			if s, _, _ := teacher.do("GET", "/api/v1/classes/1/tools/pick?seen=a.b", ""); s != 400 {
				t.Errorf("bad seen: %d", s)
			}
			s, out, _ := teacher.do("GET", "/api/v1/classes/1/tools/groups?size=5", "")
			if s != 200 {
				t.Fatalf("groups: %d %v", s, out)
			}
			total := 0
			groups := out["groups"].([]any)
			for _, g := range groups {
				n := len(g.([]any))
				if n < 4 || n > 6 {
					t.Errorf("a group of %d for size 5", n)
				}
				total += n
			}
			if total != len(roster)-2 {
				t.Errorf("groups hold %d students, %d present", total, len(roster)-2)
			}
			if s, _, _ := teacher.do("GET", "/api/v1/classes/1/tools/groups?size=1", ""); s != 400 {
				t.Errorf("size 1: %d", s)
			}
			skills, _ := store.SkillsForClass(ctx, env.DB.R, 1, 1)
			var skill store.Skill
			for _, sk := range skills {
				if sk.Weight > 0 {
					skill = sk
					break
				}
			}
			body := fmt.Sprintf(`{"layout":%q,"group":0,"skill_id":"%d"}`, out["layout"], skill.ID)
			s, awards, _ := teacher.do("POST", "/api/v1/classes/1/tools/groups/points", body, "Idempotency-Key", "group-0-"+string(d))
			if s != 201 || len(awards["awards"].([]any)) != len(groups[0].([]any)) {
				t.Errorf("group point: %d %v", s, awards)
			}
			if s, _, _ := teacher.do("POST", "/api/v1/classes/1/tools/groups/points", fmt.Sprintf(`{"layout":%q,"group":99,"skill_id":"%d"}`, out["layout"], skill.ID)); s != 400 {
				t.Errorf("no such group: %d", s)
			}
			if s, _, _ := loginAPI(t, env, "email", demo.Teacher2Email).do("GET", "/api/v1/classes/1/tools/pick", ""); s != 404 {
				t.Errorf("another class's teacher picks: %d", s)
			}
		})
	}
}

// Attendance over the API follows the school's window: a teacher saves a
// day inside it, and one past it is 400 with the reason.
func TestAttendanceWindowAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			c, _ := store.ClassByID(ctx, env.DB.R, 1)
			env.App.SetClock(func() time.Time { return c.CreatedAt.AddDate(0, 0, 40) })
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			today, _ := time.ParseInLocation(time.DateOnly, env.App.Today(), env.App.Location)
			body := fmt.Sprintf(`{"records":[{"student_id":"%d","status":"late"}]}`, roster[0].ID)
			if s, out, _ := teacher.do("PUT", "/api/v1/classes/1/attendance/"+today.AddDate(0, 0, -5).Format(time.DateOnly), body); s != 200 {
				t.Errorf("five days back: %d %v", s, out)
			}
			s, out, _ := teacher.do("PUT", "/api/v1/classes/1/attendance/"+today.AddDate(0, 0, -9).Format(time.DateOnly), body)
			if msg, _ := out["errors"].(map[string]any)["date"].(string); s != 400 || !strings.Contains(msg, "up to 7 days back") {
				t.Errorf("nine days back: %d %v", s, out)
			}
		})
	}
}
