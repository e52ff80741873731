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

// forbidden lists, per operation, the account types the policy refuses
// (403). Everything not listed is allowed to every logged-in account; a
// visitor gets 401 from every operation that is not public.
var forbidden = map[string][]string{
	"listClasses": {"parent", "student"},
}

// TestAccessMatrix calls every API operation as every account type and as
// a visitor, with a harmless body, and checks the answer against the
// policy: never a 500, 401 exactly for visitors on private operations,
// 403 exactly where the policy refuses.
func TestAccessMatrix(t *testing.T) {
	env := testenv.New(t, dbtest.Engines(t)[0])
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
		if op.ID == "logout" || op.ID == "endOtherSessions" || op.ID == "withdrawConsent" {
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
			want403 := false
			for _, k := range forbidden[op.ID] {
				want403 = want403 || k == kind
			}
			if kind != "visitor" && (status == 403) != want403 {
				t.Errorf("%s %s as %s: %d; policy says forbidden=%v", op.Method, op.Path, kind, status, want403)
			}
		}
	}
}
