package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// A leader of another school, who must not learn that the demo school's
// students exist.
func otherSchoolLeader(t *testing.T, env *testenv.Env) *client {
	t.Helper()
	ctx, a := context.Background(), env.App
	_, u, err := a.SignUp(ctx, app.Signup{Kind: store.KindLeader, Title: "Dr.", FirstName: "Ines", LastName: "Oyelaran",
		Email: "ines@other.school.test", Password: demo.Password, Language: "en", Session: "api"})
	if err != nil {
		t.Fatal(err)
	}
	now := a.Now()
	school := &store.School{Name: "Riverside School", Country: "US", CreatedAt: now}
	if err := store.CreateSchool(ctx, env.DB.W, school); err != nil {
		t.Fatal(err)
	}
	if err := store.AddMembership(ctx, env.DB.W, &store.Membership{SchoolID: school.ID, UserID: u.ID, Role: store.RoleLeader, Status: "active", VerifiedAt: &now, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return loginAPI(t, env, "email", "ines@other.school.test")
}

// The restriction endpoints: who gets what, and a clear 4xx for every
// kind of bad request.
func TestRestrictionAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			leader := loginAPI(t, env, "email", demo.LeaderEmail)
			student := loginAPI(t, env, "username", demo.StudentUsername)
			stranger := otherSchoolLeader(t, env)
			var ava, class, skill int64
			q := env.DB.R
			if err := q.QueryRow(`SELECT s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.username = $1`, demo.StudentUsername).Scan(&ava); err != nil {
				t.Fatal(err)
			}
			if err := q.QueryRow(`SELECT id FROM classes WHERE name = 'Class 3 Sunflowers'`).Scan(&class); err != nil {
				t.Fatal(err)
			}
			if err := q.QueryRow(`SELECT id FROM skills WHERE class_id = $1 ORDER BY id LIMIT 1`, class).Scan(&skill); err != nil {
				t.Fatal(err)
			}
			avaPath := "/api/v1/students/" + strconv.FormatInt(ava, 10) + "/restrictions"
			expect := func(what string, status int, out map[string]any, want int, detail string) {
				t.Helper()
				if status != want {
					t.Errorf("%s: %d %v, want %d", what, status, out, want)
					return
				}
				if d, _ := out["detail"].(string); detail != "" && !strings.Contains(d, detail) {
					t.Errorf("%s: detail %q, want it to say %q", what, d, detail)
				}
			}

			// Bad input: 400 with a translated, human message.
			status, out, _ := parent.do("POST", avaPath, `{"ground":"because"}`)
			expect("unknown ground", status, out, 400, "")
			if msg, _ := out["errors"].(map[string]any)["ground"].(string); msg != "Choose one of the reasons." {
				t.Errorf("unknown ground: errors %v", out["errors"])
			}
			status, out, _ = parent.do("POST", avaPath, `{"ground":"accuracy","why":"typo"}`)
			expect("unknown field", status, out, 400, "")
			status, out, _ = parent.do("POST", avaPath, `{"ground":"accuracy","request":"`+strings.Repeat("x", 1001)+`"}`)
			expect("request too long", status, out, 400, "")
			// Not theirs to know about: 404.
			for who, c := range map[string]*client{"teacher": teacher, "another school's leader": stranger} {
				status, out, _ = c.do("POST", avaPath, `{"ground":"accuracy"}`)
				expect(who+" asks", status, out, 404, "")
			}
			status, out, _ = parent.do("POST", "/api/v1/students/999999/restrictions", `{"ground":"accuracy"}`)
			expect("unknown student", status, out, 404, "")

			// The parent asks; asking again on the same ground is a clear 409.
			status, out, _ = parent.do("POST", avaPath, `{"ground":"accuracy","request":"Last week's points are her sister's."}`)
			expect("parent asks", status, out, 201, "")
			if out["status"] != "requested" || out["answer_by"] == nil || out["holds_records"] != false {
				t.Errorf("asked: %v", out)
			}
			rid, _ := out["id"].(string)
			status, out, _ = student.do("POST", avaPath, `{"ground":"accuracy"}`)
			expect("asking twice", status, out, 409, "already a request")

			// Deciding: leaders of the school only; declining needs a reason.
			status, out, _ = stranger.do("POST", "/api/v1/restrictions/"+rid+"/decision", `{"grant":true}`)
			expect("another school's leader decides", status, out, 404, "")
			status, out, _ = leader.do("POST", "/api/v1/restrictions/"+rid+"/decision", `{}`)
			expect("decision without grant", status, out, 400, "")
			status, out, _ = leader.do("POST", "/api/v1/restrictions/"+rid+"/decision", `{"grant":false}`)
			expect("decline without reason", status, out, 400, "")
			status, out, _ = leader.do("POST", "/api/v1/restrictions/"+rid+"/decision", `{"grant":true}`)
			expect("leader grants", status, out, 200, "")
			if out["status"] != "active" {
				t.Errorf("granted: %v", out)
			}

			// In force: no points (409, like an absent student), no reads for
			// teachers (403), and the roster says why.
			status, out, _ = teacher.do("POST", "/api/v1/classes/"+strconv.FormatInt(class, 10)+"/points",
				`{"student_ids":["`+strconv.FormatInt(ava, 10)+`"],"skill_id":"`+strconv.FormatInt(skill, 10)+`"}`)
			expect("award", status, out, 409, "restricted")
			if _, ok := out["errors"].(map[string]any)["student_ids."+strconv.FormatInt(ava, 10)]; !ok {
				t.Errorf("award: the problem does not name Ava: %v", out["errors"])
			}
			status, out, _ = teacher.do("POST", "/api/v1/classes/"+strconv.FormatInt(class, 10)+"/points",
				`{"whole_class":true,"skill_id":"`+strconv.FormatInt(skill, 10)+`"}`)
			expect("whole-class award", status, out, 201, "")
			for _, a := range out["awards"].([]any) {
				if a.(map[string]any)["student_id"] == strconv.FormatInt(ava, 10) {
					t.Error("the whole-class award gave Ava a point")
				}
			}
			status, out, _ = teacher.do("GET", "/api/v1/students/"+strconv.FormatInt(ava, 10)+"/points", "")
			expect("teacher reads points", status, out, 403, "restricted")
			status, out, _ = parent.do("GET", "/api/v1/students/"+strconv.FormatInt(ava, 10)+"/points", "")
			expect("parent reads points", status, out, 200, "")
			status, out, _ = teacher.do("GET", "/api/v1/classes/"+strconv.FormatInt(class, 10), "")
			expect("roster", status, out, 200, "")
			restricted := 0
			for _, s := range out["students"].([]any) {
				if s.(map[string]any)["restricted"] == true {
					restricted++
					if s.(map[string]any)["id"] != strconv.FormatInt(ava, 10) {
						t.Errorf("roster marks %v restricted", s)
					}
				}
			}
			if restricted != 1 {
				t.Errorf("roster marks %d students restricted, want 1", restricted)
			}

			// Lists: each sees their own; teachers and strangers nothing.
			for who, want := range map[*client]int{parent: 1, student: 1, leader: 1, teacher: 0, stranger: 0} {
				status, out, _ = who.do("GET", "/api/v1/restrictions", "")
				if got := len(out["restrictions"].([]any)); status != 200 || got != want {
					t.Errorf("list: %d, %d restrictions, want %d", status, got, want)
				}
			}
			status, out, _ = teacher.do("GET", "/api/v1/restrictions?student_id="+strconv.FormatInt(ava, 10), "")
			expect("teacher lists Ava's", status, out, 404, "")
			status, out, _ = parent.do("GET", "/api/v1/restrictions?student_id=ava", "")
			expect("bad student_id", status, out, 400, "")
			status, out, _ = parent.do("GET", "/api/v1/restrictions?limit=0", "")
			expect("bad limit", status, out, 400, "")

			// A leader sets one directly; the list pages by the cursor.
			status, out, _ = leader.do("POST", avaPath, `{"ground":"legal_claims","request":"Her father asked on paper."}`)
			expect("leader sets", status, out, 201, "")
			if out["status"] != "active" || out["holds_records"] != true {
				t.Errorf("set: %v", out)
			}
			status, out, _ = leader.do("GET", "/api/v1/restrictions?limit=1", "")
			next, _ := out["next"].(string)
			if status != 200 || len(out["restrictions"].([]any)) != 1 || next == "" {
				t.Fatalf("first page: %d %v", status, out)
			}
			first := out["restrictions"].([]any)[0].(map[string]any)["id"]
			status, out, _ = leader.do("GET", "/api/v1/restrictions?limit=1&cursor="+next, "")
			if status != 200 || len(out["restrictions"].([]any)) != 1 || out["restrictions"].([]any)[0].(map[string]any)["id"] == first {
				t.Errorf("second page: %d %v", status, out)
			}

			// Lifting: a reason, once; then 409 with a message that says so.
			status, out, _ = stranger.do("POST", "/api/v1/restrictions/"+rid+"/lift", `{"reason":"No."}`)
			expect("another school's leader lifts", status, out, 404, "")
			status, out, _ = leader.do("POST", "/api/v1/restrictions/"+rid+"/lift", `{"reason":""}`)
			expect("lift without reason", status, out, 400, "")
			status, out, _ = leader.do("POST", "/api/v1/restrictions/"+rid+"/lift", `{"reason":"We checked the points with the teacher."}`)
			expect("lift", status, out, 200, "")
			if out["status"] != "lifted" || out["lifted_at"] == nil {
				t.Errorf("lifted: %v", out)
			}
			status, out, _ = leader.do("POST", "/api/v1/restrictions/"+rid+"/lift", `{"reason":"Again."}`)
			expect("lifting twice", status, out, 409, "already been lifted")
			status, out, _ = leader.do("POST", "/api/v1/restrictions/"+rid+"/decision", `{"grant":true}`)
			expect("deciding a lifted one", status, out, 409, "already been answered")
		})
	}
}
