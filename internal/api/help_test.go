package api_test

import (
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// Over the API: a visitor asks (bad input is a 400 at the field, nothing
// stored), the school's leader lists the request and answers it by email,
// and a teacher can do neither.
func TestHelpRequestsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			var school string
			if err := env.DB.R.QueryRow(`SELECT CAST(id AS TEXT) FROM schools WHERE source = 'demo'`).Scan(&school); err != nil {
				t.Fatal(err)
			}
			visitor := &client{t: t, env: env}
			status, out, _ := visitor.do("POST", "/api/v1/help-requests", `{"topic":"login","body":"","school_id":"`+school+`","phone":"12"}`)
			fields, _ := out["errors"].(map[string]any)
			if status != 400 || fields["body"] == nil || fields["phone"] == nil {
				t.Fatalf("bad input: %d %v", status, out)
			}
			var n int
			if env.DB.R.QueryRow(`SELECT count(*) FROM help_requests`).Scan(&n); n != 0 {
				t.Fatalf("%d stored from bad input", n)
			}
			status, out, _ = visitor.do("POST", "/api/v1/help-requests", `{"topic":"login","body":"I cannot log in.","school_id":"`+school+`","email":"sam@example.org"}`)
			if status != 202 || out["status"] != "received" {
				t.Fatalf("asking: %d %v", status, out)
			}
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			if status, _, _ := teacher.do("GET", "/api/v1/schools/"+school+"/help-requests", ""); status != 404 {
				t.Errorf("a teacher lists the help requests: %d", status)
			}
			leader := loginAPI(t, env, "email", demo.LeaderEmail)
			status, out, _ = leader.do("GET", "/api/v1/schools/"+school+"/help-requests", "")
			list, _ := out["requests"].([]any)
			if status != 200 || len(list) != 1 {
				t.Fatalf("the leader's list: %d %v", status, out)
			}
			req := list[0].(map[string]any)
			if req["contact"] != "sam@example.org" || req["status"] != "new" {
				t.Errorf("the request: %v", req)
			}
			rid := req["id"].(string)
			if status, _, _ := teacher.do("POST", "/api/v1/schools/"+school+"/help-requests", `{"request_id":"`+rid+`","kind":"note","body":"x"}`); status != 404 {
				t.Errorf("a teacher writes a note: %d", status)
			}
			status, out, _ = leader.do("POST", "/api/v1/schools/"+school+"/help-requests", `{"request_id":"`+rid+`","kind":"reply","body":"Use the card your teacher gave you."}`)
			if history, _ := out["history"].([]any); status != 200 || out["status"] != "answered" || len(history) != 2 {
				t.Fatalf("answering: %d %v", status, out)
			}
			if mail := env.LastEmail(t, "sam@example.org"); !strings.Contains(mail, "Use the card your teacher gave you.") {
				t.Errorf("the answer's email: %s", mail)
			}
			if status, _, _ := leader.do("POST", "/api/v1/schools/"+school+"/help-requests", `{"request_id":"`+rid+`","kind":"status","status":"answered"}`); status != 409 {
				t.Errorf("the status it has: %d", status)
			}
		})
	}
}
