package app_test

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"cubby/internal/app"
	"cubby/internal/db/dbtest"
	"cubby/internal/privacy"
	"cubby/internal/store"
	"cubby/internal/testenv"
)

// person is what to look for after someone is erased.
type person struct {
	id     int64
	email  string
	tokens []string // name parts
}

// leftovers scans every table and the file store for the people's ids (in
// every column that can hold one: foreign keys to users and the first hop
// of every subject path), emails and names, and reports each hit that is
// not a field the inventory declares on hold (DSR-7).
func leftovers(t *testing.T, env *testenv.Env, people []person) []string {
	t.Helper()
	ctx := context.Background()
	inv := env.App.Inventory
	schema, err := privacy.ReadSchema(ctx, env.DB)
	must(t, err)
	fks, err := privacy.ReadForeignKeys(ctx, env.DB)
	must(t, err)
	idCols := map[string]bool{}
	for _, fk := range fks {
		if fk.RefTable == "users" && fk.RefColumn == "id" {
			idCols[fk.Table+"."+fk.Column] = true
		}
	}
	for _, tab := range inv.Tables() {
		for _, p := range tab.SubjectPaths {
			if len(p.Hops) == 1 {
				idCols[tab.Name+"."+p.Hops[0].Column] = true
			}
		}
	}
	held := func(table, col string) bool {
		tab, ok := inv.Table(table)
		if !ok {
			return false
		}
		if f, ok := tab.Field(col); ok && f.Personal {
			return f.Erase == privacy.Hold
		}
		// A key column is allowed to stay only in rows kept for a hold.
		return tab.Held()
	}
	var out []string
	for _, p := range people {
		for id := range idCols {
			table, col, _ := strings.Cut(id, ".")
			n, err := store.Count(ctx, env.DB.R, "SELECT count(*) FROM "+privacy.Q(table)+" WHERE "+privacy.Q(col)+" = $1", p.id)
			must(t, err)
			if n > 0 && !held(table, col) {
				out = append(out, fmt.Sprintf("%s = id of %s (%d rows)", id, p.email, n))
			}
		}
		needles := append([]string{p.email}, p.tokens...)
		for table, cols := range schema {
			for col, c := range cols {
				if !c.Text() || strings.HasSuffix(table, "_fts") || table == "goose_db_version" {
					continue
				}
				for _, needle := range needles {
					if needle == "" {
						continue
					}
					n, err := store.Count(ctx, env.DB.R, "SELECT count(*) FROM "+privacy.Q(table)+" WHERE lower("+privacy.Q(col)+") LIKE $1",
						"%"+strings.ToLower(needle)+"%")
					must(t, err)
					if n > 0 && !held(table, col) {
						out = append(out, fmt.Sprintf("%s.%s holds %q (%d rows)", table, col, needle, n))
					}
				}
			}
		}
		must(t, env.Files.Walk(func(key string) error {
			for _, needle := range needles {
				if fileHolds(t, env.Files, key, needle) {
					out = append(out, fmt.Sprintf("file %s holds %q", key, needle))
				}
			}
			return nil
		}))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// fileHolds looks inside a file, and inside each entry of a zip archive.
func fileHolds(t *testing.T, fs privacy.DirStore, key, needle string) bool {
	r, err := fs.Open(key)
	must(t, err)
	b, err := io.ReadAll(r)
	r.Close()
	must(t, err)
	if zr, err := zip.NewReader(strings.NewReader(string(b)), int64(len(b))); err == nil {
		for _, f := range zr.File {
			rc, _ := f.Open()
			inner, _ := io.ReadAll(rc)
			rc.Close()
			if strings.Contains(strings.ToLower(string(inner)), strings.ToLower(needle)) {
				return true
			}
		}
		return false
	}
	return strings.Contains(strings.ToLower(string(b)), strings.ToLower(needle))
}

// Erasing the fixture's people leaves nothing identifying but the holds the
// inventory declares, in the database or the file store.
func TestErasureLeavesOnlyDeclaredHolds(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			f := newFamily(t, d)
			ctx, a := f.ctx, f.env.App
			people := []person{
				{f.teacherID, teacherEmail, []string{"Ottoline", "Vexmoor"}},
				{f.parentID, parentEmail, []string{"Barnaby", "Quillfeather"}},
				{f.studentUserID, "", []string{"Zephyrine", "Zanderwick"}},
				{f.otherChildID, "", []string{"Wilhelmina"}},
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
				must(t, a.EraseNow(ctx, p.id))
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
				if !slices.Contains(ids, p.id) {
					t.Errorf("erasure ledger lacks %s", p.email)
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
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			f := newFamily(t, d)
			ctx, a, env := f.ctx, f.env.App, f.env
			start := a.Now()
			at(env, start)
			due, err := a.DeleteAccount(ctx, f.parent)
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
			if again, err := a.DeleteAccount(ctx, s); !errors.Is(err, app.ErrDeletionPending) || !again.Equal(due) {
				t.Errorf("asking twice: %v %v", again, err)
			}
			s = loginAs(t, env, parentEmail, "amber meadow kite")
			must(t, a.CancelDeletion(ctx, s))
			if e, _ := a.PendingDeletion(ctx, s); e != nil {
				t.Fatal("still pending after cancelling")
			}
			due, err = a.DeleteAccount(ctx, s)
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
			for _, l := range leftovers(t, env, []person{{f.parentID, parentEmail, []string{"Barnaby", "Quillfeather"}}}) {
				t.Error("left after erasure:", l)
			}
		})
	}
}

// RunDueErasures erases only what is due, and a second run does nothing.
func TestDueErasuresRunOnce(t *testing.T) {
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			f := newFamily(t, d)
			ctx, a := f.ctx, f.env.App
			now := a.Now()
			_, err := a.DeleteAccount(ctx, f.parent)
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
