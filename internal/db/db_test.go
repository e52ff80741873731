package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
)

func TestMigrateAndErrors(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			database := dbtest.Open(t, d)
			// Applying again is a no-op.
			if err := database.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			cur, latest, err := database.SchemaVersion(ctx)
			if err != nil || cur != latest || cur < 1 {
				t.Fatalf("version %d/%d, %v", cur, latest, err)
			}

			now := time.Now().UTC().Truncate(time.Microsecond)
			var id int64
			err = database.W.QueryRowContext(ctx,
				`INSERT INTO users (kind, first_name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
				"teacher", "Ada", "ada@example.org", now).Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			var got time.Time
			if err := database.R.QueryRowContext(ctx, `SELECT created_at FROM users WHERE id = $1`, id).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(now) {
				t.Errorf("time round trip: got %v want %v", got, now)
			}

			// A duplicate email maps to ErrConflict, inside Tx too, and the
			// failed transaction leaves nothing behind.
			err = database.Tx(ctx, func(tx db.Querier) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO schools (name, country, created_at) VALUES ('X', 'US', $1)`, now); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO users (kind, first_name, email, created_at, updated_at) VALUES ('parent', 'B', 'ada@example.org', $1, $1)`, now)
				return err
			})
			if !errors.Is(err, db.ErrConflict) {
				t.Fatalf("want ErrConflict, got %v", err)
			}
			var n int
			database.R.QueryRowContext(ctx, `SELECT count(*) FROM schools`).Scan(&n)
			if n != 0 {
				t.Errorf("rolled-back school is still there")
			}
			err = database.R.QueryRowContext(ctx, `SELECT id FROM users WHERE id = -1`).Scan(&id)
			if !errors.Is(db.MapError(err), db.ErrNotFound) {
				t.Errorf("want ErrNotFound, got %v", err)
			}
		})
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	for _, d := range dbtest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			database := dbtest.Open(t, d)
			_, err := database.W.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, TRUE)`)
			if err != nil {
				t.Fatal(err)
			}
			err = database.Migrate(ctx)
			if err == nil || !strings.Contains(err.Error(), "newer") {
				t.Fatalf("want a refusal, got %v", err)
			}
		})
	}
}
