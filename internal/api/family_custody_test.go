package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// TestCustodyAPI: a leader restricts a parent, lifts the restriction,
// records an eligible student and files a request on a parent's behalf;
// bad input answers 4xx with a translated message and writes nothing.
func TestCustodyAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := testenv.New(t, d)
			leader := loginAPI(t, env, "email", demo.LeaderEmail)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			ava, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
			must(t, err)
			st, err := store.StudentByUserID(ctx, env.DB.R, ava.ID)
			must(t, err)
			pu, err := store.UserByEmail(ctx, env.DB.R, demo.ParentEmail)
			must(t, err)
			sid, pid := strconv.FormatInt(st.ID, 10), strconv.FormatInt(pu.ID, 10)
			base := "/api/v1/students/" + sid

			status, out, _ := leader.do("GET", base+"/family", "")
			if status != 200 || out["parent_access"] != "end" || out["eligible"] != false || len(out["guardians"].([]any)) != 1 {
				t.Fatalf("family access: %d %v", status, out)
			}
			// Only the school's leaders: its teachers 403, families 404.
			if status, _, _ := teacher.do("GET", base+"/family", ""); status != 403 {
				t.Errorf("teacher: %d", status)
			}
			if status, _, _ := parent.do("GET", base+"/family", ""); status != 404 {
				t.Errorf("parent: %d", status)
			}

			// Bad input: 4xx, translated, nothing written.
			for _, tc := range []struct {
				path, body string
				status     int
				field      string
			}{
				{base + "/blocks", `{"guardian_id":"` + pid + `","reason":"dislike"}`, 400, "reason"},
				{base + "/blocks", `{"guardian_id":"` + pid + `","reason":"other","note":"` + strings.Repeat("x", 501) + `"}`, 400, "note"},
				{base + "/blocks", `{"reason":"court_order"}`, 400, "guardian_id"},
				{base + "/blocks", `{"guardian_id":"abc","reason":"court_order"}`, 400, "guardian_id"},
				{base + "/blocks", `{"guardian_id":"` + strconv.FormatInt(ava.ID, 10) + `","reason":"court_order"}`, 400, "guardian_id"},
				{base + "/blocks", `{"guardian_id":` + pid + `}`, 400, ""},
				{"/api/v1/students/999999/blocks", `{"guardian_id":"` + pid + `","reason":"court_order"}`, 404, ""},
				{base + "/blocks/999999/lift", ``, 404, ""},
				{base + "/eligibility", `{}`, 400, "eligible"},
				{base + "/eligibility", `{"eligible":"yes"}`, 400, ""},
				{base + "/corrections", `{"requested_by":"` + pid + `","table":"points","key":"","request":"x"}`, 400, "record"},
				{base + "/corrections", `{"requested_by":"` + pid + `","table":"points","key":"999999","request":"wrong"}`, 404, ""},
				{base + "/corrections", `{"requested_by":"` + strconv.FormatInt(ava.ID, 10) + `","table":"points","key":"1","request":"wrong"}`, 400, "requested_by"},
			} {
				status, out, _ := leader.do("POST", tc.path, tc.body)
				if strings.HasSuffix(tc.path, "/eligibility") {
					status, out, _ = leader.do("PUT", tc.path, tc.body)
				}
				if status != tc.status {
					t.Errorf("%s %s: %d %v, want %d", tc.path, tc.body, status, out, tc.status)
					continue
				}
				if out["detail"] == "" || out["title"] == "" {
					t.Errorf("%s: no human message: %v", tc.path, out)
				}
				if tc.field != "" {
					errs, _ := out["errors"].(map[string]any)
					if msg, _ := errs[tc.field].(string); msg == "" || strings.Contains(msg, "custody.") || strings.Contains(msg, "validation.") {
						t.Errorf("%s %s: %s message %q", tc.path, tc.body, tc.field, msg)
					}
				}
			}
			if _, out, _ := leader.do("GET", base+"/family", ""); len(out["blocks"].([]any)) != 0 || len(out["guardians"].([]any)) != 1 {
				t.Fatalf("bad input wrote something: %v", out)
			}
			// A leader who reads Spanish gets the refusal in Spanish.
			if status, out, _ := leader.do("PATCH", "/api/v1/me", `{"language":"es"}`); status != 200 {
				t.Fatalf("language: %d %v", status, out)
			}
			_, out, _ = leader.do("POST", base+"/blocks", `{"guardian_id":"`+pid+`","reason":"dislike"}`)
			if msg := out["errors"].(map[string]any)["reason"]; msg != "Elige uno de los motivos de la lista." {
				t.Errorf("Spanish: %v", msg)
			}
			leader.do("PATCH", "/api/v1/me", `{"language":"en"}`)

			// Another school's leader, and the demo leader on another
			// school's student: 404, as for a student they cannot know of.
			other := staffClient(t, env, "head@elsewhere.example", 0, "", true)
			_, _, _ = other.do("POST", "/api/v1/schools", `{"name":"Elsewhere Academy","city":"Lyon","country":"FR"}`)
			otherID := userID(t, env, "head@elsewhere.example")
			now := env.App.Now()
			must(t, store.UpdateMembership(ctx, env.DB.W, &store.Membership{SchoolID: schoolOf(t, env, otherID), UserID: otherID, Role: store.RoleLeader,
				Status: store.MemberActive, VerifiedAt: &now}))
			_, err = env.DB.W.Exec(`UPDATE users SET kind = 'leader' WHERE id = $1`, otherID)
			must(t, err)
			if status, out, _ := other.do("GET", base+"/family", ""); status != 404 {
				t.Errorf("another school's leader: %d %v", status, out)
			}
			if status, _, _ := other.do("POST", base+"/blocks", `{"guardian_id":"`+pid+`","reason":"court_order"}`); status != 404 {
				t.Errorf("another school's leader blocks: %d", status)
			}
			status, out, _ = other.do("POST", "/api/v1/classes", `{"name":"Lyon 1","school_id":"`+strconv.FormatInt(schoolOf(t, env, otherID), 10)+`"}`)
			if status != 201 {
				t.Fatalf("class: %d %v", status, out)
			}
			status, out, _ = other.do("POST", "/api/v1/classes/"+out["id"].(string)+"/students", `{"first_name":"Louise","last_name":"Martin"}`)
			if status != 201 {
				t.Fatalf("student: %d %v", status, out)
			}
			if status, _, _ := leader.do("PUT", "/api/v1/students/"+out["id"].(string)+"/eligibility", `{"eligible":true}`); status != 404 {
				t.Errorf("the demo leader on another school's student: %d", status)
			}

			// Block, refuse the parent's code, lift.
			status, out, _ = leader.do("POST", base+"/blocks", `{"guardian_id":"`+pid+`","reason":"custody_agreement","note":"File 7"}`)
			if status != 201 || out["active"] != true || out["guardian_id"] != pid || out["reason"] != "custody_agreement" {
				t.Fatalf("block: %d %v", status, out)
			}
			blockID := out["id"].(string)
			if status, _, _ := parent.do("GET", base+"/points", ""); status != 404 {
				t.Errorf("the blocked parent reads Ava's points: %d", status)
			}
			// The block gave Ava a new parent code; the blocked parent is
			// refused with it too.
			renewed, err := store.StudentByID(ctx, env.DB.R, st.ID)
			must(t, err)
			if renewed.ParentCode == st.ParentCode {
				t.Error("the block kept the old parent code")
			}
			st = renewed
			status, out, _ = parent.do("POST", "/api/v1/connections", `{"parent_code":"`+st.ParentCode+`"}`)
			if msg, _ := out["errors"].(map[string]any)["parent_code"].(string); status != 400 || !strings.Contains(msg, "contact the school") || strings.Contains(strings.ToLower(msg), "restrict") {
				t.Errorf("the blocked parent's code: %d %v", status, out)
			}
			_, out, _ = leader.do("GET", base+"/family", "")
			if b := out["blocks"].([]any)[0].(map[string]any); b["refused_count"] != float64(1) {
				t.Errorf("refused attempts: %v", b)
			}
			if status, out, _ := leader.do("POST", base+"/blocks/"+blockID+"/lift", ""); status != 200 || out["active"] != false || out["lifted_at"] == nil {
				t.Errorf("lift: %d %v", status, out)
			}
			if status, out, _ := leader.do("POST", base+"/blocks/"+blockID+"/lift", ""); status != 409 {
				t.Errorf("lift twice: %d %v", status, out)
			}
			if status, out, _ := parent.do("POST", "/api/v1/connections", `{"parent_code":"`+st.ParentCode+`"}`); status != 201 {
				t.Errorf("reconnect after the lift: %d %v", status, out)
			}

			// A leader files a request the parent made by phone.
			ls, err := env.App.Authenticate(ctx, leader.token)
			must(t, err)
			recs, err := env.App.RecordsToFile(ctx, ls, st.ID)
			must(t, err)
			status, out, _ = leader.do("POST", base+"/corrections", `{"requested_by":"`+pid+`","table":"`+recs[0].Table+`","key":"`+recs[0].Key+`","request":"The parent called: not Ava."}`)
			if status != 201 || out["requested_by"] != pid || out["filed_by"] != strconv.FormatInt(userID(t, env, demo.LeaderEmail), 10) || out["status"] != "pending" {
				t.Errorf("filed: %d %v", status, out)
			}

			// Eligibility: the parent loses Ava at once (end is the default).
			status, out, _ = leader.do("PUT", base+"/eligibility", `{"eligible":true}`)
			if status != 200 || out["eligible"] != true || out["eligible_since"] == nil || out["parent_access"] != "end" {
				t.Fatalf("eligibility: %d %v", status, out)
			}
			if status, _, _ := parent.do("GET", base+"/points", ""); status != 404 {
				t.Errorf("a cut-off parent reads Ava's points: %d", status)
			}
			student := loginAPI(t, env, "username", demo.StudentUsername)
			if status, _, _ := student.do("GET", base+"/points", ""); status != 200 {
				t.Errorf("Ava reads her points: %d", status)
			}
			if status, out, _ := leader.do("PUT", base+"/eligibility", `{"eligible":false}`); status != 200 || out["eligible"] != false {
				t.Errorf("undo: %d %v", status, out)
			}
			if status, _, _ := parent.do("GET", base+"/points", ""); status != 200 {
				t.Errorf("the parent after the undo: %d", status)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func userID(t *testing.T, env *testenv.Env, email string) int64 {
	t.Helper()
	u, err := store.UserByEmail(context.Background(), env.DB.R, email)
	must(t, err)
	return u.ID
}

func schoolOf(t *testing.T, env *testenv.Env, userID int64) int64 {
	t.Helper()
	var id int64
	must(t, env.DB.R.QueryRow(`SELECT school_id FROM school_members WHERE user_id = $1`, userID).Scan(&id))
	return id
}

// Restricting an address over the API: created, listed in the family
// view with the address, refused with a translated message when bad or
// repeated, lifted once.
func TestEmailBlockAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			leader := loginAPI(t, env, "email", demo.LeaderEmail)
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			ava, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
			must(t, err)
			st, err := store.StudentByUserID(ctx, env.DB.R, ava.ID)
			must(t, err)
			base := "/api/v1/students/" + strconv.FormatInt(st.ID, 10)

			for _, tc := range []struct {
				body  string
				field string
			}{
				{`{"email":"nope","reason":"court_order"}`, "email"},
				{`{"email":"a@example.org","reason":"dislike"}`, "reason"},
			} {
				if status, out, _ := leader.do("POST", base+"/email-blocks", tc.body); status != 400 || out["errors"].(map[string]any)[tc.field] == nil {
					t.Errorf("%s: %d %v", tc.body, status, out)
				}
			}
			if status, _, _ := teacher.do("POST", base+"/email-blocks", `{"email":"a@example.org","reason":"court_order"}`); status != 403 {
				t.Errorf("a teacher: %d", status)
			}
			status, out, _ := leader.do("POST", base+"/email-blocks", `{"email":"Court.Order@Example.org","reason":"court_order","note":"File 3"}`)
			if status != 201 || out["by_email"] != true || out["email"] != "court.order@example.org" || out["guardian_id"] != "" || out["active"] != true {
				t.Fatalf("block: %d %v", status, out)
			}
			blockID := out["id"].(string)
			if status, out, _ := leader.do("POST", base+"/email-blocks", `{"email":"court.order@example.org","reason":"other"}`); status != 400 {
				t.Errorf("the same address again: %d %v", status, out)
			}
			_, out, _ = leader.do("GET", base+"/family", "")
			found := false
			for _, b := range out["blocks"].([]any) {
				b := b.(map[string]any)
				found = found || (b["id"] == blockID && b["email"] == "court.order@example.org" && b["by_email"] == true)
			}
			if !found {
				t.Errorf("the family view lacks the address block: %v", out["blocks"])
			}
			if status, out, _ := leader.do("POST", base+"/email-blocks/"+blockID+"/lift", ""); status != 200 || out["active"] != false {
				t.Errorf("lift: %d %v", status, out)
			}
			if status, _, _ := leader.do("POST", base+"/email-blocks/"+blockID+"/lift", ""); status != 409 {
				t.Errorf("lift twice: %d", status)
			}
		})
	}
}
