// Package dbtest gives tests a fresh, migrated database on every engine
// available: SQLite always, PostgreSQL when CUBBY_TEST_DATABASE_URL is set
// (.ci/run sets it). Store tests loop over Engines so the same suite runs on
// both.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"cubby/internal/db"
)

// EnvPostgres names the variable holding a PostgreSQL URL for tests.
const EnvPostgres = "CUBBY_TEST_DATABASE_URL"

// Engines returns the dialects to test against. PostgreSQL is skipped with a
// note (once per test) when no server was given.
func Engines(t testing.TB) []db.Dialect {
	if os.Getenv(EnvPostgres) == "" {
		t.Logf("PostgreSQL pass skipped: set %s (as .ci/run does) to run it", EnvPostgres)
		return []db.Dialect{db.SQLite}
	}
	return []db.Dialect{db.SQLite, db.Postgres}
}

// SQLiteOnly is the dialect of a test that runs on one engine on purpose,
// because what it checks does not depend on the database (a document, a
// route table); why says so in the test's log. Every test of SQL loops
// over Engines instead.
func SQLiteOnly(t testing.TB, why string) db.Dialect {
	t.Helper()
	t.Logf("SQLite only: %s", why)
	return db.SQLite
}

// Open returns a fresh, migrated database of the given dialect, removed when
// the test ends.
func Open(t testing.TB, d db.Dialect) *db.DB {
	t.Helper()
	database := OpenEmpty(t, d)
	if err := database.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return database
}

// OpenEmpty is Open without the migrations.
func OpenEmpty(t testing.TB, d db.Dialect) *db.DB {
	t.Helper()
	ctx := context.Background()
	switch d {
	case db.SQLite:
		database, err := db.OpenSQLite(filepath.Join(t.TempDir(), "cubby.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { database.Close() })
		return database
	case db.Postgres:
		database, err := db.OpenPostgres(ctx, PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { database.Close() })
		return database
	}
	t.Fatalf("unknown dialect %q", d)
	return nil
}

// PostgresURL creates an empty schema of its own for t and returns the URL
// of the test server with that schema as its search_path, for code that
// opens the database itself (the CLI's -database-url). The schema is
// dropped when the test ends, after everything t.Cleanup closes later.
func PostgresURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("PostgreSQL not available: set %s", EnvPostgres)
	}
	// A schema per test is much faster than a database per test and
	// just as isolated.
	schema := "t_" + randomHex(8)
	admin, err := db.OpenPostgres(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.W.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	if _, err := admin.W.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
