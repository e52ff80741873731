package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"cubby/internal/db"
	"cubby/internal/db/dbtest"
)

// dataOn returns a data folder for commands run by t and points them at
// engine d as an operator would: SQLite in the folder with zero
// configuration, or PostgreSQL through CUBBY_DATABASE_URL, here a schema
// of the test's own.
func dataOn(t *testing.T, d db.Dialect) string {
	t.Helper()
	if d == db.Postgres {
		t.Setenv("CUBBY_DATABASE_URL", dbtest.PostgresURL(t))
	} else {
		t.Setenv("CUBBY_DATABASE_URL", "")
	}
	return t.TempDir()
}

// openData opens the database the commands of dataOn use.
func openData(t *testing.T, d db.Dialect, dir string) (*db.DB, error) {
	t.Helper()
	if d == db.Postgres {
		return db.OpenPostgres(context.Background(), os.Getenv("CUBBY_DATABASE_URL"))
	}
	return db.OpenSQLite(filepath.Join(dir, "cubby.db"))
}
