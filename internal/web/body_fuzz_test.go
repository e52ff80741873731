package web_test

import (
	"log/slog"
	"strings"
	"testing"

	"cubby/internal/api"
	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
	"cubby/internal/web"
)

// FuzzRequestBodies sends each body to every state-changing route of both
// tables (the API's as JSON, the web's as a form) as the class teacher and
// as Helen, with the demo school's records in the path: truncated JSON,
// wrong types, huge numbers, invalid UTF-8, null bytes, a body over the
// size limit. It runs on PostgreSQL when configured. Never a 500 (a panic is one: the server recovers it into a
// 500), whatever the body. Its seeds run as a normal test; `go test
// -fuzz=FuzzRequestBodies -fuzztime=5m ./internal/web/` searches further.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		``, `{`, `{"text":`, `{}`, `[]`, `null`, `"x"`, `1e999`,
		`{"text": 12, "name": false, "school_id": {}, "student_ids": "1"}`,
		`{"student_ids": [null, -1, 1e30, "99999999999999999999999"], "skill_id": "-0"}`,
		`{"weight": 99999999999999999999, "records": [{"student_id": "1", "status": "🙂"}]}`,
		"{\"text\": \"\xff\xfe\xfd\", \"name\": \"a\x00b\"}",
		`{"text": "a\u0000b", "name": "\u0000", "first_name": "\ud800"}`,
		`text=%ff%fe&name=%00&student=-1&class=1e9&date=2026-02-30&from=9999-99-99`,
		`{"text": "` + strings.Repeat("x", 1<<20) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	// The stricter engine where there is one: PostgreSQL refuses text
	// that is not UTF-8, which SQLite keeps.
	engines := dbtest.Engines(f)
	env := testenv.New(f, engines[len(engines)-1])
	fx := newTwoSchools(f, env)
	log := slog.New(slog.DiscardHandler)
	srv, err := web.New(env.App, env.App.I18n, log)
	if err != nil {
		f.Fatal(err)
	}
	var targets []matrixRoute
	for _, rt := range srv.Routes() {
		if rt.Method != "GET" && rt.Method != "" && !sessionEnding(rt.Pattern) {
			targets = append(targets, matrixRoute{Method: rt.Method, Pattern: rt.Pattern, Access: rt.Access})
		}
	}
	for _, op := range api.New(env.App, env.App.I18n, log).Ops() {
		if op.Method != "GET" && !sessionEnding(op.Path) {
			targets = append(targets, matrixRoute{Method: op.Method, Pattern: op.Path, API: true, Access: op.Access})
		}
	}
	if len(targets) < 150 {
		f.Fatalf("only %d routes to send bodies to", len(targets))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, rt := range targets {
			path, _ := fx.fill(rt.Pattern, rt.API)
			s := shape{body: body, ctype: "application/x-www-form-urlencoded"}
			if rt.API {
				s.ctype = "application/json"
			}
			for _, r := range []role{teacher, parent} {
				if a := fx.ask(t, r, rt.Method, path, rt.API, s); a.status >= 500 {
					t.Errorf("%s as %s, body %.80q: %d", rt, r, body, a.status)
				}
			}
		}
	})
}

// sessionEnding routes would end the session the next bodies are sent
// with (logging out, deleting the account, switching into a child's view,
// changing the password); their bodies are tested in their own tests.
func sessionEnding(p string) bool {
	switch p {
	case "/logout", "/auth/logout", "/me", "/me/sessions", "/settings/delete", "/settings/sessions/logout-others",
		"/settings/password", "/me/password", "/children/{id}/switch", "/children/back", "/settings/2fa/disable",
		"/settings/2fa/begin", "/settings/2fa/confirm", "/settings/email", "/me/email", "/login", "/login/class", "/login/class/pick",
		"/login/card", "/login/2fa", "/auth/login", "/signup", "/auth/signup", "/signup/student", "/auth/student-signup":
		return true
	}
	return false
}
