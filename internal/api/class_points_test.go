package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// TestClassroomAccessMatrix checks every classroom endpoint as every kind
// of person, in and out of the class and the school: allowed exactly as
// the data-transparency page promises, 404 for those who may not know the
// thing exists, 403 for staff who see a class but do not teach it, 401
// for visitors.
func TestClassroomAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			// A teacher of another school.
			now := time.Now().UTC()
			other := &store.School{Name: "Other School", Country: "US", Source: "test", SourceID: "other", CreatedAt: now}
			store.CreateSchool(ctx, env.DB.W, other)
			hash, _ := app.HashPassword(demo.Password, env.App.Password)
			u := &store.User{Kind: "teacher", FirstName: "Olu", LastName: "Other", Email: "olu@other.example", PasswordHash: hash, Language: "en", CreatedAt: now, EmailVerifiedAt: &now}
			store.CreateUser(ctx, env.DB.W, u)
			store.AddMembership(ctx, env.DB.W, &store.Membership{SchoolID: other.ID, UserID: u.ID, Role: "teacher", Status: "active", VerifiedAt: &now, CreatedAt: now})

			roster, _ := store.StudentsOfClass(ctx, env.DB.R, 1)
			var ava, sofia store.Student
			for _, st := range roster {
				switch st.FirstName {
				case "Ava":
					ava = st
				case "Sofia":
					sofia = st
				}
			}
			skills, _ := store.SkillsForClass(ctx, env.DB.R, 1, 1)
			people := map[string]*client{"visitor": {t: t, env: env}}
			for name, who := range map[string][2]string{
				"teacher": {"email", demo.TeacherEmail}, "teacher2": {"email", demo.Teacher2Email}, "leader": {"email", demo.LeaderEmail},
				"parent": {"email", demo.ParentEmail}, "otherparent": {"email", "parent.sofia@demo.cubby.test"},
				"student": {"username", demo.StudentUsername}, "otherstudent": {"username", "elena.m"}, "otherschool": {"email", "olu@other.example"},
			} {
				people[name] = loginAPI(t, env, who[0], who[1])
			}
			today := env.App.Today()
			n := 0
			cases := []struct {
				method, path string
				body         func() string
				want         map[string]int
			}{
				{"GET", "/classes/1", nil, map[string]int{"teacher": 200, "teacher2": 404, "leader": 200, "parent": 404, "otherparent": 404, "student": 404, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
				{"GET", "/classes/1/skills", nil, map[string]int{"teacher": 200, "teacher2": 404, "leader": 200, "parent": 404, "otherparent": 404, "student": 404, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
				{"POST", "/classes/1/students", func() string { n++; return fmt.Sprintf(`{"first_name":"New%d","last_name":"Kid"}`, n) },
					map[string]int{"teacher": 201, "teacher2": 404, "leader": 403, "parent": 404, "otherparent": 404, "student": 404, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
				{"POST", "/classes/1/points", func() string { return fmt.Sprintf(`{"student_ids":["%d"],"skill_id":"%d"}`, ava.ID, skills[0].ID) },
					map[string]int{"teacher": 201, "teacher2": 404, "leader": 403, "parent": 404, "otherparent": 404, "student": 404, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
				{"PUT", "/classes/1/attendance/" + today, func() string { return fmt.Sprintf(`{"records":[{"student_id":"%d","status":"present"}]}`, ava.ID) },
					map[string]int{"teacher": 200, "teacher2": 404, "leader": 200, "parent": 404, "otherparent": 404, "student": 404, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
				{"GET", fmt.Sprintf("/students/%d/points", ava.ID), nil, map[string]int{"teacher": 200, "teacher2": 200, "leader": 200, "parent": 200, "otherparent": 404, "student": 200, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
				{"GET", fmt.Sprintf("/students/%d/attendance", ava.ID), nil, map[string]int{"teacher": 200, "teacher2": 200, "leader": 200, "parent": 200, "otherparent": 404, "student": 200, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
				{"POST", "/connections", func() string { return fmt.Sprintf(`{"parent_code":"%s"}`, sofia.ParentCode) },
					map[string]int{"teacher": 403, "teacher2": 403, "leader": 403, "parent": 201, "otherparent": 400, "student": 403, "otherstudent": 403, "otherschool": 403, "visitor": 401}},
				{"POST", "/classes", func() string { n++; return fmt.Sprintf(`{"name":"Class %d","school_id":"1"}`, n) },
					map[string]int{"teacher": 201, "teacher2": 201, "leader": 201, "parent": 404, "otherparent": 404, "student": 404, "otherstudent": 404, "otherschool": 404, "visitor": 401}},
			}
			// teacher2 is a verified teacher of the school: the seed lets
			// verified staff see a student's points, not teach the class.
			for _, c := range cases {
				for who, want := range c.want {
					body := ""
					if c.body != nil {
						body = c.body()
					}
					got, out, _ := people[who].do(c.method, "/api/v1"+c.path, body)
					if got != want {
						t.Errorf("%s %s as %s: %d, want %d (%v)", c.method, c.path, who, got, want, out)
					}
				}
			}
			// Bad input is a 4xx with a message.
			teacher := people["teacher"]
			for _, c := range []struct {
				path, body string
				want       int
			}{
				{"/classes/1/points", fmt.Sprintf(`{"student_ids":["%d"],"skill_id":"%d"}`, ava.ID+1000, skills[0].ID), 400},
				{"/classes/1/points", fmt.Sprintf(`{"student_ids":["%d"],"skill_id":"999999"}`, ava.ID), 400},
				{"/classes/1/points", fmt.Sprintf(`{"student_ids":["x"],"skill_id":"%d"}`, skills[0].ID), 400},
				{"/classes/1/points", fmt.Sprintf(`{"student_ids":["%d"],"skill_id":"%d","note":"%s"}`, ava.ID, skills[0].ID, strings.Repeat("n", 300)), 400},
				{"/classes/1/skills", `{"name":"Rocket","weight":99}`, 400},
				{"/classes/1/students", `{"first_name":"","last_name":"X"}`, 400},
			} {
				if got, out, _ := teacher.do("POST", "/api/v1"+c.path, c.body); got != c.want || out["detail"] == "" {
					t.Errorf("POST %s %s: %d %v", c.path, c.body, got, out)
				}
			}
			future := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
			if got, _, _ := teacher.do("PUT", "/api/v1/classes/1/attendance/"+future, fmt.Sprintf(`{"records":[{"student_id":"%d","status":"absent"}]}`, ava.ID)); got != 400 {
				t.Errorf("future attendance: %d", got)
			}
			// Absent today: 409.
			teacher.do("PUT", "/api/v1/classes/1/attendance/"+today, fmt.Sprintf(`{"records":[{"student_id":"%d","status":"absent"}]}`, ava.ID))
			if got, out, _ := teacher.do("POST", "/api/v1/classes/1/points", fmt.Sprintf(`{"student_ids":["%d"],"skill_id":"%d"}`, ava.ID, skills[0].ID)); got != 409 || out["errors"] == nil {
				t.Errorf("absent student: %d %v", got, out)
			}
		})
	}
}
