package api_test

import (
	"net/http"
	"strings"
	"testing"

	"cubby/internal/api"
	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// TestAccessMatrix calls every API operation as every account type and as
// a visitor, with an empty body, and checks what holds for all of them:
// never a 500, and 401 exactly for visitors on private operations. The
// exact allow/deny answers with meaningful bodies are in the per-feature
// matrices (classroom_test.go).
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			accounts := map[string]string{"teacher": demo.TeacherEmail, "leader": demo.LeaderEmail, "parent": demo.ParentEmail, "student": demo.StudentUsername}
			clients := map[string]*client{"visitor": {t: t, env: env}}
			for kind, who := range accounts {
				field := "email"
				if kind == "student" {
					field = "username"
				}
				clients[kind] = loginAPI(t, env, field, who)
			}
			ops := api.New(env.App, nil, nil).Ops()
			for _, op := range ops {
				if op.ID == "logout" || op.ID == "endOtherSessions" || op.ID == "withdrawConsent" || op.ID == "deleteMe" {
					continue // would end the session the other rows need; covered in their own tests
				}
				for kind, c := range clients {
					path := strings.ReplaceAll(op.Path, "{id}", "1")
					status, out, _ := c.do(op.Method, "/api/v1"+path, "{}")
					switch {
					case status >= 500 && status != http.StatusNotImplemented:
						t.Errorf("%s %s as %s: %d %v", op.Method, op.Path, kind, status, out)
					case kind == "visitor" && !op.Public && status != 401:
						t.Errorf("%s %s as visitor: %d, want 401", op.Method, op.Path, status)
					case kind != "visitor" && status == 401 && !op.Public:
						t.Errorf("%s %s as %s: 401", op.Method, op.Path, kind)
					}
				}
			}
		})
	}
}
