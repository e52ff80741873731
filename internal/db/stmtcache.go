package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// SQLite parses every query text anew unless a statement is prepared and
// kept; measured on the award-points path, parsing was a third of the CPU.
// database/sql keeps nothing between calls, so this driver wraps
// modernc's and keeps each connection's prepared statements by query text.
// Statements are per connection (a SQLite handle belongs to one), and a
// statement whose rows are still open is not reused: a second use meanwhile
// gets a fresh one.
// It wraps modernc's registered driver, which holds the functions Go
// registers (fold.go).
func init() {
	plain, _ := sql.Open("sqlite", "")
	sql.Register("sqlite-cached", cachingDriver{plain.Driver().(*sqlite.Driver)})
	plain.Close()
}

type cachingDriver struct{ d *sqlite.Driver }

func (c cachingDriver) Open(name string) (driver.Conn, error) {
	conn, err := c.d.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

// maxCachedStmts bounds a connection's cache; query texts are constants in
// the code, so the bound is only a guard against a future dynamic query.
const maxCachedStmts = 500

type cachingConn struct {
	driver.Conn
	mu    sync.Mutex
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	driver.Stmt
	busy bool
}

// inner exposes the optional interfaces modernc's connection implements.
type innerConn interface {
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func (c *cachingConn) inner() innerConn { return c.Conn.(innerConn) }

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner().BeginTx(ctx, opts)
}
func (c *cachingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.inner().PrepareContext(ctx, q)
}
func (c *cachingConn) Ping(ctx context.Context) error         { return c.inner().Ping(ctx) }
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.inner().ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.inner().IsValid() }
func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if chk, ok := c.Conn.(driver.NamedValueChecker); ok {
		return chk.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// cacheable: only single statements with arguments are worth keeping;
// scripts (migrations) and argument-free housekeeping go straight through.
func cacheable(q string, args []driver.NamedValue) bool {
	return len(args) > 0 && !strings.Contains(strings.TrimRight(strings.TrimSpace(q), ";"), ";")
}

// take returns the connection's idle statement for q, preparing one if
// needed; cached reports whether it belongs to the cache.
func (c *cachingConn) take(ctx context.Context, q string) (st *cachedStmt, cached bool, err error) {
	c.mu.Lock()
	st = c.stmts[q]
	if st != nil && !st.busy {
		st.busy = true
		c.mu.Unlock()
		return st, true, nil
	}
	full := len(c.stmts) >= maxCachedStmts
	c.mu.Unlock()
	ds, err := c.inner().PrepareContext(ctx, q)
	if err != nil {
		return nil, false, err
	}
	st = &cachedStmt{Stmt: ds, busy: true}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, taken := c.stmts[q]; taken || full {
		return st, false, nil
	}
	c.stmts[q] = st
	return st, true, nil
}

func (c *cachingConn) release(st *cachedStmt, cached bool) {
	if !cached {
		st.Close()
		return
	}
	c.mu.Lock()
	st.busy = false
	c.mu.Unlock()
}

func (c *cachingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if !cacheable(q, args) {
		return c.inner().QueryContext(ctx, q, args)
	}
	st, cached, err := c.take(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := st.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.release(st, cached)
		return nil, err
	}
	return &releasingRows{Rows: rows, release: func() { c.release(st, cached) }}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if !cacheable(q, args) {
		return c.inner().ExecContext(ctx, q, args)
	}
	st, cached, err := c.take(ctx, q)
	if err != nil {
		return nil, err
	}
	defer c.release(st, cached)
	return st.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) Close() error {
	c.mu.Lock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

// releasingRows gives its statement back when the rows are closed.
type releasingRows struct {
	driver.Rows
	release func()
	once    sync.Once
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.release)
	return err
}

// ColumnTypeDatabaseTypeName passes through what modernc's rows offer,
// which database/sql uses to scan declared types such as TIMESTAMP.
func (r *releasingRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}
