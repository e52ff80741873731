package db_test

import (
	"context"
	"testing"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
)

// The statement cache must never hand one statement to two uses at once:
// here the same query runs again, inside one transaction, while the
// first one's rows are still being read.
func TestStatementCacheNestedUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	database := dbtest.Open(t, dbtest.SQLiteOnly(t, "the statement cache wraps the SQLite driver only"))
	for i := 0; i < 5; i++ {
		if _, err := database.W.ExecContext(ctx, `INSERT INTO schools (name, country, created_at) VALUES ($1, 'US', CURRENT_TIMESTAMP)`, i); err != nil {
			t.Fatal(err)
		}
	}
	q := `SELECT id FROM schools WHERE id >= $1 ORDER BY id`
	err := database.Tx(ctx, func(tx db.Querier) error {
		outer, err := tx.QueryContext(ctx, q, 1)
		if err != nil {
			return err
		}
		defer outer.Close()
		n := 0
		for outer.Next() {
			var id int64
			outer.Scan(&id)
			inner, err := tx.QueryContext(ctx, q, id)
			if err != nil {
				return err
			}
			m := 0
			for inner.Next() {
				m++
			}
			inner.Close()
			if m != 5-n {
				t.Errorf("inner query from %d saw %d rows", id, m)
			}
			n++
		}
		if n != 5 {
			t.Errorf("outer saw %d rows", n)
		}
		return outer.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// And the cached statement keeps working afterwards.
	for i := 0; i < 3; i++ {
		var c int
		if err := database.R.QueryRowContext(ctx, `SELECT count(*) FROM schools WHERE id >= $1`, 3).Scan(&c); err != nil || c != 3 {
			t.Fatalf("cached query: %d %v", c, err)
		}
	}
}
