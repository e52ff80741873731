package cli

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"cubby/internal/db/dbtest"
	"cubby/internal/store"
)

// The operator lists the help requests about no school, answers one (the
// answer is queued by email), notes and closes it.
func TestHelpdeskCommand(t *testing.T) {
	ctx := context.Background()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			dir := dataOn(t, d)
			run := func(args ...string) (string, int) {
				var out, errOut strings.Builder
				code := Run(ctx, append(args, "-data-dir", dir, "-log-level", "error"), &out, &errOut)
				return out.String() + errOut.String(), code
			}
			if out, code := run("migrate"); code != 0 {
				t.Fatalf("migrate: %s", out)
			}
			database, err := openData(t, d, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer database.Close()
			r := &store.HelpRequest{Topic: "privacy", Body: "Which data do you keep about me?\nThanks", Email: "sam@example.org", Language: "en", CreatedAt: time.Now().UTC()}
			if err := store.CreateHelpRequest(ctx, database.W, r); err != nil {
				t.Fatal(err)
			}
			id := strconv.FormatInt(r.ID, 10)
			if out, code := run("helpdesk", "list"); code != 0 || !strings.Contains(out, "#"+id) || !strings.Contains(out, "Which data do you keep about me?") || strings.Contains(out, "Thanks") {
				t.Errorf("list (exit %d):\n%s", code, out)
			}
			if out, code := run("helpdesk", "reply", id, "See the transparency page."); code != 0 {
				t.Fatalf("reply (exit %d):\n%s", code, out)
			}
			var to string
			if err := database.R.QueryRow(`SELECT recipient FROM outbox WHERE template = 'help_answer'`).Scan(&to); err != nil || to != "sam@example.org" {
				t.Errorf("the answer's email: %q %v", to, err)
			}
			if out, code := run("helpdesk", "note", id, ""); code == 0 {
				t.Errorf("an empty note: %s", out)
			}
			if out, code := run("helpdesk", "close", id); code != 0 {
				t.Fatalf("close (exit %d):\n%s", code, out)
			}
			if out, code := run("helpdesk", "show", id); code != 0 || !strings.Contains(out, "closed") || !strings.Contains(out, "reply (operator): See the transparency page.") {
				t.Errorf("show (exit %d):\n%s", code, out)
			}
			if out, code := run("helpdesk", "show", "99999"); code == 0 || !strings.Contains(out, "no help request #99999") {
				t.Errorf("show an unknown request (exit %d):\n%s", code, out)
			}
			if out, code := run("helpdesk", "list", "lost"); code == 0 {
				t.Errorf("a status that does not exist: %s", out)
			}
		})
	}
}
