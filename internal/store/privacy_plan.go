package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cubby/internal/db"
	"cubby/internal/privacy"
)

// The statements of the inventory's plans — export, erasure, retention and
// correction requests — are built here from what package privacy says about
// each table (its reaches, its erase steps, its retention rules) and run by
// the helpers of privacy_walk.go. Package app decides which plan applies to
// whom and in which transaction; the SQL is only here.

// ExportRows reads the exported fields of a table's rows about one person:
// their own row of the identity table, and the rows each of reaches leads
// from (a subject path from their id, a contact key from their address).
// It returns no rows when nothing can lead to them.
func ExportRows(ctx context.Context, q db.Querier, t *privacy.Table, fields []*privacy.Field, reaches []privacy.Reach, id int64, email string) ([]Row, error) {
	// The person's id and address each get a placeholder only if a
	// condition uses it: PostgreSQL refuses a parameter it cannot type.
	var conds []string
	var args []any
	ph := map[bool]string{}
	param := func(contact bool) string {
		if p, ok := ph[contact]; ok {
			return p
		}
		args = append(args, map[bool]any{false: id, true: email}[contact])
		ph[contact] = "$" + strconv.Itoa(len(args))
		return ph[contact]
	}
	if t.Identity {
		conds = append(conds, `"id" = `+param(false))
	}
	for _, r := range reaches {
		if r.Contact {
			conds = append(conds, "("+r.WhereWith("", param(true))+")")
		} else {
			conds = append(conds, "("+r.WhereWith(param(false), "")+")")
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	query := "SELECT " + columnList(fields) + " FROM " + privacy.Q(t.Name) + " WHERE " + strings.Join(conds, " OR ")
	return SelectRows(ctx, q, query, args...)
}

func columnList(fields []*privacy.Field) string {
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = privacy.Q(f.Name)
	}
	return strings.Join(cols, ", ")
}

// ReachedFrom lists, as text, the values of a reach's link column that lead
// to one of the people ids: for a one-hop reach the ids themselves, else
// the keys of the first hop's table whose path ends at one of them.
func ReachedFrom(ctx context.Context, q db.Querier, r privacy.Reach, ids []int64) (map[string]bool, error) {
	out := map[string]bool{}
	if len(r.Hops) == 1 {
		for _, id := range ids {
			out[strconv.FormatInt(id, 10)] = true
		}
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	h := r.Hops[0]
	rows, err := SelectRows(ctx, q, "SELECT "+privacy.Q(h.ToColumn)+" AS v FROM "+privacy.Q(h.ToTable)+
		" WHERE "+privacy.ReachSQL(r.Hops[1:], privacy.Q(r.Hops[len(r.Hops)-1].ToColumn)+" IN ("+strings.Join(ph, ", ")+")"), args...)
	if err != nil {
		return nil, err
	}
	for _, v := range rows {
		out[fmt.Sprint(v["v"])] = true
	}
	return out, nil
}

// EraseReached carries out one step of an erasure plan on the rows its
// reach finds from a person (id, or email for a contact key), stamping rows
// it holds with now. It returns how many rows it changed and the file keys
// those rows named before the change.
func EraseReached(ctx context.Context, q db.Querier, d db.Dialect, schema privacy.Schema, st privacy.EraseStep, id int64, email string,
	now time.Time) (int64, []string, error) {
	where, args := st.Reach.Where(), []any{st.Reach.Param(id, email)}
	files, err := filesOf(ctx, q, st.Reach.Table, st.Files, where, args)
	if err != nil {
		return 0, nil, err
	}
	if st.StampHeld && !st.Delete {
		args = append(args, now)
	}
	n, err := Exec(ctx, q, eraseSQL(d, schema, st, where), args...)
	if err != nil {
		return 0, nil, fmt.Errorf("erase %s via %s: %w", st.Reach.Table.Name, st.Reach.Link, err)
	}
	return n, files, nil
}

// eraseSQL turns one step of the plan into a statement.
func eraseSQL(d db.Dialect, schema privacy.Schema, st privacy.EraseStep, where string) string {
	t := st.Reach.Table
	if st.Delete {
		return "DELETE FROM " + privacy.Q(t.Name) + " WHERE " + where
	}
	var sets []string
	for _, c := range st.Clear {
		sets = append(sets, privacy.Q(c)+" = "+clearExpr(schema, t.Name, c))
	}
	for _, c := range st.Anonymize {
		sets = append(sets, privacy.Q(c)+" = "+anonExpr(d, schema, t.Name, c))
	}
	if st.StampHeld {
		sets = append(sets, fmt.Sprintf("%s = COALESCE(%s, $2)", privacy.Q(t.HeldSince), privacy.Q(t.HeldSince)))
	}
	if len(sets) == 0 {
		return "SELECT 1 WHERE 1 = 0"
	}
	return "UPDATE " + privacy.Q(t.Name) + " SET " + strings.Join(sets, ", ") + " WHERE " + where
}

// DeletePersonRow deletes a person's own row of the identity table, the
// last step of their erasure.
func DeletePersonRow(ctx context.Context, q db.Querier, identity *privacy.Table, id int64) (int64, error) {
	return Exec(ctx, q, "DELETE FROM "+privacy.Q(identity.Name)+` WHERE "id" = $1`, id)
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
func anonExpr(d db.Dialect, schema privacy.Schema, table, col string) string {
	c, _ := schema.Column(table, col)
	if !c.Text() {
		return clearExpr(schema, table, col)
	}
	if d == db.Postgres {
		return `'~' || md5(random()::text || clock_timestamp()::text)`
	}
	return `'~' || lower(hex(randomblob(12)))`
}

// filesOf lists the file keys held in file columns of the rows matched.
func filesOf(ctx context.Context, q db.Querier, t *privacy.Table, cols []string, where string, args []any) ([]string, error) {
	var keys []string
	for _, c := range cols {
		rows, err := SelectRows(ctx, q, "SELECT "+privacy.Q(c)+" AS k FROM "+privacy.Q(t.Name)+" WHERE "+where, args...)
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

// retentionWhere selects the rows a retention rule is due for, with $1 the
// cutoff as the clock column stores it, in every school or (school != 0,
// as $2) in one. Rows that lead to a student under a restriction on a
// holding ground are kept, whatever the period says.
func retentionWhere(r privacy.RetentionRule, cutoff any, school int64) (string, []any) {
	where := r.Where()
	if hold := retentionHold(r.Table); hold != "" {
		where = "(" + where + ") AND NOT (" + hold + ")"
	}
	args := []any{cutoff}
	if school != 0 {
		where += ` AND "school_id" = $2`
		args = append(args, school)
	}
	return where, args
}

// retentionHold is a condition on a table's rows that holds for rows the
// retention job must keep because they lead to a student under a
// restriction on a holding ground; "" when no row of t can.
func retentionHold(t *privacy.Table) string {
	held := RetentionHeldUsers
	if t.Identity {
		return `"id" IN (` + held + `)`
	}
	var conds []string
	for _, r := range t.Reaches() {
		if r.Contact {
			continue
		}
		// An empty link (a teacher's account gone) must read as "not held",
		// not as NULL, which NOT would keep NULL and so spare the row.
		last := r.Hops[len(r.Hops)-1]
		conds = append(conds, "("+privacy.Q(r.Hops[0].Column)+" IS NOT NULL AND "+
			privacy.ReachSQL(r.Hops, privacy.Q(last.ToColumn)+" IN ("+held+")")+")")
	}
	return strings.Join(conds, " OR ")
}

// RetentionFiles lists the file keys named by the rows a retention rule is
// due for (see ApplyRetention), to remove once the rule has run.
func RetentionFiles(ctx context.Context, q db.Querier, r privacy.RetentionRule, cutoff any, school int64) ([]string, error) {
	where, args := retentionWhere(r, cutoff, school)
	return filesOf(ctx, q, r.Table, r.Files, where, args)
}

// ApplyRetention carries out a retention rule on the rows whose clock
// started before cutoff (in the clock column's own type), in every school
// or in one, and returns how many rows it deleted or changed. Only rows
// still holding a value count, so running it twice changes nothing the
// second time.
func ApplyRetention(ctx context.Context, q db.Querier, d db.Dialect, schema privacy.Schema, r privacy.RetentionRule, cutoff any, school int64) (int64, error) {
	t := r.Table
	where, args := retentionWhere(r, cutoff, school)
	var stmt string
	switch {
	case r.Delete:
		stmt = "DELETE FROM " + privacy.Q(t.Name) + " WHERE " + where
	default:
		var sets, pending []string
		for _, f := range r.Fields {
			c, _ := schema.Column(t.Name, f)
			if r.Action == privacy.Anonymize && c.Text() {
				sets = append(sets, privacy.Q(f)+" = "+anonExpr(d, schema, t.Name, f))
				pending = append(pending, privacy.Q(f)+" NOT LIKE '~%'")
				continue
			}
			e := clearExpr(schema, t.Name, f)
			sets = append(sets, privacy.Q(f)+" = "+e)
			if e == "NULL" {
				pending = append(pending, privacy.Q(f)+" IS NOT NULL")
			} else {
				pending = append(pending, privacy.Q(f)+" <> "+e)
			}
		}
		stmt = "UPDATE " + privacy.Q(t.Name) + " SET " + strings.Join(sets, ", ") + " WHERE " + where + " AND (" + strings.Join(pending, " OR ") + ")"
	}
	n, err := Exec(ctx, q, stmt, args...)
	if err != nil {
		return 0, fmt.Errorf("retention %s: %w", t.Name, err)
	}
	return n, nil
}

// studentRowsWhere is the condition on a table's rows that holds for rows
// leading to a student through a subject path, with $1 the student's
// account id ("" when no path can).
func studentRowsWhere(t *privacy.Table) string {
	var conds []string
	for _, r := range t.Reaches() {
		if !r.Contact {
			conds = append(conds, "("+r.Where()+")")
		}
	}
	return strings.Join(conds, " OR ")
}

// RecordsAbout reads the id and fields of up to limit rows of a table about
// a student (through their account, childUserID), newest first: all of
// them for key "", else the one whose id is key. It returns no rows when
// no subject path of the table can lead to a student.
func RecordsAbout(ctx context.Context, q db.Querier, t *privacy.Table, fields []*privacy.Field, childUserID int64, key string, limit int) ([]Row, error) {
	where := studentRowsWhere(t)
	if where == "" {
		return nil, nil
	}
	query := `SELECT "id"`
	if len(fields) > 0 {
		query += ", " + columnList(fields)
	}
	query += " FROM " + privacy.Q(t.Name) + " WHERE (" + where + ")"
	args := []any{childUserID}
	if key != "" {
		query += ` AND CAST("id" AS TEXT) = $2`
		args = append(args, key)
	}
	query += fmt.Sprintf(` ORDER BY "id" DESC LIMIT %d`, limit)
	return SelectRows(ctx, q, query, args...)
}

// DeleteRecordAbout deletes the row of a table whose id is key, if it leads
// to the student (a correction accepted by removing the record).
func DeleteRecordAbout(ctx context.Context, q db.Querier, t *privacy.Table, childUserID int64, key string) error {
	_, err := Exec(ctx, q, "DELETE FROM "+privacy.Q(t.Name)+` WHERE CAST("id" AS TEXT) = $2 AND (`+studentRowsWhere(t)+")", childUserID, key)
	return err
}
