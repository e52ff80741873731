package db

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"
)

// A database that got later migrations before an earlier one existed
// (features merged in a different order than their numbers) is brought
// up to date instead of refused. The one held back is a table no later
// migration touches (notice_acks), as a feature merged late would be.
func TestMigrateOutOfOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := OpenSQLite(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	all, err := migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	without21 := fstest.MapFS{}
	fs.WalkDir(all, ".", func(p string, e fs.DirEntry, err error) error {
		if e != nil && !e.IsDir() && !strings.HasPrefix(p, "00021_") {
			b, _ := fs.ReadFile(all, p)
			without21[p] = &fstest.MapFile{Data: b}
		}
		return nil
	})
	p, err := goose.NewProvider(goose.DialectSQLite3, d.W, without21)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatalf("a missing earlier migration was not applied: %v", err)
	}
	var n int
	d.R.QueryRow(`SELECT count(*) FROM goose_db_version WHERE version_id = 21`).Scan(&n)
	if n != 1 {
		t.Error("migration 21 not recorded")
	}
}
