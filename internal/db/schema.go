package db

import (
	"context"
	"fmt"
	"strings"
)

// Column is one column of the live schema.
type Column struct {
	Table, Name string
}

func (c Column) String() string { return c.Table + "." + c.Name }

// Columns lists every column of every application table in the live schema,
// so tests can compare what the database really holds with the privacy
// inventory. Bookkeeping tables (goose's, SQLite's own, FTS shadow tables)
// are left out.
func (d *DB) Columns(ctx context.Context) ([]Column, error) {
	var q string
	switch d.Dialect {
	case SQLite:
		q = `SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
		     ORDER BY m.name, p.cid`
	case Postgres:
		q = `SELECT table_name, column_name FROM information_schema.columns
		     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`
	}
	rows, err := d.R.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Table, &c.Name); err != nil {
			return nil, err
		}
		if internalTable(c.Table) {
			continue
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// internalTable reports tables that hold no application data: goose's
// version table and the shadow tables SQLite creates for FTS5 and R*Tree
// indexes (their content is covered by the indexed table's entries).
func internalTable(name string) bool {
	if name == "goose_db_version" {
		return true
	}
	for _, suffix := range []string{"_data", "_idx", "_docsize", "_config", "_content", "_node", "_parent", "_rowid"} {
		if strings.HasSuffix(name, "_fts"+suffix) || strings.HasSuffix(name, "_rtree"+suffix) {
			return true
		}
	}
	return false
}
