package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"cubby/internal/db"
)

// ImportedSchool is one school as a data source describes it.
type ImportedSchool struct {
	SourceID   string
	Name       string
	Address    string
	City       string
	Region     string
	PostalCode string
	Country    string
	Lat, Lon   *float64
	YearStart  string
	YearEnd    string
}

// ImportFields are the fields an import may provide, in column order.
var ImportFields = []string{"source_id", "name", "address", "city", "region", "postal_code", "country", "lat", "lon", "year_start", "year_end"}

// SchoolUpsert writes imported schools in multi-row statements. A school is
// identified by (source, source_id): a new one is inserted, a known one has
// the fields the import provides updated — and only when they changed, so
// re-importing the same file rewrites nothing and leaves the search indexes
// alone.
type SchoolUpsert struct {
	dialect db.Dialect
	source  string
	now     time.Time
	update  []string
	stmt    *sql.Stmt // for batches of exactly Rows
	Rows    int       // the prepared statement's batch size
	querier db.Querier
}

// preparer is what a *sql.Tx offers beyond Querier.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// PrepareSchoolUpsert prepares the statement for batches of rows schools on
// q (a transaction). update names the fields the import provides besides
// source_id; only those are overwritten on a known school.
func PrepareSchoolUpsert(ctx context.Context, q db.Querier, d db.Dialect, source string, update []string, rows int, now time.Time) (*SchoolUpsert, error) {
	for _, f := range update {
		if f == "source_id" || !slices.Contains(ImportFields, f) {
			return nil, fmt.Errorf("school upsert: cannot update field %q", f)
		}
	}
	u := &SchoolUpsert{dialect: d, source: source, now: now, update: update, Rows: rows, querier: q}
	if p, ok := q.(preparer); ok && rows > 0 {
		stmt, err := p.PrepareContext(ctx, u.sql(rows))
		if err != nil {
			return nil, db.MapError(err)
		}
		u.stmt = stmt
	}
	return u, nil
}

// Close releases the prepared statement.
func (u *SchoolUpsert) Close() error {
	if u.stmt != nil {
		return u.stmt.Close()
	}
	return nil
}

const upsertColumns = 13

func (u *SchoolUpsert) sql(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO schools (source_id, name, address, city, region, postal_code, country, lat, lon, year_start, year_end, source, created_at) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for j := 1; j <= upsertColumns; j++ {
			if j > 1 {
				b.WriteString(", ")
			}
			if u.dialect == db.SQLite {
				// Anonymous parameters: the SQLite driver looks up each
				// parameter's name while binding, in time that grows with
				// their number, which made a 3,000-parameter statement
				// slower than writing its rows one by one.
				b.WriteString("?")
			} else {
				fmt.Fprintf(&b, "$%d", i*upsertColumns+j)
			}
		}
		b.WriteString(")")
	}
	b.WriteString(` ON CONFLICT (source, source_id) DO `)
	if len(u.update) == 0 {
		b.WriteString(`NOTHING`)
		return b.String()
	}
	var set, changed []string
	for _, f := range u.update {
		set = append(set, f+" = excluded."+f)
		changed = append(changed, "schools."+f+" IS DISTINCT FROM excluded."+f)
	}
	b.WriteString(`UPDATE SET ` + strings.Join(set, ", ") + ` WHERE ` + strings.Join(changed, " OR "))
	return b.String()
}

// Exec writes schools (their source ids must be distinct: one statement
// cannot touch a row twice) and returns how many rows were inserted or
// changed.
func (u *SchoolUpsert) Exec(ctx context.Context, schools []ImportedSchool) (int64, error) {
	if len(schools) == 0 {
		return 0, nil
	}
	args := make([]any, 0, len(schools)*upsertColumns)
	for i := range schools {
		s := &schools[i]
		args = append(args, s.SourceID, s.Name, s.Address, s.City, s.Region, s.PostalCode, s.Country,
			s.Lat, s.Lon, nullString(s.YearStart), nullString(s.YearEnd), u.source, u.now)
	}
	var res sql.Result
	var err error
	if u.stmt != nil && len(schools) == u.Rows {
		res, err = u.stmt.ExecContext(ctx, args...)
	} else {
		res, err = u.querier.ExecContext(ctx, u.sql(len(schools)), args...)
	}
	if err != nil {
		return 0, db.MapError(err)
	}
	n, err := res.RowsAffected()
	return n, db.MapError(err)
}

// CountSchoolsBySource counts the schools one source has provided.
func CountSchoolsBySource(ctx context.Context, q db.Querier, source string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM schools WHERE source = $1`, source).Scan(&n)
	return n, db.MapError(err)
}

// OptimizeSchoolSearch tidies the search indexes after a bulk import:
// SQLite merges the full-text index into one segment, PostgreSQL moves the
// words index's pending entries into the index proper (which otherwise
// every search scans until autovacuum gets there) and refreshes the
// planner's statistics.
func OptimizeSchoolSearch(ctx context.Context, q db.Querier, d db.Dialect) error {
	var stmts []string
	switch d {
	case db.SQLite:
		stmts = []string{`INSERT INTO schools_fts (schools_fts) VALUES ('optimize')`}
	case db.Postgres:
		stmts = []string{`SELECT gin_clean_pending_list(CAST('schools_search_words' AS regclass))`, `ANALYZE schools`}
	}
	for _, s := range stmts {
		if _, err := q.ExecContext(ctx, s); err != nil {
			return db.MapError(err)
		}
	}
	return nil
}
