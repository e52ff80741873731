package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cubby/internal/db/dbtest"
	"cubby/internal/demo"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// Restricting an address without JavaScript: a bad address comes back on
// the form, open, with the message and what was typed; a good one asks for
// confirmation first and is listed once confirmed; other staff get 403.
func TestEmailBlockForm(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, d)
			ctx := context.Background()
			ava, err := store.UserByUsername(ctx, env.DB.R, demo.StudentUsername)
			if err != nil {
				t.Fatal(err)
			}
			st, err := store.StudentByUserID(ctx, env.DB.R, ava.ID)
			if err != nil {
				t.Fatal(err)
			}
			base := env.URL + "/schools/" + strconv.FormatInt(st.SchoolID, 10) + "/students/" + strconv.FormatInt(st.ID, 10)
			leader := login(t, env, demo.LeaderEmail)

			status, body, _ := post(t, leader, base+"/email-blocks", url.Values{"email": {"not-an-address"}, "reason": {"court_order"}, "note": {"File 9"}})
			if status != http.StatusBadRequest || !strings.Contains(body, `value="not-an-address"`) || !strings.Contains(body, `<details class="remove card" open>`) ||
				!strings.Contains(body, `aria-invalid="true"`) {
				t.Errorf("a bad address: %d", status)
			}
			status, body, _ = post(t, leader, base+"/email-blocks", url.Values{"email": {"Order@Example.org"}, "reason": {"court_order"}})
			if status != http.StatusOK || !strings.Contains(body, `id="confirm"`) || !strings.Contains(body, "Order@Example.org") {
				t.Fatalf("the confirmation step: %d", status)
			}
			var n int
			if err := env.DB.R.QueryRow(`SELECT count(*) FROM guardian_email_blocks`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("a block was made before it was confirmed (%d, %v)", n, err)
			}
			if status, _, _ := post(t, leader, base+"/email-blocks", url.Values{"email": {"Order@Example.org"}, "reason": {"court_order"}, "confirm": {"1"}}); status != http.StatusSeeOther {
				t.Errorf("confirmed: %d", status)
			}
			if _, body, _ := get(t, leader, base+"/family"); !strings.Contains(body, "order@example.org") {
				t.Error("the restricted address is not listed")
			}
			if status, _, _ := post(t, login(t, env, demo.TeacherEmail), base+"/email-blocks", url.Values{"email": {"x@example.org"}, "reason": {"other"}, "confirm": {"1"}}); status != http.StatusForbidden {
				t.Errorf("a teacher: %d", status)
			}
		})
	}
}
