// Package db opens Cubby's database — embedded SQLite by default, PostgreSQL
// for scale — and hides the few places where the two differ behind Dialect.
// Every query in the store is written once with $N placeholders, which both
// drivers bind positionally.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the engine. Store code branches on it only through the
// helpers in this package.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a database with a write path and a read path. On SQLite the writer is
// a single connection with immediate transactions, so writers queue in Go
// rather than failing with SQLITE_BUSY, and readers use a pool alongside it
// (WAL lets them run during a write). On PostgreSQL both are the same pool.
type DB struct {
	W       *sql.DB
	R       *sql.DB
	Dialect Dialect
}

// Errors the store maps driver errors onto, so callers never see a driver.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrBusy     = errors.New("database busy")
)

// OpenSQLite opens (creating if needed) the SQLite file at path.
func OpenSQLite(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	// _time_format=sqlite stores times as sortable text; without it the
	// driver writes time.Time.String(), which is neither sortable nor parseable.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_time_format=sqlite&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	w, err := sql.Open("sqlite-cached", base+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite-cached", base+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	// Readers are cheap and many requests read several times; a pool
	// larger than the core count keeps concurrent requests from queueing.
	r.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	r.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	d := &DB{W: w, R: r, Dialect: SQLite}
	if err := d.Ping(context.Background()); err != nil {
		d.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return d, nil
}

// OpenPostgres connects to the PostgreSQL server at dsn.
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	p.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	p.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{W: p, R: p, Dialect: Postgres}
	if err := d.Ping(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return d, nil
}

// Ping checks both paths; /readyz uses it.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.W.PingContext(ctx); err != nil {
		return err
	}
	return d.R.PingContext(ctx)
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	return err
}

// Querier is what both *sql.DB and *sql.Tx offer, so store functions can
// run inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx runs fn in a write transaction, committing only if fn returns nil; a
// panic or error always rolls back. A busy SQLite database (another process
// holding the write lock past the busy timeout) is retried a few times.
func (d *DB) Tx(ctx context.Context, fn func(tx Querier) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = d.tx(ctx, fn)
		if !errors.Is(err, ErrBusy) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(50*(attempt+1)) * time.Millisecond):
		}
	}
	return err
}

func (d *DB) tx(ctx context.Context, fn func(tx Querier) error) (err error) {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return MapError(err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return MapError(err)
	}
	return MapError(tx.Commit())
}

// MapError turns driver errors into the store's sentinel errors, keeping the
// original wrapped for logs.
func MapError(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrBusy) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%w: %w", ErrBusy, err)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "23"): // integrity constraint violation
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case pe.Code == "40001" || pe.Code == "40P01": // serialization failure, deadlock
			return fmt.Errorf("%w: %w", ErrBusy, err)
		}
	}
	return err
}
