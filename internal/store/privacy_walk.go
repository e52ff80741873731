package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cubby/internal/db"
)

// The privacy walk (export, erasure, retention) runs SQL that package
// privacy generates from the inventory: table and column names that the
// inventory validator checked against ^[a-z_][a-z0-9_]*$ and the schema
// test against the live database, never input from a request. These
// helpers are the only place that SQL runs.

// Row is one row as column → value.
type Row map[string]any

// SelectRows runs a generated SELECT and returns its rows with values
// normalised for JSON: times in UTC, bytes as text.
func SelectRows(ctx context.Context, q db.Querier, query string, args ...any) ([]Row, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, db.MapError(err)
		}
		r := Row{}
		for i, c := range cols {
			r[c] = normalise(vals[i])
		}
		out = append(out, r)
	}
	return out, db.MapError(rows.Err())
}

func normalise(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC()
	}
	return v
}

// Exec runs a generated statement and returns the rows it affected.
func Exec(ctx context.Context, q db.Querier, query string, args ...any) (int64, error) {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, db.MapError(err)
	}
	return res.RowsAffected()
}

// Count runs a generated SELECT count(*).
func Count(ctx context.Context, q db.Querier, query string, args ...any) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, db.MapError(err)
}

// inList expands %s in query into $1…$n for ids.
func inList(query string, ids []int64) (string, []any) {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	return fmt.Sprintf(query, strings.Join(ph, ", ")), args
}

// SchoolYearEnds maps each school to its year_end date (YYYY-MM-DD), for
// retention counting from the end of the school year.
func SchoolYearEnds(ctx context.Context, q db.Querier) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(year_end, '') FROM schools`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var end string
		if err := rows.Scan(&id, &end); err != nil {
			return nil, db.MapError(err)
		}
		out[id] = end
	}
	return out, db.MapError(rows.Err())
}

// NoticeVersion is an archived version of the transparency page.
type NoticeVersion struct {
	Version     string
	EffectiveAt time.Time
	Material    bool
	Changes     string // JSON
	Content     string // JSON
}

// AddNoticeVersion archives a version unless it is there already.
func AddNoticeVersion(ctx context.Context, q db.Querier, v NoticeVersion) error {
	_, err := q.ExecContext(ctx, `INSERT INTO notice_versions (version, effective_at, material, changes, content) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (version) DO NOTHING`, v.Version, v.EffectiveAt, v.Material, v.Changes, v.Content)
	return db.MapError(err)
}

// NoticeVersions lists the versions, newest first.
func NoticeVersions(ctx context.Context, q db.Querier) ([]NoticeVersion, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, effective_at, material, changes, content FROM notice_versions ORDER BY effective_at DESC, version`)
	if err != nil {
		return nil, db.MapError(err)
	}
	defer rows.Close()
	var out []NoticeVersion
	for rows.Next() {
		var v NoticeVersion
		if err := rows.Scan(&v.Version, &v.EffectiveAt, &v.Material, &v.Changes, &v.Content); err != nil {
			return nil, db.MapError(err)
		}
		v.EffectiveAt = v.EffectiveAt.UTC()
		out = append(out, v)
	}
	return out, db.MapError(rows.Err())
}
