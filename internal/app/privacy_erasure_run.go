package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"cubby/internal/db"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// EraseNow erases an account at once, walking the inventory: every table,
// every way its rows lead to the person, each field's declared action. It
// runs in one transaction, so a failure leaves everything as it was; files
// named by erased rows are removed after the commit. It logs and records
// counts, never contents.
func (a *App) EraseNow(ctx context.Context, userID int64) error {
	schema, err := a.liveSchema(ctx)
	if err != nil {
		return err
	}
	u, err := store.UserByID(ctx, a.db.R, userID)
	if errors.Is(err, ErrNotFound) {
		return store.FinishErasure(ctx, a.db.W, userID, a.Now(), "already gone")
	}
	if err != nil {
		return err
	}
	// A duplicate profile merged into this one left rows (audit entries)
	// under its old account: they are this person's, and go with them.
	merged, err := store.MergedAccounts(ctx, a.db.R, []int64{u.ID})
	if err != nil {
		return err
	}
	plan := a.Inventory.ErasePlan(privacy.AccountType(u.Kind))
	now := a.Now()
	counts := map[string]int64{}
	var files []string
	err = a.db.Tx(ctx, func(tx db.Querier) error {
		first, err := a.eraseStoriesFirst(ctx, tx, u) // story_privacy.go
		if err != nil {
			return err
		}
		files = append(files, first...)
		keys, err := a.eraseReached(ctx, tx, plan, schema, u.ID, u.Email, now, counts)
		if err != nil {
			return err
		}
		files = append(files, keys...)
		for id := range merged {
			keys, err := a.eraseReached(ctx, tx, plan, schema, id, "", now, counts)
			if err != nil {
				return err
			}
			files = append(files, keys...)
		}
		id := a.Inventory.Identity()
		n, err := store.Exec(ctx, tx, "DELETE FROM "+privacy.Q(id.Name)+` WHERE "id" = $1`, u.ID)
		if err != nil {
			return err
		}
		counts[id.Name+" deleted"] += n
		if err := a.audit(ctx, tx, store.AuditEntry{ActorRole: "system", Action: store.AuditErase, Detail: "account of a " + u.Kind}); err != nil {
			return err
		}
		return store.FinishErasure(ctx, tx, u.ID, now, eraseSummary(counts))
	})
	if err != nil {
		return err
	}
	for _, k := range files {
		if err := a.Privacy.Files.Remove(k); err != nil {
			a.Log.Error("erasure: remove file", "err", err)
		}
	}
	a.Log.Info("erasure done", "kind", u.Kind, "rows", eraseSummary(counts), "files", len(files))
	return nil
}

// eraseReached carries out the plan on the rows that lead to one account
// (and, when known, its address), adding what it did to counts and
// returning the files named by erased rows.
func (a *App) eraseReached(ctx context.Context, tx db.Querier, plan []privacy.EraseStep, schema privacy.Schema, id int64, email string,
	now time.Time, counts map[string]int64) ([]string, error) {
	var files []string
	for _, st := range plan {
		if st.Reach.Contact && email == "" {
			continue
		}
		where, args := st.Reach.Where(), []any{st.Reach.Param(id, email)}
		keys, err := a.filesOf(ctx, tx, st.Reach.Table, st.Files, where, args)
		if err != nil {
			return nil, err
		}
		files = append(files, keys...)
		if st.StampHeld && !st.Delete {
			args = append(args, now)
		}
		stmt := a.eraseSQL(st, schema, where)
		if stmt == "" {
			continue // every field reached is on hold: nothing to change
		}
		n, err := store.Exec(ctx, tx, stmt, args...)
		if err != nil {
			return nil, fmt.Errorf("erase %s via %s: %w", st.Reach.Table.Name, st.Reach.Link, err)
		}
		if n > 0 {
			verb := "deleted"
			if !st.Delete {
				verb = "changed"
				if len(st.Hold) > 0 {
					verb = "held"
				}
			}
			counts[st.Reach.Table.Name+" "+verb] += n
		}
	}
	return files, nil
}

// eraseSQL turns one step of the plan into a statement, or "" when the
// step only keeps what it reaches (every field on hold, as a message is
// kept in the school's record).
func (a *App) eraseSQL(st privacy.EraseStep, schema privacy.Schema, where string) string {
	t := st.Reach.Table
	if st.Delete {
		return "DELETE FROM " + privacy.Q(t.Name) + " WHERE " + where
	}
	var sets []string
	for _, c := range st.Clear {
		sets = append(sets, privacy.Q(c)+" = "+clearExpr(schema, t.Name, c))
	}
	for _, c := range st.Anonymize {
		sets = append(sets, privacy.Q(c)+" = "+a.anonExpr(schema, t.Name, c))
	}
	if st.StampHeld {
		sets = append(sets, fmt.Sprintf("%s = COALESCE(%s, $2)", privacy.Q(t.HeldSince), privacy.Q(t.HeldSince)))
	}
	if len(sets) == 0 {
		return ""
	}
	return "UPDATE " + privacy.Q(t.Name) + " SET " + strings.Join(sets, ", ") + " WHERE " + where
}

// clearExpr is how to clear a column in a row that stays. CheckErasable
// guarantees one exists for every column a plan clears.
func clearExpr(schema privacy.Schema, table, col string) string {
	c, _ := schema.Column(table, col)
	if e, ok := c.ClearExpr(); ok {
		return e
	}
	return "NULL"
}

// anonExpr replaces a text value with a random one no one can trace back,
// distinct per row (unique columns stay unique), marked by a leading "~".
// Other types are cleared.
func (a *App) anonExpr(schema privacy.Schema, table, col string) string {
	c, _ := schema.Column(table, col)
	if !c.Text() {
		return clearExpr(schema, table, col)
	}
	if a.db.Dialect == db.Postgres {
		return `'~' || md5(random()::text || clock_timestamp()::text)`
	}
	return `'~' || lower(hex(randomblob(12)))`
}

// filesOf lists the file keys held in file columns of the rows matched.
func (a *App) filesOf(ctx context.Context, q db.Querier, t *privacy.Table, cols []string, where string, args []any) ([]string, error) {
	var keys []string
	for _, c := range cols {
		rows, err := store.SelectRows(ctx, q, "SELECT "+privacy.Q(c)+" AS k FROM "+privacy.Q(t.Name)+" WHERE "+where, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if k, ok := r["k"].(string); ok && k != "" && !strings.HasPrefix(k, "~") {
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}

func eraseSummary(counts map[string]int64) string {
	var parts []string
	for k, n := range counts {
		parts = append(parts, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
