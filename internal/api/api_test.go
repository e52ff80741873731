package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

type client struct {
	t     *testing.T
	env   *testenv.Env
	token string
}

func (c *client) do(method, path, body string, headers ...string) (int, map[string]any, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.env.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	raw := testenv.ReadAll(c.t, resp.Body)
	var out map[string]any
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			c.t.Fatalf("%s %s: not JSON: %q", method, path, raw)
		}
	}
	return resp.StatusCode, out, resp.Header
}

func loginAPI(t *testing.T, env *testenv.Env, field, who string) *client {
	c := &client{t: t, env: env}
	status, out, _ := c.do("POST", "/api/v1/auth/login", `{"`+field+`":"`+who+`","password":"`+demo.Password+`"}`)
	if status != 200 {
		t.Fatalf("login %s: %d %v", who, status, out)
	}
	c.token = out["token"].(string)
	return c
}

func TestAuthFlow(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			anon := &client{t: t, env: env}

			if s, out, h := anon.do("GET", "/api/v1/me", ""); s != 401 || h.Get("Content-Type") != "application/problem+json" || out["status"].(float64) != 401 {
				t.Errorf("anonymous /me: %d %v", s, out)
			}
			// Unknown account and wrong password give the same answer.
			_, a, _ := anon.do("POST", "/api/v1/auth/login", `{"email":"nobody@demo.cubby.test","password":"x"}`)
			s, b, _ := anon.do("POST", "/api/v1/auth/login", `{"email":"`+demo.TeacherEmail+`","password":"x"}`)
			if s != 401 || a["detail"] != b["detail"] {
				t.Errorf("login failure differs: %v vs %v", a, b)
			}
			// Bad input is a 400 with a message, never a 500.
			for _, body := range []string{`{`, `[]`, `{"email":1}`, `{"email":"a@b.c","password":"x","extra":true}`, `{"a":1}{"b":2}`} {
				if s, out, _ := anon.do("POST", "/api/v1/auth/login", body); s != 400 || out["detail"] == "" {
					t.Errorf("body %s: %d %v", body, s, out)
				}
			}
			if s, out, _ := anon.do("POST", "/api/v1/auth/login", `{"email":"","password":""}`); s != 400 || out["errors"] == nil {
				t.Errorf("empty login: %d %v", s, out)
			}
			if s, out, _ := anon.do("POST", "/api/v1/auth/login", `{"email":"x@y.z","password":"`+strings.Repeat("p", 2<<20)+`"}`); s != 413 {
				t.Errorf("huge body: %d %v", s, out)
			}

			teacher := loginAPI(t, env, "email", strings.ToUpper(demo.TeacherEmail))
			s, me, _ := teacher.do("GET", "/api/v1/me", "")
			if s != 200 || me["type"] != "teacher" || me["email"] != demo.TeacherEmail || me["title"] != "Ms." || len(me["school_ids"].([]any)) != 1 {
				t.Errorf("me: %d %v", s, me)
			}
			if _, ok := me["id"].(string); !ok {
				t.Errorf("ids must be strings: %v", me["id"])
			}
			student := loginAPI(t, env, "username", demo.StudentUsername)
			if _, me, _ := student.do("GET", "/api/v1/me", ""); me["type"] != "student" || me["username"] != demo.StudentUsername {
				t.Errorf("student me: %v", me)
			}

			if s, _, _ := teacher.do("POST", "/api/v1/auth/logout", ""); s != 204 {
				t.Errorf("logout: %d", s)
			}
			if s, _, _ := teacher.do("GET", "/api/v1/me", ""); s != 401 {
				t.Errorf("token still works after logout: %d", s)
			}
		})
	}
}

func TestClassesPagination(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			leader := loginAPI(t, env, "email", demo.LeaderEmail)
			s, p1, _ := leader.do("GET", "/api/v1/classes?limit=1", "")
			if s != 200 || len(p1["classes"].([]any)) != 1 || p1["next"] == nil {
				t.Fatalf("page 1: %d %v", s, p1)
			}
			s, p2, _ := leader.do("GET", "/api/v1/classes?limit=1&cursor="+p1["next"].(string), "")
			if s != 200 || len(p2["classes"].([]any)) != 1 {
				t.Fatalf("page 2: %d %v", s, p2)
			}
			first := p1["classes"].([]any)[0].(map[string]any)
			second := p2["classes"].([]any)[0].(map[string]any)
			if first["id"] == second["id"] {
				t.Errorf("pages overlap")
			}
			_, p3, _ := leader.do("GET", "/api/v1/classes?limit=1&next="+p2["next"].(string), "")
			if len(p3["classes"].([]any)) != 0 || p3["next"] != nil {
				t.Errorf("page 3 should be empty and last: %v", p3)
			}
			for _, q := range []string{"limit=0", "limit=201", "limit=abc", "cursor=!!!", "cursor=Zm9v"} {
				if s, out, _ := leader.do("GET", "/api/v1/classes?"+q, ""); s != 400 || out["errors"] == nil {
					t.Errorf("%s: %d %v", q, s, out)
				}
			}
			teacher := loginAPI(t, env, "email", demo.TeacherEmail)
			_, out, _ := teacher.do("GET", "/api/v1/classes", "")
			if cls := out["classes"].([]any); len(cls) != 1 || cls[0].(map[string]any)["name"] != "Class 3 Sunflowers" {
				t.Errorf("teacher sees %v", cls)
			}
			parent := loginAPI(t, env, "email", demo.ParentEmail)
			if s, _, _ := parent.do("GET", "/api/v1/classes", ""); s != 403 {
				t.Errorf("parent class list: %d", s)
			}
		})
	}
}

func TestProblemsAreTranslated(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			anon := &client{t: t, env: env}
			_, out, h := anon.do("GET", "/api/v1/me", "", "Accept-Language", "es")
			if h.Get("Content-Language") != "es" || out["detail"] != "Primero inicia sesión." {
				t.Errorf("problem in Spanish: %v %v", h.Get("Content-Language"), out)
			}
			if s, out, _ := anon.do("GET", "/api/v1/no-such-thing", ""); s != 404 || out["type"] == nil {
				t.Errorf("unknown API path: %d %v", s, out)
			}
		})
	}
}
