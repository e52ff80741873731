package benchdata

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"cubby/internal/db"
)

// table is a table and the columns a bulk write fills, in row order.
type table struct {
	name string
	cols []string
}

var (
	pointsTable = table{"points", []string{"school_id", "class_id", "student_id", "skill_id", "skill_name", "weight", "awarded_by", "awarded_at"}}
	marksTable  = table{"attendance", []string{"school_id", "class_id", "student_id", "day", "status", "recorded_by", "recorded_at"}}
)

// bulkWriter writes many rows in one transaction by the engine's fastest
// path: COPY on PostgreSQL; on SQLite, INSERTs of rowsPerInsert rows, whose
// text stays the same so each connection prepares it once.
type bulkWriter struct{ d *db.DB }

const rowsPerInsert = 100

func newBulkWriter(d *db.DB) *bulkWriter { return &bulkWriter{d: d} }

// write writes r1 into t1 and r2 into t2 in one transaction.
func (w *bulkWriter) write(ctx context.Context, t1 table, r1 [][]any, t2 table, r2 [][]any) error {
	if w.d.Dialect == db.Postgres {
		return w.copy(ctx, t1, r1, t2, r2)
	}
	return w.d.Tx(ctx, func(tx db.Querier) error {
		if err := insertMany(ctx, tx, t1, r1); err != nil {
			return err
		}
		return insertMany(ctx, tx, t2, r2)
	})
}

func insertMany(ctx context.Context, tx db.Querier, t table, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), rowsPerInsert)
		args := make([]any, 0, n*len(t.cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, insertSQL(t, n), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", t.name, db.MapError(err))
		}
		rows = rows[n:]
	}
	return nil
}

// insertSQL is an INSERT of n rows into t.
func insertSQL(t table, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", t.name, strings.Join(t.cols, ", "))
	k := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range t.cols {
			if j > 0 {
				b.WriteString(", ")
			}
			k++
			fmt.Fprintf(&b, "$%d", k)
		}
		b.WriteByte(')')
	}
	return b.String()
}

// copy writes through COPY on the pgx connection under database/sql.
func (w *bulkWriter) copy(ctx context.Context, t1 table, r1 [][]any, t2 table, r2 [][]any) error {
	conn, err := w.d.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("benchdata: not a pgx connection: %T", dc)
		}
		return pgx.BeginFunc(ctx, sc.Conn(), func(tx pgx.Tx) error {
			for _, t := range []struct {
				t    table
				rows [][]any
			}{{t1, r1}, {t2, r2}} {
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.t.name}, t.t.cols, pgx.CopyFromRows(t.rows)); err != nil {
					return fmt.Errorf("copy into %s: %w", t.t.name, err)
				}
			}
			return nil
		})
	})
}

// withoutIndexes drops the secondary indexes of tables while fn loads
// them and builds them again after: one sorted build per index is far
// cheaper than keeping every index in step with millions of rows arriving
// out of order. The indexes are rebuilt from the engine's own record of
// their definitions, so they come back exactly as the migrations made them.
func withoutIndexes(ctx context.Context, d *db.DB, tables []string, fn func() error) error {
	q := `SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = $1`
	if d.Dialect == db.Postgres {
		q = `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
			AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))`
	}
	var defs []string
	for _, t := range tables {
		rows, err := d.W.QueryContext(ctx, q, t)
		if err != nil {
			return err
		}
		for rows.Next() {
			var def string
			if err := rows.Scan(&def); err != nil {
				rows.Close()
				return err
			}
			defs = append(defs, def)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, def := range defs {
		name := indexName(def)
		if _, err := d.W.ExecContext(ctx, "DROP INDEX "+name); err != nil {
			return fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	err := fn()
	// Rebuilt even when fn failed, so the schema is never left short.
	for _, def := range defs {
		if _, e := d.W.ExecContext(ctx, def); e != nil && err == nil {
			err = fmt.Errorf("%s: %w", def, e)
		}
	}
	return err
}

// indexName is the name in "CREATE [UNIQUE] INDEX name ON …".
func indexName(def string) string {
	f := strings.Fields(def)
	for i, w := range f {
		if strings.EqualFold(w, "INDEX") && i+1 < len(f) {
			return f[i+1]
		}
	}
	return ""
}
