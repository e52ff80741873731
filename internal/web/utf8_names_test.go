package web_test

import (
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/testenv"
)

// A name that is not UTF-8 (a form's %FF) is refused at the field, as any
// other bad name is, on both engines; PostgreSQL refused to store it, which
// was a 500 (found by FuzzParseClientValues).
func TestNameNotUTF8Refused(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			c := login(t, env, demo.ParentEmail)
			body := "first_name=%FFlen&last_name=Martin&title=Mrs.&language=en"
			resp, err := c.Post(env.URL+"/settings/profile", "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("a first name of invalid UTF-8: %d, want 400", resp.StatusCode)
			}
			var first string
			if err := env.DB.R.QueryRow(`SELECT first_name FROM users WHERE email = $1`, demo.ParentEmail).Scan(&first); err != nil {
				t.Fatal(err)
			}
			if first != "Helen" {
				t.Errorf("first name now %q", first)
			}
		})
	}
}
