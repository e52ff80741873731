package privacy

import (
	"context"
	"fmt"
	"strings"

	"cubby/internal/db"
)

// ColumnInfo is what erasure and retention need to know about a live
// column to change it without code of their own: how to clear it, and
// whether its clock is a date written as text.
type ColumnInfo struct {
	Table, Name string
	Type        string // as the engine reports it, lower-cased
	NotNull     bool
	Default     string // the default's SQL expression; "" if none
}

// Text reports a text column (whose dates are written YYYY-MM-DD).
func (c ColumnInfo) Text() bool {
	return strings.Contains(c.Type, "text") || strings.Contains(c.Type, "char")
}

// ClearExpr is the SQL value that clears the column: NULL where allowed,
// else its default (an empty string, false, 0). A NOT NULL column with no
// default cannot be cleared; CheckErasable reports it before erasure runs.
func (c ColumnInfo) ClearExpr() (string, bool) {
	if !c.NotNull {
		return "NULL", true
	}
	if c.Default != "" {
		return c.Default, true
	}
	return "", false
}

// Schema is the live schema's columns, by table and name.
type Schema map[string]map[string]ColumnInfo

// Column returns a column's facts.
func (s Schema) Column(table, name string) (ColumnInfo, bool) {
	c, ok := s[table][name]
	return c, ok
}

// ReadSchema reads column types, nullability and defaults from the live
// database.
func ReadSchema(ctx context.Context, d *db.DB) (Schema, error) {
	var q string
	switch d.Dialect {
	case db.SQLite:
		q = `SELECT m.name, p.name, lower(p.type), p."notnull", COALESCE(p.dflt_value, '')
		     FROM sqlite_schema m, pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	case db.Postgres:
		q = `SELECT table_name, column_name, lower(data_type), is_nullable = 'NO', COALESCE(column_default, '')
		     FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	rows, err := d.R.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	defer rows.Close()
	s := Schema{}
	for rows.Next() {
		var c ColumnInfo
		if err := rows.Scan(&c.Table, &c.Name, &c.Type, &c.NotNull, &c.Default); err != nil {
			return nil, err
		}
		if s[c.Table] == nil {
			s[c.Table] = map[string]ColumnInfo{}
		}
		s[c.Table][c.Name] = c
	}
	return s, rows.Err()
}

// ForeignKey is a column referring to another table's column.
type ForeignKey struct{ Table, Column, RefTable, RefColumn string }

// ReadForeignKeys lists the live schema's foreign keys, for tests that
// look for a person's id in every column that can hold it.
func ReadForeignKeys(ctx context.Context, d *db.DB) ([]ForeignKey, error) {
	var q string
	switch d.Dialect {
	case db.SQLite:
		q = `SELECT m.name, f."from", f."table", f."to" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`
	case db.Postgres:
		q = `SELECT kcu.table_name, kcu.column_name, ccu.table_name, ccu.column_name
		     FROM information_schema.table_constraints tc
		     JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
		     JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
		     WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`
	}
	rows, err := d.R.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ForeignKey
	for rows.Next() {
		var fk ForeignKey
		if err := rows.Scan(&fk.Table, &fk.Column, &fk.RefTable, &fk.RefColumn); err != nil {
			return nil, err
		}
		out = append(out, fk)
	}
	return out, rows.Err()
}

// CheckErasable reports fields erasure or retention would have to clear in
// a row that stays, but that the database cannot clear (NOT NULL without a
// default). Such a field needs a default, or the row must be deletable.
func (inv *Inventory) CheckErasable(s Schema) []error {
	var errs []error
	// need maps a column to whether it is only ever anonymised (a text
	// column then needs no way to be cleared).
	need := map[string]bool{}
	mark := func(id string, anon bool) {
		if prev, ok := need[id]; ok {
			anon = anon && prev
		}
		need[id] = anon
	}
	for _, at := range ErasableTypes {
		for _, st := range inv.ErasePlan(at) {
			for _, c := range st.Clear {
				mark(st.Reach.Table.Name+"."+c, false)
			}
			for _, c := range st.Anonymize {
				mark(st.Reach.Table.Name+"."+c, true)
			}
		}
	}
	for _, r := range inv.RetentionRules() {
		if !r.Delete {
			for _, c := range r.Fields {
				mark(r.Table.Name+"."+c, r.Action == Anonymize)
			}
		}
	}
	for id, anon := range need {
		table, col, _ := strings.Cut(id, ".")
		c, ok := s.Column(table, col)
		if !ok {
			continue // the schema check reports missing columns
		}
		if anon && c.Text() {
			continue
		}
		if _, ok := c.ClearExpr(); !ok {
			errs = append(errs, fmt.Errorf("%s may have to be cleared in a row that is kept, but it is NOT NULL without a default", id))
		}
	}
	return errs
}
