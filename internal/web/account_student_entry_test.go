package web_test

import (
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/testenv"
)

// A student finds the class-code login from the pages a visitor lands on:
// the home page ("I'm a student") and the login form.
func TestStudentEntryIsLinked(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, dbtest.SQLiteOnly(t, "links on public pages; no SQL"))
	for _, page := range []string{"/", "/login"} {
		status, body, _ := get(t, env.Client(), env.URL+page)
		if status != 200 || !strings.Contains(body, `href="/login/class"`) {
			t.Errorf("%s (%d) does not link to the class-code login", page, status)
		}
	}
	if status, body, _ := get(t, env.Client(), env.URL+"/login/class"); status != 200 || !strings.Contains(body, `name="code"`) {
		t.Errorf("/login/class: %d", status)
	}
}
