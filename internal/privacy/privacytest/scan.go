// Package privacytest holds checks that tests of several packages share:
// looking through a whole database and file store for what is left of
// people who were erased.
package privacytest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"cubby/internal/db"
	"cubby/internal/privacy"
	"cubby/internal/store"
)

// Person is what to look for: an account id, an email address and names.
type Person struct {
	ID    int64
	Email string
	Names []string
}

// Leftovers scans every table and the file store for the people's ids (in
// every column that can hold one: foreign keys to users and the first hop
// of every subject path), emails and names, and reports each hit that is
// not a field the inventory declares on hold (DSR-7). Rows kept for a hold
// may keep their key columns.
func Leftovers(ctx context.Context, d *db.DB, inv *privacy.Inventory, files privacy.FileStore, people []Person) ([]string, error) {
	schema, err := privacy.ReadSchema(ctx, d)
	if err != nil {
		return nil, err
	}
	fks, err := privacy.ReadForeignKeys(ctx, d)
	if err != nil {
		return nil, err
	}
	idCols := map[string]bool{}
	for _, fk := range fks {
		if fk.RefTable == "users" && fk.RefColumn == "id" {
			idCols[fk.Table+"."+fk.Column] = true
		}
	}
	for _, t := range inv.Tables() {
		for _, p := range t.SubjectPaths {
			if len(p.Hops) == 1 {
				idCols[t.Name+"."+p.Hops[0].Column] = true
			}
		}
	}
	held := func(table, col string) bool {
		t, ok := inv.Table(table)
		if !ok {
			return false
		}
		if f, ok := t.Field(col); ok && f.Personal {
			return f.Erase == privacy.Hold
		}
		return t.Held()
	}
	var out []string
	for _, p := range people {
		for id := range idCols {
			table, col, _ := strings.Cut(id, ".")
			n, err := store.Count(ctx, d.R, "SELECT count(*) FROM "+privacy.Q(table)+" WHERE "+privacy.Q(col)+" = $1", p.ID)
			if err != nil {
				return nil, err
			}
			if n > 0 && !held(table, col) {
				out = append(out, fmt.Sprintf("%s = id of %s (%d rows)", id, p.label(), n))
			}
		}
		needles := p.needles()
		for table, cols := range schema {
			for col, c := range cols {
				if !c.Text() || strings.HasSuffix(table, "_fts") || table == "goose_db_version" {
					continue
				}
				for _, needle := range needles {
					n, err := store.Count(ctx, d.R, "SELECT count(*) FROM "+privacy.Q(table)+" WHERE lower("+privacy.Q(col)+") LIKE $1", "%"+needle+"%")
					if err != nil {
						return nil, err
					}
					if n > 0 && !held(table, col) {
						out = append(out, fmt.Sprintf("%s.%s holds %q (%d rows)", table, col, needle, n))
					}
				}
			}
		}
		err := files.Walk(func(key string) error {
			for _, needle := range needles {
				found, err := fileHolds(files, key, needle)
				if err != nil {
					return err
				}
				if found {
					out = append(out, fmt.Sprintf("file %s holds %q", key, needle))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (p Person) label() string {
	if p.Email != "" {
		return p.Email
	}
	return strings.Join(p.Names, " ")
}

func (p Person) needles() []string {
	var out []string
	for _, s := range append([]string{p.Email}, p.Names...) {
		if s != "" {
			out = append(out, strings.ToLower(s))
		}
	}
	return out
}

// fileHolds looks inside a file, and inside each entry of a zip archive
// (an export), for a lower-case needle.
func fileHolds(files privacy.FileStore, key, needle string) (bool, error) {
	r, err := files.Open(key)
	if err != nil {
		return false, err
	}
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return false, err
	}
	if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				return false, err
			}
			inner, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return false, err
			}
			if bytes.Contains(bytes.ToLower(inner), []byte(needle)) {
				return true, nil
			}
		}
		return false, nil
	}
	return bytes.Contains(bytes.ToLower(b), []byte(needle)), nil
}
