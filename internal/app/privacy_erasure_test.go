package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/privacy/privacytest"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// person is what to look for after someone is erased.
type person = privacytest.Person

// leftovers reports what is left of the people that the inventory does
// not declare on hold.
func leftovers(t *testing.T, env *testenv.Env, people []person) []string {
	t.Helper()
	out, err := privacytest.Leftovers(context.Background(), env.DB, env.App.Inventory, env.Files, people)
	must(t, err)
	return out
}

// Erasing the fixture's people leaves nothing identifying but the holds the
// inventory declares, in the database or the file store.
func TestErasureLeavesOnlyDeclaredHolds(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a := f.ctx, f.env.App
			people := []person{
				{ID: f.teacherID, Email: teacherEmail, Names: []string{"Ottoline", "Vexmoor"}},
				{ID: f.parentID, Email: parentEmail, Names: []string{"Barnaby", "Quillfeather"}},
				{ID: f.studentUserID, Email: "", Names: []string{"Zephyrine", "Zanderwick"}},
				{ID: f.otherChildID, Email: "", Names: []string{"Wilhelmina"}},
			}
			if len(leftovers(t, f.env, people)) == 0 {
				t.Fatal("the scan finds nothing before erasure; it would prove nothing after")
			}
			// An archive waiting for download is a copy of the person too.
			if _, err := a.RequestExport(ctx, f.parent); err != nil {
				t.Fatal(err)
			}
			a.WaitJobs()
			for _, p := range people {
				must(t, a.EraseNow(ctx, p.ID))
			}
			for _, l := range leftovers(t, f.env, people) {
				t.Error("left after erasure:", l)
			}
			if _, err := store.UserByID(ctx, f.env.DB.R, f.studentUserID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("the student's account is still there: %v", err)
			}
			// The ledger remembers the ids, and the audit chain still verifies.
			ids, err := store.ErasedUserIDs(ctx, f.env.DB.R)
			must(t, err)
			for _, p := range people {
				if !slices.Contains(ids, p.ID) {
					t.Errorf("erasure ledger lacks %s", p.Email)
				}
			}
			r, err := a.VerifyAudit(ctx)
			must(t, err)
			if !r.OK() || r.Redacted == 0 {
				t.Errorf("audit chain after erasure: %+v", r)
			}
		})
	}
}

// A person asks to delete their account: logged out at once, able to
// change their mind during the grace period, erased when it ends.
func TestDeleteAccountAfterGracePeriod(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			start := a.Now()
			at(env, start)
			// Without the password nothing is scheduled: a device left
			// logged in cannot delete its owner's account (issue 15).
			var ve *app.ValidationError
			for _, pw := range []string{"", "not the password"} {
				if _, err := a.DeleteAccount(ctx, f.parent, pw); !errors.As(err, &ve) || ve.Fields["password"].Key != "password.wrong" {
					t.Errorf("deleting with password %q: %v", pw, err)
				}
			}
			if e, _ := a.PendingDeletion(ctx, f.parent); e != nil {
				t.Fatal("a deletion was scheduled without the password")
			}
			// An account without a password needs a fresh login instead.
			nopw := *f.parent
			u := *nopw.User
			u.PasswordHash, nopw.User, nopw.LoggedInAt = "", &u, start.Add(-app.FreshLogin-time.Minute)
			if _, err := a.DeleteAccount(ctx, &nopw, ""); !errors.As(err, &ve) || ve.Fields["password"].Key != "delete.login_again" {
				t.Errorf("a passwordless account's stale login deleted it: %v", err)
			}
			due, err := a.DeleteAccount(ctx, f.parent, "amber meadow kite")
			must(t, err)
			if want := start.AddDate(0, 0, 14); !due.Equal(want) {
				t.Errorf("due %v, want %v (the default two weeks)", due, want)
			}
			var sessions int
			env.DB.R.QueryRow(`SELECT count(*) FROM sessions WHERE user_id = $1`, f.parentID).Scan(&sessions)
			if sessions != 0 {
				t.Errorf("%d sessions left after asking to delete", sessions)
			}
			if !strings.Contains(env.LastEmail(t, parentEmail), due.Format("2006-01-02")) {
				t.Error("no email says when the account will be deleted")
			}
			// Logging in again shows the request; the person changes their
			// mind, then asks again.
			s := loginAs(t, env, parentEmail, "amber meadow kite")
			if e, err := a.PendingDeletion(ctx, s); err != nil || e == nil || !e.DueAt.Equal(due) {
				t.Fatalf("pending deletion after logging in: %+v %v", e, err)
			}
			if again, err := a.DeleteAccount(ctx, s, "amber meadow kite"); !errors.Is(err, app.ErrDeletionPending) || !again.Equal(due) {
				t.Errorf("asking twice: %v %v", again, err)
			}
			s = loginAs(t, env, parentEmail, "amber meadow kite")
			must(t, a.CancelDeletion(ctx, s))
			if e, _ := a.PendingDeletion(ctx, s); e != nil {
				t.Fatal("still pending after cancelling")
			}
			due, err = a.DeleteAccount(ctx, s, "amber meadow kite")
			must(t, err)
			at(env, due.Add(-time.Minute))
			if _, err := a.RunDueErasures(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := store.UserByID(ctx, env.DB.R, f.parentID); err != nil {
				t.Fatalf("erased before the grace period ended: %v", err)
			}
			at(env, due.Add(time.Minute))
			if _, err := a.RunDueErasures(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := store.UserByID(ctx, env.DB.R, f.parentID); !errors.Is(err, app.ErrNotFound) {
				t.Fatalf("not erased after the grace period: %v", err)
			}
			for _, l := range leftovers(t, env, []person{{ID: f.parentID, Email: parentEmail, Names: []string{"Barnaby", "Quillfeather"}}}) {
				t.Error("left after erasure:", l)
			}
		})
	}
}

// RunDueErasures erases only what is due, and a second run does nothing.
func TestDueErasuresRunOnce(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f := newFamily(t, d)
			ctx, a := f.ctx, f.env.App
			now := a.Now()
			_, err := a.DeleteAccount(ctx, f.parent, "amber meadow kite")
			must(t, err)
			at(f.env, now.Add(13*24*time.Hour))
			n, err := a.RunDueErasures(ctx)
			must(t, err)
			if n != 0 {
				t.Errorf("erased %d accounts after 13 days, want none", n)
			}
			if _, err := store.UserByID(ctx, f.env.DB.R, f.parentID); err != nil {
				t.Errorf("the parent was erased before the grace period ended: %v", err)
			}
			at(f.env, now.Add(14*24*time.Hour+time.Minute))
			// The parent, and the student the leader asked to erase.
			if n, err = a.RunDueErasures(ctx); err != nil || n != 2 {
				t.Errorf("after 14 days: %d, %v", n, err)
			}
			if n, err = a.RunDueErasures(ctx); err != nil || n != 0 {
				t.Errorf("second run: %d, %v", n, err)
			}
			if _, err := store.UserByID(ctx, f.env.DB.R, f.parentID); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("parent not erased: %v", err)
			}
		})
	}
}
