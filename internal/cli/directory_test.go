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

// The operator confirms a school a teacher added and gives it a leader.
func TestStaffCommand(t *testing.T) {
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
			now := time.Now().UTC()
			school := &store.School{Name: "Hilltop Primary", City: "Springfield", Country: "US", Source: "manual", CreatedAt: now}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(store.CreateSchool(ctx, database.W, school))
			teacher := &store.User{Kind: store.KindTeacher, FirstName: "Ada", LastName: "Byrne", Email: "ada@hilltop.example", Language: "en", CreatedAt: now}
			must(store.CreateUser(ctx, database.W, teacher))
			must(store.AddMembership(ctx, database.W, &store.Membership{SchoolID: school.ID, UserID: teacher.ID, Role: store.RoleTeacher, Status: "active", CreatedAt: now}))
			parent := &store.User{Kind: store.KindParent, FirstName: "Pat", Email: "pat@example.org", Language: "en", CreatedAt: now}
			must(store.CreateUser(ctx, database.W, parent))
			sid := strconv.FormatInt(school.ID, 10)

			if out, code := run("staff", "list", sid); code != 0 || !strings.Contains(out, "Hilltop Primary (Springfield, not confirmed)") ||
				!strings.Contains(out, "active   teacher unverified Ada Byrne <ada@hilltop.example>") {
				t.Errorf("list (exit %d):\n%s", code, out)
			}
			if out, code := run("staff", "confirm-school", sid); code != 0 || !strings.Contains(out, "Hilltop Primary is confirmed") {
				t.Errorf("confirm (exit %d):\n%s", code, out)
			}
			if out, code := run("staff", "make-leader", sid, "ADA@hilltop.example"); code != 0 || !strings.Contains(out, "Ada Byrne is now a verified leader") {
				t.Errorf("make-leader (exit %d):\n%s", code, out)
			}
			m, err := store.MembershipOf(ctx, database.R, school.ID, teacher.ID)
			if err != nil || m.Role != store.RoleLeader || m.Status != "active" || m.VerifiedAt == nil {
				t.Errorf("membership %+v %v", m, err)
			}
			if s, _ := store.SchoolByID(ctx, database.R, school.ID); !s.Verified {
				t.Error("school not confirmed")
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"staff", "make-leader", sid, "pat@example.org"}, "only teachers and school leaders"},
				{[]string{"staff", "make-leader", sid, "nobody@example.org"}, "no account with that email"},
				{[]string{"staff", "list", "999"}, "no school 999"},
				{[]string{"staff", "list", "abc"}, "not a school id"},
				{[]string{"staff", "promote", sid}, "say what to do"},
				{[]string{"staff"}, "say what to do"},
			} {
				if out, code := run(tc.args...); code != 1 || !strings.Contains(out, tc.want) {
					t.Errorf("%v (exit %d):\n%s", tc.args, code, out)
				}
			}
		})
	}
}
